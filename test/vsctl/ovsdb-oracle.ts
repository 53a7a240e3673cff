/**
 * Debian's ovsdb-server on a fresh temp database, for differential tests of ovsim vsctl:
 * run a command line with the real `ovs-vsctl` or with ovsim's (in-process), and dump
 * the database with `ovsdb-client dump`. Daemons are stopped by the pid they wrote.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectChannel } from '../../sim/ovsdb/client/connect.js';
import { runVsctl } from '../../sim/vsctl/run.js';

const TOOLS = ['ovsdb-tool', 'ovsdb-server', 'ovs-vsctl', 'ovsdb-client'] as const;
type Tool = (typeof TOOLS)[number];
const DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
const SCHEMAS = ['/usr/share/openvswitch/vswitch.ovsschema', '/usr/local/share/openvswitch/vswitch.ovsschema'];

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function find(tool: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(':').filter((x) => x !== ''), ...DIRS]) {
    try {
      accessSync(join(d, tool), constants.X_OK);
      return join(d, tool);
    } catch {
      // next
    }
  }
  return undefined;
}

/** The OVS programs, or an Error telling to run scripts/setup.sh. */
export function findOvsTools(): { tools: Record<Tool, string>; schema: string } {
  const tools: Partial<Record<Tool, string>> = {};
  const missing: string[] = [];
  for (const t of TOOLS) {
    const p = find(t);
    if (p === undefined) missing.push(t);
    else tools[t] = p;
  }
  const schema = SCHEMAS.find((s) => existsSync(s));
  if (schema === undefined) missing.push('vswitch.ovsschema');
  if (missing.length > 0 || schema === undefined) {
    throw new Error(`Open vSwitch is not installed (missing ${missing.join(', ')}): run scripts/setup.sh (as root) to install openvswitch-switch`);
  }
  return { tools: tools as Record<Tool, string>, schema };
}

function exec(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

export class OvsdbOracle {
  readonly dir: string;
  readonly sock: string;
  #pid = 0;
  readonly #ovs = findOvsTools();

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'ovsim-vsctl-'));
    this.sock = join(this.dir, 'db.sock');
  }

  get db(): string {
    return `unix:${this.sock}`;
  }

  #env(): NodeJS.ProcessEnv {
    const d = this.dir;
    return { ...process.env, OVS_RUNDIR: d, OVS_LOGDIR: d, OVS_DBDIR: d, OVS_SYSCONFDIR: d };
  }

  static async start(): Promise<OvsdbOracle> {
    const o = new OvsdbOracle();
    const d = o.dir;
    const t = o.#ovs.tools;
    const c = await exec(t['ovsdb-tool'], ['create', join(d, 'conf.db'), o.#ovs.schema], o.#env());
    if (c.code !== 0) throw new Error(`ovsdb-tool create failed: ${c.stderr}`);
    const s = await exec(
      t['ovsdb-server'],
      ['--detach', '--no-chdir', `--pidfile=${join(d, 'ovsdb-server.pid')}`, `--log-file=${join(d, 'ovsdb-server.log')}`, `--remote=punix:${o.sock}`, join(d, 'conf.db')],
      o.#env(),
    );
    if (s.code !== 0) throw new Error(`ovsdb-server failed: ${s.stderr}`);
    o.#pid = Number.parseInt(readFileSync(join(d, 'ovsdb-server.pid'), 'utf8').trim(), 10);
    return o;
  }

  /** Debian's ovs-vsctl with --no-wait. */
  real(args: readonly string[]): Promise<RunResult> {
    return exec(this.#ovs.tools['ovs-vsctl'], [`--db=${this.db}`, '--no-wait', ...args], this.#env()).then((r) => ({
      ...r,
      // ovs-vsctl's log lines (warnings) go to stderr with a timestamp; keep only its own errors.
      stderr: r.stderr
        .split('\n')
        .filter((l) => l !== '' && !/^\d{4}-\d\d-\d\dT/.test(l))
        .map((l) => `${l}\n`)
        .join(''),
    }));
  }

  /** ovsim vsctl with --no-wait, in-process. */
  async ours(args: readonly string[], db: string = this.db): Promise<RunResult> {
    let stdout = '';
    let stderr = '';
    const code = await runVsctl(['--db=' + db, '--no-wait', ...args], { out: (t) => (stdout += t), err: (t) => (stderr += t) }, {
      connect: connectChannel,
      defaultDb: db,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    return { code, stdout, stderr };
  }

  async dump(): Promise<string> {
    const r = await exec(this.#ovs.tools['ovsdb-client'], ['dump', this.db, 'Open_vSwitch'], this.#env());
    if (r.code !== 0) throw new Error(`ovsdb-client dump failed: ${r.stderr}`);
    return r.stdout;
  }

  async stop(): Promise<void> {
    if (this.#pid > 0) {
      try {
        const cmd = readFileSync(`/proc/${this.#pid}/cmdline`, 'utf8');
        if (cmd.includes(this.dir)) process.kill(this.#pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 3000;
      while (existsSync(`/proc/${this.#pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      this.#pid = 0;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const UUID_G = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Replaces every UUID with <uuid> and sorts blank-line-separated records (their order follows UUID hashes). */
export function normalize(text: string): string {
  return sortRecords(text.replace(UUID_G, '<uuid>'));
}

/** An `ovsdb-client dump` with UUIDs hidden and each table's rows sorted. */
export function normalizeDump(text: string): string {
  return text
    .replace(UUID_G, '<uuid>')
    .split(/\n(?=\S+ table\n)/)
    .map((sec) => {
      const lines = sec.split('\n');
      const head = lines.slice(0, 3);
      const rows = lines.slice(3).filter((l) => l !== '').sort();
      return [...head, ...rows].join('\n');
    })
    .join('\n');
}

/** Records of list/find output in a stable order (same UUIDs on both sides). */
export function sortRecords(text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n\n')
    .sort()
    .join('\n\n');
}

interface TreeNode {
  readonly line: string;
  readonly kids: TreeNode[];
}

/** A `show` tree with UUIDs hidden and siblings sorted (their order follows UUIDs). */
export function normalizeTree(text: string): string {
  const root: TreeNode = { line: '', kids: [] };
  const stack: { depth: number; node: TreeNode }[] = [{ depth: -1, node: root }];
  for (const line of text.replace(UUID_G, '<uuid>').split('\n')) {
    if (line === '') continue;
    const depth = line.length - line.trimStart().length;
    while (stack[stack.length - 1]!.depth >= depth) stack.pop();
    const node: TreeNode = { line, kids: [] };
    stack[stack.length - 1]!.node.kids.push(node);
    stack.push({ depth, node });
  }
  const render = (n: TreeNode): string => {
    const kids = n.kids.map(render).sort();
    return [n.line, ...kids].filter((l) => l !== '').join('\n');
  };
  return render(root);
}
