/**
 * Printing matches as OVS prints them (lib/match.c's match_format): the text of
 * `ovs-ofctl dump-flows`, of the `Megaflow:` line of ofproto/trace and, through
 * flow-format.ts, of its `Flow:` lines.
 *
 * The order of the fields and their spelling follow OVS exactly, since users and our
 * differential tests compare the text: protocol shorthands (tcp, arp6...) stand for
 * eth_type and ip_proto, fields that share storage print under the name the packet type
 * gives them (nw_src or arp_spa, tp_src or icmp_type), masks print as CIDR prefixes when
 * they are prefixes, and VLAN tags print as dl_vlan/dl_vlan_pcp when they can.
 */
import { formatIpv4, formatIpv6, formatMac, prefixLength } from './addr.js';
import { ETH_TYPE, FRAG_ANY, FRAG_LATER, FRAG_MASK, IPPROTO, N_REGS, VLAN_CFI, VLAN_PCP_MASK, VLAN_PCP_SHIFT, VLAN_VID_MASK, W } from './layout.js';
import type { Match } from './match.js';
import { formatPort, type PortMap } from './ports.js';
import { TCP_FLAG_NAMES } from './match-syntax.js';

/** OpenFlow's default flow priority, which OVS leaves out when printing. */
const DEFAULT_PRIORITY = 0x8000;

export interface FormatMatchOptions {
  /** Printed as `priority=N` first, unless it is the default 0x8000. */
  readonly priority?: number;
  /** Print as a datapath megaflow: recirc_id and the `eth` packet type always appear. */
  readonly megaflow?: boolean;
  readonly ports?: PortMap;
  /**
   * How tunnel metadata prints: 'match' (default) prints only matched fields; 'packet'
   * is flow_format's view of a packet that arrived over a tunnel, which lists every
   * tunnel field OVS keeps (we hold no tunnel flags, ToS or TTL, so those print as 0).
   */
  readonly tunnel?: 'match' | 'packet';
}

const u32 = (v: number): number => v >>> 0;
const hex = (v: number | bigint): string => (v === 0 || v === 0n ? '0' : `0x${v.toString(16)}`);

function read64(words: Uint32Array, at: number): bigint {
  return (BigInt(words[at]!) << 32n) | BigInt(words[at + 1]!);
}
function read48(words: Uint32Array, at: number): bigint {
  return read64(words, at) & 0xffffffffffffn;
}
function read128(words: Uint32Array, at: number): bigint {
  return (read64(words, at) << 64n) | read64(words, at + 2);
}

/** Collects `name=value` parts; the caller joins them with commas. */
class Parts {
  readonly list: string[] = [];
  add(s: string): void {
    this.list.push(s);
  }
  /** OVS's format_uint32_masked: hex, with `/mask` unless exact. */
  hex32(name: string, v: number, m: number): void {
    if (m === 0) return;
    this.add(`${name}=${hex(u32(v))}${u32(m) === 0xffffffff ? '' : `/${hex(u32(m))}`}`);
  }
  hex64(name: string, v: bigint, m: bigint): void {
    if (m === 0n) return;
    this.add(`${name}=${hex(v)}${m === 0xffffffffffffffffn ? '' : `/${hex(m)}`}`);
  }
  /** OVS's format_be16_masked: decimal when exact, else `0xV/0xM`. */
  be16(name: string, v: number, m: number): void {
    m &= 0xffff;
    if (m === 0) return;
    this.add(m === 0xffff ? `${name}=${v & 0xffff}` : `${name}=0x${(v & 0xffff).toString(16)}/0x${m.toString(16)}`);
  }
  ip(name: string, v: number, m: number): void {
    if (u32(m) === 0) return;
    this.add(`${name}=${formatIpv4(v)}${ipMaskSuffix(u32(m))}`);
  }
  ipv6(name: string, v: bigint, m: bigint): void {
    if (m === 0n) return;
    let s = `${name}=${formatIpv6(v)}`;
    if (m !== (1n << 128n) - 1n) {
      const plen = prefixLength(m, 128);
      s += plen >= 0 ? `/${plen}` : `/${formatIpv6(m)}`;
    }
    this.add(s);
  }
  mac(name: string, v: bigint, m: bigint): void {
    if (m === 0n) return;
    this.add(`${name}=${formatMac(v)}${m === 0xffffffffffffn ? '' : `/${formatMac(m)}`}`);
  }
}

function ipMaskSuffix(m: number): string {
  if (m === 0xffffffff) return '';
  const plen = prefixLength(BigInt(m), 32);
  return plen >= 0 ? `/${plen}` : `/${formatIpv4(m)}`;
}

/** TCP flags as OVS prints them: `syn|ack` when all are matched, else `+syn-ack`. */
export function formatTcpFlags(flags: number, mask: number): string {
  if (mask === 0xfff) {
    if (flags === 0) return '0';
    const names: string[] = [];
    let bad = 0;
    for (let bit = 1; bit <= 0x800; bit <<= 1) {
      if (!(flags & bit)) continue;
      const name = TCP_FLAG_NAMES.find(([b]) => b === bit)?.[1];
      if (name) names.push(name);
      else bad |= bit;
    }
    if (bad) names.push(`0x${bad.toString(16)}`);
    return names.join('|');
  }
  if (mask === 0) return '0/0';
  let s = '';
  for (let bit = 1; bit <= 0x800; bit <<= 1) {
    if (!(mask & bit)) continue;
    const name = TCP_FLAG_NAMES.find(([b]) => b === bit)?.[1] ?? '[Unknown]';
    s += `${flags & bit ? '+' : '-'}${name}`;
  }
  return s;
}

function formatFrag(p: Parts, v: number, m: number): void {
  switch (m & FRAG_MASK) {
    case FRAG_ANY | FRAG_LATER:
      p.add(`nw_frag=${v & FRAG_ANY ? (v & FRAG_LATER ? 'later' : 'first') : v & FRAG_LATER ? '<error>' : 'no'}`);
      break;
    case FRAG_ANY:
      p.add(`nw_frag=${v & FRAG_ANY ? 'yes' : 'no'}`);
      break;
    case FRAG_LATER:
      p.add(`nw_frag=${v & FRAG_LATER ? 'later' : 'not_later'}`);
      break;
  }
}

/** The protocol keyword that stands for eth_type (and ip_proto, when `withProto`). */
function shorthandOf(dlType: number, proto: number, protoMatched: boolean): { word: string; coversProto: boolean } | undefined {
  if (dlType === ETH_TYPE.IP || dlType === ETH_TYPE.IPV6) {
    const v6 = dlType === ETH_TYPE.IPV6;
    if (protoMatched) {
      const l4: Record<number, string> = v6
        ? { [IPPROTO.ICMPV6]: 'icmp6', [IPPROTO.TCP]: 'tcp6', [IPPROTO.UDP]: 'udp6', [IPPROTO.SCTP]: 'sctp6' }
        : { [IPPROTO.ICMP]: 'icmp', [IPPROTO.TCP]: 'tcp', [IPPROTO.UDP]: 'udp', [IPPROTO.SCTP]: 'sctp' };
      const word = l4[proto];
      if (word) return { word, coversProto: true };
    }
    return { word: v6 ? 'ipv6' : 'ip', coversProto: false };
  }
  const other: Record<number, string> = {
    [ETH_TYPE.ARP]: 'arp',
    [ETH_TYPE.RARP]: 'rarp',
    [ETH_TYPE.MPLS]: 'mpls',
    [ETH_TYPE.MPLS_MCAST]: 'mplsm',
  };
  const word = other[dlType];
  return word ? { word, coversProto: false } : undefined;
}

function formatVlans(p: Parts, k: Uint32Array, m: Uint32Array): void {
  const words = [W.VLAN0, W.VLAN1];
  for (let i = 0; i < words.length; i++) {
    const tci = k[words[i]!]! & 0xffff;
    const mask = m[words[i]!]! & 0xffff;
    if (mask === 0) break;
    const suffix = i === 0 ? '' : String(i);
    const vidMask = mask & VLAN_VID_MASK;
    const pcpMask = mask & VLAN_PCP_MASK;
    if (
      mask & VLAN_CFI &&
      tci & VLAN_CFI &&
      (vidMask === 0 || vidMask === VLAN_VID_MASK) &&
      (pcpMask === 0 || pcpMask === VLAN_PCP_MASK) &&
      (vidMask || pcpMask)
    ) {
      if (vidMask) p.add(`dl_vlan${suffix}=${tci & VLAN_VID_MASK}`);
      if (pcpMask) p.add(`dl_vlan_pcp${suffix}=${(tci & VLAN_PCP_MASK) >>> VLAN_PCP_SHIFT}`);
    } else if (mask === 0xffff) {
      p.add(`vlan_tci${suffix}=0x${tci.toString(16).padStart(4, '0')}`);
    } else {
      p.add(`vlan_tci${suffix}=0x${tci.toString(16).padStart(4, '0')}/0x${mask.toString(16).padStart(4, '0')}`);
    }
  }
}

function formatTunnel(p: Parts, k: Uint32Array, m: Uint32Array, style: 'match' | 'packet'): void {
  if (style === 'packet' && k[W.TUN_DST] !== 0) {
    // A packet that came in over a tunnel: OVS lists its whole tunnel header. Without
    // tunnel flags we cannot tell whether it carried a key, and ofproto/trace's parsed
    // flows carry none, so tun_id is left out as OVS leaves it out for those.
    p.ip('tun_src', k[W.TUN_SRC]!, 0xffffffff);
    p.ip('tun_dst', k[W.TUN_DST]!, 0xffffffff);
    p.add('tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0');
    p.add('tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0');
    return;
  }
  p.hex64('tun_id', read64(k, W.TUN_ID), read64(m, W.TUN_ID));
  p.ip('tun_src', k[W.TUN_SRC]!, m[W.TUN_SRC]!);
  p.ip('tun_dst', k[W.TUN_DST]!, m[W.TUN_DST]!);
}

/**
 * Prints a match as OVS's match_format does; the catch-all match prints as "".
 *
 * @example formatMatch(parseMatch('tcp,nw_src=10.0.0.0/8')) // 'tcp,nw_src=10.0.0.0/8'
 */
export function formatMatch(match: Match, opts: FormatMatchOptions = {}): string {
  const k = match.key;
  const m = match.mask;
  const p = new Parts();

  if (opts.priority !== undefined && opts.priority !== DEFAULT_PRIORITY) p.add(`priority=${opts.priority}`);
  p.hex32('pkt_mark', k[W.PKT_MARK]!, m[W.PKT_MARK]!);
  const megaflow = opts.megaflow === true || m[W.RECIRC_ID] !== 0;
  if (megaflow) p.hex32('recirc_id', k[W.RECIRC_ID]!, 0xffffffff);
  if (m[W.SKB_PRIORITY] !== 0) p.add(`skb_priority=${hex(k[W.SKB_PRIORITY]!)}`);
  if (megaflow) p.add('eth');

  const dlType = k[W.DL_TYPE]!;
  const proto = k[W.NW_PROTO]! & 0xff;
  const protoMatched = (m[W.NW_PROTO]! & 0xff) !== 0;
  let skipType = false;
  let skipProto = false;
  if (m[W.DL_TYPE] !== 0) {
    const sh = shorthandOf(dlType, proto, protoMatched);
    if (sh) {
      p.add(sh.word);
      skipType = true;
      skipProto = sh.coversProto;
    }
  }

  for (let i = 0; i < N_REGS; i++) p.hex32(`reg${i}`, k[W.REG0 + i]!, m[W.REG0 + i]!);
  formatTunnel(p, k, m, opts.tunnel ?? 'match');
  p.hex64('metadata', read64(k, W.METADATA), read64(m, W.METADATA));
  if (m[W.IN_PORT] !== 0) p.add(`in_port=${formatPort(k[W.IN_PORT]!, opts.ports)}`);
  formatVlans(p, k, m);
  p.mac('dl_src', read48(k, W.DL_SRC), read48(m, W.DL_SRC));
  p.mac('dl_dst', read48(k, W.DL_DST), read48(m, W.DL_DST));
  if (!skipType && m[W.DL_TYPE] !== 0) p.add(`dl_type=0x${dlType.toString(16).padStart(4, '0')}`);

  const isArp = dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP;
  if (dlType === ETH_TYPE.IPV6) {
    p.ipv6('ipv6_src', read128(k, W.IPV6_SRC), read128(m, W.IPV6_SRC));
    p.ipv6('ipv6_dst', read128(k, W.IPV6_DST), read128(m, W.IPV6_DST));
    const lm = m[W.IPV6_LABEL]! & 0xfffff;
    if (lm !== 0) {
      const lv = `0x${(k[W.IPV6_LABEL]! & 0xfffff).toString(16).padStart(5, '0')}`;
      p.add(lm === 0xfffff ? `ipv6_label=${lv}` : `ipv6_label=${lv}/0x${lm.toString(16).padStart(5, '0')}`);
    }
  } else if (isArp) {
    p.ip('arp_spa', k[W.NW_SRC]!, m[W.NW_SRC]!);
    p.ip('arp_tpa', k[W.NW_DST]!, m[W.NW_DST]!);
  } else {
    p.ip('nw_src', k[W.NW_SRC]!, m[W.NW_SRC]!);
    p.ip('nw_dst', k[W.NW_DST]!, m[W.NW_DST]!);
  }
  if (!skipProto && protoMatched) p.add(`${isArp ? 'arp_op' : 'nw_proto'}=${proto}`);
  if (isArp) {
    p.mac('arp_sha', read48(k, W.ARP_SHA), read48(m, W.ARP_SHA));
    p.mac('arp_tha', read48(k, W.ARP_THA), read48(m, W.ARP_THA));
  }
  const tos = k[W.NW_TOS]!;
  const tosMask = m[W.NW_TOS]!;
  if (tosMask & 0xfc) p.add(`nw_tos=${tos & 0xfc}`);
  if (tosMask & 0x03) p.add(`nw_ecn=${tos & 0x03}`);
  if ((m[W.NW_TTL]! & 0xff) !== 0) p.add(`nw_ttl=${k[W.NW_TTL]! & 0xff}`);
  formatFrag(p, k[W.NW_FRAG]!, m[W.NW_FRAG]!);

  if (dlType === ETH_TYPE.IP && proto === IPPROTO.ICMP) {
    p.be16('icmp_type', k[W.TP_SRC]!, m[W.TP_SRC]!);
    p.be16('icmp_code', k[W.TP_DST]!, m[W.TP_DST]!);
  } else if (dlType === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6) {
    p.be16('icmp_type', k[W.TP_SRC]!, m[W.TP_SRC]!);
    p.be16('icmp_code', k[W.TP_DST]!, m[W.TP_DST]!);
    p.ipv6('nd_target', read128(k, W.ND_TARGET), read128(m, W.ND_TARGET));
    p.mac('nd_sll', read48(k, W.ARP_SHA), read48(m, W.ARP_SHA));
    p.mac('nd_tll', read48(k, W.ARP_THA), read48(m, W.ARP_THA));
    // ICMPv6 keeps the ND option type where TCP keeps its flags.
    p.be16('nd_options_type', k[W.TCP_FLAGS]!, m[W.TCP_FLAGS]!);
  } else {
    p.be16('tp_src', k[W.TP_SRC]!, m[W.TP_SRC]!);
    p.be16('tp_dst', k[W.TP_DST]!, m[W.TP_DST]!);
  }
  const ipAny = dlType === ETH_TYPE.IP || dlType === ETH_TYPE.IPV6;
  const flagsMask = m[W.TCP_FLAGS]! & 0xfff;
  if (ipAny && proto === IPPROTO.TCP && flagsMask !== 0) {
    p.add(`tcp_flags=${formatTcpFlags(k[W.TCP_FLAGS]! & 0xfff, flagsMask)}`);
  }
  return p.list.join(',');
}
