/**
 * The match as each message carries it: OpenFlow 1.0's fixed 40-byte `ofp_match`
 * (wildcard bits, CIDR masks for IPv4 addresses), and OpenFlow 1.2+'s `ofp_match`
 * wrapper around OXM TLVs (type OFPMT_OXM, length, TLVs, padding to 8 bytes).
 */
import { ETH_TYPE, IPPROTO, VLAN_CFI, VLAN_PCP_MASK, VLAN_PCP_SHIFT, VLAN_VID_MASK, W } from '../../flow/layout.js';
import { catchAllMatch, normalizeMatch, type Match } from '../../flow/match.js';
import { matchProtocols } from '../flow-syntax.js';
import { PS } from '../version.js';
import type { Reader, Writer } from './bytes.js';
import { WireError } from './errors.js';
import { pullMatchTlvs, putMatchTlvs } from './nxm.js';

export const OFP10_MATCH_LEN = 40;

const FW = {
  IN_PORT: 1 << 0,
  DL_VLAN: 1 << 1,
  DL_SRC: 1 << 2,
  DL_DST: 1 << 3,
  DL_TYPE: 1 << 4,
  NW_PROTO: 1 << 5,
  TP_SRC: 1 << 6,
  TP_DST: 1 << 7,
  NW_SRC_SHIFT: 8,
  NW_DST_SHIFT: 14,
  DL_VLAN_PCP: 1 << 20,
  NW_TOS: 1 << 21,
  ALL: (1 << 22) - 1,
} as const;

const OFP10_VLAN_NONE = 0xffff;

/** Whether OpenFlow 1.0's own match can say what `m` says. */
export function fitsOf10Match(m: Match): boolean {
  return (matchProtocols(m) & PS.OF10_STD_ANY) !== 0;
}

function wcBitsToMask(bits: number): number {
  return bits >= 32 ? 0 : (0xffffffff << bits) >>> 0;
}

function maskToWcBits(mask: number): number {
  if (mask === 0) return 32;
  let n = 0;
  while (n < 32 && ((mask >>> n) & 1) === 0) n++;
  return n;
}

function readMac(words: Uint32Array, at: number): bigint {
  return ((BigInt(words[at]!) << 32n) | BigInt(words[at + 1]!)) & 0xffffffffffffn;
}

function writeMac(words: Uint32Array, at: number, v: bigint): void {
  words[at] = Number((v >> 32n) & 0xffffn);
  words[at + 1] = Number(v & 0xffffffffn);
}

/** Writes the 40-byte OpenFlow 1.0 match. The caller checks `fitsOf10Match` first. */
export function putOf10Match(w: Writer, m: Match): void {
  const k = m.key;
  const mk = m.mask;
  let fw = 0;
  if (!mk[W.IN_PORT]) fw |= FW.IN_PORT;
  if (!mk[W.DL_TYPE]) fw |= FW.DL_TYPE;
  if (!mk[W.NW_PROTO]) fw |= FW.NW_PROTO;
  fw |= maskToWcBits(mk[W.NW_SRC]!) << FW.NW_SRC_SHIFT;
  fw |= maskToWcBits(mk[W.NW_DST]!) << FW.NW_DST_SHIFT;
  if (!(mk[W.NW_TOS]! & 0xfc)) fw |= FW.NW_TOS;
  if (!mk[W.TP_SRC]) fw |= FW.TP_SRC;
  if (!mk[W.TP_DST]) fw |= FW.TP_DST;
  if (!mk[W.DL_SRC] && !mk[W.DL_SRC + 1]) fw |= FW.DL_SRC;
  if (!mk[W.DL_DST] && !mk[W.DL_DST + 1]) fw |= FW.DL_DST;
  const tci = k[W.VLAN0]! & 0xffff;
  const tciMask = mk[W.VLAN0]! & 0xffff;
  let dlVlan = 0;
  let dlPcp = 0;
  if (tciMask === 0) {
    fw |= FW.DL_VLAN | FW.DL_VLAN_PCP;
  } else if (tciMask & VLAN_CFI && !(tci & VLAN_CFI)) {
    dlVlan = OFP10_VLAN_NONE;
  } else {
    if (!(tciMask & VLAN_VID_MASK)) fw |= FW.DL_VLAN;
    else dlVlan = tci & VLAN_VID_MASK;
    if (!(tciMask & VLAN_PCP_MASK)) fw |= FW.DL_VLAN_PCP;
    else dlPcp = (tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT;
  }
  w.u32(fw);
  w.u16(k[W.IN_PORT]!);
  w.uint(readMac(k, W.DL_SRC), 6);
  w.uint(readMac(k, W.DL_DST), 6);
  w.u16(dlVlan).u8(dlPcp).zeros(1);
  w.u16(k[W.DL_TYPE]!);
  w.u8(k[W.NW_TOS]! & 0xfc).u8(k[W.NW_PROTO]!).zeros(2);
  w.u32(k[W.NW_SRC]!).u32(k[W.NW_DST]!);
  w.u16(k[W.TP_SRC]!).u16(k[W.TP_DST]!);
}

/** Reads an OpenFlow 1.0 match, normalized as Open vSwitch normalizes it. */
export function pullOf10Match(r: Reader): Match {
  const fw = r.u32('ofp_match') & FW.ALL;
  const inPort = r.u16();
  const dlSrc = r.uint(6);
  const dlDst = r.uint(6);
  const dlVlan = r.u16();
  const dlPcp = r.u8();
  r.skip(1);
  const dlType = r.u16();
  const nwTos = r.u8();
  const nwProto = r.u8();
  r.skip(2);
  const nwSrc = r.u32();
  const nwDst = r.u32();
  const tpSrc = r.u16();
  const tpDst = r.u16();

  const m = catchAllMatch();
  const k = m.key;
  const mk = m.mask;
  if (!(fw & FW.IN_PORT)) {
    k[W.IN_PORT] = inPort;
    mk[W.IN_PORT] = 0xffffffff;
  }
  if (!(fw & FW.DL_SRC)) {
    writeMac(k, W.DL_SRC, dlSrc);
    writeMac(mk, W.DL_SRC, 0xffffffffffffn);
  }
  if (!(fw & FW.DL_DST)) {
    writeMac(k, W.DL_DST, dlDst);
    writeMac(mk, W.DL_DST, 0xffffffffffffn);
  }
  if (!(fw & FW.DL_TYPE)) {
    k[W.DL_TYPE] = dlType;
    mk[W.DL_TYPE] = 0xffff;
  }
  if (!(fw & FW.NW_TOS)) {
    k[W.NW_TOS] = nwTos & 0xfc;
    mk[W.NW_TOS] = 0xfc;
  }
  if (!(fw & FW.NW_PROTO)) {
    k[W.NW_PROTO] = nwProto;
    mk[W.NW_PROTO] = 0xff;
  }
  mk[W.NW_SRC] = wcBitsToMask((fw >> FW.NW_SRC_SHIFT) & 0x3f);
  k[W.NW_SRC] = nwSrc;
  mk[W.NW_DST] = wcBitsToMask((fw >> FW.NW_DST_SHIFT) & 0x3f);
  k[W.NW_DST] = nwDst;
  if (!(fw & FW.TP_SRC)) {
    k[W.TP_SRC] = tpSrc;
    mk[W.TP_SRC] = 0xffff;
  }
  if (!(fw & FW.TP_DST)) {
    k[W.TP_DST] = tpDst;
    mk[W.TP_DST] = 0xffff;
  }
  let tciMask = 0;
  if (!(fw & FW.DL_VLAN_PCP)) tciMask |= VLAN_PCP_MASK | VLAN_CFI;
  if (!(fw & FW.DL_VLAN)) tciMask |= VLAN_VID_MASK | VLAN_CFI;
  if (!(fw & FW.DL_VLAN) && dlVlan === OFP10_VLAN_NONE) {
    k[W.VLAN0] = 0;
    mk[W.VLAN0] = 0xffff;
  } else {
    k[W.VLAN0] = ((dlVlan & VLAN_VID_MASK) | ((dlPcp << VLAN_PCP_SHIFT) & VLAN_PCP_MASK) | VLAN_CFI) & tciMask;
    mk[W.VLAN0] = tciMask;
  }
  normalizeMatch(m);
  dropUnusable(m);
  return m;
}

/**
 * OpenFlow 1.0 carries every field whether or not the packet type has it; a switch
 * ignores the ones the match's dl_type / nw_proto rule out (tp_src without tcp…).
 */
function dropUnusable(m: Match): void {
  const k = m.key;
  const mk = m.mask;
  const dlType = mk[W.DL_TYPE] ? k[W.DL_TYPE] : undefined;
  const ip = dlType === ETH_TYPE.IP;
  const arp = dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP;
  const clear = (word: number): void => {
    k[word] = 0;
    mk[word] = 0;
  };
  if (!ip && !arp) {
    clear(W.NW_SRC);
    clear(W.NW_DST);
    clear(W.NW_PROTO);
  }
  if (!ip) clear(W.NW_TOS);
  const proto = mk[W.NW_PROTO] ? k[W.NW_PROTO] : undefined;
  const l4 = ip && (proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP || proto === IPPROTO.ICMP);
  if (!l4) {
    clear(W.TP_SRC);
    clear(W.TP_DST);
  }
}

export const OFPMT_STANDARD = 0;
export const OFPMT_OXM = 1;

/** Writes an OpenFlow 1.2+ `ofp_match` (OXM), padded to 8 bytes. */
export function putOxmMatch(w: Writer, m: Match, version: number): void {
  const start = w.length;
  w.u16(OFPMT_OXM).u16(0);
  putMatchTlvs(w, m, { flavor: 'oxm', version });
  w.setU16(start + 2, w.length - start);
  w.pad(start);
}

/** Reads an OpenFlow 1.2+ `ofp_match` and its padding. */
export function pullOxmMatch(r: Reader): Match {
  const type = r.u16('ofp_match type');
  const len = r.u16('ofp_match length');
  if (type !== OFPMT_OXM) throw new WireError('OFPBMC_BAD_TYPE', `match type ${type} is not OFPMT_OXM`);
  if (len < 4) throw new WireError('OFPBMC_BAD_LEN', `match length ${len} is shorter than its header`);
  const { match } = pullMatchTlvs(r, len - 4);
  const padded = (len + 7) & ~7;
  r.skip(padded - len, 'match padding');
  return match;
}
