/**
 * PACKET_IN and PACKET_OUT. OpenFlow 1.0 names the input port directly; 1.2+ packet-ins
 * carry an OXM match with in_port and pipeline metadata (registers, metadata, tun_id),
 * and 1.5 packet-outs carry such a match too. Packet-out actions are a plain action
 * list in every version.
 */
import { OFPP, W } from '../../flow/layout.js';
import { catchAllMatch } from '../../flow/match.js';
import { atLeast, wireVersion, type OfVersion } from '../version.js';
import { pullActions, putActions } from './actions.js';
import type { Reader, Writer } from './bytes.js';
import { WireError } from './errors.js';
import type { PacketIn, PacketOut } from './messages.js';
import { pullOxmMatch, putOxmMatch } from './match.js';
import { REASONS } from './nx-actions.js';
import { portFromOf11, portToOf11 } from './ports.js';

function reasonCode(reason: PacketIn['reason'], v: OfVersion): number {
  const n = REASONS.indexOf(reason);
  // Reasons after invalid_ttl are OpenFlow 1.4's; older versions call them "action".
  return n > 2 && !atLeast(v, 'OpenFlow14') ? 1 : n;
}

export function putPacketIn(w: Writer, m: PacketIn, v: OfVersion): void {
  if (v === 'OpenFlow10') {
    w.u32(m.bufferId).u16(m.totalLen).u16(m.match.key[W.IN_PORT]!).u8(reasonCode(m.reason, v)).zeros(1).bytes(m.data);
    return;
  }
  w.u32(m.bufferId).u16(m.totalLen).u8(reasonCode(m.reason, v)).u8(m.table).u64(m.cookie);
  putOxmMatch(w, m.match, wireVersion(v));
  w.zeros(2).bytes(m.data);
}

export function pullPacketIn(r: Reader, xid: number, v: OfVersion): PacketIn {
  const reasonOf = (n: number): PacketIn['reason'] => {
    const reason = REASONS[n];
    if (!reason) throw new WireError('OFPBRC_BAD_PACKET', `unknown packet-in reason ${n}`);
    return reason;
  };
  if (v === 'OpenFlow10') {
    const bufferId = r.u32();
    const totalLen = r.u16();
    const inPort = r.u16();
    const reason = reasonOf(r.u8());
    r.skip(1);
    const match = catchAllMatch();
    match.key[W.IN_PORT] = inPort;
    match.mask[W.IN_PORT] = 0xffffffff;
    return { type: 'packet_in', xid, bufferId, totalLen, reason, table: 0, cookie: 0n, match, data: r.rest() };
  }
  const bufferId = r.u32();
  const totalLen = r.u16();
  const reason = reasonOf(r.u8());
  const table = r.u8();
  const cookie = r.u64();
  const match = pullOxmMatch(r);
  r.skip(2);
  return { type: 'packet_in', xid, bufferId, totalLen, reason, table, cookie, match, data: r.rest() };
}

function checkInPort(p: number | undefined): number {
  const ok = p !== undefined && (p < OFPP.MAX || p === OFPP.LOCAL || p === OFPP.CONTROLLER || p === OFPP.NONE);
  if (!ok) throw new WireError('OFPBRC_BAD_PORT', `packet-out in_port ${p ?? '(out of range)'}`);
  return p;
}

export function putPacketOut(w: Writer, m: PacketOut, v: OfVersion): void {
  if (v === 'OpenFlow10') {
    w.u32(m.bufferId).u16(m.inPort);
    const lenAt = w.length;
    w.u16(0);
    const start = w.length;
    putActions(w, m.actions, v);
    w.setU16(lenAt, w.length - start);
    w.bytes(m.data);
    return;
  }
  if (v === 'OpenFlow15') {
    w.u32(m.bufferId);
    const lenAt = w.length;
    w.u16(0).zeros(2);
    const match = catchAllMatch();
    match.key[W.IN_PORT] = m.inPort;
    match.mask[W.IN_PORT] = 0xffffffff;
    putOxmMatch(w, match, wireVersion(v));
    const start = w.length;
    putActions(w, m.actions, v);
    w.setU16(lenAt, w.length - start);
    w.bytes(m.data);
    return;
  }
  w.u32(m.bufferId).u32(portToOf11(m.inPort));
  const lenAt = w.length;
  w.u16(0).zeros(6);
  const start = w.length;
  putActions(w, m.actions, v);
  w.setU16(lenAt, w.length - start);
  w.bytes(m.data);
}

export function pullPacketOut(r: Reader, xid: number, v: OfVersion): PacketOut {
  const bufferId = r.u32();
  let inPort: number;
  let actionsLen: number;
  if (v === 'OpenFlow10') {
    inPort = checkInPort(r.u16());
    actionsLen = r.u16();
  } else if (v === 'OpenFlow15') {
    actionsLen = r.u16();
    r.skip(2);
    const match = pullOxmMatch(r);
    inPort = checkInPort(match.mask[W.IN_PORT] ? match.key[W.IN_PORT]! : OFPP.NONE);
  } else {
    inPort = checkInPort(portFromOf11(r.u32()));
    actionsLen = r.u16();
    r.skip(6);
  }
  if (actionsLen > r.remaining) throw new WireError('OFPBRC_BAD_LEN', `packet-out actions_len ${actionsLen} exceeds the message`);
  const actions = pullActions(r, actionsLen, v);
  return { type: 'packet_out', xid, bufferId, inPort, actions, data: r.rest() };
}
