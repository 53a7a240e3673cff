/**
 * Action lists and instructions on the wire, per version, as Open vSwitch converts them:
 *
 *  - OpenFlow 1.0 has its own set-field actions (SET_NW_SRC…) and nothing for ECN, TTL,
 *    metadata or instructions; Nicira actions fill in (reg_load, write_metadata).
 *  - OpenFlow 1.2+ writes every header rewrite as SET_FIELD with an OXM TLV; a partial
 *    (masked) rewrite goes as Nicira reg_load segments, except in 1.5 which has masked
 *    set-field. Registers move with reg_move, or 1.5's COPY_FIELD.
 *  - OpenFlow 1.1+ wraps actions in instructions: apply-actions, clear-actions,
 *    write-actions, write-metadata, goto-table, each at most once.
 *
 * Decoding checks lengths (OFPBAC_BAD_LEN), types (OFPBAC_BAD_TYPE, OFPBAC_BAD_VENDOR…),
 * arguments (OFPBAC_BAD_ARGUMENT, OFPBAC_BAD_OUT_PORT, OFPBAC_BAD_SET_*) and
 * instructions (OFPBIC_UNKNOWN_INST, OFPBIC_DUP_INST, OFPBIC_BAD_LEN…).
 */
import { fieldByName, type Field } from '../../flow/fields.js';
import { fieldAllOnes } from '../../flow/key.js';
import { ETH_TYPE, OFPP, VLAN_CFI } from '../../flow/layout.js';
import { isValueValid } from '../../flow/match-syntax.js';
import type { Ofpact } from '../ofpact.js';
import { wireVersion, type OfVersion } from '../version.js';
import { Reader, Writer } from './bytes.js';
import { NX_VENDOR_ID, WireError } from './errors.js';
import { pullNxAction, putController, putDecTtl, putNote, putRegLoads, putRegMove, putResubmit, putWriteMetadata, OFPAT_VENDOR } from './nx-actions.js';
import { fieldOfHeader, headerFor, headerText, pullHeader, putHeader, xregHalves, type HeaderDef, type RawHeader } from './nxm.js';
import { portFromOf11, portToOf11 } from './ports.js';

const OFPAT10 = {
  OUTPUT: 0,
  SET_VLAN_VID: 1,
  SET_VLAN_PCP: 2,
  STRIP_VLAN: 3,
  SET_DL_SRC: 4,
  SET_DL_DST: 5,
  SET_NW_SRC: 6,
  SET_NW_DST: 7,
  SET_NW_TOS: 8,
  SET_TP_SRC: 9,
  SET_TP_DST: 10,
} as const;

const OFPAT11 = {
  OUTPUT: 0,
  PUSH_VLAN: 17,
  POP_VLAN: 18,
  SET_NW_TTL: 23,
  DEC_NW_TTL: 24,
  SET_FIELD: 25,
  COPY_FIELD: 28,
} as const;

export const OFPIT = {
  GOTO_TABLE: 1,
  WRITE_METADATA: 2,
  WRITE_ACTIONS: 3,
  APPLY_ACTIONS: 4,
  CLEAR_ACTIONS: 5,
  METER: 6,
  EXPERIMENTER: 0xffff,
} as const;

/** Starts an action; returns its offset for `end`. */
function begin(w: Writer, type: number): number {
  const s = w.length;
  w.u16(type).u16(0);
  return s;
}

function end(w: Writer, s: number): void {
  w.pad(s);
  w.setU16(s + 2, w.length - s);
}

const sfField = (name: string): Field => fieldByName(name)!;

/** The header a set_field writes: in_port keeps its 16-bit Nicira header, as in OVS. */
function setFieldHeader(f: Field, v: number): HeaderDef | undefined {
  return f.name === 'in_port' ? headerFor(f, 0) : headerFor(f, v);
}

function putSetField(w: Writer, f: Field, value: bigint, mask: bigint, v: number): void {
  const d = setFieldHeader(f, v);
  if (!d) throw new WireError('OFPBAC_BAD_SET_TYPE', `${f.name} has no OXM header`);
  const all = fieldAllOnes(f);
  const masked = mask !== all;
  const s = begin(w, OFPAT11.SET_FIELD);
  putHeader(w, d, masked);
  const wv = f.name === 'in_port' && d.bytes === 4 ? BigInt(portToOf11(Number(value))) : value;
  w.uint(wv, d.bytes);
  if (masked) w.uint(mask, d.bytes);
  end(w, s);
}

/**
 * Appends one action (not an instruction) in `version`'s encoding. Actions a version
 * cannot carry at all are left out, as Open vSwitch leaves them out (push_vlan in 1.0).
 */
function putAction(w: Writer, a: Ofpact, version: OfVersion): void {
  const v = wireVersion(version);
  const of10 = v === 1;
  switch (a.type) {
    case 'output': {
      const s = begin(w, 0);
      if (of10) w.u16(a.port).u16(a.maxLen);
      else w.u32(portToOf11(a.port)).u16(a.maxLen).zeros(6);
      return end(w, s);
    }
    case 'controller':
      return putController(w, a);
    case 'set_vlan_vid': {
      if (!of10) return putSetField(w, sfField('vlan_vid'), BigInt(a.vid | VLAN_CFI), fieldAllOnes(sfField('vlan_vid')), v);
      const s = begin(w, OFPAT10.SET_VLAN_VID);
      w.u16(a.vid);
      return end(w, s);
    }
    case 'set_vlan_pcp': {
      if (!of10) return putSetField(w, sfField('vlan_pcp'), BigInt(a.pcp), 7n, v);
      const s = begin(w, OFPAT10.SET_VLAN_PCP);
      w.u8(a.pcp);
      return end(w, s);
    }
    case 'strip_vlan':
      return end(w, begin(w, of10 ? OFPAT10.STRIP_VLAN : OFPAT11.POP_VLAN));
    case 'push_vlan': {
      if (of10) return;
      const s = begin(w, OFPAT11.PUSH_VLAN);
      w.u16(a.ethertype);
      return end(w, s);
    }
    case 'set_eth_src':
    case 'set_eth_dst': {
      const src = a.type === 'set_eth_src';
      if (!of10) return putSetField(w, sfField(src ? 'eth_src' : 'eth_dst'), a.mac, 0xffffffffffffn, v);
      const s = begin(w, src ? OFPAT10.SET_DL_SRC : OFPAT10.SET_DL_DST);
      w.uint(a.mac, 6);
      return end(w, s);
    }
    case 'set_ipv4_src':
    case 'set_ipv4_dst': {
      const src = a.type === 'set_ipv4_src';
      if (!of10) return putSetField(w, sfField(src ? 'ip_src' : 'ip_dst'), BigInt(a.ip >>> 0), 0xffffffffn, v);
      const s = begin(w, src ? OFPAT10.SET_NW_SRC : OFPAT10.SET_NW_DST);
      w.u32(a.ip);
      return end(w, s);
    }
    case 'set_ip_dscp': {
      if (!of10) return putSetField(w, sfField('ip_dscp'), BigInt(a.tos >> 2), 0x3fn, v);
      const s = begin(w, OFPAT10.SET_NW_TOS);
      w.u8(a.tos);
      return end(w, s);
    }
    case 'set_ip_ecn':
      if (of10) return putRegLoads(w, sfField('nw_ecn'), BigInt(a.ecn), 3n);
      return putSetField(w, sfField('nw_ecn'), BigInt(a.ecn), 3n, v);
    case 'set_ip_ttl': {
      if (of10) return putRegLoads(w, sfField('nw_ttl'), BigInt(a.ttl), 0xffn);
      const s = begin(w, OFPAT11.SET_NW_TTL);
      w.u8(a.ttl);
      return end(w, s);
    }
    case 'set_l4_src_port':
    case 'set_l4_dst_port': {
      const src = a.type === 'set_l4_src_port';
      if (!of10) return putSetField(w, sfField(src ? 'tcp_src' : 'tcp_dst'), BigInt(a.port), 0xffffn, v);
      const s = begin(w, src ? OFPAT10.SET_TP_SRC : OFPAT10.SET_TP_DST);
      w.u16(a.port);
      return end(w, s);
    }
    case 'set_field': {
      const full = a.mask === fieldAllOnes(a.field);
      if (a.raw === 'load' || of10 || (!full && v < 6)) return putRegLoads(w, a.field, a.value, a.mask);
      return putSetField(w, a.field, a.value & a.mask, a.mask, v);
    }
    case 'move': {
      if (v < 6) return putRegMove(w, a);
      const src = headerFor(a.src.field, v);
      const dst = headerFor(a.dst.field, v);
      if (!src || !dst) throw new WireError('OFPBAC_BAD_SET_TYPE', 'copy_field between fields without OXM headers');
      const s = begin(w, OFPAT11.COPY_FIELD);
      w.u16(a.dst.nBits).u16(a.src.ofs).u16(a.dst.ofs).zeros(2);
      putHeader(w, a.src.field.name === 'in_port' ? headerFor(a.src.field, 0)! : src, false);
      putHeader(w, a.dst.field.name === 'in_port' ? headerFor(a.dst.field, 0)! : dst, false);
      return end(w, s);
    }
    case 'dec_ttl':
      if (!of10 && a.controllerIds.length === 1 && a.controllerIds[0] === 0) return end(w, begin(w, OFPAT11.DEC_NW_TTL));
      return putDecTtl(w, a.controllerIds, of10);
    case 'resubmit':
      return putResubmit(w, a);
    case 'goto_table':
      // Only reached under OpenFlow 1.0, where a later table is a resubmit.
      return putResubmit(w, { type: 'resubmit', inPort: OFPP.IN_PORT, table: a.table });
    case 'write_metadata':
      return putWriteMetadata(w, a.value, a.mask);
    case 'clear_actions':
    case 'write_actions':
      // Instructions; OpenFlow 1.0 has none and drops them.
      return;
    case 'note':
      return putNote(w, a.data);
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

/** Writes a plain action list (OpenFlow 1.0 flow mods, packet-outs, write-actions). */
export function putActions(w: Writer, actions: readonly Ofpact[], version: OfVersion): void {
  for (const a of actions) putAction(w, a, version);
}

function isInstruction(a: Ofpact): boolean {
  return a.type === 'goto_table' || a.type === 'write_metadata' || a.type === 'clear_actions' || a.type === 'write_actions';
}

/** Writes OpenFlow 1.1+ instructions for an ofpact list, in the spec's order. */
export function putInstructions(w: Writer, actions: readonly Ofpact[], version: OfVersion): void {
  const apply = actions.filter((a) => !isInstruction(a));
  if (apply.length > 0) {
    const s = w.length;
    w.u16(OFPIT.APPLY_ACTIONS).u16(0).zeros(4);
    putActions(w, apply, version);
    w.setU16(s + 2, w.length - s);
  }
  for (const a of actions) {
    if (a.type === 'clear_actions') w.u16(OFPIT.CLEAR_ACTIONS).u16(8).zeros(4);
  }
  for (const a of actions) {
    if (a.type !== 'write_actions') continue;
    const s = w.length;
    w.u16(OFPIT.WRITE_ACTIONS).u16(0).zeros(4);
    putActions(w, a.actions, version);
    w.setU16(s + 2, w.length - s);
  }
  for (const a of actions) {
    if (a.type === 'write_metadata') w.u16(OFPIT.WRITE_METADATA).u16(24).zeros(4).u64(a.value).u64(a.mask);
  }
  for (const a of actions) {
    if (a.type === 'goto_table') w.u16(OFPIT.GOTO_TABLE).u16(8).u8(a.table).zeros(3);
  }
}

/** Actions for a version: a plain list under 1.0, instructions after. */
export function putOfpacts(w: Writer, actions: readonly Ofpact[], version: OfVersion): void {
  if (version === 'OpenFlow10') putActions(w, actions, version);
  else putInstructions(w, actions, version);
}

// ---------------------------------------------------------------------------------------
// Decoding

const RESERVED_OUT = new Set<number>([OFPP.IN_PORT, OFPP.TABLE, OFPP.NORMAL, OFPP.FLOOD, OFPP.ALL, OFPP.CONTROLLER, OFPP.LOCAL]);

function checkOutPort(port: number | undefined): number {
  if (port === undefined || (port >= OFPP.MAX && !RESERVED_OUT.has(port))) {
    throw new WireError('OFPBAC_BAD_OUT_PORT', `output to invalid port ${port === undefined ? '(32-bit)' : port}`);
  }
  return port;
}

/** Reads `len` bytes of actions. */
export function pullActions(r: Reader, len: number, version: OfVersion): Ofpact[] {
  const sub = r.sub(len, 'actions', 'OFPBAC_BAD_LEN');
  const out: Ofpact[] = [];
  while (sub.remaining > 0) {
    if (sub.remaining < 8) throw new WireError('OFPBAC_BAD_LEN', `${sub.remaining} bytes left after the last action`);
    const type = sub.peekU16();
    const alen = sub.peekU16(2);
    if (alen < 8 || alen % 8 !== 0 || alen > sub.remaining) {
      throw new WireError('OFPBAC_BAD_LEN', `action of type ${type} has length ${alen} (${sub.remaining} bytes left)`);
    }
    const ar = sub.sub(alen, 'action', 'OFPBAC_BAD_LEN');
    ar.skip(4);
    out.push(...pullAction(ar, type, alen, version));
  }
  return out;
}

function pullAction(r: Reader, type: number, len: number, version: OfVersion): Ofpact[] {
  const v = wireVersion(version);
  const exact = (n: number): void => {
    if (len !== n) throw new WireError('OFPBAC_BAD_LEN', `action of type ${type} has length ${len}, expected ${n}`);
  };
  if (type === OFPAT_VENDOR) {
    if (len < 16) throw new WireError('OFPBAC_BAD_LEN', `experimenter action of length ${len}`);
    const vendor = r.u32();
    if (vendor !== NX_VENDOR_ID) throw new WireError('OFPBAC_BAD_VENDOR', `unknown action experimenter 0x${vendor.toString(16)}`);
    return pullNxAction(r, r.u16(), len);
  }
  if (v === 1) {
    switch (type) {
      case OFPAT10.OUTPUT: {
        exact(8);
        const port = checkOutPort(r.u16());
        return [{ type: 'output', port, maxLen: r.u16() }];
      }
      case OFPAT10.SET_VLAN_VID: {
        exact(8);
        const vid = r.u16();
        if (vid & ~0xfff) throw new WireError('OFPBAC_BAD_ARGUMENT', `VLAN VID ${vid} out of range`);
        return [{ type: 'set_vlan_vid', vid, pushIfNeeded: true }];
      }
      case OFPAT10.SET_VLAN_PCP: {
        exact(8);
        const pcp = r.u8();
        if (pcp & ~7) throw new WireError('OFPBAC_BAD_ARGUMENT', `VLAN PCP ${pcp} out of range`);
        return [{ type: 'set_vlan_pcp', pcp, pushIfNeeded: true }];
      }
      case OFPAT10.STRIP_VLAN:
        exact(8);
        return [{ type: 'strip_vlan', raw: 'strip_vlan' }];
      case OFPAT10.SET_DL_SRC:
      case OFPAT10.SET_DL_DST:
        exact(16);
        return [{ type: type === OFPAT10.SET_DL_SRC ? 'set_eth_src' : 'set_eth_dst', mac: r.uint(6) }];
      case OFPAT10.SET_NW_SRC:
      case OFPAT10.SET_NW_DST:
        exact(8);
        return [{ type: type === OFPAT10.SET_NW_SRC ? 'set_ipv4_src' : 'set_ipv4_dst', ip: r.u32() }];
      case OFPAT10.SET_NW_TOS: {
        exact(8);
        const tos = r.u8();
        if (tos & ~0xfc) throw new WireError('OFPBAC_BAD_ARGUMENT', `TOS ${tos} has ECN bits`);
        return [{ type: 'set_ip_dscp', tos }];
      }
      case OFPAT10.SET_TP_SRC:
      case OFPAT10.SET_TP_DST:
        exact(8);
        return [{ type: type === OFPAT10.SET_TP_SRC ? 'set_l4_src_port' : 'set_l4_dst_port', port: r.u16() }];
      default:
        throw new WireError('OFPBAC_BAD_TYPE', `unknown OpenFlow 1.0 action type ${type}`);
    }
  }
  switch (type) {
    case OFPAT11.OUTPUT: {
      exact(16);
      const port = checkOutPort(portFromOf11(r.u32()));
      return [{ type: 'output', port, maxLen: r.u16() }];
    }
    case OFPAT11.PUSH_VLAN: {
      exact(8);
      const ethertype = r.u16();
      if (ethertype !== ETH_TYPE.VLAN_8021Q && ethertype !== ETH_TYPE.VLAN_8021AD) {
        throw new WireError('OFPBAC_BAD_ARGUMENT', `push_vlan with ethertype 0x${ethertype.toString(16)}`);
      }
      return [{ type: 'push_vlan', ethertype }];
    }
    case OFPAT11.POP_VLAN:
      exact(8);
      return [{ type: 'strip_vlan', raw: 'pop_vlan' }];
    case OFPAT11.SET_NW_TTL:
      exact(8);
      return [{ type: 'set_ip_ttl', ttl: r.u8() }];
    case OFPAT11.DEC_NW_TTL:
      exact(8);
      return [{ type: 'dec_ttl', controllerIds: [0] }];
    case OFPAT11.SET_FIELD:
      return pullSetField(r, v);
    case OFPAT11.COPY_FIELD: {
      if (v < 6) throw new WireError('OFPBAC_BAD_TYPE', 'COPY_FIELD needs OpenFlow 1.5');
      const nBits = r.u16();
      const srcOfs = r.u16();
      const dstOfs = r.u16();
      r.skip(2);
      const src = pullActionField(r, 'copy_field source');
      const dst = pullActionField(r, 'copy_field destination');
      const sub = (f: Field, ofs: number) => {
        const width = f.name === 'in_port' ? 16 : f.name === 'vlan_vid' ? 12 : f.bits;
        if (nBits < 1 || ofs + nBits > width) throw new WireError('OFPBAC_BAD_SET_LEN', `copy_field bits outside ${f.name}`);
        return { field: f, ofs, nBits };
      };
      return [{ type: 'move', src: sub(src, srcOfs), dst: sub(dst, dstOfs) }];
    }
    default:
      throw new WireError('OFPBAC_BAD_TYPE', `unknown or unsupported action type ${type}`);
  }
}

function pullActionField(r: Reader, what: string): Field {
  const hd = pullHeader(r);
  if (!hd.def || hd.masked) throw new WireError('OFPBAC_BAD_SET_TYPE', `${what}: unknown field ${headerText(hd)}`);
  return fieldOfHeader(hd.def);
}

function pullSetField(r: Reader, v: number): Ofpact[] {
  const hd = pullHeader(r);
  const halves = xregHalves(hd);
  if (halves) return pullSetXreg(r, hd, halves);
  const d = hd.def;
  if (!d) throw new WireError('OFPBAC_BAD_SET_TYPE', `set_field of unknown field ${headerText(hd)}`);
  if (hd.masked && v < 6) throw new WireError('OFPBAC_BAD_SET_MASK', `masked set_field of ${d.name} needs OpenFlow 1.5`);
  if (hd.len !== (hd.masked ? 2 * d.bytes : d.bytes)) throw new WireError('OFPBAC_BAD_SET_LEN', `set_field ${d.name} with length ${hd.len}`);
  if (r.remaining < hd.len) throw new WireError('OFPBAC_BAD_SET_LEN', `set_field ${d.name} runs past its action`);
  const field = fieldOfHeader(d);
  if (!field.writable) throw new WireError('OFPBAC_BAD_SET_TYPE', `set_field of read-only ${field.name}`);
  let value = r.uint(d.bytes);
  const all = fieldAllOnes(field);
  const mask = hd.masked ? r.uint(d.bytes) & all : all;
  if (field.name === 'in_port' && d.bytes === 4) {
    const p = portFromOf11(Number(value));
    if (p === undefined) throw new WireError('OFPBAC_BAD_SET_ARGUMENT', `set_field in_port ${value}`);
    value = BigInt(p);
  }
  if ((value & ~all) !== 0n || !isValueValid(field, value)) {
    throw new WireError('OFPBAC_BAD_SET_ARGUMENT', `set_field ${d.name} value 0x${value.toString(16)} is invalid`);
  }
  if (field.name === 'vlan_vid' && !(value & BigInt(VLAN_CFI))) {
    throw new WireError('OFPBAC_BAD_SET_ARGUMENT', 'set_field vlan_vid without OFPVID_PRESENT');
  }
  const rest = r.rest();
  if (rest.some((b) => b !== 0)) throw new WireError('OFPBAC_BAD_SET_ARGUMENT', 'set_field padding is not zero');
  return [{ type: 'set_field', field, value: value & mask, mask, raw: 'set_field' }];
}

/** A set_field of a 64-bit packet register: one set_field per 32-bit register it touches. */
function pullSetXreg(r: Reader, hd: RawHeader, halves: readonly [Field, Field]): Ofpact[] {
  if (hd.len !== (hd.masked ? 16 : 8)) throw new WireError('OFPBAC_BAD_SET_LEN', `set_field of packet register ${hd.field} with length ${hd.len}`);
  const value = r.u64();
  const mask = hd.masked ? r.u64() : (1n << 64n) - 1n;
  const out: Ofpact[] = [];
  halves.forEach((field, i) => {
    const shift = i === 0 ? 32n : 0n;
    const mk = (mask >> shift) & 0xffffffffn;
    if (mk !== 0n) out.push({ type: 'set_field', field, value: (value >> shift) & mk, mask: mk, raw: 'set_field' });
  });
  return out;
}

/**
 * Reads `len` bytes of OpenFlow 1.1+ instructions into one ofpact list in the canonical
 * order (apply, clear, write, write-metadata, goto), as Open vSwitch holds them.
 * `table` is the flow's table, when known: goto_table must go forward.
 */
export function pullInstructions(r: Reader, len: number, version: OfVersion, table?: number): Ofpact[] {
  const sub = r.sub(len, 'instructions', 'OFPBIC_BAD_LEN');
  const seen = new Set<number>();
  let apply: Ofpact[] = [];
  let clear: Ofpact[] = [];
  let write: Ofpact[] = [];
  let meta: Ofpact[] = [];
  let goto: Ofpact[] = [];
  while (sub.remaining > 0) {
    if (sub.remaining < 4) throw new WireError('OFPBIC_BAD_LEN', `${sub.remaining} bytes left after the last instruction`);
    const type = sub.peekU16();
    const ilen = sub.peekU16(2);
    if (ilen < 8 || ilen % 8 !== 0 || ilen > sub.remaining) throw new WireError('OFPBIC_BAD_LEN', `instruction ${type} has length ${ilen}`);
    const ir = sub.sub(ilen, 'instruction', 'OFPBIC_BAD_LEN');
    ir.skip(4);
    if (seen.has(type)) throw new WireError('OFPBIC_DUP_INST', `instruction ${type} appears twice`);
    seen.add(type);
    const exact = (n: number): void => {
      if (ilen !== n) throw new WireError('OFPBIC_BAD_LEN', `instruction ${type} has length ${ilen}, expected ${n}`);
    };
    switch (type) {
      case OFPIT.APPLY_ACTIONS:
        ir.skip(4);
        apply = pullActions(ir, ilen - 8, version);
        break;
      case OFPIT.WRITE_ACTIONS:
        ir.skip(4);
        write = [{ type: 'write_actions', actions: pullActions(ir, ilen - 8, version) }];
        break;
      case OFPIT.CLEAR_ACTIONS:
        exact(8);
        clear = [{ type: 'clear_actions' }];
        break;
      case OFPIT.WRITE_METADATA: {
        exact(24);
        ir.skip(4);
        const value = ir.u64();
        const mask = ir.u64();
        meta = [{ type: 'write_metadata', value: value & mask, mask }];
        break;
      }
      case OFPIT.GOTO_TABLE: {
        exact(8);
        const t = ir.u8();
        if (t === 255 || (table !== undefined && t <= table)) throw new WireError('OFPBIC_BAD_TABLE_ID', `goto_table:${t} from table ${table ?? '?'}`);
        goto = [{ type: 'goto_table', table: t }];
        break;
      }
      case OFPIT.METER:
        throw new WireError('OFPBIC_UNSUP_INST', 'meter instructions are not supported');
      case OFPIT.EXPERIMENTER:
        throw new WireError('OFPBIC_BAD_EXPERIMENTER', 'experimenter instructions are not supported');
      default:
        throw new WireError('OFPBIC_UNKNOWN_INST', `unknown instruction type ${type}`);
    }
  }
  return [...apply, ...clear, ...write, ...meta, ...goto];
}

/** Reads actions for a version: a plain list under 1.0, instructions after. */
export function pullOfpacts(r: Reader, len: number, version: OfVersion, table?: number): Ofpact[] {
  return version === 'OpenFlow10' ? pullActions(r, len, version) : pullInstructions(r, len, version, table);
}

/** Encodes a list on its own (for tests and tools). */
export function encodeOfpacts(actions: readonly Ofpact[], version: OfVersion): Uint8Array {
  const w = new Writer();
  putOfpacts(w, actions, version);
  return w.finish();
}

/** Decodes a list on its own (for tests and tools). */
export function decodeOfpacts(bytes: Uint8Array, version: OfVersion): Ofpact[] {
  return pullOfpacts(new Reader(bytes), bytes.length, version);
}
