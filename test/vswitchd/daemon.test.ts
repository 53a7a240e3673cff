/**
 * Debian's real ovs-vsctl, without --no-wait, against ovsim's ovsdb-server and ovsim's
 * vswitchd: each command returns once the switch has applied it (cur_cfg caught up), and
 * the status vswitchd writes back (ofport, link state) is what ovs-vsctl reads.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFPP } from '../../sim/flow/layout.js';
import { runVswitchd, type DaemonHandle } from '../../sim/vswitchd/daemon.js';
import { ovsTool, run, startOvsim, vsctl as vsctlNoWait, type RunResult, type Target } from '../ovsdb/interop/harness.js';

/** Debian's ovs-vsctl as a user runs it: waiting for vswitchd to apply each change. */
function vsctl(t: Target, ...args: string[]): Promise<RunResult> {
  return run(ovsTool('ovs-vsctl'), [`--db=${t.db}`, ...args]);
}

describe('ovs-vsctl with ovsim ovsdb-server and ovsim vswitchd', () => {
  let db: Target;
  let daemon: DaemonHandle;
  const rundir = mkdtempSync(join(tmpdir(), 'ovsim-run-'));

  beforeAll(async () => {
    const s = await startOvsim();
    db = s.unix;
    await vsctlNoWait(db, 'init');
    daemon = await runVswitchd(db.db, { cache: 'megaflow', rundir });
  });

  afterAll(async () => {
    await daemon?.close();
    await db?.stop();
  });

  it('returns once the bridge and ports exist in the switch, with OVS-assigned ofports', async () => {
    const r = await vsctl(db, '--timeout=10', 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'add-port', 'br0', 'p2', '--', 'set', 'interface', 'p2', 'ofport_request=7');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const br = daemon.vswitchd.bridge('br0')!;
    expect([...br.ofproto.ports.keys()].sort((a, b) => a - b)).toEqual([1, 7, OFPP.LOCAL]);
    expect((await vsctl(db, 'get', 'interface', 'p1', 'ofport')).stdout.trim()).toBe('1');
    expect((await vsctl(db, 'get', 'interface', 'p2', 'ofport')).stdout.trim()).toBe('7');
    expect((await vsctl(db, 'get', 'interface', 'br0', 'ofport')).stdout.trim()).toBe('65534');
    expect((await vsctl(db, 'get', 'interface', 'p1', 'link_state')).stdout.trim()).toBe('up');
  });

  it("serves OpenFlow on the bridge's management socket, for Debian's ovs-ofctl", async () => {
    const mgmt = `unix:${join(rundir, 'br0.mgmt')}`;
    const ofctl = (...args: string[]) => run(ovsTool('ovs-ofctl'), ['-O', 'OpenFlow13', ...args]);
    expect((await ofctl('add-flow', mgmt, 'priority=10,tcp,tp_dst=80,actions=output:7')).code).toBe(0);
    const dump = await ofctl('--no-stats', 'dump-flows', mgmt);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toContain('priority=10,tcp,tp_dst=80 actions=output:7');
    // The bridge was created in standalone mode: OVS's "priority=0 actions=NORMAL" is there too.
    expect(dump.stdout).toContain('priority=0 actions=NORMAL');
    const show = await ofctl('show', mgmt);
    expect(show.stdout).toMatch(/ 7\(p2\): addr:/);
  });

  it('connects to the controller set with set-controller', async () => {
    const hellos: Buffer[] = [];
    const server: Server = createServer((sock) => sock.once('data', (d) => hellos.push(d)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    expect((await vsctl(db, '--timeout=10', 'set-controller', 'br0', `tcp:127.0.0.1:${port}`)).code).toBe(0);
    for (let i = 0; i < 100 && hellos.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    server.close();
    expect(hellos.length).toBe(1);
    expect(hellos[0]![1]).toBe(0); // OFPT_HELLO
    expect((await vsctl(db, '--timeout=10', 'del-controller', 'br0')).code).toBe(0);
  });

  it('follows del-port and del-br, and reports interfaces it cannot open', async () => {
    expect((await vsctl(db, '--timeout=10', 'del-port', 'br0', 'p1')).code).toBe(0);
    expect([...daemon.vswitchd.bridge('br0')!.ofproto.ports.keys()].sort((a, b) => a - b)).toEqual([7, OFPP.LOCAL]);
    expect((await vsctl(db, '--timeout=10', 'add-port', 'br0', 'gre0', '--', 'set', 'interface', 'gre0', 'type=gre')).code).toBe(0);
    expect((await vsctl(db, 'get', 'interface', 'gre0', 'ofport')).stdout.trim()).toBe('-1');
    expect((await vsctl(db, 'get', 'interface', 'gre0', 'error')).stdout.trim()).toBe('"could not open network device gre0 (No such device)"');
    expect((await vsctl(db, '--timeout=10', 'del-br', 'br0')).code).toBe(0);
    expect(daemon.vswitchd.bridgeNames).toEqual([]);
  });
});
