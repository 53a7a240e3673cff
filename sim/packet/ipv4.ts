/**
 * IPv4 (RFC 791): a view over the header (options included) and a Repr. The header
 * checksum is checked on parse (unless the caller opts out, e.g. for captures taken
 * before checksum offload) and filled on emit.
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { PacketError, requireBytes } from './error.js';

const F = Object.freeze({
  VER_IHL: 0,
  TOS: 1,
  TOTAL_LEN: 2,
  IDENT: 4,
  FLAGS_FRAG: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
  OPTIONS: 20,
});
export const IPV4_MIN_HEADER_LEN = 20;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_OFFSET_MASK = 0x1fff;

export class Ipv4Packet {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  /** A view checked to hold its whole header (IHL words) and to be version 4. */
  static checked(buffer: Uint8Array, offset = 0): Ipv4Packet {
    requireBytes('IPv4', buffer.length, offset, IPV4_MIN_HEADER_LEN);
    const p = new Ipv4Packet(buffer, offset);
    if (p.version !== 4) throw new PacketError('IPv4', offset, `version is ${p.version}, not 4`);
    if (p.headerLen < IPV4_MIN_HEADER_LEN) throw new PacketError('IPv4', offset, `header length ${p.headerLen} is below 20`);
    requireBytes('IPv4', buffer.length, offset, p.headerLen);
    return p;
  }

  get version(): number {
    return this.buffer[this.offset + F.VER_IHL]! >>> 4;
  }
  set version(v: number) {
    const o = this.offset + F.VER_IHL;
    this.buffer[o] = ((v & 0xf) << 4) | (this.buffer[o]! & 0xf);
  }
  /** Header length in bytes (IHL * 4). */
  get headerLen(): number {
    return (this.buffer[this.offset + F.VER_IHL]! & 0xf) * 4;
  }
  set headerLen(v: number) {
    const o = this.offset + F.VER_IHL;
    this.buffer[o] = (this.buffer[o]! & 0xf0) | ((v >>> 2) & 0xf);
  }
  /** The whole type-of-service byte: DSCP in the high 6 bits, ECN in the low 2. */
  get tos(): number {
    return this.buffer[this.offset + F.TOS]!;
  }
  set tos(v: number) {
    this.buffer[this.offset + F.TOS] = v;
  }
  get dscp(): number {
    return this.tos >>> 2;
  }
  get ecn(): number {
    return this.tos & 3;
  }
  get totalLen(): number {
    return get16(this.buffer, this.offset + F.TOTAL_LEN);
  }
  set totalLen(v: number) {
    set16(this.buffer, this.offset + F.TOTAL_LEN, v);
  }
  get ident(): number {
    return get16(this.buffer, this.offset + F.IDENT);
  }
  set ident(v: number) {
    set16(this.buffer, this.offset + F.IDENT, v);
  }
  get dontFrag(): boolean {
    return (get16(this.buffer, this.offset + F.FLAGS_FRAG) & FLAG_DF) !== 0;
  }
  set dontFrag(v: boolean) {
    this.#setFlagsFrag(FLAG_DF, v ? FLAG_DF : 0);
  }
  get moreFrags(): boolean {
    return (get16(this.buffer, this.offset + F.FLAGS_FRAG) & FLAG_MF) !== 0;
  }
  set moreFrags(v: boolean) {
    this.#setFlagsFrag(FLAG_MF, v ? FLAG_MF : 0);
  }
  /** Fragment offset in bytes (always a multiple of 8). */
  get fragOffset(): number {
    return (get16(this.buffer, this.offset + F.FLAGS_FRAG) & FRAG_OFFSET_MASK) * 8;
  }
  set fragOffset(bytes: number) {
    this.#setFlagsFrag(FRAG_OFFSET_MASK, (bytes >>> 3) & FRAG_OFFSET_MASK);
  }
  get ttl(): number {
    return this.buffer[this.offset + F.TTL]!;
  }
  set ttl(v: number) {
    this.buffer[this.offset + F.TTL] = v;
  }
  get protocol(): number {
    return this.buffer[this.offset + F.PROTOCOL]!;
  }
  set protocol(v: number) {
    this.buffer[this.offset + F.PROTOCOL] = v;
  }
  get checksum(): number {
    return get16(this.buffer, this.offset + F.CHECKSUM);
  }
  set checksum(v: number) {
    set16(this.buffer, this.offset + F.CHECKSUM, v);
  }
  get src(): number {
    return get32(this.buffer, this.offset + F.SRC);
  }
  set src(v: number) {
    set32(this.buffer, this.offset + F.SRC, v);
  }
  get dst(): number {
    return get32(this.buffer, this.offset + F.DST);
  }
  set dst(v: number) {
    set32(this.buffer, this.offset + F.DST, v);
  }
  /** The option bytes (a copy). */
  get options(): Uint8Array {
    return this.buffer.slice(this.offset + F.OPTIONS, this.offset + this.headerLen);
  }
  get payloadOffset(): number {
    return this.offset + this.headerLen;
  }
  /** Whether the stored header checksum is right. */
  verifyChecksum(): boolean {
    return internetChecksum(this.buffer, this.offset, this.offset + this.headerLen) === 0;
  }
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.buffer, this.offset, this.offset + this.headerLen);
  }

  #setFlagsFrag(mask: number, bits: number): void {
    const o = this.offset + F.FLAGS_FRAG;
    set16(this.buffer, o, (get16(this.buffer, o) & ~mask) | bits);
  }
}

export interface Ipv4Repr {
  src: number;
  dst: number;
  protocol: number;
  /** Length of what follows the header, in bytes. */
  payloadLen: number;
  ttl: number;
  /** DSCP and ECN, as the whole byte. */
  tos: number;
  ident: number;
  dontFrag: boolean;
  moreFrags: boolean;
  /** In bytes, a multiple of 8. */
  fragOffset: number;
  /** Option bytes; emit pads them with end-of-list bytes to a multiple of 4. */
  options: Uint8Array;
}

export interface Ipv4ParseOptions {
  /** Verify the header checksum (default true). */
  checksum?: boolean;
}

export const Ipv4Repr = {
  parse(p: Ipv4Packet, opts: Ipv4ParseOptions = {}): Ipv4Repr {
    const q = Ipv4Packet.checked(p.buffer, p.offset);
    if (q.totalLen < q.headerLen) {
      throw new PacketError('IPv4', p.offset + F.TOTAL_LEN, `total length ${q.totalLen} is shorter than the header (${q.headerLen})`);
    }
    requireBytes('IPv4', p.buffer.length, p.offset, q.totalLen);
    if (opts.checksum !== false && !q.verifyChecksum()) {
      throw new PacketError('IPv4', p.offset + F.CHECKSUM, `bad header checksum 0x${q.checksum.toString(16).padStart(4, '0')}`);
    }
    return {
      src: q.src,
      dst: q.dst,
      protocol: q.protocol,
      payloadLen: q.totalLen - q.headerLen,
      ttl: q.ttl,
      tos: q.tos,
      ident: q.ident,
      dontFrag: q.dontFrag,
      moreFrags: q.moreFrags,
      fragOffset: q.fragOffset,
      options: q.options,
    };
  },
  /** Header length in bytes (the payload is not included). */
  bufferLen(repr: Ipv4Repr): number {
    return IPV4_MIN_HEADER_LEN + ((repr.options.length + 3) & ~3);
  },
  /** Writes the header (not the payload) and its checksum. */
  emit(repr: Ipv4Repr, p: Ipv4Packet): void {
    const hlen = Ipv4Repr.bufferLen(repr);
    if (hlen > 60) throw new PacketError('IPv4', p.offset, `options of ${repr.options.length} bytes exceed 40`);
    if (repr.fragOffset % 8 !== 0 || repr.fragOffset > FRAG_OFFSET_MASK * 8) {
      throw new PacketError('IPv4', p.offset + F.FLAGS_FRAG, `fragment offset ${repr.fragOffset} is not a multiple of 8 below 65536`);
    }
    if (hlen + repr.payloadLen > 0xffff) throw new PacketError('IPv4', p.offset, `total length ${hlen + repr.payloadLen} exceeds 65535`);
    requireBytes('IPv4', p.buffer.length, p.offset, hlen);
    p.buffer.fill(0, p.offset, p.offset + hlen);
    p.version = 4;
    p.headerLen = hlen;
    p.tos = repr.tos;
    p.totalLen = hlen + repr.payloadLen;
    p.ident = repr.ident;
    p.dontFrag = repr.dontFrag;
    p.moreFrags = repr.moreFrags;
    p.fragOffset = repr.fragOffset;
    p.ttl = repr.ttl;
    p.protocol = repr.protocol;
    p.src = repr.src;
    p.dst = repr.dst;
    p.buffer.set(repr.options, p.offset + F.OPTIONS);
    p.fillChecksum();
  },
};
