/**
 * Classic pcap reading: both byte orders, µs and ns magic, snapshot-cut records, the
 * link-type field's FCS bits, and the pure encoders the writer is built on.
 */
import { describe, expect, it } from 'vitest';
import { encodeFileHeader, encodeRecord, readCaptureSync } from '../../../native/pcap/index.js';
import { classicFile, concat, frame } from './builders.js';
import { readBoth } from './read-both.js';

describe('classic pcap reader', () => {
  for (const little of [true, false]) {
    for (const nano of [false, true]) {
      it(`reads a ${little ? 'little' : 'big'}-endian ${nano ? 'ns' : 'µs'} file`, async () => {
        const bytes = classicFile({
          little,
          nano,
          records: [
            { seconds: 1_700_000_000, fraction: nano ? 123_456_789 : 123_456, data: frame(60) },
            { seconds: 1_700_000_001, fraction: 7, data: frame(1514, 3) },
            { seconds: 0xffffffff, fraction: 0, data: frame(14, 9) },
          ],
        });
        const recs = await readBoth(bytes, { name: 'x.pcap' });
        expect(recs.map((r) => r.timestampNs)).toEqual([
          nano ? 1_700_000_000_123_456_789n : 1_700_000_000_123_456_000n,
          nano ? 1_700_000_001_000_000_007n : 1_700_000_001_000_007_000n,
          0xffffffffn * 1_000_000_000n,
        ]);
        expect(recs.map((r) => [r.capturedLength, r.originalLength, r.data.length])).toEqual([
          [60, 60, 60],
          [1514, 1514, 1514],
          [14, 14, 14],
        ]);
        expect(recs.map((r) => r.offset)).toEqual([24, 24 + 16 + 60, 24 + 16 + 60 + 16 + 1514]);
        expect(Array.from(recs[1]!.data)).toEqual(Array.from(frame(1514, 3)));
        for (const r of recs) {
          expect(r.linkType).toBe(1);
          expect(r.interfaceId).toBe(0);
          expect(r.hasTimestamp).toBe(true);
        }
      });
    }
  }

  it('keeps the original length of a record cut by the snapshot length', async () => {
    const bytes = classicFile({
      little: true,
      nano: false,
      snaplen: 96,
      records: [{ seconds: 1, fraction: 2, data: frame(96), originalLength: 1500 }],
    });
    const [r] = await readBoth(bytes);
    expect([r!.capturedLength, r!.originalLength]).toEqual([96, 1500]);
  });

  it('reads a header-only file as no packets', async () => {
    expect(await readBoth(classicFile({ little: true, nano: false, records: [] }))).toEqual([]);
  });

  it('reads the link type from the low 26 bits (the top bits describe the FCS)', async () => {
    const bytes = classicFile({ little: false, nano: false, linkType: 0x14000001, records: [{ seconds: 1, fraction: 0, data: frame(60) }] });
    const [r] = await readBoth(bytes, { requireLinkType: 1 });
    expect(r!.linkType).toBe(1);
  });

  it('takes snaplen 0 as no limit', async () => {
    const bytes = classicFile({ little: true, nano: false, snaplen: 0, records: [{ seconds: 1, fraction: 0, data: frame(9000) }] });
    expect((await readBoth(bytes))[0]!.capturedLength).toBe(9000);
  });

  it('hands out other link types as they are when none is required', async () => {
    const bytes = classicFile({ little: true, nano: false, linkType: 113, records: [{ seconds: 1, fraction: 0, data: frame(40) }] });
    expect((await readBoth(bytes))[0]!.linkType).toBe(113);
  });

  it('gives views into the buffer from the synchronous reader', () => {
    const bytes = classicFile({ little: true, nano: false, records: [{ seconds: 1, fraction: 0, data: frame(60) }] });
    const [r] = Array.from(readCaptureSync(bytes));
    expect(r!.data.buffer).toBe(bytes.buffer);
    expect(r!.data.byteOffset).toBe(40);
  });
});

describe('classic pcap encoders', () => {
  it('writes the header tcpdump writes on little-endian machines', () => {
    expect(Buffer.from(encodeFileHeader({ resolution: 'us', snaplen: 262144 })).toString('hex')).toBe(
      'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000',
    );
    expect(Buffer.from(encodeFileHeader({ resolution: 'ns', snaplen: 65535, linkType: 101 })).toString('hex')).toBe(
      '4d3cb2a1' + '0200' + '0400' + '00000000' + '00000000' + 'ffff0000' + '65000000',
    );
  });

  it('writes a record that the reader reads back', () => {
    const f = frame(100);
    const rec = encodeRecord(1_700_000_000_999_999_999n, f, { resolution: 'us', capturedLength: 64, originalLength: 100 });
    expect(rec.length).toBe(16 + 64);
    const file = concat(encodeFileHeader({ resolution: 'us', snaplen: 64 }), rec);
    const [r] = Array.from(readCaptureSync(file));
    expect(r!.timestampNs).toBe(1_700_000_000_999_999_000n);
    expect([r!.capturedLength, r!.originalLength]).toEqual([64, 100]);
    expect(Array.from(r!.data)).toEqual(Array.from(f.subarray(0, 64)));
  });
});
