import { describe, expect, test } from 'vitest';
import { Ipv6Packet, Ipv6Repr } from '../../sim/packet/ipv6.js';
import { Ipv6ExtHeader, Ipv6ExtRepr, Ipv6FragHeader, type Ipv6ExtRepr as Ext } from '../../sim/packet/ipv6-ext.js';
import { IPV6_EXT_TCP, IPV6_FRAG_UDP } from './canned.js';

const SRC = 0x20010db8000000000000000000000001n;
const DST = 0x20010db8000000000000000000000002n;
const repr: Ipv6Repr = { src: SRC, dst: DST, nextHeader: 0, payloadLen: 60, hopLimit: 64, trafficClass: 0x8a, flowLabel: 0x12345 };
const exts: Ext[] = [
  { kind: 'hopopts', nextHeader: 43, data: Uint8Array.of(1, 4, 0, 0, 0, 0) },
  { kind: 'routing', nextHeader: 60, data: Uint8Array.of(0, 0, 0, 0, 0, 0, ...Array.from({ length: 16 }, (_, i) => i)) },
  { kind: 'dstopts', nextHeader: 6, data: new Uint8Array(6) },
];

describe('IPv6', () => {
  test('read fields', () => {
    const p = new Ipv6Packet(IPV6_EXT_TCP, 14);
    expect([p.version, p.trafficClass, p.flowLabel, p.payloadLen, p.nextHeader, p.hopLimit]).toEqual([6, 0x8a, 0x12345, 60, 0, 64]);
    expect([p.src, p.dst, p.payloadOffset]).toEqual([SRC, DST, 54]);
  });
  test('write fields', () => {
    const b = IPV6_EXT_TCP.slice(14, 54);
    const p = new Ipv6Packet(b);
    p.trafficClass = 0xff;
    p.flowLabel = 1;
    expect(b.slice(0, 4)).toEqual(Uint8Array.of(0x6f, 0xf0, 0, 1));
    p.hopLimit = 1;
    p.dst = 1n;
    expect(b[7]).toBe(1);
    expect(b.slice(24, 40)).toEqual(Uint8Array.of(...new Array(15).fill(0), 1));
  });
  test('parse', () => {
    expect(Ipv6Repr.parse(new Ipv6Packet(IPV6_EXT_TCP, 14))).toEqual(repr);
  });
  test('emit', () => {
    const b = new Uint8Array(Ipv6Repr.bufferLen(repr));
    Ipv6Repr.emit(repr, new Ipv6Packet(b));
    expect(b).toEqual(IPV6_EXT_TCP.slice(14, 54));
  });
  test('errors', () => {
    expect(() => Ipv6Repr.parse(new Ipv6Packet(IPV6_EXT_TCP.slice(0, 100), 14))).toThrow('IPv6 at offset 14: truncated: need 100 bytes, have 86');
    expect(() => Ipv6Repr.parse(new Ipv6Packet(IPV6_EXT_TCP, 0))).toThrow('IPv6 at offset 0: version is 0, not 6');
  });
});

describe('IPv6 extension headers', () => {
  test('read fields', () => {
    const h = new Ipv6ExtHeader(IPV6_EXT_TCP, 54);
    expect([h.nextHeader, h.lengthField, h.headerLen('hopopts')]).toEqual([43, 0, 8]);
    expect(new Ipv6ExtHeader(IPV6_EXT_TCP, 62).headerLen('routing')).toBe(24);
    const f = new Ipv6FragHeader(IPV6_FRAG_UDP, 54);
    expect([f.nextHeader, f.fragOffset, f.moreFrags, f.ident]).toEqual([17, 0, true, 7]);
  });
  test('write fields', () => {
    const b = new Uint8Array(8);
    const f = new Ipv6FragHeader(b);
    f.nextHeader = 6;
    f.fragOffset = 1232;
    f.moreFrags = true;
    f.ident = 0xabcdef01;
    expect(Array.from(b)).toEqual([6, 0, 0x04, 0xd1, 0xab, 0xcd, 0xef, 0x01]);
  });
  test('parse: the chain stops at the upper layer', () => {
    const chain = Ipv6ExtRepr.parseChain(IPV6_EXT_TCP, 0, { offset: 54 });
    expect(chain).toEqual({ headers: exts, protocol: 6, offset: 94 });
    const frag = Ipv6ExtRepr.parseChain(IPV6_FRAG_UDP, 44, { offset: 54 });
    expect(frag).toEqual({ headers: [{ kind: 'fragment', nextHeader: 17, fragOffset: 0, moreFrags: true, ident: 7 }], protocol: 17, offset: 62 });
  });
  test('parse: a later fragment ends the chain with protocol 44', () => {
    const b = IPV6_FRAG_UDP.slice();
    b[57] = 0xa0; // offset 160 bytes, M set
    expect(Ipv6ExtRepr.parseChain(b, 44, { offset: 54 })).toMatchObject({ protocol: 44, offset: 62 });
  });
  test('parse: AH length counts 4-byte units', () => {
    const b = new Uint8Array(24);
    Ipv6ExtRepr.emit({ kind: 'ah', nextHeader: 17, data: new Uint8Array(22) }, new Ipv6ExtHeader(b));
    expect(b[1]).toBe(4);
    expect(Ipv6ExtRepr.parseChain(b, 51, { offset: 0 })).toMatchObject({ protocol: 17, offset: 24 });
  });
  test('emit', () => {
    const b = new Uint8Array(exts.reduce((n, e) => n + Ipv6ExtRepr.bufferLen(e), 0));
    let o = 0;
    for (const e of exts) {
      Ipv6ExtRepr.emit(e, new Ipv6ExtHeader(b, o));
      o += Ipv6ExtRepr.bufferLen(e);
    }
    expect(b).toEqual(IPV6_EXT_TCP.slice(54, 94));
  });
  test('a header running past the payload is an error', () => {
    expect(() => Ipv6ExtRepr.parseChain(IPV6_EXT_TCP, 0, { offset: 54, end: 80 })).toThrow(
      'IPv6 routing header at offset 62: truncated: need 24 bytes, have 18',
    );
  });
});
