/**
 * Flow composition: the inverse of extraction. Builds an Ethernet frame whose flow key is
 * the given one, for `ofproto/trace -generate` and for tests that need a packet of some
 * flow. Fields a key does not hold (IP identification, TCP sequence numbers, windows) are
 * zero; checksums are valid.
 *
 * It follows OVS's flow_compose and goes a little further so that extraction gives the
 * key back in more cases: IPv6 fragments get a fragment header, ARP addresses are
 * written whatever the opcode, SCTP gets its CRC32c, and the order of the ND link-layer
 * options follows the option type kept in the tcp_flags word.
 */
import { ArpPacket, ArpRepr } from '../packet/arp.js';
import { EthernetFrame, EthernetRepr, ETHERNET_HEADER_LEN } from '../packet/ethernet.js';
import { IcmpPacket, IcmpRepr, ICMP_TYPE } from '../packet/icmp.js';
import { Icmpv6Packet, Icmpv6Repr, ICMPV6_TYPE, type NdOption } from '../packet/icmpv6.js';
import { Ipv4Packet, Ipv4Repr } from '../packet/ipv4.js';
import { Ipv6Packet, Ipv6Repr, IPV6_HEADER_LEN } from '../packet/ipv6.js';
import { Ipv6ExtHeader, Ipv6ExtRepr, IPV6_FRAG_HEADER_LEN } from '../packet/ipv6-ext.js';
import { SctpPacket, SctpRepr } from '../packet/sctp.js';
import { TcpPacket, TcpRepr, TCP_FLAG } from '../packet/tcp.js';
import { UdpPacket, UdpRepr } from '../packet/udp.js';
import { VlanTag, VlanRepr, TPID_8021Q, VLAN_TAG_LEN } from '../packet/vlan.js';
import type { IpPair } from '../packet/pseudo.js';
import { internetChecksum } from '../packet/checksum.js';
import { DL_TYPE_NONE } from './extract.js';
import type { FlowKey } from './key.js';
import { ETH_TYPE, FRAG_ANY, FRAG_LATER, IPPROTO, VLAN_CFI, W } from './layout.js';

export interface ComposeOptions {
  /** Bytes of payload after TCP, UDP and ICMP/ICMPv6 echo headers (0, 1, 2...); default 64 as in OVS. */
  payloadLen?: number;
}

const IPPROTO_IGMP = 2;
/** Fragment offset OVS gives a composed later fragment (in 8-byte units: 100). */
const LATER_FRAG_OFFSET = 800;

function mac(key: FlowKey, w: number): bigint {
  return (BigInt(key[w]! & 0xffff) << 32n) | BigInt(key[w + 1]!);
}

function ipv6(key: FlowKey, w: number): bigint {
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 32n) | BigInt(key[w + i]!);
  return v;
}

function payloadOf(len: number): Uint8Array {
  const p = new Uint8Array(len);
  for (let i = 0; i < len; i++) p[i] = i & 0xff;
  return p;
}

/** The transport header and payload, checksummed over `ip`; empty for unknown protocols. */
function composeL4(key: FlowKey, ip: IpPair, payloadLen: number): Uint8Array {
  const proto = key[W.NW_PROTO]!;
  const tpSrc = key[W.TP_SRC]! & 0xffff;
  const tpDst = key[W.TP_DST]! & 0xffff;
  switch (proto) {
    case IPPROTO.TCP: {
      const flags = key[W.TCP_FLAGS]! & 0x0fff;
      const noData = (flags & (TCP_FLAG.SYN | TCP_FLAG.FIN | TCP_FLAG.RST)) !== 0;
      const repr: TcpRepr = {
        srcPort: tpSrc,
        dstPort: tpDst,
        seq: 0,
        ack: 0,
        flags,
        window: 0,
        urgent: 0,
        options: [],
        payload: noData ? new Uint8Array(0) : payloadOf(payloadLen),
      };
      const out = new Uint8Array(TcpRepr.bufferLen(repr));
      TcpRepr.emit(repr, new TcpPacket(out), ip);
      return out;
    }
    case IPPROTO.UDP: {
      const repr: UdpRepr = { srcPort: tpSrc, dstPort: tpDst, payload: payloadOf(payloadLen) };
      const out = new Uint8Array(UdpRepr.bufferLen(repr));
      UdpRepr.emit(repr, new UdpPacket(out), ip);
      return out;
    }
    case IPPROTO.SCTP: {
      const repr: SctpRepr = { srcPort: tpSrc, dstPort: tpDst, verificationTag: 0, chunks: [] };
      const out = new Uint8Array(SctpRepr.bufferLen(repr));
      SctpRepr.emit(repr, new SctpPacket(out));
      return out;
    }
    case IPPROTO.ICMP: {
      const type = tpSrc & 0xff;
      const code = tpDst & 0xff;
      const echo = (type === ICMP_TYPE.ECHO_REQUEST || type === ICMP_TYPE.ECHO_REPLY) && code === 0;
      const repr: IcmpRepr = { type, code, restOfHeader: 0, payload: echo ? payloadOf(payloadLen) : new Uint8Array(0) };
      const out = new Uint8Array(IcmpRepr.bufferLen(repr));
      IcmpRepr.emit(repr, new IcmpPacket(out));
      return out;
    }
    case IPPROTO_IGMP: {
      // Type, code, checksum, group address (zero: the key does not hold it).
      const out = new Uint8Array(8);
      out[0] = tpSrc & 0xff;
      out[1] = tpDst & 0xff;
      const c = internetChecksum(out);
      out[2] = c >>> 8;
      out[3] = c & 0xff;
      return out;
    }
    case IPPROTO.ICMPV6:
      return composeIcmpv6(key, ip as { src: bigint; dst: bigint }, payloadLen);
    default:
      return new Uint8Array(0);
  }
}

function composeIcmpv6(key: FlowKey, ip: { src: bigint; dst: bigint }, payloadLen: number): Uint8Array {
  const type = key[W.TP_SRC]! & 0xff;
  const code = key[W.TP_DST]! & 0xff;
  let repr: Icmpv6Repr;
  if (code === 0 && (type === ICMPV6_TYPE.NEIGHBOR_SOLICIT || type === ICMPV6_TYPE.NEIGHBOR_ADVERT)) {
    const sll = mac(key, W.ARP_SHA);
    const tll = mac(key, W.ARP_THA);
    const options: NdOption[] = [];
    if (sll !== 0n) options.push({ kind: 'sll', mac: sll });
    if (tll !== 0n) options.push({ kind: 'tll', mac: tll });
    // The key remembers which option came first (OVS's nd_options_type).
    if (key[W.TCP_FLAGS] === 2) options.reverse();
    repr = {
      kind: type === ICMPV6_TYPE.NEIGHBOR_SOLICIT ? 'ns' : 'na',
      router: false,
      solicited: false,
      override: false,
      target: ipv6(key, W.ND_TARGET),
      options,
    };
  } else {
    const echo = (type === ICMPV6_TYPE.ECHO_REQUEST || type === ICMPV6_TYPE.ECHO_REPLY) && code === 0;
    repr = { kind: 'other', type, code, data: 0, payload: echo ? payloadOf(payloadLen) : new Uint8Array(0) };
  }
  const out = new Uint8Array(Icmpv6Repr.bufferLen(repr));
  Icmpv6Repr.emit(repr, new Icmpv6Packet(out), ip);
  return out;
}

/** The bytes after the VLAN tags and EtherType. */
function composeL3(key: FlowKey, payloadLen: number): Uint8Array {
  const dlType = key[W.DL_TYPE]!;
  const frag = key[W.NW_FRAG]!;
  const later = (frag & FRAG_ANY) !== 0 && (frag & FRAG_LATER) !== 0;
  if (dlType === ETH_TYPE.IP) {
    const ip = { src: key[W.NW_SRC]!, dst: key[W.NW_DST]! };
    const l4 = later ? new Uint8Array(0) : composeL4(key, ip, payloadLen);
    const repr: Ipv4Repr = {
      ...ip,
      protocol: key[W.NW_PROTO]! & 0xff,
      payloadLen: l4.length,
      ttl: key[W.NW_TTL]! & 0xff,
      tos: key[W.NW_TOS]! & 0xff,
      ident: 0,
      dontFrag: false,
      moreFrags: (frag & FRAG_ANY) !== 0,
      fragOffset: later ? LATER_FRAG_OFFSET : 0,
      options: new Uint8Array(0),
    };
    const hlen = Ipv4Repr.bufferLen(repr);
    const out = new Uint8Array(hlen + l4.length);
    Ipv4Repr.emit(repr, new Ipv4Packet(out));
    out.set(l4, hlen);
    return out;
  }
  if (dlType === ETH_TYPE.IPV6) {
    const ip = { src: ipv6(key, W.IPV6_SRC), dst: ipv6(key, W.IPV6_DST) };
    const proto = key[W.NW_PROTO]! & 0xff;
    const l4 = later ? new Uint8Array(0) : composeL4(key, ip, payloadLen);
    const fragHeader: Ipv6ExtRepr | undefined =
      (frag & FRAG_ANY) === 0
        ? undefined
        : {
            kind: 'fragment',
            // A later fragment's key says 44 and no longer knows the real protocol.
            nextHeader: later && proto === IPPROTO.FRAGMENT ? IPPROTO.NONE : proto,
            fragOffset: later ? LATER_FRAG_OFFSET : 0,
            moreFrags: true,
            ident: 0,
          };
    const extLen = fragHeader ? IPV6_FRAG_HEADER_LEN : 0;
    const repr: Ipv6Repr = {
      ...ip,
      nextHeader: fragHeader ? IPPROTO.FRAGMENT : proto,
      payloadLen: extLen + l4.length,
      hopLimit: key[W.NW_TTL]! & 0xff,
      trafficClass: key[W.NW_TOS]! & 0xff,
      flowLabel: key[W.IPV6_LABEL]! & 0xfffff,
    };
    const out = new Uint8Array(IPV6_HEADER_LEN + extLen + l4.length);
    Ipv6Repr.emit(repr, new Ipv6Packet(out));
    if (fragHeader) Ipv6ExtRepr.emit(fragHeader, new Ipv6ExtHeader(out, IPV6_HEADER_LEN));
    out.set(l4, IPV6_HEADER_LEN + extLen);
    return out;
  }
  if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    const repr: ArpRepr = {
      operation: key[W.NW_PROTO]! & 0xff,
      sha: mac(key, W.ARP_SHA),
      spa: key[W.NW_SRC]!,
      tha: mac(key, W.ARP_THA),
      tpa: key[W.NW_DST]!,
    };
    const out = new Uint8Array(ArpRepr.bufferLen(repr));
    ArpRepr.emit(repr, new ArpPacket(out));
    return out;
  }
  return new Uint8Array(0);
}

/**
 * Builds a frame that `extractFlow` turns back into `key` (metadata aside). A key with
 * two VLAN tags needs `vlanLimit: 2` on the way back.
 *
 * @example
 * const frame = composeFrame(key, { payloadLen: 0 });
 */
export function composeFrame(key: FlowKey, opts: ComposeOptions = {}): Uint8Array {
  const payloadLen = opts.payloadLen ?? 64;
  const dst = mac(key, W.DL_DST);
  const src = mac(key, W.DL_SRC);
  const dlType = key[W.DL_TYPE]!;
  if (dlType === DL_TYPE_NONE) {
    // An 802.3 frame: the type field holds the length, here of the bare header.
    const out = new Uint8Array(ETHERNET_HEADER_LEN);
    EthernetRepr.emit({ dst, src, etherType: ETHERNET_HEADER_LEN }, new EthernetFrame(out));
    return out;
  }

  const tags: number[] = [];
  for (const w of [W.VLAN0, W.VLAN1]) {
    if (key[w]! & VLAN_CFI) tags.push(key[w]!);
  }
  const l3 = composeL3(key, payloadLen);
  const out = new Uint8Array(ETHERNET_HEADER_LEN + VLAN_TAG_LEN * tags.length + l3.length);
  const tpidOf = (word: number) => word >>> 16 || TPID_8021Q;
  EthernetRepr.emit({ dst, src, etherType: tags.length ? tpidOf(tags[0]!) : dlType }, new EthernetFrame(out));
  let off = ETHERNET_HEADER_LEN - 2;
  tags.forEach((word, i) => {
    const tci = word & 0xffff;
    const next = i + 1 < tags.length ? tpidOf(tags[i + 1]!) : dlType;
    // On the wire the CFI/DEI bit is clear: in the key it only marks a tag as present.
    const repr: VlanRepr = { pcp: tci >>> 13, dei: false, vid: tci & 0x0fff, etherType: next };
    VlanRepr.emit(repr, new VlanTag(out, off + 2));
    off += VLAN_TAG_LEN;
  });
  out.set(l3, off + 2);
  return out;
}
