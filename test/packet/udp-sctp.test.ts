import { describe, expect, test } from 'vitest';
import { SctpPacket, SctpRepr } from '../../sim/packet/sctp.js';
import { UdpPacket, UdpRepr } from '../../sim/packet/udp.js';
import { IPV6_FRAG_UDP, SCTP_INIT, UDP_FIRST_FRAG } from './canned.js';

const ip4 = { src: 0x0a000001, dst: 0x0a000002 };
const ip6 = { src: 0x20010db8000000000000000000000001n, dst: 0x20010db8000000000000000000000002n };

describe('UDP', () => {
  const udp6: UdpRepr = { srcPort: 9, dstPort: 10, payload: Uint8Array.from({ length: 10 }, (_, i) => i) };
  test('read fields', () => {
    const p = new UdpPacket(IPV6_FRAG_UDP, 62);
    expect([p.srcPort, p.dstPort, p.length, p.checksum, p.payloadOffset]).toEqual([9, 10, 18, 0x9029, 70]);
    expect(p.verifyChecksum(ip6)).toBe(true);
    // The first fragment of a datagram: the checksum covers data in later fragments.
    expect(new UdpPacket(UDP_FIRST_FRAG, 34).length).toBe(72);
  });
  test('write fields', () => {
    const b = IPV6_FRAG_UDP.slice(62);
    const p = new UdpPacket(b);
    p.dstPort = 53;
    p.length = 18;
    expect(p.verifyChecksum(ip6)).toBe(false);
    p.fillChecksum(ip6);
    expect(p.verifyChecksum(ip6)).toBe(true);
    p.checksum = 0;
    expect(p.verifyChecksum(ip4)).toBe(true); // no checksum, allowed over IPv4
    expect(p.verifyChecksum(ip6)).toBe(false);
  });
  test('parse', () => {
    expect(UdpRepr.parse(new UdpPacket(IPV6_FRAG_UDP, 62), { ip: ip6 })).toEqual(udp6);
  });
  test('emit', () => {
    const b = new Uint8Array(UdpRepr.bufferLen(udp6));
    UdpRepr.emit(udp6, new UdpPacket(b), ip6);
    expect(b).toEqual(IPV6_FRAG_UDP.slice(62));
  });
  test('errors', () => {
    expect(() => UdpRepr.parse(new UdpPacket(IPV6_FRAG_UDP, 62), { ip: { ...ip6, dst: 1n } })).toThrow('UDP at offset 68: bad checksum 0x9029');
    expect(() => UdpRepr.parse(new UdpPacket(UDP_FIRST_FRAG, 34), { end: 50 })).toThrow('UDP at offset 34: truncated: need 72 bytes, have 16');
  });
});

describe('SCTP', () => {
  const repr: SctpRepr = {
    srcPort: 2905,
    dstPort: 2906,
    verificationTag: 0xdeadbeef,
    chunks: [{ type: 1, flags: 0, value: Uint8Array.from({ length: 16 }, (_, i) => i) }],
  };
  test('read fields', () => {
    const p = new SctpPacket(SCTP_INIT, 34);
    expect([p.srcPort, p.dstPort, p.verificationTag, p.checksum, p.chunksOffset]).toEqual([2905, 2906, 0xdeadbeef, 0x6cb46952, 46]);
    expect(p.verifyChecksum()).toBe(true);
  });
  test('write fields', () => {
    const b = SCTP_INIT.slice(34);
    const p = new SctpPacket(b);
    p.verificationTag = 1;
    expect(p.verifyChecksum()).toBe(false);
    p.fillChecksum();
    expect(p.verifyChecksum()).toBe(true);
    p.checksum = 0x01020304;
    expect(Array.from(b.slice(8, 12))).toEqual([4, 3, 2, 1]);
  });
  test('parse', () => {
    expect(SctpRepr.parse(new SctpPacket(SCTP_INIT, 34))).toEqual(repr);
  });
  test('emit', () => {
    const b = new Uint8Array(SctpRepr.bufferLen(repr));
    SctpRepr.emit(repr, new SctpPacket(b));
    expect(b).toEqual(SCTP_INIT.slice(34));
  });
  test('errors', () => {
    const bad = SCTP_INIT.slice(34);
    bad[20] = 9;
    expect(() => SctpRepr.parse(new SctpPacket(bad))).toThrow('SCTP at offset 8: bad CRC32c checksum 0x6cb46952');
    const p = new SctpPacket(bad);
    p.fillChecksum();
    bad[14] = 0;
    bad[15] = 2;
    p.fillChecksum();
    expect(() => SctpRepr.parse(p)).toThrow('SCTP chunk at offset 14: chunk length 2 is below 4');
  });
});
