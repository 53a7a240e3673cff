/**
 * A private, userspace Open vSwitch for the differential tests: ovsdb-server and
 * ovs-vswitchd on the dummy datapath, in a temp dir of their own, with one bridge `br0`.
 *
 * Layout (the same as the OVS test suite's): interface `pN` is OpenFlow port N and
 * datapath port N; the dummy datapath numbers a port after the digits its name ends
 * with, and starts the search at 100 for names beginning with "br", so LOCAL (`br0`)
 * is datapath port 100. Nothing here depends on the system's OVS services: the daemons
 * run with OVS_RUNDIR/OVS_DBDIR/... pointing into the temp dir, and `stop()` signals
 * only the two pids this object started.
 *
 * Traces go over the vswitchd's unixctl socket (JSON-RPC, what ovs-appctl speaks),
 * pipelined on one connection, which is much faster than one ovs-appctl per trace.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class OvsMissingError extends Error {
  override readonly name = 'OvsMissingError';
}

export class OvsCommandError extends Error {
  override readonly name = 'OvsCommandError';
}

export interface OvsTrace {
  /** The flow string traced. */
  readonly trace: string;
  /** The `Megaflow:` line's text, or null when the trace failed. */
  readonly megaflow: string | null;
  /** The `Datapath actions:` line's text, or null when the trace failed. */
  readonly actions: string | null;
  /** The whole ofproto/trace output (or the error text). */
  readonly raw: string;
  /** The error ofproto/trace returned (bad flow string, unknown port...), else null. */
  readonly error: string | null;
}

export interface RejectedFlow {
  /** Index into the flows given to addFlows. */
  readonly index: number;
  readonly flow: string;
  /** ovs-ofctl's complaint, on one line. */
  readonly error: string;
}

const TOOLS = ['ovsdb-tool', 'ovsdb-server', 'ovs-vsctl', 'ovs-vswitchd', 'ovs-ofctl'] as const;
type Tool = (typeof TOOLS)[number];
const SCHEMAS = ['/usr/share/openvswitch/vswitch.ovsschema', '/usr/local/share/openvswitch/vswitch.ovsschema'];
const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin', '/bin'];
const CMD_TIMEOUT_MS = 30_000;
const SETUP_HINT = 'run scripts/setup.sh (as root) to install openvswitch-switch';

function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d !== ''), ...SEARCH_DIRS];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

interface OvsInstall {
  readonly tools: Record<Tool, string>;
  readonly schema: string;
}

/** Locates the OVS programs and schema, or throws OvsMissingError telling what to do. */
export function findOvs(): OvsInstall {
  const tools: Partial<Record<Tool, string>> = {};
  const missing: string[] = [];
  for (const t of TOOLS) {
    const p = findTool(t);
    if (p === undefined) missing.push(t);
    else tools[t] = p;
  }
  const schema = process.env.OVS_SCHEMA ?? SCHEMAS.find((s) => existsSync(s));
  if (schema === undefined) missing.push('vswitch.ovsschema');
  if (missing.length > 0 || schema === undefined) {
    throw new OvsMissingError(`Open vSwitch is not installed (missing ${missing.join(', ')}): ${SETUP_HINT}`);
  }
  return { tools: tools as Record<Tool, string>, schema };
}

// Sandboxes alive in this process, so that an abrupt exit still takes the daemons down.
const live = new Set<OvsSandbox>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const sb of live) sb.killNow();
  };
  process.once('exit', killAll);
  // On a fatal signal, take the daemons down, then let the signal do what it would have
  // done (unless someone else handles it).
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

/** An ovs-ofctl/ovs-appctl complaint on one line, without log prefixes and hex dumps. */
function oneLine(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/^\S+\|\d+\|/, '').trim())
    .filter((l) => l !== '' && !/^[0-9a-f]{8}  /.test(l))
    .join(' | ');
}

/** Pulls whole top-level JSON values out of a byte stream that has no delimiters. */
class JsonStream {
  #buf = '';
  push(chunk: string): unknown[] {
    this.#buf += chunk;
    const out: unknown[] = [];
    let depth = 0;
    let inStr = false;
    let esc = false;
    let start = -1;
    let consumed = 0;
    for (let i = 0; i < this.#buf.length; i++) {
      const c = this.#buf[i];
      if (inStr) {
        if (esc) esc = false;
        else if (c === '\\') esc = true;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === '{' || c === '[') {
        if (depth === 0) start = i;
        depth++;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0 && start >= 0) {
          out.push(JSON.parse(this.#buf.slice(start, i + 1)));
          consumed = i + 1;
          start = -1;
        }
      }
    }
    this.#buf = this.#buf.slice(consumed);
    return out;
  }
}

interface RpcReply {
  id: number;
  result: unknown;
  error: unknown;
}

/** A JSON-RPC connection to an OVS unixctl socket. */
class Unixctl {
  #sock: Socket | null = null;
  #nextId = 0;
  #pending = new Map<number, { resolve: (r: RpcReply) => void; reject: (e: Error) => void }>();
  #stream = new JsonStream();

  constructor(readonly path: string) {}

  async #open(): Promise<Socket> {
    if (this.#sock !== null) return this.#sock;
    const sock = connect(this.path);
    sock.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.on('data', (chunk: string) => {
      for (const msg of this.#stream.push(chunk)) {
        const r = msg as RpcReply;
        const p = this.#pending.get(r.id);
        if (p !== undefined) {
          this.#pending.delete(r.id);
          p.resolve(r);
        }
      }
    });
    const fail = (e: Error): void => {
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
      this.#sock = null;
      this.#stream = new JsonStream();
    };
    sock.on('error', (e) => fail(new OvsCommandError(`unixctl ${this.path}: ${e.message}`)));
    sock.on('close', () => fail(new OvsCommandError(`unixctl ${this.path}: connection closed by the daemon`)));
    this.#sock = sock;
    return sock;
  }

  /** Sends all calls at once and resolves, in order, to [ok, text] per call. */
  async callMany(method: string, paramsList: readonly (readonly string[])[]): Promise<[boolean, string][]> {
    const sock = await this.#open();
    const waits: Promise<RpcReply>[] = [];
    let out = '';
    for (const params of paramsList) {
      const id = this.#nextId++;
      waits.push(
        new Promise<RpcReply>((resolve, reject) => {
          this.#pending.set(id, { resolve, reject });
        }),
      );
      out += JSON.stringify({ id, method, params });
    }
    sock.write(out);
    const timer = setTimeout(() => {
      sock.destroy(new Error(`no answer to ${method} within ${CMD_TIMEOUT_MS} ms`));
    }, CMD_TIMEOUT_MS + 100 * paramsList.length);
    try {
      const replies = await Promise.all(waits);
      return replies.map((r) => {
        if (r.error !== null && r.error !== undefined) {
          return [false, typeof r.error === 'string' ? r.error : JSON.stringify(r.error)];
        }
        return [true, typeof r.result === 'string' ? r.result : ''];
      });
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.#sock?.destroy();
    this.#sock = null;
  }
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Parses ofproto/trace output into its megaflow and datapath actions lines. */
export function parseTraceText(trace: string, raw: string): OvsTrace {
  let megaflow: string | null = null;
  let actions: string | null = null;
  for (const line of raw.split('\n')) {
    if (line.startsWith('Megaflow: ')) megaflow = line.slice('Megaflow: '.length);
    else if (line.startsWith('Datapath actions: ')) actions = line.slice('Datapath actions: '.length);
  }
  return { trace, megaflow, actions, raw, error: null };
}

export interface OvsSandboxOptions {
  /** Keep the temp dir after stop() (to read the daemons' logs). */
  readonly keep?: boolean;
}

/**
 * One ovsdb-server + ovs-vswitchd pair with bridge br0 on the dummy datapath.
 *
 * @example
 * const sb = await OvsSandbox.start();
 * await sb.setPorts([1, 2]);
 * await sb.addFlows(['priority=1,actions=output:2']);
 * const [t] = await sb.traceMany(['in_port=1,tcp']);
 * await sb.stop();
 */
export class OvsSandbox {
  readonly dir: string;
  readonly #ovs: OvsInstall;
  readonly #keep: boolean;
  #pids = new Map<'ovsdb-server' | 'ovs-vswitchd', number>();
  #ports = new Set<number>();
  #ctl: Unixctl | null = null;

  private constructor(ovs: OvsInstall, opts: OvsSandboxOptions) {
    this.#ovs = ovs;
    this.#keep = opts.keep ?? false;
    this.dir = mkdtempSync(join(tmpdir(), 'ovsim-ovs-'));
  }

  /** Starts the daemons and creates br0; throws OvsMissingError when OVS is not installed. */
  static async start(opts: OvsSandboxOptions = {}): Promise<OvsSandbox> {
    const sb = new OvsSandbox(findOvs(), opts);
    live.add(sb);
    installExitHook();
    try {
      await sb.#boot();
    } catch (e) {
      await sb.stop();
      throw e;
    }
    return sb;
  }

  get ports(): readonly number[] {
    return [...this.#ports].sort((a, b) => a - b);
  }

  #env(): NodeJS.ProcessEnv {
    const d = this.dir;
    return { ...process.env, OVS_RUNDIR: d, OVS_LOGDIR: d, OVS_DBDIR: d, OVS_SYSCONFDIR: d };
  }

  #run(tool: Tool, args: readonly string[], stdin?: string): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.#ovs.tools[tool],
        [...args],
        { env: this.#env(), cwd: this.dir, timeout: CMD_TIMEOUT_MS, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
          resolve({ code, stdout, stderr: err !== null && stderr === '' ? err.message : stderr });
        },
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  }

  async #check(tool: Tool, args: readonly string[], stdin?: string): Promise<RunResult> {
    const r = await this.#run(tool, args, stdin);
    if (r.code !== 0) {
      throw new OvsCommandError(`${tool} ${args.join(' ')} failed (exit ${r.code}): ${oneLine(r.stderr)}`);
    }
    return r;
  }

  #vsctl(...args: string[]): Promise<RunResult> {
    return this.#check('ovs-vsctl', [`--db=unix:${this.dir}/db.sock`, `--timeout=${CMD_TIMEOUT_MS / 1000}`, ...args]);
  }

  #mgmt(): string {
    return `unix:${this.dir}/br0.mgmt`;
  }

  async #readPid(name: string): Promise<number> {
    const path = join(this.dir, `${name}.pid`);
    const deadline = Date.now() + CMD_TIMEOUT_MS;
    while (Date.now() < deadline) {
      try {
        const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
        if (pid > 0) return pid;
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new OvsCommandError(`${name} did not write its pidfile ${path}`);
  }

  async #boot(): Promise<void> {
    const d = this.dir;
    await this.#check('ovsdb-tool', ['create', `${d}/conf.db`, this.#ovs.schema]);
    await this.#check('ovsdb-server', [
      '--detach', '--no-chdir', '--pidfile', '--log-file', `--remote=punix:${d}/db.sock`, `${d}/conf.db`,
    ]);
    this.#pids.set('ovsdb-server', await this.#readPid('ovsdb-server'));
    await this.#vsctl('--no-wait', 'init');
    await this.#check('ovs-vswitchd', [
      '--enable-dummy', '--disable-system', '--disable-system-route',
      '--detach', '--no-chdir', '--pidfile', '--log-file', `unix:${d}/db.sock`,
    ]);
    const vswitchd = await this.#readPid('ovs-vswitchd');
    this.#pids.set('ovs-vswitchd', vswitchd);
    await this.#vsctl(
      'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy', 'fail-mode=secure',
      'other-config:datapath-id=fedcba9876543210', 'other-config:hwaddr=aa:55:aa:55:00:00',
      'protocols=[OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15]',
    );
    this.#ctl = new Unixctl(join(d, `ovs-vswitchd.${vswitchd}.ctl`));
  }

  /** Makes the bridge's ports exactly pN for N in `ports` (OpenFlow and datapath port N). */
  async setPorts(ports: readonly number[]): Promise<void> {
    const want = new Set(ports);
    const args: string[] = [];
    for (const p of [...this.#ports].sort((a, b) => a - b)) {
      if (!want.has(p)) args.push('--', 'del-port', 'br0', `p${p}`);
    }
    for (const p of [...want].sort((a, b) => a - b)) {
      if (!this.#ports.has(p)) {
        args.push('--', 'add-port', 'br0', `p${p}`, '--', 'set', 'interface', `p${p}`, 'type=dummy', `ofport_request=${p}`);
      }
    }
    if (args.length > 0) await this.#vsctl(...args.slice(1));
    this.#ports = want;
  }

  /** Runs ovs-vsctl (with --no-wait is not implied) against the sandbox's database. */
  async vsctl(...args: string[]): Promise<RunResult> {
    return this.#vsctl(...args);
  }

  /** Deletes every flow of every table. */
  async delFlows(): Promise<void> {
    await this.#check('ovs-ofctl', ['-O', 'OpenFlow15', 'del-flows', this.#mgmt()]);
  }

  /**
   * Installs flows with one `ovs-ofctl add-flows` call (default `-O OpenFlow15`). When
   * that call fails, the tables are emptied and the flows installed one at a time, so that
   * every flow OVS accepts is in and each one it refuses is reported with its error.
   */
  async addFlows(flows: readonly string[], ofctlOpts: readonly string[] = ['-O', 'OpenFlow15']): Promise<RejectedFlow[]> {
    if (flows.length === 0) return [];
    const file = join(this.dir, 'flows.txt');
    writeFileSync(file, flows.join('\n') + '\n');
    const all = await this.#run('ovs-ofctl', [...ofctlOpts, 'add-flows', this.#mgmt(), file]);
    if (all.code === 0) return [];
    await this.delFlows();
    const rejected: RejectedFlow[] = [];
    for (let i = 0; i < flows.length; i++) {
      const flow = flows[i] ?? '';
      const r = await this.#run('ovs-ofctl', [...ofctlOpts, 'add-flows', this.#mgmt(), '-'], flow + '\n');
      if (r.code !== 0) rejected.push({ index: i, flow, error: oneLine(r.stderr) });
    }
    return rejected;
  }

  /** Dumps the installed flows (`ovs-ofctl dump-flows --no-stats`), one string each. */
  async dumpFlows(ofctlOpts: readonly string[] = ['-O', 'OpenFlow15']): Promise<string[]> {
    const r = await this.#check('ovs-ofctl', [...ofctlOpts, '--no-stats', 'dump-flows', this.#mgmt()]);
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^(OFPST|NXST|OFPT)_/.test(l));
  }

  /** Traces one flow string on br0 (`ofproto/trace br0 FLOW`). */
  async trace(flow: string): Promise<OvsTrace> {
    const [t] = await this.traceMany([flow]);
    if (t === undefined) throw new OvsCommandError('ofproto/trace returned nothing');
    return t;
  }

  /** Traces many flow strings, pipelined on one unixctl connection; results in order. */
  async traceMany(flows: readonly string[]): Promise<OvsTrace[]> {
    if (this.#ctl === null) throw new OvsCommandError('the OVS sandbox is not running');
    if (flows.length === 0) return [];
    const replies = await this.#ctl.callMany(
      'ofproto/trace',
      flows.map((f) => ['br0', f]),
    );
    return replies.map(([ok, text], i) => {
      const trace = flows[i] ?? '';
      if (!ok) return { trace, megaflow: null, actions: null, raw: text, error: oneLine(text) };
      return parseTraceText(trace, text);
    });
  }

  #ownPid(pid: number, name: string): boolean {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && cmd.includes(name) && cmd.includes(this.dir);
    } catch {
      return false;
    }
  }

  /** Synchronous last resort (process exit): SIGKILL our own daemons, remove the dir. */
  killNow(): void {
    this.#ctl?.close();
    for (const [name, pid] of this.#pids) {
      if (this.#ownPid(pid, name)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    this.#pids.clear();
    live.delete(this);
    if (!this.#keep) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Stops the two daemons this sandbox started (by pid) and removes its temp dir. */
  async stop(): Promise<void> {
    this.#ctl?.close();
    this.#ctl = null;
    for (const name of ['ovs-vswitchd', 'ovsdb-server'] as const) {
      const pid = this.#pids.get(name);
      if (pid === undefined) continue;
      for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
        if (!this.#ownPid(pid, name)) break;
        try {
          process.kill(pid, sig);
        } catch {
          break;
        }
        const deadline = Date.now() + 3000;
        while (this.#ownPid(pid, name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      }
      this.#pids.delete(name);
    }
    live.delete(this);
    if (!this.#keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
