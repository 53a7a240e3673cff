/**
 * ICMP for IPv4 (RFC 792): type, code, checksum and the 4-byte rest-of-header (identifier
 * and sequence number for echo), then the body. The checksum covers the whole message and
 * no pseudo-header.
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { PacketError, requireBytes } from './error.js';

const F = Object.freeze({ TYPE: 0, CODE: 1, CHECKSUM: 2, REST: 4, IDENT: 4, SEQ: 6 });
export const ICMP_HEADER_LEN = 8;
export const ICMP_TYPE = { ECHO_REPLY: 0, DEST_UNREACHABLE: 3, ECHO_REQUEST: 8, TIME_EXCEEDED: 11 } as const;

export class IcmpPacket {
  /** `end` bounds the message (the IP payload end); it defaults to the buffer end. */
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
    readonly end = buffer.length,
  ) {}

  static checked(buffer: Uint8Array, offset = 0, end = buffer.length): IcmpPacket {
    requireBytes('ICMP', end, offset, ICMP_HEADER_LEN);
    return new IcmpPacket(buffer, offset, end);
  }

  get type(): number {
    return this.buffer[this.offset + F.TYPE]!;
  }
  set type(v: number) {
    this.buffer[this.offset + F.TYPE] = v;
  }
  get code(): number {
    return this.buffer[this.offset + F.CODE]!;
  }
  set code(v: number) {
    this.buffer[this.offset + F.CODE] = v;
  }
  get checksum(): number {
    return get16(this.buffer, this.offset + F.CHECKSUM);
  }
  set checksum(v: number) {
    set16(this.buffer, this.offset + F.CHECKSUM, v);
  }
  get restOfHeader(): number {
    return get32(this.buffer, this.offset + F.REST);
  }
  set restOfHeader(v: number) {
    set32(this.buffer, this.offset + F.REST, v);
  }
  /** Echo identifier. */
  get ident(): number {
    return get16(this.buffer, this.offset + F.IDENT);
  }
  set ident(v: number) {
    set16(this.buffer, this.offset + F.IDENT, v);
  }
  /** Echo sequence number. */
  get seqNo(): number {
    return get16(this.buffer, this.offset + F.SEQ);
  }
  set seqNo(v: number) {
    set16(this.buffer, this.offset + F.SEQ, v);
  }
  get payloadOffset(): number {
    return this.offset + ICMP_HEADER_LEN;
  }
  verifyChecksum(): boolean {
    return internetChecksum(this.buffer, this.offset, this.end) === 0;
  }
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.buffer, this.offset, this.end);
  }
}

export interface IcmpRepr {
  type: number;
  code: number;
  restOfHeader: number;
  payload: Uint8Array;
}

export const IcmpRepr = {
  parse(p: IcmpPacket, opts: { checksum?: boolean } = {}): IcmpRepr {
    requireBytes('ICMP', p.end, p.offset, ICMP_HEADER_LEN);
    if (opts.checksum !== false && !p.verifyChecksum()) {
      throw new PacketError('ICMP', p.offset + F.CHECKSUM, `bad checksum 0x${p.checksum.toString(16).padStart(4, '0')}`);
    }
    return { type: p.type, code: p.code, restOfHeader: p.restOfHeader, payload: p.buffer.slice(p.payloadOffset, p.end) };
  },
  bufferLen(repr: IcmpRepr): number {
    return ICMP_HEADER_LEN + repr.payload.length;
  },
  /** Writes the message into `p` (whose `end` must be where the message ends) with its checksum. */
  emit(repr: IcmpRepr, p: IcmpPacket): void {
    const len = IcmpRepr.bufferLen(repr);
    requireBytes('ICMP', p.buffer.length, p.offset, len);
    const q = new IcmpPacket(p.buffer, p.offset, p.offset + len);
    q.type = repr.type;
    q.code = repr.code;
    q.restOfHeader = repr.restOfHeader;
    p.buffer.set(repr.payload, q.payloadOffset);
    q.fillChecksum();
  },
};
