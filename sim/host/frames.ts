/**
 * Builders for the frames a host sends: ARP requests and replies, and IPv4 datagrams
 * carrying ICMP, UDP or TCP, each a fresh buffer written through the sim/packet Reprs
 * (so checksums are right). Each builder takes the Ethernet and IP addressing as one
 * object, the layer-4 content as a second.
 *
 * Streams of alike UDP datagrams (constant-bit-rate sources) come from a `UdpTemplate`
 * instead: the frame is written once, and each copy only gets its destination MAC, IP
 * identification and header checksum patched in. Buffers come from `frameSlab`.
 */
import { ARP_ETH_IPV4_LEN, ArpPacket, ArpRepr } from '../packet/arp.js';
import { setMac } from '../packet/bytes.js';
import { finish, sumBytes } from '../packet/checksum.js';
import { ETHERNET_HEADER_LEN, EthernetFrame, EthernetRepr } from '../packet/ethernet.js';
import { IcmpPacket, IcmpRepr } from '../packet/icmp.js';
import { IPV4_MIN_HEADER_LEN, Ipv4Packet, Ipv4Repr } from '../packet/ipv4.js';
import { TcpPacket, TcpRepr, type TcpOption } from '../packet/tcp.js';
import { UdpPacket, UdpRepr } from '../packet/udp.js';
import { frameSlab } from './frame-slab.js';

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
  const buf = frameSlab.alloc(Math.max(MIN_FRAME_LEN, ETHERNET_HEADER_LEN + ARP_ETH_IPV4_LEN));
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
  const buf = frameSlab.alloc(Math.max(MIN_FRAME_LEN, len));
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

/** What stays the same across the datagrams of one UDP template. */
export interface UdpTemplateSpec {
  readonly srcMac: bigint;
  readonly src: number;
  readonly dst: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Payload bytes (zeros). */
  readonly size: number;
  readonly tos: number;
}

const IP_IDENT = ETHERNET_HEADER_LEN + 4;
const IP_CHECKSUM = ETHERNET_HEADER_LEN + 10;

/**
 * One UDP datagram shape, stamped out as fresh frames equal byte for byte to what
 * `udpFrame` builds for the same fields. Only the IP identification changes between
 * copies (and the destination MAC, if the neighbour's changes): the UDP checksum does
 * not cover it, and the IP header checksum is the one's-complement sum of the fixed
 * words, kept here, plus the identification.
 */
export class UdpTemplate {
  readonly spec: UdpTemplateSpec;
  readonly #frame: Uint8Array;
  /** Partial sum of the IP header with identification and checksum zero. */
  readonly #headerSum: number;
  #dstMac = 0n;

  constructor(spec: UdpTemplateSpec) {
    this.spec = { ...spec };
    // A buffer of its own (slice), not a slab region: the template lives long.
    this.#frame = udpFrame(
      { srcMac: spec.srcMac, dstMac: 0n, src: spec.src, dst: spec.dst, ident: 0, tos: spec.tos },
      { srcPort: spec.srcPort, dstPort: spec.dstPort, payload: new Uint8Array(spec.size) },
    ).slice();
    this.#frame[IP_CHECKSUM] = 0;
    this.#frame[IP_CHECKSUM + 1] = 0;
    this.#headerSum = sumBytes(this.#frame, ETHERNET_HEADER_LEN, L4_OFFSET);
  }

  /** True when this template builds datagrams with these fields. */
  matches(srcPort: number, dstPort: number, size: number, tos: number): boolean {
    const s = this.spec;
    return s.srcPort === srcPort && s.dstPort === dstPort && s.size === size && s.tos === tos;
  }

  /** A new frame: the template with this IP identification and destination MAC. */
  build(ident: number, dstMac: bigint): Uint8Array {
    if (dstMac !== this.#dstMac) {
      setMac(this.#frame, 0, dstMac);
      this.#dstMac = dstMac;
    }
    const f = frameSlab.alloc(this.#frame.length);
    f.set(this.#frame);
    const id = ident & 0xffff;
    f[IP_IDENT] = id >>> 8;
    f[IP_IDENT + 1] = id & 0xff;
    const sum = finish(this.#headerSum + id);
    f[IP_CHECKSUM] = sum >>> 8;
    f[IP_CHECKSUM + 1] = sum & 0xff;
    return f;
  }
}
