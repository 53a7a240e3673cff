/**
 * `ovsim bench`: the cache-strategy comparison (every workload through none, microflow,
 * megaflow and EMC + megaflow on the same packets) and the machinery figures (engine
 * events/s, fast-path and slow-path packets/s, whole-scenario packets/s, a Map.get
 * yardstick, the no-allocation check). Writes a report directory; with --json the last
 * line printed is one JSON object for scripts.
 *
 *   ovsim bench [--json] [--quick] [--seed N] [--pcap FILE ...] [--in-port N] [--flows FILE] [--out DIR]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runCacheBench, strategyFigures, workloadFigures, type CacheBenchResult } from '../../bench/cache/cache-bench.js';
import { pcapWorkload } from '../../bench/cache/pcap-workload.js';
import { formatComparison, renderWallclock, writeReport, type MachineryLine } from '../../bench/cache/report.js';
import { scenarioSection } from '../../bench/cache/scenario.js';
import type { Workload } from '../../bench/cache/workloads.js';
import { benchEngine } from '../../bench/engine.js';
import { fastpathSection } from '../../bench/fastpath.js';
import { formatRate, formatTable, type BenchOptions, type Json, type SectionReport } from '../../bench/measure.js';
import { slowpathSection } from '../../bench/slowpath.js';
import { PcapError } from '../../native/pcap/index.js';
import { processIo, type Io } from './io.js';
import type { CommandState } from './program.js';
import { UsageError } from './usage-error.js';

interface BenchCliOptions {
  json?: boolean;
  quick?: boolean;
  seed: string;
  pcap?: string[];
  inPort: string;
  flows?: string;
  out: string;
}

/** Machinery sections, run each in a child process when compiled (see bench/main.ts). */
const MACHINERY: Readonly<Record<string, (opts: BenchOptions) => SectionReport>> = {
  fastpath: fastpathSection,
  slowpath: slowpathSection,
  scenario: scenarioSection,
};

export function parseSeed(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) throw new UsageError(`--seed: "${text}" is not a whole number from 0 to 4294967295`);
  return Number(text);
}

function parseInPort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) >= 0xff00) throw new UsageError(`--in-port: "${text}" is not an OpenFlow port number (1 to 65279)`);
  return Number(text);
}

function readFlows(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--flows: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function loadCaptures(paths: readonly string[], inPort: number, flows: string[] | undefined): Workload[] {
  return paths.map((p) => {
    try {
      return pcapWorkload(p, flows ? { inPort, flows } : { inPort });
    } catch (e) {
      if (e instanceof PcapError) throw new UsageError(`--pcap: ${e.message}`);
      throw e;
    }
  });
}

/** Runs one machinery section: in a fresh process when running compiled, else here. */
function runSection(name: string, quick: boolean): SectionReport {
  const main = fileURLToPath(new URL('../../bench/main.js', import.meta.url));
  if (import.meta.url.endsWith('.js') && existsSync(main)) {
    const args = [main, '--section-json', name, ...(quick ? ['--quick'] : [])];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    return JSON.parse(out) as SectionReport;
  }
  return MACHINERY[name]!({ quick });
}

/** Progress on stderr: a bar redrawn in place on a terminal, plain lines otherwise. */
function progress(io: Io, tty: boolean): (done: number, total: number, label: string) => void {
  return (done, total, label) => {
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      io.err(`\r[${bar}] ${done}/${total} ${label.padEnd(40)}${done === total ? '\n' : ''}`);
    } else if (done < total) {
      io.err(`bench: [${done + 1}/${total}] ${label}\n`);
    }
  };
}

/** The deterministic figures of every run (the report directory's figures.json). */
function deterministicFigures(r: CacheBenchResult): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const w of r.workloads) {
    const by: { [k: string]: Json } = {};
    for (const s of w.results) by[s.strategy] = strategyFigures(s);
    out[w.workload.name] = by;
  }
  return { seed: r.seed, quick: r.quick, workloads: out };
}

export function registerBench(program: Command, io: Io, state: CommandState): void {
  program
    .command('bench')
    .description('compare flow-cache strategies on seeded workloads and measure the machinery')
    .option('--json', 'print one JSON object with every figure as the last line')
    .option('--quick', 'smaller workloads and shorter measurements')
    .option('--seed <n>', 'seed of every workload', '1')
    .option('--pcap <file...>', 'also run these captures (pcap or pcapng, Ethernet) as workloads')
    .option('--in-port <n>', 'switch port the capture packets arrive on', '1')
    .option('--flows <file>', 'flow table for the captures (default: IPv4 routed by prefix, the rest NORMAL)')
    .option('--out <dir>', 'report directory', 'ovsim-bench-report')
    .action((opts: BenchCliOptions) => {
      // Check every input before the long part starts.
      const seed = parseSeed(opts.seed);
      const inPort = parseInPort(opts.inPort);
      const flows = opts.flows ? readFlows(opts.flows) : undefined;
      const captures = loadCaptures(opts.pcap ?? [], inPort, flows);
      const quick = opts.quick === true;
      const tty = io === processIo && process.stderr.isTTY === true;

      const result = runCacheBench({ seed, quick, extra: captures, onProgress: progress(io, tty) });
      io.out(`ovsim bench — seed ${seed}${quick ? ', quick' : ''}\n\n${formatComparison(result)}\n`);

      const figures: Record<string, Json> = {};
      const machinery: MachineryLine[] = [];
      io.err('bench: engine\n');
      const engine = benchEngine(quick ? { population: 10_000, total: 100_000, runs: 2 } : undefined);
      figures['engine_events_per_s'] = engine.engine_events_per_s;
      machinery.push({ name: 'engine_events_per_s', value: formatRate(engine.engine_events_per_s), note: `ns-3 scheduler workload, ${engine.engine_population} pending` });
      for (const name of Object.keys(MACHINERY)) {
        io.err(`bench: ${name}\n`);
        const report = runSection(name, quick);
        io.out(`${report.title}\n\n${formatTable(report.table)}\n`);
        for (const n of report.notes) io.out(`  ${n}\n`);
        io.out('\n');
        Object.assign(figures, report.figures);
        for (const [k, v] of Object.entries(report.figures)) machinery.push({ name: k, value: machineryValue(v), note: report.title });
      }
      const env = `node ${process.version}, ${process.platform}/${process.arch}`;
      const paths = writeReport(opts.out, result, renderWallclock(result, machinery, env), deterministicFigures(result));
      io.out(`report: ${paths[0]} (wall-clock figures: ${paths.find((p) => p.endsWith('wallclock.md'))})\n`);
      if (opts.json) {
        const line = { seed, quick, ...figures, workloads: workloadFigures(result) };
        io.out(`${JSON.stringify(line)}\n`);
      }
      state.exitCode = 0;
    });
}

function machineryValue(v: Json): string {
  if (typeof v === 'number') return v >= 1000 ? formatRate(v) : String(v);
  return JSON.stringify(v);
}
