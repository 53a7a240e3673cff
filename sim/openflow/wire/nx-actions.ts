/**
 * Nicira extension actions (vendor 0x00002320), which Open vSwitch uses for everything
 * OpenFlow itself cannot say: resubmit, reg_load, reg_move, note, dec_ttl with
 * controller ids, controller with options, write_metadata under OpenFlow 1.0, set_tunnel.
 * Each starts with the experimenter action header: type 0xffff, length, vendor, subtype.
 */
import { fieldAllOnes } from '../../flow/key.js';
import { OFPP } from '../../flow/layout.js';
import { subfieldBits } from '../nxm-names.js';
import type { ControllerReason, Ofpact, Subfield } from '../ofpact.js';
import { TABLE_CURRENT } from '../ofpact.js';
import { fieldByName, type Field } from '../../flow/fields.js';
import type { Reader, Writer } from './bytes.js';
import { NX_VENDOR_ID, WireError } from './errors.js';
import { fieldOfHeader, headerFor, pullHeader, putHeader, headerText } from './nxm.js';

export const OFPAT_VENDOR = 0xffff;

export const NXAST = {
  RESUBMIT: 1,
  SET_TUNNEL: 2,
  REG_MOVE: 6,
  REG_LOAD: 7,
  NOTE: 8,
  SET_TUNNEL64: 9,
  RESUBMIT_TABLE: 14,
  DEC_TTL: 18,
  CONTROLLER: 20,
  DEC_TTL_CNT_IDS: 21,
  WRITE_METADATA: 22,
  CONTROLLER2: 37,
} as const;

/** packet-in reasons in OpenFlow numbering (Nicira's controller actions use them). */
export const REASONS: readonly ControllerReason[] = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];

/** Starts a Nicira action; returns its offset for `endNx`. */
function beginNx(w: Writer, subtype: number): number {
  const start = w.length;
  w.u16(OFPAT_VENDOR).u16(0).u32(NX_VENDOR_ID).u16(subtype);
  return start;
}

/** Pads to 8 bytes and fills in the length. */
function endNx(w: Writer, start: number): void {
  w.pad(start);
  w.setU16(start + 2, w.length - start);
}

/** The header a reg_load / reg_move names a field with (never the 32-bit OXM in_port). */
function nxHeaderFor(f: Field): ReturnType<typeof headerFor> {
  return headerFor(f, 0);
}

export function putResubmit(w: Writer, a: Extract<Ofpact, { type: 'resubmit' }>): void {
  if (a.table === TABLE_CURRENT && a.inPort !== OFPP.IN_PORT) {
    const s = beginNx(w, NXAST.RESUBMIT);
    w.u16(a.inPort).zeros(4);
    endNx(w, s);
    return;
  }
  const s = beginNx(w, NXAST.RESUBMIT_TABLE);
  w.u16(a.inPort).u8(a.table).zeros(3);
  endNx(w, s);
}

/** One reg_load per run of mask bits, at most 64 bits each. */
export function putRegLoads(w: Writer, field: Field, value: bigint, mask: bigint): void {
  const d = nxHeaderFor(field);
  if (!d) throw new WireError('OFPBAC_BAD_SET_TYPE', `${field.name} has no NXM header for reg_load`);
  const width = subfieldBits(field);
  let i = 0;
  while (i < width) {
    if (((mask >> BigInt(i)) & 1n) === 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < width && j - i < 64 && ((mask >> BigInt(j)) & 1n) === 1n) j++;
    const n = j - i;
    const s = beginNx(w, NXAST.REG_LOAD);
    w.u16((i << 6) | (n - 1));
    putHeader(w, d, false);
    w.u64((value >> BigInt(i)) & ((1n << BigInt(n)) - 1n));
    endNx(w, s);
    i = j;
  }
}

export function putRegMove(w: Writer, a: Extract<Ofpact, { type: 'move' }>): void {
  const src = nxHeaderFor(a.src.field);
  const dst = nxHeaderFor(a.dst.field);
  if (!src || !dst) throw new WireError('OFPBAC_BAD_SET_TYPE', 'move between fields without NXM headers');
  const s = beginNx(w, NXAST.REG_MOVE);
  w.u16(a.dst.nBits).u16(a.src.ofs).u16(a.dst.ofs);
  putHeader(w, src, false);
  putHeader(w, dst, false);
  endNx(w, s);
}

export function putNote(w: Writer, data: Uint8Array): void {
  const s = beginNx(w, NXAST.NOTE);
  w.bytes(data);
  // A note is at least 16 bytes long: six bytes of room after the header.
  if (w.length - s < 16) w.zeros(16 - (w.length - s));
  endNx(w, s);
}

export function putDecTtl(w: Writer, ids: readonly number[], of10: boolean): void {
  if (ids.length === 1 && ids[0] === 0 && of10) {
    const s = beginNx(w, NXAST.DEC_TTL);
    w.zeros(6);
    endNx(w, s);
    return;
  }
  const s = beginNx(w, NXAST.DEC_TTL_CNT_IDS);
  w.u16(ids.length).zeros(4);
  for (const id of ids) w.u16(id);
  endNx(w, s);
}

export function putWriteMetadata(w: Writer, value: bigint, mask: bigint): void {
  const s = beginNx(w, NXAST.WRITE_METADATA);
  w.zeros(6).u64(value).u64(mask);
  endNx(w, s);
}

export function putController(w: Writer, a: Extract<Ofpact, { type: 'controller' }>): void {
  const reason = REASONS.indexOf(a.reason);
  if (!a.userdata?.length && !a.pause && a.meterId === undefined) {
    const s = beginNx(w, NXAST.CONTROLLER);
    w.u16(a.maxLen).u16(a.controllerId).u8(reason).zeros(1);
    endNx(w, s);
    return;
  }
  const s = beginNx(w, NXAST.CONTROLLER2);
  w.zeros(6);
  const prop = (type: number, body: (w: Writer) => void): void => {
    const p = w.length;
    w.u16(type).u16(0);
    body(w);
    w.setU16(p + 2, w.length - p);
    w.pad(p);
  };
  if (a.maxLen !== 0xffff) prop(0, (x) => x.u16(a.maxLen));
  if (a.controllerId !== 0) prop(1, (x) => x.u16(a.controllerId));
  if (a.reason !== 'action') prop(2, (x) => x.u8(reason));
  if (a.userdata?.length) prop(3, (x) => x.bytes(a.userdata!));
  if (a.pause) prop(4, () => undefined);
  if (a.meterId !== undefined) prop(5, (x) => x.u32(a.meterId!));
  endNx(w, s);
}

// ---------------------------------------------------------------------------------------
// Decoding

function subfield(field: Field, ofs: number, nBits: number, what: string): Subfield {
  const width = subfieldBits(field);
  if (nBits < 1 || ofs + nBits > width) throw new WireError('OFPBAC_BAD_SET_LEN', `${what}: bits ${ofs}..${ofs + nBits - 1} outside ${field.name}'s ${width} bits`);
  return { field, ofs, nBits };
}

/** A field named by an NXM/OXM header inside an action. */
function actionField(r: Reader, what: string): Field {
  const hd = pullHeader(r);
  if (!hd.def || hd.masked) throw new WireError('OFPBAC_BAD_SET_TYPE', `${what}: unknown field ${headerText(hd)}`);
  return fieldOfHeader(hd.def);
}

/**
 * Decodes the body of a Nicira action (after vendor and subtype) of total length `len`.
 * `r` covers exactly the action's remaining bytes.
 */
export function pullNxAction(r: Reader, subtype: number, len: number): Ofpact[] {
  const exact = (n: number): void => {
    if (len !== n) throw new WireError('OFPBAC_BAD_LEN', `Nicira action ${subtype} has length ${len}, expected ${n}`);
  };
  switch (subtype) {
    case NXAST.RESUBMIT: {
      exact(16);
      return [{ type: 'resubmit', inPort: r.u16(), table: TABLE_CURRENT }];
    }
    case NXAST.RESUBMIT_TABLE: {
      exact(16);
      const inPort = r.u16();
      const table = r.u8();
      const pad = r.uint(3);
      if (pad !== 0n) throw new WireError('NXBRC_MUST_BE_ZERO', 'resubmit padding is not zero');
      return [{ type: 'resubmit', inPort, table }];
    }
    case NXAST.REG_LOAD: {
      exact(24);
      const ofsNbits = r.u16();
      const field = actionField(r, 'reg_load');
      const value = r.u64();
      const sf = subfield(field, ofsNbits >> 6, (ofsNbits & 0x3f) + 1, 'reg_load');
      if (!field.writable) throw new WireError('OFPBAC_BAD_SET_ARGUMENT', `reg_load into read-only ${field.name}`);
      if (sf.nBits < 64 && value >> BigInt(sf.nBits) !== 0n) throw new WireError('OFPBAC_BAD_ARGUMENT', `reg_load value 0x${value.toString(16)} wider than ${sf.nBits} bits`);
      const mask = ((1n << BigInt(sf.nBits)) - 1n) << BigInt(sf.ofs);
      return [{ type: 'set_field', field, value: value << BigInt(sf.ofs), mask, raw: 'load' }];
    }
    case NXAST.REG_MOVE: {
      exact(24);
      const nBits = r.u16();
      const srcOfs = r.u16();
      const dstOfs = r.u16();
      const src = actionField(r, 'reg_move source');
      const dst = actionField(r, 'reg_move destination');
      if (!dst.writable) throw new WireError('OFPBAC_BAD_SET_ARGUMENT', `reg_move into read-only ${dst.name}`);
      return [{ type: 'move', src: subfield(src, srcOfs, nBits, 'reg_move'), dst: subfield(dst, dstOfs, nBits, 'reg_move') }];
    }
    case NXAST.NOTE:
      return [{ type: 'note', data: r.rest() }];
    case NXAST.SET_TUNNEL: {
      exact(16);
      r.skip(2);
      const tunId = fieldByName('tun_id')!;
      return [{ type: 'set_field', field: tunId, value: BigInt(r.u32()), mask: fieldAllOnes(tunId), raw: 'set_field' }];
    }
    case NXAST.SET_TUNNEL64: {
      exact(24);
      r.skip(6);
      const tunId = fieldByName('tun_id')!;
      return [{ type: 'set_field', field: tunId, value: r.u64(), mask: fieldAllOnes(tunId), raw: 'set_field' }];
    }
    case NXAST.DEC_TTL:
      exact(16);
      return [{ type: 'dec_ttl', controllerIds: [0] }];
    case NXAST.DEC_TTL_CNT_IDS: {
      const n = r.u16();
      if (r.uint(4) !== 0n) throw new WireError('NXBRC_MUST_BE_ZERO', 'dec_ttl_cnt_ids padding is not zero');
      if (len < 16 + 2 * n) throw new WireError('OFPBAC_BAD_LEN', `dec_ttl_cnt_ids with ${n} ids in ${len} bytes`);
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.u16());
      return [{ type: 'dec_ttl', controllerIds: ids }];
    }
    case NXAST.WRITE_METADATA: {
      exact(32);
      if (r.uint(6) !== 0n) throw new WireError('NXBRC_MUST_BE_ZERO', 'write_metadata padding is not zero');
      const value = r.u64();
      const mask = r.u64();
      return [{ type: 'write_metadata', value: value & mask, mask }];
    }
    case NXAST.CONTROLLER: {
      exact(16);
      const maxLen = r.u16();
      const controllerId = r.u16();
      const reason = REASONS[r.u8()];
      if (!reason) throw new WireError('OFPBAC_BAD_ARGUMENT', 'controller action with an unknown reason');
      return [controllerOf({ maxLen, controllerId, reason, pause: false })];
    }
    case NXAST.CONTROLLER2:
      return [pullController2(r)];
    default:
      throw new WireError('OFPBAC_BAD_VENDOR_TYPE', `unknown Nicira action subtype ${subtype}`);
  }
}

type Controller = Extract<Ofpact, { type: 'controller' }>;

function controllerOf(c: Omit<Controller, 'type'>): Ofpact {
  return { type: 'controller', ...c };
}

function pullController2(r: Reader): Ofpact {
  r.skip(6);
  let maxLen = 0xffff;
  let controllerId = 0;
  let reason: ControllerReason = 'action';
  let userdata: Uint8Array | undefined;
  let pause = false;
  let meterId: number | undefined;
  while (r.remaining >= 4) {
    const type = r.u16();
    const plen = r.u16();
    if (plen < 4) throw new WireError('OFPBAC_BAD_LEN', `controller2 property of length ${plen}`);
    const body = r.sub(plen - 4, 'controller2 property', 'OFPBAC_BAD_LEN');
    r.skip(((plen + 7) & ~7) - plen, 'property padding');
    switch (type) {
      case 0:
        maxLen = body.u16();
        break;
      case 1:
        controllerId = body.u16();
        break;
      case 2: {
        const rs = REASONS[body.u8()];
        if (!rs) throw new WireError('OFPBAC_BAD_ARGUMENT', 'controller2 with an unknown reason');
        reason = rs;
        break;
      }
      case 3:
        userdata = body.rest();
        break;
      case 4:
        pause = true;
        break;
      case 5:
        meterId = body.u32();
        break;
      default:
        throw new WireError('OFPBAC_BAD_ARGUMENT', `unknown controller2 property ${type}`);
    }
  }
  return controllerOf({ maxLen, controllerId, reason, pause, ...(userdata ? { userdata } : {}), ...(meterId !== undefined ? { meterId } : {}) });
}
