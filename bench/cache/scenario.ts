/**
 * Simulated packets per wall second in a whole scenario: eight virtual hosts, each on a
 * 10 Gbit/s link with 2 µs of latency to one switch port; the switch is a datapath
 * (EMC + megaflow) under ofproto with a NORMAL (learning switch) table. Every host sends
 * UDP at a constant bit rate to the next one, after ARP. The figure counts packets the
 * datapath received; each also crossed two links and was built and taken apart by hosts.
 */
import { RandomStreams } from '../../engine/random.js';
import { Link } from '../../engine/link.js';
import { Simulator } from '../../engine/simulator.js';
import { Datapath } from '../../sim/datapath/datapath.js';
import { Host } from '../../sim/host/host.js';
import { startCbr } from '../../sim/host/traffic.js';
import { Ofproto } from '../../sim/ofproto/ofproto.js';
import { OfprotoDpif } from '../../sim/ofproto/ofproto-dpif.js';
import { parseFlows } from '../../sim/openflow/flow-syntax.js';
import { formatRate, roundRate, type BenchOptions, type SectionReport } from '../measure.js';

const HOSTS = 8;

export interface ScenarioFigures {
  readonly pps: number;
  readonly packets: number;
  readonly simulatedNs: number;
  readonly events: number;
  readonly delivered: number;
}

export function runScenario(simulatedNs: number): ScenarioFigures & { wallNs: number } {
  const sim = new Simulator();
  const streams = new RandomStreams('ovsim-bench-scenario');
  const ports = Array.from({ length: HOSTS }, (_, i) => i + 1);
  const ofproto = new Ofproto({ ports });
  for (const e of parseFlows('priority=0,actions=NORMAL', { version: 'OpenFlow15' })) ofproto.addFlow(e);
  const emc = streams.stream('emc');
  const dp = new Datapath({ strategy: 'emc+megaflow', scheduler: sim, random: () => emc.uniform() });
  new OfprotoDpif(ofproto, dp, sim);
  const hosts: Host[] = [];
  for (const p of ports) {
    const host = new Host(sim, `h${p}`);
    const link = new Link(sim, { name: `s1-eth${p}:h${p}-eth0`, latencyNs: 2_000, bandwidthBps: 10e9 });
    host.plug(link.a);
    link.b.connect({ receive: (f) => dp.receive(p, f) });
    dp.addPort(p, link.b);
    hosts.push(host);
  }
  hosts.forEach((h, i) => {
    startCbr(h, { dst: hosts[(i + 1) % HOSTS]!, rateBps: 2e9, size: 64, rng: streams.stream(`cbr:${i}`) });
  });
  const t0 = process.hrtime.bigint();
  const events = sim.run({ until: simulatedNs });
  const wallNs = Number(process.hrtime.bigint() - t0);
  let delivered = 0;
  for (const h of hosts) delivered += h.stats.rxFrames;
  const packets = dp.stats.packets;
  return { pps: (packets * 1e9) / wallNs, packets, simulatedNs, events, delivered, wallNs };
}

export function scenarioSection(opts: BenchOptions): SectionReport {
  runScenario(5_000_000); // warm-up
  const reps = opts.quick ? 1 : 3;
  let best: ScenarioFigures | null = null;
  for (let r = 0; r < reps; r++) {
    const f = runScenario(opts.quick ? 20_000_000 : 100_000_000);
    if (!best || f.pps > best.pps) best = f;
  }
  const f = best!;
  return {
    name: 'scenario',
    title: `Whole scenario: ${HOSTS} hosts, links, one switch (NORMAL, EMC + megaflow), UDP at 2 Gbit/s per host`,
    table: [
      ['simulated ms', 'switch packets', 'host deliveries', 'events', 'packets per wall second'],
      [String(f.simulatedNs / 1e6), String(f.packets), String(f.delivered), String(f.events), formatRate(f.pps)],
    ],
    notes: ['64-byte UDP payloads (106-byte frames); target ≥ 1 M/s'],
    figures: { scenario_pps: roundRate(f.pps) },
  };
}
