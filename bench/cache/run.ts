/**
 * Runs one workload through a switch with one cache strategy, in virtual time: each
 * packet reaches the datapath at its trace time, misses queue upcalls that ofproto
 * answers after their modeled cost, and the figures are read off the datapath's counters.
 *
 * Everything in a result but `wallNsPerPacket` follows from the workload, the strategy and
 * the seed; the wall time is this machine's and is kept apart by the report.
 */
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';
import { Datapath, type CacheStrategy } from '../../sim/datapath/datapath.js';
import { Ofproto } from '../../sim/ofproto/ofproto.js';
import { OfprotoDpif } from '../../sim/ofproto/ofproto-dpif.js';
import { parseFlows } from '../../sim/openflow/flow-syntax.js';
import type { Workload } from './workloads.js';

/** The strategies compared, in report order. */
export const STRATEGIES: readonly CacheStrategy[] = ['none', 'microflow', 'megaflow', 'emc+megaflow'];

export interface StrategyResult {
  readonly strategy: CacheStrategy;
  readonly packets: number;
  readonly hits: number;
  readonly emcHits: number;
  readonly megaflowHits: number;
  readonly microflowHits: number;
  /** Cache hits over packets. */
  readonly hitRate: number;
  readonly upcalls: number;
  readonly lostUpcalls: number;
  /** Flows cached when the trace ends (after the last upcalls were answered). */
  readonly flows: number;
  readonly flowsInstalled: number;
  /** Megaflow masks (subtables) when the trace ends. */
  readonly masks: number;
  /** Most masks seen at once during the run. */
  readonly peakMasks: number;
  /** Megaflow subtables probed per packet, on average. */
  readonly probesPerPacket: number;
  /** Modeled CPU per packet: fast path + slow path, over all packets. */
  readonly costNsPerPacket: number;
  readonly fastPathNsPerPacket: number;
  readonly slowPathNsPerPacket: number;
  /** Packets the switch sent out of a port. */
  readonly delivered: number;
  /** Legitimate (untagged) packets and their fast-path figures, when the trace has attack packets. */
  readonly legit: { readonly packets: number; readonly probesPerPacket: number; readonly fastPathNsPerPacket: number } | null;
  /** Wall-clock nanoseconds per packet on this machine (not deterministic). */
  readonly wallNsPerPacket: number;
}

export interface RunOptions {
  readonly seed: number;
}

/**
 * Upcall handler threads. The datapath models one by default; a server runs several (OVS
 * sizes them by cores), and with one the flow-setup rate of ~45 000/s would hide every
 * other difference behind lost upcalls.
 */
export const HANDLERS = 4;

/** Virtual time allowed after the last packet for queued upcalls to be answered. */
const DRAIN_NS = 100_000_000;
/** Actions that change a packet: with these, every strategy gets its own copy of each frame. */
const REWRITES = /set_field|mod_|dec_ttl|push_|pop_|strip_vlan|load:|move:|set_/;

export function runStrategy(w: Workload, strategy: CacheStrategy, opts: RunOptions): StrategyResult {
  const sim = new Simulator();
  const ofproto = new Ofproto({ ports: [...w.ports] });
  for (const e of parseFlows(w.flows.join('\n'), { version: 'OpenFlow15' })) ofproto.addFlow(e);
  const emcRandom = new RandomStreams(`${opts.seed}/${w.name}`).stream(`emc:${strategy}`);
  const dp = new Datapath({ strategy, scheduler: sim, random: () => emcRandom.uniform(), handlers: HANDLERS });
  let delivered = 0;
  const count = { send: () => void delivered++ };
  for (const p of [...w.ports, 100]) dp.addPort(p, count);
  new OfprotoDpif(ofproto, dp, sim);

  const { count: n, times, ports, frames } = w.trace;
  const copy = w.flows.some((f) => REWRITES.test(f.slice(f.indexOf('actions'))));
  const tags = w.trace.tags;
  const attacked = tags.includes(1);
  let legitPackets = 0;
  let legitProbes = 0;
  let legitFastNs = 0;
  let peakMasks = 0;
  const st = dp.stats;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (t > sim.now()) sim.run({ until: t });
    const probes0 = st.subtableProbes;
    const fast0 = st.fastPathCostNs;
    dp.receive(ports[i]!, copy ? frames[i]!.slice() : frames[i]!);
    if (tags[i] === 0) {
      legitPackets++;
      legitProbes += st.subtableProbes - probes0;
      legitFastNs += st.fastPathCostNs - fast0;
    }
    if ((i & 1023) === 0) peakMasks = Math.max(peakMasks, dp.maskCount);
  }
  sim.run({ until: sim.now() + DRAIN_NS });
  const wallNs = Number(process.hrtime.bigint() - t0);
  const s = dp.stats;
  const masks = dp.maskCount;
  const hits = s.emcHits + s.megaflowHits + s.microflowHits;
  const per = (x: number) => (s.packets === 0 ? 0 : x / s.packets);
  return {
    strategy,
    packets: s.packets,
    hits,
    emcHits: s.emcHits,
    megaflowHits: s.megaflowHits,
    microflowHits: s.microflowHits,
    hitRate: per(hits),
    upcalls: s.upcalls,
    lostUpcalls: s.lostUpcalls,
    flows: dp.flowCount,
    flowsInstalled: s.flowsInstalled,
    masks,
    peakMasks: Math.max(peakMasks, masks),
    probesPerPacket: per(s.subtableProbes),
    costNsPerPacket: per(s.fastPathCostNs + s.slowPathCostNs),
    fastPathNsPerPacket: per(s.fastPathCostNs),
    slowPathNsPerPacket: per(s.slowPathCostNs),
    delivered,
    legit: attacked ? { packets: legitPackets, probesPerPacket: legitPackets ? legitProbes / legitPackets : 0, fastPathNsPerPacket: legitPackets ? legitFastNs / legitPackets : 0 } : null,
    wallNsPerPacket: per(wallNs),
  };
}
