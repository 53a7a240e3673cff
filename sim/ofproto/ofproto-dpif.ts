/**
 * ofproto-dpif: an OpenFlow switch (ofproto) on top of a datapath. It answers the
 * datapath's upcalls by translating the packet through the tables, and revalidates the
 * datapath's cache whenever the tables (or what NORMAL learned) change.
 *
 * The datapath numbers ports its own way (LOCAL is datapath port 100 in OVS's test layout),
 * so keys cross this boundary with their in_port translated.
 *
 * Rule statistics. A packet translated in an upcall counts against every rule its
 * translation went through; the datapath flow installed for it remembers those rules
 * (keyed by its action list, which the datapath keeps as given), and `pullStats` later
 * credits the packets the flow matched in the fast path to the same rules — OVS's
 * xlate cache, in miniature.
 *
 * Packet-ins. A controller action becomes a datapath `userspace` action whose recirc_id
 * is fresh per translation; the translation's input port, table and pipeline metadata
 * are kept under that id, since the packet reaching userspace carries none of them.
 */
import type { Datapath, Scheduler, UpcallResult } from '../datapath/datapath.js';
import type { OdpAction } from '../datapath/odp-actions.js';
import { extractFlow } from '../flow/extract.js';
import type { FlowKey } from '../flow/key.js';
import { copyKey } from '../flow/key-slab.js';
import { FLOW_WORDS, W } from '../flow/layout.js';
import type { Ofpact } from '../openflow/ofpact.js';
import type { Ofproto } from './ofproto.js';
import type { FlowEntry } from './rule.js';
import { xlate, xlateActions, type XlateResult } from './xlate.js';

/** What a packet-in needs that the packet itself does not say. */
export interface PacketInMeta {
  /** OpenFlow input port. */
  readonly inPort: number;
  /** Table of the rule whose action sent the packet. */
  readonly tableId: number;
  /** The flow at the end of translation (metadata, registers, tunnel fields). */
  readonly flow: FlowKey;
}

export class OfprotoDpif {
  readonly #odpToOfp = new Map<number, number>();
  /** The key being translated, with in_port in OpenFlow numbering (xlate copies it). */
  readonly #key = new Uint32Array(FLOW_WORDS);
  /** Rules behind each installed datapath flow, keyed by the flow's action list. */
  readonly #rulesOf = new WeakMap<readonly OdpAction[], readonly FlowEntry[]>();
  /** Fast-path counts already credited, per datapath flow. */
  readonly #credited = new WeakMap<object, { packets: number; bytes: number }>();
  readonly #packetIn = new Map<number, PacketInMeta>();

  constructor(
    readonly ofproto: Ofproto,
    readonly datapath: Datapath,
    readonly clock: Pick<Scheduler, 'now'>,
  ) {
    for (const p of ofproto.ports.values()) this.#odpToOfp.set(p.odp, p.ofp);
    ofproto.setClock(() => clock.now());
    datapath.setUpcallHandler((key, frame) => this.#translate(key, frame));
    ofproto.onTablesChanged(() => this.revalidate());
  }

  /** Records that datapath port `odp` is OpenFlow port `ofp` (for ports added later). */
  mapPort(odp: number, ofp: number): void {
    this.#odpToOfp.set(odp, ofp);
  }

  /** The OpenFlow port of a datapath port, if known. */
  ofpPort(odp: number): number | undefined {
    return this.#odpToOfp.get(odp);
  }

  /** Translates an upcall's key: a real packet, so NORMAL learns and rules count it. */
  #translate(odpKey: Uint32Array, frame: Uint8Array | null): UpcallResult {
    const key = this.#key;
    key.set(odpKey);
    const ofp = this.#odpToOfp.get(key[W.IN_PORT]!);
    // A packet from a port ofproto does not know: drop it, matching only its in_port.
    if (ofp === undefined) {
      const mask = new Uint32Array(FLOW_WORDS);
      mask[W.IN_PORT] = 0xffffffff;
      return { actions: [], mask };
    }
    key[W.IN_PORT] = ofp;
    const real = frame !== null;
    const now = this.clock.now();
    const r = xlate(this.ofproto, key, { allowSideEffects: real, nowNs: now });
    if (real) this.#account(r, ofp, frame.length, now);
    if (r.macLearningChanged) this.revalidate();
    return { actions: r.actions, mask: r.mask };
  }

  /** Credits the rules a real packet went through and keeps what its packet-ins need. */
  #account(r: XlateResult, inPort: number, bytes: number, now: number): void {
    const used = r.rules;
    for (const e of used) this.ofproto.ruleStats.credit(e, 1, bytes, now);
    if (used.length > 0) this.#rulesOf.set(r.actions, used);
    const tables = r.controllerTables;
    let n = 0;
    for (const a of r.actions) {
      if (a.type !== 'userspace') continue;
      const tableId = tables[n] ?? tables[tables.length - 1] ?? 0;
      n++;
      this.#packetIn.set(a.controller.recircId, { inPort, tableId, flow: copyKey(r.finalFlow) });
    }
    if (n > 0 && this.#packetIn.size > 4096 + 2 * this.datapath.flowCount) this.#prunePacketIns();
  }

  /** Drops packet-in records no cached flow can use any more. */
  #prunePacketIns(): void {
    const live = new Set<number>();
    for (const f of this.datapath.flows()) for (const a of f.actions) if (a.type === 'userspace') live.add(a.controller.recircId);
    for (const id of this.#packetIn.keys()) if (!live.has(id)) this.#packetIn.delete(id);
  }

  /** Input port, table and metadata of a packet-in's controller action (by its recirc_id). */
  packetInMeta(recircId: number): PacketInMeta | undefined {
    return this.#packetIn.get(recircId);
  }

  /** Credits rules with the packets their datapath flows matched since the last pull. */
  pullStats(): void {
    const stats = this.ofproto.ruleStats;
    for (const f of this.datapath.flows()) {
      const rules = this.#rulesOf.get(f.actions);
      if (!rules) continue;
      const seen = this.#credited.get(f);
      const dp = f.packets - (seen?.packets ?? 0);
      if (dp <= 0) continue;
      const db = f.bytes - (seen?.bytes ?? 0);
      for (const e of rules) stats.credit(e, dp, db, f.usedNs);
      this.#credited.set(f, { packets: f.packets, bytes: f.bytes });
    }
  }

  /** Re-checks every cached flow against the current tables. */
  revalidate(): void {
    this.pullStats();
    this.datapath.revalidate((key) => this.#translate(key, null));
  }

  /**
   * Runs OpenFlow `actions` on one packet as if it had arrived on OpenFlow port `inPort`
   * (OFPP.CONTROLLER or OFPP.NONE for none): what a PACKET_OUT asks. Output to TABLE and
   * resubmits go through the real tables; the datapath executes the result.
   */
  executePacket(frame: Uint8Array, opts: { readonly inPort: number; readonly actions: readonly Ofpact[] }): XlateResult {
    const key = new Uint32Array(FLOW_WORDS);
    extractFlow(frame, opts.inPort, key);
    const now = this.clock.now();
    const r = xlateActions(this.ofproto, key, opts.actions, { allowSideEffects: true, nowNs: now });
    this.#account(r, opts.inPort, frame.length, now);
    if (r.macLearningChanged) this.revalidate();
    this.datapath.execute(frame.slice(), r.actions);
    return r;
  }
}
