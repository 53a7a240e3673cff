/**
 * Slow-path packets per second: every packet a miss, so each one costs a flow-key parse, an
 * upcall, a full translation through the tables, a flow install and the execution of its
 * actions — the work OVS's handler threads do per flow setup. The microflow strategy is
 * used because with it every new 5-tuple is certain to miss. A fresh datapath takes over
 * every 8 000 packets, before the flow limit would stop installs.
 *
 * Two tables: the fast-path section's small ACL (8 flows; `slowpath_pps`), and a 200-rule
 * ClassBench-style ACL (~560 flows in ~hundreds of subtables; `slowpath_acl_pps`), where
 * the classifier's lookups with wildcard tracking dominate the cost of a translation.
 */
import { RandomStreams } from '../engine/random.js';
import { Simulator } from '../engine/simulator.js';
import { Datapath } from '../sim/datapath/datapath.js';
import { Ofproto } from '../sim/ofproto/ofproto.js';
import { OfprotoDpif } from '../sim/ofproto/ofproto-dpif.js';
import { parseFlows } from '../sim/openflow/flow-syntax.js';
import { aclFlows, generateAcl, headerIn } from './cache/classbench.js';
import { frameFor } from './cache/trace.js';
import { FASTPATH_FLOWS, fastpathFrames } from './fastpath.js';
import { formatRate, roundRate, type BenchOptions, type SectionReport } from './measure.js';

const PER_DATAPATH = 8_000;
const ACL_RULES = 200;

export interface SlowpathFigures {
  readonly pps: number;
  readonly installs: number;
  readonly rules: number;
}

/** The small table and 8 000 new 5-tuples under it (the fast-path frames with fresh source ports). */
function smallTable(): { flows: readonly string[]; frames: Uint8Array[] } {
  const base = fastpathFrames();
  const frames: Uint8Array[] = [];
  for (let i = 0; i < PER_DATAPATH; i++) {
    const f = base[i % base.length]!.slice();
    // A different TCP/UDP source port per copy (L4 checksum left as is: nothing checks it).
    f[34] = (i >> 8) & 0xff;
    f[35] = i & 0xff;
    frames.push(f);
  }
  return { flows: FASTPATH_FLOWS, frames };
}

function aclTable(): { flows: readonly string[]; frames: Uint8Array[] } {
  const streams = new RandomStreams('ovsim-bench-slowpath');
  const acl = generateAcl(streams.stream('acl'), { rules: ACL_RULES });
  const rng = streams.stream('frames');
  return { flows: aclFlows(acl), frames: Array.from({ length: PER_DATAPATH }, () => frameFor(headerIn(rng, rng.pick(acl)), 0x02)) };
}

export function measureSlowpath(opts: BenchOptions, table: 'small' | 'acl' = 'small'): SlowpathFigures {
  const { flows, frames } = table === 'small' ? smallTable() : aclTable();
  const ofproto = new Ofproto({ ports: [1, 2] });
  for (const e of parseFlows(flows.join('\n'), { version: 'OpenFlow15' })) ofproto.addFlow(e);
  const rounds = opts.quick ? 2 : 6;
  const sink = { send: (_f: Uint8Array) => undefined };
  const round = (): number => {
    const sim = new Simulator();
    const dp = new Datapath({ strategy: 'microflow', scheduler: sim, random: () => 0.5, upcallQueueLimit: 1 << 20, flowLimit: 1 << 20, handlerBatch: 64 });
    dp.addPort(1, sink);
    dp.addPort(2, sink);
    new OfprotoDpif(ofproto, dp, sim);
    for (const f of frames) dp.receive(1, f);
    // Long enough for every upcall to be answered, short of max-idle (no expiry work).
    sim.run({ until: sim.now() + 1_000_000_000 });
    return dp.stats.flowsInstalled;
  };
  round(); // warm-up
  let best = 0;
  let installs = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    installs = round();
    const ns = Number(process.hrtime.bigint() - t0);
    best = Math.max(best, (PER_DATAPATH * 1e9) / ns);
  }
  return { pps: best, installs, rules: flows.length };
}

export function slowpathSection(opts: BenchOptions): SectionReport {
  const f = measureSlowpath(opts, 'small');
  const g = measureSlowpath(opts, 'acl');
  return {
    name: 'slowpath',
    title: 'Slow path: every packet an upcall — parse, translate, install, execute',
    table: [
      ['table', 'OpenFlow flows', 'packets per round', 'installs per round', 'packets/s'],
      ['fast-path ACL', String(f.rules), String(PER_DATAPATH), String(f.installs), formatRate(f.pps)],
      ['ClassBench-style ACL', String(g.rules), String(PER_DATAPATH), String(g.installs), formatRate(g.pps)],
    ],
    notes: ['each packet a new 5-tuple; target ≥ 200 k/s'],
    figures: { slowpath_pps: roundRate(f.pps), slowpath_acl_pps: roundRate(g.pps) },
  };
}
