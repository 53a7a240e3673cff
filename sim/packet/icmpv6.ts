/**
 * ICMPv6 (RFC 4443) and its neighbor discovery messages (RFC 4861) that switches look
 * into: neighbor solicitation (135) and advertisement (136), with their target address
 * and source/target link-layer address options. The checksum covers an IPv6
 * pseudo-header, so emit and verify take the IP addresses.
 */
import { get16, get32, getIpv6, getMac, set16, set32, setIpv6, setMac } from './bytes.js';
import { finish, sumBytes } from './checksum.js';
import { PacketError, requireBytes } from './error.js';
import { pseudoSum } from './pseudo.js';

const F = Object.freeze({ TYPE: 0, CODE: 1, CHECKSUM: 2, DATA: 4, ND_TARGET: 8, ND_OPTIONS: 24 });
export const ICMPV6_HEADER_LEN = 8;
const IPPROTO_ICMPV6 = 58;
export const ICMPV6_TYPE = {
  DEST_UNREACHABLE: 1,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  NEIGHBOR_SOLICIT: 135,
  NEIGHBOR_ADVERT: 136,
} as const;
export const ND_OPT = { SOURCE_LL_ADDR: 1, TARGET_LL_ADDR: 2 } as const;
const NA_ROUTER = 0x80000000;
const NA_SOLICITED = 0x40000000;
const NA_OVERRIDE = 0x20000000;

export class Icmpv6Packet {
  /** `end` bounds the message (the end of the IPv6 payload); it defaults to the buffer end. */
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
    readonly end = buffer.length,
  ) {}

  static checked(buffer: Uint8Array, offset = 0, end = buffer.length): Icmpv6Packet {
    requireBytes('ICMPv6', end, offset, ICMPV6_HEADER_LEN);
    return new Icmpv6Packet(buffer, offset, end);
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
  /** The 4 bytes after the checksum: echo id/seq, or the ND flags and reserved bits. */
  get data(): number {
    return get32(this.buffer, this.offset + F.DATA);
  }
  set data(v: number) {
    set32(this.buffer, this.offset + F.DATA, v >>> 0);
  }
  /** ND target address (NS and NA only). */
  get ndTarget(): bigint {
    return getIpv6(this.buffer, this.offset + F.ND_TARGET);
  }
  set ndTarget(v: bigint) {
    setIpv6(this.buffer, this.offset + F.ND_TARGET, v);
  }
  get payloadOffset(): number {
    return this.offset + ICMPV6_HEADER_LEN;
  }
  verifyChecksum(ip: { src: bigint; dst: bigint }): boolean {
    const len = this.end - this.offset;
    return finish(sumBytes(this.buffer, this.offset, this.end, pseudoSum(ip, IPPROTO_ICMPV6, len))) === 0;
  }
  fillChecksum(ip: { src: bigint; dst: bigint }): void {
    this.checksum = 0;
    const len = this.end - this.offset;
    this.checksum = finish(sumBytes(this.buffer, this.offset, this.end, pseudoSum(ip, IPPROTO_ICMPV6, len)));
  }
}

export type NdOption = { kind: 'sll' | 'tll'; mac: bigint } | { kind: 'other'; type: number; data: Uint8Array };

export type Icmpv6Repr =
  | {
      kind: 'ns' | 'na';
      /** NA flags; false for NS. */
      router: boolean;
      solicited: boolean;
      override: boolean;
      target: bigint;
      /** Options in wire order. */
      options: NdOption[];
    }
  | { kind: 'other'; type: number; code: number; data: number; payload: Uint8Array };

function ndOptionLen(o: NdOption): number {
  return o.kind === 'other' ? Math.ceil((2 + o.data.length) / 8) * 8 : 8;
}

function parseNdOptions(p: Icmpv6Packet): NdOption[] {
  const out: NdOption[] = [];
  let o = p.offset + F.ND_OPTIONS;
  while (o < p.end) {
    requireBytes('ICMPv6 ND option', p.end, o, 2);
    const type = p.buffer[o]!;
    const len = p.buffer[o + 1]! * 8;
    if (len === 0) throw new PacketError('ICMPv6 ND option', o + 1, 'length is zero');
    requireBytes('ICMPv6 ND option', p.end, o, len);
    if ((type === ND_OPT.SOURCE_LL_ADDR || type === ND_OPT.TARGET_LL_ADDR) && len === 8) {
      out.push({ kind: type === ND_OPT.SOURCE_LL_ADDR ? 'sll' : 'tll', mac: getMac(p.buffer, o + 2) });
    } else {
      out.push({ kind: 'other', type, data: p.buffer.slice(o + 2, o + len) });
    }
    o += len;
  }
  return out;
}

export const Icmpv6Repr = {
  /** Parses a message; the checksum is verified when the IP addresses are given. */
  parse(p: Icmpv6Packet, opts: { ip?: { src: bigint; dst: bigint } } = {}): Icmpv6Repr {
    requireBytes('ICMPv6', p.end, p.offset, ICMPV6_HEADER_LEN);
    if (opts.ip && !p.verifyChecksum(opts.ip)) {
      throw new PacketError('ICMPv6', p.offset + F.CHECKSUM, `bad checksum 0x${p.checksum.toString(16).padStart(4, '0')}`);
    }
    const isNd = p.code === 0 && (p.type === ICMPV6_TYPE.NEIGHBOR_SOLICIT || p.type === ICMPV6_TYPE.NEIGHBOR_ADVERT);
    if (!isNd) {
      return { kind: 'other', type: p.type, code: p.code, data: p.data, payload: p.buffer.slice(p.payloadOffset, p.end) };
    }
    requireBytes('ICMPv6 ND', p.end, p.offset, F.ND_OPTIONS);
    const d = p.data;
    return {
      kind: p.type === ICMPV6_TYPE.NEIGHBOR_SOLICIT ? 'ns' : 'na',
      router: (d & NA_ROUTER) !== 0,
      solicited: (d & NA_SOLICITED) !== 0,
      override: (d & NA_OVERRIDE) !== 0,
      target: p.ndTarget,
      options: parseNdOptions(p),
    };
  },
  bufferLen(repr: Icmpv6Repr): number {
    if (repr.kind === 'other') return ICMPV6_HEADER_LEN + repr.payload.length;
    return repr.options.reduce<number>((n, o) => n + ndOptionLen(o), F.ND_OPTIONS);
  },
  /** Writes the message into `p` and fills the checksum over the pseudo-header of `ip`. */
  emit(repr: Icmpv6Repr, p: Icmpv6Packet, ip: { src: bigint; dst: bigint }): void {
    const len = Icmpv6Repr.bufferLen(repr);
    requireBytes('ICMPv6', p.buffer.length, p.offset, len);
    const q = new Icmpv6Packet(p.buffer, p.offset, p.offset + len);
    p.buffer.fill(0, q.offset, q.end);
    if (repr.kind === 'other') {
      q.type = repr.type;
      q.code = repr.code;
      q.data = repr.data;
      p.buffer.set(repr.payload, q.payloadOffset);
    } else {
      q.type = repr.kind === 'ns' ? ICMPV6_TYPE.NEIGHBOR_SOLICIT : ICMPV6_TYPE.NEIGHBOR_ADVERT;
      q.code = 0;
      q.data = (repr.router ? NA_ROUTER : 0) | (repr.solicited ? NA_SOLICITED : 0) | (repr.override ? NA_OVERRIDE : 0);
      q.ndTarget = repr.target;
      let o = q.offset + F.ND_OPTIONS;
      for (const opt of repr.options) {
        const olen = ndOptionLen(opt);
        if (opt.kind === 'other') {
          p.buffer[o] = opt.type;
          p.buffer.set(opt.data, o + 2);
        } else {
          p.buffer[o] = opt.kind === 'sll' ? ND_OPT.SOURCE_LL_ADDR : ND_OPT.TARGET_LL_ADDR;
          setMac(p.buffer, o + 2, opt.mac);
        }
        p.buffer[o + 1] = olen / 8;
        o += olen;
      }
    }
    q.fillChecksum(ip);
  },
};
