import { describe, expect, test } from 'vitest';
import { IcmpPacket, IcmpRepr } from '../../sim/packet/icmp.js';
import { ICMP_ECHO } from './canned.js';

const OFF = 34;
const repr: IcmpRepr = { type: 8, code: 0, restOfHeader: 0x00010002, payload: Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7) };

describe('ICMP', () => {
  test('read fields', () => {
    const p = new IcmpPacket(ICMP_ECHO, OFF);
    expect([p.type, p.code, p.checksum, p.restOfHeader, p.ident, p.seqNo, p.payloadOffset]).toEqual([8, 0, 0xebec, 0x00010002, 1, 2, 42]);
    expect(p.verifyChecksum()).toBe(true);
  });
  test('write fields', () => {
    const b = ICMP_ECHO.slice(OFF);
    const p = new IcmpPacket(b);
    p.type = 0;
    p.seqNo = 3;
    expect(p.verifyChecksum()).toBe(false);
    p.fillChecksum();
    expect(p.verifyChecksum()).toBe(true);
    expect(Array.from(b.slice(0, 8))).toEqual([0, 0, 0xf3, 0xeb, 0, 1, 0, 3]);
  });
  test('parse', () => {
    expect(IcmpRepr.parse(new IcmpPacket(ICMP_ECHO, OFF))).toEqual(repr);
  });
  test('emit', () => {
    const b = new Uint8Array(IcmpRepr.bufferLen(repr));
    IcmpRepr.emit(repr, new IcmpPacket(b));
    expect(b).toEqual(ICMP_ECHO.slice(OFF));
  });
  test('errors', () => {
    const bad = ICMP_ECHO.slice(OFF);
    bad[9] = 9;
    expect(() => IcmpRepr.parse(new IcmpPacket(bad))).toThrow('ICMP at offset 2: bad checksum 0xebec');
    expect(() => IcmpRepr.parse(new IcmpPacket(ICMP_ECHO, OFF, OFF + 6))).toThrow('ICMP at offset 34: truncated: need 8 bytes, have 6');
  });
});
