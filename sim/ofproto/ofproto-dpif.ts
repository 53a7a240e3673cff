/**
 * ofproto-dpif: an OpenFlow switch (ofproto) on top of a datapath. It answers the
 * datapath's upcalls by translating the packet through the tables, and revalidates the
 * datapath's cache whenever the tables (or what NORMAL learned) change.
 *
 * The datapath numbers ports its own way (LOCAL is datapath port 100 in OVS's test layout),
 * so keys cross this boundary with their in_port translated.
 */
import type { Datapath, Scheduler, UpcallResult } from '../datapath/datapath.js';
import { FLOW_WORDS, W } from '../flow/layout.js';
import type { Ofproto } from './ofproto.js';
import { xlate } from './xlate.js';

export class OfprotoDpif {
  readonly #odpToOfp = new Map<number, number>();
  /** The key being translated, with in_port in OpenFlow numbering (xlate copies it). */
  readonly #key = new Uint32Array(FLOW_WORDS);

  constructor(
    readonly ofproto: Ofproto,
    readonly datapath: Datapath,
    readonly clock: Pick<Scheduler, 'now'>,
  ) {
    for (const p of ofproto.ports.values()) this.#odpToOfp.set(p.odp, p.ofp);
    datapath.setUpcallHandler((key) => this.#translate(key, true));
    ofproto.onTablesChanged(() => this.revalidate());
  }

  /** Records that datapath port `odp` is OpenFlow port `ofp` (for ports added later). */
  mapPort(odp: number, ofp: number): void {
    this.#odpToOfp.set(odp, ofp);
  }

  /** Translates a datapath key; with side effects (a real packet), NORMAL learns. */
  #translate(odpKey: Uint32Array, sideEffects: boolean): UpcallResult {
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
    const r = xlate(this.ofproto, key, { allowSideEffects: sideEffects, nowNs: this.clock.now() });
    if (r.macLearningChanged) this.revalidate();
    return { actions: r.actions, mask: r.mask };
  }

  /** Re-checks every cached flow against the current tables. */
  revalidate(): void {
    this.datapath.revalidate((key) => this.#translate(key, false));
  }
}
