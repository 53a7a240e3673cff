/**
 * NXM and OXM: the type-length-value match format. Nicira's NXM (OpenFlow 1.0 with
 * extensions) and OpenFlow 1.2+'s OXM share one layout — a 32-bit header (class, field,
 * has-mask bit, length), then the value and, when masked, the mask — and differ only in
 * which class/field numbers name a field. Open vSwitch writes each field with the newest
 * header the connection's version knows (OXM_OF_ETH_SRC under 1.3, NXM_OF_ETH_SRC under
 * NXM) and reads any header it knows in any version; we do the same.
 *
 * The table lists, per field, its headers oldest first; `since` is the first OpenFlow
 * version with that header (0 for Nicira's, usable everywhere).
 */
import { fieldByName, prereqOk, type Field } from '../../flow/fields.js';
import { fieldAllOnes, readField } from '../../flow/key.js';
import { ETH_TYPE, IPPROTO, N_REGS, VLAN_CFI, VLAN_PCP_MASK, VLAN_PCP_SHIFT, W } from '../../flow/layout.js';
import { catchAllMatch, type Match } from '../../flow/match.js';
import { isValueValid, setMatchField } from '../../flow/match-syntax.js';
import type { Reader, Writer } from './bytes.js';
import { ONF_EXPERIMENTER_ID, WireError } from './errors.js';
import { portFromOf11, portToOf11 } from './ports.js';

export const NXM_OF = 0x0000;
export const NXM_NX = 0x0001;
export const OXM_OF_BASIC = 0x8000;
export const OXM_EXPERIMENTER = 0xffff;
/** OpenFlow 1.5's packet registers: field N is the 64-bit pair reg(2N):reg(2N+1). */
export const OXM_PACKET_REGS = 0x8001;

/** The two 32-bit registers a 64-bit packet register (`xregN`) covers, high half first. */
export function xregHalves(hd: RawHeader): readonly [Field, Field] | undefined {
  if (hd.cls !== OXM_PACKET_REGS || hd.field >= N_REGS / 2 || hd.experimenter !== undefined) return undefined;
  return [fieldByName(`reg${2 * hd.field}`)!, fieldByName(`reg${2 * hd.field + 1}`)!];
}

export interface HeaderDef {
  readonly name: string;
  readonly cls: number;
  readonly field: number;
  /** Value length in bytes (the mask, when present, has the same). */
  readonly bytes: number;
  /** Our field it reads and writes. */
  readonly fieldName: string;
  /** Wire version from which Open vSwitch prefers it (0: any). */
  readonly since: number;
  readonly experimenter?: number;
}

function h(name: string, cls: number, field: number, bytes: number, fieldName: string, since = 0, experimenter?: number): HeaderDef {
  return { name, cls, field, bytes, fieldName, since, ...(experimenter !== undefined ? { experimenter } : {}) };
}

const V12 = 3;
const V13 = 4;
const V15 = 6;

export const HEADERS: readonly HeaderDef[] = [
  h('NXM_OF_IN_PORT', NXM_OF, 0, 2, 'in_port'),
  h('OXM_OF_IN_PORT', OXM_OF_BASIC, 0, 4, 'in_port', V12),
  h('OXM_OF_METADATA', OXM_OF_BASIC, 2, 8, 'metadata', V12),
  ...Array.from({ length: N_REGS }, (_, i) => h(`NXM_NX_REG${i}`, NXM_NX, i, 4, `reg${i}`)),
  h('NXM_NX_TUN_ID', NXM_NX, 16, 8, 'tun_id'),
  h('OXM_OF_TUNNEL_ID', OXM_OF_BASIC, 38, 8, 'tun_id', V13),
  h('NXM_NX_TUN_IPV4_SRC', NXM_NX, 31, 4, 'tun_src'),
  h('NXM_NX_TUN_IPV4_DST', NXM_NX, 32, 4, 'tun_dst'),
  h('NXM_NX_PKT_MARK', NXM_NX, 33, 4, 'pkt_mark'),
  h('NXM_NX_RECIRC_ID', NXM_NX, 36, 4, 'recirc_id'),
  h('NXM_OF_ETH_DST', NXM_OF, 1, 6, 'eth_dst'),
  h('OXM_OF_ETH_DST', OXM_OF_BASIC, 3, 6, 'eth_dst', V12),
  h('NXM_OF_ETH_SRC', NXM_OF, 2, 6, 'eth_src'),
  h('OXM_OF_ETH_SRC', OXM_OF_BASIC, 4, 6, 'eth_src', V12),
  h('NXM_OF_ETH_TYPE', NXM_OF, 3, 2, 'eth_type'),
  h('OXM_OF_ETH_TYPE', OXM_OF_BASIC, 5, 2, 'eth_type', V12),
  h('NXM_OF_VLAN_TCI', NXM_OF, 4, 2, 'vlan_tci'),
  h('OXM_OF_VLAN_VID', OXM_OF_BASIC, 6, 2, 'vlan_vid', V12),
  h('OXM_OF_VLAN_PCP', OXM_OF_BASIC, 7, 1, 'vlan_pcp', V12),
  h('NXM_OF_IP_TOS', NXM_OF, 5, 1, 'nw_tos'),
  h('OXM_OF_IP_DSCP', OXM_OF_BASIC, 8, 1, 'ip_dscp', V12),
  h('NXM_NX_IP_ECN', NXM_NX, 28, 1, 'nw_ecn'),
  h('OXM_OF_IP_ECN', OXM_OF_BASIC, 9, 1, 'nw_ecn', V12),
  h('NXM_NX_IP_TTL', NXM_NX, 29, 1, 'nw_ttl'),
  h('NXM_OF_IP_PROTO', NXM_OF, 6, 1, 'nw_proto'),
  h('OXM_OF_IP_PROTO', OXM_OF_BASIC, 10, 1, 'nw_proto', V12),
  h('NXM_OF_IP_SRC', NXM_OF, 7, 4, 'ip_src'),
  h('OXM_OF_IPV4_SRC', OXM_OF_BASIC, 11, 4, 'ip_src', V12),
  h('NXM_OF_IP_DST', NXM_OF, 8, 4, 'ip_dst'),
  h('OXM_OF_IPV4_DST', OXM_OF_BASIC, 12, 4, 'ip_dst', V12),
  h('NXM_NX_IP_FRAG', NXM_NX, 26, 1, 'ip_frag'),
  h('NXM_NX_IPV6_SRC', NXM_NX, 19, 16, 'ipv6_src'),
  h('OXM_OF_IPV6_SRC', OXM_OF_BASIC, 26, 16, 'ipv6_src', V12),
  h('NXM_NX_IPV6_DST', NXM_NX, 20, 16, 'ipv6_dst'),
  h('OXM_OF_IPV6_DST', OXM_OF_BASIC, 27, 16, 'ipv6_dst', V12),
  h('NXM_NX_IPV6_LABEL', NXM_NX, 27, 4, 'ipv6_label'),
  h('OXM_OF_IPV6_FLABEL', OXM_OF_BASIC, 28, 4, 'ipv6_label', V12),
  h('NXM_OF_ARP_OP', NXM_OF, 15, 2, 'arp_op'),
  h('OXM_OF_ARP_OP', OXM_OF_BASIC, 21, 2, 'arp_op', V12),
  h('NXM_OF_ARP_SPA', NXM_OF, 16, 4, 'arp_spa'),
  h('OXM_OF_ARP_SPA', OXM_OF_BASIC, 22, 4, 'arp_spa', V12),
  h('NXM_OF_ARP_TPA', NXM_OF, 17, 4, 'arp_tpa'),
  h('OXM_OF_ARP_TPA', OXM_OF_BASIC, 23, 4, 'arp_tpa', V12),
  h('NXM_NX_ARP_SHA', NXM_NX, 17, 6, 'arp_sha'),
  h('OXM_OF_ARP_SHA', OXM_OF_BASIC, 24, 6, 'arp_sha', V12),
  h('NXM_NX_ARP_THA', NXM_NX, 18, 6, 'arp_tha'),
  h('OXM_OF_ARP_THA', OXM_OF_BASIC, 25, 6, 'arp_tha', V12),
  h('NXM_OF_TCP_SRC', NXM_OF, 9, 2, 'tcp_src'),
  h('OXM_OF_TCP_SRC', OXM_OF_BASIC, 13, 2, 'tcp_src', V12),
  h('NXM_OF_TCP_DST', NXM_OF, 10, 2, 'tcp_dst'),
  h('OXM_OF_TCP_DST', OXM_OF_BASIC, 14, 2, 'tcp_dst', V12),
  h('NXM_NX_TCP_FLAGS', NXM_NX, 34, 2, 'tcp_flags'),
  h('ONFOXM_ET_TCP_FLAGS', OXM_EXPERIMENTER, 42, 2, 'tcp_flags', V13, ONF_EXPERIMENTER_ID),
  h('OXM_OF_TCP_FLAGS', OXM_OF_BASIC, 42, 2, 'tcp_flags', V15),
  h('NXM_OF_UDP_SRC', NXM_OF, 11, 2, 'udp_src'),
  h('OXM_OF_UDP_SRC', OXM_OF_BASIC, 15, 2, 'udp_src', V12),
  h('NXM_OF_UDP_DST', NXM_OF, 12, 2, 'udp_dst'),
  h('OXM_OF_UDP_DST', OXM_OF_BASIC, 16, 2, 'udp_dst', V12),
  h('OXM_OF_SCTP_SRC', OXM_OF_BASIC, 17, 2, 'sctp_src', V12),
  h('OXM_OF_SCTP_DST', OXM_OF_BASIC, 18, 2, 'sctp_dst', V12),
  h('NXM_OF_ICMP_TYPE', NXM_OF, 13, 1, 'icmp_type'),
  h('OXM_OF_ICMPV4_TYPE', OXM_OF_BASIC, 19, 1, 'icmp_type', V12),
  h('NXM_OF_ICMP_CODE', NXM_OF, 14, 1, 'icmp_code'),
  h('OXM_OF_ICMPV4_CODE', OXM_OF_BASIC, 20, 1, 'icmp_code', V12),
  h('NXM_NX_ICMPV6_TYPE', NXM_NX, 21, 1, 'icmpv6_type'),
  h('OXM_OF_ICMPV6_TYPE', OXM_OF_BASIC, 29, 1, 'icmpv6_type', V12),
  h('NXM_NX_ICMPV6_CODE', NXM_NX, 22, 1, 'icmpv6_code'),
  h('OXM_OF_ICMPV6_CODE', OXM_OF_BASIC, 30, 1, 'icmpv6_code', V12),
  h('NXM_NX_ND_TARGET', NXM_NX, 23, 16, 'nd_target'),
  h('OXM_OF_IPV6_ND_TARGET', OXM_OF_BASIC, 31, 16, 'nd_target', V12),
  h('NXM_NX_ND_SLL', NXM_NX, 24, 6, 'nd_sll'),
  h('OXM_OF_IPV6_ND_SLL', OXM_OF_BASIC, 32, 6, 'nd_sll', V12),
  h('NXM_NX_ND_TLL', NXM_NX, 25, 6, 'nd_tll'),
  h('OXM_OF_IPV6_ND_TLL', OXM_OF_BASIC, 33, 6, 'nd_tll', V12),
];

/** NXM_NX_COOKIE: a flow-mod or flow-stats cookie with mask, carried inside an NXM match. */
export const NXM_NX_COOKIE = { cls: NXM_NX, field: 30, bytes: 8 } as const;

function key(cls: number, field: number, experimenter = 0): string {
  return `${cls}:${field}:${experimenter}`;
}

const byWire = new Map<string, HeaderDef>();
const byField = new Map<string, HeaderDef[]>();
for (const d of HEADERS) {
  byWire.set(key(d.cls, d.field, d.experimenter), d);
  const list = byField.get(d.fieldName) ?? [];
  list.push(d);
  byField.set(d.fieldName, list);
}

/**
 * The header Open vSwitch writes for `field` under wire version `version`: the newest
 * one the version knows. Version 0 asks for the plain NXM choice (reg_load, reg_move).
 */
export function headerFor(field: Field, version: number): HeaderDef | undefined {
  const list = byField.get(field.name);
  if (!list) return undefined;
  if (version === 0) return list[0];
  let best = list[0];
  for (const d of list) if (version >= d.since) best = d;
  return best;
}

/** Writes a TLV header; `bytes` is the value length, doubled when masked. */
export function putHeader(w: Writer, d: HeaderDef, masked: boolean): void {
  const valueLen = masked ? d.bytes * 2 : d.bytes;
  if (d.experimenter !== undefined) {
    w.u32(((d.cls << 16) | (d.field << 9) | (masked ? 0x100 : 0) | (valueLen + 4)) >>> 0);
    w.u32(d.experimenter);
  } else {
    w.u32(((d.cls << 16) | (d.field << 9) | (masked ? 0x100 : 0) | valueLen) >>> 0);
  }
}

/** A header as read from the wire. */
export interface RawHeader {
  readonly cls: number;
  readonly field: number;
  readonly masked: boolean;
  /** Payload length after the header (and after the experimenter id, if any). */
  readonly len: number;
  readonly experimenter?: number;
  readonly def: HeaderDef | undefined;
}

/** Reads a header (with the experimenter id when the class says so). */
export function pullHeader(r: Reader): RawHeader {
  const hdr = r.u32('OXM header');
  const cls = hdr >>> 16;
  const field = (hdr >>> 9) & 0x7f;
  const masked = (hdr & 0x100) !== 0;
  let len = hdr & 0xff;
  let experimenter: number | undefined;
  if (cls === OXM_EXPERIMENTER) {
    if (len < 4) throw new WireError('OFPBMC_BAD_LEN', `experimenter OXM header with length ${len}`);
    experimenter = r.u32('OXM experimenter');
    len -= 4;
  }
  const def = byWire.get(key(cls, field, experimenter));
  return { cls, field, masked, len, ...(experimenter !== undefined ? { experimenter } : {}), def };
}

/** Names a header for messages, known or not. */
export function headerText(hd: RawHeader): string {
  return hd.def?.name ?? `${hd.cls.toString(16).padStart(4, '0')}:${hd.field}`;
}

export function fieldOfHeader(d: HeaderDef): Field {
  const f = fieldByName(d.fieldName);
  if (!f) throw new Error(`field table has no ${d.fieldName}`);
  return f;
}

// ---------------------------------------------------------------------------------------
// Values as the wire carries them

/** A field's value as its header carries it (in_port in 32 bits under OXM). */
function wireValue(d: HeaderDef, v: bigint): bigint {
  if (d.fieldName === 'in_port' && d.bytes === 4) return BigInt(portToOf11(Number(v)));
  return v;
}

function wireValueBack(d: HeaderDef, v: bigint): bigint {
  if (d.fieldName === 'in_port' && d.bytes === 4) {
    const p = portFromOf11(Number(v));
    if (p === undefined) throw new WireError('OFPBMC_BAD_VALUE', `in_port ${v} is not a valid port`);
    return BigInt(p);
  }
  return v;
}

// ---------------------------------------------------------------------------------------
// Matches

export type TlvFlavor = 'nxm' | 'oxm';

/** One entry of a match as it goes on the wire. */
interface Entry {
  readonly field: Field;
  readonly value: bigint;
  /** Undefined when exact. */
  readonly mask?: bigint | undefined;
}

const f = (name: string): Field => fieldByName(name)!;

/** Fields in the order Open vSwitch writes them (prerequisites before dependents). */
const META = ['in_port', 'metadata', 'tun_id', 'tun_src', 'tun_dst', 'pkt_mark', 'recirc_id', ...Array.from({ length: N_REGS }, (_, i) => `reg${i}`)].map(f);
const L2 = ['eth_dst', 'eth_src'].map(f);
const IP4 = ['ip_src', 'ip_dst'].map(f);
const IP6 = ['ipv6_src', 'ipv6_dst', 'ipv6_label'].map(f);
const ARP = ['arp_spa', 'arp_tpa', 'arp_sha', 'arp_tha'].map(f);
const L4 = ['tcp_src', 'tcp_dst', 'tcp_flags', 'udp_src', 'udp_dst', 'sctp_src', 'sctp_dst'].map(f);
const ICMP4 = ['icmp_type', 'icmp_code'].map(f);
const ICMP6 = ['icmpv6_type', 'icmpv6_code', 'nd_target', 'nd_sll', 'nd_tll'].map(f);

function masked(m: Match, field: Field): Entry | undefined {
  const mask = readField(m.mask, field);
  if (mask === 0n) return undefined;
  const value = readField(m.key, field);
  return { field, value, mask: mask === fieldAllOnes(field) ? undefined : mask };
}

function exactOf(m: Match, field: Field): Entry | undefined {
  const e = masked(m, field);
  return e && { field, value: e.value };
}

/** The entries of a match, in wire order, for one flavor. */
function entriesOf(m: Match, flavor: TlvFlavor): Entry[] {
  const out: Entry[] = [];
  const add = (e: Entry | undefined): void => {
    if (e) out.push(e);
  };
  for (const fl of META) add(fl.maskable ? masked(m, fl) : exactOf(m, fl));
  for (const fl of L2) add(masked(m, fl));
  const tci = m.key[W.VLAN0]! & 0xffff;
  const tciMask = m.mask[W.VLAN0]! & 0xffff;
  if (tciMask !== 0) {
    if (flavor === 'nxm') {
      add({ field: f('vlan_tci'), value: BigInt(tci), mask: tciMask === 0xffff ? undefined : BigInt(tciMask) });
    } else {
      // OXM splits the tag: a VID with its "present" bit (maskable), and an exact PCP.
      const vidMask = tciMask & 0x1fff;
      if (vidMask) add({ field: f('vlan_vid'), value: BigInt(tci & vidMask), mask: vidMask === 0x1fff ? undefined : BigInt(vidMask) });
      if ((tci & VLAN_CFI) && (tciMask & VLAN_PCP_MASK) === VLAN_PCP_MASK) {
        add({ field: f('vlan_pcp'), value: BigInt((tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT), mask: undefined });
      }
    }
  }
  if (m.mask[W.DL_TYPE]) add({ field: f('eth_type'), value: BigInt(m.key[W.DL_TYPE]!), mask: undefined });
  const dlType = m.key[W.DL_TYPE];
  const ipAny = dlType === ETH_TYPE.IP || dlType === ETH_TYPE.IPV6;
  if (ipAny) {
    if (m.mask[W.NW_PROTO]) add({ field: f('nw_proto'), value: BigInt(m.key[W.NW_PROTO]! & 0xff), mask: undefined });
    if (m.mask[W.NW_TOS]! & 0xfc) {
      const tos = m.key[W.NW_TOS]! & 0xfc;
      add(flavor === 'oxm' ? { field: f('ip_dscp'), value: BigInt(tos >> 2), mask: undefined } : { field: f('nw_tos'), value: BigInt(tos), mask: undefined });
    }
    if (m.mask[W.NW_TOS]! & 3) add({ field: f('nw_ecn'), value: BigInt(m.key[W.NW_TOS]! & 3), mask: undefined });
    if (m.mask[W.NW_TTL]) add({ field: f('nw_ttl'), value: BigInt(m.key[W.NW_TTL]! & 0xff), mask: undefined });
    add(masked(m, f('ip_frag')));
    for (const fl of dlType === ETH_TYPE.IP ? IP4 : IP6) add(masked(m, fl));
    const proto = m.key[W.NW_PROTO];
    if (m.mask[W.NW_PROTO]) {
      if (proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP) {
        for (const fl of L4) if (prereqOk(fl.prereq, m.key)) add(masked(m, fl));
      } else if (proto === IPPROTO.ICMP && dlType === ETH_TYPE.IP) {
        for (const fl of ICMP4) add(exactOf(m, fl));
      } else if (proto === IPPROTO.ICMPV6 && dlType === ETH_TYPE.IPV6) {
        for (const fl of ICMP6) if (prereqOk(fl.prereq, m.key)) add(fl.maskable ? masked(m, fl) : exactOf(m, fl));
      }
    }
  } else if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    if (m.mask[W.NW_PROTO]) add({ field: f('arp_op'), value: BigInt(m.key[W.NW_PROTO]! & 0xff), mask: undefined });
    for (const fl of ARP) add(masked(m, fl));
  }
  return out;
}

/**
 * Writes the TLVs of a match (no padding, no ofp_match wrapper). Throws a `WireError`
 * (OFPBMC_BAD_FIELD) when a matched field has no header in this flavor.
 */
export function putMatchTlvs(w: Writer, m: Match, opts: { flavor: TlvFlavor; version: number }): void {
  for (const e of entriesOf(m, opts.flavor)) {
    const d = headerFor(e.field, opts.flavor === 'nxm' ? 0 : opts.version);
    if (!d) throw new WireError('OFPBMC_BAD_FIELD', `${e.field.name} has no NXM/OXM header`);
    putHeader(w, d, e.mask !== undefined);
    w.uint(wireValue(d, e.value), d.bytes);
    if (e.mask !== undefined) w.uint(e.mask, d.bytes);
  }
}

export interface PulledMatch {
  readonly match: Match;
  /** NXM_NX_COOKIE(_W), where the message allows one. */
  readonly cookie?: { readonly value: bigint; readonly mask: bigint };
}

/** Fields whose prerequisite we relax as Open vSwitch does (VID may say "no tag"). */
const NO_PREREQ_CHECK = new Set(['vlan_vid', 'vlan_tci']);

/**
 * Reads `len` bytes of TLVs into a match, checking them as a switch must: known header
 * (OFPBMC_BAD_FIELD), right length (OFPBMC_BAD_LEN), mask allowed (OFPBMC_BAD_MASK), no
 * value bits outside the mask (OFPBMC_BAD_WILDCARDS), valid value (OFPBMC_BAD_VALUE),
 * prerequisites present earlier in the match (OFPBMC_BAD_PREREQ), no field twice
 * (OFPBMC_DUP_FIELD).
 */
export function pullMatchTlvs(r: Reader, len: number, opts: { allowCookie?: boolean } = {}): PulledMatch {
  const sub = r.sub(len, 'match', 'OFPBMC_BAD_LEN');
  const m = catchAllMatch();
  let cookie: { value: bigint; mask: bigint } | undefined;
  while (sub.remaining > 0) {
    const hd = pullHeader(sub);
    if (!hd.def && opts.allowCookie && hd.cls === NXM_NX_COOKIE.cls && hd.field === NXM_NX_COOKIE.field && hd.experimenter === undefined) {
      if (hd.len !== (hd.masked ? 16 : 8)) throw new WireError('OFPBMC_BAD_LEN', `NXM_NX_COOKIE with length ${hd.len}`);
      if (cookie) throw new WireError('OFPBMC_DUP_FIELD', 'NXM_NX_COOKIE appears twice');
      const value = sub.u64();
      cookie = { value, mask: hd.masked ? sub.u64() : (1n << 64n) - 1n };
      continue;
    }
    const halves = xregHalves(hd);
    if (halves) {
      pullXreg(sub, hd, halves, m);
      continue;
    }
    const d = hd.def;
    if (!d) throw new WireError('OFPBMC_BAD_FIELD', `unknown match field ${headerText(hd)}`);
    const field = fieldOfHeader(d);
    if (hd.len !== (hd.masked ? 2 * d.bytes : d.bytes)) throw new WireError('OFPBMC_BAD_LEN', `${d.name} with length ${hd.len}`);
    const raw = sub.uint(d.bytes, d.name);
    const rawMask = hd.masked ? sub.uint(d.bytes, d.name) : undefined;
    if (rawMask !== undefined && !field.maskable && !(d.fieldName === 'in_port' && rawMask === (1n << BigInt(d.bytes * 8)) - 1n)) {
      throw new WireError('OFPBMC_BAD_MASK', `${d.name} cannot be masked`);
    }
    if (rawMask !== undefined && (raw & ~rawMask) !== 0n) throw new WireError('OFPBMC_BAD_WILDCARDS', `${d.name} value has bits outside its mask`);
    const value = wireValueBack(d, raw);
    const all = fieldAllOnes(field);
    const mask = rawMask === undefined || d.fieldName === 'in_port' ? all : rawMask & all;
    if ((value & ~all) !== 0n || !isValueValid(field, value)) throw new WireError('OFPBMC_BAD_VALUE', `${d.name} value 0x${raw.toString(16)} is out of range`);
    if (!NO_PREREQ_CHECK.has(field.name) && !prereqOk(field.prereq, m.key)) {
      throw new WireError('OFPBMC_BAD_PREREQ', `${d.name} without its prerequisite (${field.prereq})`);
    }
    if (alreadySet(m, field)) throw new WireError('OFPBMC_DUP_FIELD', `${d.name} appears twice`);
    setMatchField(m, field, value & mask, mask);
  }
  return { match: m, ...(cookie ? { cookie } : {}) };
}

/** A 64-bit packet register in a match: two 32-bit registers, each set if its half is matched. */
function pullXreg(r: Reader, hd: RawHeader, halves: readonly [Field, Field], m: Match): void {
  if (hd.len !== (hd.masked ? 16 : 8)) throw new WireError('OFPBMC_BAD_LEN', `packet register ${hd.field} with length ${hd.len}`);
  const value = r.u64();
  const mask = hd.masked ? r.u64() : (1n << 64n) - 1n;
  if ((value & ~mask) !== 0n) throw new WireError('OFPBMC_BAD_WILDCARDS', `packet register ${hd.field} value has bits outside its mask`);
  halves.forEach((f, i) => {
    const shift = i === 0 ? 32n : 0n;
    const v = (value >> shift) & 0xffffffffn;
    const mk = (mask >> shift) & 0xffffffffn;
    if (mk === 0n) return;
    if (readField(m.mask, f) !== 0n) throw new WireError('OFPBMC_DUP_FIELD', `${f.name} appears twice`);
    setMatchField(m, f, v, mk);
  });
}

/** Whether a match already constrains the storage of `field`. */
function alreadySet(m: Match, field: Field): boolean {
  if (field.name === 'vlan_pcp') return (m.mask[W.VLAN0]! & VLAN_PCP_MASK) !== 0;
  if (field.name === 'vlan_vid') return (m.mask[W.VLAN0]! & 0x0fff) !== 0;
  if (field.name === 'nw_tos' || field.name === 'ip_dscp') return (m.mask[W.NW_TOS]! & 0xfc) !== 0;
  if (field.name === 'nw_ecn') return (m.mask[W.NW_TOS]! & 3) !== 0;
  if (field.name === 'arp_op') return m.mask[W.NW_PROTO] !== 0;
  return readField(m.mask, field) !== 0n;
}

