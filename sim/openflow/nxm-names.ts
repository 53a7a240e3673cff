/**
 * NXM and OXM names of fields (NXM_OF_ETH_SRC, NXM_NX_REG0, OXM_OF_IPV4_SRC…), as
 * `load`, `move` and subfield syntax (`reg0[0..15]`) write them, and OVS's bit widths of
 * fields for subfield ranges.
 *
 * When OVS prints a subfield it uses the field's first NXM name, or its OXM name when it
 * has no NXM one, or else its plain name; the table lists the printed name first.
 */
import { FlowSyntaxError } from '../flow/syntax-error.js';
import { fieldByName, type Field } from '../flow/fields.js';
import { N_REGS } from '../flow/layout.js';
import type { Subfield } from './ofpact.js';

const NAMES: readonly (readonly [string, string])[] = [
  ['NXM_OF_IN_PORT', 'in_port'],
  ['NXM_OF_ETH_DST', 'eth_dst'],
  ['OXM_OF_ETH_DST', 'eth_dst'],
  ['NXM_OF_ETH_SRC', 'eth_src'],
  ['OXM_OF_ETH_SRC', 'eth_src'],
  ['NXM_OF_ETH_TYPE', 'eth_type'],
  ['OXM_OF_ETH_TYPE', 'eth_type'],
  ['NXM_OF_VLAN_TCI', 'vlan_tci'],
  ['OXM_OF_VLAN_VID', 'vlan_vid'],
  ['OXM_OF_VLAN_PCP', 'vlan_pcp'],
  ['NXM_OF_IP_TOS', 'nw_tos'],
  ['OXM_OF_IP_DSCP', 'ip_dscp'],
  ['NXM_NX_IP_ECN', 'nw_ecn'],
  ['OXM_OF_IP_ECN', 'nw_ecn'],
  ['NXM_NX_IP_TTL', 'nw_ttl'],
  ['NXM_OF_IP_PROTO', 'nw_proto'],
  ['OXM_OF_IP_PROTO', 'nw_proto'],
  ['NXM_OF_IP_SRC', 'ip_src'],
  ['OXM_OF_IPV4_SRC', 'ip_src'],
  ['NXM_OF_IP_DST', 'ip_dst'],
  ['OXM_OF_IPV4_DST', 'ip_dst'],
  ['NXM_NX_IP_FRAG', 'ip_frag'],
  ['NXM_OF_TCP_SRC', 'tcp_src'],
  ['OXM_OF_TCP_SRC', 'tcp_src'],
  ['NXM_OF_TCP_DST', 'tcp_dst'],
  ['OXM_OF_TCP_DST', 'tcp_dst'],
  ['NXM_NX_TCP_FLAGS', 'tcp_flags'],
  ['NXM_OF_UDP_SRC', 'udp_src'],
  ['OXM_OF_UDP_SRC', 'udp_src'],
  ['NXM_OF_UDP_DST', 'udp_dst'],
  ['OXM_OF_UDP_DST', 'udp_dst'],
  ['OXM_OF_SCTP_SRC', 'sctp_src'],
  ['OXM_OF_SCTP_DST', 'sctp_dst'],
  ['NXM_OF_ICMP_TYPE', 'icmp_type'],
  ['OXM_OF_ICMPV4_TYPE', 'icmp_type'],
  ['NXM_OF_ICMP_CODE', 'icmp_code'],
  ['OXM_OF_ICMPV4_CODE', 'icmp_code'],
  ['NXM_OF_ARP_OP', 'arp_op'],
  ['OXM_OF_ARP_OP', 'arp_op'],
  ['NXM_OF_ARP_SPA', 'arp_spa'],
  ['OXM_OF_ARP_SPA', 'arp_spa'],
  ['NXM_OF_ARP_TPA', 'arp_tpa'],
  ['OXM_OF_ARP_TPA', 'arp_tpa'],
  ['NXM_NX_ARP_SHA', 'arp_sha'],
  ['OXM_OF_ARP_SHA', 'arp_sha'],
  ['NXM_NX_ARP_THA', 'arp_tha'],
  ['OXM_OF_ARP_THA', 'arp_tha'],
  ['NXM_NX_IPV6_SRC', 'ipv6_src'],
  ['OXM_OF_IPV6_SRC', 'ipv6_src'],
  ['NXM_NX_IPV6_DST', 'ipv6_dst'],
  ['OXM_OF_IPV6_DST', 'ipv6_dst'],
  ['NXM_NX_IPV6_LABEL', 'ipv6_label'],
  ['OXM_OF_IPV6_FLABEL', 'ipv6_label'],
  ['NXM_NX_ICMPV6_TYPE', 'icmpv6_type'],
  ['OXM_OF_ICMPV6_TYPE', 'icmpv6_type'],
  ['NXM_NX_ICMPV6_CODE', 'icmpv6_code'],
  ['OXM_OF_ICMPV6_CODE', 'icmpv6_code'],
  ['NXM_NX_ND_TARGET', 'nd_target'],
  ['OXM_OF_IPV6_ND_TARGET', 'nd_target'],
  ['NXM_NX_ND_SLL', 'nd_sll'],
  ['OXM_OF_IPV6_ND_SLL', 'nd_sll'],
  ['NXM_NX_ND_TLL', 'nd_tll'],
  ['OXM_OF_IPV6_ND_TLL', 'nd_tll'],
  ['NXM_NX_TUN_ID', 'tun_id'],
  ['OXM_OF_TUNNEL_ID', 'tun_id'],
  ['NXM_NX_TUN_IPV4_SRC', 'tun_src'],
  ['NXM_NX_TUN_IPV4_DST', 'tun_dst'],
  ['NXM_NX_PKT_MARK', 'pkt_mark'],
  ['NXM_NX_RECIRC_ID', 'recirc_id'],
  ['OXM_OF_METADATA', 'metadata'],
  ...Array.from({ length: N_REGS }, (_, i) => [`NXM_NX_REG${i}`, `reg${i}`] as const),
];

const fieldOfName = new Map<string, string>(NAMES);
const printedName = new Map<string, string>();
for (const [nxm, name] of NAMES) if (!printedName.has(name)) printedName.set(name, nxm);

/**
 * OVS's width of a field where ours differs: OVS keeps in_port in 16 bits and vlan_vid
 * in 12 (ours also holds the "VLAN present" bit).
 */
const OVS_BITS: ReadonlyMap<string, number> = new Map([
  ['in_port', 16],
  ['vlan_vid', 12],
]);

/** Width of a field as subfield syntax counts it. */
export function subfieldBits(f: Field): number {
  return OVS_BITS.get(f.name) ?? f.bits;
}

/** A field by NXM/OXM name or by any plain name. */
export function fieldByAnyName(name: string): Field | undefined {
  const plain = fieldOfName.get(name);
  return fieldByName(plain ?? name);
}

/** Whether OVS has an NXM or basic OXM header for the field (so `load` can write it). */
export function hasNxmHeader(f: Field): boolean {
  return printedName.has(f.name);
}

/** The name OVS prints for the field inside subfield syntax. */
export function nxmNameOf(f: Field): string {
  return printedName.get(f.name) ?? f.name;
}

/** Prints `NAME[]`, `NAME[bit]` or `NAME[start..end]`. */
export function formatSubfield(sf: Subfield): string {
  const name = nxmNameOf(sf.field);
  if (sf.ofs === 0 && sf.nBits === subfieldBits(sf.field)) return `${name}[]`;
  if (sf.nBits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}]`;
}

/**
 * Parses a subfield at the start of `text` (`NXM_OF_IP_SRC[]`, `reg0[0..15]`, `reg1[3]`,
 * or a bare field name for the whole field). Returns it and the unparsed rest.
 */
export function parseSubfieldPrefix(text: string): { sf: Subfield; rest: string } {
  const nameLen = text.search(/[[-]/);
  const name = nameLen < 0 ? text : text.slice(0, nameLen);
  const plainName = name.endsWith('_W') && name.length > 2 && fieldOfName.has(name.slice(0, -2)) ? name.slice(0, -2) : name;
  const field = fieldByAnyName(plainName);
  if (!field) throw new FlowSyntaxError(`${text}: unknown field \`${name}'`);
  const width = subfieldBits(field);
  let rest = text.slice(name.length);
  let start = 0;
  let end = width - 1;
  if (rest.startsWith('[')) {
    const m = /^\[(?:(\d+)(?:\.\.(\d+))?)?\]/.exec(rest);
    if (!m) throw new FlowSyntaxError(`${text}: syntax error expecting [] or [<bit>] or [<start>..<end>]`);
    if (m[1] !== undefined) {
      start = Number(m[1]);
      end = m[2] !== undefined ? Number(m[2]) : start;
    }
    rest = rest.slice(m[0].length);
  }
  if (start > end) throw new FlowSyntaxError(`${text}: starting bit ${start} is after ending bit ${end}`);
  if (start >= width) throw new FlowSyntaxError(`${text}: starting bit ${start} is not valid because field is only ${width} bits wide`);
  if (end >= width) throw new FlowSyntaxError(`${text}: ending bit ${end} is not valid because field is only ${width} bits wide`);
  return { sf: { field, ofs: start, nBits: end - start + 1 }, rest };
}

/** Parses a whole string as a subfield. */
export function parseSubfield(text: string): Subfield {
  const { sf, rest } = parseSubfieldPrefix(text);
  if (rest !== '') throw new FlowSyntaxError('unexpected input following field syntax');
  return sf;
}

// ---------------------------------------------------------------------------------------
// Which OpenFlow encodings can carry a field

/** Fields OpenFlow 1.0's own match and actions cover (1.1's too). */
const OF10_FIELDS = new Set([
  'in_port', 'eth_src', 'eth_dst', 'eth_type', 'vlan_tci', 'dl_vlan', 'vlan_vid', 'dl_vlan_pcp', 'vlan_pcp',
  'ip_src', 'ip_dst', 'nw_proto', 'nw_tos', 'ip_dscp', 'arp_op', 'arp_spa', 'arp_tpa',
  'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst', 'icmp_type', 'icmp_code',
]);
/** Fields only OpenFlow 1.1 adds to those. */
const OF11_FIELDS = new Set(['metadata', 'nw_ecn', 'sctp_src', 'sctp_dst']);
/** Masks OpenFlow 1.0 accepts only as CIDR prefixes; 1.1 takes any bit mask on these. */
const OF10_CIDR = new Set(['ip_src', 'ip_dst', 'arp_spa', 'arp_tpa']);
const OF11_BITWISE = new Set(['ip_src', 'ip_dst', 'arp_spa', 'arp_tpa', 'eth_src', 'eth_dst', 'metadata']);

export interface FieldCarriers {
  /** OpenFlow 1.0 without extensions. */
  readonly of10: boolean;
  readonly of11: boolean;
  /** NXM (OpenFlow 1.0 + Nicira) and OXM (1.2+). */
  readonly nxmOxm: boolean;
}

/**
 * Which encodings can carry a match on (or a set of) `f`, given whether the mask is the
 * whole field and, if not, whether it is a CIDR prefix.
 */
export function fieldCarriers(f: Field, mask: 'exact' | 'cidr' | 'bitwise'): FieldCarriers {
  const in10 = OF10_FIELDS.has(f.name);
  const in11 = in10 || OF11_FIELDS.has(f.name);
  return {
    of10: in10 && (mask === 'exact' || (mask === 'cidr' && OF10_CIDR.has(f.name))),
    of11: in11 && (mask === 'exact' || OF11_BITWISE.has(f.name)),
    nxmOxm: hasNxmHeader(f) || f.name === 'in_port' || f.name === 'eth_type' || f.name === 'nw_proto',
  };
}
