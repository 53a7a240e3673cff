import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTO } from '../../bench/cache/classbench.js';
import { pcapWorkload } from '../../bench/cache/pcap-workload.js';
import { runStrategy } from '../../bench/cache/run.js';
import { frameFor } from '../../bench/cache/trace.js';
import { encodeFileHeader, encodeRecord } from '../../native/pcap/index.js';
import { bufferIo } from '../../sim/cli/io.js';
import { run } from '../../sim/cli/program.js';

const dir = mkdtempSync(join(tmpdir(), 'ovsim-bench-pcap-'));

function capture(name: string, frames: Uint8Array[], linkType = 1): string {
  const parts = [encodeFileHeader({ resolution: 'us', snaplen: 65535, linkType })];
  frames.forEach((f, i) => parts.push(encodeRecord(1_700_000_000_000_000_000n + BigInt(i) * 1000n, f, { resolution: 'us', capturedLength: f.length, originalLength: f.length })));
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat(parts));
  return p;
}

const tcp = (sport: number) => frameFor({ src: 0xc0a80101, dst: 0x0a000001, proto: PROTO.TCP, sport, dport: 80 }, 0x10);

describe('captures as workloads', () => {
  it('replays a capture at its times on the given port, through the default table', () => {
    const frames = [tcp(1000), tcp(1000), tcp(1001), tcp(1001), tcp(1002)];
    const w = pcapWorkload(capture('five.pcap', frames), { inPort: 3 });
    expect(w.name).toBe('pcap:five.pcap');
    expect(w.trace.count).toBe(5);
    expect(Array.from(w.trace.times)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(Array.from(w.trace.ports)).toEqual([3, 3, 3, 3, 3]);
    // Packets 1 µs apart all arrive while the first upcall is answered: every one misses.
    const r = runStrategy(w, 'megaflow', { seed: 1 });
    expect(r.packets).toBe(5);
    expect(r.upcalls).toBe(5);
    expect(r.delivered).toBe(5); // nw_dst 10.0.0.1 is routed out of port 2
  });

  it('refuses a capture that is not Ethernet, naming the file', async () => {
    const p = capture('raw.pcap', [new Uint8Array(40)], 101);
    const io = bufferIo();
    expect(await run(['bench', '--quick', '--pcap', p], io)).toBe(1);
    expect(io.stderr).toMatch(new RegExp(`^ovsim: --pcap: ${p.replace(/[.]/g, '\\.')}: .*link ?type`, 'i'));
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a file that is not a capture', async () => {
    const p = join(dir, 'notes.txt');
    writeFileSync(p, 'hello, not a capture\n');
    const io = bufferIo();
    expect(await run(['bench', '--quick', '--pcap', p], io)).toBe(1);
    expect(io.stderr).toMatch(/--pcap: .*notes\.txt: .*not a pcap or pcapng file/);
  });
});
