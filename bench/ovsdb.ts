/**
 * Bench section `ovsdb`: ovsim's ovsdb-server against Debian's ovsdb-server on the same
 * workload, driven by the same client code (ovsim's JsonRpcPeer) over a unix socket.
 * Each server runs as a process of its own with the same schema file and an on-disk log.
 *
 *   - transactions/s: one client keeps 64 transactions in flight, each updating a
 *     bridge's external_ids and bumping Open_vSwitch.next_cfg (what a vsctl `set` plus a
 *     config bump costs);
 *   - monitor updates/s: 8 clients hold a monitor_cond on Bridge and Open_vSwitch while
 *     one writer commits; the rate counts update2 notifications delivered to all of them.
 *
 * Both servers run side by side and are measured in alternating rounds; each figure is
 * the best of its rounds.
 *
 * The section's body is asynchronous (sockets), and bench sections are synchronous, so it
 * runs this file again as a child process with RUN_FLAG and reads its figures.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { socketChannel } from '../sim/ovsdb/channel.js';
import { JsonRpcPeer, type Json } from '../sim/ovsdb/jsonrpc.js';
import { createLog } from '../sim/ovsdb/log.js';
import { formatRate, type BenchOptions, type SectionReport } from './measure.js';

const RUN_FLAG = '--ovsdb-bench-run';
const HERE = fileURLToPath(import.meta.url);
/** The repository root, from bench/ovsdb.ts or dist/bench/ovsdb.js. */
const ROOT = HERE.endsWith('.js') ? join(dirname(HERE), '..', '..') : join(dirname(HERE), '..');
const SCHEMA = join(ROOT, 'sim/ovsdb/schemas/vswitch.ovsschema.json');

interface Figures {
  txnPerS: number;
  updatesPerS: number;
}

interface ServerProc {
  readonly sock: string;
  stop(): Promise<void>;
}

function findProgram(name: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/sbin']) {
    if (d !== '' && existsSync(join(d, name))) return join(d, name);
  }
  return undefined;
}

async function waitForSocket(path: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with status ${child.exitCode}`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect(path);
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no server on ${path}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

async function startOvsim(): Promise<ServerProc> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ovsim-'));
  const db = join(dir, 'conf.db');
  createLog(db, [JSON.parse(readFileSync(SCHEMA, 'utf8'))]);
  const sock = join(dir, 'db.sock');
  const main = join(ROOT, 'dist/sim/cli/main.js');
  const child = spawn(process.execPath, [main, 'ovsdb-server', db, `--remote=punix:${sock}`], { stdio: 'ignore' });
  await waitForSocket(sock, child);
  return { sock, stop: stopper(child, dir) };
}

async function startDebian(): Promise<ServerProc> {
  const tool = findProgram('ovsdb-tool');
  const server = findProgram('ovsdb-server');
  if (tool === undefined || server === undefined) throw new Error('ovsdb-server not installed: run scripts/setup.sh');
  const dir = mkdtempSync(join(tmpdir(), 'bench-ovs-'));
  const db = join(dir, 'conf.db');
  execFileSync(tool, ['create', db, SCHEMA]);
  const sock = join(dir, 'db.sock');
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
  const child = spawn(server, ['--no-chdir', `--remote=punix:${sock}`, `--unixctl=${dir}/ctl`, db], { env, stdio: 'ignore' });
  await waitForSocket(sock, child);
  return { sock, stop: stopper(child, dir) };
}

interface Client {
  readonly peer: JsonRpcPeer;
  notifications: number;
}

function open(sock: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const s = connect(sock);
    s.once('error', reject);
    s.once('connect', () => {
      const peer = new JsonRpcPeer(socketChannel(s, 'bench'));
      const c: Client = { peer, notifications: 0 };
      peer.start({ request: () => {}, notify: () => void c.notifications++, closed: () => {} });
      resolve(c);
    });
  });
}

const SETUP: Json[] = [
  'Open_vSwitch',
  { op: 'insert', table: 'Bridge', row: { name: 'br0' }, 'uuid-name': 'b' },
  { op: 'insert', table: 'Open_vSwitch', row: { bridges: ['named-uuid', 'b'] } },
];

function configTxn(i: number): Json[] {
  return [
    'Open_vSwitch',
    { op: 'update', table: 'Bridge', where: [['name', '==', 'br0']], row: { external_ids: ['map', [['n', String(i)]]] } },
    { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] },
  ];
}

/** Runs `n` transactions with `window` in flight; returns seconds taken. */
async function stream(c: Client, n: number, window: number, from: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const r = (await c.peer.call('transact', configTxn(from + i))) as { error?: string }[];
      if (r.some((x) => x !== null && typeof x === 'object' && 'error' in x)) throw new Error(`transaction failed: ${JSON.stringify(r)}`);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** One server under measurement: a writer, and the watchers once the monitor phase starts. */
interface Subject {
  readonly writer: Client;
  readonly watchers: Client[];
  /** Transaction numbers already used, so every transaction changes the row. */
  next: number;
}

async function prepare(server: ServerProc, quick: boolean): Promise<Subject> {
  const writer = await open(server.sock);
  await writer.peer.call('transact', SETUP);
  const s: Subject = { writer, watchers: [], next: 0 };
  const warm = quick ? 200 : 2000;
  await stream(writer, warm, 64, s.next);
  s.next += warm;
  return s;
}

async function txnRound(s: Subject, n: number): Promise<number> {
  const secs = await stream(s.writer, n, 64, s.next);
  s.next += n;
  return n / secs;
}

async function monitorRound(s: Subject, m: number): Promise<number> {
  const counts = s.watchers.map((w) => w.notifications);
  const t0 = process.hrtime.bigint();
  await stream(s.writer, m, 64, s.next);
  s.next += m;
  while (s.watchers.some((w, i) => w.notifications - counts[i]! < m)) await new Promise((r) => setImmediate(r));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return (m * s.watchers.length) / secs;
}

/**
 * Both servers run at once and take turns, round after round, so that a noisy moment of
 * the machine falls on both rather than on whichever went second; each keeps its best.
 */
async function runBoth(quick: boolean): Promise<{ ovsim: Figures; ovs: Figures }> {
  const servers: ServerProc[] = [];
  try {
    servers.push(await startDebian());
    servers.push(await startOvsim());
    const subjects = [await prepare(servers[0]!, quick), await prepare(servers[1]!, quick)];
    const best: Figures[] = [
      { txnPerS: 0, updatesPerS: 0 },
      { txnPerS: 0, updatesPerS: 0 },
    ];
    const rounds = quick ? 1 : 4;
    const n = quick ? 2000 : 10000;
    for (let r = 0; r < rounds; r++) {
      for (const [i, s] of subjects.entries()) best[i]!.txnPerS = Math.max(best[i]!.txnPerS, await txnRound(s, n));
    }
    for (const [i, s] of subjects.entries()) {
      for (let k = 0; k < 8; k++) s.watchers.push(await open(servers[i]!.sock));
      for (const w of s.watchers) {
        await w.peer.call('monitor_cond', ['Open_vSwitch', null, { Bridge: [{}], Open_vSwitch: [{}] }]);
      }
    }
    const m = quick ? 1000 : 5000;
    for (let r = 0; r < rounds; r++) {
      for (const [i, s] of subjects.entries()) best[i]!.updatesPerS = Math.max(best[i]!.updatesPerS, await monitorRound(s, m));
    }
    for (const s of subjects) for (const c of [s.writer, ...s.watchers]) c.peer.close();
    return { ovs: best[0]!, ovsim: best[1]! };
  } finally {
    for (const srv of servers) await srv.stop();
  }
}

export function ovsdbSection(opts: BenchOptions): SectionReport {
  const here = HERE.endsWith('.js') ? [HERE] : [join(ROOT, 'node_modules/vite-node/vite-node.mjs'), HERE, '--'];
  const out = execFileSync(process.execPath, [...here, RUN_FLAG, ...(opts.quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { ovsim, ovs } = JSON.parse(out.trim().split('\n').pop()!) as { ovsim: Figures; ovs: Figures };
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  return {
    name: 'ovsdb',
    title: 'ovsdb-server: ovsim vs Debian ovsdb-server 3.1 (same client, unix socket)',
    table: [
      ['workload', 'ovsim', 'ovsdb-server', 'ratio'],
      ['transactions (64 in flight)', formatRate(ovsim.txnPerS), formatRate(ovs.txnPerS), ratio(ovsim.txnPerS, ovs.txnPerS)],
      ['monitor updates (8 monitors)', formatRate(ovsim.updatesPerS), formatRate(ovs.updatesPerS), ratio(ovsim.updatesPerS, ovs.updatesPerS)],
    ],
    notes: ['each server in its own process with an on-disk log; transaction = update Bridge.external_ids + mutate next_cfg'],
    figures: {
      ovsdb: {
        txn_per_s: Math.round(ovsim.txnPerS),
        monitor_updates_per_s: Math.round(ovsim.updatesPerS),
        txn_ratio: Number((ovsim.txnPerS / ovs.txnPerS).toFixed(3)),
        monitor_ratio: Number((ovsim.updatesPerS / ovs.updatesPerS).toFixed(3)),
      },
      c_reference: {
        ovsdb_server_txn_per_s: Math.round(ovs.txnPerS),
        ovsdb_server_monitor_updates_per_s: Math.round(ovs.updatesPerS),
      },
    },
  };
}

if (process.argv.includes(RUN_FLAG)) {
  const figures = await runBoth(process.argv.includes('--quick'));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}
