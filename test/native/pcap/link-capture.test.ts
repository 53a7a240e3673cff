import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Link } from '../../../engine/link.js';
import { Simulator } from '../../../engine/simulator.js';
import { LinkCapture, readCapture } from '../../../native/pcap/index.js';
import { composeFrame } from '../../../sim/flow/compose.js';
import { parseTraceFlow } from '../../../sim/flow/match-syntax.js';

describe('LinkCapture', () => {
  it('writes what a link delivers, at virtual times, in a pcap that tshark reads', async () => {
    const sim = new Simulator();
    const link = new Link(sim, { name: 'h1-s1', latencyNs: 5_000, bandwidthBps: 1e9 });
    link.b.connect({ receive: () => undefined });
    const path = join(mkdtempSync(join(tmpdir(), 'ovsim-cap-')), 'h1-s1.pcap');
    const cap = new LinkCapture(path);
    link.addTap(cap);
    for (let i = 0; i < 3; i++) {
      sim.schedule(i * 1_000_000, () => void link.a.send(composeFrame(parseTraceFlow(`udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_dst=${5000 + i}`))));
    }
    sim.run();
    await cap.close();
    const times: bigint[] = [];
    for await (const r of readCapture(path)) times.push(r.timestampNs);
    // Sent at 0, 1 and 2 ms; delivered after serialization (106 bytes at 1 Gb/s = 848 ns) and 5 us.
    expect(times).toEqual([5_848n, 1_005_848n, 2_005_848n]);
    let out: string;
    try {
      out = execFileSync('tshark', ['-r', path, '-T', 'fields', '-e', 'udp.dstport'], { encoding: 'utf8' });
    } catch (e) {
      throw new Error(`tshark could not read the capture (is it installed? run scripts/setup.sh): ${String(e)}`);
    }
    expect(out.trim().split('\n')).toEqual(['5000', '5001', '5002']);
  });
});
