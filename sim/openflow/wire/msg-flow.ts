/**
 * Flow messages: FLOW_MOD (OpenFlow 1.0's fixed match, Nicira's NXT_FLOW_MOD with an
 * NXM match, 1.1+'s OXM match with instructions), FLOW_REMOVED and the flow entries
 * of flow-stats replies, plus flow-stats request bodies. Also the conversions between
 * a flow mod and the `FlowEntry` a table holds.
 */
import type { Match } from '../../flow/match.js';
import { OFPP } from '../../flow/layout.js';
import type { FlowEntry } from '../../ofproto/rule.js';
import { atLeast, wireVersion, type OfVersion } from '../version.js';
import { pullOfpacts, putOfpacts } from './actions.js';
import type { Reader, Writer } from './bytes.js';
import { WireError } from './errors.js';
import { fitsOf10Match, pullOf10Match, pullOxmMatch, putOf10Match, putOxmMatch } from './match.js';
import { FLOW_MOD_COMMANDS, FLOW_REMOVED_REASONS, type FlowMod, type FlowModFlag, type FlowRemoved, type FlowStatsEntry, type FlowStatsRequest } from './messages.js';
import { NXM_NX_COOKIE, pullMatchTlvs, putMatchTlvs } from './nxm.js';
import { pullOxsStats, putOxsStats } from './oxs.js';
import { NO_BUFFER, OFPG_ANY, portFromOf11, portToOf11 } from './ports.js';

/** How an encoder writes OpenFlow 1.0 flow messages. */
export interface Of10Options {
  /** 'auto' (default): OpenFlow 1.0's own match when it can say it, else NXM. */
  readonly of10Format?: 'auto' | 'openflow10' | 'nxm';
  /** The peer enabled NXT_FLOW_MOD_TABLE_ID: the command's high byte names the table. */
  readonly of10TableId?: boolean;
}

const ALL_ONES64 = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------------------
// Flags

const FLAG_BITS_10: readonly (readonly [FlowModFlag, number])[] = [
  ['send_flow_rem', 1],
  ['check_overlap', 2],
  ['emerg', 4],
];
const FLAG_BITS_13: readonly (readonly [FlowModFlag, number])[] = [
  ['send_flow_rem', 1],
  ['check_overlap', 2],
  ['reset_counts', 4],
  ['no_packet_counts', 8],
  ['no_byte_counts', 16],
];

function flagTable(v: OfVersion): readonly (readonly [FlowModFlag, number])[] {
  return v === 'OpenFlow10' ? FLAG_BITS_10 : FLAG_BITS_13;
}

export function flagsToBits(flags: readonly FlowModFlag[], v: OfVersion): number {
  let bits = 0;
  for (const [name, bit] of flagTable(v)) if (flags.includes(name)) bits |= bit;
  return bits;
}

export function flagsFromBits(bits: number, v: OfVersion, strict: boolean): FlowModFlag[] {
  const out: FlowModFlag[] = [];
  let rest = bits;
  for (const [name, bit] of flagTable(v)) {
    if (bits & bit) out.push(name);
    rest &= ~bit;
  }
  if (strict && rest) throw new WireError('OFPFMFC_BAD_FLAGS', `unknown flow-mod flags 0x${rest.toString(16)}`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Flow mod

/** Whether a flow mod under 1.0 needs NXM (its match, or a cookie mask). */
export function of10NeedsNxm(match: Match, cookieMask: bigint, opts: Of10Options): boolean {
  if (opts.of10Format === 'nxm') return true;
  if (opts.of10Format === 'openflow10') return false;
  return !fitsOf10Match(match) || cookieMask !== 0n;
}

function command16(fm: FlowMod, opts: Of10Options): number {
  const cmd = FLOW_MOD_COMMANDS.indexOf(fm.command);
  if (!opts.of10TableId) return cmd;
  return ((fm.table & 0xff) << 8) | cmd;
}

function parseCommand16(word: number, opts: Of10Options): { command: FlowMod['command']; table: number } {
  const command = FLOW_MOD_COMMANDS[word & 0xff];
  if (!command) throw new WireError('OFPFMFC_BAD_COMMAND', `unknown flow-mod command ${word & 0xff}`);
  const isDelete = command === 'delete' || command === 'delete_strict';
  if (!opts.of10TableId) {
    if (word >> 8) throw new WireError('OFPFMFC_BAD_COMMAND', `flow-mod command 0x${word.toString(16)} names a table without NXT_FLOW_MOD_TABLE_ID`);
    return { command, table: isDelete ? 255 : 0 };
  }
  return { command, table: word >> 8 };
}

/** Writes a flow mod body (after the OpenFlow header); returns whether it is NXT_FLOW_MOD. */
export function putFlowModBody(w: Writer, fm: FlowMod, v: OfVersion, opts: Of10Options): void {
  if (v === 'OpenFlow10') {
    if (of10NeedsNxm(fm.match, fm.cookieMask, opts)) {
      w.u64(fm.cookie).u16(command16(fm, opts)).u16(fm.idleTimeout).u16(fm.hardTimeout).u16(fm.priority);
      w.u32(fm.bufferId).u16(fm.outPort).u16(flagsToBits(fm.flags, v));
      const lenAt = w.length;
      w.u16(0).zeros(6);
      const mstart = w.length;
      if (fm.cookieMask !== 0n) putCookie(w, fm.cookie, fm.cookieMask);
      putMatchTlvs(w, fm.match, { flavor: 'nxm', version: 1 });
      w.setU16(lenAt, w.length - mstart);
      w.pad(mstart);
    } else {
      putOf10Match(w, fm.match);
      w.u64(fm.cookie).u16(command16(fm, opts)).u16(fm.idleTimeout).u16(fm.hardTimeout).u16(fm.priority);
      w.u32(fm.bufferId).u16(fm.outPort).u16(flagsToBits(fm.flags, v));
    }
    putOfpacts(w, fm.actions, v);
    return;
  }
  w.u64(fm.cookie).u64(fm.cookieMask).u8(fm.table).u8(FLOW_MOD_COMMANDS.indexOf(fm.command));
  w.u16(fm.idleTimeout).u16(fm.hardTimeout).u16(fm.priority).u32(fm.bufferId);
  w.u32(portToOf11(fm.outPort)).u32(fm.outGroup).u16(flagsToBits(fm.flags, v));
  w.u16(atLeast(v, 'OpenFlow14') ? fm.importance : 0);
  putOxmMatch(w, fm.match, wireVersion(v));
  putOfpacts(w, fm.actions, v);
}

function putCookie(w: Writer, cookie: bigint, mask: bigint): void {
  const masked = mask !== ALL_ONES64;
  w.u32(((NXM_NX_COOKIE.cls << 16) | (NXM_NX_COOKIE.field << 9) | (masked ? 0x100 : 0) | (masked ? 16 : 8)) >>> 0);
  w.u64(cookie & mask);
  if (masked) w.u64(mask);
}

function checkTableForAdd(command: FlowMod['command'], table: number): void {
  if ((command === 'add' || command === 'modify' || command === 'modify_strict') && table === 255) {
    throw new WireError('OFPFMFC_BAD_TABLE_ID', `flow-mod ${command} into table 255`);
  }
}

/** Reads an OpenFlow 1.0 or 1.1+ OFPT_FLOW_MOD body. */
export function pullFlowMod(r: Reader, xid: number, v: OfVersion, opts: Of10Options): FlowMod {
  if (v === 'OpenFlow10') {
    const match = pullOf10Match(r);
    const cookie = r.u64();
    const { command, table } = parseCommand16(r.u16(), opts);
    const idleTimeout = r.u16();
    const hardTimeout = r.u16();
    const priority = r.u16();
    const bufferId = r.u32();
    const outPort = r.u16();
    const flags = flagsFromBits(r.u16(), v, true);
    const actions = pullOfpacts(r, r.remaining, v);
    return { type: 'flow_mod', xid, command, table, priority, cookie, cookieMask: 0n, idleTimeout, hardTimeout, importance: 0, flags, bufferId, outPort, outGroup: OFPG_ANY, match, actions };
  }
  const cookie = r.u64();
  const cookieMask = r.u64();
  const table = r.u8();
  const command = FLOW_MOD_COMMANDS[r.u8()];
  if (!command) throw new WireError('OFPFMFC_BAD_COMMAND', 'unknown flow-mod command');
  checkTableForAdd(command, table);
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = portFromOf11(r.u32());
  if (outPort === undefined) throw new WireError('OFPFMFC_BAD_COMMAND', 'flow-mod out_port is not a valid port');
  const outGroup = r.u32();
  const flags = flagsFromBits(r.u16(), v, true);
  const importance = r.u16();
  const match = pullOxmMatch(r);
  const actions = pullOfpacts(r, r.remaining, v, table === 255 ? undefined : table);
  return {
    type: 'flow_mod',
    xid,
    command,
    table,
    priority,
    cookie,
    cookieMask,
    idleTimeout,
    hardTimeout,
    importance: atLeast(v, 'OpenFlow14') ? importance : 0,
    flags,
    bufferId,
    outPort,
    outGroup,
    match,
    actions,
  };
}

/** Reads an NXT_FLOW_MOD body (after the Nicira header). */
export function pullNxFlowMod(r: Reader, xid: number, opts: Of10Options): FlowMod {
  const cookie0 = r.u64();
  const { command, table } = parseCommand16(r.u16(), opts);
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u16();
  const flags = flagsFromBits(r.u16(), 'OpenFlow10', true);
  const matchLen = r.u16();
  r.skip(6);
  const { match, cookie: cm } = pullMatchTlvs(r, matchLen, { allowCookie: command !== 'add' });
  r.skip(((matchLen + 7) & ~7) - matchLen, 'NXM padding');
  const actions = pullOfpacts(r, r.remaining, 'OpenFlow10');
  return {
    type: 'flow_mod',
    xid,
    command,
    table,
    priority,
    cookie: cm ? cm.value : cookie0,
    cookieMask: cm ? cm.mask : 0n,
    idleTimeout,
    hardTimeout,
    importance: 0,
    flags,
    bufferId,
    outPort,
    outGroup: OFPG_ANY,
    match,
    actions,
  };
}

// ---------------------------------------------------------------------------------------
// FlowEntry <-> flow mod

const ENTRY_FLAGS = new Set<FlowModFlag>(['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts']);

/** The flow mod that installs `e` (an add unless told otherwise). */
export function flowModFromEntry(e: FlowEntry, opts: { xid?: number; command?: FlowMod['command'] } = {}): FlowMod {
  return {
    type: 'flow_mod',
    xid: opts.xid ?? 0,
    command: opts.command ?? 'add',
    table: e.table,
    priority: e.priority,
    cookie: e.cookie,
    cookieMask: 0n,
    idleTimeout: e.idleTimeout,
    hardTimeout: e.hardTimeout,
    importance: e.importance,
    flags: e.flags.filter((f): f is FlowModFlag => ENTRY_FLAGS.has(f as FlowModFlag)),
    bufferId: NO_BUFFER,
    outPort: OFPP.NONE,
    outGroup: OFPG_ANY,
    match: e.match,
    actions: e.actions,
  };
}

/** The rule a flow mod describes. */
export function entryFromFlowMod(fm: FlowMod): FlowEntry {
  return {
    table: fm.table === 255 ? 0 : fm.table,
    priority: fm.priority,
    cookie: fm.cookie,
    idleTimeout: fm.idleTimeout,
    hardTimeout: fm.hardTimeout,
    importance: fm.importance,
    flags: fm.flags.filter((f) => ENTRY_FLAGS.has(f)),
    match: fm.match,
    actions: fm.actions,
  };
}

// ---------------------------------------------------------------------------------------
// Flow removed

function reasonIndex(reason: FlowRemoved['reason']): number {
  return FLOW_REMOVED_REASONS.indexOf(reason);
}

function reasonOf(n: number): FlowRemoved['reason'] {
  const r = FLOW_REMOVED_REASONS[n];
  if (!r) throw new WireError('OFPBRC_BAD_LEN', `unknown flow-removed reason ${n}`);
  return r;
}

export function putFlowRemovedBody(w: Writer, m: FlowRemoved, v: OfVersion, opts: Of10Options): 'nxt' | 'of' {
  if (v === 'OpenFlow10') {
    if (of10NeedsNxm(m.match, 0n, opts)) {
      w.u64(m.cookie).u16(m.priority).u8(reasonIndex(m.reason)).u8(m.table + 1);
      w.u32(m.durationSec).u32(m.durationNsec).u16(m.idleTimeout);
      const lenAt = w.length;
      w.u16(0).u64(m.packetCount).u64(m.byteCount);
      const mstart = w.length;
      putMatchTlvs(w, m.match, { flavor: 'nxm', version: 1 });
      w.setU16(lenAt, w.length - mstart);
      w.pad(mstart);
      return 'nxt';
    }
    putOf10Match(w, m.match);
    w.u64(m.cookie).u16(m.priority).u8(reasonIndex(m.reason)).zeros(1);
    w.u32(m.durationSec).u32(m.durationNsec).u16(m.idleTimeout).zeros(2);
    w.u64(m.packetCount).u64(m.byteCount);
    return 'of';
  }
  if (v === 'OpenFlow15') {
    w.u8(m.table).u8(reasonIndex(m.reason)).u16(m.priority).u16(m.idleTimeout).u16(m.hardTimeout).u64(m.cookie);
    putOxmMatch(w, m.match, wireVersion(v));
    putOxsStats(w, { durationSec: m.durationSec, durationNsec: m.durationNsec, packetCount: m.packetCount, byteCount: m.byteCount });
    return 'of';
  }
  w.u64(m.cookie).u16(m.priority).u8(reasonIndex(m.reason)).u8(m.table);
  w.u32(m.durationSec).u32(m.durationNsec).u16(m.idleTimeout).u16(m.hardTimeout);
  w.u64(m.packetCount).u64(m.byteCount);
  putOxmMatch(w, m.match, wireVersion(v));
  return 'of';
}

export function pullFlowRemoved(r: Reader, xid: number, v: OfVersion): FlowRemoved {
  if (v === 'OpenFlow10') {
    const match = pullOf10Match(r);
    const cookie = r.u64();
    const priority = r.u16();
    const reason = reasonOf(r.u8());
    r.skip(1);
    const durationSec = r.u32();
    const durationNsec = r.u32();
    const idleTimeout = r.u16();
    r.skip(2);
    return { type: 'flow_removed', xid, cookie, priority, reason, table: 0, durationSec, durationNsec, idleTimeout, hardTimeout: 0, packetCount: r.u64(), byteCount: r.u64(), match };
  }
  if (v === 'OpenFlow15') {
    const table = r.u8();
    const reason = reasonOf(r.u8());
    const priority = r.u16();
    const idleTimeout = r.u16();
    const hardTimeout = r.u16();
    const cookie = r.u64();
    const match = pullOxmMatch(r);
    const s = pullOxsStats(r);
    return {
      type: 'flow_removed', xid, cookie, priority, reason, table,
      durationSec: s.durationSec ?? 0, durationNsec: s.durationNsec ?? 0, idleTimeout, hardTimeout,
      packetCount: s.packetCount ?? 0n, byteCount: s.byteCount ?? 0n, match,
    };
  }
  const cookie = r.u64();
  const priority = r.u16();
  const reason = reasonOf(r.u8());
  const table = r.u8();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const packetCount = r.u64();
  const byteCount = r.u64();
  return { type: 'flow_removed', xid, cookie, priority, reason, table, durationSec, durationNsec, idleTimeout, hardTimeout, packetCount, byteCount, match: pullOxmMatch(r) };
}

export function pullNxFlowRemoved(r: Reader, xid: number): FlowRemoved {
  const cookie = r.u64();
  const priority = r.u16();
  const reason = reasonOf(r.u8());
  const tablePlus1 = r.u8();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const idleTimeout = r.u16();
  const matchLen = r.u16();
  const packetCount = r.u64();
  const byteCount = r.u64();
  const { match } = pullMatchTlvs(r, matchLen);
  return { type: 'flow_removed', xid, cookie, priority, reason, table: tablePlus1 ? tablePlus1 - 1 : 0, durationSec, durationNsec, idleTimeout, hardTimeout: 0, packetCount, byteCount, match };
}

// ---------------------------------------------------------------------------------------
// Flow stats

/** Writes a flow-stats or aggregate request body (standard form). */
export function putFlowStatsRequest(w: Writer, q: FlowStatsRequest, v: OfVersion): void {
  if (v === 'OpenFlow10') {
    putOf10Match(w, q.match);
    w.u8(q.table).zeros(1).u16(q.outPort);
    return;
  }
  w.u8(q.table).zeros(3).u32(portToOf11(q.outPort)).u32(q.outGroup).zeros(4).u64(q.cookie).u64(q.cookieMask);
  putOxmMatch(w, q.match, wireVersion(v));
}

export function pullFlowStatsRequest(r: Reader, v: OfVersion): FlowStatsRequest {
  if (v === 'OpenFlow10') {
    const match = pullOf10Match(r);
    const table = r.u8();
    r.skip(1);
    return { table, outPort: r.u16(), outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match };
  }
  const table = r.u8();
  r.skip(3);
  const outPort = portFromOf11(r.u32());
  if (outPort === undefined) throw new WireError('OFPBRC_BAD_PORT', 'flow stats out_port is not a valid port');
  const outGroup = r.u32();
  r.skip(4);
  const cookie = r.u64();
  const cookieMask = r.u64();
  return { table, outPort, outGroup, cookie, cookieMask, match: pullOxmMatch(r) };
}

/** NXST_FLOW / NXST_AGGREGATE request body. */
export function putNxFlowStatsRequest(w: Writer, q: FlowStatsRequest): void {
  w.u16(q.outPort);
  const lenAt = w.length;
  w.u16(0).u8(q.table).zeros(3);
  const mstart = w.length;
  if (q.cookieMask !== 0n) putCookie(w, q.cookie, q.cookieMask);
  putMatchTlvs(w, q.match, { flavor: 'nxm', version: 1 });
  w.setU16(lenAt, w.length - mstart);
  w.pad(mstart);
}

export function pullNxFlowStatsRequest(r: Reader): FlowStatsRequest {
  const outPort = r.u16();
  const matchLen = r.u16();
  const table = r.u8();
  r.skip(3);
  const { match, cookie } = pullMatchTlvs(r, matchLen, { allowCookie: true });
  r.skip(((matchLen + 7) & ~7) - matchLen, 'NXM padding');
  return { table, outPort, outGroup: OFPG_ANY, cookie: cookie?.value ?? 0n, cookieMask: cookie?.mask ?? 0n, match };
}

export function putFlowStatsEntry(w: Writer, f: FlowStatsEntry, v: OfVersion, nxm: boolean): void {
  const start = w.length;
  if (v === 'OpenFlow10' && nxm) {
    w.u16(0).u8(f.table).zeros(1).u32(f.durationSec).u32(f.durationNsec);
    w.u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout);
    const lenAt = w.length;
    w.u16(0).u16(f.idleAge !== undefined ? f.idleAge + 1 : 0).u16(f.hardAge !== undefined ? f.hardAge + 1 : 0);
    w.u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
    const mstart = w.length;
    putMatchTlvs(w, f.match, { flavor: 'nxm', version: 1 });
    w.setU16(lenAt, w.length - mstart);
    w.pad(mstart);
    putOfpacts(w, f.actions, v);
  } else if (v === 'OpenFlow10') {
    w.u16(0).u8(f.table).zeros(1);
    putOf10Match(w, f.match);
    w.u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).zeros(6);
    w.u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
    putOfpacts(w, f.actions, v);
  } else if (v === 'OpenFlow15') {
    w.u16(0).zeros(2).u8(f.table).zeros(1).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout);
    w.u16(flagsToBits(f.flags, v)).u16(f.importance).u64(f.cookie);
    putOxmMatch(w, f.match, wireVersion(v));
    putOxsStats(w, {
      durationSec: f.durationSec,
      durationNsec: f.durationNsec,
      ...(f.idleAge !== undefined ? { idleAgeSec: f.idleAge } : {}),
      packetCount: f.packetCount,
      byteCount: f.byteCount,
    });
    putOfpacts(w, f.actions, v);
  } else {
    w.u16(0).u8(f.table).zeros(1).u32(f.durationSec).u32(f.durationNsec);
    w.u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).u16(flagsToBits(f.flags, v));
    w.u16(atLeast(v, 'OpenFlow14') ? f.importance : 0).zeros(2);
    w.u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
    putOxmMatch(w, f.match, wireVersion(v));
    putOfpacts(w, f.actions, v);
  }
  w.setU16(start, w.length - start);
}

export function pullFlowStatsEntry(r: Reader, v: OfVersion, nxm: boolean): FlowStatsEntry {
  const len = r.peekU16();
  if (len < 8 || len > r.remaining) throw new WireError('OFPBRC_BAD_LEN', `flow stats entry of length ${len}`);
  const e = r.sub(len, 'flow stats entry');
  e.skip(2);
  if (v === 'OpenFlow10' && nxm) {
    const table = e.u8();
    e.skip(1);
    const durationSec = e.u32();
    const durationNsec = e.u32();
    const priority = e.u16();
    const idleTimeout = e.u16();
    const hardTimeout = e.u16();
    const matchLen = e.u16();
    const idleAge = e.u16();
    const hardAge = e.u16();
    const cookie = e.u64();
    const packetCount = e.u64();
    const byteCount = e.u64();
    const { match } = pullMatchTlvs(e, matchLen);
    e.skip(((matchLen + 7) & ~7) - matchLen, 'NXM padding');
    return {
      table, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags: [], importance: 0, cookie, packetCount, byteCount,
      ...(idleAge ? { idleAge: idleAge - 1 } : {}), ...(hardAge ? { hardAge: hardAge - 1 } : {}),
      match, actions: pullOfpacts(e, e.remaining, v),
    };
  }
  if (v === 'OpenFlow10') {
    const table = e.u8();
    e.skip(1);
    const match = pullOf10Match(e);
    const durationSec = e.u32();
    const durationNsec = e.u32();
    const priority = e.u16();
    const idleTimeout = e.u16();
    const hardTimeout = e.u16();
    e.skip(6);
    const cookie = e.u64();
    const packetCount = e.u64();
    const byteCount = e.u64();
    return { table, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags: [], importance: 0, cookie, packetCount, byteCount, match, actions: pullOfpacts(e, e.remaining, v) };
  }
  if (v === 'OpenFlow15') {
    e.skip(2);
    const table = e.u8();
    e.skip(1);
    const priority = e.u16();
    const idleTimeout = e.u16();
    const hardTimeout = e.u16();
    const flags = flagsFromBits(e.u16(), v, false);
    const importance = e.u16();
    const cookie = e.u64();
    const match = pullOxmMatch(e);
    const s = pullOxsStats(e);
    return {
      table, durationSec: s.durationSec ?? 0, durationNsec: s.durationNsec ?? 0, priority, idleTimeout, hardTimeout, flags, importance, cookie,
      packetCount: s.packetCount ?? 0n, byteCount: s.byteCount ?? 0n, ...(s.idleAgeSec !== undefined ? { idleAge: s.idleAgeSec } : {}),
      match, actions: pullOfpacts(e, e.remaining, v),
    };
  }
  const table = e.u8();
  e.skip(1);
  const durationSec = e.u32();
  const durationNsec = e.u32();
  const priority = e.u16();
  const idleTimeout = e.u16();
  const hardTimeout = e.u16();
  const flags = flagsFromBits(e.u16(), v, false);
  const importance = e.u16();
  e.skip(2);
  const cookie = e.u64();
  const packetCount = e.u64();
  const byteCount = e.u64();
  const match = pullOxmMatch(e);
  return {
    table, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags, importance: atLeast(v, 'OpenFlow14') ? importance : 0,
    cookie, packetCount, byteCount, match, actions: pullOfpacts(e, e.remaining, v),
  };
}

