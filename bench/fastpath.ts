/**
 * Fast-path packets per second on one core, with a warm cache: frames are parsed from
 * bytes, looked up and their cached actions run, exactly as `Datapath.receive` does for
 * every packet — only cache hits, no upcalls.
 *
 * The rule set is an ACL on destination prefixes (nested /8 ⊃ /16 ⊃ /24 ⊃ /32 and two
 * other networks) and destination ports; 4 096 packets to five destinations, six ports
 * and two protocols, with random source addresses and ports the rules never look at, so
 * every packet is its own exact-match entry while the megaflow cache holds about twenty
 * masks (the count measured is reported). A plain `Map.get` loop over as many integer keys
 * is measured in the same run as a yardstick for "what a hash lookup costs in this JS".
 *
 * The section also checks that a cache hit allocates nothing: it counts garbage
 * collections (v8.GCProfiler) and the growth of V8's young generation during a long
 * synchronous loop of hits.
 */
import v8 from 'node:v8';
import { RandomStreams } from '../engine/random.js';
import { Simulator } from '../engine/simulator.js';
import { Datapath, type CacheStrategy } from '../sim/datapath/datapath.js';
import { parseIpv4 } from '../sim/flow/addr.js';
import { Ofproto } from '../sim/ofproto/ofproto.js';
import { OfprotoDpif } from '../sim/ofproto/ofproto-dpif.js';
import { parseFlows } from '../sim/openflow/flow-syntax.js';
import { PROTO } from './cache/classbench.js';
import { frameFor } from './cache/trace.js';
import { bestRate, formatRate, roundRate, type BenchOptions, type Json, type SectionReport } from './measure.js';

export const FASTPATH_FLOWS = [
  'priority=100,tcp,nw_dst=10.1.2.3,tp_dst=22,actions=drop',
  'priority=90,tcp,nw_dst=10.1.2.0/24,tp_dst=80,actions=output:2',
  'priority=80,udp,nw_dst=10.1.0.0/16,tp_dst=53,actions=output:2',
  'priority=70,tcp,nw_dst=10.0.0.0/8,tp_dst=443,actions=output:2',
  'priority=60,ip,nw_dst=10.0.0.0/8,actions=output:2',
  'priority=50,tcp,nw_dst=172.16.0.0/12,tp_dst=0x1f90/0xfff0,actions=output:2',
  'priority=40,ip,nw_dst=192.168.0.0/16,actions=output:2',
  'priority=0,actions=drop',
];
const DESTINATIONS = ['10.1.2.3', '10.1.2.77', '10.7.7.7', '172.16.5.5', '192.168.3.3'];
const DPORTS = [22, 80, 53, 443, 8080, 12345];
export const FASTPATH_PACKETS = 4096;

export const FAST_STRATEGIES: readonly CacheStrategy[] = ['microflow', 'megaflow', 'emc+megaflow'];

/** The 4 096 distinct frames of the fast-path test. */
export function fastpathFrames(): Uint8Array[] {
  const rng = new RandomStreams('ovsim-bench-fastpath').stream('frames');
  const frames: Uint8Array[] = [];
  const classes = DESTINATIONS.length * DPORTS.length;
  for (let i = 0; i < FASTPATH_PACKETS; i++) {
    const dst = parseIpv4(DESTINATIONS[i % DESTINATIONS.length]!)!;
    const dport = DPORTS[Math.floor(i / DESTINATIONS.length) % DPORTS.length]!;
    const proto = Math.floor(i / classes) % 2 === 0 ? PROTO.TCP : PROTO.UDP;
    const src = (0xc0000000 | rng.int(0, 0xffffff)) >>> 0;
    frames.push(frameFor({ src, dst, proto, sport: rng.int(1024, 65535), dport }, 0x10));
  }
  return frames;
}

export interface FastpathRig {
  readonly dp: Datapath;
  readonly sim: Simulator;
  readonly frames: readonly Uint8Array[];
}

/** A switch with the fast-path rules and a cache warmed until a pass over the frames has no miss. */
export function warmRig(strategy: CacheStrategy, frames: readonly Uint8Array[] = fastpathFrames()): FastpathRig {
  const sim = new Simulator();
  const ofproto = new Ofproto({ ports: [1, 2] });
  for (const e of parseFlows(FASTPATH_FLOWS.join('\n'), { version: 'OpenFlow15' })) ofproto.addFlow(e);
  const rng = new RandomStreams('ovsim-bench-fastpath').stream(`emc:${strategy}`);
  const dp = new Datapath({ strategy, scheduler: sim, random: () => rng.uniform(), upcallQueueLimit: 1 << 16 });
  const sink = { send: (_f: Uint8Array) => undefined };
  dp.addPort(1, sink);
  dp.addPort(2, sink);
  new OfprotoDpif(ofproto, dp, sim);
  // Passes 50 ms apart: misses get installed, the EMC fills (1 insertion in 100 hits), and
  // after a second of virtual time the revalidator has ranked the subtables by hits.
  for (let pass = 0; pass < 300; pass++) {
    const misses = dp.stats.misses;
    for (const f of frames) dp.receive(1, f);
    sim.run({ until: sim.now() + 50_000_000 });
    if (pass >= 25 && dp.stats.misses === misses && (strategy !== 'emc+megaflow' || pass >= 150)) break;
  }
  return { dp, sim, frames };
}

/** `n` packets through a warm rig. */
export function runHits(rig: FastpathRig, n: number): void {
  const { dp, frames } = rig;
  const mask = frames.length - 1;
  for (let i = 0; i < n; i++) dp.receive(1, frames[i & mask]!);
}

/** `n` lookups in a Map of as many integer keys as the fast path has flows; returns a checksum. */
export function mapGetLoop(map: Map<number, { v: number }>, keys: Int32Array, n: number): number {
  const mask = keys.length - 1;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += map.get(keys[i & mask]!)!.v;
  return sum;
}

export interface AllocCheck {
  readonly packets: number;
  /** Garbage collections (any kind) during the loop. */
  readonly gcs: number;
  /** Young-generation growth per packet over loop chunks with no collection, bytes. */
  readonly bytesPerPacket: number;
}

/** Runs `packets` hits in chunks, counting GCs and young-generation growth. */
export function checkNoAlloc(rig: FastpathRig, packets: number): AllocCheck {
  const chunk = 100_000;
  const profiler = new v8.GCProfiler();
  let grown = 0;
  let measured = 0;
  const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? 0;
  profiler.start();
  for (let done = 0; done < packets; done += chunk) {
    const before = newSpace();
    runHits(rig, chunk);
    const after = newSpace();
    // A collection in between empties the young generation: such a chunk says nothing.
    if (after >= before) {
      grown += after - before;
      measured += chunk;
    }
  }
  const stats = profiler.stop();
  return { packets, gcs: stats.statistics.length, bytesPerPacket: measured > 0 ? grown / measured : NaN };
}

export interface FastpathFigures {
  readonly pps: Record<string, number>;
  readonly masks: number;
  readonly flows: Record<string, number>;
  readonly mapGetPerS: number;
  readonly alloc: Record<string, AllocCheck>;
}

export function measureFastpath(opts: BenchOptions): FastpathFigures {
  const frames = fastpathFrames();
  const measure = opts.quick ? { ops: 300_000, reps: 3, warmupOps: 100_000 } : { ops: 2_000_000, reps: 5, warmupOps: 500_000 };
  const pps: Record<string, number> = {};
  const flows: Record<string, number> = {};
  const alloc: Record<string, AllocCheck> = {};
  let masks = 0;
  for (const s of FAST_STRATEGIES) {
    const rig = warmRig(s, frames);
    const missesBefore = rig.dp.stats.misses;
    pps[s] = bestRate((n) => runHits(rig, n), measure);
    if (rig.dp.stats.misses !== missesBefore) throw new Error(`fastpath: ${s} missed during the timed loop`);
    flows[s] = rig.dp.flowCount;
    if (s === 'megaflow') masks = rig.dp.maskCount;
    alloc[s] = checkNoAlloc(rig, opts.quick ? 500_000 : 3_000_000);
  }
  const map = new Map<number, { v: number }>();
  const keys = new Int32Array(FASTPATH_PACKETS);
  const rng = new RandomStreams('ovsim-bench-fastpath').stream('map');
  for (let i = 0; i < keys.length; i++) {
    let k = rng.int(0, 2 ** 31 - 1);
    while (map.has(k)) k = rng.int(0, 2 ** 31 - 1);
    keys[i] = k;
    map.set(k, { v: i });
  }
  const mapGetPerS = bestRate((n) => void mapGetLoop(map, keys, n), measure);
  return { pps, masks, flows, mapGetPerS, alloc };
}

function allocVerdict(a: AllocCheck): string {
  return a.gcs === 0 && a.bytesPerPacket < 0.5 ? 'none' : `${a.gcs} GCs, ${a.bytesPerPacket.toFixed(2)} B/pkt`;
}

export function fastpathSection(opts: BenchOptions): SectionReport {
  const f = measureFastpath(opts);
  const noAlloc: { [k: string]: Json } = {};
  for (const [s, a] of Object.entries(f.alloc)) noAlloc[s] = { gcs: a.gcs, bytes_per_packet: Math.round(a.bytesPerPacket * 100) / 100, packets: a.packets, ok: a.gcs === 0 && a.bytesPerPacket < 0.5 };
  const pps: { [k: string]: Json } = {};
  for (const s of FAST_STRATEGIES) pps[s] = roundRate(f.pps[s]!);
  return {
    name: 'fastpath',
    title: `Fast path, warm cache, one core: frames parsed from bytes (${FASTPATH_PACKETS} distinct packets, ${f.masks} megaflow masks)`,
    table: [
      ['strategy', 'cached flows', 'packets/s', 'allocation on hit'],
      ...FAST_STRATEGIES.map((s) => [s, String(f.flows[s]), formatRate(f.pps[s]!), allocVerdict(f.alloc[s]!)]),
      ['Map.get (yardstick)', String(FASTPATH_PACKETS), formatRate(f.mapGetPerS), ''],
    ],
    notes: [
      'targets: emc+megaflow ≥ 5 M/s, megaflow ≥ 2 M/s at ~20 masks',
      'allocation: GCs counted with v8.GCProfiler and young-generation growth over a long loop of hits',
    ],
    figures: { fastpath_pps: pps, fastpath_masks: f.masks, baseline_map_get_per_s: roundRate(f.mapGetPerS), no_alloc_on_hit: noAlloc },
  };
}
