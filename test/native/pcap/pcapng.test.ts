/**
 * pcapng reading: both byte orders, several sections and interfaces, timestamp units
 * (if_tsresol as a power of 10 and of 2) and offsets (if_tsoffset), Simple Packet Blocks
 * cut to the interface's snapshot length, the obsolete Packet Block, and blocks and
 * options the reader does not use, which it must step over.
 */
import { describe, expect, it } from 'vitest';
import { frame, IF_TSOFFSET, IF_TSRESOL, NgBuilder } from './builders.js';
import { readBoth } from './read-both.js';

const tsresol = (v: number) => ({ code: IF_TSRESOL, value: Uint8Array.of(v) });

describe('pcapng reader', () => {
  for (const little of [true, false]) {
    it(`reads Enhanced Packet Blocks of a ${little ? 'little' : 'big'}-endian section (default µs unit)`, async () => {
      const b = new NgBuilder().section(little).iface(1, 262144);
      b.enhanced(0, 1_700_000_000_123_456n, frame(60)).enhanced(0, 1_700_000_000_200_000n, frame(1514, 1), { originalLength: 1600 });
      const recs = await readBoth(b.bytes());
      expect(recs.map((r) => r.timestampNs)).toEqual([1_700_000_000_123_456_000n, 1_700_000_000_200_000_000n]);
      expect(recs.map((r) => [r.capturedLength, r.originalLength, r.linkType, r.interfaceId])).toEqual([
        [60, 60, 1, 0],
        [1514, 1600, 1, 0],
      ]);
      expect(Array.from(recs[1]!.data)).toEqual(Array.from(frame(1514, 1)));
      expect(recs[0]!.offset).toBe(28 + 20);
    });
  }

  it('converts if_tsresol=9 (ns) and if_tsresol=0x80|20 (2^-20 s) units', async () => {
    const b = new NgBuilder().section(true);
    b.iface(1, 0, [tsresol(9)]).iface(1, 0, [tsresol(0x80 | 20)]).iface(1, 0, [tsresol(3)]).iface(1, 0, [tsresol(12)]);
    b.enhanced(0, 1_700_000_000_123_456_789n, frame(60));
    b.enhanced(1, (1_700_000_000n << 20n) + (1n << 19n) + 1n, frame(61)); // .5 s and one 2^-20 s tick
    b.enhanced(2, 1_700_000_000_123n, frame(62));
    b.enhanced(3, 1_700_000_123_456_789_999n, frame(63)); // ps: 64 bits hold ~213 days
    const recs = await readBoth(b.bytes());
    expect(recs.map((r) => r.timestampNs)).toEqual([
      1_700_000_000_123_456_789n,
      1_700_000_000_500_000_953n, // 10^9 / 2^20 = 953.67 ns, truncated
      1_700_000_000_123_000_000n,
      1_700_000_123_456_789n,
    ]);
    expect(recs.map((r) => r.interfaceId)).toEqual([0, 1, 2, 3]);
  });

  it('adds if_tsoffset seconds (signed) to the interface timestamps', async () => {
    const b = new NgBuilder().section(false);
    b.iface(1, 0, [{ code: IF_TSOFFSET, value: b.int64(1_600_000_000n) }, tsresol(9)]);
    b.iface(1, 0, [{ code: IF_TSOFFSET, value: b.int64(-10n) }]);
    b.enhanced(0, 5n, frame(60)).enhanced(1, 20_000_001n, frame(60));
    const recs = await readBoth(b.bytes());
    expect(recs.map((r) => r.timestampNs)).toEqual([1_600_000_000_000_000_005n, 10_000_001_000n]);
  });

  it('gives each interface its own link type', async () => {
    const b = new NgBuilder().section(true).iface(1, 65535).iface(113, 65535).iface(101, 65535);
    b.enhanced(2, 1n, frame(40)).enhanced(0, 2n, frame(60)).enhanced(1, 3n, frame(50));
    const recs = await readBoth(b.bytes());
    expect(recs.map((r) => [r.interfaceId, r.linkType])).toEqual([
      [2, 101],
      [0, 1],
      [1, 113],
    ]);
  });

  it('reads Simple Packet Blocks: no time, interface 0, cut to its snapshot length', async () => {
    const b = new NgBuilder().section(true).iface(1, 64).iface(113, 0);
    b.simple(100, frame(64)).simple(61, frame(61, 5));
    const recs = await readBoth(b.bytes());
    expect(recs.map((r) => [r.hasTimestamp, r.timestampNs, r.interfaceId, r.linkType, r.capturedLength, r.originalLength])).toEqual([
      [false, 0n, 0, 1, 64, 100],
      [false, 0n, 0, 1, 61, 61],
    ]);
    expect(Array.from(recs[1]!.data)).toEqual(Array.from(frame(61, 5)));
  });

  it('reads the obsolete Packet Block', async () => {
    const b = new NgBuilder().section(false).iface(1, 0).iface(1, 0, [tsresol(9)]).obsolete(1, 42n, frame(60));
    const [r] = await readBoth(b.bytes());
    expect([r!.interfaceId, r!.timestampNs, r!.capturedLength]).toEqual([1, 42n, 60]);
  });

  it('starts a new list of interfaces (and byte order) at each section', async () => {
    const b = new NgBuilder().section(true).iface(1, 0).iface(1, 0, [tsresol(9)]).enhanced(1, 7n, frame(60));
    b.section(false).iface(113, 0, [tsresol(9)]).enhanced(0, 8n, frame(44));
    b.section(true).iface(1, 0).enhanced(0, 9n, frame(60));
    const recs = await readBoth(b.bytes());
    expect(recs.map((r) => [r.interfaceId, r.linkType, r.timestampNs])).toEqual([
      [1, 1, 7n],
      [0, 113, 8n],
      [0, 1, 9_000n],
    ]);
  });

  it('steps over unknown blocks, statistics, name resolution and options it does not use', async () => {
    const b = new NgBuilder().section(true, [
      { code: 2, value: new TextEncoder().encode('x86_64') }, // shb_hardware, 6 bytes: padded
      { code: 4, value: new TextEncoder().encode('ovsim test') },
    ]);
    b.iface(1, 0, [
      { code: 2, value: new TextEncoder().encode('eth0') }, // if_name
      tsresol(9),
      { code: 13, value: Uint8Array.of(4) }, // if_fcslen
    ]);
    b.block(4, new Uint8Array(16)); // Name Resolution Block
    b.block(5, new Uint8Array(12)); // Interface Statistics Block
    b.block(0x00000bad, new Uint8Array(5)); // custom block
    b.block(0x12345678, new Uint8Array(0)); // unknown, empty body
    b.enhanced(0, 99n, frame(61), { options: [{ code: 2, value: Uint8Array.of(0, 0, 0, 1) }, { code: 1, value: new TextEncoder().encode('hi') }] });
    b.block(10, new Uint8Array(40)); // Decryption Secrets Block
    const recs = await readBoth(b.bytes());
    expect(recs.map((r) => [r.timestampNs, r.capturedLength])).toEqual([[99n, 61]]);
  });

  it('reads a file with a section and interfaces but no packets as no packets', async () => {
    expect(await readBoth(new NgBuilder().section(true).iface(1, 0).bytes())).toEqual([]);
  });
});
