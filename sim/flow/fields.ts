/**
 * The field table: every field a flow key holds, where it is stored, how it is written
 * in OVS's flow syntax and what it requires of the packet (its prerequisites).
 *
 * This is the one place that knows the storage of a field. The flow syntax parser, the
 * printers, set_field/load/move and the packet extractor all go through it, so adding a
 * field is adding one row here (and the compiler then points at the exhaustive switches
 * over `FieldId`).
 */
import { ETH_TYPE, IPPROTO, N_REGS, VLAN_CFI, W, stageOfWord, type Stage } from './layout.js';

export type Prereq =
  | 'none'
  | 'ip' // dl_type=0x0800
  | 'ipv6' // dl_type=0x86dd
  | 'ip_any' // IPv4 or IPv6
  | 'arp' // ARP or RARP
  | 'tcp' // IPv4 or IPv6, nw_proto=6
  | 'udp'
  | 'sctp'
  | 'icmp' // IPv4, nw_proto=1
  | 'icmpv6' // IPv6, nw_proto=58
  | 'nd' // ICMPv6 type 135 or 136, code 0
  | 'nd_solicit' // ICMPv6 type 135
  | 'nd_advert' // ICMPv6 type 136
  | 'vlan'; // the packet has an 802.1Q tag (OpenFlow 1.2+ vlan_vid / vlan_pcp)

/** How a value is written in flow syntax. */
export type FieldFormat =
  | 'decimal'
  | 'hex'
  | 'mac'
  | 'ipv4'
  | 'ipv6'
  | 'frag' // no, first, later, yes, not_later
  | 'tcp_flags' // +syn-ack or a number
  | 'port'; // an OpenFlow port number or name (LOCAL, CONTROLLER...)

export interface Field {
  /** Canonical name, as `ovs-fields(7)` names it and as ofproto/trace prints set_field. */
  readonly name: string;
  /** Other names ovs-ofctl accepts for the field. */
  readonly aliases: readonly string[];
  /** First word in the flow key. */
  readonly word: number;
  /** Words taken: 1 for fields of up to 32 bits, 2 for MACs and 64-bit fields, 4 for IPv6. */
  readonly nWords: number;
  /** Width of the value in bits. */
  readonly bits: number;
  /** For single-word fields: where the value's lowest bit sits in the word. */
  readonly shift: number;
  /** Bits of the value a flow may set or match (nw_tos: 0xfc). Defaults to all `bits`. */
  readonly valueMask?: number;
  readonly format: FieldFormat;
  readonly prereq: Prereq;
  /** Whether a match may give an arbitrary bitwise mask. */
  readonly maskable: boolean;
  /** Whether set_field / load may write it. */
  readonly writable: boolean;
  readonly stage: Stage;
}

type FieldInit = Omit<Field, 'stage' | 'nWords' | 'shift' | 'aliases' | 'maskable' | 'writable'> &
  Partial<Pick<Field, 'nWords' | 'shift' | 'aliases' | 'maskable' | 'writable'>>;

function field(init: FieldInit): Field {
  return {
    aliases: [],
    nWords: 1,
    shift: 0,
    maskable: true,
    writable: true,
    ...init,
    stage: stageOfWord(init.word),
  };
}

const regs: Field[] = [];
for (let i = 0; i < N_REGS; i++) {
  regs.push(field({ name: `reg${i}`, word: W.REG0 + i, bits: 32, format: 'hex', prereq: 'none' }));
}

export const FIELDS: readonly Field[] = [
  field({ name: 'in_port', word: W.IN_PORT, bits: 32, format: 'port', prereq: 'none', maskable: false }),
  field({ name: 'recirc_id', word: W.RECIRC_ID, bits: 32, format: 'decimal', prereq: 'none', maskable: false, writable: false }),
  field({ name: 'metadata', word: W.METADATA, nWords: 2, bits: 64, format: 'hex', prereq: 'none' }),
  ...regs,
  field({ name: 'tun_id', aliases: ['tunnel_id'], word: W.TUN_ID, nWords: 2, bits: 64, format: 'hex', prereq: 'none' }),
  field({ name: 'tun_src', word: W.TUN_SRC, bits: 32, format: 'ipv4', prereq: 'none' }),
  field({ name: 'tun_dst', word: W.TUN_DST, bits: 32, format: 'ipv4', prereq: 'none' }),
  field({ name: 'skb_priority', word: W.SKB_PRIORITY, bits: 32, format: 'hex', prereq: 'none', maskable: false }),
  field({ name: 'pkt_mark', word: W.PKT_MARK, bits: 32, format: 'hex', prereq: 'none' }),

  field({ name: 'eth_dst', aliases: ['dl_dst'], word: W.DL_DST, nWords: 2, bits: 48, format: 'mac', prereq: 'none' }),
  field({ name: 'eth_src', aliases: ['dl_src'], word: W.DL_SRC, nWords: 2, bits: 48, format: 'mac', prereq: 'none' }),
  field({ name: 'eth_type', aliases: ['dl_type'], word: W.DL_TYPE, bits: 16, format: 'hex', prereq: 'none', maskable: false, writable: false }),
  field({ name: 'vlan_tci', word: W.VLAN0, bits: 16, format: 'hex', prereq: 'none' }),
  field({ name: 'dl_vlan', word: W.VLAN0, bits: 12, format: 'decimal', prereq: 'none', maskable: false }),
  field({ name: 'vlan_vid', word: W.VLAN0, bits: 13, format: 'decimal', prereq: 'vlan' }),
  field({ name: 'dl_vlan_pcp', word: W.VLAN0, bits: 3, shift: 13, format: 'decimal', prereq: 'none', maskable: false }),
  field({ name: 'vlan_pcp', word: W.VLAN0, bits: 3, shift: 13, format: 'decimal', prereq: 'vlan', maskable: false }),

  field({ name: 'ip_src', aliases: ['nw_src'], word: W.NW_SRC, bits: 32, format: 'ipv4', prereq: 'ip' }),
  field({ name: 'ip_dst', aliases: ['nw_dst'], word: W.NW_DST, bits: 32, format: 'ipv4', prereq: 'ip' }),
  field({ name: 'arp_spa', word: W.NW_SRC, bits: 32, format: 'ipv4', prereq: 'arp' }),
  field({ name: 'arp_tpa', word: W.NW_DST, bits: 32, format: 'ipv4', prereq: 'arp' }),
  field({ name: 'ipv6_src', word: W.IPV6_SRC, nWords: 4, bits: 128, format: 'ipv6', prereq: 'ipv6' }),
  field({ name: 'ipv6_dst', word: W.IPV6_DST, nWords: 4, bits: 128, format: 'ipv6', prereq: 'ipv6' }),
  field({ name: 'ipv6_label', word: W.IPV6_LABEL, bits: 20, format: 'hex', prereq: 'ipv6' }),
  field({ name: 'nw_proto', aliases: ['ip_proto'], word: W.NW_PROTO, bits: 8, format: 'decimal', prereq: 'ip_any', maskable: false, writable: false }),
  field({ name: 'arp_op', word: W.NW_PROTO, bits: 16, format: 'decimal', prereq: 'arp', maskable: false }),
  field({ name: 'nw_tos', word: W.NW_TOS, bits: 8, valueMask: 0xfc, format: 'decimal', prereq: 'ip_any', maskable: false }),
  field({ name: 'ip_dscp', word: W.NW_TOS, bits: 6, shift: 2, format: 'decimal', prereq: 'ip_any', maskable: false }),
  field({ name: 'nw_ecn', aliases: ['ip_ecn'], word: W.NW_TOS, bits: 2, format: 'decimal', prereq: 'ip_any', maskable: false }),
  field({ name: 'nw_ttl', word: W.NW_TTL, bits: 8, format: 'decimal', prereq: 'ip_any', maskable: false }),
  field({ name: 'ip_frag', aliases: ['nw_frag'], word: W.NW_FRAG, bits: 2, format: 'frag', prereq: 'ip_any', writable: false }),
  field({ name: 'arp_sha', word: W.ARP_SHA, nWords: 2, bits: 48, format: 'mac', prereq: 'arp' }),
  field({ name: 'arp_tha', word: W.ARP_THA, nWords: 2, bits: 48, format: 'mac', prereq: 'arp' }),
  field({ name: 'nd_target', word: W.ND_TARGET, nWords: 4, bits: 128, format: 'ipv6', prereq: 'nd' }),
  field({ name: 'nd_sll', word: W.ARP_SHA, nWords: 2, bits: 48, format: 'mac', prereq: 'nd_solicit' }),
  field({ name: 'nd_tll', word: W.ARP_THA, nWords: 2, bits: 48, format: 'mac', prereq: 'nd_advert' }),
  field({ name: 'tcp_flags', word: W.TCP_FLAGS, bits: 12, format: 'tcp_flags', prereq: 'tcp', writable: false }),

  field({ name: 'tcp_src', aliases: ['tp_src'], word: W.TP_SRC, bits: 16, format: 'decimal', prereq: 'tcp' }),
  field({ name: 'tcp_dst', aliases: ['tp_dst'], word: W.TP_DST, bits: 16, format: 'decimal', prereq: 'tcp' }),
  field({ name: 'udp_src', word: W.TP_SRC, bits: 16, format: 'decimal', prereq: 'udp' }),
  field({ name: 'udp_dst', word: W.TP_DST, bits: 16, format: 'decimal', prereq: 'udp' }),
  field({ name: 'sctp_src', word: W.TP_SRC, bits: 16, format: 'decimal', prereq: 'sctp' }),
  field({ name: 'sctp_dst', word: W.TP_DST, bits: 16, format: 'decimal', prereq: 'sctp' }),
  field({ name: 'icmp_type', word: W.TP_SRC, bits: 8, format: 'decimal', prereq: 'icmp', maskable: false }),
  field({ name: 'icmp_code', word: W.TP_DST, bits: 8, format: 'decimal', prereq: 'icmp', maskable: false }),
  field({ name: 'icmpv6_type', word: W.TP_SRC, bits: 8, format: 'decimal', prereq: 'icmpv6', maskable: false }),
  field({ name: 'icmpv6_code', word: W.TP_DST, bits: 8, format: 'decimal', prereq: 'icmpv6', maskable: false }),
];

const byName = new Map<string, Field>();
for (const f of FIELDS) {
  byName.set(f.name, f);
  for (const a of f.aliases) byName.set(a, f);
}

/** Looks a field up by any of its names; undefined when unknown. */
export function fieldByName(name: string): Field | undefined {
  return byName.get(name);
}

/** The mask of a single-word field within its word. */
export function wordMaskOf(f: Field): number {
  if (f.nWords !== 1) throw new Error(`${f.name} spans ${f.nWords} words`);
  const valueBits = f.valueMask ?? (f.bits === 32 ? 0xffffffff : (1 << f.bits) - 1);
  return (valueBits << f.shift) >>> 0;
}

/** Whether a flow key satisfies a prerequisite (the packet has the header the field lives in). */
export function prereqOk(prereq: Prereq, key: Uint32Array): boolean {
  const dlType = key[W.DL_TYPE]!;
  const proto = key[W.NW_PROTO]!;
  const ipAny = dlType === ETH_TYPE.IP || dlType === ETH_TYPE.IPV6;
  switch (prereq) {
    case 'none':
      return true;
    case 'ip':
      return dlType === ETH_TYPE.IP;
    case 'ipv6':
      return dlType === ETH_TYPE.IPV6;
    case 'ip_any':
      return ipAny;
    case 'arp':
      return dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP;
    case 'tcp':
      return ipAny && proto === IPPROTO.TCP;
    case 'udp':
      return ipAny && proto === IPPROTO.UDP;
    case 'sctp':
      return ipAny && proto === IPPROTO.SCTP;
    case 'icmp':
      return dlType === ETH_TYPE.IP && proto === IPPROTO.ICMP;
    case 'icmpv6':
      return dlType === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6;
    case 'nd':
      return prereqOk('icmpv6', key) && key[W.TP_DST] === 0 && (key[W.TP_SRC] === 135 || key[W.TP_SRC] === 136);
    case 'nd_solicit':
      return prereqOk('icmpv6', key) && key[W.TP_DST] === 0 && key[W.TP_SRC] === 135;
    case 'nd_advert':
      return prereqOk('icmpv6', key) && key[W.TP_DST] === 0 && key[W.TP_SRC] === 136;
    case 'vlan':
      return (key[W.VLAN0]! & VLAN_CFI) !== 0;
    default: {
      const never: never = prereq;
      throw new Error(`unknown prerequisite ${String(never)}`);
    }
  }
}
