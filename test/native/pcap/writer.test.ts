/**
 * PcapWriter: what it writes reads back through our reader (µs and ns files, frames cut
 * by the snapshot length), to files and to streams, and its refusals of bad input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapError, PcapWriter, readCapture, readCaptureSync } from '../../../native/pcap/index.js';
import { frame } from './builders.js';
import { tempDir } from './tools.js';

const tmp = tempDir();
afterAll(tmp.remove);

const T0 = 1_700_000_000_123_456_789n;

describe('PcapWriter', () => {
  it('round-trips µs timestamps (whole microseconds kept) and frames', async () => {
    const path = join(tmp.dir, 'us.pcap');
    const w = new PcapWriter(path);
    w.write(T0, frame(60));
    w.write(T0 + 1_000n, frame(1514, 1));
    w.write(0n, frame(14, 2));
    await w.close();
    expect(w.packets).toBe(3);
    expect(w.bytesWritten).toBe(24 + 3 * 16 + 60 + 1514 + 14);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(w.bytesWritten);
    const recs = [];
    for await (const r of readCapture(path, { requireLinkType: 1 })) recs.push(r);
    expect(recs.map((r) => r.timestampNs)).toEqual([1_700_000_000_123_456_000n, 1_700_000_000_123_457_000n, 0n]);
    expect(recs.map((r) => [r.capturedLength, r.originalLength])).toEqual([
      [60, 60],
      [1514, 1514],
      [14, 14],
    ]);
    expect(Array.from(recs[1]!.data)).toEqual(Array.from(frame(1514, 1)));
  });

  it('round-trips ns timestamps exactly', async () => {
    const path = join(tmp.dir, 'ns.pcap');
    const w = new PcapWriter(path, { resolution: 'ns' });
    const times = [T0, T0 + 1n, 4_294_967_295_999_999_999n];
    for (const t of times) w.write(t, frame(64));
    await w.close();
    const recs = Array.from(readCaptureSync(readFileSync(path)));
    expect(recs.map((r) => r.timestampNs)).toEqual(times);
  });

  it('cuts frames to the snapshot length and keeps their original length', async () => {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    const w = new PcapWriter(out, { snaplen: 96 });
    w.write(T0, frame(1500));
    w.write(T0, frame(96));
    w.write(T0, frame(50), { originalLength: 80 });
    await w.close();
    const recs = Array.from(readCaptureSync(Buffer.concat(parts)));
    expect(recs.map((r) => [r.capturedLength, r.originalLength])).toEqual([
      [96, 1500],
      [96, 96],
      [50, 80],
    ]);
    expect(Array.from(recs[0]!.data)).toEqual(Array.from(frame(1500).subarray(0, 96)));
  });

  it('writes a valid empty capture', async () => {
    const path = join(tmp.dir, 'empty.pcap');
    await new PcapWriter(path, { linkType: 101 }).close();
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(24);
    expect(Array.from(readCaptureSync(bytes))).toEqual([]);
  });

  it('waits for a slow sink on drain() and finishes on close()', async () => {
    const seen: number[] = [];
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, done) {
        seen.push(chunk.length);
        setTimeout(done, 1);
      },
    });
    const w = new PcapWriter(slow);
    let full = 0;
    for (let i = 0; i < 20; i++) {
      if (!w.write(T0, frame(100))) {
        full++;
        await w.drain();
      }
    }
    await w.close();
    expect(full).toBeGreaterThan(0);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(24 + 20 * 116);
  });

  it('refuses timestamps pcap cannot hold, naming the file and offset', async () => {
    const w = new PcapWriter(new PassThrough().resume(), { name: 'out.pcap' });
    w.write(T0, frame(60));
    expect(() => w.write(-1n, frame(60))).toThrow(
      'out.pcap: at byte offset 100: timestamp -1 ns does not fit in pcap (a bigint from 0 to 2^32 seconds after 1970)',
    );
    expect(() => w.write(4_294_967_296_000_000_000n, frame(60))).toThrow('out.pcap: at byte offset 100: timestamp 4294967296000000000 ns');
    expect(() => w.write(T0, frame(60), { originalLength: 59 })).toThrow(
      'out.pcap: at byte offset 100: original length 59 is less than the 60 bytes given',
    );
    await w.close();
    expect(() => w.write(T0, frame(60))).toThrow('out.pcap: at byte offset 100: write after close');
  });

  it('refuses bad options', () => {
    const sink = new PassThrough();
    expect(() => new PcapWriter(sink, { snaplen: 0 })).toThrow('<stream>: snaplen must be an integer from 1 to 262144, not 0');
    expect(() => new PcapWriter(sink, { snaplen: 300_000 })).toThrow(PcapError);
    expect(() => new PcapWriter('x.pcap', { resolution: 'ms' as 'us' })).toThrow("x.pcap: timestamp resolution must be 'us' or 'ns', not 'ms'");
    expect(() => new PcapWriter(sink, { linkType: -1 })).toThrow('<stream>: link type must be an integer');
  });

  it('reports a file it cannot create on close, naming it', async () => {
    const path = join(tmp.dir, 'no-such-dir', 'out.pcap');
    const w = new PcapWriter(path);
    w.write(T0, frame(60));
    await expect(w.close()).rejects.toThrow(`${path}: cannot write: no such file or directory`);
  });
});
