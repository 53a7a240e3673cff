/**
 * Differential interop test: the same script of Debian `ovs-vsctl --no-wait` and
 * `ovsdb-client` commands runs against ovsim's server over a unix socket, over loopback
 * TCP, and against Debian's ovsdb-server (the same schema file for both); every step's
 * exit status and normalized output must agree.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, normalize, ovsTool, sortedLines, startOvsim, startRealOvsdb, vsctl, type RunResult, type Target } from './harness.js';

interface Step {
  readonly title: string;
  readonly run: (t: Target) => Promise<RunResult>;
  /** How to compare the output: exactly (after UUIDs) or as sorted lines. */
  readonly compare?: 'exact' | 'sorted' | 'status';
}

const v =
  (...args: string[]) =>
  (t: Target) =>
    vsctl(t, ...args);

const STEPS: readonly Step[] = [
  { title: 'init', run: v('init') },
  { title: 'add-br', run: v('add-br', 'br0') },
  {
    title: 'add-port with options',
    run: v('add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'options:remote_ip=10.0.0.1', 'options:key=5', 'ofport_request=7'),
  },
  { title: 'add-port with tag', run: v('add-port', 'br0', 'p2', 'tag=10') },
  { title: '--may-exist add-br', run: v('--may-exist', 'add-br', 'br0') },
  { title: 'add-br twice fails', run: v('add-br', 'br0') },
  { title: 'set', run: v('set', 'bridge', 'br0', 'other-config:hwaddr=00:11:22:33:44:55', 'fail_mode=secure') },
  { title: 'get', run: v('get', 'bridge', 'br0', 'fail_mode', 'other-config') },
  { title: 'get map key', run: v('get', 'interface', 'p1', 'options:key', 'ofport_request') },
  { title: 'list-br', run: v('list-br') },
  { title: 'list-ports', run: v('list-ports', 'br0') },
  { title: 'list-ifaces', run: v('list-ifaces', 'br0') },
  { title: 'port-to-br', run: v('port-to-br', 'p2') },
  { title: 'find', run: v('--columns=name,type,options', 'find', 'interface', 'type=dummy'), compare: 'sorted' },
  { title: 'list one row', run: v('--columns=name,fail_mode,other_config,ports', 'list', 'bridge', 'br0') },
  { title: 'set-controller', run: v('set-controller', 'br0', 'tcp:127.0.0.1:6653') },
  { title: 'get-controller', run: v('get-controller', 'br0') },
  // show lists ports in the order of their UUIDs: compare its lines sorted.
  { title: 'show', run: v('show'), compare: 'sorted' },
  { title: '-- chain', run: v('add-br', 'br1', '--', 'add-port', 'br1', 'q1', '--', 'set', 'port', 'q1', 'tag=7', '--', 'br-set-external-id', 'br1', 'k', 'v') },
  { title: 'br-get-external-id', run: v('br-get-external-id', 'br1') },
  { title: 'del-port', run: v('del-port', 'br0', 'p2') },
  { title: '--if-exists del-port', run: v('--if-exists', 'del-port', 'br0', 'nope') },
  { title: 'del-port missing fails', run: v('del-port', 'br0', 'nope') },
  { title: 'ports gone by garbage collection', run: v('--columns=name', 'list', 'port'), compare: 'sorted' },
  { title: 'interfaces gone by garbage collection', run: v('--columns=name', 'list', 'interface'), compare: 'sorted' },
  { title: 'add to a set', run: v('add', 'bridge', 'br0', 'flood_vlans', '10', '11') },
  { title: 'remove map key', run: v('remove', 'interface', 'p1', 'options', 'key') },
  { title: 'clear', run: v('clear', 'bridge', 'br0', 'other_config') },
  { title: 'get after edits', run: v('get', 'bridge', 'br0', 'flood_vlans', 'other_config', '--', 'get', 'interface', 'p1', 'options') },
  { title: 'create and link', run: v('--', '--id=@m', 'create', 'mirror', 'name=m0', '--', 'add', 'bridge', 'br0', 'mirrors', '@m') },
  { title: 'list mirror', run: v('--columns=name', 'list', 'mirror') },
  { title: 'constraint violation', run: v('set', 'interface', 'p1', 'ofport_request=70000'), compare: 'status' },
  { title: 'enum violation', run: v('set', 'port', 'p1', 'vlan_mode=bogus'), compare: 'status' },
  { title: 'del-br', run: v('del-br', 'br1') },
  { title: '--if-exists del-br', run: v('--if-exists', 'del-br', 'br1') },
  { title: 'show at the end', run: v('show'), compare: 'sorted' },
  { title: 'ovsdb-client list-dbs', run: (t) => client('list-dbs', t.db) },
  { title: 'ovsdb-client list-tables', run: (t) => client('list-tables', t.db, 'Open_vSwitch'), compare: 'sorted' },
  { title: 'ovsdb-client list-columns', run: (t) => client('list-columns', t.db, 'Open_vSwitch', 'Bridge'), compare: 'sorted' },
  { title: 'ovsdb-client dump', run: (t) => client('dump', t.db, 'Open_vSwitch', 'Bridge', 'name', 'fail_mode', 'flood_vlans', 'ports'), compare: 'sorted' },
  { title: 'ovsdb-client dump Port', run: (t) => client('dump', t.db, 'Open_vSwitch', 'Port', 'name', 'tag', 'interfaces'), compare: 'sorted' },
  {
    title: 'ovsdb-client transact',
    run: (t) =>
      client(
        'transact',
        t.db,
        JSON.stringify([
          'Open_vSwitch',
          { op: 'select', table: 'Bridge', where: [['name', '==', 'br0']], columns: ['name', 'fail_mode'] },
          { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] },
          { op: 'select', table: 'Open_vSwitch', where: [], columns: ['next_cfg'] },
          { op: 'comment', comment: 'interop' },
        ]),
      ),
  },
  {
    title: 'ovsdb-client transact error',
    run: (t) => client('transact', t.db, JSON.stringify(['Open_vSwitch', { op: 'insert', table: 'Bridge', row: { name: 'bx', fail_mode: 'wrong' } }])),
    compare: 'status',
  },
  { title: 'ovsdb-client monitor', run: (t) => monitorScenario(t) },
];

/** Starts `ovsdb-client monitor`, makes two changes, and returns what it printed. */
async function monitorScenario(t: Target): Promise<RunResult> {
  const child = spawn(ovsTool('ovsdb-client'), ['--format=csv', 'monitor', t.db, 'Open_vSwitch', 'Bridge', 'name,fail_mode'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const until = async (pred: () => boolean): Promise<void> => {
    const deadline = Date.now() + 8000;
    while (!pred() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  await until(() => stdout.includes('initial'));
  await vsctl(t, 'add-br', 'br9');
  await until(() => stdout.includes('br9'));
  await vsctl(t, 'set', 'bridge', 'br9', 'fail_mode=standalone');
  await until(() => stdout.includes('standalone'));
  await vsctl(t, 'del-br', 'br9');
  await until(() => stdout.includes('delete'));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { code: 0, stdout, stderr };
}

function observed(r: RunResult, compare: Step['compare']): unknown {
  // Error details are worded by the transaction engine; compare the RFC error tag.
  if (compare === 'status') return { code: r.code, tag: /"error":"([^"]+)"/.exec(r.stdout + r.stderr)?.[1] ?? null };
  const out = compare === 'sorted' ? sortedLines(r.stdout) : normalize(r.stdout);
  return { code: r.code, stdout: out, stderr: normalize(r.stderr) };
}

async function runScript(t: Target): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of STEPS) out.push(observed(await s.run(t), s.compare));
  return out;
}

describe('Debian ovs-vsctl and ovsdb-client against ovsim ovsdb-server and Debian ovsdb-server', () => {
  let real: unknown[];
  let ovsimUnix: unknown[];
  let ovsimTcp: unknown[];

  beforeAll(async () => {
    const ref = await startRealOvsdb();
    try {
      real = await runScript(ref);
    } finally {
      await ref.stop();
    }
    const a = await startOvsim();
    try {
      ovsimUnix = await runScript(a.unix);
    } finally {
      await a.unix.stop();
    }
    const b = await startOvsim();
    try {
      ovsimTcp = await runScript(b.tcp);
    } finally {
      await b.tcp.stop();
    }
  }, 180_000);

  it.each(STEPS.map((s, i) => [s.title, i] as const))('%s: same result over the unix socket', (_title, i) => {
    expect(ovsimUnix[i]).toEqual(real[i]);
  });

  it.each(STEPS.map((s, i) => [s.title, i] as const))('%s: same result over loopback TCP', (_title, i) => {
    expect(ovsimTcp[i]).toEqual(real[i]);
  });

  it('the script really did something (sanity of the reference run)', () => {
    const show = real[STEPS.findIndex((s) => s.title === 'show')] as { code: number; stdout: string[] };
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('    Bridge br0');
    expect(show.stdout).toContain('                options: {key="5", remote_ip="10.0.0.1"}');
    expect(show.stdout).toContain('        Controller "tcp:127.0.0.1:6653"');
    const dup = real[STEPS.findIndex((s) => s.title === 'add-br twice fails')] as { code: number; stderr: string };
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('already exists');
    const mon = real[STEPS.findIndex((s) => s.title === 'ovsdb-client monitor')] as { stdout: string };
    for (const action of ['initial', 'insert', 'old', 'new', 'delete']) expect(mon.stdout).toContain(action);
  });
});
