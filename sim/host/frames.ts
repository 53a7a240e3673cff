/**
 * Builders for the frames a host sends: ARP requests and replies, and IPv4 datagrams
 * carrying ICMP, UDP or TCP, each a fresh buffer written through the sim/packet Reprs
 * (so checksums are right). Each builder takes the Ethernet and IP addressing as one
 * object, the layer-4 content as a second.
 */
import { ARP_ETH_IPV4_LEN, ArpPacket, ArpRepr } from '../packet/arp.js';
import { ETHERNET_HEADER_LEN, EthernetFrame, EthernetRepr } from '../packet/ethernet.js';
import { IcmpPacket, IcmpRepr } from '../packet/icmp.js';
import { IPV4_MIN_HEADER_LEN, Ipv4Packet, Ipv4Repr } from '../packet/ipv4.js';
import { TcpPacket, TcpRepr, type TcpOption } from '../packet/tcp.js';
import { UdpPacket, UdpRepr } from '../packet/udp.js';

export const ETH_TYPE_IPV4 = 0x0800;
export const ETH_TYPE_ARP = 0x0806;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const BROADCAST_MAC = 0xffffffffffffn;
/** Ethernet's minimum frame without the FCS: shorter frames are padded with zeros. */
export const MIN_FRAME_LEN = 60;
export const DEFAULT_TTL = 64;

/** Who sends to whom: both link-layer and IP addresses, plus per-datagram IP fields. */
export interface IpAddressing {
  srcMac: bigint;
  dstMac: bigint;
  src: number;
  dst: number;
  ident: number;
  ttl?: number;
  tos?: number;
}

export interface ArpFrameSpec {
  operation: number;
  srcMac: bigint;
  /** Ethernet destination (broadcast for a request). */
  dstMac: bigint;
  sha: bigint;
  spa: number;
  tha: bigint;
  tpa: number;
}

export function arpFrame(spec: ArpFrameSpec): Uint8Array {
  const buf = new Uint8Array(Math.max(MIN_FRAME_LEN, ETHERNET_HEADER_LEN + ARP_ETH_IPV4_LEN));
  EthernetRepr.emit({ dst: spec.dstMac, src: spec.srcMac, etherType: ETH_TYPE_ARP }, new EthernetFrame(buf));
  ArpRepr.emit(
    { operation: spec.operation, sha: spec.sha, spa: spec.spa, tha: spec.tha, tpa: spec.tpa },
    new ArpPacket(buf, ETHERNET_HEADER_LEN),
  );
  return buf;
}

/** A frame with Ethernet and IPv4 headers for `l4Len` bytes of payload; returns the buffer. */
function ipv4Frame(a: IpAddressing, protocol: number, l4Len: number): Uint8Array {
  const len = ETHERNET_HEADER_LEN + IPV4_MIN_HEADER_LEN + l4Len;
  const buf = new Uint8Array(Math.max(MIN_FRAME_LEN, len));
  EthernetRepr.emit({ dst: a.dstMac, src: a.srcMac, etherType: ETH_TYPE_IPV4 }, new EthernetFrame(buf));
  Ipv4Repr.emit(
    {
      src: a.src,
      dst: a.dst,
      protocol,
      payloadLen: l4Len,
      ttl: a.ttl ?? DEFAULT_TTL,
      tos: a.tos ?? 0,
      ident: a.ident & 0xffff,
      dontFrag: true,
      moreFrags: false,
      fragOffset: 0,
      options: new Uint8Array(0),
    },
    new Ipv4Packet(buf, ETHERNET_HEADER_LEN),
  );
  return buf;
}

const L4_OFFSET = ETHERNET_HEADER_LEN + IPV4_MIN_HEADER_LEN;

export function icmpFrame(a: IpAddressing, icmp: IcmpRepr): Uint8Array {
  const len = IcmpRepr.bufferLen(icmp);
  const buf = ipv4Frame(a, IPPROTO_ICMP, len);
  IcmpRepr.emit(icmp, new IcmpPacket(buf, L4_OFFSET, L4_OFFSET + len));
  return buf;
}

export function udpFrame(a: IpAddressing, udp: UdpRepr): Uint8Array {
  const buf = ipv4Frame(a, IPPROTO_UDP, UdpRepr.bufferLen(udp));
  UdpRepr.emit(udp, new UdpPacket(buf, L4_OFFSET), { src: a.src, dst: a.dst });
  return buf;
}

export interface TcpSegmentSpec {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** Payload bytes (zeros on the wire: only the length matters to a switch). */
  payloadLen: number;
  options?: TcpOption[];
}

export function tcpFrame(a: IpAddressing, seg: TcpSegmentSpec): Uint8Array {
  const repr: TcpRepr = {
    srcPort: seg.srcPort,
    dstPort: seg.dstPort,
    seq: seg.seq >>> 0,
    ack: seg.ack >>> 0,
    flags: seg.flags,
    window: seg.window,
    urgent: 0,
    options: seg.options ?? [],
    payload: new Uint8Array(seg.payloadLen),
  };
  const len = TcpRepr.bufferLen(repr);
  const buf = ipv4Frame(a, IPPROTO_TCP, len);
  TcpRepr.emit(repr, new TcpPacket(buf, L4_OFFSET, L4_OFFSET + len), { src: a.src, dst: a.dst });
  return buf;
}

/** Headers below layer 4 in every IPv4 frame a host sends (no IP options). */
export const IPV4_FRAME_OVERHEAD = L4_OFFSET;
