/**
 * Flow extraction: from the bytes of an Ethernet frame to a flow key, as Open vSwitch's
 * datapath parses a packet before its cache lookup.
 *
 * This runs once per packet on the datapath's fast path, so it reads the frame's bytes
 * directly (no views, no subarrays, no objects) and writes words into a key the caller
 * owns. The packet views of sim/packet/ are for everything slower.
 *
 * What it keeps of OVS's choices, each of which decides what a flow key can tell apart:
 * - A VLAN tag becomes (TPID << 16) | TCI with the CFI bit forced on, so "tagged with
 *   VID 0" differs from "untagged". Only `vlanLimit` tags are parsed (OVS's
 *   other_config:vlan-limit, default 1); a deeper tag stays in the payload and its TPID
 *   becomes the EtherType.
 * - An 802.3 length field leads to LLC: with a SNAP header for Ethernet the SNAP type
 *   is the EtherType, anything else gives dl_type 0x05ff.
 * - Malformed layers are not errors: parsing stops and the key keeps what was read so far
 *   (a datapath must still forward, drop or upcall such a packet).
 * - IPv4 and IPv6 fragments set FRAG_ANY; all but the first also set FRAG_LATER and carry
 *   no transport ports. A later IPv6 fragment has nw_proto 44 (fragment header).
 * - ICMP, ICMPv6 and IGMP type and code go to tp_src and tp_dst.
 * - ARP fields are read only for Ethernet/IPv4 ARP; the opcode goes to nw_proto when it
 *   fits in 8 bits.
 * - For neighbor solicitations and advertisements, the target goes to nd_target and the
 *   first source/target link-layer address options to arp_sha/arp_tha; a repeated option
 *   voids target and addresses. The type of the first such option is kept in the
 *   tcp_flags word, where OVS keeps it (its nd_options_type field).
 */
import type { FlowKey } from './key.js';
import { ETH_TYPE, FRAG_ANY, FRAG_LATER, IPPROTO, VLAN_CFI, W } from './layout.js';

export interface ExtractOptions {
  /** How many VLAN tags to parse, 1 or 2; 0 means as many as a key holds. Default 1. */
  vlanLimit?: number;
}

const MAX_VLAN_HEADERS = 2;
const ETH_HEADER_LEN = 14;
const ETH_TYPE_MIN = 0x0600;
/** The dl_type of an 802.2 frame without an Ethernet SNAP header. */
export const DL_TYPE_NONE = 0x05ff;
const LLC_SNAP_LEN = 8;
const IPPROTO_IGMP = 2;
const IPPROTO_AH = 51;
const ND_NEIGHBOR_SOLICIT = 135;
const ND_NEIGHBOR_ADVERT = 136;
const ND_OPT_SLL = 1;
const ND_OPT_TLL = 2;

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Copies 16 bytes at `o` into four key words at `w`. */
function rd128(b: Uint8Array, o: number, key: FlowKey, w: number): void {
  key[w] = rd32(b, o);
  key[w + 1] = rd32(b, o + 4);
  key[w + 2] = rd32(b, o + 8);
  key[w + 3] = rd32(b, o + 12);
}

/** Copies a 6-byte MAC at `o` into two key words at `w` (16 + 32 bits). */
function rdMac(b: Uint8Array, o: number, key: FlowKey, w: number): void {
  key[w] = rd16(b, o);
  key[w + 1] = rd32(b, o + 2);
}

/**
 * Fills `key` from `frame` received on OpenFlow port `inPort`. Every word is written:
 * the key is zeroed first, then metadata other than in_port stays zero.
 *
 * @example
 * const key = newKey();
 * extractFlow(frame, 1, key);
 * key[W.DL_TYPE]; // 0x0800 for an IPv4 frame
 */
export function extractFlow(frame: Uint8Array, inPort: number, key: FlowKey, opts?: ExtractOptions): void {
  key.fill(0);
  key[W.IN_PORT] = inPort >>> 0;
  const b = frame;
  let end = b.length;
  if (end < ETH_HEADER_LEN) return;

  rdMac(b, 0, key, W.DL_DST);
  rdMac(b, 6, key, W.DL_SRC);

  // VLAN tags.
  const want = opts?.vlanLimit ?? 1;
  const limit = want <= 0 || want > MAX_VLAN_HEADERS ? MAX_VLAN_HEADERS : want;
  let off = 12;
  for (let n = 0; n < limit; n++) {
    const tpid = rd16(b, off);
    if (tpid !== ETH_TYPE.VLAN_8021Q && tpid !== ETH_TYPE.VLAN_8021AD) break;
    // The tag and the EtherType after it must both be there.
    if (end - off < 6) break;
    key[W.VLAN0 + n] = ((tpid << 16) | rd16(b, off + 2) | VLAN_CFI) >>> 0;
    off += 4;
  }

  // EtherType, or 802.2 LLC (with SNAP) after a length field.
  let dlType = rd16(b, off);
  off += 2;
  if (dlType < ETH_TYPE_MIN) {
    dlType = DL_TYPE_NONE;
    if (
      end - off >= LLC_SNAP_LEN &&
      b[off] === 0xaa &&
      b[off + 1] === 0xaa &&
      b[off + 2] === 0x03 &&
      b[off + 3] === 0 &&
      b[off + 4] === 0 &&
      b[off + 5] === 0
    ) {
      const snapType = rd16(b, off + 6);
      off += LLC_SNAP_LEN;
      if (snapType >= ETH_TYPE_MIN) dlType = snapType;
    }
  }
  key[W.DL_TYPE] = dlType;

  let nwFrag = 0;
  let nwTos = 0;
  let nwTtl = 0;
  let nwProto = 0;

  if (dlType === ETH_TYPE.IP) {
    if (end - off < 20) return;
    const ihl = (b[off]! & 0x0f) * 4;
    if (ihl < 20 || end - off < ihl) return;
    const totLen = rd16(b, off + 2);
    if (totLen > end - off || ihl > totLen) return;
    end = off + totLen; // Ethernet padding is not payload.
    key[W.NW_SRC] = rd32(b, off + 12);
    key[W.NW_DST] = rd32(b, off + 16);
    nwTos = b[off + 1]!;
    nwTtl = b[off + 8]!;
    nwProto = b[off + 9]!;
    const fragOff = rd16(b, off + 6);
    if ((fragOff & 0x3fff) !== 0) {
      nwFrag = FRAG_ANY;
      if ((fragOff & 0x1fff) !== 0) nwFrag |= FRAG_LATER;
    }
    off += ihl;
  } else if (dlType === ETH_TYPE.IPV6) {
    if (end - off < 40) return;
    const plen = rd16(b, off + 4);
    if (plen + 40 > end - off) return;
    const tcFlow = rd32(b, off);
    rd128(b, off + 8, key, W.IPV6_SRC);
    rd128(b, off + 24, key, W.IPV6_DST);
    nwTos = (tcFlow >>> 20) & 0xff;
    nwTtl = b[off + 7]!;
    nwProto = b[off + 6]!;
    off += 40;
    end = off + plen;

    // Extension headers. A header that does not fit ends parsing with only the
    // addresses in the key, as in OVS.
    for (;;) {
      if (
        nwProto !== IPPROTO.HOPOPTS &&
        nwProto !== IPPROTO.ROUTING &&
        nwProto !== IPPROTO.DSTOPTS &&
        nwProto !== IPPROTO_AH &&
        nwProto !== IPPROTO.FRAGMENT
      ) {
        break;
      }
      if (end - off < 8) return;
      if (nwProto === IPPROTO.FRAGMENT) {
        const offFlags = rd16(b, off + 2);
        nwProto = b[off]!;
        off += 8;
        if (offFlags !== 0) {
          nwFrag = FRAG_ANY;
          if ((offFlags & 0xfff8) !== 0) {
            nwFrag |= FRAG_LATER;
            nwProto = IPPROTO.FRAGMENT;
            break;
          }
        }
      } else {
        const len = nwProto === IPPROTO_AH ? (b[off + 1]! + 2) * 4 : (b[off + 1]! + 1) * 8;
        nwProto = b[off]!;
        if (end - off < len) return;
        off += len;
      }
    }
    key[W.IPV6_LABEL] = tcFlow & 0xfffff;
  } else {
    if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) extractArp(b, off, end, key);
    return;
  }

  key[W.NW_FRAG] = nwFrag;
  key[W.NW_TOS] = nwTos;
  key[W.NW_TTL] = nwTtl;
  key[W.NW_PROTO] = nwProto;
  if (nwFrag & FRAG_LATER) return;

  const left = end - off;
  switch (nwProto) {
    case IPPROTO.TCP: {
      if (left < 20) return;
      const hlen = (b[off + 12]! >>> 4) * 4;
      if (hlen < 20 || left < hlen) return;
      key[W.TCP_FLAGS] = rd16(b, off + 12) & 0x0fff;
      key[W.TP_SRC] = rd16(b, off);
      key[W.TP_DST] = rd16(b, off + 2);
      return;
    }
    case IPPROTO.UDP:
      if (left < 8) return;
      key[W.TP_SRC] = rd16(b, off);
      key[W.TP_DST] = rd16(b, off + 2);
      return;
    case IPPROTO.SCTP:
      if (left < 12) return;
      key[W.TP_SRC] = rd16(b, off);
      key[W.TP_DST] = rd16(b, off + 2);
      return;
    case IPPROTO.ICMP:
    case IPPROTO_IGMP:
      if (left < 8) return;
      key[W.TP_SRC] = b[off]!;
      key[W.TP_DST] = b[off + 1]!;
      return;
    case IPPROTO.ICMPV6:
      if (left < 8) return;
      key[W.TP_SRC] = b[off]!;
      key[W.TP_DST] = b[off + 1]!;
      if (b[off + 1] === 0 && (b[off] === ND_NEIGHBOR_SOLICIT || b[off] === ND_NEIGHBOR_ADVERT)) {
        extractNd(b, off + 8, end, key);
      }
      return;
    default:
      return;
  }
}

function extractArp(b: Uint8Array, off: number, end: number, key: FlowKey): void {
  if (end - off < 28) return;
  const ethIpv4 = rd16(b, off) === 1 && rd16(b, off + 2) === ETH_TYPE.IP && b[off + 4] === 6 && b[off + 5] === 4;
  if (!ethIpv4) return;
  key[W.NW_SRC] = rd32(b, off + 14);
  key[W.NW_DST] = rd32(b, off + 24);
  const op = rd16(b, off + 6);
  if (op <= 0xff) key[W.NW_PROTO] = op;
  rdMac(b, off + 8, key, W.ARP_SHA);
  rdMac(b, off + 18, key, W.ARP_THA);
}

/** Neighbor discovery: `off` is just past the 8-byte ICMPv6 header. */
function extractNd(b: Uint8Array, off: number, end: number, key: FlowKey): void {
  if (end - off < 16) return;
  rd128(b, off, key, W.ND_TARGET);
  off += 16;
  let optType = 0;
  while (end - off >= 8) {
    const type = b[off]!;
    const len = b[off + 1]! * 8;
    if (len === 0 || len > end - off) break;
    if ((type === ND_OPT_SLL || type === ND_OPT_TLL) && len === 8) {
      const w = type === ND_OPT_SLL ? W.ARP_SHA : W.ARP_THA;
      if (key[w] !== 0 || key[w + 1] !== 0) {
        // The same option twice: OVS keeps neither target nor addresses.
        for (let i = 0; i < 4; i++) key[W.ND_TARGET + i] = 0;
        key[W.ARP_SHA] = key[W.ARP_SHA + 1] = key[W.ARP_THA] = key[W.ARP_THA + 1] = 0;
        break;
      }
      rdMac(b, off + 2, key, w);
      if (optType === 0) optType = type;
    }
    off += len;
  }
  key[W.TCP_FLAGS] = optType;
}
