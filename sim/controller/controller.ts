/**
 * An OpenFlow controller: apps on top, one SwitchConnection per switch underneath.
 *
 * Switches arrive on channels — a simulated channel from the engine (`attach`) or TCP and
 * Unix sockets (`listen`) — and are known by datapath id once their handshake is done. A
 * switch that reconnects with the same datapath id replaces its old connection, as a
 * restarted ovs-vswitchd does.
 *
 * Apps' callbacks run in message order. An optional processing delay models a
 * controller's think time: in the engine it shows up, with the channel's latency, in the
 * time a packet-in takes to become a flow-mod.
 */
import { wallClock, type ServerClock } from '../ovsdb/server/clock.js';
import type { Channel } from '../ovsdb/channel.js';
import { SUPPORTED_VERSIONS, type OfMessage } from '../openflow/wire/index.js';
import type { OfVersion } from '../openflow/version.js';
import { PacketInEvent, type ControllerApp } from './app.js';
import { SwitchConnection } from './connection.js';
import { listenOn, type ControllerListener } from './listen.js';

export interface ControllerOptions {
  /** Versions offered to switches. Default: OpenFlow 1.3 only, as simple_switch_13 asks. */
  readonly versions?: readonly OfVersion[];
  /** SET_CONFIG miss_send_len. Default 0xffff: whole packets (OFPCML_NO_BUFFER). */
  readonly missSendLen?: number;
  /** Echo keepalive for `listen`ed connections, ms (default 5000; 0 = off). */
  readonly probeIntervalMs?: number;
  /** Default: the wall clock. In the engine: `simulatorClock(sim)`. */
  readonly clock?: ServerClock;
  /** Time each message spends in the controller before the apps see it, ms. Default 0. */
  readonly processingDelayMs?: number;
  /** Where connection events go. Default: nowhere. */
  readonly log?: (line: string) => void;
  /** Called when an app's callback throws. Default: logs it and carries on. */
  readonly onAppError?: (error: unknown, app: ControllerApp, callback: string) => void;
}

export interface AttachOptions {
  /** Echo keepalive, ms. Default 0 (off): a simulated channel does not fail silently. */
  readonly probeIntervalMs?: number;
}

/**
 * @example
 * const ctl = new Controller([learningSwitch()], { versions: ['OpenFlow13'] });
 * const l = await ctl.listen('ptcp:6653:127.0.0.1');
 * const sw = await ctl.waitForSwitch();
 * console.log(sw.dpidText, await sw.dumpFlows());
 * await ctl.close();
 */
export class Controller {
  readonly apps: readonly ControllerApp[];
  readonly #versions: readonly OfVersion[];
  readonly #missSendLen: number;
  readonly #probeMs: number;
  readonly #clock: ServerClock;
  readonly #delayMs: number;
  readonly #log: (line: string) => void;
  readonly #onAppError: (error: unknown, app: ControllerApp, callback: string) => void;
  readonly #switches = new Map<bigint, SwitchConnection>();
  readonly #connections = new Set<SwitchConnection>();
  readonly #listeners = new Set<ControllerListener>();
  #waiters: { dpid: bigint | undefined; resolve: (sw: SwitchConnection) => void }[] = [];
  #idleWaiters: (() => void)[] = [];

  constructor(apps: readonly ControllerApp[], opts: ControllerOptions = {}) {
    this.apps = apps;
    const versions = opts.versions ?? ['OpenFlow13'];
    if (versions.length === 0) throw new Error('controller: give at least one OpenFlow version');
    for (const v of versions) {
      if (!SUPPORTED_VERSIONS.includes(v)) throw new Error(`controller: ${v} is not supported (use ${SUPPORTED_VERSIONS.join(', ')})`);
    }
    this.#versions = versions;
    this.#missSendLen = opts.missSendLen ?? 0xffff;
    if (!Number.isInteger(this.#missSendLen) || this.#missSendLen < 0 || this.#missSendLen > 0xffff) {
      throw new Error(`controller: miss_send_len ${opts.missSendLen} is outside 0..65535`);
    }
    this.#probeMs = opts.probeIntervalMs ?? 5_000;
    this.#clock = opts.clock ?? wallClock;
    this.#delayMs = opts.processingDelayMs ?? 0;
    this.#log = opts.log ?? (() => undefined);
    this.#onAppError = opts.onAppError ?? ((e, app, cb) => this.#log(`app ${app.name}: ${cb} failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Connected switches by datapath id (only those past the handshake). */
  get switches(): ReadonlyMap<bigint, SwitchConnection> {
    return this.#switches;
  }

  /** Serves one switch on `channel` (an engine channel, or any connected stream). */
  attach(channel: Channel, opts: AttachOptions = {}): SwitchConnection {
    const sw = new SwitchConnection(
      channel,
      { versions: this.#versions, missSendLen: this.#missSendLen, probeIntervalMs: opts.probeIntervalMs ?? 0, clock: this.#clock, log: this.#log },
      {
        ready: (s) => this.#ready(s),
        message: (s, m) => this.#dispatch(() => this.#message(s, m)),
        closed: (s, reason, wasReady) => this.#closed(s, reason, wasReady),
      },
    );
    this.#connections.add(sw);
    sw.start();
    return sw;
  }

  /**
   * Listens for switches on `ptcp:[PORT][:IP]` (default 6653 on 127.0.0.1; port 0 picks
   * a free one) or `punix:PATH`.
   */
  async listen(remote = 'ptcp:6653:127.0.0.1'): Promise<ControllerListener> {
    const l = await listenOn(remote, (ch) => this.attach(ch, { probeIntervalMs: this.#probeMs }));
    this.#listeners.add(l);
    return l;
  }

  /** Resolves when a switch (with `dpid`, if given) is connected; at once if one already is. */
  waitForSwitch(dpid?: bigint): Promise<SwitchConnection> {
    for (const sw of this.#switches.values()) if (dpid === undefined || sw.dpid === dpid) return Promise.resolve(sw);
    return new Promise((resolve) => this.#waiters.push({ dpid, resolve }));
  }

  /** Stops listening, closes every connection and resolves once all have closed. */
  async close(): Promise<void> {
    const ls = [...this.#listeners];
    this.#listeners.clear();
    const gone = new Promise<void>((resolve) => {
      if (this.#connections.size === 0) resolve();
      else this.#idleWaiters.push(resolve);
    });
    for (const sw of [...this.#connections]) sw.close();
    await Promise.all(ls.map((l) => l.close()));
    await gone;
  }

  #ready(sw: SwitchConnection): void {
    const old = this.#switches.get(sw.dpid);
    this.#switches.set(sw.dpid, sw);
    if (old !== undefined && old !== sw) {
      this.#log(`switch ${sw.dpidText} reconnected on ${sw.channel.name}; closing ${old.channel.name}`);
      old.close();
    }
    this.#dispatch(() => this.#each('switchConnected', (app) => app.switchConnected?.(sw)));
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const w of waiting) {
      if (w.dpid === undefined || w.dpid === sw.dpid) w.resolve(sw);
      else this.#waiters.push(w);
    }
  }

  #message(sw: SwitchConnection, m: OfMessage): void {
    switch (m.type) {
      case 'packet_in': {
        const ev = new PacketInEvent(m);
        this.#each('packetIn', (app) => app.packetIn?.(sw, ev));
        return;
      }
      case 'flow_removed':
        this.#each('flowRemoved', (app) => app.flowRemoved?.(sw, m));
        return;
      case 'port_status':
        this.#each('portStatus', (app) => app.portStatus?.(sw, m));
        return;
      case 'error':
        this.#each('error', (app) => app.error?.(sw, m));
        return;
      default:
        return;
    }
  }

  #closed(sw: SwitchConnection, reason: string | null, wasReady: boolean): void {
    this.#connections.delete(sw);
    if (this.#connections.size === 0) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
    // A connection replaced by the same switch's newer one is no disconnection for apps.
    if (!wasReady || this.#switches.get(sw.dpid) !== sw) return;
    this.#switches.delete(sw.dpid);
    this.#dispatch(() => this.#each('switchDisconnected', (app) => app.switchDisconnected?.(sw, reason)));
  }

  #dispatch(fn: () => void): void {
    if (this.#delayMs > 0) this.#clock.setTimer(this.#delayMs, fn);
    else fn();
  }

  #each(callback: string, call: (app: ControllerApp) => void): void {
    for (const app of this.apps) {
      try {
        call(app);
      } catch (e) {
        this.#onAppError(e, app, callback);
      }
    }
  }
}
