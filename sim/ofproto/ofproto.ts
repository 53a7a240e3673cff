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
import { RuleStatsTable } from './rule-stats.js';

/** Why a rule left its table (OpenFlow's flow-removed reasons, plus a replaced rule's). */
export type RuleRemovalReason = 'idle_timeout' | 'hard_timeout' | 'delete' | 'group_delete' | 'meter_delete' | 'eviction';
export type PortChange = 'add' | 'delete' | 'modify';

export interface OfPort {
  /** OpenFlow port number. */
  readonly ofp: number;
  /** Datapath port number. */
  readonly odp: number;
  readonly name: string;
}

/**
 * A port mirror (OVS's Mirror table): copies of packets that arrive on `srcPorts` or
 * leave by `dstPorts` (every packet with `selectAll`) also go out of `outPort`, which
 * then carries nothing else.
 */
export interface Mirror {
  readonly name: string;
  readonly selectAll: boolean;
  readonly srcPorts: ReadonlySet<number>;
  readonly dstPorts: ReadonlySet<number>;
  readonly outPort: number;
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
  #mirrors: readonly Mirror[] = [];

  get mirrors(): readonly Mirror[] {
    return this.#mirrors;
  }

  /** Replaces the mirror configuration (cached flows are revalidated). */
  setMirrors(mirrors: readonly Mirror[]): void {
    this.#mirrors = mirrors;
    this.#changed();
  }
  readonly #addedListeners: ((e: FlowEntry) => void)[] = [];
  readonly #removedListeners: ((e: FlowEntry, reason: RuleRemovalReason) => void)[] = [];
  readonly #portListeners: ((change: PortChange, port: OfPort) => void)[] = [];
  /** Per-rule counters and timestamps (flow stats, timeouts). */
  readonly ruleStats = new RuleStatsTable();

  /** The clock rule timestamps come from (the engine's; ofproto-dpif sets it). */
  setClock(now: () => number): void {
    this.ruleStats.setClock(now);
  }

  /** Calls `fn` for every rule put in a table (added, or replacing another). */
  onRuleAdded(fn: (e: FlowEntry) => void): void {
    this.#addedListeners.push(fn);
  }

  /** Calls `fn` whenever a rule leaves a table other than by being replaced. */
  onRuleRemoved(fn: (e: FlowEntry, reason: RuleRemovalReason) => void): void {
    this.#removedListeners.push(fn);
  }

  /** Calls `fn` when a port is added, deleted or changed (OpenFlow's PORT_STATUS). */
  onPortChanged(fn: (change: PortChange, port: OfPort) => void): void {
    this.#portListeners.push(fn);
  }

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
    const had = this.ports.has(p.ofp);
    this.ports.set(p.ofp, p);
    this.#changed();
    for (const fn of this.#portListeners) fn(had ? 'modify' : 'add', p);
  }

  /** Removes a port; flows that output to it now find no such port. */
  removePort(ofp: number): void {
    const p = this.ports.get(ofp);
    if (!p) return;
    this.ports.delete(ofp);
    this.#changed();
    for (const fn of this.#portListeners) fn('delete', p);
  }

  /** Reports a change of a port's state or config to the port listeners. */
  portModified(ofp: number): void {
    const p = this.ports.get(ofp);
    if (p) for (const fn of this.#portListeners) fn('modify', p);
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
    if (old) {
      t.remove(old);
      this.ruleStats.replaced(old.data, e, { keepCounts: !e.flags.includes('reset_counts'), keepCreated: false });
    } else this.ruleStats.added(e);
    t.insert(e.match, e.priority, e);
    for (const fn of this.#addedListeners) fn(e);
    this.#changed();
  }

  /**
   * Puts `next` in the place of `prev` (same table, match and priority: a modify).
   * Returns false when `prev` is no longer in its table.
   */
  replaceFlow(prev: FlowEntry, next: FlowEntry, opts: { keepCounts: boolean; keepCreated: boolean }): boolean {
    const t = this.table(prev.table);
    const cur = t.findExact(prev.match, prev.priority);
    if (!cur || cur.data !== prev) return false;
    t.remove(cur);
    t.insert(next.match, next.priority, next);
    this.ruleStats.replaced(prev, next, opts);
    for (const fn of this.#addedListeners) fn(next);
    this.#changed();
    return true;
  }

  /** Removes the rule `e` for `reason`; false when it is not in its table (any more). */
  removeFlow(e: FlowEntry, reason: RuleRemovalReason): boolean {
    if (!this.#removeQuiet(e, reason)) return false;
    this.#changed();
    return true;
  }

  /** Removes several rules with one revalidation; returns how many were present. */
  removeFlows(rules: readonly FlowEntry[], reason: RuleRemovalReason): number {
    let n = 0;
    for (const e of rules) if (this.#removeQuiet(e, reason)) n++;
    if (n > 0) this.#changed();
    return n;
  }

  #removeQuiet(e: FlowEntry, reason: RuleRemovalReason): boolean {
    if (e.table < 0 || e.table >= N_TABLES || !this.#tables[e.table]) return false;
    const t = this.#tables[e.table]!;
    const cur = t.findExact(e.match, e.priority);
    if (!cur || cur.data !== e) return false;
    t.remove(cur);
    this.ruleStats.removed(e);
    for (const fn of this.#removedListeners) fn(e, reason);
    return true;
  }

  /** Every rule of table `id` (of every table when undefined), highest priority first per table. */
  *flows(id?: number): IterableIterator<FlowEntry> {
    const ids = id === undefined ? this.tableIds() : this.#tables[id] ? [id] : [];
    for (const i of ids) for (const r of this.#tables[i]!.rules()) yield r.data;
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
        this.ruleStats.removed(r.data);
        for (const fn of this.#removedListeners) fn(r.data, 'delete');
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
export function covers(outer: Match, inner: Match): boolean {
  for (let i = 0; i < outer.mask.length; i++) {
    const om = outer.mask[i]!;
    if ((om & ~inner.mask[i]!) !== 0) return false;
    if (((outer.key[i]! ^ inner.key[i]!) & om) !== 0) return false;
  }
  return true;
}
