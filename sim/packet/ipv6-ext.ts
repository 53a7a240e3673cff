/**
 * IPv6 extension headers, read the way Open vSwitch reads them when it builds a flow key:
 * hop-by-hop options, routing and destination options (length in 8-byte units, not
 * counting the first 8), the authentication header (length in 4-byte units, not counting
 * the first 8), and the fixed 8-byte fragment header. The walk stops at the first other
 * header (the upper layer, or one it does not know) and at a fragment header with a
 * non-zero offset, because what follows a later fragment is not a header at all.
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { PacketError, requireBytes } from './error.js';

export const IPV6_EXT = { HOPOPTS: 0, ROUTING: 43, FRAGMENT: 44, AH: 51, DSTOPTS: 60 } as const;
export const IPV6_FRAG_HEADER_LEN = 8;

export type Ipv6ExtKind = 'hopopts' | 'routing' | 'dstopts' | 'ah' | 'fragment';

/** The kind of extension header a next-header value names, or undefined for anything else. */
export function extKindOf(nextHeader: number): Ipv6ExtKind | undefined {
  switch (nextHeader) {
    case IPV6_EXT.HOPOPTS:
      return 'hopopts';
    case IPV6_EXT.ROUTING:
      return 'routing';
    case IPV6_EXT.DSTOPTS:
      return 'dstopts';
    case IPV6_EXT.AH:
      return 'ah';
    case IPV6_EXT.FRAGMENT:
      return 'fragment';
    default:
      return undefined;
  }
}

const PROTO_OF: Readonly<Record<Ipv6ExtKind, number>> = {
  hopopts: IPV6_EXT.HOPOPTS,
  routing: IPV6_EXT.ROUTING,
  dstopts: IPV6_EXT.DSTOPTS,
  ah: IPV6_EXT.AH,
  fragment: IPV6_EXT.FRAGMENT,
};

const G = Object.freeze({ NEXT_HEADER: 0, LEN: 1 });

/** The first two bytes every extension header shares, and its length. */
export class Ipv6ExtHeader {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  get nextHeader(): number {
    return this.buffer[this.offset + G.NEXT_HEADER]!;
  }
  set nextHeader(v: number) {
    this.buffer[this.offset + G.NEXT_HEADER] = v;
  }
  /** The raw length byte; its unit depends on the kind. */
  get lengthField(): number {
    return this.buffer[this.offset + G.LEN]!;
  }
  set lengthField(v: number) {
    this.buffer[this.offset + G.LEN] = v;
  }
  /** Whole length in bytes of a header of this kind. */
  headerLen(kind: Ipv6ExtKind): number {
    if (kind === 'fragment') return IPV6_FRAG_HEADER_LEN;
    if (kind === 'ah') return (this.lengthField + 2) * 4;
    return (this.lengthField + 1) * 8;
  }
}

const FR = Object.freeze({ NEXT_HEADER: 0, OFFSET_FLAGS: 2, IDENT: 4 });

export class Ipv6FragHeader {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  get nextHeader(): number {
    return this.buffer[this.offset + FR.NEXT_HEADER]!;
  }
  set nextHeader(v: number) {
    this.buffer[this.offset + FR.NEXT_HEADER] = v;
  }
  /** The 16-bit offset-and-flags word as it is on the wire. */
  get offsetFlags(): number {
    return get16(this.buffer, this.offset + FR.OFFSET_FLAGS);
  }
  /** Fragment offset in bytes. */
  get fragOffset(): number {
    return this.offsetFlags & 0xfff8;
  }
  set fragOffset(bytes: number) {
    set16(this.buffer, this.offset + FR.OFFSET_FLAGS, (bytes & 0xfff8) | (this.offsetFlags & 7));
  }
  get moreFrags(): boolean {
    return (this.offsetFlags & 1) !== 0;
  }
  set moreFrags(v: boolean) {
    set16(this.buffer, this.offset + FR.OFFSET_FLAGS, (this.offsetFlags & ~1) | (v ? 1 : 0));
  }
  get ident(): number {
    return get32(this.buffer, this.offset + FR.IDENT);
  }
  set ident(v: number) {
    set32(this.buffer, this.offset + FR.IDENT, v);
  }
}

export type Ipv6ExtRepr =
  | {
      kind: 'hopopts' | 'routing' | 'dstopts' | 'ah';
      nextHeader: number;
      /** The bytes after the first two; emit pads them with zeros to the unit of the kind. */
      data: Uint8Array;
    }
  | { kind: 'fragment'; nextHeader: number; fragOffset: number; moreFrags: boolean; ident: number };

/** What a walk over the extension headers found. */
export interface Ipv6ExtChain {
  headers: Ipv6ExtRepr[];
  /** The protocol after the last header walked (IPPROTO_FRAGMENT for a later fragment). */
  protocol: number;
  /** Where that protocol's header starts. */
  offset: number;
}

export const Ipv6ExtRepr = {
  /** The next-header value that names this header. */
  protocolOf(repr: Ipv6ExtRepr): number {
    return PROTO_OF[repr.kind];
  },
  parse(kind: Ipv6ExtKind, h: Ipv6ExtHeader, end = h.buffer.length): Ipv6ExtRepr {
    const layer = `IPv6 ${kind} header`;
    // Every extension header is at least 8 bytes long.
    requireBytes(layer, end, h.offset, 8);
    const len = h.headerLen(kind);
    requireBytes(layer, end, h.offset, len);
    if (kind === 'fragment') {
      const f = new Ipv6FragHeader(h.buffer, h.offset);
      return { kind, nextHeader: f.nextHeader, fragOffset: f.fragOffset, moreFrags: f.moreFrags, ident: f.ident };
    }
    return { kind, nextHeader: h.nextHeader, data: h.buffer.slice(h.offset + 2, h.offset + len) };
  },
  bufferLen(repr: Ipv6ExtRepr): number {
    if (repr.kind === 'fragment') return IPV6_FRAG_HEADER_LEN;
    const unit = repr.kind === 'ah' ? 4 : 8;
    return Math.max(8, Math.ceil((2 + repr.data.length) / unit) * unit);
  },
  emit(repr: Ipv6ExtRepr, h: Ipv6ExtHeader): void {
    const len = Ipv6ExtRepr.bufferLen(repr);
    requireBytes(`IPv6 ${repr.kind} header`, h.buffer.length, h.offset, len);
    h.buffer.fill(0, h.offset, h.offset + len);
    if (repr.kind === 'fragment') {
      const f = new Ipv6FragHeader(h.buffer, h.offset);
      if (repr.fragOffset % 8 !== 0 || repr.fragOffset > 0xfff8) {
        throw new PacketError('IPv6 fragment header', h.offset + 2, `fragment offset ${repr.fragOffset} is not a multiple of 8 below 65536`);
      }
      f.nextHeader = repr.nextHeader;
      f.fragOffset = repr.fragOffset;
      f.moreFrags = repr.moreFrags;
      f.ident = repr.ident;
      return;
    }
    if (len > (repr.kind === 'ah' ? 257 * 4 : 256 * 8)) {
      throw new PacketError(`IPv6 ${repr.kind} header`, h.offset, `${repr.data.length} data bytes do not fit`);
    }
    h.nextHeader = repr.nextHeader;
    h.lengthField = repr.kind === 'ah' ? len / 4 - 2 : len / 8 - 1;
    h.buffer.set(repr.data, h.offset + 2);
  },
  /**
   * Walks the extension headers that start at `offset` with the protocol `first`, up to
   * `end`. Stops at the upper layer, at an unknown header and after the fragment header of
   * a later fragment (then `protocol` is IPPROTO_FRAGMENT, 44).
   */
  parseChain(buffer: Uint8Array, first: number, opts: { offset: number; end?: number }): Ipv6ExtChain {
    const end = opts.end ?? buffer.length;
    const headers: Ipv6ExtRepr[] = [];
    let protocol = first;
    let offset = opts.offset;
    for (let kind = extKindOf(protocol); kind !== undefined; kind = extKindOf(protocol)) {
      const h = new Ipv6ExtHeader(buffer, offset);
      const repr = Ipv6ExtRepr.parse(kind, h, end);
      headers.push(repr);
      offset += h.headerLen(kind);
      protocol = repr.nextHeader;
      if (repr.kind === 'fragment' && repr.fragOffset !== 0) {
        protocol = IPV6_EXT.FRAGMENT;
        break;
      }
    }
    return { headers, protocol, offset };
  },
};
