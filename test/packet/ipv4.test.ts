import { describe, expect, test } from 'vitest';
import { Ipv4Packet, Ipv4Repr } from '../../sim/packet/ipv4.js';
import { TCP_VLAN, UDP_FIRST_FRAG } from './canned.js';

// The IPv4 header of TCP_VLAN starts at byte 18 (after the VLAN tag) and carries a
// 4-byte router-alert option.
const OFF = 18;
const repr: Ipv4Repr = {
  src: 0x0a000001,
  dst: 0x0a000002,
  protocol: 6,
  payloadLen: 48,
  ttl: 3,
  tos: 0xb9,
  ident: 0x1234,
  dontFrag: false,
  moreFrags: false,
  fragOffset: 0,
  options: Uint8Array.of(0x94, 0x04, 0, 0),
};

describe('IPv4', () => {
  test('read fields', () => {
    const p = new Ipv4Packet(TCP_VLAN, OFF);
    expect([p.version, p.headerLen, p.tos, p.dscp, p.ecn, p.totalLen]).toEqual([4, 24, 0xb9, 46, 1, 72]);
    expect([p.ident, p.dontFrag, p.moreFrags, p.fragOffset, p.ttl, p.protocol]).toEqual([0x1234, false, false, 0, 3, 6]);
    expect([p.checksum, p.src, p.dst, p.payloadOffset]).toEqual([0xfbbc, 0x0a000001, 0x0a000002, OFF + 24]);
    expect(p.options).toEqual(Uint8Array.of(0x94, 0x04, 0, 0));
    expect(p.verifyChecksum()).toBe(true);
    const f = new Ipv4Packet(UDP_FIRST_FRAG, 14);
    expect([f.moreFrags, f.fragOffset]).toEqual([true, 0]);
  });
  test('write fields', () => {
    const b = UDP_FIRST_FRAG.slice(14, 34);
    const p = new Ipv4Packet(b);
    p.moreFrags = false;
    p.fragOffset = 1480;
    p.dontFrag = true;
    expect(b.slice(6, 8)).toEqual(Uint8Array.of(0x40, 0xb9));
    expect(p.verifyChecksum()).toBe(false);
    p.fillChecksum();
    expect(p.verifyChecksum()).toBe(true);
    p.ttl = 255;
    p.src = 0xc0a80001;
    expect(b.slice(8, 9)[0]).toBe(255);
    expect(b.slice(12, 16)).toEqual(Uint8Array.of(192, 168, 0, 1));
  });
  test('parse', () => {
    expect(Ipv4Repr.parse(new Ipv4Packet(TCP_VLAN, OFF))).toEqual(repr);
  });
  test('emit', () => {
    const b = new Uint8Array(Ipv4Repr.bufferLen(repr));
    Ipv4Repr.emit(repr, new Ipv4Packet(b));
    expect(b).toEqual(TCP_VLAN.slice(OFF, OFF + 24));
  });
  test('errors name the layer and offset', () => {
    const bad = TCP_VLAN.slice();
    bad[OFF + 10] ^= 1;
    expect(() => Ipv4Repr.parse(new Ipv4Packet(bad, OFF))).toThrow('IPv4 at offset 28: bad header checksum 0xfabc');
    expect(Ipv4Repr.parse(new Ipv4Packet(bad, OFF), { checksum: false }).ttl).toBe(3);
    expect(() => Ipv4Repr.parse(new Ipv4Packet(TCP_VLAN.slice(0, 60), OFF))).toThrow('IPv4 at offset 18: truncated: need 72 bytes, have 42');
    const v6 = TCP_VLAN.slice();
    v6[OFF] = 0x66;
    expect(() => Ipv4Repr.parse(new Ipv4Packet(v6, OFF))).toThrow('IPv4 at offset 18: version is 6, not 4');
    const ihl = TCP_VLAN.slice();
    ihl[OFF] = 0x44;
    expect(() => Ipv4Repr.parse(new Ipv4Packet(ihl, OFF))).toThrow('IPv4 at offset 18: header length 16 is below 20');
    expect(() => Ipv4Repr.emit({ ...repr, fragOffset: 3 }, new Ipv4Packet(new Uint8Array(24)))).toThrow('not a multiple of 8');
  });
});
