import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../native/pcap/index.js';
import { bufferIo } from '../../sim/cli/io.js';
import { run } from '../../sim/cli/program.js';
import { composeFrame } from '../../sim/flow/compose.js';
import { parseTraceFlow } from '../../sim/flow/match-syntax.js';

const dir = mkdtempSync(join(tmpdir(), 'ovsim-replay-'));

/** A capture of `n` TCP packets to port 80 from many sources (1 ms apart), plus some UDP. */
async function capture(name: string, n: number): Promise<string> {
  const path = join(dir, name);
  const w = new PcapWriter(path);
  for (let i = 0; i < n; i++) {
    const flow =
      i % 4 === 3
        ? `in_port=1,udp,nw_src=10.0.${i >> 8}.${i & 255},nw_dst=10.1.0.1,udp_src=${1000 + i},udp_dst=53`
        : `in_port=1,tcp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.${i >> 8}.${i & 255},nw_dst=10.1.0.1,tcp_src=${1000 + (i % 50)},tcp_dst=80`;
    w.write(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n, composeFrame(parseTraceFlow(flow)));
  }
  await w.close();
  return path;
}

const FLOWS = join(dir, 'flows.txt');
writeFileSync(FLOWS, 'priority=10,tcp,nw_dst=10.1.0.0/16,tp_dst=80,actions=output:2\npriority=5,udp,actions=output:3\npriority=0,actions=drop\n');

async function replayJson(args: string[]): Promise<Record<string, unknown>> {
  const io = bufferIo();
  const code = await run(['replay', ...args, '--json'], io);
  expect(io.stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(io.stdout.trim()) as Record<string, unknown>;
}

describe('ovsim replay', () => {
  it('sends every packet through the switch and counts what became of it, per cache strategy', async () => {
    const pcap = await capture('mix.pcap', 400);
    const results: Record<string, Record<string, unknown>> = {};
    for (const cache of ['none', 'microflow', 'megaflow', 'emc+megaflow']) {
      results[cache] = await replayJson([pcap, '--flows', FLOWS, '--ports', '1,2,3', '--in-port', '1', '--cache', cache]);
      expect(results[cache]).toMatchObject({ packets: 400, out: { '2': { packets: 300 }, '3': { packets: 100 } } });
    }
    // The megaflow cache needs two flows (TCP to port 80, UDP); microflow one per connection.
    expect(results.megaflow!.upcalls).toBe(2);
    expect(results.megaflow!.flows).toBe(2);
    expect(results.microflow!.flows).toBe(400); // every packet is a new connection
    expect(results.none!.upcalls).toBe(400);
    expect(results['emc+megaflow']!.hit_rate as number).toBeGreaterThan(0.99);
  });

  it('writes one pcap per output port that tshark reads', async () => {
    const pcap = await capture('small.pcap', 40);
    const out = join(dir, 'out');
    const io = bufferIo();
    expect(await run(['replay', pcap, '--flows', FLOWS, '--ports', '1,2,3', '--out-dir', out], io)).toBe(0);
    expect(io.stdout).toContain('port 2: 30 packets');
    expect(existsSync(join(out, 'port2.pcap'))).toBe(true);
    let tshark: string;
    try {
      tshark = execFileSync('tshark', ['-r', join(out, 'port2.pcap'), '-T', 'fields', '-e', 'tcp.dstport'], { encoding: 'utf8' });
    } catch (e) {
      throw new Error(`tshark could not read our pcap (is it installed? run scripts/setup.sh): ${String(e)}`);
    }
    expect(tshark.trim().split('\n')).toEqual(new Array(30).fill('80'));
  });

  it('dpctl dump-flows prints the datapath flows left after the replay', async () => {
    const pcap = await capture('dump.pcap', 8);
    const io = bufferIo();
    expect(await run(['dpctl', 'dump-flows', pcap, '--flows', FLOWS, '--ports', '1,2,3'], io)).toBe(0);
    const lines = io.stdout.trim().split('\n').sort();
    expect(lines).toHaveLength(2);
    // The packet whose upcall installed a flow is not counted in it, as in OVS.
    expect(lines[1]).toMatch(/^recirc_id\(0\),in_port\(1\),packet_type\(ns=0,id=0\),eth_type\(0x0800\),ipv4\(dst=10\.1\.0\.1\/255\.255\.0\.0,proto=6,frag=no\),tcp\(dst=80\), packets:5, bytes:\d+, used:[0-9.]+s, actions:2$/);
    expect(lines[0]).toMatch(/^recirc_id\(0\),in_port\(1\),packet_type\(ns=0,id=0\),eth_type\(0x0800\),ipv4\(dst=10\.1\.0\.1\/255\.255\.0\.0,proto=17,frag=no\), packets:1, bytes:\d+, used:[0-9.]+s, actions:3$/);
  });

  it('rejects bad input with one clear line', async () => {
    const good = await capture('g.pcap', 3);
    const truncated = join(dir, 'truncated.pcap');
    writeFileSync(truncated, readFileSync(good).subarray(0, 24 + 16 + 10));
    const corrupt = join(dir, 'corrupt.pcap');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('not a capture at all'), readFileSync(good)]));
    const cooked = join(dir, 'cooked.pcap');
    const w = new PcapWriter(cooked, { linkType: 113 });
    w.write(0n, new Uint8Array(40));
    await w.close();
    for (const [argv, msg] of [
      [['replay', truncated], 'truncated.pcap: at byte offset 24'],
      [['replay', corrupt], 'corrupt.pcap: at byte offset 0'],
      [['replay', cooked], 'LINUX_SLL'],
      [['replay', join(dir, 'missing.pcap')], 'missing.pcap'],
      [['replay', good, '--cache', 'bogus'], '--cache: "bogus"'],
      [['replay', good, '--seed', '-3'], '--seed: "-3"'],
      [['replay', good, '--speed', 'fast'], '--speed: "fast"'],
      [['replay', good, '--in-port', '9'], '--in-port: "9"'],
    ] as const) {
      const io = bufferIo();
      expect(await run(argv, io), argv.join(' ')).toBe(1);
      expect(io.stderr).toContain(msg);
      expect(io.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
