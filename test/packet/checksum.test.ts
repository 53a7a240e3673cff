import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../sim/packet/bytes.js';
import { crc32c, finish, internetChecksum, ipv4PseudoSum, sumBytes } from '../../sim/packet/checksum.js';

describe('checksums', () => {
  test('the Internet checksum of RFC 1071 section 3', () => {
    // The example bytes 00 01 f2 03 f4 f5 f6 f7 sum (folded) to 0xddf2.
    expect(internetChecksum(fromHex('0001f203f4f5f6f7'))).toBe(~0xddf2 & 0xffff);
  });
  test('an odd byte count pads with zero', () => {
    expect(internetChecksum(Uint8Array.of(0x01))).toBe(~0x0100 & 0xffff);
  });
  test('sums continue from a pseudo-header', () => {
    const b = fromHex('0001f203f4f5f6f7');
    expect(finish(sumBytes(b, 4, 8, sumBytes(b, 0, 4)))).toBe(internetChecksum(b));
    expect(ipv4PseudoSum(0x0a000001, 0x0a000002, 6, 20)).toBe(0x0a00 + 1 + 0x0a00 + 2 + 6 + 20);
  });
  test('CRC32c check value (RFC 3720 B.4: "123456789")', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });
  test('hex helpers', () => {
    expect(toHex(fromHex('00 ff 10'))).toBe('00ff10');
    expect(() => fromHex('abc')).toThrow('"abc" is not an even-length hex string');
  });
});
