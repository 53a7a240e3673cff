/**
 * IPv6 fixed header (RFC 8200): a view and a Repr. Extension headers are in
 * ipv6-ext.ts; `nextHeader` here names the first of them (or the upper layer).
 */
import { get16, get32, getIpv6, set16, set32, setIpv6 } from './bytes.js';
import { PacketError, requireBytes } from './error.js';

const F = Object.freeze({ VER_TC_FLOW: 0, PAYLOAD_LEN: 4, NEXT_HEADER: 6, HOP_LIMIT: 7, SRC: 8, DST: 24 });
export const IPV6_HEADER_LEN = 40;

export class Ipv6Packet {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  static checked(buffer: Uint8Array, offset = 0): Ipv6Packet {
    requireBytes('IPv6', buffer.length, offset, IPV6_HEADER_LEN);
    const p = new Ipv6Packet(buffer, offset);
    if (p.version !== 6) throw new PacketError('IPv6', offset, `version is ${p.version}, not 6`);
    return p;
  }

  get #word0(): number {
    return get32(this.buffer, this.offset + F.VER_TC_FLOW);
  }
  set #word0(v: number) {
    set32(this.buffer, this.offset + F.VER_TC_FLOW, v >>> 0);
  }
  get version(): number {
    return this.#word0 >>> 28;
  }
  set version(v: number) {
    this.#word0 = (this.#word0 & 0x0fffffff) | ((v & 0xf) << 28);
  }
  get trafficClass(): number {
    return (this.#word0 >>> 20) & 0xff;
  }
  set trafficClass(v: number) {
    this.#word0 = (this.#word0 & 0xf00fffff) | ((v & 0xff) << 20);
  }
  get flowLabel(): number {
    return this.#word0 & 0xfffff;
  }
  set flowLabel(v: number) {
    this.#word0 = (this.#word0 & 0xfff00000) | (v & 0xfffff);
  }
  get payloadLen(): number {
    return get16(this.buffer, this.offset + F.PAYLOAD_LEN);
  }
  set payloadLen(v: number) {
    set16(this.buffer, this.offset + F.PAYLOAD_LEN, v);
  }
  get nextHeader(): number {
    return this.buffer[this.offset + F.NEXT_HEADER]!;
  }
  set nextHeader(v: number) {
    this.buffer[this.offset + F.NEXT_HEADER] = v;
  }
  get hopLimit(): number {
    return this.buffer[this.offset + F.HOP_LIMIT]!;
  }
  set hopLimit(v: number) {
    this.buffer[this.offset + F.HOP_LIMIT] = v;
  }
  get src(): bigint {
    return getIpv6(this.buffer, this.offset + F.SRC);
  }
  set src(v: bigint) {
    setIpv6(this.buffer, this.offset + F.SRC, v);
  }
  get dst(): bigint {
    return getIpv6(this.buffer, this.offset + F.DST);
  }
  set dst(v: bigint) {
    setIpv6(this.buffer, this.offset + F.DST, v);
  }
  get payloadOffset(): number {
    return this.offset + IPV6_HEADER_LEN;
  }
}

export interface Ipv6Repr {
  src: bigint;
  dst: bigint;
  /** The first extension header or the upper-layer protocol. */
  nextHeader: number;
  /** Bytes after the fixed header: extension headers and upper layer. */
  payloadLen: number;
  hopLimit: number;
  trafficClass: number;
  flowLabel: number;
}

export const Ipv6Repr = {
  parse(p: Ipv6Packet): Ipv6Repr {
    const q = Ipv6Packet.checked(p.buffer, p.offset);
    requireBytes('IPv6', p.buffer.length, p.offset, IPV6_HEADER_LEN + q.payloadLen);
    return {
      src: q.src,
      dst: q.dst,
      nextHeader: q.nextHeader,
      payloadLen: q.payloadLen,
      hopLimit: q.hopLimit,
      trafficClass: q.trafficClass,
      flowLabel: q.flowLabel,
    };
  },
  bufferLen(_repr: Ipv6Repr): number {
    return IPV6_HEADER_LEN;
  },
  emit(repr: Ipv6Repr, p: Ipv6Packet): void {
    requireBytes('IPv6', p.buffer.length, p.offset, IPV6_HEADER_LEN);
    if (repr.payloadLen > 0xffff) throw new PacketError('IPv6', p.offset, `payload length ${repr.payloadLen} exceeds 65535`);
    p.buffer.fill(0, p.offset, p.offset + 4);
    p.version = 6;
    p.trafficClass = repr.trafficClass;
    p.flowLabel = repr.flowLabel;
    p.payloadLen = repr.payloadLen;
    p.nextHeader = repr.nextHeader;
    p.hopLimit = repr.hopLimit;
    p.src = repr.src;
    p.dst = repr.dst;
  },
};
