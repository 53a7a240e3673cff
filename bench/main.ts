/**
 * `npm run bench`: ovsim's performance figures. Each section measures one part of the
 * switch and hands back a table for people and figures for scripts; the last line printed
 * is one JSON object with every section's figures, so a script can read `tail -1`.
 *
 * Each section runs in a fresh Node process of its own, so that the JIT feedback and the
 * heap one section leaves behind (the classifier code warmed on other rule types, big
 * tables waiting for the GC) do not slow the next; a figure then does not depend on which
 * sections ran before it.
 *
 * Usage: node dist/bench/main.js [--quick] [SECTION...]   (sections: see SECTIONS)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cacheSection } from './cache/cache-bench.js';
import { scenarioSection } from './cache/scenario.js';
import { classifierSection } from './classifier.js';
import { engineSection } from './engine.js';
import { fastpathSection } from './fastpath.js';
import { formatTable, type BenchOptions, type Json, type SectionReport } from './measure.js';
import { openflowSection } from './openflow.js';
import { ovsdbSection } from './ovsdb.js';
import { slowpathSection } from './slowpath.js';
import { traceSection, xlateSection } from './xlate.js';

/** Sections in the order they run; a new section is one more entry. */
const SECTIONS: Readonly<Record<string, (opts: BenchOptions) => SectionReport>> = {
  engine: engineSection,
  classifier: classifierSection,
  xlate: xlateSection,
  trace: traceSection,
  fastpath: fastpathSection,
  slowpath: slowpathSection,
  scenario: scenarioSection,
  cache: cacheSection,
  ovsdb: ovsdbSection,
  openflow: openflowSection,
};

/** The flag by which main runs one section in a child process and prints its report as JSON. */
const CHILD_FLAG = '--section-json';

function runInChild(name: string, quick: boolean): SectionReport {
  const args = [fileURLToPath(import.meta.url), CHILD_FLAG, name, ...(quick ? ['--quick'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(out) as SectionReport;
}

function main(argv: readonly string[]): number {
  const quick = argv.includes('--quick');
  if (argv[0] === CHILD_FLAG) {
    const name = argv[1] ?? '';
    const section = SECTIONS[name];
    if (!section) throw new Error(`bench: no section ${name}`);
    process.stdout.write(JSON.stringify(section({ quick })));
    return 0;
  }
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknownFlag = argv.find((a) => a.startsWith('--') && a !== '--quick');
  if (unknownFlag) {
    process.stderr.write(`bench: unknown option ${unknownFlag} (only --quick)\n`);
    return 2;
  }
  const unknown = names.find((n) => !(n in SECTIONS));
  if (unknown) {
    process.stderr.write(`bench: unknown section "${unknown}" (known: ${Object.keys(SECTIONS).join(', ')})\n`);
    return 2;
  }
  const run = names.length > 0 ? names : Object.keys(SECTIONS);
  const figures: Record<string, Json> = {};
  process.stdout.write(`ovsim bench — node ${process.version}${quick ? ', quick run' : ''}\n\n`);
  for (const name of run) {
    // Under vite-node (a .ts file) there is no plain script to start: run in this process.
    const report = import.meta.url.endsWith('.js') ? runInChild(name, quick) : SECTIONS[name]!({ quick });
    process.stdout.write(`${report.title}\n\n${formatTable(report.table)}\n`);
    for (const n of report.notes) process.stdout.write(`  ${n}\n`);
    process.stdout.write('\n');
    Object.assign(figures, mergeReference(figures, report.figures));
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  return 0;
}

/** Sections may each add to `c_reference`; merge those instead of overwriting. */
function mergeReference(acc: Record<string, Json>, add: Readonly<Record<string, Json>>): Record<string, Json> {
  const out: Record<string, Json> = { ...add };
  const a = acc['c_reference'];
  const b = add['c_reference'];
  if (isObject(a) && isObject(b)) out['c_reference'] = { ...a, ...b };
  return out;
}

function isObject(j: Json | undefined): j is { readonly [k: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

process.exitCode = main(process.argv.slice(2));
