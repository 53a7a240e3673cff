/**
 * Our reader and writer against other implementations: pcap-parser (npm) on classic
 * files, and tshark/editcap/mergecap on files we write, on our pcapng fixtures, and on
 * pcapng files the Wireshark tools write themselves. Without tshark these tests fail
 * with the fix (scripts/setup.sh); they never skip.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type PcapRecord, PcapWriter, readCapture, readCaptureSync } from '../../../native/pcap/index.js';
import { classicFile, frame, IF_TSOFFSET, IF_TSRESOL, NgBuilder } from './builders.js';
import { editcap, findTool, tempDir, tsharkFrames } from './tools.js';

interface ParserPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}
interface ParserEvents {
  on(event: 'packet', f: (p: ParserPacket) => void): ParserEvents;
  on(event: 'globalHeader', f: (h: { snapshotLength: number; linkLayerType: number }) => void): ParserEvents;
  on(event: 'end', f: () => void): ParserEvents;
  on(event: 'error', f: (e: Error) => void): ParserEvents;
}
const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(path: string): ParserEvents };

function parseWithPcapParser(path: string): Promise<{ linkType: number; packets: ParserPacket[] }> {
  return new Promise((resolve, reject) => {
    const packets: ParserPacket[] = [];
    let linkType = -1;
    pcapParser
      .parse(path)
      .on('globalHeader', (h) => (linkType = h.linkLayerType))
      .on('packet', (p) => packets.push(p))
      .on('error', reject)
      .on('end', () => resolve({ linkType, packets }));
  });
}

async function readAll(path: string): Promise<PcapRecord[]> {
  const out: PcapRecord[] = [];
  for await (const r of readCapture(path)) out.push(r);
  return out;
}

/** Our records in tshark's terms. */
function asTshark(recs: readonly PcapRecord[]) {
  return recs.map((r) => ({
    timestampNs: r.hasTimestamp ? r.timestampNs : null,
    length: r.originalLength,
    capturedLength: r.capturedLength,
  }));
}

const tmp = tempDir();
afterAll(tmp.remove);
const file = (name: string, bytes?: Uint8Array): string => {
  const p = join(tmp.dir, name);
  if (bytes) writeFileSync(p, bytes);
  return p;
};

const T0 = 1_700_000_000_123_456_789n;

async function writeSample(name: string, resolution: 'us' | 'ns', count = 40): Promise<string> {
  const path = file(name);
  const w = new PcapWriter(path, { resolution, snaplen: 1000 });
  for (let i = 0; i < count; i++) w.write(T0 + BigInt(i) * 1_234_567n + BigInt(i % 3), frame(60 + ((i * 97) % 1400), i));
  await w.close();
  return path;
}

describe('against pcap-parser (classic µs files)', () => {
  const cases: [string, () => Promise<string>][] = [
    ['our writer', () => writeSample('pp-writer.pcap', 'us')],
    [
      'a big-endian file',
      async () =>
        file(
          'pp-be.pcap',
          classicFile({
            little: false,
            nano: false,
            snaplen: 128,
            records: [
              { seconds: 1_600_000_000, fraction: 999_999, data: frame(60) },
              { seconds: 1_600_000_001, fraction: 1, data: frame(128, 1), originalLength: 1514 },
            ],
          }),
        ),
    ],
  ];
  for (const [what, make] of cases) {
    it(`agrees on ${what}`, async () => {
      const path = await make();
      const theirs = await parseWithPcapParser(path);
      const ours = await readAll(path);
      expect(ours.length).toBe(theirs.packets.length);
      expect(ours.length).toBeGreaterThan(0);
      ours.forEach((r, i) => {
        const p = theirs.packets[i]!;
        expect(r.linkType).toBe(theirs.linkType);
        expect(r.timestampNs).toBe(BigInt(p.header.timestampSeconds) * 1_000_000_000n + BigInt(p.header.timestampMicroseconds) * 1000n);
        expect([r.capturedLength, r.originalLength]).toEqual([p.header.capturedLength, p.header.originalLength]);
        expect(Buffer.from(r.data).equals(p.data)).toBe(true);
      });
    });
  }
});

describe('against tshark', () => {
  it('finds tshark, editcap and mergecap (run scripts/setup.sh if not)', () => {
    expect(findTool('tshark')).toMatch(/tshark$/);
    expect(findTool('editcap')).toMatch(/editcap$/);
    expect(findTool('mergecap')).toMatch(/mergecap$/);
  });

  for (const resolution of ['us', 'ns'] as const) {
    it(`reads the ${resolution} pcap files we write as we do`, async () => {
      const path = await writeSample(`ours-${resolution}.pcap`, resolution);
      const ours = await readAll(path);
      expect(ours.some((r) => r.capturedLength < r.originalLength)).toBe(true);
      expect(tsharkFrames(path)).toEqual(asTshark(ours));
    });
  }

  it('agrees on pcapng that editcap and tshark write from our files', async () => {
    const src = await writeSample('src-ns.pcap', 'ns');
    const viaEditcap = file('editcap.pcapng');
    editcap(['-F', 'pcapng', src, viaEditcap]);
    const viaTshark = file('tshark.pcapng');
    execFileSync(findTool('tshark'), ['-r', src, '-F', 'pcapng', '-w', viaTshark], { stdio: 'pipe' });
    const original = await readAll(src);
    for (const path of [viaEditcap, viaTshark]) {
      expect(readFileSync(path).readUInt32BE(0)).toBe(0x0a0d0d0a);
      const ours = await readAll(path);
      expect(tsharkFrames(path)).toEqual(asTshark(ours));
      expect(ours.map((r) => [r.timestampNs, Buffer.from(r.data).toString('hex')])).toEqual(
        original.map((r) => [r.timestampNs, Buffer.from(r.data).toString('hex')]),
      );
    }
  });

  it('agrees on a nanosecond pcap editcap writes', async () => {
    const src = await writeSample('src2.pcap', 'ns');
    const ng = file('src2.pcapng');
    editcap(['-F', 'pcapng', src, ng]);
    const back = file('back-ns.pcap');
    editcap(['-F', 'nsecpcap', ng, back]);
    expect(readFileSync(back).readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(tsharkFrames(back)).toEqual(asTshark(await readAll(back)));
  });

  it('agrees on a multi-interface pcapng mergecap writes', async () => {
    const eth = await writeSample('eth.pcap', 'us', 5);
    const raw = file('raw.pcap');
    const w = new PcapWriter(raw, { linkType: 101 });
    for (let i = 0; i < 5; i++) w.write(T0 + BigInt(i) * 500_000n, Uint8Array.of(0x45, 0, 0, 20, ...new Uint8Array(16)));
    await w.close();
    const merged = file('merged.pcapng');
    execFileSync(findTool('mergecap'), ['-F', 'pcapng', '-w', merged, eth, raw], { stdio: 'pipe' });
    const ours = await readAll(merged);
    expect(new Set(ours.map((r) => `${r.interfaceId}:${r.linkType}`))).toEqual(new Set(['0:1', '1:101']));
    expect(tsharkFrames(merged)).toEqual(asTshark(ours));
  });

  it('agrees on our pcapng fixtures: resolutions, offsets, simple packets, both byte orders', () => {
    const b = new NgBuilder().section(true);
    b.iface(1, 0, [{ code: IF_TSRESOL, value: Uint8Array.of(9) }]);
    b.iface(1, 0, [{ code: IF_TSRESOL, value: Uint8Array.of(0x80 | 20) }, { code: IF_TSOFFSET, value: b.int64(1_000n) }]);
    b.iface(1, 0, [{ code: IF_TSRESOL, value: Uint8Array.of(3) }]);
    b.enhanced(0, T0, frame(60)).enhanced(1, (1_700_000_000n << 20n) + (1n << 19n), frame(70));
    b.enhanced(1, (1_700_000_000n << 20n) + 7n, frame(71)); // 6675.72 ns: not a whole ns
    b.enhanced(2, 1_700_000_000_999n, frame(80), { originalLength: 200 });
    b.section(false).iface(1, 64, [{ code: IF_TSRESOL, value: Uint8Array.of(6) }]);
    b.enhanced(0, 1_700_000_000_000_001n, frame(64)).simple(100, frame(64)).simple(61, frame(61));
    const path = file('fixtures.pcapng', b.bytes());
    const ours = Array.from(readCaptureSync(readFileSync(path)));
    expect(ours.length).toBe(7);
    expect(tsharkFrames(path)).toEqual(asTshark(ours));
  });

  it('streams a large capture (more than one read chunk) and agrees with tshark', async () => {
    const path = await writeSample('large.pcap', 'ns', 3000);
    let n = 0;
    let bytes = 0;
    for await (const r of readCapture(path)) {
      n++;
      bytes += r.capturedLength;
    }
    const theirs = tsharkFrames(path);
    expect(n).toBe(3000);
    expect(bytes).toBe(theirs.reduce((a, f) => a + f.capturedLength, 0));
    expect(readFileSync(path).length).toBeGreaterThan(1_000_000);
  });
});
