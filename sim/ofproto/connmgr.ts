/**
 * The connection manager of one bridge (OVS's connmgr): every OpenFlow connection the
 * switch has, and what the switch tells them unasked.
 *
 * - Passive listeners: `punix:PATH` (OVS's `br0.mgmt`, what `ovs-ofctl br0` talks to)
 *   and `ptcp:PORT[:IP]` (loopback unless an address is named). Their connections are
 *   "service" connections: no inactivity probe, no asynchronous messages unless they
 *   set a miss_send_len.
 * - Active controllers: `tcp:IP:PORT` or `unix:PATH`, reconnected after a loss with
 *   exponential backoff (1 s doubling up to max_backoff, 8 s by default), probed for
 *   inactivity (5 s by default).
 * - Simulated connections: `attach` any `Channel` (e.g. one end of
 *   `simulatedChannelPair`), so controllers inside the engine connect with latency.
 * - Asynchronous messages: PACKET_IN from the datapath's controller actions (rate
 *   limited per connection), FLOW_REMOVED for rules with send_flow_rem, PORT_STATUS
 *   when ports come and go.
 * - Fail mode: with controllers configured and none connected for a while, a
 *   "standalone" bridge adds a hidden NORMAL rule above every OpenFlow rule (fail open)
 *   and takes it away when a controller is back; a "secure" bridge keeps its flows and
 *   drops misses.
 *
 * Socket events enter the engine through `inject` (RealtimeSimulator.inject in live
 * mode), so every state change happens in engine context.
 */
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { disabledLog, event, type ComponentLog, type EventLog } from '../../engine/event-log.js';
import type { Datapath } from '../datapath/datapath.js';
import type { OdpAction } from '../datapath/odp-actions.js';
import { FLOW_WORDS, OFPP, W } from '../flow/layout.js';
import type { ControllerReason, Ofpact } from '../openflow/ofpact.js';
import type { OfVersion } from '../openflow/version.js';
import type { OfpErrorName } from '../openflow/wire/errors.js';
import type { FlowMod, MessageOf, OfMessage, PortDesc } from '../openflow/wire/messages.js';
import { socketChannel, type Channel } from '../ovsdb/channel.js';
import { parseActiveRemote } from '../stream/active-remote.js';
import { formatPassiveRemote, OFP_TCP_PORT, parsePassiveRemote } from '../stream/passive-remote.js';
import { applyFlowMod, type FlowModResult } from './flow-mod.js';
import { Ofconn, type OfconnKind } from './ofconn.js';
import type { OfDirection, OfTimers } from '../openflow/channel.js';
import { portDesc, type PortCountersView } from './ofconn-stats.js';
import type { OfPort, Ofproto, PortChange, RuleRemovalReason } from './ofproto.js';
import type { OfprotoDpif } from './ofproto-dpif.js';
import type { FlowEntry } from './rule.js';
import { RuleExpirer, splitDuration } from './rule-stats.js';

/** The connection manager's events in the event log. */
export const OPENFLOW_EVENTS = {
  ofConnected: event<{ br: string; conn: string; version: string }>('an OpenFlow connection finished its handshake'),
  ofDisconnected: event<{ br: string; conn: string; reason: string }>('an OpenFlow connection ended'),
  ofRecv: event<{ br: string; conn: string; type: string; xid: number; bytes: number }>('a message arrived on an OpenFlow connection'),
  ofSend: event<{ br: string; conn: string; type: string; xid: number; bytes: number }>('a message was sent on an OpenFlow connection'),
  ofError: event<{ br: string; conn: string; error: string; detail: string }>('a message was refused with an OpenFlow error'),
  ofPacketIn: event<{ br: string; conn: string; reason: string; table: number; bytes: number }>('a packet was sent to a controller'),
  ofPacketInDropped: event<{ br: string; conn: string }>('a packet-in was dropped by the rate limit'),
  ofFlowRemoved: event<{ br: string; table: number; priority: number; reason: string }>('a rule left its table (timeout or delete)'),
  ofFailOpen: event<{ br: string; open: boolean }>('the bridge entered or left fail-open (standalone) mode'),
} as const;

/** What the connection manager needs of a bridge (vswitchd's `Bridge` has all of it). */
export interface ConnmgrSwitch {
  readonly name: string;
  readonly ofproto: Ofproto;
  readonly ofprotoDpif: OfprotoDpif;
  readonly datapath: Datapath;
  /** Traffic counters by datapath port. */
  readonly counters: ReadonlyMap<number, PortCountersView>;
}

/** Receives every OpenFlow message on the wire (a pcap capture, a tracer). */
export interface OfWireTap {
  opened(connId: number, nowNs: number): void;
  message(connId: number, dir: OfDirection, bytes: Uint8Array, nowNs: number): void;
  closed(connId: number, nowNs: number): void;
}

/** Opens a stream to an active controller target; calls `done` once, possibly later. */
export type Connector = (target: string, done: (error: string | null, channel?: Channel) => void) => void;

export interface ConnmgrOptions {
  readonly timers: OfTimers;
  /** Runs `fn` in engine context (live mode: `rt.inject`); default: at once. */
  readonly inject?: (fn: () => void) => void;
  /** Default: derived from the bridge name. */
  readonly datapathId?: bigint;
  /** The bridge's own (LOCAL port's) Ethernet address. */
  readonly hwAddr?: bigint;
  readonly failMode?: 'standalone' | 'secure';
  readonly log?: EventLog;
  readonly tap?: OfWireTap;
  /** Packet-in rate limit per connection (OVS's controller_rate_limit/burst_limit); default none. */
  readonly packetInRate?: { readonly perSecond: number; readonly burst: number };
  /** Versions offered (default all the codec speaks). */
  readonly versions?: readonly OfVersion[];
  /** How active controllers are reached (default: node sockets). */
  readonly connector?: Connector;
}

export interface ControllerOptions {
  /** Longest wait between reconnection attempts (ms); OVS's max_backoff, default 8000. */
  readonly maxBackoffMs?: number;
  /** Inactivity probe (ms); default 5000; 0 disables. */
  readonly probeIntervalMs?: number;
}

interface ActiveController {
  readonly target: string;
  readonly maxBackoffMs: number;
  readonly probeIntervalMs: number;
  backoffMs: number;
  conn: Ofconn | null;
  connecting: boolean;
  removed: boolean;
  attempts: number;
}

const MS = 1_000_000;
/** Above every OpenFlow priority: the fail-open rule cannot be overridden or seen. */
export const FAIL_OPEN_PRIORITY = 0xf0f0f0;

const REASONS: readonly ControllerReason[] = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];

export class Connmgr {
  readonly name: string;
  readonly ofproto: Ofproto;
  readonly timers: OfTimers;
  readonly datapathId: bigint;
  readonly hwAddr: bigint;
  readonly failMode: 'standalone' | 'secure';
  readonly packetInRate: { readonly perSecond: number; readonly burst: number } | undefined;
  /** Highest generation id a master has claimed. */
  electionId: bigint | undefined;
  readonly expirer: RuleExpirer;
  readonly #sw: ConnmgrSwitch;
  readonly #inject: (fn: () => void) => void;
  readonly #log: ComponentLog<typeof OPENFLOW_EVENTS>;
  readonly #tap: OfWireTap | undefined;
  readonly #versions: readonly OfVersion[] | undefined;
  readonly #connector: Connector;
  readonly #conns = new Map<number, Ofconn>();
  readonly #controllers: ActiveController[] = [];
  readonly #portConfig = new Map<number, number>();
  readonly #portCreated = new Map<number, number>();
  readonly #servers: { net: NetServer; path?: string }[] = [];
  readonly #sockets = new Set<Socket>();
  #nextId = 1;
  #failOpenRule: FlowEntry | null = null;
  #lostSince: number;
  #closed = false;
  packetInsSent = 0;
  /** Requests that hit a bug (answered with OFPBRC_EPERM instead of crashing). */
  internalErrors = 0;

  constructor(sw: ConnmgrSwitch, opts: ConnmgrOptions) {
    this.#sw = sw;
    this.name = sw.name;
    this.ofproto = sw.ofproto;
    this.timers = opts.timers;
    this.#inject = opts.inject ?? ((fn) => fn());
    this.#log = opts.log ? opts.log.component('connmgr', OPENFLOW_EVENTS) : disabledLog('connmgr', opts.timers, OPENFLOW_EVENTS);
    this.#tap = opts.tap;
    this.#versions = opts.versions;
    this.#connector = opts.connector ?? socketConnector(this.#inject);
    this.datapathId = opts.datapathId ?? datapathIdOf(sw.name);
    this.hwAddr = opts.hwAddr ?? (this.datapathId & 0xffffffffffffn) | 0x020000000000n;
    this.failMode = opts.failMode ?? 'standalone';
    this.packetInRate = opts.packetInRate;
    this.#lostSince = opts.timers.now();
    const now = opts.timers.now();
    for (const p of sw.ofproto.ports.keys()) this.#portCreated.set(p, now);
    sw.datapath.setPacketInHandler((frame, action) => this.#packetIn(frame, action));
    sw.ofproto.onRuleRemoved((e, reason) => this.#ruleRemoved(e, reason));
    sw.ofproto.onPortChanged((change, port) => this.#portChanged(change, port));
    this.expirer = new RuleExpirer(sw.ofproto, { scheduler: opts.timers, refresh: () => sw.ofprotoDpif.pullStats() });
  }

  /** Open connections (handshake done or not). */
  get connections(): readonly Ofconn[] {
    return [...this.#conns.values()];
  }

  /** Whether the hidden fail-open NORMAL rule is in place. */
  get failOpen(): boolean {
    return this.#failOpenRule !== null;
  }

  // -------------------------------------------------------------------------------------
  // Connections

  /** Serves a connected byte stream (a socket's, or one end of a simulated pair). */
  attach(channel: Channel, opts: { kind?: OfconnKind; target?: string; probeIntervalMs?: number } = {}): Ofconn {
    const id = this.#nextId++;
    this.#tap?.opened(id, this.timers.now());
    const c = new Ofconn(this, id, channel, {
      kind: opts.kind ?? 'service',
      target: opts.target ?? channel.name,
      ...(opts.probeIntervalMs !== undefined ? { probeIntervalMs: opts.probeIntervalMs } : {}),
      ...(this.#versions ? { versions: this.#versions } : {}),
    });
    if (!c.conn.closed) this.#conns.set(id, c);
    return c;
  }

  /**
   * Listens on `punix:PATH` or `ptcp:[PORT][:IP]` (port 6653 and 127.0.0.1 by default;
   * PORT 0 picks one). Resolves to the target as bound.
   */
  async listen(target: string): Promise<string> {
    const r = parsePassiveRemote(target, OFP_TCP_PORT);
    const net = createServer((sock) => {
      this.#sockets.add(sock);
      sock.on('close', () => this.#sockets.delete(sock));
      const peer = r.kind === 'punix' ? `unix:${r.path}` : `tcp:${sock.remoteAddress}:${sock.remotePort}`;
      const ch = injectedChannel(socketChannel(sock, peer), this.#inject);
      this.#inject(() => this.attach(ch, { kind: 'service', target: peer, probeIntervalMs: 0 }));
    });
    if (r.kind === 'punix') {
      if (existsSync(r.path)) {
        if (!lstatSync(r.path).isSocket()) throw new Error(`${target}: ${r.path} exists and is not a socket`);
        unlinkSync(r.path);
      }
      await listenOn(net, target, (cb) => net.listen(r.path, cb));
      this.#servers.push({ net, path: r.path });
      return formatPassiveRemote(r);
    }
    await listenOn(net, target, (cb) => net.listen(r.port, r.host, cb));
    this.#servers.push({ net });
    const addr = net.address();
    return formatPassiveRemote({ ...r, port: typeof addr === 'object' && addr ? addr.port : r.port });
  }

  /** Connects out to a controller (`tcp:IP:PORT`, `unix:PATH`, or whatever the connector knows), reconnecting when lost. */
  addController(target: string, opts: ControllerOptions = {}): void {
    const c: ActiveController = {
      target,
      maxBackoffMs: Math.max(1000, opts.maxBackoffMs ?? 8000),
      probeIntervalMs: opts.probeIntervalMs ?? 5000,
      backoffMs: 0,
      conn: null,
      connecting: false,
      removed: false,
      attempts: 0,
    };
    this.#controllers.push(c);
    this.#connect(c);
    this.#scheduleFailOpenCheck();
  }

  /** Stops connecting to `target` and closes its connection. */
  removeController(target: string): void {
    for (const c of this.#controllers.filter((x) => x.target === target)) {
      c.removed = true;
      c.conn?.conn.close();
    }
    this.#controllers.splice(0, this.#controllers.length, ...this.#controllers.filter((x) => !x.removed));
    this.#checkFailOpen();
  }

  /** Connection attempts made to each controller (tests watch the backoff). */
  controllerAttempts(target: string): number {
    return this.#controllers.find((c) => c.target === target)?.attempts ?? 0;
  }

  #connect(c: ActiveController): void {
    if (c.removed || this.#closed || c.connecting || c.conn) return;
    c.connecting = true;
    c.attempts++;
    this.#connector(c.target, (err, ch) => {
      c.connecting = false;
      if (c.removed || this.#closed) {
        ch?.abort();
        return;
      }
      if (err !== null || !ch) return this.#retry(c);
      c.conn = this.attach(ch, { kind: 'primary', target: c.target, probeIntervalMs: c.probeIntervalMs });
    });
  }

  #retry(c: ActiveController): void {
    c.conn = null;
    if (c.removed || this.#closed) return;
    c.backoffMs = Math.min(c.maxBackoffMs, c.backoffMs === 0 ? 1000 : c.backoffMs * 2);
    this.timers.schedule(c.backoffMs * MS, () => this.#connect(c));
  }

  /** Called by an Ofconn when its handshake completes. */
  connReady(c: Ofconn, v: OfVersion): void {
    if (this.#log.enabled) this.#log.emit('ofConnected', { br: this.name, conn: c.target, version: v });
    const ctl = this.#controllers.find((x) => x.conn === c);
    if (ctl) ctl.backoffMs = 0;
    if (c.kind === 'primary') this.#checkFailOpen();
  }

  /** Called by an Ofconn when it ends. */
  connClosed(c: Ofconn, reason: string | null): void {
    this.#conns.delete(c.id);
    this.#tap?.closed(c.id, this.timers.now());
    if (this.#log.enabled) this.#log.emit('ofDisconnected', { br: this.name, conn: c.target, reason: reason ?? 'closed by peer' });
    const ctl = this.#controllers.find((x) => x.conn === c);
    if (ctl) {
      this.#retry(ctl);
      if (!this.#anyController()) {
        this.#lostSince = this.timers.now();
        this.#scheduleFailOpenCheck();
      }
    }
  }

  /** Every message on the wire, both ways. */
  wire(c: Ofconn, dir: OfDirection, bytes: Uint8Array): void {
    const now = this.timers.now();
    this.#tap?.message(c.id, dir, bytes, now);
    if (this.#log.enabled && bytes.length >= 8) {
      const xid = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
      this.#log.emit(dir === 'rx' ? 'ofRecv' : 'ofSend', { br: this.name, conn: c.target, type: `v${bytes[0]}/t${bytes[1]}`, xid, bytes: bytes.length });
    }
  }

  refused(c: Ofconn, error: OfpErrorName, detail: string): void {
    if (this.#log.enabled) this.#log.emit('ofError', { br: this.name, conn: c.target, error, detail });
  }

  // -------------------------------------------------------------------------------------
  // Requests (called by Ofconn)

  flowMod(_c: Ofconn, fm: FlowMod, v: OfVersion): FlowModResult {
    return applyFlowMod(this.ofproto, fm, { version: v });
  }

  packetOut(m: MessageOf<'packet_out'>): void {
    const inPort = m.inPort === OFPP.NONE ? OFPP.CONTROLLER : m.inPort;
    this.#sw.ofprotoDpif.executePacket(m.data, { inPort, actions: m.actions as readonly Ofpact[] });
  }

  portMod(m: MessageOf<'port_mod'>): OfpErrorName | undefined {
    const p = this.ofproto.ports.get(m.portNo);
    if (!p) return 'OFPPMFC_BAD_PORT';
    const desc = this.#desc(p);
    if (m.hwAddr !== desc.hwAddr) return 'OFPPMFC_BAD_HW_ADDR';
    const old = this.#portConfig.get(p.ofp) ?? 0;
    const next = ((old & ~m.mask) | (m.config & m.mask)) >>> 0;
    if (next !== old) {
      this.#portConfig.set(p.ofp, next);
      this.ofproto.portModified(p.ofp);
    }
    return undefined;
  }

  /** OFPPC_* bits a port-mod set on a port. */
  portConfig(ofp: number): number {
    return this.#portConfig.get(ofp) ?? 0;
  }

  electionIdOk(id: bigint): boolean {
    // Generation ids compare as a wrapping 64-bit sequence.
    if (this.electionId !== undefined && BigInt.asIntN(64, id - this.electionId) < 0n) return false;
    this.electionId = id;
    return true;
  }

  demoteMasters(except: Ofconn): void {
    for (const c of this.#conns.values()) if (c !== except && c.role === 'master') c.role = 'slave';
  }

  refreshStats(): void {
    this.#sw.ofprotoDpif.pullStats();
  }

  countersOf(odp: number): PortCountersView | undefined {
    return this.#sw.counters.get(odp);
  }

  portCreatedNs(ofp: number): number {
    return this.#portCreated.get(ofp) ?? 0;
  }

  #desc(p: OfPort): PortDesc {
    return portDesc(p, { bridgeMac: this.hwAddr, config: this.portConfig(p.ofp) });
  }

  /** Port descriptions in OpenFlow order. */
  portDescs(): PortDesc[] {
    return [...this.ofproto.ports.values()].sort((a, b) => a.ofp - b.ofp).map((p) => this.#desc(p));
  }

  // -------------------------------------------------------------------------------------
  // Asynchronous messages

  #broadcast(kind: 'packet_in' | 'flow_removed' | 'port_status', msg: (c: Ofconn) => OfMessage | null, controllerId = 0): void {
    for (const c of this.#conns.values()) {
      if (!c.wants(kind, controllerId)) continue;
      const m = msg(c);
      if (m) c.send(m);
    }
  }

  #packetIn(frame: Uint8Array, action: OdpAction): void {
    if (action.type !== 'userspace') return;
    const ctl = action.controller;
    if (ctl.dontSend) return;
    const meta = this.#sw.ofprotoDpif.packetInMeta(ctl.recircId);
    // Reason 6 (explicit miss, a table-miss rule's controller action) travels as no_match.
    const reason: ControllerReason = ctl.reason === 6 ? 'no_match' : REASONS[ctl.reason] ?? 'action';
    const miss = reason === 'no_match';
    const now = this.timers.now();
    const match = pipelineMatch(meta?.inPort ?? OFPP.CONTROLLER, meta?.flow);
    this.#broadcast(
      'packet_in',
      (c) => {
        if (!c.admitPacketIn(miss, now)) {
          if (this.#log.enabled) this.#log.emit('ofPacketInDropped', { br: this.name, conn: c.target });
          return null;
        }
        const maxLen = ctl.maxLen;
        const data = maxLen < 0xffe5 && frame.length > maxLen ? frame.slice(0, maxLen) : frame;
        this.packetInsSent++;
        if (this.#log.enabled) this.#log.emit('ofPacketIn', { br: this.name, conn: c.target, reason, table: meta?.tableId ?? 0, bytes: data.length });
        return {
          type: 'packet_in',
          xid: 0,
          bufferId: 0xffffffff,
          totalLen: frame.length,
          reason,
          table: meta?.tableId ?? 0,
          cookie: ctl.ruleCookie,
          match,
          data,
        };
      },
      ctl.controllerId,
    );
  }

  #ruleRemoved(e: FlowEntry, reason: RuleRemovalReason): void {
    if (e.priority > 0xffff) return;
    if (this.#log.enabled) this.#log.emit('ofFlowRemoved', { br: this.name, table: e.table, priority: e.priority, reason });
    if (!e.flags.includes('send_flow_rem')) return;
    const s = this.ofproto.ruleStats.of(e);
    const d = splitDuration(this.timers.now() - s.createdNs);
    this.#broadcast('flow_removed', () => ({
      type: 'flow_removed',
      xid: 0,
      cookie: e.cookie,
      priority: e.priority,
      reason,
      table: e.table,
      durationSec: d.sec,
      durationNsec: d.nsec,
      idleTimeout: e.idleTimeout,
      hardTimeout: e.hardTimeout,
      packetCount: BigInt(s.packets),
      byteCount: BigInt(s.bytes),
      match: e.match,
    }));
  }

  #portChanged(change: PortChange, port: OfPort): void {
    if (change === 'add') this.#portCreated.set(port.ofp, this.timers.now());
    const desc = this.#desc(port);
    if (change === 'delete') {
      this.#portCreated.delete(port.ofp);
      this.#portConfig.delete(port.ofp);
    }
    this.#broadcast('port_status', () => ({ type: 'port_status', xid: 0, reason: change, port: desc }));
  }

  // -------------------------------------------------------------------------------------
  // Fail mode

  #anyController(): boolean {
    for (const c of this.#conns.values()) if (c.kind === 'primary' && c.conn.version !== undefined) return true;
    return false;
  }

  /** OVS waits three probe intervals (at least 15 s) without a controller before failing open. */
  #failOpenDelayNs(): number {
    const probe = Math.max(0, ...this.#controllers.map((c) => c.probeIntervalMs));
    return Math.max(15_000, 3 * probe) * MS;
  }

  #scheduleFailOpenCheck(): void {
    if (this.failMode !== 'standalone' || this.#controllers.length === 0) return;
    this.timers.schedule(Math.max(0, this.#lostSince + this.#failOpenDelayNs() - this.timers.now()), () => this.#checkFailOpen());
  }

  #checkFailOpen(): void {
    const want = this.failMode === 'standalone' && this.#controllers.length > 0 && !this.#anyController() && this.timers.now() - this.#lostSince >= this.#failOpenDelayNs();
    if (want && !this.#failOpenRule && !this.#closed) {
      const rule: FlowEntry = {
        table: 0,
        priority: FAIL_OPEN_PRIORITY,
        cookie: 0n,
        idleTimeout: 0,
        hardTimeout: 0,
        importance: 0,
        flags: [],
        match: { key: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS) },
        actions: [{ type: 'output', port: OFPP.NORMAL, maxLen: 0 }],
      };
      this.#failOpenRule = rule;
      this.ofproto.addFlow(rule);
      if (this.#log.enabled) this.#log.emit('ofFailOpen', { br: this.name, open: true });
    } else if (!want && this.#failOpenRule && (this.#anyController() || this.#controllers.length === 0 || this.#closed)) {
      this.ofproto.removeFlow(this.#failOpenRule, 'delete');
      this.#failOpenRule = null;
      if (this.#log.enabled) this.#log.emit('ofFailOpen', { br: this.name, open: false });
    }
  }

  // -------------------------------------------------------------------------------------

  /** Closes listeners, connections and controllers; removes unix socket files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#controllers) c.removed = true;
    for (const c of [...this.#conns.values()]) c.conn.close();
    for (const s of this.#sockets) s.destroy();
    await Promise.all(this.#servers.map((s) => new Promise<void>((r) => s.net.close(() => r()))));
    for (const s of this.#servers) {
      if (s.path === undefined) continue;
      try {
        unlinkSync(s.path);
      } catch {
        // already gone
      }
    }
  }
}

/** A packet-in's match: in_port, and the pipeline fields (metadata, registers, tunnel id) that are set. */
function pipelineMatch(inPort: number, flow: Uint32Array | undefined): { key: Uint32Array; mask: Uint32Array } {
  const key = new Uint32Array(FLOW_WORDS);
  const mask = new Uint32Array(FLOW_WORDS);
  key[W.IN_PORT] = inPort;
  mask[W.IN_PORT] = 0xffffffff;
  if (flow) {
    const words = [W.METADATA, W.METADATA + 1, W.TUN_ID, W.TUN_ID + 1, ...Array.from({ length: 16 }, (_, i) => W.REG0 + i)];
    for (const w of words) {
      if (flow[w] !== 0) {
        key[w] = flow[w]!;
        mask[w] = 0xffffffff;
      }
    }
    // A 64-bit field is matched whole or not at all.
    for (const w of [W.METADATA, W.TUN_ID]) {
      if (mask[w] || mask[w + 1]) {
        mask[w] = 0xffffffff;
        mask[w + 1] = 0xffffffff;
        key[w] = flow[w]!;
        key[w + 1] = flow[w + 1]!;
      }
    }
  }
  return { key, mask };
}

/** A datapath id from the bridge name, as stable as OVS's (which uses the MAC). */
export function datapathIdOf(name: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const ch of name) h = BigInt.asUintN(64, (h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n);
  return h & 0xffffffffffffn;
}

function listenOn(net: NetServer, target: string, start: (cb: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException): void => reject(new Error(`${target}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`));
    net.once('error', fail);
    start(() => {
      net.off('error', fail);
      resolve();
    });
  });
}

/** A channel whose deliveries run through `inject` (into the engine). */
function injectedChannel(ch: Channel, inject: (fn: () => void) => void): Channel {
  return {
    name: ch.name,
    start(r) {
      ch.start({
        data: (chunk) => {
          const copy = chunk.slice();
          inject(() => r.data(copy));
        },
        closed: (reason) => inject(() => r.closed(reason)),
      });
    },
    write: (c) => ch.write(c),
    get backlog() {
      return ch.backlog;
    },
    close: () => ch.close(),
    abort: () => ch.abort(),
  };
}

/** Connects to `tcp:IP:PORT` or `unix:PATH` with node sockets. */
export function socketConnector(inject: (fn: () => void) => void = (fn) => fn()): Connector {
  return (target, done) => {
    const r = parseActiveRemote(target, OFP_TCP_PORT);
    if (r === null) {
      inject(() => done(`${target}: unknown controller target (use tcp:IP[:PORT] or unix:PATH)`));
      return;
    }
    const sock = r.kind === 'unix' ? connect(r.path) : connect(r.port, r.host);
    const onError = (e: Error): void => inject(() => done(`${target}: ${e.message}`));
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.off('error', onError);
      inject(() => done(null, injectedChannel(socketChannel(sock, target), inject)));
    });
  };
}
