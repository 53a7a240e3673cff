/**
 * The controller's end of one OpenFlow connection to a switch.
 *
 * On a new channel it sends HELLO, agrees on a version, asks for the switch's features
 * (datapath id) and ports (in the features reply for OpenFlow 1.0, a PORT_DESC multipart
 * for 1.3+), sets miss_send_len with SET_CONFIG, and only then reports the switch as
 * connected. Asynchronous messages that arrive during the handshake wait for that moment,
 * so an app never sees a PACKET_IN from a switch it was not told about.
 *
 * The handshake and every reply are handled by callbacks, not promises: inside the engine
 * a promise settles only after the simulator's run returns, while a switch's packet-in
 * must turn into a flow-mod in virtual time. The promise-returning helpers (`barrier`,
 * `dumpFlows`) are for code that awaits, such as tests and scripts.
 *
 * HELLO, framing, echo replies, errors for undecodable messages and the keepalive (OVS's
 * rconn: an idle connection gets an ECHO_REQUEST, one still silent a further interval
 * later is dropped) are the shared OfChannel's; this class is the controller's protocol.
 */
import { OFPP } from '../flow/layout.js';
import { catchAllMatch } from '../flow/match.js';
import { parseMatch } from '../flow/match-syntax.js';
import { parseActions } from '../openflow/actions-syntax.js';
import { parseFlow } from '../openflow/flow-syntax.js';
import type { Ofpact } from '../openflow/ofpact.js';
import { OfChannel } from '../openflow/channel.js';
import type { OfVersion } from '../openflow/version.js';
import {
  flowModFromEntry, MULTIPART_MORE, NO_BUFFER, OFPG_ANY,
  type FlowModCommand, type FlowStatsEntry, type MessageOf, type MultipartReplyBody, type MultipartRequestBody, type OfMessage,
  type PortDesc,
} from '../openflow/wire/index.js';
import type { FlowEntry } from '../ofproto/rule.js';
import type { ServerClock } from '../ovsdb/server/clock.js';
import type { Channel } from '../ovsdb/channel.js';

/** An OFPT_ERROR the switch sent in answer to one of our requests. */
export class OpenFlowError extends Error {
  override readonly name = 'OpenFlowError';
  constructor(readonly reply: MessageOf<'error'>) {
    super(`switch answered with ${reply.name ?? `error type ${reply.errType} code ${reply.code}`}`);
  }
}

/** The connection ended while a request waited for its answer. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}

export interface ConnectionOptions {
  /** Versions offered in HELLO; the highest both sides speak wins. */
  readonly versions: readonly OfVersion[];
  /** SET_CONFIG's miss_send_len: bytes of a table-miss packet sent up (OpenFlow 1.0 misses). */
  readonly missSendLen: number;
  /** Echo probe interval; 0 turns keepalive off. */
  readonly probeIntervalMs: number;
  readonly clock: ServerClock;
  readonly log: (line: string) => void;
}

/** What the connection tells its controller. */
export interface ConnectionHooks {
  ready(sw: SwitchConnection): void;
  /** An asynchronous message (packet-in, flow-removed, port-status, unmatched error), after `ready`. */
  message(sw: SwitchConnection, msg: OfMessage): void;
  closed(sw: SwitchConnection, reason: string | null, wasReady: boolean): void;
}

type State = 'hello' | 'features' | 'ports' | 'ready' | 'closed';

interface Pending {
  readonly parts: MultipartReplyBody[];
  readonly done: (parts: MultipartReplyBody[]) => void;
  readonly fail: (e: Error) => void;
}

/** Messages counted per connection, for tests, lessons and benchmarks. */
export interface ConnectionCounters {
  packetIns: number;
  flowMods: number;
  packetOuts: number;
  errors: number;
}

export interface FlowModOptions {
  /** Default 'add'. For the delete commands, text needs no actions. */
  readonly command?: FlowModCommand;
  /** Apply the flow's actions to this buffered packet too. */
  readonly bufferId?: number;
  /** Overrides the flow's table; deletes without `table=` in their text go to every table. */
  readonly table?: number;
}

export interface DumpFlowsOptions {
  /** Default: every table. */
  readonly table?: number;
  /** ovs-ofctl match syntax, e.g. `tcp,nw_dst=10.0.0.1`. */
  readonly match?: string;
}

const OFPTT_ALL = 255;

export class SwitchConnection {
  readonly channel: Channel;
  readonly counters: ConnectionCounters = { packetIns: 0, flowMods: 0, packetOuts: 0, errors: 0 };
  readonly #opts: ConnectionOptions;
  readonly #hooks: ConnectionHooks;
  #of: OfChannel | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #ports = new Map<number, PortDesc>();
  /** Asynchronous messages that came during the handshake. */
  #early: OfMessage[] = [];
  #state: State = 'hello';
  #version: OfVersion | undefined;
  #dpid = 0n;
  #nTables = 0;
  #nBuffers = 0;

  constructor(channel: Channel, opts: ConnectionOptions, hooks: ConnectionHooks) {
    this.channel = channel;
    this.#opts = opts;
    this.#hooks = hooks;
  }

  /** Sends HELLO and starts reading. */
  start(): void {
    const clock = this.#opts.clock;
    this.#of = new OfChannel(this.channel, {
      timers: { now: () => clock.nowMs() * 1e6, schedule: (delayNs, fn) => clock.setTimer(delayNs / 1e6, fn) },
      versions: this.#opts.versions,
      probeIntervalMs: this.#opts.probeIntervalMs,
      onReady: (v) => this.#ready(v),
      onMessage: (msg) => this.#message(msg),
      onClose: (reason) => this.#closed(reason),
      onRefused: (name, detail) => {
        this.counters.errors++;
        this.#log(`refused a message (${name}): ${detail}`);
      },
    });
  }

  /** The negotiated version; throws before HELLO has been answered. */
  get version(): OfVersion {
    if (this.#version === undefined) throw new Error(`${this.channel.name}: no OpenFlow version agreed yet`);
    return this.#version;
  }

  /** The switch's datapath id (0 until its features reply). */
  get dpid(): bigint {
    return this.#dpid;
  }

  /** The datapath id as OVS prints it: 16 hex digits. */
  get dpidText(): string {
    return this.#dpid.toString(16).padStart(16, '0');
  }

  get nTables(): number {
    return this.#nTables;
  }

  get nBuffers(): number {
    return this.#nBuffers;
  }

  /** The switch's ports by number, kept current by PORT_STATUS. */
  get ports(): ReadonlyMap<number, PortDesc> {
    return this.#ports;
  }

  /** True once the handshake is done and until the connection closes. */
  get ready(): boolean {
    return this.#state === 'ready';
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** A fresh transaction id. */
  nextXid(): number {
    return this.#channel().xids.next();
  }

  #channel(): OfChannel {
    if (this.#of === undefined) throw new Error(`${this.channel.name}: connection not started`);
    return this.#of;
  }

  /** Sends any message in the connection's version. */
  send(msg: OfMessage): void {
    const of = this.#channel();
    if (msg.type === 'flow_mod') {
      this.counters.flowMods++;
      if (this.version === 'OpenFlow10' && msg.table !== 0 && msg.table !== OFPTT_ALL && !of.of10TableId) {
        // OpenFlow 1.0 names a table only after the Nicira extension is turned on.
        of.send({ type: 'flow_mod_table_id', xid: of.xids.next(), enable: true });
        of.of10TableId = true;
        of.encodeOptions = { ...of.encodeOptions, of10TableId: true };
      }
    } else if (msg.type === 'packet_out') {
      this.counters.packetOuts++;
    }
    of.send(msg);
  }

  /**
   * Sends a FLOW_MOD for a flow in ovs-ofctl syntax (read for the connection's version)
   * or a ready FlowEntry. Returns the xid, which an OFPT_ERROR about it would carry.
   *
   * @example
   * sw.sendFlowMod('priority=1,in_port=1,dl_dst=00:00:00:00:00:02,actions=output:2');
   * sw.sendFlowMod('dl_dst=00:00:00:00:00:02', { command: 'delete' });
   */
  sendFlowMod(flow: string | FlowEntry, opts: FlowModOptions = {}): number {
    const command = opts.command ?? 'add';
    const isDelete = command === 'delete' || command === 'delete_strict';
    let entry: FlowEntry;
    let table = opts.table;
    if (typeof flow === 'string') {
      // A delete needs only a match, but the flow parser wants actions; they are ignored.
      const text = isDelete && !flow.includes('action') ? `${flow}${flow.trim() === '' ? '' : ','}actions=drop` : flow;
      entry = parseFlow(text, { version: this.version });
      if (table === undefined && isDelete && !/(^|[,\s])table=/.test(flow)) table = OFPTT_ALL;
    } else {
      entry = flow;
    }
    const xid = this.nextXid();
    const fm = flowModFromEntry(entry, { xid, command });
    this.send({ ...fm, table: table ?? fm.table, bufferId: opts.bufferId ?? NO_BUFFER });
    return xid;
  }

  /**
   * Sends a PACKET_OUT of `frame` as if it came in on `inPort` (OFPP.CONTROLLER = 0xfffd
   * for "from the controller"). Actions in ovs-ofctl syntax (`output:2`, `FLOOD`) or
   * decoded. With a `bufferId` the switch uses its buffered packet and `frame` may be empty.
   */
  packetOut(frame: Uint8Array, inPort: number, actions: string | readonly Ofpact[], opts: { readonly bufferId?: number } = {}): number {
    const acts = typeof actions === 'string' ? parseActions(actions, { version: this.version, match: catchAllMatch() }) : actions;
    const xid = this.nextXid();
    const bufferId = opts.bufferId ?? NO_BUFFER;
    this.send({ type: 'packet_out', xid, bufferId, inPort, actions: acts, data: bufferId === NO_BUFFER ? frame : new Uint8Array(0) });
    return xid;
  }

  /** Resolves when the switch has processed everything sent before (BARRIER_REPLY). */
  barrier(): Promise<void> {
    return new Promise((resolve, reject) => {
      const xid = this.nextXid();
      this.#pending.set(xid, { parts: [], done: () => resolve(), fail: reject });
      this.send({ type: 'barrier_request', xid });
    });
  }

  /** Sends a multipart (stats) request and resolves to every part of its reply. */
  request(body: MultipartRequestBody): Promise<MultipartReplyBody[]> {
    return new Promise((resolve, reject) => this.#request(body, resolve, reject));
  }

  /** The switch's flows (flow-stats multipart). */
  async dumpFlows(opts: DumpFlowsOptions = {}): Promise<FlowStatsEntry[]> {
    let match = catchAllMatch();
    if (opts.match !== undefined && opts.match.trim() !== '') match = parseMatch(opts.match);
    const parts = await this.request({
      kind: 'flow', table: opts.table ?? OFPTT_ALL, outPort: OFPP.NONE, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match,
    });
    return parts.flatMap((p) => (p.kind === 'flow' ? p.flows : []));
  }

  /** Ends the connection (queued bytes are still sent). */
  close(): void {
    if (this.#state !== 'closed') this.channel.close();
  }

  // -------------------------------------------------------------------------------------

  #request(body: MultipartRequestBody, done: (parts: MultipartReplyBody[]) => void, fail: (e: Error) => void): void {
    if (this.#state === 'closed') {
      fail(new ConnectionClosedError(`${this.channel.name}: connection closed`));
      return;
    }
    const xid = this.nextXid();
    this.#pending.set(xid, { parts: [], done, fail });
    this.send({ type: 'multipart_request', xid, flags: 0, body });
  }

  #log(text: string): void {
    this.#opts.log(`${this.channel.name}: ${text}`);
  }

  #ready(v: OfVersion): void {
    this.#version = v;
    this.#state = 'features';
    this.#log(`negotiated ${v}`);
    this.send({ type: 'features_request', xid: this.nextXid() });
  }

  #message(m: OfMessage): void {
    switch (m.type) {
      case 'features_reply':
        if (this.#state !== 'features') return;
        this.#dpid = m.datapathId;
        this.#nTables = m.nTables;
        this.#nBuffers = m.nBuffers;
        if (this.version === 'OpenFlow10') {
          for (const p of m.ports) this.#ports.set(p.portNo, p);
          this.#configure();
        } else {
          this.#state = 'ports';
          this.#request(
            { kind: 'port_desc', portNo: OFPP.NONE },
            (parts) => {
              for (const part of parts) if (part.kind === 'port_desc') for (const p of part.ports) this.#ports.set(p.portNo, p);
              this.#configure();
            },
            (e) => {
              this.#log(`port description failed (${e.message}); dropping connection`);
              this.channel.close();
            },
          );
        }
        return;
      case 'multipart_reply': {
        const p = this.#pending.get(m.xid);
        if (p === undefined) return;
        p.parts.push(m.body);
        if ((m.flags & MULTIPART_MORE) === 0) {
          this.#pending.delete(m.xid);
          p.done(p.parts);
        }
        return;
      }
      case 'barrier_reply': {
        const p = this.#pending.get(m.xid);
        if (p === undefined) return;
        this.#pending.delete(m.xid);
        p.done(p.parts);
        return;
      }
      case 'error': {
        this.counters.errors++;
        const p = this.#pending.get(m.xid);
        if (p !== undefined) {
          this.#pending.delete(m.xid);
          p.fail(new OpenFlowError(m));
          return;
        }
        if (this.#state === 'features') {
          this.#log(`features request refused (${m.name ?? m.errType}); dropping connection`);
          this.channel.close();
          return;
        }
        this.#log(`error from switch: ${m.name ?? `type ${m.errType} code ${m.code}`} (xid ${m.xid})`);
        this.#async(m);
        return;
      }
      case 'port_status':
        if (m.reason === 'delete') this.#ports.delete(m.port.portNo);
        else this.#ports.set(m.port.portNo, m.port);
        this.#async(m);
        return;
      case 'packet_in':
        this.counters.packetIns++;
        this.#async(m);
        return;
      case 'flow_removed':
        this.#async(m);
        return;
      default:
        // Replies we did not ask for (get_config_reply, role_reply...) need no action.
        return;
    }
  }

  #configure(): void {
    this.send({ type: 'set_config', xid: this.nextXid(), flags: 0, missSendLen: this.#opts.missSendLen });
    this.#state = 'ready';
    this.#log(`switch ${this.dpidText} connected (${this.version}, ${this.#ports.size} ports)`);
    this.#hooks.ready(this);
    const early = this.#early;
    this.#early = [];
    for (const m of early) if (this.#state === 'ready') this.#hooks.message(this, m);
  }

  #async(m: OfMessage): void {
    if (this.#state === 'ready') this.#hooks.message(this, m);
    else this.#early.push(m);
  }

  #closed(reason: string | null): void {
    if (this.#state === 'closed') return;
    const wasReady = this.#state === 'ready';
    this.#state = 'closed';
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.fail(new ConnectionClosedError(`${this.channel.name}: connection closed${reason ? ` (${reason})` : ''}`));
    this.#log(`connection closed${reason ? `: ${reason}` : ''}`);
    this.#hooks.closed(this, reason, wasReady);
  }
}
