/**
 * TCP (RFC 9293): a view over the segment and a Repr with decoded options. The checksum
 * covers the IP pseudo-header, so verify and emit take the IP addresses (`IpPair`).
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { finish, sumBytes } from './checksum.js';
import { PacketError, requireBytes } from './error.js';
import { pseudoSum, type IpPair } from './pseudo.js';

const F = Object.freeze({ SRC: 0, DST: 2, SEQ: 4, ACK: 8, OFF_FLAGS: 12, WINDOW: 14, CHECKSUM: 16, URGENT: 18, OPTIONS: 20 });
export const TCP_MIN_HEADER_LEN = 20;
const IPPROTO_TCP = 6;

/** The 12 flag bits below the data offset (the top three are reserved). */
export const TCP_FLAG = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

export class TcpPacket {
  /** `end` bounds the segment (the IP payload end); it defaults to the buffer end. */
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
    readonly end = buffer.length,
  ) {}

  static checked(buffer: Uint8Array, offset = 0, end = buffer.length): TcpPacket {
    requireBytes('TCP', end, offset, TCP_MIN_HEADER_LEN);
    const p = new TcpPacket(buffer, offset, end);
    if (p.headerLen < TCP_MIN_HEADER_LEN) throw new PacketError('TCP', offset + F.OFF_FLAGS, `data offset ${p.headerLen} is below 20`);
    requireBytes('TCP', end, offset, p.headerLen);
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
  get seq(): number {
    return get32(this.buffer, this.offset + F.SEQ);
  }
  set seq(v: number) {
    set32(this.buffer, this.offset + F.SEQ, v);
  }
  get ack(): number {
    return get32(this.buffer, this.offset + F.ACK);
  }
  set ack(v: number) {
    set32(this.buffer, this.offset + F.ACK, v);
  }
  /** Header length in bytes (data offset * 4). */
  get headerLen(): number {
    return (this.buffer[this.offset + F.OFF_FLAGS]! >>> 4) * 4;
  }
  set headerLen(v: number) {
    const o = this.offset + F.OFF_FLAGS;
    this.buffer[o] = (((v >>> 2) & 0xf) << 4) | (this.buffer[o]! & 0xf);
  }
  /** The 12 bits after the data offset (see TCP_FLAG). */
  get flags(): number {
    return get16(this.buffer, this.offset + F.OFF_FLAGS) & 0x0fff;
  }
  set flags(v: number) {
    const o = this.offset + F.OFF_FLAGS;
    set16(this.buffer, o, (get16(this.buffer, o) & 0xf000) | (v & 0x0fff));
  }
  get window(): number {
    return get16(this.buffer, this.offset + F.WINDOW);
  }
  set window(v: number) {
    set16(this.buffer, this.offset + F.WINDOW, v);
  }
  get checksum(): number {
    return get16(this.buffer, this.offset + F.CHECKSUM);
  }
  set checksum(v: number) {
    set16(this.buffer, this.offset + F.CHECKSUM, v);
  }
  get urgent(): number {
    return get16(this.buffer, this.offset + F.URGENT);
  }
  set urgent(v: number) {
    set16(this.buffer, this.offset + F.URGENT, v);
  }
  get payloadOffset(): number {
    return this.offset + this.headerLen;
  }
  verifyChecksum(ip: IpPair): boolean {
    return finish(sumBytes(this.buffer, this.offset, this.end, pseudoSum(ip, IPPROTO_TCP, this.end - this.offset))) === 0;
  }
  fillChecksum(ip: IpPair): void {
    this.checksum = 0;
    this.checksum = finish(sumBytes(this.buffer, this.offset, this.end, pseudoSum(ip, IPPROTO_TCP, this.end - this.offset)));
  }
}

export type TcpOption =
  | { kind: 'nop' }
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackPermitted' }
  | { kind: 'sack'; blocks: Array<[number, number]> }
  | { kind: 'timestamp'; tsval: number; tsecr: number }
  | { kind: 'unknown'; type: number; data: Uint8Array };

const OPT = { EOL: 0, NOP: 1, MSS: 2, WSCALE: 3, SACK_PERMITTED: 4, SACK: 5, TIMESTAMP: 8 } as const;

function optionLen(o: TcpOption): number {
  switch (o.kind) {
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sackPermitted':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks.length;
    case 'timestamp':
      return 10;
    case 'unknown':
      return 2 + o.data.length;
    default: {
      const never: never = o;
      throw new Error(`unknown TCP option ${String(never)}`);
    }
  }
}

function parseOptions(b: Uint8Array, start: number, end: number): TcpOption[] {
  const out: TcpOption[] = [];
  let o = start;
  while (o < end) {
    const type = b[o]!;
    if (type === OPT.EOL) break;
    if (type === OPT.NOP) {
      out.push({ kind: 'nop' });
      o++;
      continue;
    }
    requireBytes('TCP option', end, o, 2);
    const len = b[o + 1]!;
    if (len < 2) throw new PacketError('TCP option', o + 1, `option ${type} has length ${len}`);
    requireBytes('TCP option', end, o, len);
    const bad = (want: string) => new PacketError('TCP option', o + 1, `option ${type} has length ${len}, want ${want}`);
    switch (type) {
      case OPT.MSS:
        if (len !== 4) throw bad('4');
        out.push({ kind: 'mss', value: get16(b, o + 2) });
        break;
      case OPT.WSCALE:
        if (len !== 3) throw bad('3');
        out.push({ kind: 'wscale', shift: b[o + 2]! });
        break;
      case OPT.SACK_PERMITTED:
        if (len !== 2) throw bad('2');
        out.push({ kind: 'sackPermitted' });
        break;
      case OPT.SACK: {
        if ((len - 2) % 8 !== 0) throw bad('2 + 8n');
        const blocks: Array<[number, number]> = [];
        for (let i = o + 2; i < o + len; i += 8) blocks.push([get32(b, i), get32(b, i + 4)]);
        out.push({ kind: 'sack', blocks });
        break;
      }
      case OPT.TIMESTAMP:
        if (len !== 10) throw bad('10');
        out.push({ kind: 'timestamp', tsval: get32(b, o + 2), tsecr: get32(b, o + 6) });
        break;
      default:
        out.push({ kind: 'unknown', type, data: b.slice(o + 2, o + len) });
    }
    o += len;
  }
  return out;
}

function emitOption(o: TcpOption, b: Uint8Array, at: number): void {
  const len = optionLen(o);
  if (o.kind === 'nop') {
    b[at] = OPT.NOP;
    return;
  }
  b[at + 1] = len;
  switch (o.kind) {
    case 'mss':
      b[at] = OPT.MSS;
      set16(b, at + 2, o.value);
      break;
    case 'wscale':
      b[at] = OPT.WSCALE;
      b[at + 2] = o.shift;
      break;
    case 'sackPermitted':
      b[at] = OPT.SACK_PERMITTED;
      break;
    case 'sack':
      b[at] = OPT.SACK;
      o.blocks.forEach(([l, r], i) => {
        set32(b, at + 2 + 8 * i, l);
        set32(b, at + 6 + 8 * i, r);
      });
      break;
    case 'timestamp':
      b[at] = OPT.TIMESTAMP;
      set32(b, at + 2, o.tsval);
      set32(b, at + 6, o.tsecr);
      break;
    case 'unknown':
      b[at] = o.type;
      b.set(o.data, at + 2);
      break;
  }
}

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  options: TcpOption[];
  payload: Uint8Array;
}

export const TcpRepr = {
  /** Parses a segment; the checksum is verified when the IP addresses are given. */
  parse(p: TcpPacket, opts: { ip?: IpPair } = {}): TcpRepr {
    const q = TcpPacket.checked(p.buffer, p.offset, p.end);
    if (opts.ip && !q.verifyChecksum(opts.ip)) {
      throw new PacketError('TCP', p.offset + F.CHECKSUM, `bad checksum 0x${q.checksum.toString(16).padStart(4, '0')}`);
    }
    return {
      srcPort: q.srcPort,
      dstPort: q.dstPort,
      seq: q.seq,
      ack: q.ack,
      flags: q.flags,
      window: q.window,
      urgent: q.urgent,
      options: parseOptions(q.buffer, q.offset + F.OPTIONS, q.payloadOffset),
      payload: q.buffer.slice(q.payloadOffset, q.end),
    };
  },
  /** Header length: options padded to a multiple of 4. */
  headerLen(repr: TcpRepr): number {
    const opts = repr.options.reduce((n, o) => n + optionLen(o), 0);
    return TCP_MIN_HEADER_LEN + ((opts + 3) & ~3);
  },
  bufferLen(repr: TcpRepr): number {
    return TcpRepr.headerLen(repr) + repr.payload.length;
  },
  /** Writes the whole segment (header, options, payload) and its checksum. */
  emit(repr: TcpRepr, p: TcpPacket, ip: IpPair): void {
    const hlen = TcpRepr.headerLen(repr);
    if (hlen > 60) throw new PacketError('TCP', p.offset, `options need ${hlen - 20} bytes, more than 40`);
    const len = hlen + repr.payload.length;
    requireBytes('TCP', p.buffer.length, p.offset, len);
    const q = new TcpPacket(p.buffer, p.offset, p.offset + len);
    p.buffer.fill(0, q.offset, q.offset + hlen);
    q.srcPort = repr.srcPort;
    q.dstPort = repr.dstPort;
    q.seq = repr.seq;
    q.ack = repr.ack;
    q.headerLen = hlen;
    q.flags = repr.flags;
    q.window = repr.window;
    q.urgent = repr.urgent;
    let at = q.offset + F.OPTIONS;
    for (const o of repr.options) {
      emitOption(o, p.buffer, at);
      at += optionLen(o);
    }
    p.buffer.set(repr.payload, q.offset + hlen);
    q.fillChecksum(ip);
  },
};
