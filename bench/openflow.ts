/**
 * Bench section `openflow`: the OpenFlow channel over loopback, with the switch live
 * (the engine paced by the wall clock, socket events injected, as `ovsim` runs it).
 *
 *   - flow-mods/s: a raw client on the bridge's management socket (`punix:DIR/br0.mgmt`,
 *     as ovs-ofctl talks to it) sends N OpenFlow 1.3 FLOW_MODs (adds of distinct
 *     `ip,nw_dst=` rules) and a BARRIER_REQUEST in one burst; timed from the first byte
 *     to the BARRIER_REPLY, so every rule is in the table. The table is emptied between
 *     repetitions. The same client against Debian's ovs-vswitchd (dummy datapath, a
 *     sandbox of its own) gives the reference figure.
 *   - packet-in round trips/s: the bridge connects out to ovsim's learning-switch
 *     controller (a separate Node process, `ptcp:0` on 127.0.0.1). Each frame injected
 *     into port 1 has a new source MAC and a known destination, so it misses, goes up as
 *     PACKET_IN, and comes back as the controller's FLOW_MOD (plus a PACKET_OUT). A round
 *     trip ends when the switch has read that FLOW_MOD; a fixed number are kept in
 *     flight, and one-at-a-time gives the latency.
 *
 * Sockets are asynchronous and bench sections are not, so the section runs this file
 * again in a child process (RUN_FLAG) and reads its figures, as bench/ovsdb.ts does.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RealtimeSimulator } from '../engine/realtime.js';
import { Simulator } from '../engine/simulator.js';
import { MAX_TIME_NS } from '../engine/time.js';
import { Controller } from '../sim/controller/controller.js';
import { LearningSwitch } from '../sim/controller/apps/learning.js';
import { BROADCAST_MAC, udpFrame } from '../sim/host/frames.js';
import { Connmgr, type OfWireTap } from '../sim/ofproto/connmgr.js';
import { parseFlow } from '../sim/openflow/flow-syntax.js';
import { OFPT13 } from '../sim/openflow/wire/header.js';
import { encode, flowModFromEntry, FrameDecoder } from '../sim/openflow/wire/index.js';
import { Bridge } from '../sim/vswitchd/bridge.js';
import { formatRate, type BenchOptions, type SectionReport } from './measure.js';

const RUN_FLAG = '--openflow-bench-run';
const CONTROLLER_FLAG = '--openflow-bench-controller';
const HERE = fileURLToPath(import.meta.url);
const ROOT = HERE.endsWith('.js') ? join(dirname(HERE), '..', '..') : join(dirname(HERE), '..');
/** How to run this file again: plain node for dist/, vite-node for the .ts source. */
const SELF = HERE.endsWith('.js') ? [HERE] : [join(ROOT, 'node_modules/vite-node/vite-node.mjs'), HERE, '--'];
const V13 = 'OpenFlow13';

interface Figures {
  flowModsPerS: number;
  /** Debian's ovs-vswitchd, or null with the reason in `ovsNote`. */
  ovsFlowModsPerS: number | null;
  ovsNote: string;
  packetInRoundTripsPerS: number;
  /** One round trip at a time: microseconds each. */
  packetInLatencyUs: number;
  window: number;
  flowMods: number;
  roundTrips: number;
}

// ---------------------------------------------------------------------------------------
// An ovsim bridge served live

interface LiveSwitch {
  readonly br: Bridge;
  readonly mgr: Connmgr;
  readonly mgmt: string;
  inEngine(fn: () => void): void;
  stop(): Promise<void>;
}

/**
 * Waits for the real-time run: a loop turn below 2 ms (timers are coarser than that),
 * else a timer, capped so that an idle run (next event at MAX_TIME_NS) stays within
 * setTimeout's 32-bit range.
 */
function liveSleep(ns: number): Promise<void> {
  if (ns < 2e6) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, Math.min(Math.floor(ns / 1e6) - 1, 200)));
}

async function startOvsim(dir: string, tap?: OfWireTap): Promise<LiveSwitch> {
  const sim = new Simulator();
  const rt = new RealtimeSimulator(sim, { sleep: liveSleep });
  const br = new Bridge({ name: 'br0', ports: [1, 2], cache: 'megaflow', scheduler: sim, random: () => 0.5 });
  const inject = (fn: () => void): void => void rt.inject((f: () => void) => f(), fn);
  const mgr = new Connmgr(br, { timers: sim, inject, failMode: 'secure', ...(tap ? { tap } : {}) });
  const mgmt = join(dir, 'br0.mgmt');
  await mgr.listen(`punix:${mgmt}`);
  const running = rt.run({ until: MAX_TIME_NS });
  return {
    br,
    mgr,
    mgmt,
    inEngine: inject,
    async stop() {
      await mgr.close();
      rt.stop();
      await running;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Debian's Open vSwitch in a sandbox (ovsdb-server + ovs-vswitchd on the dummy datapath)

function findProgram(name: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    if (d !== '' && existsSync(join(d, name))) return join(d, name);
  }
  return undefined;
}

interface RealOvs {
  readonly mgmt: string;
  stop(): Promise<void>;
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, children: readonly ChildProcess[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ok()) return;
    const dead = children.find((c) => c.exitCode !== null);
    if (dead) throw new Error(`${dead.spawnfile} exited with status ${dead.exitCode} before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startRealOvs(): Promise<RealOvs> {
  const progs = ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl'].map((n) => [n, findProgram(n)] as const);
  const missing = progs.filter(([, p]) => p === undefined).map(([n]) => n);
  const schema = ['/usr/share/openvswitch/vswitch.ovsschema', '/usr/local/share/openvswitch/vswitch.ovsschema'].find((s) => existsSync(s));
  if (missing.length > 0 || schema === undefined) {
    throw new Error(`Open vSwitch is not installed (missing ${[...missing, ...(schema ? [] : ['vswitch.ovsschema'])].join(', ')}): run scripts/setup.sh`);
  }
  const [tool, server, vswitchd, vsctl] = progs.map(([, p]) => p!) as [string, string, string, string];
  const dir = mkdtempSync(join(tmpdir(), 'bench-of-ovs-'));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  const children: ChildProcess[] = [];
  // Should this process end abruptly, take the daemons down with it (by their pids).
  const killNow = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killNow);
  const stop = async (): Promise<void> => {
    process.off('exit', killNow);
    // Only the two daemons started here, by their pids, last first.
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    execFileSync(tool, ['create', join(dir, 'conf.db'), schema]);
    const db = join(dir, 'db.sock');
    children.push(spawn(server, ['--no-chdir', `--remote=punix:${db}`, `--unixctl=${join(dir, 'ovsdb-server.ctl')}`, join(dir, 'conf.db')], { env, stdio: 'ignore' }));
    await waitFor('ovsdb-server to listen', () => existsSync(db), children);
    const vs = (...args: string[]): void => void execFileSync(vsctl, [`--db=unix:${db}`, '--timeout=20', ...args], { env, stdio: 'ignore' });
    vs('--no-wait', 'init');
    children.push(
      spawn(vswitchd, ['--enable-dummy', '--disable-system', '--disable-system-route', '--no-chdir', `--unixctl=${join(dir, 'vswitchd.ctl')}`, `unix:${db}`], {
        env,
        stdio: 'ignore',
      }),
    );
    vs('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy', 'fail-mode=secure', 'protocols=OpenFlow13');
    for (const p of [1, 2]) vs('add-port', 'br0', `p${p}`, '--', 'set', 'interface', `p${p}`, 'type=dummy', `ofport_request=${p}`);
    const mgmt = join(dir, 'br0.mgmt');
    await waitFor('br0.mgmt', () => existsSync(mgmt), children);
    return { mgmt, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// A raw OpenFlow 1.3 client: HELLO, then bytes as given, barriers, and a tally of errors

class OfClient {
  readonly #sock: Socket;
  readonly #frames = new FrameDecoder();
  readonly #waiting = new Map<number, () => void>();
  #hello: (() => void) | undefined;
  #xid = 1;
  errors = 0;
  firstError = '';

  private constructor(sock: Socket) {
    this.#sock = sock;
    sock.setNoDelay(true);
    sock.on('data', (chunk: Buffer) => {
      for (const m of this.#frames.push(chunk)) this.#message(m);
    });
  }

  static open(path: string): Promise<OfClient> {
    return new Promise((resolve, reject) => {
      const sock = connect(path);
      sock.once('error', reject);
      sock.once('connect', () => {
        const c = new OfClient(sock);
        c.#hello = () => resolve(c);
        sock.write(encode({ type: 'hello', xid: 0, versions: [V13] }, V13));
      });
    });
  }

  #message(m: Uint8Array): void {
    const type = m[1]!;
    const xid = ((m[4]! << 24) | (m[5]! << 16) | (m[6]! << 8) | m[7]!) >>> 0;
    if (type === OFPT13.HELLO) {
      this.#hello?.();
    } else if (type === OFPT13.ERROR) {
      if (this.errors++ === 0) this.firstError = `type ${(m[8]! << 8) | m[9]!} code ${(m[10]! << 8) | m[11]!}`;
    } else if (type === OFPT13.ECHO_REQUEST) {
      const reply = new Uint8Array(m);
      reply[1] = OFPT13.ECHO_REPLY;
      this.#sock.write(reply);
    } else if (type === OFPT13.BARRIER_REPLY) {
      this.#waiting.get(xid)?.();
      this.#waiting.delete(xid);
    }
  }

  /** Writes `bytes` and a barrier; resolves when the barrier is answered. */
  sendAndBarrier(bytes: Uint8Array): Promise<void> {
    const xid = this.#xid++;
    const done = new Promise<void>((r) => this.#waiting.set(xid, r));
    this.#sock.write(bytes);
    this.#sock.write(encode({ type: 'barrier_request', xid }, V13));
    return done;
  }

  close(): void {
    this.#sock.destroy();
  }
}

function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** N adds of distinct rules, encoded back to back. */
function flowModBurst(n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const e = parseFlow(`priority=100,ip,nw_dst=10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff},actions=output:2`, { version: V13 });
    parts.push(encode(flowModFromEntry(e, { xid: 0x10000 + i }), V13));
  }
  return concatAll(parts);
}

/** Deletes every rule of every table. */
function deleteAll(): Uint8Array {
  return encode({ ...flowModFromEntry(parseFlow('actions=drop', { version: V13 })), command: 'delete', table: 255 }, V13);
}

/**
 * Best flow-mods/s over `reps` bursts of `n`, after one warm-up burst. `rules`, when
 * given, counts the switch's rules: a check that each burst and each clear did its work.
 */
async function measureFlowMods(mgmt: string, n: number, reps: number, rules?: () => number): Promise<number> {
  const expectRules = (want: number, after: string): void => {
    const have = rules?.() ?? want;
    if (have !== want) throw new Error(`the switch holds ${have} rules after ${after}, expected ${want}`);
  };
  const client = await OfClient.open(mgmt);
  try {
    const burst = flowModBurst(n);
    const clear = deleteAll();
    await client.sendAndBarrier(flowModBurst(Math.min(n, 2000)));
    await client.sendAndBarrier(clear);
    let best = 0;
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      await client.sendAndBarrier(burst);
      const ns = Number(process.hrtime.bigint() - t0);
      best = Math.max(best, (n * 1e9) / ns);
      expectRules(n, `a burst of ${n} adds`);
      await client.sendAndBarrier(clear);
      expectRules(0, 'deleting every rule');
    }
    if (client.errors > 0) throw new Error(`the switch refused ${client.errors} flow-mods (first: ${client.firstError})`);
    return best;
  } finally {
    client.close();
  }
}

// ---------------------------------------------------------------------------------------
// packet-in → flow-mod round trips

/** Starts ovsim's learning switch in a process of its own; resolves to its TCP port. */
async function startController(): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...SELF, CONTROLLER_FLAG], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the controller process exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(Number(l)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end(); // it exits when its stdin closes
      await gone;
    },
  };
}

async function runController(): Promise<void> {
  const ctl = new Controller([new LearningSwitch()]);
  const l = await ctl.listen('ptcp:0:127.0.0.1');
  process.stdout.write(`${l.port}\n`);
  process.stdin.resume();
  await new Promise((r) => process.stdin.once('end', r));
  await ctl.close();
}

const HOST_B = 0x02000000_0002n;

/** A frame from a fresh source MAC on port 1 to host B (known on port 2). */
function missFrame(i: number): Uint8Array {
  return udpFrame(
    { srcMac: 0x02100000_0000n + BigInt(i), dstMac: HOST_B, src: 0x0a000001, dst: 0x0a000002, ident: i },
    { srcPort: 1000, dstPort: 2000, payload: new Uint8Array(18) },
  );
}

/** Round trips timed one at a time, for the latency. */
function serialCount(n: number): number {
  return Math.max(200, Math.floor(n / 10));
}

interface RoundTrips {
  perS: number;
  latencyUs: number;
}

async function measureRoundTrips(dir: string, n: number, window: number, reps: number): Promise<RoundTrips> {
  let flowModsIn = 0;
  let onFlowMod: () => void = () => {};
  const tap: OfWireTap = {
    opened: () => {},
    closed: () => {},
    message(_id, dir, bytes) {
      if (dir === 'rx' && bytes[1] === OFPT13.FLOW_MOD) {
        flowModsIn++;
        onFlowMod();
      }
    },
  };
  const ctl = await startController();
  const sw = await startOvsim(dir, tap);
  try {
    sw.inEngine(() => sw.mgr.addController(`tcp:127.0.0.1:${ctl.port}`, { maxBackoffMs: 1000 }));
    await waitFor('the learning switch to install its table-miss flow', () => flowModsIn >= 1, []);
    // Host B speaks first, so the controller knows where it is.
    const seed = udpFrame({ srcMac: HOST_B, dstMac: BROADCAST_MAC, src: 0x0a000002, dst: 0x0a0000ff, ident: 0 }, { srcPort: 2000, dstPort: 1000, payload: new Uint8Array(18) });
    sw.inEngine(() => sw.br.receive(2, seed));
    await new Promise((r) => setTimeout(r, 100));

    let next = 0;
    const frames = Array.from({ length: reps * (n + serialCount(n)) + 1000 }, (_, i) => missFrame(i));
    /** Runs `count` round trips with `inFlight` outstanding; resolves to seconds taken. */
    const batch = (count: number, inFlight: number): Promise<number> =>
      new Promise((resolve) => {
        const target = flowModsIn + count;
        let injected = 0;
        const t0 = process.hrtime.bigint();
        const inject = (): void => {
          injected++;
          sw.br.receive(1, frames[next++]!);
        };
        onFlowMod = () => {
          if (flowModsIn >= target) {
            onFlowMod = () => {};
            resolve(Number(process.hrtime.bigint() - t0) / 1e9);
          } else if (injected < count) inject();
        };
        sw.inEngine(() => {
          for (let i = 0; i < Math.min(inFlight, count); i++) inject();
        });
      });
    await batch(1000, window); // warm-up
    let secs = Infinity;
    let serialSecs = Infinity;
    const serial = serialCount(n);
    for (let r = 0; r < reps; r++) {
      secs = Math.min(secs, await batch(n, window));
      serialSecs = Math.min(serialSecs, await batch(serial, 1));
    }
    return { perS: n / secs, latencyUs: (serialSecs / serial) * 1e6 };
  } finally {
    await sw.stop();
    await ctl.stop();
  }
}

// ---------------------------------------------------------------------------------------

async function runAll(quick: boolean): Promise<Figures> {
  const flowMods = quick ? 5000 : 20000;
  const roundTrips = quick ? 2000 : 10000;
  const window = 32;
  const reps = quick ? 2 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'bench-of-'));
  try {
    const sw = await startOvsim(dir);
    let flowModsPerS: number;
    try {
      flowModsPerS = await measureFlowMods(sw.mgmt, flowMods, reps, () => sw.br.ofproto.table(0).size);
    } finally {
      await sw.stop();
    }
    let ovsFlowModsPerS: number | null = null;
    let ovsNote = '';
    try {
      const ovs = await startRealOvs();
      try {
        ovsFlowModsPerS = await measureFlowMods(ovs.mgmt, flowMods, reps);
      } finally {
        await ovs.stop();
      }
    } catch (e) {
      ovsNote = e instanceof Error ? e.message : String(e);
    }
    const rt = await measureRoundTrips(dir, roundTrips, window, reps);
    return { flowModsPerS, ovsFlowModsPerS, ovsNote, packetInRoundTripsPerS: rt.perS, packetInLatencyUs: rt.latencyUs, window, flowMods, roundTrips };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function openflowSection(opts: BenchOptions): SectionReport {
  const out = execFileSync(process.execPath, [...SELF, RUN_FLAG, ...(opts.quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const f = JSON.parse(out.trim().split('\n').pop()!) as Figures;
  const ovs = f.ovsFlowModsPerS;
  return {
    name: 'openflow',
    title: 'OpenFlow over loopback: ovsim bridge live (wall-clock engine), OpenFlow 1.3',
    table: [
      ['workload', 'ovsim', 'ovs-vswitchd', 'ratio'],
      [
        `flow-mods installed (${f.flowMods} + barrier, unix socket)`,
        formatRate(f.flowModsPerS),
        ovs === null ? 'n/a' : formatRate(ovs),
        ovs === null ? 'n/a' : `${(f.flowModsPerS / ovs).toFixed(2)}x`,
      ],
      [`packet-in → flow-mod round trips (${f.window} in flight, TCP)`, formatRate(f.packetInRoundTripsPerS), '', ''],
      ['packet-in → flow-mod latency (one at a time)', `${f.packetInLatencyUs.toFixed(0)} us`, '', ''],
    ],
    notes: [
      'flow-mods: adds of distinct ip,nw_dst rules, timed to the barrier reply, table emptied between repetitions (best of a few)',
      "round trips: ovsim's learning-switch controller in its own process; each frame a new source MAC, ended by the switch reading the FLOW_MOD",
      ...(ovs === null ? [`ovs-vswitchd not measured: ${f.ovsNote}`] : ['ovs-vswitchd 3.1 (Debian), userspace dummy datapath, same client']),
    ],
    figures: {
      openflow: {
        flow_mods_per_s: Math.round(f.flowModsPerS),
        packet_in_round_trips_per_s: Math.round(f.packetInRoundTripsPerS),
        packet_in_latency_us: Math.round(f.packetInLatencyUs),
        ...(ovs === null ? {} : { flow_mods_ratio: Number((f.flowModsPerS / ovs).toFixed(3)) }),
      },
      ...(ovs === null ? {} : { c_reference: { ovs_vswitchd_flow_mods_per_s: Math.round(ovs) } }),
    },
  };
}

if (process.argv.includes(RUN_FLAG)) {
  const figures = await runAll(process.argv.includes('--quick'));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
} else if (process.argv.includes(CONTROLLER_FLAG)) {
  await runController();
  process.exit(0);
}
