/**
 * UDP (RFC 768): a view and a Repr. The checksum covers the IP pseudo-header; a computed
 * 0 goes on the wire as 0xffff, and a received 0 means "no checksum" (IPv4 only).
 */
import { get16, set16 } from './bytes.js';
import { finish, sumBytes } from './checksum.js';
import { PacketError, requireBytes } from './error.js';
import { pseudoSum, type IpPair } from './pseudo.js';

const F = Object.freeze({ SRC: 0, DST: 2, LENGTH: 4, CHECKSUM: 6 });
export const UDP_HEADER_LEN = 8;
const IPPROTO_UDP = 17;

export class UdpPacket {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  static checked(buffer: Uint8Array, offset = 0, end = buffer.length): UdpPacket {
    requireBytes('UDP', end, offset, UDP_HEADER_LEN);
    const p = new UdpPacket(buffer, offset);
    if (p.length < UDP_HEADER_LEN) throw new PacketError('UDP', offset + F.LENGTH, `length ${p.length} is below 8`);
    requireBytes('UDP', end, offset, p.length);
    return p;
  }

  get srcPort(): number {
    return get16(this.buffer, this.offset + F.SRC);
  }
  set srcPort(v: number) {
    set16(this.buffer, this.offset + F.SRC, v);
  }
  get dstPort(): number {
    return get16(this.buffer, this.offset + F.DST);
  }
  set dstPort(v: number) {
    set16(this.buffer, this.offset + F.DST, v);
  }
  /** Header plus payload, in bytes. */
  get length(): number {
    return get16(this.buffer, this.offset + F.LENGTH);
  }
  set length(v: number) {
    set16(this.buffer, this.offset + F.LENGTH, v);
  }
  get checksum(): number {
    return get16(this.buffer, this.offset + F.CHECKSUM);
  }
  set checksum(v: number) {
    set16(this.buffer, this.offset + F.CHECKSUM, v);
  }
  get payloadOffset(): number {
    return this.offset + UDP_HEADER_LEN;
  }
  #compute(ip: IpPair): number {
    const end = this.offset + this.length;
    return finish(sumBytes(this.buffer, this.offset, end, pseudoSum(ip, IPPROTO_UDP, this.length)));
  }
  /** True when the checksum is right, or absent (0) over IPv4. */
  verifyChecksum(ip: IpPair): boolean {
    if (this.checksum === 0 && typeof ip.src === 'number') return true;
    return this.#compute(ip) === 0;
  }
  fillChecksum(ip: IpPair): void {
    this.checksum = 0;
    this.checksum = this.#compute(ip) || 0xffff;
  }
}

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

export const UdpRepr = {
  /** Parses a datagram; the checksum is verified when the IP addresses are given. */
  parse(p: UdpPacket, opts: { ip?: IpPair; end?: number } = {}): UdpRepr {
    const q = UdpPacket.checked(p.buffer, p.offset, opts.end ?? p.buffer.length);
    if (opts.ip && !q.verifyChecksum(opts.ip)) {
      throw new PacketError('UDP', p.offset + F.CHECKSUM, `bad checksum 0x${q.checksum.toString(16).padStart(4, '0')}`);
    }
    return { srcPort: q.srcPort, dstPort: q.dstPort, payload: q.buffer.slice(q.payloadOffset, q.offset + q.length) };
  },
  bufferLen(repr: UdpRepr): number {
    return UDP_HEADER_LEN + repr.payload.length;
  },
  emit(repr: UdpRepr, p: UdpPacket, ip: IpPair): void {
    const len = UdpRepr.bufferLen(repr);
    if (len > 0xffff) throw new PacketError('UDP', p.offset, `length ${len} exceeds 65535`);
    requireBytes('UDP', p.buffer.length, p.offset, len);
    p.srcPort = repr.srcPort;
    p.dstPort = repr.dstPort;
    p.length = len;
    p.buffer.set(repr.payload, p.payloadOffset);
    p.fillChecksum(ip);
  },
};
