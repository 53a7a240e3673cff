/**
 * Flow-size distributions measured in production data centres, as CDF points
 * (size in bytes, cumulative probability), interpolated linearly between points by
 * engine/random.ts's `EmpiricalCdf`.
 *
 * - Web search: the query/background traffic of a production cluster measured in the
 *   DCTCP paper (Alizadeh et al., "Data Center TCP (DCTCP)", SIGCOMM 2010), in the form
 *   pFabric (Alizadeh et al., "pFabric: Minimal Near-Optimal Datacenter Transport",
 *   SIGCOMM 2013) published for ns-2 as `web_search_workload.tcl`: sizes in 1460-byte
 *   packets, converted to bytes here. Mean ≈ 1.6 MB; half the flows are under ~70 KB.
 * - Data mining: the distribution measured in VL2 (Greenberg et al., "VL2: A Scalable
 *   and Flexible Data Center Network", SIGCOMM 2009) and used by pFabric as its
 *   data-mining workload. Half the flows are at most 1.1 KB, yet flows above 100 MB carry
 *   most of the bytes. Its sizes are given in bytes; we start it at 1 byte, not 0,
 *   because an empty flow carries nothing to measure.
 * The point values were checked against copies of these tables kept in public simulator
 * repositories (the pFabric ns-2 file for web search; NetBench's pFabric data-mining
 * table), since neither paper prints the table itself.
 */
import { EmpiricalCdf, type CdfPoint } from '../../engine/random.js';
import type { Rng } from './rng.js';

/** Payload bytes per packet in the ns-2 workload files. */
const NS2_PACKET_BYTES = 1460;

const WEB_SEARCH_PACKETS: readonly CdfPoint[] = [
  [6, 0],
  [6, 0.15],
  [13, 0.2],
  [19, 0.3],
  [33, 0.4],
  [53, 0.53],
  [133, 0.6],
  [667, 0.7],
  [1333, 0.8],
  [3333, 0.9],
  [6667, 0.97],
  [20000, 1],
];

/** DCTCP web-search flow sizes, bytes. */
export const WEB_SEARCH_CDF: readonly CdfPoint[] = Object.freeze(
  WEB_SEARCH_PACKETS.map(([pkts, p]): CdfPoint => [pkts * NS2_PACKET_BYTES, p]),
);

/** VL2 / pFabric data-mining flow sizes, bytes. */
export const DATA_MINING_CDF: readonly CdfPoint[] = Object.freeze([
  [1, 0],
  [180, 0.1],
  [216, 0.2],
  [560, 0.3],
  [900, 0.4],
  [1100, 0.5],
  [1870, 0.6],
  [3160, 0.7],
  [10_000, 0.8],
  [400_000, 0.9],
  [3_160_000, 0.95],
  [100_000_000, 0.98],
  [1_000_000_000, 1],
] as CdfPoint[]);

/** The named distributions, for scenario files. */
export const FLOW_SIZE_CDFS = Object.freeze({ webSearch: WEB_SEARCH_CDF, dataMining: DATA_MINING_CDF });
export type FlowSizeCdfName = keyof typeof FLOW_SIZE_CDFS;

/** Draws whole flow sizes in bytes (at least 1, at most `capBytes`) from `cdf` through `rng`. */
export function flowSizeSampler(
  rng: Pick<Rng, 'uniform'>,
  cdf: readonly CdfPoint[] | FlowSizeCdfName,
  opts: { capBytes?: number } = {},
): () => number {
  const points = typeof cdf === 'string' ? FLOW_SIZE_CDFS[cdf] : cdf;
  if (points === undefined) throw new RangeError(`unknown flow-size distribution "${String(cdf)}" (want ${Object.keys(FLOW_SIZE_CDFS).join(' or ')})`);
  const dist = new EmpiricalCdf(points);
  const cap = opts.capBytes ?? Infinity;
  if (!(cap >= 1)) throw new RangeError(`capBytes must be at least 1, got ${cap}`);
  return () => Math.min(cap, Math.max(1, Math.round(dist.quantile(rng.uniform()))));
}
