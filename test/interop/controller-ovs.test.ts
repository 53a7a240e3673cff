/**
 * ovsim's controllers driving a REAL Open vSwitch (Debian's 3.1, userspace, dummy
 * datapath, fail-mode secure): the learning switch installs the flows a learning switch
 * should, and packets reach the right ports; the hub floods; the firewall's flows are
 * accepted as written and its denied packets come up to be logged. Last, the learning
 * switch drives an ovsim switch over TCP to the same flows.
 * Needs Open vSwitch (scripts/setup.sh).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Controller, Firewall, hub, LearningSwitch, type ControllerApp } from '../../sim/controller/index.js';
import { icmpFrame } from '../../sim/host/frames.js';
import { eventually, RealOvs } from '../controller/real-ovs.js';
import { LEARNED_FLOWS, learningStory } from '../controller/learning-scenario.js';
import { LiveOvsimSwitch } from '../controller/switches.js';

const DPID = 0xfedcba9876543210n;

function host(n: number): { mac: bigint; ip: number } {
  return { mac: BigInt(n), ip: 0x0a000000 + n };
}

/** An ICMP echo request from host a to host b. */
function ping(a: number, b: number, seq = 1): Uint8Array {
  const s = host(a);
  const d = host(b);
  return icmpFrame({ srcMac: s.mac, dstMac: d.mac, src: s.ip, dst: d.ip, ident: seq }, { type: 8, code: 0, restOfHeader: seq, payload: new Uint8Array(16) });
}

let ovs: RealOvs;
let ctl: Controller | undefined;

beforeAll(async () => {
  ovs = await RealOvs.start([1, 2, 3]);
});

afterAll(async () => {
  await ovs?.stop();
});

afterEach(async () => {
  await ovs.vsctl('del-controller', 'br0');
  await ctl?.close();
  ctl = undefined;
  await ovs.ofctl('-O', 'OpenFlow13', 'del-flows', 'br0');
});

async function connect(apps: ControllerApp[], versions: ControllerOptionsVersions = ['OpenFlow13']): Promise<import('../../sim/controller/index.js').SwitchConnection> {
  ctl = new Controller(apps, { versions, onAppError: (e) => { throw e; } });
  const l = await ctl.listen('ptcp:0:127.0.0.1');
  await ovs.setController(`tcp:127.0.0.1:${l.port}`);
  return ctl.waitForSwitch(DPID);
}

type ControllerOptionsVersions = NonNullable<ConstructorParameters<typeof Controller>[1]>['versions'];

describe('ovsim learning switch on real OVS', () => {
  it('installs the table-miss flow, learns, installs in_port+dl_src+dl_dst flows, and delivers', async () => {
    const app = new LearningSwitch();
    const sw = await connect([app]);
    expect(sw.version).toBe('OpenFlow13');
    expect(sw.dpidText).toBe('fedcba9876543210');
    expect([...sw.ports.values()].map((p) => p.name).sort()).toEqual(['br0', 'p1', 'p2', 'p3']);
    await sw.barrier();
    expect(await ovs.dumpFlows()).toEqual(['priority=0 actions=CONTROLLER:65535']);

    const sent0 = [1, 2, 3].map((p) => ovs.sent(p).length);
    // h1 → h2: unknown destination, flooded to p2 and p3 (and the local port).
    await ovs.receive(1, ping(1, 2));
    await eventually(() => [ovs.sent(2).length, ovs.sent(3).length], (v) => v[0] === sent0[1]! + 1 && v[1] === sent0[2]! + 1, 'the flood');
    expect(ovs.sent(1).length).toBe(sent0[0]);
    // h2 → h1: h1 is known, so a flow and a packet-out to p1.
    await ovs.receive(2, ping(2, 1));
    await eventually(() => ovs.sent(1).length, (n) => n === sent0[0]! + 1, 'delivery to p1');
    // h1 → h2 again: now h2 is known too.
    await ovs.receive(1, ping(1, 2, 2));
    await eventually(() => ovs.sent(2).length, (n) => n === sent0[1]! + 2, 'delivery to p2');
    await sw.barrier();
    // (Flows of equal priority come in hash order: compare sorted.)
    expect((await ovs.dumpFlows()).sort()).toEqual([
      'priority=0 actions=CONTROLLER:65535',
      'priority=1,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02 actions=output:2',
      'priority=1,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:1',
    ]);
    expect(app.macTable(DPID)).toEqual(new Map([[1n, 1], [2n, 2]]));

    // From now on the switch forwards h1 → h2 by itself: no packet-in, one more packet on p2 only.
    const ins = sw.counters.packetIns;
    const before = [1, 2, 3].map((p) => ovs.sent(p).length);
    await ovs.receive(1, ping(1, 2, 3));
    await eventually(() => ovs.sent(2).length, (n) => n === before[1]! + 1, 'forwarding by the flow');
    expect(sw.counters.packetIns).toBe(ins);
    expect([ovs.sent(1).length, ovs.sent(3).length]).toEqual([before[0], before[2]]);
    const dp = await ovs.dpFlows();
    expect(dp.some((l) => /in_port\(1\).*eth\(src=00:00:00:00:00:01,dst=00:00:00:00:00:02\).*actions:2$/.test(l))).toBe(true);
    // Our own flow dump shows the switch's counters: the packet that made the flow went out
    // by packet-out, so the h1 → h2 flow has counted one packet (revalidators push it up).
    const counts = await eventually(
      async () => (await sw.dumpFlows()).map((f) => `${f.priority}:${f.packetCount}`).sort(),
      (v) => v.includes('1:1'),
      'the flow counters',
    );
    expect(counts.filter((c) => c.startsWith('1:'))).toEqual(['1:0', '1:1']);
  });

  it('works over OpenFlow 1.0 too', async () => {
    const sw = await connect([new LearningSwitch()], ['OpenFlow10']);
    expect(sw.version).toBe('OpenFlow10');
    expect(sw.ports.size).toBe(4);
    await ovs.receive(1, ping(1, 2));
    await ovs.receive(2, ping(2, 1));
    await eventually(() => ovs.dumpFlows(), (f) => f.length === 2, 'the learned flow');
    // OVS marks flows added over OpenFlow 1.0 reset_counts (1.0 adds always reset them).
    expect(await ovs.dumpFlows()).toEqual([
      'reset_counts priority=1,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:1',
      'reset_counts priority=0 actions=CONTROLLER:65535',
    ]);
  });
});

describe('ovsim hub on real OVS', () => {
  it('floods every packet and installs nothing more', async () => {
    const sw = await connect([hub()]);
    const before = [1, 2, 3].map((p) => ovs.sent(p).length);
    await ovs.receive(1, ping(1, 2));
    await ovs.receive(2, ping(2, 1));
    await eventually(() => [1, 2, 3].map((p) => ovs.sent(p).length), (v) => v[0] === before[0]! + 1 && v[1] === before[1]! + 1 && v[2] === before[2]! + 2, 'two floods');
    expect(sw.counters.packetIns).toBe(2);
    expect(await ovs.dumpFlows()).toEqual(['priority=0 actions=CONTROLLER:65535']);
  });
});

describe('ovsim firewall on real OVS', () => {
  it('installs its ACL as flows; allowed pings pass by NORMAL, denied ones are logged', async () => {
    const lines: string[] = [];
    const fw = new Firewall({ rules: 'allow icmp src=10.0.0.1\nallow arp', log: (l) => lines.push(l) });
    const sw = await connect([fw]);
    await sw.barrier();
    expect(await ovs.dumpFlows()).toEqual([
      'cookie=0x1, priority=3,icmp,nw_src=10.0.0.1 actions=NORMAL',
      'cookie=0x2, priority=2,arp actions=NORMAL',
      'priority=0 actions=CONTROLLER:128',
    ]);
    const before = [1, 2, 3].map((p) => ovs.sent(p).length);
    await ovs.receive(1, ping(1, 2));
    await ovs.receive(3, ping(3, 2));
    await eventually(() => fw.denied.length, (n) => n === 1, 'the denied ping');
    expect(fw.denied[0]).toEqual({ dpid: DPID, inPort: 3, summary: 'icmp 10.0.0.3 > 10.0.0.2 type 8 code 0', rule: 'default' });
    expect(lines[0]).toBe('firewall: fedcba9876543210 denied icmp 10.0.0.3 > 10.0.0.2 type 8 code 0 on port 3 (default rule)');
    // The allowed ping was flooded by NORMAL (h2 unknown to the bridge): p2 got it, p1 did not.
    await eventually(() => ovs.sent(2).length, (n) => n === before[1]! + 1, 'the allowed ping');
    expect(ovs.sent(1).length).toBe(before[0]);
  });
});

describe('ovsim learning switch on an ovsim switch over TCP', () => {
  it('ends with the same flows as on real OVS, every ping delivered', async () => {
    const live = await LiveOvsimSwitch.start();
    const c = new Controller([new LearningSwitch()], { onAppError: (e) => { throw e; } });
    try {
      const l = await c.listen('ptcp:0:127.0.0.1');
      await live.setController(`tcp:127.0.0.1:${l.port}`);
      const sw = await c.waitForSwitch(live.dpid);
      expect(sw.version).toBe('OpenFlow13');
      await sw.barrier(); // the table-miss flow is in
      expect(await learningStory(live)).toEqual(LEARNED_FLOWS);
      expect(sw.counters.packetIns).toBe(3);
    } finally {
      await c.close();
      await live.stop();
    }
  });
});
