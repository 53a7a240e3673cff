/**
 * Explores ovsim against real OVS on generated cases and prints every mismatch.
 *
 *   npx vite-node test/differential/explore.ts -- --seed 7 --cases 100
 *   npx vite-node test/differential/explore.ts -- --seed 7 --cases 500 --save /tmp/s7.jsonl
 *   npx vite-node test/differential/explore.ts -- --replay /tmp/s7.jsonl      (no OVS needed)
 *
 * Options: --seed N (1), --cases N (100), --traces N per case (10), --save FILE (write
 * OVS's results as JSONL), --replay FILE (compare ovsim against saved results), --ovs-only
 * (skip ovsim), --max N (print at most N mismatches, default 50), --only actions|megaflow.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { generateCases } from './generate.js';
import { OvsSandbox } from '../support/ovs-sandbox.js';
import {
  compareCase,
  describeMismatch,
  loadRunTraces,
  newTally,
  runOvsCase,
  summary,
  type OvsCaseResult,
} from './run.js';

interface Args {
  seed: number;
  cases: number;
  traces: number;
  save: string | null;
  replay: string | null;
  ovsOnly: boolean;
  max: number;
  only: 'actions' | 'megaflow' | null;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { seed: 1, cases: 100, traces: 10, save: null, replay: null, ovsOnly: false, max: 50, only: null };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = argv[i + 1];
    switch (f) {
      case '--':
        break;
      case '--seed':
        a.seed = num(f, v);
        i++;
        break;
      case '--cases':
        a.cases = num(f, v);
        i++;
        break;
      case '--traces':
        a.traces = num(f, v);
        i++;
        break;
      case '--max':
        a.max = num(f, v);
        i++;
        break;
      case '--save':
        if (v === undefined) throw new Error('--save needs a file name');
        a.save = v;
        i++;
        break;
      case '--replay':
        if (v === undefined) throw new Error('--replay needs a file name');
        a.replay = v;
        i++;
        break;
      case '--only':
        if (v !== 'actions' && v !== 'megaflow') throw new Error(`--only takes actions or megaflow, got ${v ?? 'nothing'}`);
        a.only = v;
        i++;
        break;
      case '--ovs-only':
        a.ovsOnly = true;
        break;
      default:
        throw new Error(`unknown option ${f ?? ''} (see the header of test/differential/explore.ts)`);
    }
  }
  return a;
}

async function readSaved(file: string): Promise<OvsCaseResult[]> {
  const out: OvsCaseResult[] = [];
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as OvsCaseResult);
    } catch (e) {
      throw new Error(`${file}:${n}: bad JSON: ${(e as Error).message}`);
    }
  }
  return out;
}

async function ovsResults(a: Args): Promise<OvsCaseResult[]> {
  if (a.replay !== null) return readSaved(a.replay);
  const cases = generateCases(a.seed, a.cases, { traces: a.traces });
  const sb = await OvsSandbox.start();
  try {
    const out: OvsCaseResult[] = [];
    for (const c of cases) out.push(await runOvsCase(sb, c));
    return out;
  } finally {
    await sb.stop();
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const results = await ovsResults(a);
  if (a.save !== null) {
    writeFileSync(a.save, results.map((r) => JSON.stringify(r)).join('\n') + '\n');
    console.log(`saved OVS results of ${results.length} cases to ${a.save}`);
  }
  const rejected = results.reduce((n, r) => n + r.rejected.length, 0);
  const flows = results.reduce((n, r) => n + r.case.flows.length, 0);
  console.log(`OVS: ${results.length} cases, ${flows} flows (${rejected} rejected), ${Date.now() - t0} ms`);
  if (a.ovsOnly) return;

  const runTraces = await loadRunTraces();
  const tally = newTally();
  results.forEach((r, i) => compareCase(runTraces, r, i, tally));
  const shown = tally.mismatches.filter((m) => (a.only === 'actions' ? !m.actionsEqual : a.only === 'megaflow' ? !m.megaflowEqual : true));
  for (const m of shown.slice(0, a.max)) console.log(describeMismatch(m));
  if (shown.length > a.max) console.log(`... ${shown.length - a.max} more mismatches not shown (--max)`);
  for (const m of tally.rejectMismatches.slice(0, a.max)) {
    console.log(
      m.simError === null
        ? `--- case ${m.caseIndex}: OVS rejects, ovsim accepts: ${m.flow}\n    OVS: ${m.ovsError ?? ''}`
        : `--- case ${m.caseIndex}: ovsim rejects, OVS accepts: ${m.flow}\n    ovsim: ${m.simError}`,
    );
  }
  console.log(summary(tally));
}

main().catch((e: unknown) => {
  console.error(`explore: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
