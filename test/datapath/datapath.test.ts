import { describe, expect, it } from 'vitest';
import { Datapath, type CacheStrategy } from '../../sim/datapath/datapath.js';
import { composeFrame } from '../../sim/flow/compose.js';
import { parseTraceFlow } from '../../sim/flow/match-syntax.js';
import { Ofproto } from '../../sim/ofproto/ofproto.js';
import { OfprotoDpif } from '../../sim/ofproto/ofproto-dpif.js';
import { parseFlows } from '../../sim/openflow/flow-syntax.js';
import { FakeScheduler } from './fake-scheduler.js';

function frameOf(flow: string): Uint8Array {
  return composeFrame(parseTraceFlow(flow));
}

/** A switch with ports 1-3, the given flows and a datapath using `strategy`; records outputs. */
function rig(strategy: CacheStrategy, flows: string[], opts: { emcInsertInvProb?: number } = {}) {
  const sched = new FakeScheduler();
  const ofproto = new Ofproto({ ports: [1, 2, 3] });
  for (const e of parseFlows(flows.join('\n'), { version: 'OpenFlow15' })) ofproto.addFlow(e);
  let r = 0x12345;
  const random = () => ((r = (Math.imul(r, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const dp = new Datapath({ strategy, scheduler: sched, random, ...opts });
  const out: { port: number; frame: Uint8Array; at: number }[] = [];
  for (const p of [1, 2, 3, 100]) dp.addPort(p, { send: (frame) => out.push({ port: p, frame, at: sched.now() }) });
  const bridge = new OfprotoDpif(ofproto, dp, sched);
  return { sched, ofproto, dp, out, bridge };
}

const WEB = ['priority=10,tcp,nw_dst=10.0.0.0/8,tp_dst=80,actions=output:2', 'priority=0,actions=drop'];

describe('Datapath', () => {
  it('sends a miss to userspace, installs a megaflow, and hits it with the next connection', () => {
    const { sched, dp, out } = rig('megaflow', WEB);
    dp.receive(1, frameOf('in_port=1,tcp,nw_src=1.1.1.1,nw_dst=10.0.0.1,tp_src=1000,tp_dst=80'));
    expect(out).toHaveLength(0); // waiting for the handler
    sched.advance(1e6);
    expect(out.map((o) => o.port)).toEqual([2]);
    expect(out[0]!.at).toBe(dp.cost.upcallNs + dp.cost.xlateNs + dp.cost.installNs);
    dp.receive(1, frameOf('in_port=1,tcp,nw_src=2.2.2.2,nw_dst=10.9.9.9,tp_src=2000,tp_dst=80'));
    expect(out.map((o) => o.port)).toEqual([2, 2]);
    expect(dp.stats).toMatchObject({ packets: 2, misses: 1, upcalls: 1, megaflowHits: 1, flowsInstalled: 1 });
    expect(dp.flowCount).toBe(1);
  });

  it('microflow: every new connection misses, even one the tables treat alike', () => {
    const { sched, dp } = rig('microflow', WEB);
    dp.receive(1, frameOf('in_port=1,tcp,nw_src=1.1.1.1,nw_dst=10.0.0.1,tp_src=1000,tp_dst=80'));
    sched.advance(1e6);
    dp.receive(1, frameOf('in_port=1,tcp,nw_src=1.1.1.1,nw_dst=10.0.0.1,tp_src=1001,tp_dst=80'));
    sched.advance(1e6);
    dp.receive(1, frameOf('in_port=1,tcp,nw_src=1.1.1.1,nw_dst=10.0.0.1,tp_src=1001,tp_dst=80'));
    expect(dp.stats).toMatchObject({ misses: 2, microflowHits: 1, flowsInstalled: 2 });
  });

  it('emc+megaflow: an EMC entry serves repeated packets of a flow', () => {
    const { sched, dp } = rig('emc+megaflow', WEB, { emcInsertInvProb: 1 });
    const f = 'in_port=1,tcp,nw_src=1.1.1.1,nw_dst=10.0.0.1,tp_src=1000,tp_dst=80';
    dp.receive(1, frameOf(f));
    sched.advance(1e6);
    dp.receive(1, frameOf(f)); // megaflow hit, inserted into the EMC
    dp.receive(1, frameOf(f)); // EMC hit
    expect(dp.stats).toMatchObject({ misses: 1, megaflowHits: 1, emcHits: 1 });
  });

  it('none: every packet is an upcall and nothing is cached', () => {
    const { sched, dp, out } = rig('none', WEB);
    for (let i = 0; i < 3; i++) dp.receive(1, frameOf('in_port=1,tcp,nw_dst=10.0.0.1,tp_dst=80'));
    sched.advance(1e6);
    expect(out).toHaveLength(3);
    expect(dp.stats).toMatchObject({ upcalls: 3, flowsInstalled: 0 });
    expect(dp.flowCount).toBe(0);
  });

  it('loses upcalls when the queue is full', () => {
    const sched = new FakeScheduler();
    const dp = new Datapath({ strategy: 'megaflow', scheduler: sched, random: () => 0.5, upcallQueueLimit: 2, handlerBatch: 1 });
    for (let i = 0; i < 5; i++) dp.receive(1, frameOf(`in_port=1,tcp,tp_src=${i}`));
    // One batch went to the handler, two wait, two are lost.
    expect(dp.stats).toMatchObject({ upcalls: 3, lostUpcalls: 2 });
  });

  it('revalidates cached flows when the tables change', () => {
    const { sched, dp, ofproto, out } = rig('megaflow', WEB);
    dp.receive(1, frameOf('in_port=1,tcp,nw_dst=10.0.0.1,tp_dst=80'));
    sched.advance(1e6);
    expect(dp.flowCount).toBe(1);
    // A higher-priority rule now sends web traffic elsewhere: the cached flow must go.
    for (const e of parseFlows('priority=20,tcp,tp_dst=80,actions=output:3', { version: 'OpenFlow15' })) ofproto.addFlow(e);
    expect(dp.flowCount).toBe(0);
    expect(dp.stats.flowsRevalidatedAway).toBe(1);
    dp.receive(1, frameOf('in_port=1,tcp,nw_dst=10.0.0.1,tp_dst=80'));
    sched.advance(1e6);
    expect(out.map((o) => o.port)).toEqual([2, 3]);
  });

  it('expires idle flows after max-idle', () => {
    const { sched, dp } = rig('megaflow', WEB);
    dp.receive(1, frameOf('in_port=1,tcp,nw_dst=10.0.0.1,tp_dst=80'));
    sched.run(1e9);
    expect(dp.flowCount).toBe(1);
    sched.run(11e9);
    expect(dp.flowCount).toBe(0);
    expect(dp.stats.flowsExpired).toBe(1);
  });
});
