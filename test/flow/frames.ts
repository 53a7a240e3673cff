/**
 * Test frames for the extraction tests, built layer by layer with the packet Reprs of
 * sim/packet (not with composeFrame, so that extraction and composition are checked
 * against something other than each other).
 */
import { ArpPacket, ArpRepr } from '../../sim/packet/arp.js';
import { fromHex } from '../../sim/packet/bytes.js';
import { IcmpPacket, IcmpRepr } from '../../sim/packet/icmp.js';
import { Icmpv6Packet, Icmpv6Repr } from '../../sim/packet/icmpv6.js';
import { Ipv4Packet, Ipv4Repr } from '../../sim/packet/ipv4.js';
import { Ipv6Packet, Ipv6Repr } from '../../sim/packet/ipv6.js';
import { Ipv6ExtHeader, Ipv6ExtRepr } from '../../sim/packet/ipv6-ext.js';
import { SctpPacket, SctpRepr } from '../../sim/packet/sctp.js';
import { TcpPacket, TcpRepr, type TcpOption } from '../../sim/packet/tcp.js';
import { UdpPacket, UdpRepr } from '../../sim/packet/udp.js';
import { parseIpv4, parseIpv6, parseMac } from '../../sim/flow/addr.js';

export const mac = (s: string): bigint => parseMac(s)!;
export const ip4 = (s: string): number => parseIpv4(s)!;
export const ip6 = (s: string): bigint => parseIpv6(s)!;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytes(n: number, start = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
}

/** Ethernet header with optional tags ([tpid, tci] pairs, outermost first). */
export function eth(type: number, opts: { dst?: string; src?: string; tags?: Array<[number, number]> } = {}): Uint8Array {
  const tags = opts.tags ?? [];
  const out = new Uint8Array(14 + 4 * tags.length);
  out.set(fromHex((opts.dst ?? '0a:00:00:00:00:02').replace(/:/g, '')), 0);
  out.set(fromHex((opts.src ?? '0a:00:00:00:00:01').replace(/:/g, '')), 6);
  let o = 12;
  for (const [tpid, tci] of tags) {
    out[o] = tpid >> 8;
    out[o + 1] = tpid & 0xff;
    out[o + 2] = tci >> 8;
    out[o + 3] = tci & 0xff;
    o += 4;
  }
  out[o] = type >> 8;
  out[o + 1] = type & 0xff;
  return out;
}

export interface V4 {
  src?: string;
  dst?: string;
  proto: number;
  tos?: number;
  ttl?: number;
  mf?: boolean;
  fragOffset?: number;
  options?: Uint8Array;
}

export function ipv4(h: V4, l4: Uint8Array): Uint8Array {
  const repr: Ipv4Repr = {
    src: ip4(h.src ?? '10.0.0.1'),
    dst: ip4(h.dst ?? '10.0.0.2'),
    protocol: h.proto,
    payloadLen: l4.length,
    ttl: h.ttl ?? 64,
    tos: h.tos ?? 0,
    ident: 0x1234,
    dontFrag: false,
    moreFrags: h.mf ?? false,
    fragOffset: h.fragOffset ?? 0,
    options: h.options ?? new Uint8Array(0),
  };
  const hl = Ipv4Repr.bufferLen(repr);
  const out = new Uint8Array(hl + l4.length);
  Ipv4Repr.emit(repr, new Ipv4Packet(out));
  out.set(l4, hl);
  return out;
}

export interface V6 {
  src?: string;
  dst?: string;
  nh: number;
  tc?: number;
  label?: number;
  hlim?: number;
  exts?: Ipv6ExtRepr[];
}

export function ipv6(h: V6, l4: Uint8Array): Uint8Array {
  const exts = h.exts ?? [];
  const extLen = exts.reduce((n, e) => n + Ipv6ExtRepr.bufferLen(e), 0);
  const repr: Ipv6Repr = {
    src: ip6(h.src ?? 'fe80::1'),
    dst: ip6(h.dst ?? 'fe80::2'),
    nextHeader: exts.length ? Ipv6ExtRepr.protocolOf(exts[0]!) : h.nh,
    payloadLen: extLen + l4.length,
    hopLimit: h.hlim ?? 64,
    trafficClass: h.tc ?? 0,
    flowLabel: h.label ?? 0,
  };
  const out = new Uint8Array(40 + extLen + l4.length);
  Ipv6Repr.emit(repr, new Ipv6Packet(out));
  let o = 40;
  for (const e of exts) {
    Ipv6ExtRepr.emit(e, new Ipv6ExtHeader(out, o));
    o += Ipv6ExtRepr.bufferLen(e);
  }
  out.set(l4, o);
  return out;
}

type Pair = { src: number; dst: number } | { src: bigint; dst: bigint };
const v4pair = { src: ip4('10.0.0.1'), dst: ip4('10.0.0.2') };

export function tcp(
  t: { src: number; dst: number; flags: number; options?: TcpOption[]; payload?: Uint8Array },
  ip: Pair = v4pair,
): Uint8Array {
  const repr: TcpRepr = {
    srcPort: t.src,
    dstPort: t.dst,
    seq: 1000,
    ack: 0,
    flags: t.flags,
    window: 8192,
    urgent: 0,
    options: t.options ?? [],
    payload: t.payload ?? new Uint8Array(0),
  };
  const out = new Uint8Array(TcpRepr.bufferLen(repr));
  TcpRepr.emit(repr, new TcpPacket(out), ip);
  return out;
}

export function udp(u: { src: number; dst: number; payload?: Uint8Array }, ip: Pair = v4pair): Uint8Array {
  const repr: UdpRepr = { srcPort: u.src, dstPort: u.dst, payload: u.payload ?? bytes(10) };
  const out = new Uint8Array(UdpRepr.bufferLen(repr));
  UdpRepr.emit(repr, new UdpPacket(out), ip);
  return out;
}

export function sctp(s: { src: number; dst: number }): Uint8Array {
  const repr: SctpRepr = { srcPort: s.src, dstPort: s.dst, verificationTag: 0xdeadbeef, chunks: [{ type: 1, flags: 0, value: bytes(16) }] };
  const out = new Uint8Array(SctpRepr.bufferLen(repr));
  SctpRepr.emit(repr, new SctpPacket(out));
  return out;
}

export function icmp(type: number, code: number, payload = bytes(8)): Uint8Array {
  const repr: IcmpRepr = { type, code, restOfHeader: 0x00010002, payload };
  const out = new Uint8Array(IcmpRepr.bufferLen(repr));
  IcmpRepr.emit(repr, new IcmpPacket(out));
  return out;
}

export function icmpv6(repr: Icmpv6Repr, ip: { src: bigint; dst: bigint } = { src: ip6('fe80::1'), dst: ip6('fe80::2') }): Uint8Array {
  const out = new Uint8Array(Icmpv6Repr.bufferLen(repr));
  Icmpv6Repr.emit(repr, new Icmpv6Packet(out), ip);
  return out;
}

export function arp(a: { op: number; sha: string; spa: string; tha: string; tpa: string }): Uint8Array {
  const out = new Uint8Array(28);
  ArpRepr.emit({ operation: a.op, sha: mac(a.sha), spa: ip4(a.spa), tha: mac(a.tha), tpa: ip4(a.tpa) }, new ArpPacket(out));
  return out;
}
