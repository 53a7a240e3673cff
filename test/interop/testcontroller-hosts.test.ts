/**
 * Issue 6's "done when": Debian's ovs-testcontroller, connected to an ovsim switch,
 * makes two simulated hosts reach each other. The bridge runs live (the engine paced by
 * the wall clock) in fail-mode secure and connects out to the controller over TCP;
 * h1 and h2 (sim/host) sit behind ports 1 and 2 on engine links, so the hosts' own ARP
 * and ping go through the switch, the controller learns from their packet-ins, and the
 * table ends up holding what ovs-testcontroller installs: the table-miss flow to the
 * controller and exact-match flows with idle_timeout=60.
 *
 * Needs openvswitch-testcontroller and openvswitch-switch (scripts/setup.sh); fails,
 * naming the script, when either is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Link } from '../../engine/link.js';
import { Host } from '../../sim/host/host.js';
import type { PingSession } from '../../sim/host/ping.js';
import { freePort } from '../controller/learning-scenario.js';
import { Child, eventually, requireProgram, run } from '../controller/real-ovs.js';
import { startLiveBridge, type LiveBridge } from './ofctl-live.js';

const MS = 1_000_000;

let ctl: Child | undefined;
let live: LiveBridge | undefined;
let dir: string | undefined;

afterEach(async () => {
  await live?.stop();
  await ctl?.stop(); // the one child this test started, signalled by its pid
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  live = undefined;
  ctl = undefined;
  dir = undefined;
});

/** True once something accepts TCP connections on the port (the probe is closed at once). */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** `ovs-ofctl -O OpenFlow13 --no-stats dump-flows`, one flow a line, sorted. */
async function dumpFlows(target: string): Promise<string[]> {
  const r = await run('ovs-ofctl', ['-O', 'OpenFlow13', '--no-stats', 'dump-flows', target]);
  if (r.code !== 0) throw new Error(`ovs-ofctl dump-flows ${target} failed: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(OFPST|NXST|OFPT)_/.test(l))
    .sort();
}

describe('ovs-testcontroller and an ovsim switch', () => {
  it('make two simulated hosts reach each other', { timeout: 20_000 }, async () => {
    const prog = requireProgram('ovs-testcontroller', 'openvswitch-testcontroller');
    const port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'ovsim-tc-hosts-'));
    // It opens a unixctl socket in OVS_RUNDIR: keep that out of the system's /var/run.
    ctl = new Child(prog, [`ptcp:${port}:127.0.0.1`], { cwd: dir, env: { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir } });
    await eventually(() => accepting(port), (ok) => ok, `ovs-testcontroller listening on port ${port}`);

    const br = (live = await startLiveBridge({ ports: [1, 2], failMode: 'secure' }));
    const hosts = await br.inEngine(() => {
      const made: Host[] = [];
      for (const p of [1, 2]) {
        const h = new Host(br.sim, `h${p}`);
        const link = new Link(br.sim, { name: `h${p}-eth0:br0-p${p}`, latencyNs: 100_000 });
        h.plug(link.a);
        link.b.connect({ receive: (f) => br.br.receive(p, f) });
        br.br.attach(p, { send: (f) => void link.b.send(f) });
        made.push(h);
      }
      br.mgr.addController(`tcp:127.0.0.1:${port}`, { maxBackoffMs: 1000 });
      return made;
    });
    const [h1, h2] = hosts as [Host, Host];
    await eventually(() => dumpFlows(br.target), (f) => f.includes('priority=0 actions=CONTROLLER:128'), 'the table-miss flow', 10_000);

    const session: PingSession = await br.inEngine(() => h1.ping(h2.ip, { count: 4, intervalNs: 100 * MS, timeoutNs: 1000 * MS }));
    await eventually(() => session.done, (d) => d, 'the ping session to end', 8_000);
    expect(session.received, `h1 → h2 answered (controller says:\n${ctl.output})`).toBe(4);
    expect(session.lost).toBe(0);
    expect(h2.stats.rxFrames).toBeGreaterThanOrEqual(5); // ARP request + 4 echo requests

    // h1's ARP request went out flooded (no flow: its destination was unknown); each later
    // packet's destination was known, so the controller installed an exact-match flow for
    // it. Printed as Debian's ovs-ofctl prints them, sorted.
    expect(await dumpFlows(br.target)).toEqual([
      'idle_timeout=60, priority=1,arp,in_port=2,vlan_tci=0x0000/0x1fff,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01,arp_spa=10.0.0.2,arp_tpa=10.0.0.1,arp_op=2 actions=output:1',
      'idle_timeout=60, priority=1,icmp,in_port=1,vlan_tci=0x0000/0x1fff,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,icmp_type=8,icmp_code=0 actions=output:2',
      'idle_timeout=60, priority=1,icmp,in_port=2,vlan_tci=0x0000/0x1fff,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01,nw_src=10.0.0.2,nw_dst=10.0.0.1,nw_tos=0,icmp_type=0,icmp_code=0 actions=output:1',
      'priority=0 actions=CONTROLLER:128',
    ]);
    // Once learned, the flows carry the traffic: the controller saw the first echo of
    // each direction, not the later ones.
    const stats = await run('ovs-ofctl', ['-O', 'OpenFlow13', 'dump-flows', br.target, 'icmp']);
    expect(stats.stdout).toMatch(/n_packets=3,.*icmp_type=8/);
    expect(stats.stdout).toMatch(/n_packets=3,.*icmp_type=0/);
  });
});
