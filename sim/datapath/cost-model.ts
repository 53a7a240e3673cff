/**
 * The modeled CPU cost of datapath work, in nanoseconds of one core.
 *
 * These are model parameters, not measurements of this machine: they put the fast path,
 * where a packet costs tens of nanoseconds per cache probe, and the slow path, where a
 * flow setup costs tens of microseconds (an upcall crossing into userspace, a translation
 * through the OpenFlow tables, an install), on one scale, so a run can say what a cache
 * strategy would cost a real switch. Defaults follow the orders of magnitude the NSDI 2015
 * OVS paper and OVS's own counters report; every figure can be overridden per run.
 */
export interface CostModel {
  /** Parsing a frame into a flow key. */
  readonly parseNs: number;
  /** One exact-match probe (EMC or microflow cache). */
  readonly exactProbeNs: number;
  /** Probing one megaflow subtable (one masked hash and compare). */
  readonly subtableProbeNs: number;
  /** Running one datapath action. */
  readonly actionNs: number;
  /** Handing a missed packet to userspace and back. */
  readonly upcallNs: number;
  /** Translating a packet through the OpenFlow tables. */
  readonly xlateNs: number;
  /** Installing a flow in the datapath. */
  readonly installNs: number;
  /** Revalidating one cached flow (re-translation and compare). */
  readonly revalidateNs: number;
}

export const DEFAULT_COST_MODEL: CostModel = {
  parseNs: 40,
  exactProbeNs: 15,
  subtableProbeNs: 25,
  actionNs: 10,
  upcallNs: 5_000,
  xlateNs: 15_000,
  installNs: 2_000,
  revalidateNs: 2_000,
};
