/**
 * The cache benchmark's report: a Markdown file that depends only on the seed and the
 * code (so two runs can be compared byte for byte), SVG charts of the same figures, and a
 * separate file for everything measured with a clock (wall time per packet, the machinery
 * figures), which changes from run to run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COST_MODEL } from '../../sim/datapath/cost-model.js';
import type { Json } from '../measure.js';
import { formatTable } from '../measure.js';
import type { CacheBenchResult, WorkloadResult } from './cache-bench.js';
import { barChartSvg } from './charts.js';
import { HANDLERS, STRATEGIES, type StrategyResult } from './run.js';

export const REPORT_FILE = 'report.md';
export const WALLCLOCK_FILE = 'wallclock.md';
export const CHART_FILES = { hitRate: 'hit-rate.svg', masks: 'masks.svg', cost: 'cost.svg' } as const;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const int = (x: number) => String(Math.round(x));
const dec = (x: number, d = 1) => x.toFixed(d);

function mdTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
  return [line(head!), `|${head!.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...body.map(line)].join('\n');
}

function strategyRows(results: readonly StrategyResult[]): string[][] {
  const head = ['strategy', 'hit rate', 'EMC hits', 'megaflow hits', 'microflow hits', 'upcalls', 'lost upcalls', 'flows', 'masks (peak)', 'probes/pkt', 'modeled ns/pkt', 'fast / slow ns/pkt'];
  return [
    head,
    ...results.map((r) => [
      r.strategy,
      pct(r.hitRate),
      int(r.emcHits),
      int(r.megaflowHits),
      int(r.microflowHits),
      int(r.upcalls),
      int(r.lostUpcalls),
      int(r.flows),
      `${r.masks} (${r.peakMasks})`,
      dec(r.probesPerPacket),
      dec(r.costNsPerPacket, 0),
      `${dec(r.fastPathNsPerPacket, 0)} / ${dec(r.slowPathNsPerPacket, 0)}`,
    ]),
  ];
}

function attackSection(w: WorkloadResult): string {
  if (!w.unattacked) return '';
  const rows: string[][] = [['strategy', 'masks alone', 'masks under attack', 'legit probes/pkt alone', 'under attack', 'legit fast-path ns/pkt alone', 'under attack']];
  for (const calm of w.unattacked) {
    const hit = w.results.find((r) => r.strategy === calm.strategy)!;
    rows.push([
      calm.strategy,
      int(calm.peakMasks),
      int(hit.peakMasks),
      dec(calm.probesPerPacket),
      dec(hit.legit?.probesPerPacket ?? 0),
      dec(calm.fastPathNsPerPacket, 0),
      dec(hit.legit?.fastPathNsPerPacket ?? 0, 0),
    ]);
  }
  return `\nWhat the attack does to the legitimate packets (the same legitimate trace run alone, then with the crafted packets mixed in):\n\n${mdTable(rows)}\n`;
}

/** The deterministic report: same seed and code, same bytes. */
export function renderReport(r: CacheBenchResult): string {
  const c = DEFAULT_COST_MODEL;
  const out: string[] = [];
  out.push('# ovsim cache-strategy benchmark\n');
  out.push(`Seed ${r.seed}${r.quick ? ', quick run (smaller workloads)' : ''}. Every strategy runs on exactly the same packets; frames are parsed from bytes by the datapath.`);
  out.push('Everything in this file follows from the seed and the code; wall-clock figures are in `wallclock.md`.\n');
  out.push('Strategies: `none` (every packet is an upcall), `microflow` (exact match on the whole key), `megaflow` (Tuple Space Search over masks), `emc+megaflow` (an exact-match cache in front of the megaflows, insertion probability 1/100).\n');
  out.push(
    `Modeled CPU cost (sim/datapath/cost-model.ts): parse ${c.parseNs} ns, exact probe ${c.exactProbeNs} ns, subtable probe ${c.subtableProbeNs} ns, action ${c.actionNs} ns; ` +
      `upcall ${c.upcallNs} ns + translation ${c.xlateNs} ns + install ${c.installNs} ns per miss; revalidation ${c.revalidateNs} ns per flow. ` +
      `${HANDLERS} upcall handlers, upcall queue of 4 096, flow limit from 10 000 (dynamic, as OVS), max-idle 10 s.\n`,
  );
  out.push('## Summary: hit rate\n');
  out.push(mdTable([['workload', ...STRATEGIES], ...r.workloads.map((w) => [w.workload.name, ...w.results.map((x) => pct(x.hitRate))])]));
  out.push('\n## Summary: modeled CPU ns per packet\n');
  out.push(mdTable([['workload', ...STRATEGIES], ...r.workloads.map((w) => [w.workload.name, ...w.results.map((x) => dec(x.costNsPerPacket, 0))])]));
  out.push(`\n![hit rate](${CHART_FILES.hitRate})\n\n![masks](${CHART_FILES.masks})\n\n![cost](${CHART_FILES.cost})\n`);
  for (const w of r.workloads) {
    out.push(`## ${w.workload.name}: ${w.workload.title}\n`);
    out.push(`${w.workload.description} ${w.workload.packets} packets, ${w.workload.flowRules} OpenFlow flows.\n`);
    out.push(mdTable(strategyRows(w.results)));
    out.push(attackSection(w));
  }
  out.push('## Reading the figures\n');
  out.push(
    [
      '- *hit rate*: packets served by a cache (EMC, megaflow or microflow) over all packets. Packets whose upcall was lost (queue full) are dropped.',
      '- *flows*, *masks*: cached flows and megaflow subtables when the trace ends (after the last upcalls are answered); *peak* is the most masks seen at once.',
      '- *probes/pkt*: megaflow subtables probed per packet, the cost tuple space explosion inflates.',
      '- *modeled ns/pkt*: the datapath\'s modeled fast-path plus slow-path CPU time over all packets.',
      '- Exact-match keys include the TCP flags, as in OVS\'s EMC (a SYN and the ACK after it are different keys); the historical kernel microflow cache did not key on flags, so `microflow` here is somewhat harsher on short TCP flows than it was.',
    ].join('\n'),
  );
  return `${out.join('\n')}\n`;
}

/** A machinery figure for the wall-clock file: name, value, note. */
export interface MachineryLine {
  readonly name: string;
  readonly value: string;
  readonly note: string;
}

/** The wall-clock part: differs from run to run. */
export function renderWallclock(r: CacheBenchResult, machinery: readonly MachineryLine[], env: string): string {
  const out: string[] = ['# ovsim cache benchmark: wall-clock figures\n', `${env}. These figures depend on the machine and its load; compare them within one run.\n`];
  out.push('## Wall time per packet (whole run: simulator, fast path, upcalls, translation), ns\n');
  out.push(mdTable([['workload', ...STRATEGIES], ...r.workloads.map((w) => [w.workload.name, ...w.results.map((x) => dec(x.wallNsPerPacket, 0))])]));
  if (machinery.length > 0) {
    out.push('\n## Machinery\n');
    out.push(mdTable([['figure', 'value', 'note'], ...machinery.map((m) => [m.name, m.value, m.note])]));
  }
  return `${out.join('\n')}\n`;
}

export function renderCharts(r: CacheBenchResult): Record<string, string> {
  const groups = r.workloads.map((w) => w.workload.name);
  const series = [...STRATEGIES];
  const values = (f: (x: StrategyResult) => number) => r.workloads.map((w) => w.results.map(f));
  return {
    [CHART_FILES.hitRate]: barChartSvg({ title: 'Cache hit rate', yLabel: 'hit rate', groups, series, values: values((x) => x.hitRate), max: 1 }),
    [CHART_FILES.masks]: barChartSvg({ title: 'Megaflow masks (peak)', yLabel: 'masks', groups, series, values: values((x) => x.peakMasks), log: true }),
    [CHART_FILES.cost]: barChartSvg({ title: 'Modeled CPU per packet', yLabel: 'ns per packet', groups, series, values: values((x) => x.costNsPerPacket), log: true }),
  };
}

/** Writes report.md, the charts, wallclock.md and figures.json into `dir`; returns the paths. */
export function writeReport(dir: string, r: CacheBenchResult, wallclock: string, figures: { [k: string]: Json }): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    [REPORT_FILE]: renderReport(r),
    ...renderCharts(r),
    [WALLCLOCK_FILE]: wallclock,
    'figures.json': `${JSON.stringify(figures, null, 2)}\n`,
  };
  const paths: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    writeFileSync(p, text);
    paths.push(p);
  }
  return paths;
}

/** A plain-text comparison for the terminal. */
export function formatComparison(r: CacheBenchResult): string {
  const out: string[] = [];
  for (const w of r.workloads) {
    out.push(`${w.workload.name} — ${w.workload.packets} packets, ${w.workload.flowRules} OpenFlow flows`);
    const rows = [
      ['strategy', 'hit rate', 'upcalls', 'lost', 'flows', 'masks', 'probes/pkt', 'model ns/pkt', 'wall ns/pkt'],
      ...w.results.map((x) => [x.strategy, pct(x.hitRate), int(x.upcalls), int(x.lostUpcalls), int(x.flows), int(x.masks), dec(x.probesPerPacket), dec(x.costNsPerPacket, 0), dec(x.wallNsPerPacket, 0)]),
    ];
    out.push(formatTable(rows), '');
  }
  return out.join('\n');
}
