/**
 * For the interop tests: Debian's ovs-vsctl and ovsdb-client run against ovsim's server
 * (in this process, on a unix socket and loopback TCP) and against Debian's own
 * ovsdb-server (a child in a temp dir, stopped by pid), with outputs normalized so the
 * two can be compared: UUIDs become placeholders, and outputs whose row order depends on
 * UUID hashing are compared as sorted lines.
 *
 * When OVS is missing the helpers throw, naming scripts/setup.sh: these tests fail, never skip.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../../../sim/ovsdb/database.js';
import { createLog } from '../../../sim/ovsdb/log.js';
import { startOvsdbServer, type OvsdbServerHandle } from '../../../sim/ovsdb/server/listen.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const SCHEMA_PATH = join(REPO, 'sim/ovsdb/schemas/vswitch.ovsschema.json');

const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Absolute path of an OVS program, or an error telling how to install it. */
export function ovsTool(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d !== ''), ...SEARCH];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} not found: Open vSwitch is not installed; run scripts/setup.sh (as root) to install openvswitch-switch`);
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without blocking the event loop (the in-process server must keep serving). */
export function run(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 20_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A server under test: where to reach it and how to stop it. */
export interface Target {
  readonly name: string;
  /** `unix:PATH` or `tcp:127.0.0.1:PORT`, as OVS clients take it. */
  readonly db: string;
  stop(): Promise<void>;
}

/** A fresh database file of the Open_vSwitch schema, in ovsim's log format. */
export function freshOvsimDb(dir: string): string {
  const path = join(dir, 'conf.db');
  createLog(path, [JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))]);
  return path;
}

/** ovsim's server in this process, on a unix socket and an ephemeral loopback port. */
export async function startOvsim(): Promise<{ unix: Target; tcp: Target; handle: OvsdbServerHandle; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ovsim-db-'));
  const db = Database.open(freshOvsimDb(dir));
  const handle = await startOvsdbServer(db, [`punix:${dir}/db.sock`, 'ptcp:0:127.0.0.1']);
  const port = /^ptcp:(\d+):/.exec(handle.remotes[1] ?? '')?.[1];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    unix: { name: 'ovsim unix', db: `unix:${dir}/db.sock`, stop },
    tcp: { name: 'ovsim tcp', db: `tcp:127.0.0.1:${port}`, stop },
    handle,
    dir,
  };
}

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Debian's ovsdb-server as a child process (not detached), in a temp dir of its own. */
export async function startRealOvsdb(): Promise<Target & { child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'ovs-db-'));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  const created = await run(ovsTool('ovsdb-tool'), ['create', join(dir, 'conf.db'), SCHEMA_PATH], { env });
  if (created.code !== 0) throw new Error(`ovsdb-tool create failed: ${created.stderr}`);
  const child = spawn(
    ovsTool('ovsdb-server'),
    ['--no-chdir', `--log-file=${dir}/ovsdb-server.log`, `--remote=punix:${dir}/db.sock`, `--unixctl=${dir}/ctl`, join(dir, 'conf.db')],
    { env, stdio: 'ignore' },
  );
  const sock = join(dir, 'db.sock');
  await waitFor(() => existsSync(sock), `${sock} from ovsdb-server`);
  return {
    name: 'ovsdb-server',
    db: `unix:${sock}`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const UUID_G = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Text with every UUID replaced by `<uuid>`, and OVS log prefixes dropped. */
export function normalize(text: string): string {
  return text
    .replace(UUID_G, '<uuid>')
    .replace(/^\S+Z\|\d+\|/gm, '')
    .trimEnd();
}

/** Normalized lines, sorted: for outputs whose row order follows UUID hashes. */
export function sortedLines(text: string): string[] {
  return normalize(text)
    .split('\n')
    .map((l) => l.trimEnd())
    .sort();
}

export function vsctl(target: Target, ...args: string[]): Promise<RunResult> {
  return run(ovsTool('ovs-vsctl'), [`--db=${target.db}`, '--timeout=10', '--no-wait', ...args]);
}

export function client(...args: string[]): Promise<RunResult> {
  return run(ovsTool('ovsdb-client'), ['--timeout=10', ...args]);
}
