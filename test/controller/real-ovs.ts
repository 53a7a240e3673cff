/**
 * A real Open vSwitch (Debian's, userspace, dummy datapath) for controller interop tests:
 * the OvsSandbox of test/support with bridge br0 in fail-mode secure, ports pN that
 * record what they send (`options:tx_pcap`), packets injected with
 * `ovs-appctl netdev-dummy/receive`, and the tools run against the sandbox's own
 * directory. Also finds the controller programs (os-ken, ovs-testcontroller), failing
 * with a message naming scripts/setup.sh when one is missing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OvsSandbox } from '../support/ovs-sandbox.js';

const SETUP = 'run scripts/setup.sh (as root) to install it';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { env, timeout: 20_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

/** The path of a program, or an error naming the Debian package and scripts/setup.sh. */
export function requireProgram(name: string, pkg: string): string {
  for (const d of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is not installed (Debian package ${pkg}): ${SETUP}`);
}

/** Reads the packets of a pcap file (classic format, either byte order). */
export function readPcap(path: string): Uint8Array[] {
  if (!existsSync(path)) return [];
  const b = readFileSync(path);
  if (b.length < 24) return [];
  const le = b.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const out: Uint8Array[] = [];
  let at = 24;
  while (at + 16 <= b.length) {
    const len = u32(at + 8);
    if (at + 16 + len > b.length) break;
    out.push(new Uint8Array(b.subarray(at + 16, at + 16 + len)));
    at += 16 + len;
  }
  return out;
}

export function hex(frame: Uint8Array): string {
  return Buffer.from(frame).toString('hex');
}

export class RealOvs {
  readonly sb: OvsSandbox;
  readonly ports: readonly number[];

  private constructor(sb: OvsSandbox, ports: readonly number[]) {
    this.sb = sb;
    this.ports = ports;
  }

  /** br0 with ports p1..pN, fail-mode secure, datapath id fedcba9876543210, no controller yet. */
  static async start(ports: readonly number[] = [1, 2, 3]): Promise<RealOvs> {
    const sb = await OvsSandbox.start();
    const ovs = new RealOvs(sb, ports);
    try {
      await sb.setPorts(ports);
      await ovs.vsctl(...ports.flatMap((p) => ['--', 'set', 'interface', `p${p}`, `options:tx_pcap=${ovs.pcapPath(p)}`]).slice(1));
    } catch (e) {
      await sb.stop();
      throw e;
    }
    return ovs;
  }

  get env(): NodeJS.ProcessEnv {
    const d = this.sb.dir;
    return { ...process.env, OVS_RUNDIR: d, OVS_LOGDIR: d, OVS_DBDIR: d, OVS_SYSCONFDIR: d };
  }

  pcapPath(port: number): string {
    return join(this.sb.dir, `p${port}-tx.pcap`);
  }

  async #check(tool: string, args: readonly string[]): Promise<string> {
    const r = await run(tool, args, this.env);
    if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  vsctl(...args: string[]): Promise<string> {
    return this.#check('ovs-vsctl', [`--db=unix:${this.sb.dir}/db.sock`, '--timeout=20', ...args]);
  }

  appctl(...args: string[]): Promise<string> {
    return this.#check('ovs-appctl', args);
  }

  ofctl(...args: string[]): Promise<string> {
    return this.#check('ovs-ofctl', args);
  }

  /** Points br0 at a controller (`tcp:127.0.0.1:PORT`). */
  async setController(target: string): Promise<void> {
    await this.vsctl('set-controller', 'br0', target);
  }

  /** Injects frames as received on pN. */
  async receive(port: number, ...frames: Uint8Array[]): Promise<void> {
    await this.appctl('netdev-dummy/receive', `p${port}`, ...frames.map(hex));
  }

  /** Frames pN has sent so far. */
  sent(port: number): Uint8Array[] {
    return readPcap(this.pcapPath(port));
  }

  /** `ovs-ofctl -O OpenFlow13 --no-stats dump-flows br0`, one line per flow. */
  async dumpFlows(): Promise<string[]> {
    const out = await this.ofctl('-O', 'OpenFlow13', '--no-stats', 'dump-flows', 'br0');
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^(OFPST|NXST|OFPT)_/.test(l));
  }

  /** `ovs-appctl dpctl/dump-flows`, one line per datapath flow. */
  async dpFlows(): Promise<string[]> {
    const out = await this.appctl('dpctl/dump-flows');
    return out.split('\n').filter((l) => l.trim() !== '');
  }

  stop(): Promise<void> {
    return this.sb.stop();
  }
}

/** A child process started by a test, stopped by its pid only. */
export class Child {
  readonly proc: ChildProcess;
  output = '';

  constructor(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.proc = spawn(cmd, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.proc.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
  }

  /** Resolves when the output contains `text` (or rejects on exit or timeout). */
  waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const has = (): boolean => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output));
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = (): void => {
        if (has()) resolve();
        else if (this.proc.exitCode !== null) reject(new Error(`process exited (${this.proc.exitCode}) before printing ${String(text)}:\n${this.output}`));
        else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${String(text)}; output:\n${this.output}`));
        else setTimeout(tick, 20);
      };
      tick();
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

/** Polls `fn` until it returns a value `ok` accepts, or fails after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
