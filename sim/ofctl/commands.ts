/**
 * The ovs-ofctl commands against a switch's management socket, with the requests
 * ovs-ofctl sends (and in its order, so the printed xids agree) and its output:
 *
 *   show, dump-flows, dump-aggregate, add-flow, add-flows, mod-flows, del-flows,
 *   dump-ports, dump-tables, packet-out, monitor
 *
 * Like ovs-ofctl, commands that accept port names first fetch the switch's port list
 * (and table list) over connections of their own, unless names are turned off.
 */
import { catchAllMatch } from '../flow/match.js';
import { parsePort, portMapOf, type PortMap } from '../flow/ports.js';
import { FlowSyntaxError } from '../flow/syntax-error.js';
import { parseActions } from '../openflow/actions-syntax.js';
import { matchProtocols, parseFlows } from '../openflow/flow-syntax.js';
import { atLeast, P, PS, protocolsToString, type OfVersion, type Protocols } from '../openflow/version.js';
import { flowModFromEntry, MULTIPART_MORE, type FlowMod, type MultipartRequestBody, type OfMessage, type PortDesc } from '../openflow/wire/index.js';
import { deleteFlowMod, parseAddOrModify, parseSelection, statsRequest, type ParsedFlowMod } from './flow-spec.js';
import { decodeNxPacketIn2, isNxPacketIn2 } from './nx-packet-in2.js';
import { formatFlowStats, formatMessage, headerLine, formatPacketIn } from './print.js';
import { OfctlError, resolveTarget, TimeoutError, Vconn, Xids, type Endpoint, type Received } from './vconn.js';

export interface OfctlOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface OfctlOptions {
  /** `-O`: the one version offered (ovs-ofctl's default is OpenFlow10). */
  readonly version: OfVersion;
  /** `--names` (true), `--no-names` (false), or neither (accept names, print numbers). */
  readonly names?: boolean;
  readonly strict?: boolean;
  /** `--no-stats` for dump-flows. */
  readonly noStats?: boolean;
  /** Run directory for bridge-name targets (OVS_RUNDIR). */
  readonly rundir: string;
  /** monitor: stop after this many seconds / messages. */
  readonly timeoutSec?: number;
  readonly count?: number;
  /** add-flows: reads FILE ('-' is standard input). */
  readonly readFile: (path: string) => string;
}

export const OFCTL_COMMANDS = [
  'show', 'dump-flows', 'dump-aggregate', 'add-flow', 'add-flows', 'mod-flows', 'del-flows', 'dump-ports', 'dump-tables', 'packet-out', 'monitor',
] as const;
export type OfctlCommand = (typeof OFCTL_COMMANDS)[number];

const OFPP_ANY = 0xffff;

/** State shared by the connections of one command run. */
class Session {
  readonly xids = new Xids();
  readonly #endpoint: Endpoint;
  #ports: PortMap | undefined;
  #tablesFetched = false;

  constructor(
    readonly target: string,
    readonly opts: OfctlOptions,
    readonly io: OfctlOutput,
  ) {
    this.#endpoint = resolveTarget(target, opts.rundir);
  }

  get version(): OfVersion {
    return this.opts.version;
  }

  open(): Promise<Vconn> {
    return Vconn.open(this.#endpoint, { version: this.version, xids: this.xids, name: this.target });
  }

  get acceptNames(): boolean {
    return this.opts.names !== false;
  }

  get showNames(): boolean {
    return this.opts.names === true;
  }

  /** The switch's port names (fetched once, on a connection of its own). */
  async portMap(): Promise<PortMap> {
    if (this.#ports) return this.#ports;
    const v = await this.open();
    try {
      const ports: PortDesc[] = [];
      if (!atLeast(this.version, 'OpenFlow13')) {
        const r = await transact(v, { type: 'features_request', xid: this.xids.next() });
        if (r.msg?.type === 'features_reply') ports.push(...r.msg.ports);
      } else {
        for (const r of await collectMultipart(v, { kind: 'port_desc', portNo: OFPP_ANY })) {
          if (r.msg?.type === 'multipart_reply' && r.msg.body.kind === 'port_desc') ports.push(...r.msg.body.ports);
        }
      }
      this.#ports = portMapOf(ports.map((p) => [p.name, p.portNo] as const));
      return this.#ports;
    } finally {
      v.close();
    }
  }

  /** Fetches the table list as ovs-ofctl does for table names (Open vSwitch names none by default). */
  async fetchTables(): Promise<void> {
    if (this.#tablesFetched) return;
    this.#tablesFetched = true;
    const v = await this.open();
    try {
      const body: MultipartRequestBody = atLeast(this.version, 'OpenFlow13') ? { kind: 'table_features', tables: [] } : { kind: 'table' };
      await collectMultipart(v, body);
    } finally {
      v.close();
    }
  }

  /** Port map for reading flows, when names are accepted (tables fetched first, as ovs-ofctl does). */
  async acceptMaps(order: 'tables-first' | 'ports-first'): Promise<PortMap | undefined> {
    if (!this.acceptNames) return undefined;
    if (order === 'tables-first') await this.fetchTables();
    const ports = await this.portMap();
    if (order === 'ports-first') await this.fetchTables();
    return ports;
  }

  async showMap(): Promise<PortMap | undefined> {
    if (!this.showNames) return undefined;
    const ports = await this.portMap();
    await this.fetchTables();
    return ports;
  }
}

/** Sends a request and waits for the reply with its xid. */
async function transact(v: Vconn, msg: OfMessage): Promise<Received> {
  v.send(msg);
  return v.recvXid(msg.xid);
}

/** Sends a multipart request and collects replies until one without the "more" flag or an error. */
async function collectMultipart(v: Vconn, body: MultipartRequestBody, onReply?: (r: Received) => void, xid = v.xids.next()): Promise<Received[]> {
  v.send({ type: 'multipart_request', xid, flags: 0, body });
  const out: Received[] = [];
  for (;;) {
    const r = await v.recvXid(xid);
    out.push(r);
    onReply?.(r);
    if (r.msg?.type === 'error') return out;
    if (r.msg?.type !== 'multipart_reply') throw new OfctlError(`received bad reply: ${describe(r, v.version)}`);
    if (!(r.msg.flags & MULTIPART_MORE)) return out;
  }
}

function describe(r: Received, version: OfVersion): string {
  return r.msg ? formatMessage(r.msg, version, { bytes: r.bytes }).trimEnd() : `message type ${r.type} (${r.bytes.length} bytes)`;
}

/**
 * Sends requests that are answered only on failure, then a barrier; returns the first
 * error reply to one of them (ovs-ofctl prints it and exits 1).
 */
async function transactNoReply(v: Vconn, msgs: readonly OfMessage[]): Promise<Received | undefined> {
  const ours = new Set<number>();
  for (const m of msgs) {
    v.send(m);
    ours.add(m.xid);
  }
  const barrier = v.xids.next();
  v.send({ type: 'barrier_request', xid: barrier });
  for (;;) {
    const r = await v.recv();
    if (r.xid === barrier && r.msg?.type === 'barrier_reply') return undefined;
    if (ours.has(r.xid) && r.msg?.type === 'error') return r;
  }
}

/** Prints a switch's error reply as ovs-ofctl does (on stderr) and fails the command. */
function failWith(r: Received, v: Vconn, io: OfctlOutput): never {
  io.err(describe(r, v.version) + '\n');
  throw new ExitError(1);
}

/** Ends the command with a status after output was already written. */
export class ExitError extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

/** One step of ovs-ofctl's OpenFlow 1.0 protocol change (flow format, then table-id). */
async function setProtocol(v: Vconn, want: Protocols, cur: Protocols): Promise<Protocols | undefined> {
  const nxm = (p: Protocols): boolean => (p & (P.OF10_NXM | P.OF10_NXM_TID)) !== 0;
  const tid = (p: Protocols): boolean => (p & (P.OF10_STD_TID | P.OF10_NXM_TID)) !== 0;
  let now = cur;
  if (nxm(want) !== nxm(now)) {
    const err = await transactNoReply(v, [{ type: 'set_flow_format', xid: v.xids.next(), format: nxm(want) ? 'nxm' : 'openflow10' }]);
    if (err) return undefined;
    now = nxm(want) ? (tid(now) ? P.OF10_NXM_TID : P.OF10_NXM) : tid(now) ? P.OF10_STD_TID : P.OF10_STD;
  }
  if (tid(want) !== tid(now)) {
    const err = await transactNoReply(v, [{ type: 'flow_mod_table_id', xid: v.xids.next(), enable: tid(want) }]);
    if (err) return undefined;
    now = want;
  }
  applyProtocol(v, now);
  return now;
}

function applyProtocol(v: Vconn, p: Protocols): void {
  if (v.version !== 'OpenFlow10') return;
  v.setEncodeOptions({
    of10Format: p & (P.OF10_NXM | P.OF10_NXM_TID) ? 'nxm' : 'openflow10',
    of10TableId: (p & (P.OF10_STD_TID | P.OF10_NXM_TID)) !== 0,
  });
}

/** Opens a connection for flow mods and switches to a protocol that can carry `usable`. */
async function openForFlowMod(s: Session, usable: Protocols): Promise<Vconn> {
  const v = await s.open();
  if (v.version !== 'OpenFlow10') return v;
  const allowed = PS.OF10_ANY;
  if (usable & allowed & P.OF10_STD) {
    applyProtocol(v, P.OF10_STD);
    return v;
  }
  for (const f of [P.OF10_STD_TID, P.OF10_NXM, P.OF10_NXM_TID]) {
    if (f & usable & allowed && (await setProtocol(v, f, P.OF10_STD)) !== undefined) return v;
  }
  v.close();
  throw new OfctlError(`switch does not support any of the usable flow formats (${protocolsToString(usable)})`);
}

/** Opens a connection for a flow dump (OpenFlow 1.0 asks for NXM first). */
async function openForDump(s: Session, usable: Protocols): Promise<Vconn> {
  const v = await s.open();
  if (v.version !== 'OpenFlow10') return v;
  for (const f of [P.OF10_NXM, P.OF10_STD]) {
    if (!(f & usable)) continue;
    if (f === P.OF10_STD) {
      applyProtocol(v, f);
      return v;
    }
    if ((await setProtocol(v, f, P.OF10_STD)) !== undefined) return v;
  }
  v.close();
  throw new OfctlError(`switch does not support any of the usable flow formats (${protocolsToString(usable)})`);
}

/** Sends a request and prints every reply, as ovs-ofctl's dump_transaction does. */
async function dumpTransaction(v: Vconn, msg: OfMessage, io: OfctlOutput, ports?: PortMap): Promise<void> {
  const print = (r: Received): void => {
    io.out(r.msg ? formatMessage(r.msg, v.version, { bytes: r.bytes, ...(ports ? { ports } : {}) }) : `${describe(r, v.version)}\n`);
  };
  if (msg.type === 'multipart_request') {
    await collectMultipart(v, msg.body, print, msg.xid);
    return;
  }
  print(await transact(v, msg));
}

// ---------------------------------------------------------------------------------------
// Commands

async function show(s: Session): Promise<void> {
  const v = await s.open();
  try {
    const r = await transact(v, { type: 'features_request', xid: s.xids.next() });
    s.io.out(describe(r, v.version) + '\n');
    if (atLeast(v.version, 'OpenFlow13')) await dumpTransaction(v, { type: 'multipart_request', xid: s.xids.next(), flags: 0, body: { kind: 'port_desc', portNo: OFPP_ANY } }, s.io);
  } finally {
    v.close();
  }
  const c = await s.open();
  try {
    await dumpTransaction(c, { type: 'get_config_request', xid: s.xids.next() }, s.io);
  } finally {
    c.close();
  }
}

async function dumpFlows(s: Session, args: readonly string[], aggregate: boolean): Promise<void> {
  const text = args[0] ?? '';
  const ports = text !== '' ? await s.acceptMaps('ports-first') : undefined;
  const sel = parseSelection(text, { version: s.version, forDump: true, ...(ports ? { ports } : {}) });
  const showPorts = aggregate ? undefined : await s.showMap();
  const v = await openForDump(s, sel.usable);
  try {
    const body: MultipartRequestBody = { kind: aggregate ? 'aggregate' : 'flow', ...statsRequest(sel) };
    const msg: OfMessage = { type: 'multipart_request', xid: s.xids.next(), flags: 0, body };
    if (aggregate || (!s.showNames && !s.opts.noStats)) {
      await dumpTransaction(v, msg, s.io);
      return;
    }
    // With names or without statistics ovs-ofctl prints the flows only, no header lines.
    const replies = await collectMultipart(v, body, undefined, msg.xid);
    for (const r of replies) {
      if (r.msg?.type === 'error') failWith(r, v, s.io);
      if (r.msg?.type === 'multipart_reply' && r.msg.body.kind === 'flow') {
        for (const f of r.msg.body.flows) {
          // This path of ovs-ofctl drops NXST's idle and hard ages.
          const g = v.version === 'OpenFlow10' ? { ...f, idleAge: undefined, hardAge: undefined } : f;
          s.io.out(` ${formatFlowStats(g, { stats: !s.opts.noStats, ...(showPorts ? { ports: showPorts } : {}) })}\n`);
        }
      }
    }
  } finally {
    v.close();
  }
}

async function sendFlowMods(s: Session, mods: readonly ParsedFlowMod[]): Promise<void> {
  if (mods.length === 0) return;
  const usable = mods.reduce((u, m) => u & m.usable, PS.ANY as Protocols);
  const v = await openForFlowMod(s, usable);
  try {
    for (const m of mods) {
      const err = await transactNoReply(v, [{ ...m.fm, xid: s.xids.next() }]);
      if (err) failWith(err, v, s.io);
    }
  } finally {
    v.close();
  }
}

async function flowModCommand(s: Session, args: readonly string[], command: FlowMod['command']): Promise<void> {
  const text = args[0] ?? '';
  if (text === '-') return flowModFile(s, '-', command);
  const ports = await s.acceptMaps('tables-first');
  const popts = { version: s.version, ...(ports ? { ports } : {}) };
  let mod: ParsedFlowMod;
  if (command === 'delete' || command === 'delete_strict') {
    const sel = parseSelection(text, popts);
    mod = { fm: deleteFlowMod(sel, command === 'delete_strict'), usable: sel.usable };
  } else {
    mod = parseAddOrModify(text, command, popts);
  }
  await sendFlowMods(s, [mod]);
}

async function flowModFile(s: Session, file: string, command: FlowMod['command']): Promise<void> {
  const ports = await s.acceptMaps('tables-first');
  const text = s.opts.readFile(file);
  let mods: ParsedFlowMod[];
  if (command === 'add') {
    const entries = parseFlows(text, { version: s.version, file, ...(ports ? { ports } : {}) });
    const tid = /(^|[,\s])table=/.test(text) ? PS.TID : PS.ANY;
    mods = entries.map((e) => ({ fm: flowModFromEntry(e), usable: matchProtocols(e.match) & tid }));
  } else {
    mods = text
      .split('\n')
      .map((l) => l.replace(/#.*/, ''))
      .filter((l) => l.trim() !== '')
      .map((l, i) => {
        try {
          if (command === 'delete' || command === 'delete_strict') {
            const sel = parseSelection(l, { version: s.version, ...(ports ? { ports } : {}) });
            return { fm: deleteFlowMod(sel, command === 'delete_strict'), usable: sel.usable };
          }
          return parseAddOrModify(l, command, { version: s.version, ...(ports ? { ports } : {}) });
        } catch (e) {
          if (e instanceof FlowSyntaxError) throw new FlowSyntaxError(`${file}:${i + 1}: ${e.message}`);
          throw e;
        }
      });
  }
  await sendFlowMods(s, mods);
}

async function dumpPorts(s: Session, args: readonly string[]): Promise<void> {
  const v = await s.open();
  try {
    let port = OFPP_ANY;
    if (args[0] !== undefined) port = await portNumber(s, args[0]);
    await dumpTransaction(v, { type: 'multipart_request', xid: s.xids.next(), flags: 0, body: { kind: 'port_stats', portNo: port } }, s.io);
  } finally {
    v.close();
  }
}

/** A port argument: a number or reserved name, else a name looked up on the switch. */
async function portNumber(s: Session, text: string): Promise<number> {
  const direct = parsePort(text);
  if (direct !== undefined) return direct;
  const ports = s.acceptNames ? await s.portMap() : undefined;
  const n = ports ? parsePort(text, ports) : undefined;
  if (n === undefined) throw new OfctlError(`${s.target}: unknown port \`${text}'`);
  return n;
}

async function dumpTables(s: Session): Promise<void> {
  const v = await s.open();
  try {
    await dumpTransaction(v, { type: 'multipart_request', xid: s.xids.next(), flags: 0, body: { kind: 'table' } }, s.io);
  } finally {
    v.close();
  }
}

/** Hex bytes of a packet; spaces and dots allowed between them as ovs-ofctl's reader allows. */
function parseHexPacket(text: string): Uint8Array {
  const clean = text.replace(/[\s.]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new OfctlError('Trailing garbage in packet data');
  if (clean.length < 28) throw new OfctlError('Packet data too short for Ethernet');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

async function packetOut(s: Session, args: readonly string[]): Promise<void> {
  const ports = await s.acceptMaps('tables-first');
  const popts = { version: s.version, match: catchAllMatch(), ...(ports ? { ports } : {}) };
  let inPort = 0xfffd; // CONTROLLER, ovs-ofctl's default
  let packets: Uint8Array[];
  let actionsText: string;
  if (args.length === 1) {
    const text = args[0]!;
    const at = text.indexOf('actions=');
    if (at < 0) throw new FlowSyntaxError('must specify an action');
    actionsText = text.slice(at + 'actions='.length);
    let packet: Uint8Array | undefined;
    for (const kv of text.slice(0, at).split(/[,\s]+/).filter((x) => x !== '')) {
      const eq = kv.indexOf('=');
      const name = eq < 0 ? kv : kv.slice(0, eq);
      const value = eq < 0 ? '' : kv.slice(eq + 1);
      if (name === 'in_port') {
        const p = parsePort(value, ports);
        if (p === undefined) throw new FlowSyntaxError(`${value}: in_port is not a valid port`);
        inPort = p;
      } else if (name === 'packet') packet = parseHexPacket(value);
      else throw new FlowSyntaxError(`unknown keyword ${name}`);
    }
    if (!packet) throw new FlowSyntaxError('must specify packet');
    packets = [packet];
  } else if (args.length >= 3) {
    inPort = await portNumber(s, args[0]!);
    actionsText = args[1]!;
    packets = args.slice(2).map(parseHexPacket);
  } else {
    throw new OfctlError(`Too many arguments (${args.length + 2})`);
  }
  const actions = parseActions(actionsText, popts);
  const v = await openForFlowMod(s, PS.ANY);
  try {
    for (const data of packets) {
      const err = await transactNoReply(v, [{ type: 'packet_out', xid: s.xids.next(), bufferId: 0xffffffff, inPort, actions, data }]);
      if (err) failWith(err, v, s.io);
    }
  } finally {
    v.close();
  }
}

async function monitor(s: Session, args: readonly string[]): Promise<void> {
  const v = await s.open();
  try {
    for (const a of args) {
      if (!/^[0-9]/.test(a)) throw new OfctlError(`${a}: unsupported "monitor" argument`);
      const r = await transact(v, { type: 'get_config_request', xid: s.xids.next() });
      if (r.msg?.type !== 'get_config_reply') throw new OfctlError(`${s.target}: bad reply to config request`);
      const err = await transactNoReply(v, [{ type: 'set_config', xid: s.xids.next(), flags: r.msg.flags, missSendLen: Number.parseInt(a, 10) & 0xffff }]);
      if (err) failWith(err, v, s.io);
    }
    const bad = await transactNoReply(v, [{ type: 'set_packet_in_format', xid: s.xids.next(), format: 'nxt_packet_in2' }]);
    if (bad && v.version === 'OpenFlow10') await transactNoReply(v, [{ type: 'set_packet_in_format', xid: s.xids.next(), format: 'nxt_packet_in' }]);
    const ports = await s.showMap();
    const deadline = s.opts.timeoutSec !== undefined ? Date.now() + s.opts.timeoutSec * 1000 : undefined;
    let seen = 0;
    while (s.opts.count === undefined || seen < s.opts.count) {
      let r: Received;
      try {
        r = await v.recv(deadline !== undefined ? Math.max(0, deadline - Date.now()) : undefined);
      } catch (e) {
        if (e instanceof TimeoutError) return;
        throw e;
      }
      seen++;
      // ovs-ofctl monitor writes what it receives to stderr.
      if (r.msg) s.io.err(formatMessage(r.msg, v.version, { bytes: r.bytes, ...(ports ? { ports } : {}) }));
      else if (isNxPacketIn2(r.bytes)) {
        const pi = decodeNxPacketIn2(r.bytes);
        s.io.err(`${headerLine('NXT_PACKET_IN2', v.version, pi.xid)}${formatPacketIn(pi, ports ? { ports } : {})}`);
      } else s.io.err(`${describe(r, v.version)}\n`);
    }
  } finally {
    v.close();
  }
}

/**
 * Runs one ovs-ofctl command against `target`. Output goes to `io`; returns the exit
 * status (0 on success). Syntax errors throw FlowSyntaxError, connection and protocol
 * failures OfctlError, both for the caller to print as one line.
 */
export async function runOfctlCommand(command: OfctlCommand, target: string, args: readonly string[], opts: OfctlOptions, io: OfctlOutput): Promise<number> {
  const s = new Session(target, opts, io);
  try {
    switch (command) {
      case 'show':
        await show(s);
        break;
      case 'dump-flows':
        await dumpFlows(s, args, false);
        break;
      case 'dump-aggregate':
        await dumpFlows(s, args, true);
        break;
      case 'add-flow':
        await flowModCommand(s, args, 'add');
        break;
      case 'add-flows':
        if (args[0] === undefined) throw new OfctlError("'add-flows' command requires at least 2 arguments");
        await flowModFile(s, args[0], 'add');
        break;
      case 'mod-flows':
        await flowModCommand(s, args, opts.strict ? 'modify_strict' : 'modify');
        break;
      case 'del-flows':
        await flowModCommand(s, args, opts.strict ? 'delete_strict' : 'delete');
        break;
      case 'dump-ports':
        await dumpPorts(s, args);
        break;
      case 'dump-tables':
        await dumpTables(s);
        break;
      case 'packet-out':
        await packetOut(s, args);
        break;
      case 'monitor':
        await monitor(s, args);
        break;
      default: {
        const never: never = command;
        throw new OfctlError(`unknown command '${String(never)}'; use --help for help`);
      }
    }
  } catch (e) {
    if (e instanceof ExitError) return e.status;
    throw e;
  }
  return 0;
}
