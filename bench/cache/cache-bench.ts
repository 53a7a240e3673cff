/**
 * The cache-strategy comparison: every workload through every strategy, on the same
 * packets, plus — for workloads with attack traffic — the legitimate traffic alone, so the
 * report can say what the attack cost it.
 */
import type { CacheStrategy } from '../../sim/datapath/datapath.js';
import type { BenchOptions, Json, SectionReport } from '../measure.js';
import { runStrategy, STRATEGIES, type StrategyResult } from './run.js';
import { withoutAttack } from './trace.js';
import { buildWorkload, WORKLOAD_NAMES, type Workload, type WorkloadName } from './workloads.js';

export interface CacheBenchOptions {
  readonly seed: number;
  readonly quick: boolean;
  /** Built-in workloads to run (default: all). */
  readonly workloads?: readonly WorkloadName[];
  /** More workloads (captures), run after the built-in ones. */
  readonly extra?: readonly Workload[];
  /** Called before each run: `done` of `total` runs finished, and what runs next. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface WorkloadSummary {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly packets: number;
  readonly flowRules: number;
}

export interface WorkloadResult {
  readonly workload: WorkloadSummary;
  readonly results: readonly StrategyResult[];
  /** The legitimate traffic alone, with the megaflow strategies (attack workloads only). */
  readonly unattacked: readonly StrategyResult[] | null;
}

export interface CacheBenchResult {
  readonly seed: number;
  readonly quick: boolean;
  readonly workloads: readonly WorkloadResult[];
}

const UNATTACKED_STRATEGIES: readonly CacheStrategy[] = ['megaflow', 'emc+megaflow'];

export function runCacheBench(opts: CacheBenchOptions): CacheBenchResult {
  const names = opts.workloads ?? WORKLOAD_NAMES;
  const extra = opts.extra ?? [];
  // Runs: 4 per workload, 2 more for the attack workload's unattacked baseline.
  const attackRuns = names.includes('tuple_space_explosion') ? UNATTACKED_STRATEGIES.length : 0;
  const total = (names.length + extra.length) * STRATEGIES.length + attackRuns;
  let done = 0;
  const out: WorkloadResult[] = [];
  const runAll = (w: Workload): void => {
    const results: StrategyResult[] = [];
    for (const s of STRATEGIES) {
      opts.onProgress?.(done, total, `${w.name} ${s}`);
      results.push(runStrategy(w, s, { seed: opts.seed }));
      done++;
    }
    let unattacked: StrategyResult[] | null = null;
    if (w.trace.tags.includes(1)) {
      const calm: Workload = { ...w, trace: withoutAttack(w.trace) };
      unattacked = [];
      for (const s of UNATTACKED_STRATEGIES) {
        opts.onProgress?.(done, total, `${w.name} ${s} (no attack)`);
        unattacked.push(runStrategy(calm, s, { seed: opts.seed }));
        done++;
      }
    }
    out.push({
      workload: { name: w.name, title: w.title, description: w.description, packets: w.trace.count, flowRules: w.flows.length },
      results,
      unattacked,
    });
  };
  for (const name of names) runAll(buildWorkload(name, { seed: opts.seed, quick: opts.quick }));
  for (const w of extra) runAll(w);
  opts.onProgress?.(total, total, 'done');
  return { seed: opts.seed, quick: opts.quick, workloads: out };
}

/** Rounds a figure for the JSON line and the report (4 significant decimals at most). */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The deterministic figures of one strategy run, as the JSON line carries them. */
export function strategyFigures(r: StrategyResult): { [k: string]: Json } {
  return {
    hit_rate: round(r.hitRate),
    upcalls: r.upcalls,
    lost_upcalls: r.lostUpcalls,
    flows: r.flows,
    masks: r.masks,
    peak_masks: r.peakMasks,
    emc_hits: r.emcHits,
    megaflow_hits: r.megaflowHits,
    microflow_hits: r.microflowHits,
    probes_per_packet: round(r.probesPerPacket, 2),
    cost_ns_per_packet: round(r.costNsPerPacket, 1),
    packets: r.packets,
  };
}

/** `workloads` of the JSON line: workload name → strategy → figures (wall time included). */
export function workloadFigures(r: CacheBenchResult): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const w of r.workloads) {
    const byStrategy: { [k: string]: Json } = {};
    for (const s of w.results) byStrategy[s.strategy] = { ...strategyFigures(s), wall_ns_per_packet: round(s.wallNsPerPacket, 1) };
    out[w.workload.name] = byStrategy;
  }
  return out;
}

/** The bench/main.ts section: the comparison with seed 1 (`ovsim bench` takes other seeds). */
export function cacheSection(opts: BenchOptions): SectionReport {
  const r = runCacheBench({ seed: 1, quick: opts.quick });
  const head = ['workload', ...STRATEGIES.map((s) => `${s} hit`), 'megaflow masks'];
  const rows = r.workloads.map((w) => [
    w.workload.name,
    ...w.results.map((x) => `${(x.hitRate * 100).toFixed(1)}%`),
    String(w.results.find((x) => x.strategy === 'megaflow')?.peakMasks ?? 0),
  ]);
  return {
    name: 'cache',
    title: 'Cache strategies on the same packets (seed 1): hit rates and megaflow masks',
    table: [head, ...rows],
    notes: ['full report: npx ovsim bench --out DIR'],
    figures: { workloads: workloadFigures(r) },
  };
}
