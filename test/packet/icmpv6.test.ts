import { describe, expect, test } from 'vitest';
import { Icmpv6Packet, Icmpv6Repr } from '../../sim/packet/icmpv6.js';
import { ND_NA, ND_NS } from './canned.js';

const OFF = 54;
const LL1 = 0xfe800000000000000000000000000001n;
const LL2 = 0xfe800000000000000000000000000002n;
const SOLICITED = 0xff0200000000000000000001ff000002n;
const nsIp = { src: LL1, dst: SOLICITED };
const naIp = { src: LL1, dst: LL2 };
const ns: Icmpv6Repr = {
  kind: 'ns',
  router: false,
  solicited: false,
  override: false,
  target: LL2,
  options: [{ kind: 'sll', mac: 0x0a0000000001n }],
};
const na: Icmpv6Repr = {
  kind: 'na',
  router: true,
  solicited: true,
  override: true,
  target: LL2,
  options: [
    { kind: 'tll', mac: 0x0a0000000002n },
    { kind: 'sll', mac: 0x0a0000000003n },
  ],
};

describe('ICMPv6 and neighbor discovery', () => {
  test('read fields', () => {
    const p = new Icmpv6Packet(ND_NA, OFF);
    expect([p.type, p.code, p.checksum, p.data >>> 0]).toEqual([136, 0, 0x850d, 0xe0000000]);
    expect(p.ndTarget).toBe(LL2);
    expect(p.verifyChecksum(naIp)).toBe(true);
    expect(p.verifyChecksum(nsIp)).toBe(false);
  });
  test('write fields', () => {
    const b = ND_NS.slice(OFF);
    const p = new Icmpv6Packet(b);
    p.ndTarget = LL1;
    expect(p.verifyChecksum(nsIp)).toBe(false);
    p.fillChecksum(nsIp);
    expect(p.verifyChecksum(nsIp)).toBe(true);
    expect(b[23]).toBe(1);
  });
  test('parse', () => {
    expect(Icmpv6Repr.parse(new Icmpv6Packet(ND_NS, OFF), { ip: nsIp })).toEqual(ns);
    expect(Icmpv6Repr.parse(new Icmpv6Packet(ND_NA, OFF), { ip: naIp })).toEqual(na);
  });
  test('emit', () => {
    for (const [repr, ip, canned] of [
      [ns, nsIp, ND_NS],
      [na, naIp, ND_NA],
    ] as const) {
      const b = new Uint8Array(Icmpv6Repr.bufferLen(repr));
      Icmpv6Repr.emit(repr, new Icmpv6Packet(b), ip);
      expect(b).toEqual(canned.slice(OFF));
    }
  });
  test('other messages round-trip as type, code, data and payload', () => {
    const echo: Icmpv6Repr = { kind: 'other', type: 128, code: 0, data: 0x00070001, payload: Uint8Array.of(1, 2, 3) };
    const b = new Uint8Array(Icmpv6Repr.bufferLen(echo));
    Icmpv6Repr.emit(echo, new Icmpv6Packet(b), naIp);
    expect(Icmpv6Repr.parse(new Icmpv6Packet(b), { ip: naIp })).toEqual(echo);
  });
  test('errors', () => {
    expect(() => Icmpv6Repr.parse(new Icmpv6Packet(ND_NS, OFF), { ip: naIp })).toThrow('ICMPv6 at offset 56: bad checksum 0x7297');
    const zeroLen = ND_NS.slice(OFF);
    zeroLen[25] = 0;
    expect(() => Icmpv6Repr.parse(new Icmpv6Packet(zeroLen))).toThrow('ICMPv6 ND option at offset 25: length is zero');
    expect(() => Icmpv6Repr.parse(new Icmpv6Packet(ND_NS, OFF, OFF + 20))).toThrow('ICMPv6 ND at offset 54: truncated: need 24 bytes, have 20');
  });
});
