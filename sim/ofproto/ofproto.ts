/**
 * ofproto: one OpenFlow switch (a bridge) — its ports, its flow tables and its MAC
 * learning table. Translation (xlate.ts) reads it; flow mods change it.
 *
 * Port numbering follows OVS's test-suite layout by default: port pN is OpenFlow port N
 * and datapath port N; the bridge's own LOCAL port is datapath port 100.
 */
import { OFPP } from '../flow/layout.js';
import type { Field } from '../flow/fields.js';
import type { Match } from '../flow/match.js';
import { Classifier } from './classifier.js';
import { MacLearning } from './mac-learning.js';
import type { FlowEntry } from './rule.js';

export interface OfPort {
  /** OpenFlow port number. */
  readonly ofp: number;
  /** Datapath port number. */
  readonly odp: number;
  readonly name: string;
}

export interface OfprotoOptions {
  readonly name?: string;
  /** OpenFlow port numbers of the bridge's ports (named pN). */
  readonly ports?: readonly number[];
  /** Datapath port number of LOCAL (OVS's test suite: 100). */
  readonly localOdp?: number;
  readonly prefixFields?: readonly Field[];
}

/** OVS has 255 tables: 0–254. */
export const N_TABLES = 255;

export class Ofproto {
  readonly name: string;
  readonly ports = new Map<number, OfPort>();
  readonly macs = new MacLearning();
  readonly #tables: Classifier<FlowEntry>[] = [];
  readonly #prefixFields: readonly Field[] | undefined;
  /** Recirculation ids handed out to controller actions. */
  #nextRecircId = 1;
  readonly #listeners: (() => void)[] = [];

  /** Calls `fn` after every change to the flow tables or ports (so caches can revalidate). */
  onTablesChanged(fn: () => void): void {
    this.#listeners.push(fn);
  }

  #changed(): void {
    for (const fn of this.#listeners) fn();
  }

  constructor(opts: OfprotoOptions = {}) {
    this.name = opts.name ?? 'br0';
    this.#prefixFields = opts.prefixFields;
    this.addPort({ ofp: OFPP.LOCAL, odp: opts.localOdp ?? 100, name: this.name });
    for (const n of opts.ports ?? []) this.addPort({ ofp: n, odp: n, name: `p${n}` });
  }

  addPort(p: OfPort): void {
    this.ports.set(p.ofp, p);
    this.#changed();
  }

  /** Removes a port; flows that output to it now find no such port. */
  removePort(ofp: number): void {
    if (this.ports.delete(ofp)) this.#changed();
  }

  /** The classifier of table `id`, created on first use. */
  table(id: number): Classifier<FlowEntry> {
    if (id < 0 || id >= N_TABLES) throw new RangeError(`table ${id} out of range`);
    let t = this.#tables[id];
    if (!t) {
      t = new Classifier<FlowEntry>(this.#prefixFields ? { prefixFields: this.#prefixFields } : {});
      this.#tables[id] = t;
    }
    return t;
  }

  /** Tables that exist, for dumps. */
  tableIds(): number[] {
    const ids: number[] = [];
    this.#tables.forEach((t, i) => {
      if (t) ids.push(i);
    });
    return ids;
  }

  /** OFPFC_ADD: a rule with the same match and priority in the same table is replaced. */
  addFlow(e: FlowEntry): void {
    const t = this.table(e.table);
    const old = t.findExact(e.match, e.priority);
    if (old) t.remove(old);
    t.insert(e.match, e.priority, e);
    this.#changed();
  }

  /** Deletes the rules of table `id` (every table when undefined) whose match is covered by `filter`. */
  deleteFlows(filter?: { table?: number; match?: Match }): number {
    let n = 0;
    const ids = filter?.table === undefined ? this.tableIds() : [filter.table];
    for (const id of ids) {
      const t = this.table(id);
      for (const r of [...t.rules()]) {
        if (filter?.match && !covers(filter.match, r.match)) continue;
        t.remove(r);
        n++;
      }
    }
    if (n > 0) this.#changed();
    return n;
  }

  allocRecircId(): number {
    return this.#nextRecircId++;
  }

  /** Datapath port of an OpenFlow port, or undefined when the bridge has no such port. */
  odpPort(ofp: number): number | undefined {
    return this.ports.get(ofp)?.odp;
  }
}

/** Whether every packet `inner` matches is matched by `outer` (outer is looser). */
function covers(outer: Match, inner: Match): boolean {
  for (let i = 0; i < outer.mask.length; i++) {
    const om = outer.mask[i]!;
    if ((om & ~inner.mask[i]!) !== 0) return false;
    if (((outer.key[i]! ^ inner.key[i]!) & om) !== 0) return false;
  }
  return true;
}
