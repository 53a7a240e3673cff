/**
 * Encoding and decoding whole OpenFlow messages: the header, the dispatch on type and
 * version, and the error a switch sends back for a message it cannot accept.
 *
 * `decode` never throws for bad input: it returns either the message or an
 * `OfDecodeError` naming the OpenFlow error (type and code for the peer's version) and
 * what was wrong. `encode` throws only for values no version can express.
 *
 * @example
 * const bytes = encode({ type: 'echo_request', xid: 7, data: new Uint8Array() }, 'OpenFlow13');
 * const r = decode(bytes); // { version: 'OpenFlow13', wireVersion: 4, msg: { type: 'echo_request', ... } }
 */
import { versionFromWire, wireVersion, type OfVersion } from '../version.js';
import { Reader, Writer } from './bytes.js';
import { encodableError, errorCodes, errorName, NX_VENDOR_ID, NXET_VENDOR, OFPET_EXPERIMENTER, WireError, type OfpErrorName } from './errors.js';
import { OFP_HEADER_LEN, OFP_MAX_MESSAGE_LEN, OFPT10, OFPT13, readHeader } from './header.js';
import { pullHelloBody, putHelloBody, SUPPORTED_VERSIONS } from './hello.js';
import { MULTIPART_MORE, type ControllerRole, type MessageOf, type MultipartReplyBody, type OfMessage } from './messages.js';
import {
  of10NeedsNxm, pullFlowMod, pullFlowRemoved, pullNxFlowMod, pullNxFlowRemoved, pullNxFlowStatsRequest, putFlowModBody,
  putFlowRemovedBody, putNxFlowStatsRequest, type Of10Options,
} from './msg-flow.js';
import { kindOfType, multipartType, NXST, OFPMP, pullReplyBody, pullRequestBody, putReplyBody, putRequestBody, replyEntries } from './msg-multipart.js';
import { pullPacketIn, pullPacketOut, putPacketIn, putPacketOut } from './msg-packet.js';
import { pullPort, pullPortMod, putPort, putPortMod } from './msg-port.js';
import { fitsOf10Match } from './match.js';

export type EncodeOptions = Of10Options;
export type DecodeOptions = Pick<Of10Options, 'of10TableId'>;

export interface Decoded {
  /** The message's version (for a HELLO from a newer peer, the newest we know). */
  readonly version: OfVersion;
  /** The header's version byte as sent. */
  readonly wireVersion: number;
  readonly msg: OfMessage;
}

/** Why a message was refused, with what the switch needs to answer it. */
export class OfDecodeError {
  constructor(
    readonly error: OfpErrorName,
    readonly detail: string,
    /** The header of the refused message, when it had one. */
    readonly wireVersion: number | undefined,
    readonly xid: number,
    /** The refused message, which the error reply carries back as Open vSwitch does. */
    readonly data: Uint8Array,
  ) {}

  get message(): string {
    return `${this.error}: ${this.detail}`;
  }

  /** The OFPT_ERROR to send back, in `version` (default: the message's own, if we speak it). */
  reply(version?: OfVersion): Uint8Array {
    const v = version ?? versionFromWire(this.wireVersion ?? 0) ?? 'OpenFlow10';
    const useV = SUPPORTED_VERSIONS.includes(v) ? v : 'OpenFlow10';
    return encode(errorMessage(this.error, useV, { xid: this.xid, data: this.data }), useV);
  }
}

/** The OFPT_ERROR message for `name` (or the nearest error `version` can express). */
export function errorMessage(name: OfpErrorName, version: OfVersion, opts: { xid: number; data: Uint8Array }): MessageOf<'error'> {
  const n = encodableError(name, version);
  const c = errorCodes(n, version)!;
  // The spec asks for at least 64 bytes of the request; Open vSwitch sends all of it.
  const data = opts.data.subarray(0, OFP_MAX_MESSAGE_LEN - 16);
  switch (c.kind) {
    case 'standard':
      return { type: 'error', xid: opts.xid, name: n, errType: c.type, code: c.code, data };
    case 'nx_vendor':
      return { type: 'error', xid: opts.xid, name: n, errType: c.type, code: c.code, experimenter: NX_VENDOR_ID, data };
    case 'experimenter':
      return { type: 'error', xid: opts.xid, name: n, errType: OFPET_EXPERIMENTER, code: c.expCode, experimenter: c.experimenter, data };
  }
}

// ---------------------------------------------------------------------------------------
// Type numbers

const NXT = {
  ROLE_REQUEST: 10,
  ROLE_REPLY: 11,
  SET_FLOW_FORMAT: 12,
  FLOW_MOD: 13,
  FLOW_REMOVED: 14,
  FLOW_MOD_TABLE_ID: 15,
  SET_PACKET_IN_FORMAT: 16,
} as const;

type Simple = 'hello' | 'error' | 'echo_request' | 'echo_reply' | 'features_request' | 'features_reply' | 'get_config_request' | 'get_config_reply' | 'set_config' | 'packet_in' | 'flow_removed' | 'port_status' | 'packet_out' | 'flow_mod' | 'port_mod' | 'multipart_request' | 'multipart_reply' | 'barrier_request' | 'barrier_reply' | 'role_request' | 'role_reply';

function typeNumber(t: Simple, v: OfVersion): number | undefined {
  if (v === 'OpenFlow10') {
    const map: Partial<Record<Simple, number>> = {
      hello: OFPT10.HELLO, error: OFPT10.ERROR, echo_request: OFPT10.ECHO_REQUEST, echo_reply: OFPT10.ECHO_REPLY,
      features_request: OFPT10.FEATURES_REQUEST, features_reply: OFPT10.FEATURES_REPLY, get_config_request: OFPT10.GET_CONFIG_REQUEST,
      get_config_reply: OFPT10.GET_CONFIG_REPLY, set_config: OFPT10.SET_CONFIG, packet_in: OFPT10.PACKET_IN, flow_removed: OFPT10.FLOW_REMOVED,
      port_status: OFPT10.PORT_STATUS, packet_out: OFPT10.PACKET_OUT, flow_mod: OFPT10.FLOW_MOD, port_mod: OFPT10.PORT_MOD,
      multipart_request: OFPT10.STATS_REQUEST, multipart_reply: OFPT10.STATS_REPLY, barrier_request: OFPT10.BARRIER_REQUEST, barrier_reply: OFPT10.BARRIER_REPLY,
    };
    return map[t];
  }
  const map: Record<Simple, number> = {
    hello: OFPT13.HELLO, error: OFPT13.ERROR, echo_request: OFPT13.ECHO_REQUEST, echo_reply: OFPT13.ECHO_REPLY,
    features_request: OFPT13.FEATURES_REQUEST, features_reply: OFPT13.FEATURES_REPLY, get_config_request: OFPT13.GET_CONFIG_REQUEST,
    get_config_reply: OFPT13.GET_CONFIG_REPLY, set_config: OFPT13.SET_CONFIG, packet_in: OFPT13.PACKET_IN, flow_removed: OFPT13.FLOW_REMOVED,
    port_status: OFPT13.PORT_STATUS, packet_out: OFPT13.PACKET_OUT, flow_mod: OFPT13.FLOW_MOD, port_mod: OFPT13.PORT_MOD,
    multipart_request: OFPT13.MULTIPART_REQUEST, multipart_reply: OFPT13.MULTIPART_REPLY, barrier_request: OFPT13.BARRIER_REQUEST,
    barrier_reply: OFPT13.BARRIER_REPLY, role_request: OFPT13.ROLE_REQUEST, role_reply: OFPT13.ROLE_REPLY,
  };
  return map[t];
}

const ROLES_12: readonly ControllerRole[] = ['nochange', 'equal', 'master', 'slave'];
const ROLES_NX: readonly ControllerRole[] = ['equal', 'master', 'slave'];
const PORT_REASONS = ['add', 'delete', 'modify'] as const;
const PACKET_IN_FORMATS = ['standard', 'nxt_packet_in', 'nxt_packet_in2'] as const;

// ---------------------------------------------------------------------------------------
// Encoding

function begin(w: Writer, v: OfVersion, type: number, xid: number): void {
  w.u8(wireVersion(v)).u8(type).u16(0).u32(xid);
}

function beginNx(w: Writer, v: OfVersion, subtype: number, xid: number): void {
  begin(w, v, OFPT10.VENDOR, xid);
  w.u32(NX_VENDOR_ID).u32(subtype);
}

function checkVersion(v: OfVersion): void {
  if (!SUPPORTED_VERSIONS.includes(v)) throw new Error(`ovsim does not speak ${v} (only ${SUPPORTED_VERSIONS.join(', ')})`);
}

/**
 * Encodes one message in `version`. Multipart replies too long for one message throw;
 * use `encodeMultipartReply` to split them.
 */
export function encode(msg: OfMessage, version: OfVersion, opts: EncodeOptions = {}): Uint8Array {
  checkVersion(version);
  const w = new Writer();
  encodeInto(w, msg, version, opts);
  if (w.length > OFP_MAX_MESSAGE_LEN) throw new Error(`${msg.type} of ${w.length} bytes is longer than an OpenFlow message can be`);
  w.setU16(2, w.length);
  return w.finish();
}

function encodeInto(w: Writer, msg: OfMessage, v: OfVersion, opts: EncodeOptions): void {
  const of10 = v === 'OpenFlow10';
  const std = (t: Simple): void => {
    const n = typeNumber(t, v);
    if (n === undefined) throw new Error(`${t} has no encoding in ${v}`);
    begin(w, v, n, msg.xid);
  };
  switch (msg.type) {
    case 'hello':
      std('hello');
      return putHelloBody(w, msg.versions);
    case 'error': {
      std('error');
      if (msg.experimenter !== undefined && of10) w.u16(NXET_VENDOR).u16(0).u32(msg.experimenter).u16(msg.errType).u16(msg.code);
      else if (msg.experimenter !== undefined) w.u16(OFPET_EXPERIMENTER).u16(msg.code).u32(msg.experimenter);
      else w.u16(msg.errType).u16(msg.code);
      w.bytes(msg.data);
      return;
    }
    case 'echo_request':
    case 'echo_reply':
      std(msg.type);
      w.bytes(msg.data);
      return;
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return std(msg.type);
    case 'features_reply':
      std('features_reply');
      w.u64(msg.datapathId).u32(msg.nBuffers).u8(msg.nTables);
      if (of10) {
        w.zeros(3).u32(msg.capabilities).u32(msg.actions);
        for (const p of msg.ports) putPort(w, p, v);
      } else {
        w.u8(msg.auxiliaryId).zeros(2).u32(msg.capabilities).u32(0);
      }
      return;
    case 'get_config_reply':
    case 'set_config':
      std(msg.type);
      w.u16(msg.flags).u16(msg.missSendLen);
      return;
    case 'flow_mod':
      if (of10 && of10NeedsNxm(msg.match, msg.cookieMask, opts)) beginNx(w, v, NXT.FLOW_MOD, msg.xid);
      else std('flow_mod');
      return putFlowModBody(w, msg, v, opts);
    case 'flow_removed':
      if (of10 && of10NeedsNxm(msg.match, 0n, opts)) beginNx(w, v, NXT.FLOW_REMOVED, msg.xid);
      else std('flow_removed');
      putFlowRemovedBody(w, msg, v, opts);
      return;
    case 'packet_in':
      std('packet_in');
      return putPacketIn(w, msg, v);
    case 'packet_out':
      std('packet_out');
      return putPacketOut(w, msg, v);
    case 'port_status':
      std('port_status');
      w.u8(PORT_REASONS.indexOf(msg.reason)).zeros(7);
      return putPort(w, msg.port, v);
    case 'port_mod':
      std('port_mod');
      return putPortMod(w, msg, v);
    case 'role_request':
    case 'role_reply':
      if (of10) {
        beginNx(w, v, msg.type === 'role_request' ? NXT.ROLE_REQUEST : NXT.ROLE_REPLY, msg.xid);
        w.u32(Math.max(0, ROLES_NX.indexOf(msg.role)));
        return;
      }
      std(msg.type);
      w.u32(ROLES_12.indexOf(msg.role)).zeros(4).u64(msg.generationId);
      return;
    case 'multipart_request': {
      std('multipart_request');
      const b = msg.body;
      if (of10 && (b.kind === 'flow' || b.kind === 'aggregate') && of10NeedsNxm(b.match, b.cookieMask, opts)) {
        w.u16(OFPMP.VENDOR).u16(msg.flags).u32(NX_VENDOR_ID).u32(b.kind === 'flow' ? NXST.FLOW : NXST.AGGREGATE).zeros(4);
        return putNxFlowStatsRequest(w, b);
      }
      w.u16(multipartType(b.kind)).u16(msg.flags);
      if (!of10) w.zeros(4);
      return putRequestBody(w, b, v);
    }
    case 'multipart_reply': {
      std('multipart_reply');
      const b = msg.body;
      const nxm = of10 && replyNeedsNxm(b, opts);
      if (nxm) w.u16(OFPMP.VENDOR).u16(msg.flags).u32(NX_VENDOR_ID).u32(b.kind === 'flow' ? NXST.FLOW : NXST.AGGREGATE).zeros(4);
      else {
        w.u16(multipartType(b.kind)).u16(msg.flags);
        if (!of10) w.zeros(4);
      }
      return putReplyBody(w, b, v, nxm);
    }
    case 'set_flow_format':
      beginNx(w, v, NXT.SET_FLOW_FORMAT, msg.xid);
      w.u32(msg.format === 'nxm' ? 2 : 0);
      return;
    case 'flow_mod_table_id':
      beginNx(w, v, NXT.FLOW_MOD_TABLE_ID, msg.xid);
      w.u8(msg.enable ? 1 : 0).zeros(7);
      return;
    case 'set_packet_in_format':
      beginNx(w, v, NXT.SET_PACKET_IN_FORMAT, msg.xid);
      w.u32(PACKET_IN_FORMATS.indexOf(msg.format));
      return;
    default: {
      const never: never = msg;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

/** OpenFlow 1.0 flow-stats replies go as NXST when a flow's match needs NXM. */
function replyNeedsNxm(b: MultipartReplyBody, opts: EncodeOptions): boolean {
  if (b.kind === 'flow') return opts.of10Format === 'nxm' || (opts.of10Format !== 'openflow10' && b.flows.some((f) => !fitsOf10Match(f.match)));
  if (b.kind === 'aggregate') return opts.of10Format === 'nxm';
  return false;
}

/**
 * Encodes a multipart reply as as many messages as it takes, each within the length
 * limit, all but the last flagged "more" (how a switch answers a 1.2 MB table-features
 * request, or a big flow dump).
 */
export function encodeMultipartReply(msg: MessageOf<'multipart_reply'>, version: OfVersion, opts: EncodeOptions & { maxLen?: number } = {}): Uint8Array[] {
  checkVersion(version);
  const max = Math.min(opts.maxLen ?? OFP_MAX_MESSAGE_LEN, OFP_MAX_MESSAGE_LEN);
  const nxm = version === 'OpenFlow10' && replyNeedsNxm(msg.body, opts);
  const entries = replyEntries(msg.body, version, nxm);
  if (!entries) return [encode(msg, version, opts)];
  const total = entries.reduce((n, e) => n + e.length, 0);
  const head = encode({ ...msg, body: emptied(msg.body) }, version, { ...opts, of10Format: nxm ? 'nxm' : 'openflow10' });
  const headerLen = head.length;
  if (headerLen + total <= max) return [encode(msg, version, opts)];
  const whole = head;
  const out: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  let size = headerLen;
  const flush = (more: boolean): void => {
    const w = new Writer();
    w.bytes(whole.subarray(0, headerLen));
    for (const e of batch) w.bytes(e);
    const b = w.finish();
    b[2] = b.length >> 8;
    b[3] = b.length & 0xff;
    const flagsAt = 10;
    const flags = ((b[flagsAt]! << 8) | b[flagsAt + 1]!) & ~MULTIPART_MORE;
    const f = more ? flags | MULTIPART_MORE : flags;
    b[flagsAt] = f >> 8;
    b[flagsAt + 1] = f & 0xff;
    out.push(b);
    batch = [];
    size = headerLen;
  };
  for (const e of entries) {
    if (headerLen + e.length > max) throw new Error(`one ${msg.body.kind} entry of ${e.length} bytes does not fit in a message`);
    if (size + e.length > max) flush(true);
    batch.push(e);
    size += e.length;
  }
  flush(false);
  return out;
}

/** A list reply with its list emptied: the fixed part every split message repeats. */
function emptied(b: MultipartReplyBody): MultipartReplyBody {
  switch (b.kind) {
    case 'flow':
      return { kind: 'flow', flows: [] };
    case 'table':
      return { kind: 'table', tables: [] };
    case 'port_stats':
      return { kind: 'port_stats', ports: [] };
    case 'port_desc':
      return { kind: 'port_desc', ports: [] };
    case 'table_features':
      return { kind: 'table_features', tables: [] };
    default:
      return b;
  }
}

// ---------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes one whole message (as `FrameDecoder` hands them out).
 *
 * @returns the message, or an `OfDecodeError` for anything a switch must refuse.
 */
export function decode(bytes: Uint8Array, opts: DecodeOptions = {}): Decoded | OfDecodeError {
  let wireVer: number | undefined;
  let xid = 0;
  try {
    const h = readHeader(bytes);
    wireVer = h.version;
    xid = h.xid;
    if (h.length !== bytes.length) throw new WireError('OFPBRC_BAD_LEN', `header says ${h.length} bytes, message has ${bytes.length}`);
    const r = new Reader(bytes);
    r.skip(OFP_HEADER_LEN);
    if (h.type === OFPT10.HELLO) {
      // Any version may say hello: negotiation decides what happens next.
      const bm = pullHelloBody(r);
      const v = versionFromWire(h.version) ?? 'OpenFlow15';
      if (h.version === 0) throw new WireError('OFPHFC_INCOMPATIBLE', 'hello with version 0');
      return { version: v, wireVersion: h.version, msg: { type: 'hello', xid, versions: bm?.versions ?? [] } };
    }
    const v = versionFromWire(h.version);
    if (!v || !SUPPORTED_VERSIONS.includes(v)) throw new WireError('OFPBRC_BAD_VERSION', `version 0x${h.version.toString(16)} is not spoken here`);
    return { version: v, wireVersion: h.version, msg: decodeBody(r, h.type, xid, v, opts) };
  } catch (e) {
    if (e instanceof WireError) return new OfDecodeError(e.error, e.detail, wireVer, xid, bytes);
    throw e;
  }
}

function decodeBody(r: Reader, type: number, xid: number, v: OfVersion, opts: DecodeOptions): OfMessage {
  const of10 = v === 'OpenFlow10';
  const empty = (t: 'features_request' | 'get_config_request' | 'barrier_request' | 'barrier_reply'): OfMessage => {
    if (r.remaining !== 0) throw new WireError('OFPBRC_BAD_LEN', `${t} with ${r.remaining} bytes of body`);
    return { type: t, xid };
  };
  const T = of10 ? OFPT10 : OFPT13;
  switch (type) {
    case T.ERROR:
      return decodeError(r, xid, v);
    case T.ECHO_REQUEST:
      return { type: 'echo_request', xid, data: r.rest() };
    case T.ECHO_REPLY:
      return { type: 'echo_reply', xid, data: r.rest() };
    case OFPT10.VENDOR:
      return decodeNicira(r, xid, opts);
    case T.FEATURES_REQUEST:
      return empty('features_request');
    case T.FEATURES_REPLY: {
      const datapathId = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      if (of10) {
        r.skip(3);
        const capabilities = r.u32();
        const actions = r.u32();
        const ports = [];
        while (r.remaining > 0) ports.push(pullPort(r, v));
        return { type: 'features_reply', xid, datapathId, nBuffers, nTables, auxiliaryId: 0, capabilities, actions, ports };
      }
      const auxiliaryId = r.u8();
      r.skip(2);
      const capabilities = r.u32();
      r.skip(4);
      return { type: 'features_reply', xid, datapathId, nBuffers, nTables, auxiliaryId, capabilities, actions: 0, ports: [] };
    }
    case T.GET_CONFIG_REQUEST:
      return empty('get_config_request');
    case T.GET_CONFIG_REPLY:
    case T.SET_CONFIG: {
      const t = type === T.SET_CONFIG ? 'set_config' : 'get_config_reply';
      if (r.remaining !== 4) throw new WireError(of10 ? 'OFPBRC_BAD_LEN' : 'OFPSCFC_BAD_LEN', `${t} with ${r.remaining} bytes of body`);
      const flags = r.u16();
      if (flags & ~3) throw new WireError(of10 ? 'OFPBRC_EPERM' : 'OFPSCFC_BAD_FLAGS', `unknown config flags 0x${flags.toString(16)}`);
      return { type: t, xid, flags, missSendLen: r.u16() };
    }
    case T.PACKET_IN:
      return pullPacketIn(r, xid, v);
    case T.FLOW_REMOVED:
      return pullFlowRemoved(r, xid, v);
    case T.PORT_STATUS: {
      const reason = PORT_REASONS[r.u8()];
      if (!reason) throw new WireError('NXBRC_NXM_INVALID', 'unknown port-status reason');
      r.skip(7);
      return { type: 'port_status', xid, reason, port: pullPort(r, v) };
    }
    case T.PACKET_OUT:
      return pullPacketOut(r, xid, v);
    case T.FLOW_MOD:
      return pullFlowMod(r, xid, v, opts);
    case T.PORT_MOD:
      return pullPortMod(r, xid, v);
    case T.BARRIER_REQUEST:
      return empty('barrier_request');
    case T.BARRIER_REPLY:
      return empty('barrier_reply');
    default:
      break;
  }
  if (of10) {
    if (type === OFPT10.STATS_REQUEST || type === OFPT10.STATS_REPLY) return decodeMultipart(r, xid, v, type === OFPT10.STATS_REQUEST);
  } else {
    if (type === OFPT13.MULTIPART_REQUEST || type === OFPT13.MULTIPART_REPLY) return decodeMultipart(r, xid, v, type === OFPT13.MULTIPART_REQUEST);
    if (type === OFPT13.ROLE_REQUEST || type === OFPT13.ROLE_REPLY) {
      const role = ROLES_12[r.u32()];
      if (!role) throw new WireError('OFPRRFC_BAD_ROLE', 'unknown controller role');
      r.skip(4);
      return { type: type === OFPT13.ROLE_REQUEST ? 'role_request' : 'role_reply', xid, role, generationId: r.u64() };
    }
  }
  throw new WireError('OFPBRC_BAD_TYPE', `message type ${type} is not supported in ${v}`);
}

function decodeError(r: Reader, xid: number, v: OfVersion): OfMessage {
  const errType = r.u16();
  const code = r.u16();
  if (errType === NXET_VENDOR && v === 'OpenFlow10') {
    const experimenter = r.u32();
    const t = r.u16();
    const c = r.u16();
    const name = errorName({ kind: 'nx_vendor', type: t, code: c }, v);
    return { type: 'error', xid, ...(name ? { name } : {}), errType: t, code: c, experimenter, data: r.rest() };
  }
  if (errType === OFPET_EXPERIMENTER && v !== 'OpenFlow10') {
    const experimenter = r.u32();
    const name = errorName({ kind: 'experimenter', expCode: code, experimenter }, v);
    return { type: 'error', xid, ...(name ? { name } : {}), errType, code, experimenter, data: r.rest() };
  }
  const name = errorName({ kind: 'standard', type: errType, code }, v);
  return { type: 'error', xid, ...(name ? { name } : {}), errType, code, data: r.rest() };
}

function decodeNicira(r: Reader, xid: number, opts: DecodeOptions): OfMessage {
  if (r.remaining < 8) throw new WireError('OFPBRC_BAD_LEN', 'vendor message shorter than its header');
  const vendor = r.u32();
  if (vendor !== NX_VENDOR_ID) throw new WireError('OFPBRC_BAD_VENDOR', `unknown vendor 0x${vendor.toString(16)}`);
  const subtype = r.u32();
  const fixed = (n: number): void => {
    if (r.remaining !== n) throw new WireError('OFPBRC_BAD_LEN', `Nicira message ${subtype} with ${r.remaining} bytes of body`);
  };
  switch (subtype) {
    case NXT.ROLE_REQUEST:
    case NXT.ROLE_REPLY: {
      fixed(4);
      const role = ROLES_NX[r.u32()];
      if (!role) throw new WireError('OFPRRFC_BAD_ROLE', 'unknown Nicira controller role');
      return { type: subtype === NXT.ROLE_REQUEST ? 'role_request' : 'role_reply', xid, role, generationId: 0n };
    }
    case NXT.SET_FLOW_FORMAT: {
      fixed(4);
      const f = r.u32();
      if (f !== 0 && f !== 2) throw new WireError('OFPBRC_EPERM', `unknown flow format ${f}`);
      return { type: 'set_flow_format', xid, format: f === 2 ? 'nxm' : 'openflow10' };
    }
    case NXT.FLOW_MOD:
      return pullNxFlowMod(r, xid, opts);
    case NXT.FLOW_REMOVED:
      return pullNxFlowRemoved(r, xid);
    case NXT.FLOW_MOD_TABLE_ID: {
      fixed(8);
      return { type: 'flow_mod_table_id', xid, enable: r.u8() !== 0 };
    }
    case NXT.SET_PACKET_IN_FORMAT: {
      fixed(4);
      const format = PACKET_IN_FORMATS[r.u32()];
      if (!format) throw new WireError('OFPBRC_EPERM', 'unknown packet-in format');
      return { type: 'set_packet_in_format', xid, format };
    }
    default:
      throw new WireError('OFPBRC_BAD_SUBTYPE', `unknown Nicira message subtype ${subtype}`);
  }
}

function decodeMultipart(r: Reader, xid: number, v: OfVersion, request: boolean): OfMessage {
  const mtype = r.u16();
  const flags = r.u16();
  if (v === 'OpenFlow10' && mtype === OFPMP.VENDOR) {
    const vendor = r.u32();
    if (vendor !== NX_VENDOR_ID) throw new WireError('OFPBRC_BAD_VENDOR', `unknown stats vendor 0x${vendor.toString(16)}`);
    const sub = r.u32();
    r.skip(4);
    if (sub !== NXST.FLOW && sub !== NXST.AGGREGATE) throw new WireError('OFPBRC_BAD_SUBTYPE', `unknown Nicira stats subtype ${sub}`);
    const kind = sub === NXST.FLOW ? 'flow' : 'aggregate';
    if (request) return { type: 'multipart_request', xid, flags, body: { kind, ...pullNxFlowStatsRequest(r) } };
    return { type: 'multipart_reply', xid, flags, body: pullReplyBody(r, kind, v, true) };
  }
  if (v !== 'OpenFlow10') r.skip(4);
  const kind = kindOfType(mtype, v);
  if (request) return { type: 'multipart_request', xid, flags, body: pullRequestBody(r, kind, v) };
  return { type: 'multipart_reply', xid, flags, body: pullReplyBody(r, kind, v, false) };
}
