/**
 * SCTP (RFC 9260) common header and chunks. The checksum is CRC32c over the whole
 * packet with the checksum field zeroed, stored least significant byte first (the byte
 * order the CRC is computed in), and covers no pseudo-header.
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { crc32c } from './checksum.js';
import { PacketError, requireBytes } from './error.js';

const F = Object.freeze({ SRC: 0, DST: 2, VTAG: 4, CHECKSUM: 8, CHUNKS: 12 });
export const SCTP_HEADER_LEN = 12;
export const SCTP_CHUNK = { DATA: 0, INIT: 1, INIT_ACK: 2, SACK: 3, HEARTBEAT: 4, ABORT: 6 } as const;

export class SctpPacket {
  /** `end` bounds the packet (the IP payload end); it defaults to the buffer end. */
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
    readonly end = buffer.length,
  ) {}

  static checked(buffer: Uint8Array, offset = 0, end = buffer.length): SctpPacket {
    requireBytes('SCTP', end, offset, SCTP_HEADER_LEN);
    return new SctpPacket(buffer, offset, end);
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
  get verificationTag(): number {
    return get32(this.buffer, this.offset + F.VTAG);
  }
  set verificationTag(v: number) {
    set32(this.buffer, this.offset + F.VTAG, v);
  }
  /** The checksum as the CRC value (the wire holds it least significant byte first). */
  get checksum(): number {
    const b = this.buffer;
    const o = this.offset + F.CHECKSUM;
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  }
  set checksum(v: number) {
    const o = this.offset + F.CHECKSUM;
    for (let i = 0; i < 4; i++) this.buffer[o + i] = (v >>> (8 * i)) & 0xff;
  }
  get chunksOffset(): number {
    return this.offset + F.CHUNKS;
  }
  #compute(): number {
    const saved = this.checksum;
    this.checksum = 0;
    const c = crc32c(this.buffer, this.offset, this.end);
    this.checksum = saved;
    return c;
  }
  verifyChecksum(): boolean {
    return this.#compute() === this.checksum;
  }
  fillChecksum(): void {
    this.checksum = this.#compute();
  }
}

export interface SctpChunk {
  type: number;
  flags: number;
  /** The chunk value (after the 4-byte chunk header), without padding. */
  value: Uint8Array;
}

export interface SctpRepr {
  srcPort: number;
  dstPort: number;
  verificationTag: number;
  chunks: SctpChunk[];
}

function chunkLen(c: SctpChunk): number {
  return (4 + c.value.length + 3) & ~3;
}

export const SctpRepr = {
  parse(p: SctpPacket, opts: { checksum?: boolean } = {}): SctpRepr {
    requireBytes('SCTP', p.end, p.offset, SCTP_HEADER_LEN);
    if (opts.checksum !== false && !p.verifyChecksum()) {
      throw new PacketError('SCTP', p.offset + F.CHECKSUM, `bad CRC32c checksum 0x${p.checksum.toString(16).padStart(8, '0')}`);
    }
    const chunks: SctpChunk[] = [];
    let o = p.chunksOffset;
    while (o < p.end) {
      requireBytes('SCTP chunk', p.end, o, 4);
      const len = get16(p.buffer, o + 2);
      if (len < 4) throw new PacketError('SCTP chunk', o + 2, `chunk length ${len} is below 4`);
      requireBytes('SCTP chunk', p.end, o, len);
      chunks.push({ type: p.buffer[o]!, flags: p.buffer[o + 1]!, value: p.buffer.slice(o + 4, o + len) });
      o += (len + 3) & ~3;
    }
    return { srcPort: p.srcPort, dstPort: p.dstPort, verificationTag: p.verificationTag, chunks };
  },
  bufferLen(repr: SctpRepr): number {
    return repr.chunks.reduce((n, c) => n + chunkLen(c), SCTP_HEADER_LEN);
  },
  emit(repr: SctpRepr, p: SctpPacket): void {
    const len = SctpRepr.bufferLen(repr);
    requireBytes('SCTP', p.buffer.length, p.offset, len);
    const q = new SctpPacket(p.buffer, p.offset, p.offset + len);
    p.buffer.fill(0, q.offset, q.end);
    q.srcPort = repr.srcPort;
    q.dstPort = repr.dstPort;
    q.verificationTag = repr.verificationTag;
    let o = q.chunksOffset;
    for (const c of repr.chunks) {
      p.buffer[o] = c.type;
      p.buffer[o + 1] = c.flags;
      set16(p.buffer, o + 2, 4 + c.value.length);
      p.buffer.set(c.value, o + 4);
      o += chunkLen(c);
    }
    q.fillChecksum();
  },
};
