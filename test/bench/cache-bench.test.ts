import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCacheBench, workloadFigures, type CacheBenchResult } from '../../bench/cache/cache-bench.js';
import { renderCharts, renderReport } from '../../bench/cache/report.js';
import { bufferIo } from '../../sim/cli/io.js';
import { run } from '../../sim/cli/program.js';

function byStrategy(r: CacheBenchResult, workload: string, strategy: string) {
  const w = r.workloads.find((x) => x.workload.name === workload)!;
  return w.results.find((x) => x.strategy === strategy)!;
}

describe('cache benchmark', () => {
  const a = runCacheBench({ seed: 11, quick: true, workloads: ['short_flows', 'tuple_space_explosion', 'long_flows'] });

  it('short flows over prefix rules: megaflow hits far more often than microflow', () => {
    const micro = byStrategy(a, 'short_flows', 'microflow');
    const mega = byStrategy(a, 'short_flows', 'megaflow');
    expect(mega.hitRate).toBeGreaterThan(0.5);
    expect(mega.hitRate).toBeGreaterThan(micro.hitRate + 0.4);
    expect(mega.upcalls).toBeLessThan(micro.upcalls / 2);
    expect(byStrategy(a, 'short_flows', 'none').hitRate).toBe(0);
  });

  it('tuple space explosion inflates the megaflow masks, and legitimate packets pay for it', () => {
    const w = a.workloads.find((x) => x.workload.name === 'tuple_space_explosion')!;
    const mega = byStrategy(a, 'tuple_space_explosion', 'megaflow');
    expect(mega.peakMasks).toBeGreaterThan(1000);
    const calm = w.unattacked!.find((x) => x.strategy === 'megaflow')!;
    expect(calm.peakMasks).toBeLessThan(50);
    // The same legitimate packets probe more subtables when the attack's masks are in the way.
    expect(mega.legit!.probesPerPacket).toBeGreaterThan(calm.probesPerPacket * 2);
    // The exact-match cache has no masks to explode.
    expect(byStrategy(a, 'tuple_space_explosion', 'microflow').masks).toBe(0);
  });

  it('long flows: every caching strategy serves nearly every packet; the EMC takes most of them', () => {
    for (const s of ['microflow', 'megaflow', 'emc+megaflow']) expect(byStrategy(a, 'long_flows', s).hitRate).toBeGreaterThan(0.99);
    const emc = byStrategy(a, 'long_flows', 'emc+megaflow');
    expect(emc.emcHits).toBeGreaterThan(emc.megaflowHits);
  });

  it('the deterministic report and charts are byte-identical across two runs with one seed', () => {
    const b = runCacheBench({ seed: 11, quick: true, workloads: ['short_flows', 'tuple_space_explosion', 'long_flows'] });
    expect(renderReport(b)).toBe(renderReport(a));
    expect(renderCharts(b)).toEqual(renderCharts(a));
    const c = runCacheBench({ seed: 12, quick: true, workloads: ['short_flows'] });
    expect(renderReport(c)).not.toBe(renderReport({ ...a, workloads: a.workloads.slice(0, 1) }));
    // Wall-clock figures stay out of the deterministic report.
    expect(renderReport(a)).not.toMatch(/Wall time per packet|wall ns/);
  });

  it('figures carry hit rate, upcalls, flows and masks per workload and strategy', () => {
    const f = workloadFigures(a) as Record<string, Record<string, Record<string, number>>>;
    for (const s of ['none', 'microflow', 'megaflow', 'emc+megaflow']) {
      expect(Object.keys(f['short_flows']![s]!)).toEqual(expect.arrayContaining(['hit_rate', 'upcalls', 'flows', 'masks']));
    }
  });
});

describe('ovsim bench', () => {
  it('--quick --json: the last line is one JSON object with the required keys; the report directory is written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ovsim-bench-'));
    const io = bufferIo();
    const code = await run(['bench', '--quick', '--json', '--seed', '3', '--out', out], io);
    expect(code).toBe(0);
    const lines = io.stdout.trimEnd().split('\n');
    const j = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    for (const k of ['engine_events_per_s', 'slowpath_pps', 'scenario_pps', 'baseline_map_get_per_s']) expect(typeof j[k]).toBe('number');
    expect(Object.keys(j['fastpath_pps'] as object).sort()).toEqual(['emc+megaflow', 'megaflow', 'microflow']);
    const w = j['workloads'] as Record<string, Record<string, Record<string, number>>>;
    expect(Object.keys(w)).toEqual(expect.arrayContaining(['short_flows', 'tuple_space_explosion', 'datacenter', 'port_scan', 'long_flows', 'classbench']));
    expect(Object.keys(w['short_flows']!['megaflow']!)).toEqual(expect.arrayContaining(['hit_rate', 'upcalls', 'flows', 'masks']));
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/^# ovsim cache-strategy benchmark/);
    expect(readFileSync(join(out, 'hit-rate.svg'), 'utf8')).toMatch(/^<svg /);
    expect(io.stderr).toMatch(/bench: \[1\/\d+\] classbench none/);
  }, 120_000);

  it.each([
    [['--seed', 'abc'], /--seed: "abc" is not a whole number/],
    [['--seed', '-1'], /--seed: "-1"/],
    [['--pcap', '/nonexistent/x.pcap'], /--pcap: \/nonexistent\/x\.pcap: no such file or directory/],
    [['--in-port', '0'], /--in-port: "0"/],
  ])('bad option %j: one clear line, exit 1', async (args, message) => {
    const io = bufferIo();
    const code = await run(['bench', '--quick', ...args], io);
    expect(code).toBe(1);
    expect(io.stderr).toMatch(message);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
  });
});
