import { describe, expect, it } from 'vitest';
import { Link } from '../../engine/link.js';
import { Simulator } from '../../engine/simulator.js';
import { Host } from '../../sim/host/host.js';
import { Database } from '../../sim/ovsdb/database.js';
import { vswitchSchema } from '../../sim/ovsdb/vswitch-schema.js';
import { runOnDatabase } from '../../sim/vswitchd/in-process.js';
import { Vswitchd } from '../../sim/vswitchd/vswitchd.js';

function ok(db: Database, ops: unknown[]): void {
  const r = db.transact(ops);
  if (r.kind !== 'done' || r.result.some((x) => x && typeof x === 'object' && 'error' in x)) throw new Error(JSON.stringify(r));
}

/** ovs-vsctl add-port br0 NAME -- set interface NAME type=sim options:link=HOST */
function addPortOps(bridge: string, host: string): unknown[] {
  return [
    { op: 'insert', table: 'Interface', row: { name: `s1-${host}`, type: 'sim', options: ['map', [['link', host]]] }, 'uuid-name': 'i' },
    { op: 'insert', table: 'Port', row: { name: `s1-${host}`, interfaces: ['named-uuid', 'i'] }, 'uuid-name': 'p' },
    { op: 'mutate', table: 'Bridge', where: [['name', '==', bridge]], mutations: [['ports', 'insert', ['named-uuid', 'p']]] },
    { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] },
  ];
}

describe('a scenario configures the switch through ovsdb at virtual times', () => {
  it('adds a port at 50 ms and the switch follows: h3 becomes reachable', () => {
    const sim = new Simulator();
    const db = Database.inMemory(vswitchSchema());
    const hosts = new Map(['h1', 'h2', 'h3'].map((n) => [n, new Host(sim, n)]));
    const links = new Map<string, Link>();
    for (const [name, h] of hosts) {
      const link = new Link(sim, { name: `${name}-s1`, latencyNs: 1_000 });
      h.plug(link.a);
      links.set(name, link);
    }
    const vs = new Vswitchd({
      scheduler: sim,
      random: () => 0.5,
      cache: 'megaflow',
      netdevFor: (bridge, iface) => {
        const link = links.get(iface.options.get('link') ?? '');
        if (!link) return undefined;
        // Frames from the host arrive on this port (its number is known once it is added).
        link.b.connect({ receive: (f) => vs.bridge(bridge)!.receive(portOf(bridge, iface.name), f) });
        return { send: (f) => void link.b.send(f) };
      },
    });
    const portOf = (bridge: string, name: string): number => [...vs.bridge(bridge)!.ofproto.ports.values()].find((p) => p.name === name)!.odp;
    ok(db, [
      { op: 'insert', table: 'Bridge', row: { name: 'br0' }, 'uuid-name': 'b' },
      { op: 'insert', table: 'Open_vSwitch', row: { bridges: ['named-uuid', 'b'], next_cfg: 1 } },
    ]);
    runOnDatabase(vs, db, { schedule: (d, fn) => sim.schedule(d, fn), reactNs: 100_000 });
    ok(db, addPortOps('br0', 'h1'));
    ok(db, addPortOps('br0', 'h2'));
    sim.schedule(50_000_000, () => ok(db, addPortOps('br0', 'h3')));
    // The switch follows the first transactions 100 us later; start talking after that.
    sim.run({ until: 1_000_000 });
    const h1 = hosts.get('h1')!;
    const early = h1.ping(hosts.get('h3')!.ip, { count: 3, intervalNs: 10_000_000 });
    const toH2 = h1.ping(hosts.get('h2')!.ip, { count: 3, intervalNs: 10_000_000 });
    sim.run({ until: 40_000_000 });
    expect(toH2.received).toBe(3);
    expect(early.received).toBe(0);
    // h1's ARP request for h3 went unanswered before the port existed; its retry (1 s
    // after the first try, as the host's ARP does) finds h3 behind the new port.
    sim.run({ until: 1_500_000_000 });
    const late = h1.ping(hosts.get('h3')!.ip, { count: 3, intervalNs: 10_000_000 });
    sim.run({ until: 2_000_000_000 });
    expect(late.received).toBe(3);
    // The status went back to the database: every interface has its ofport, cur_cfg caught up.
    const ofports = [...db.snapshot('Interface').values()].map((r) => r.values.get('ofport')!.keys[0]).sort();
    expect(ofports).toEqual([1, 2, 3]);
    const root = [...db.snapshot('Open_vSwitch').values()][0]!;
    expect(root.values.get('cur_cfg')!.keys[0]).toBe(root.values.get('next_cfg')!.keys[0]);
  });
});

describe('patch ports', () => {
  it('join two bridges: a host on br0 reaches a host on br1', () => {
    const sim = new Simulator();
    const db = Database.inMemory(vswitchSchema());
    const hosts = new Map(['h1', 'h2'].map((n) => [n, new Host(sim, n)]));
    const links = new Map<string, Link>();
    for (const [name, h] of hosts) {
      const link = new Link(sim, { name: `${name}-sw`, latencyNs: 1_000 });
      h.plug(link.a);
      links.set(name, link);
    }
    const vs: Vswitchd = new Vswitchd({
      scheduler: sim,
      random: () => 0.5,
      cache: 'emc+megaflow',
      netdevFor: (bridge, iface) => {
        const link = links.get(iface.options.get('link') ?? '');
        if (!link) return undefined;
        link.b.connect({ receive: (f) => vs.bridge(bridge)!.receive([...vs.bridge(bridge)!.ofproto.ports.values()].find((p) => p.name === iface.name)!.odp, f) });
        return { send: (f) => void link.b.send(f) };
      },
    });
    const port = (name: string, type: string, options: [string, string][]) => [
      { op: 'insert', table: 'Interface', row: { name, type, options: ['map', options] }, 'uuid-name': `i${name}` },
      { op: 'insert', table: 'Port', row: { name, interfaces: ['named-uuid', `i${name}`] }, 'uuid-name': `p${name}` },
    ];
    ok(db, [
      ...port('h1p', 'sim', [['link', 'h1']]),
      ...port('patch0', 'patch', [['peer', 'patch1']]),
      ...port('h2p', 'sim', [['link', 'h2']]),
      ...port('patch1', 'patch', [['peer', 'patch0']]),
      { op: 'insert', table: 'Bridge', row: { name: 'br0', ports: ['set', [['named-uuid', 'ph1p'], ['named-uuid', 'ppatch0']]] }, 'uuid-name': 'b0' },
      { op: 'insert', table: 'Bridge', row: { name: 'br1', ports: ['set', [['named-uuid', 'ph2p'], ['named-uuid', 'ppatch1']]] }, 'uuid-name': 'b1' },
      { op: 'insert', table: 'Open_vSwitch', row: { bridges: ['set', [['named-uuid', 'b0'], ['named-uuid', 'b1']]], next_cfg: 1 } },
    ]);
    runOnDatabase(vs, db, { schedule: (d, fn) => sim.schedule(d, fn) });
    const ping = hosts.get('h1')!.ping(hosts.get('h2')!.ip, { count: 3, intervalNs: 1_000_000 });
    sim.run({ until: 100_000_000 });
    expect(ping.received).toBe(3);
    expect(vs.bridge('br0')!.datapath.stats.packets).toBeGreaterThan(0);
    expect(vs.bridge('br1')!.datapath.stats.packets).toBeGreaterThan(0);
  });
});

describe('mirrors', () => {
  it('copy what arrives on a selected port to the mirror port, which carries nothing else', () => {
    const sim = new Simulator();
    const db = Database.inMemory(vswitchSchema());
    const hosts = new Map(['h1', 'h2', 'h3'].map((n) => [n, new Host(sim, n)]));
    const links = new Map<string, Link>();
    for (const [name, h] of hosts) {
      const link = new Link(sim, { name: `${name}-s1`, latencyNs: 1_000 });
      h.plug(link.a);
      links.set(name, link);
    }
    const vs: Vswitchd = new Vswitchd({
      scheduler: sim,
      random: () => 0.5,
      cache: 'megaflow',
      netdevFor: (bridge, iface) => {
        const link = links.get(iface.options.get('link') ?? '')!;
        link.b.connect({ receive: (f) => vs.bridge(bridge)!.receive([...vs.bridge(bridge)!.ofproto.ports.values()].find((p) => p.name === iface.name)!.odp, f) });
        return { send: (f) => void link.b.send(f) };
      },
    });
    const port = (name: string) => [
      { op: 'insert', table: 'Interface', row: { name, type: 'sim', options: ['map', [['link', name]]] }, 'uuid-name': `i${name}` },
      { op: 'insert', table: 'Port', row: { name, interfaces: ['named-uuid', `i${name}`] }, 'uuid-name': `p${name}` },
    ];
    ok(db, [
      ...port('h1'),
      ...port('h2'),
      ...port('h3'),
      { op: 'insert', table: 'Mirror', row: { name: 'm0', select_src_port: ['named-uuid', 'ph1'], output_port: ['named-uuid', 'ph3'] }, 'uuid-name': 'm' },
      {
        op: 'insert',
        table: 'Bridge',
        row: { name: 'br0', ports: ['set', [['named-uuid', 'ph1'], ['named-uuid', 'ph2'], ['named-uuid', 'ph3']]], mirrors: ['named-uuid', 'm'] },
        'uuid-name': 'b',
      },
      { op: 'insert', table: 'Open_vSwitch', row: { bridges: ['named-uuid', 'b'], next_cfg: 1 } },
    ]);
    runOnDatabase(vs, db, { schedule: (d, fn) => sim.schedule(d, fn) });
    expect(vs.bridge('br0')!.ofproto.mirrors).toHaveLength(1);
    const h3 = hosts.get('h3')!;
    const before = h3.stats.rxFrames;
    const ping = hosts.get('h1')!.ping(hosts.get('h2')!.ip, { count: 3, intervalNs: 1_000_000 });
    sim.run({ until: 100_000_000 });
    expect(ping.received).toBe(3);
    // h3 sees h1's ARP request and its three echo requests; not h2's replies (not selected).
    expect(h3.stats.rxFrames - before).toBe(4);
  });
});

describe('a controller set at a virtual time', () => {
  it('takes over a secure switch: nothing passes before, the learning switch connects hosts after', async () => {
    const { Controller, learningSwitch } = await import('../../sim/controller/index.js');
    const { simulatedChannelPair } = await import('../../sim/ovsdb/channel.js');
    const { simulatorClock } = await import('../../sim/ovsdb/server/clock.js');
    const sim = new Simulator();
    const db = Database.inMemory(vswitchSchema());
    const hosts = new Map(['h1', 'h2'].map((n) => [n, new Host(sim, n)]));
    const links = new Map<string, Link>();
    for (const [name, h] of hosts) {
      const link = new Link(sim, { name: `${name}-s1`, latencyNs: 1_000 });
      h.plug(link.a);
      links.set(name, link);
    }
    // Controller targets "sim:NAME" reach in-engine controllers over a simulated channel (50 us each way).
    const controllers = new Map([['c0', new Controller([learningSwitch()], { clock: simulatorClock(sim) })]]);
    const vs: Vswitchd = new Vswitchd({
      scheduler: sim,
      random: () => 0.5,
      cache: 'megaflow',
      netdevFor: (bridge, iface) => {
        const link = links.get(iface.options.get('link') ?? '')!;
        link.b.connect({ receive: (f) => vs.bridge(bridge)!.receive([...vs.bridge(bridge)!.ofproto.ports.values()].find((p) => p.name === iface.name)!.odp, f) });
        return { send: (f) => void link.b.send(f) };
      },
      openflow: {
        timers: sim,
        connector: (target, done) => {
          const ctl = controllers.get(target.replace(/^sim:/, ''));
          if (!ctl) return done(`${target}: no such controller`);
          const [sw, c] = simulatedChannelPair(sim, { latencyNs: 50_000, name: target });
          ctl.attach(c);
          done(null, sw);
        },
      },
    });
    const port = (name: string) => [
      { op: 'insert', table: 'Interface', row: { name, type: 'sim', options: ['map', [['link', name]]] }, 'uuid-name': `i${name}` },
      { op: 'insert', table: 'Port', row: { name, interfaces: ['named-uuid', `i${name}`] }, 'uuid-name': `p${name}` },
    ];
    ok(db, [
      ...port('h1'),
      ...port('h2'),
      { op: 'insert', table: 'Bridge', row: { name: 'br0', fail_mode: 'secure', ports: ['set', [['named-uuid', 'ph1'], ['named-uuid', 'ph2']]] }, 'uuid-name': 'b' },
      { op: 'insert', table: 'Open_vSwitch', row: { bridges: ['named-uuid', 'b'], next_cfg: 1 } },
    ]);
    runOnDatabase(vs, db, { schedule: (d, fn) => sim.schedule(d, fn) });
    const h1 = hosts.get('h1')!;
    const h2 = hosts.get('h2')!;
    const before = h1.ping(h2.ip, { count: 2, intervalNs: 1_000_000 });
    sim.run({ until: 10_000_000 });
    expect(before.received).toBe(0);
    // ovs-vsctl set-controller br0 sim:c0, at 10 ms.
    ok(db, [
      { op: 'insert', table: 'Controller', row: { target: 'sim:c0' }, 'uuid-name': 'c' },
      { op: 'update', table: 'Bridge', where: [['name', '==', 'br0']], row: { controller: ['named-uuid', 'c'] } },
    ]);
    sim.run({ until: 1_500_000_000 }); // past the hosts' ARP retry (1 s)
    const after = h1.ping(h2.ip, { count: 3, intervalNs: 1_000_000 });
    sim.run({ until: 1_600_000_000 });
    expect(after.received).toBe(3);
    const flows = [...vs.bridge('br0')!.ofproto.table(0).rules()].map((r) => r.priority).sort();
    expect(flows).toContain(0); // the table-miss flow the learning switch installs
    expect(flows.filter((p) => p === 1).length).toBeGreaterThanOrEqual(2); // learned flows, both ways
  });
});
