/**
 * The flow key layout: where every header and metadata field lives in a flow key.
 *
 * A flow key is a `Uint32Array` of `FLOW_WORDS` words; a mask (flow wildcards) has the
 * same layout, a 1 bit meaning "this bit is matched". Keeping both fixed-layout lets the
 * datapath hash and compare keys word by word without allocating.
 *
 * The words are grouped in the four stages of OVS's staged lookup, in the same order as
 * OVS's `struct flow`: metadata, L2, L3, L4 — where, as in OVS, the last stage begins at
 * the ND target, so ND fields, ARP hardware addresses and TCP flags are looked at with the
 * transport ports, only once everything before them matched. The classifier checks a subtable stage by
 * stage and, when a stage rules out every rule of the subtable, un-wildcards only the
 * stages it looked at, so the stage a field belongs to decides how wide megaflows stay.
 *
 * Multi-word values (MAC addresses, 64-bit metadata, IPv6 addresses) are stored
 * big-endian across their words, right-aligned: a MAC takes 16 bits of its first word
 * and all 32 of its second.
 */

/** Word offsets. */
export const W = {
  // --- metadata stage ---
  IN_PORT: 0,
  RECIRC_ID: 1,
  METADATA: 2, // 2 words
  REG0: 4, // 16 words: reg0..reg15
  TUN_ID: 20, // 2 words
  TUN_SRC: 22,
  TUN_DST: 23,
  SKB_PRIORITY: 24,
  PKT_MARK: 25,
  // --- L2 stage ---
  DL_DST: 26, // 2 words
  DL_SRC: 28, // 2 words
  DL_TYPE: 30,
  VLAN0: 31, // (tpid << 16) | tci of the outer tag; 0 when untagged
  VLAN1: 32, // the inner tag of a double-tagged frame
  // --- L3 stage ---
  NW_SRC: 33, // IPv4 source or ARP SPA
  NW_DST: 34, // IPv4 destination or ARP TPA
  IPV6_SRC: 35, // 4 words
  IPV6_DST: 39, // 4 words
  IPV6_LABEL: 43,
  NW_FRAG: 44,
  NW_TOS: 45, // DSCP (high 6 bits) and ECN (low 2 bits)
  NW_TTL: 46,
  NW_PROTO: 47, // IP protocol, or the low 8 bits of the ARP opcode
  // --- L4 stage (OVS starts its last stage at nd_target, so these go with the ports) ---
  ND_TARGET: 48, // 4 words
  ARP_SHA: 52, // 2 words; also the ND source link-layer address
  ARP_THA: 54, // 2 words; also the ND target link-layer address
  TCP_FLAGS: 56,
  TP_SRC: 57, // TCP/UDP/SCTP source port, or ICMP type
  TP_DST: 58, // TCP/UDP/SCTP destination port, or ICMP code
} as const;

export const FLOW_WORDS = 59;
export const N_REGS = 16;

export type Stage = 'metadata' | 'l2' | 'l3' | 'l4';
export const STAGES: readonly Stage[] = ['metadata', 'l2', 'l3', 'l4'];

/** First word of each stage; a stage ends where the next begins. */
export const STAGE_START: Readonly<Record<Stage, number>> = {
  metadata: 0,
  l2: W.DL_DST,
  l3: W.NW_SRC,
  l4: W.ND_TARGET,
};
export const STAGE_END: Readonly<Record<Stage, number>> = {
  metadata: W.DL_DST,
  l2: W.NW_SRC,
  l3: W.ND_TARGET,
  l4: FLOW_WORDS,
};

export function stageOfWord(word: number): Stage {
  if (word < STAGE_END.metadata) return 'metadata';
  if (word < STAGE_END.l2) return 'l2';
  if (word < STAGE_END.l3) return 'l3';
  return 'l4';
}

/** nw_frag bits, as OVS keeps them. */
export const FRAG_ANY = 1; // the packet is a fragment (first or later)
export const FRAG_LATER = 2; // the packet is a fragment other than the first
export const FRAG_MASK = FRAG_ANY | FRAG_LATER;

export const VLAN_CFI = 0x1000;
export const VLAN_VID_MASK = 0x0fff;
export const VLAN_PCP_MASK = 0xe000;
export const VLAN_PCP_SHIFT = 13;

export const ETH_TYPE = {
  IP: 0x0800,
  ARP: 0x0806,
  RARP: 0x8035,
  VLAN_8021Q: 0x8100,
  VLAN_8021AD: 0x88a8,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MCAST: 0x8848,
} as const;

export const IPPROTO = {
  HOPOPTS: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  FRAGMENT: 44,
  ICMPV6: 58,
  NONE: 59,
  DSTOPTS: 60,
  SCTP: 132,
} as const;

/** OpenFlow reserved port numbers (OpenFlow 1.0 16-bit numbering, as OVS prints them). */
export const OFPP = {
  MAX: 0xff00,
  IN_PORT: 0xfff8,
  TABLE: 0xfff9,
  NORMAL: 0xfffa,
  FLOOD: 0xfffb,
  ALL: 0xfffc,
  CONTROLLER: 0xfffd,
  LOCAL: 0xfffe,
  NONE: 0xffff,
} as const;
