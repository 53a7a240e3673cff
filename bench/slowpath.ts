/**
 * Slow-path packets per second: every packet a miss, so each one costs a flow-key parse, an
 * upcall, a full translation through the tables, a flow install and the execution of its
 * actions — the work OVS's handler threads do per flow setup. The microflow strategy is
 * used because with it every new 5-tuple is certain to miss. A fresh datapath takes over
 * every 8 000 packets, before the flow limit would stop installs.
 */
import { RandomStreams } from '../engine/random.js';
import { Simulator } from '../engine/simulator.js';
import { Datapath } from '../sim/datapath/datapath.js';
import { Ofproto } from '../sim/ofproto/ofproto.js';
import { OfprotoDpif } from '../sim/ofproto/ofproto-dpif.js';
import { parseFlows } from '../sim/openflow/flow-syntax.js';
import { aclFlows, generateAcl, headerIn } from './cache/classbench.js';
import { frameFor } from './cache/trace.js';
import { formatRate, roundRate, type BenchOptions, type SectionReport } from './measure.js';

const PER_DATAPATH = 8_000;
const ACL_RULES = 200;

export interface SlowpathFigures {
  readonly pps: number;
  readonly installs: number;
  readonly rules: number;
}

export function measureSlowpath(opts: BenchOptions): SlowpathFigures {
  const streams = new RandomStreams('ovsim-bench-slowpath');
  const acl = generateAcl(streams.stream('acl'), { rules: ACL_RULES });
  const flows = aclFlows(acl);
  const ofproto = new Ofproto({ ports: [1, 2] });
  for (const e of parseFlows(flows.join('\n'), { version: 'OpenFlow15' })) ofproto.addFlow(e);
  const rng = streams.stream('frames');
  const frames = Array.from({ length: PER_DATAPATH }, () => frameFor(headerIn(rng, rng.pick(acl)), 0x02));
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
  const f = measureSlowpath(opts);
  return {
    name: 'slowpath',
    title: 'Slow path: every packet an upcall — parse, translate, install, execute',
    table: [
      ['OpenFlow flows', 'packets per round', 'installs per round', 'packets/s'],
      [String(f.rules), String(PER_DATAPATH), String(f.installs), formatRate(f.pps)],
    ],
    notes: ['ClassBench-style ACL; each packet a new 5-tuple inside a rule; target ≥ 200 k/s'],
    figures: { slowpath_pps: roundRate(f.pps) },
  };
}
