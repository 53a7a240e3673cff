import { describe, expect, it } from 'vitest';
import { Link, type LinkEnd } from '../../engine/link.js';
import { Simulator } from '../../engine/simulator.js';
import { Controller, learningSwitch } from '../../sim/controller/index.js';
import { Host } from '../../sim/host/host.js';
import { simulatedChannelPair } from '../../sim/ovsdb/channel.js';
import { Database } from '../../sim/ovsdb/database.js';
import { simulatorClock } from '../../sim/ovsdb/server/clock.js';
import { vswitchSchema } from '../../sim/ovsdb/vswitch-schema.js';
import { runOnDatabase } from '../../sim/vswitchd/in-process.js';
import { linkNetdevs } from '../../sim/vswitchd/link-netdevs.js';
import { Vswitchd, type OpenflowOptions } from '../../sim/vswitchd/vswitchd.js';

function ok(db: Database, ops: unknown[]): void {
  const r = db.transact(ops);
  if (r.kind !== 'done' || r.result.some((x) => x && typeof x === 'object' && 'error' in x)) throw new Error(JSON.stringify(r));
}

/** Hosts on links named after them, an in-engine database, and vswitchd following it. */
function rig(names: readonly string[], opts: { openflow?: (sim: Simulator) => OpenflowOptions } = {}) {
  const sim = new Simulator();
  const db = Database.inMemory(vswitchSchema());
  const hosts = new Map(names.map((n) => [n, new Host(sim, n)]));
  const ends = new Map<string, LinkEnd>();
  for (const [name, h] of hosts) {
    const link = new Link(sim, { name: `${name}-s1`, latencyNs: 1_000 });
    h.plug(link.a);
    ends.set(name, link.b);
  }
  const vs = new Vswitchd({
    scheduler: sim,
    random: () => 0.5,
    cache: 'megaflow',
    netdevFor: linkNetdevs(ends),
    ...(opts.openflow ? { openflow: opts.openflow(sim) } : {}),
  });
  const host = (n: string) => hosts.get(n)!;
  const start = () => runOnDatabase(vs, db, { schedule: (d, fn) => sim.schedule(d, fn), reactNs: 100_000 });
  return { sim, db, vs, host, start };
}

/** The ops of `ovs-vsctl add-port` for a port of type sim on the link named NAME. */
function portOps(name: string): unknown[] {
  return [
    { op: 'insert', table: 'Interface', row: { name, type: 'sim', options: ['map', [['link', name]]] }, 'uuid-name': `i${name}` },
    { op: 'insert', table: 'Port', row: { name, interfaces: ['named-uuid', `i${name}`] }, 'uuid-name': `p${name}` },
  ];
}

function bridgeOps(name: string, ports: readonly string[], row: Record<string, unknown> = {}): unknown[] {
  return [
    ...ports.flatMap(portOps),
    { op: 'insert', table: 'Bridge', row: { name, ports: ['set', ports.map((p) => ['named-uuid', `p${p}`])], ...row }, 'uuid-name': `b${name}` },
  ];
}

const rootOps = (bridges: readonly string[]) => [
  { op: 'insert', table: 'Open_vSwitch', row: { bridges: ['set', bridges.map((b) => ['named-uuid', `b${b}`])], next_cfg: 1 } },
];

describe('a scenario configures the switch through ovsdb at virtual times', () => {
  it('adds a port at 50 ms and the switch follows: h3 becomes reachable', () => {
    const { sim, db, host, start } = rig(['h1', 'h2', 'h3']);
    ok(db, [...bridgeOps('br0', ['h1', 'h2']), ...rootOps(['br0'])]);
    start();
    sim.schedule(50_000_000, () =>
      ok(db, [
        ...portOps('h3'),
        { op: 'mutate', table: 'Bridge', where: [['name', '==', 'br0']], mutations: [['ports', 'insert', ['named-uuid', 'ph3']]] },
        { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] },
      ]),
    );
    // The switch follows the first transaction 100 us later; start talking after that.
    sim.run({ until: 1_000_000 });
    const early = host('h1').ping(host('h3').ip, { count: 3, intervalNs: 10_000_000 });
    const toH2 = host('h1').ping(host('h2').ip, { count: 3, intervalNs: 10_000_000 });
    sim.run({ until: 40_000_000 });
    expect(toH2.received).toBe(3);
    expect(early.received).toBe(0);
    // h1's ARP request for h3 went unanswered before the port existed; its retry (1 s
    // after the first try, as the host's ARP does) finds h3 behind the new port.
    sim.run({ until: 1_500_000_000 });
    const late = host('h1').ping(host('h3').ip, { count: 3, intervalNs: 10_000_000 });
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
    const { sim, db, vs, host, start } = rig(['h1', 'h2']);
    const patch = (name: string, peer: string) => [
      { op: 'insert', table: 'Interface', row: { name, type: 'patch', options: ['map', [['peer', peer]]] }, 'uuid-name': `i${name}` },
      { op: 'insert', table: 'Port', row: { name, interfaces: ['named-uuid', `i${name}`] }, 'uuid-name': `p${name}` },
    ];
    ok(db, [
      ...patch('patch0', 'patch1'),
      ...patch('patch1', 'patch0'),
      ...portOps('h1'),
      ...portOps('h2'),
      { op: 'insert', table: 'Bridge', row: { name: 'br0', ports: ['set', [['named-uuid', 'ph1'], ['named-uuid', 'ppatch0']]] }, 'uuid-name': 'bbr0' },
      { op: 'insert', table: 'Bridge', row: { name: 'br1', ports: ['set', [['named-uuid', 'ph2'], ['named-uuid', 'ppatch1']]] }, 'uuid-name': 'bbr1' },
      ...rootOps(['br0', 'br1']),
    ]);
    start();
    sim.run({ until: 1_000_000 });
    const ping = host('h1').ping(host('h2').ip, { count: 3, intervalNs: 1_000_000 });
    sim.run({ until: 100_000_000 });
    expect(ping.received).toBe(3);
    expect(vs.bridge('br0')!.datapath.stats.packets).toBeGreaterThan(0);
    expect(vs.bridge('br1')!.datapath.stats.packets).toBeGreaterThan(0);
  });
});

describe('mirrors', () => {
  it('copy what arrives on a selected port to the mirror port, which carries nothing else', () => {
    const { sim, db, vs, host, start } = rig(['h1', 'h2', 'h3']);
    ok(db, [
      { op: 'insert', table: 'Mirror', row: { name: 'm0', select_src_port: ['named-uuid', 'ph1'], output_port: ['named-uuid', 'ph3'] }, 'uuid-name': 'm' },
      ...bridgeOps('br0', ['h1', 'h2', 'h3'], { mirrors: ['named-uuid', 'm'] }),
      ...rootOps(['br0']),
    ]);
    start();
    sim.run({ until: 1_000_000 });
    expect(vs.bridge('br0')!.ofproto.mirrors).toHaveLength(1);
    const before = host('h3').stats.rxFrames;
    const ping = host('h1').ping(host('h2').ip, { count: 3, intervalNs: 1_000_000 });
    sim.run({ until: 100_000_000 });
    expect(ping.received).toBe(3);
    // h3 sees h1's ARP request and its three echo requests; not h2's replies (not selected).
    expect(host('h3').stats.rxFrames - before).toBe(4);
  });
});

describe('a controller set at a virtual time', () => {
  it('takes over a secure switch: nothing passes before, the learning switch connects hosts after', () => {
    let controllers = new Map<string, Controller>();
    const { sim, db, vs, host, start } = rig(['h1', 'h2'], {
      // Controller targets "sim:NAME" reach in-engine controllers over a simulated channel (50 us each way).
      openflow: (sim) => ({
        timers: sim,
        connector: (target, done) => {
          const ctl = controllers.get(target.replace(/^sim:/, ''));
          if (!ctl) return done(`${target}: no such controller`);
          const [sw, c] = simulatedChannelPair(sim, { latencyNs: 50_000, name: target });
          ctl.attach(c);
          done(null, sw);
        },
      }),
    });
    controllers = new Map([['c0', new Controller([learningSwitch()], { clock: simulatorClock(sim) })]]);
    ok(db, [...bridgeOps('br0', ['h1', 'h2'], { fail_mode: 'secure' }), ...rootOps(['br0'])]);
    start();
    sim.run({ until: 1_000_000 });
    const before = host('h1').ping(host('h2').ip, { count: 2, intervalNs: 1_000_000 });
    sim.run({ until: 10_000_000 });
    expect(before.received).toBe(0);
    // ovs-vsctl set-controller br0 sim:c0, at 10 ms.
    ok(db, [
      { op: 'insert', table: 'Controller', row: { target: 'sim:c0' }, 'uuid-name': 'c' },
      { op: 'update', table: 'Bridge', where: [['name', '==', 'br0']], row: { controller: ['named-uuid', 'c'] } },
    ]);
    sim.run({ until: 1_500_000_000 }); // past the hosts' ARP retry (1 s)
    const after = host('h1').ping(host('h2').ip, { count: 3, intervalNs: 1_000_000 });
    sim.run({ until: 1_600_000_000 });
    expect(after.received).toBe(3);
    const priorities = [...vs.bridge('br0')!.ofproto.table(0).rules()].map((r) => r.priority);
    expect(priorities).toContain(0); // the table-miss flow the learning switch installs
    expect(priorities.filter((p) => p === 1).length).toBeGreaterThanOrEqual(2); // learned flows, both ways
  });
});
