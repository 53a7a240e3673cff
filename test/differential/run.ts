/**
 * Runs differential cases through real OVS (an OvsSandbox) and through ovsim
 * (`runTraces` of sim/ofproto/trace.ts), and tallies how often they agree.
 *
 * Only the flows OVS accepts are given to ovsim; each flow OVS refuses is checked to be
 * refused by ovsim as well, on its own. The OVS side of a run can be saved as JSONL and
 * replayed against ovsim alone (no OVS needed), which is how the lead iterates quickly.
 */
import type { DiffCase } from './generate.js';
import { compareTrace, type TraceSides } from './compare.js';
import type { OvsSandbox, OvsTrace, RejectedFlow } from '../support/ovs-sandbox.js';

/** What OVS did with a case: saved one JSON line per case by `explore --save`. */
export interface OvsCaseResult {
  readonly case: DiffCase;
  readonly rejected: RejectedFlow[];
  readonly results: Pick<OvsTrace, 'trace' | 'megaflow' | 'actions' | 'error'>[];
}

export async function runOvsCase(sb: OvsSandbox, c: DiffCase): Promise<OvsCaseResult> {
  await sb.setPorts(c.ports);
  await sb.delFlows();
  const rejected = await sb.addFlows(c.flows, ['-O', c.version]);
  const results = (await sb.traceMany(c.traces)).map(({ trace, megaflow, actions, error }) => ({ trace, megaflow, actions, error }));
  return { case: c, rejected, results };
}

export interface SimTraceOutcome {
  readonly trace: string;
  readonly megaflow: string | null;
  readonly actions: string | null;
  readonly error: string | null;
}

export interface SimCase {
  readonly ports: readonly number[];
  readonly flows: readonly string[];
  readonly version?: DiffCase['version'];
}

/** ovsim's side, as sim/ofproto/trace.ts offers it. */
export type RunTraces = (c: SimCase, traces: readonly string[]) => readonly SimTraceOutcome[];

/** Loads ovsim's runTraces, with a clear error while it does not exist yet. */
export async function loadRunTraces(): Promise<RunTraces> {
  try {
    const mod = (await import('../../sim/ofproto/trace.js')) as { runTraces?: RunTraces };
    if (typeof mod.runTraces !== 'function') throw new Error('sim/ofproto/trace.ts does not export runTraces');
    return mod.runTraces;
  } catch (e) {
    throw new Error(`cannot load ovsim's runTraces from sim/ofproto/trace.ts: ${(e as Error).message}`);
  }
}

export interface TraceMismatch {
  readonly caseIndex: number;
  readonly flows: readonly string[];
  readonly trace: string;
  readonly ovs: TraceSides;
  readonly sim: TraceSides;
  readonly actionsEqual: boolean;
  readonly megaflowEqual: boolean;
}

export interface RejectMismatch {
  readonly caseIndex: number;
  readonly flow: string;
  /** OVS's error when OVS refused it, else null (ovsim refused a flow OVS took). */
  readonly ovsError: string | null;
  /** ovsim's error when ovsim refused it, else null. */
  readonly simError: string | null;
}

export interface Tally {
  traces: number;
  actionsEqual: number;
  megaflowEqual: number;
  flows: number;
  ovsRejected: number;
  rejectMismatches: RejectMismatch[];
  mismatches: TraceMismatch[];
}

export function newTally(): Tally {
  return { traces: 0, actionsEqual: 0, megaflowEqual: 0, flows: 0, ovsRejected: 0, rejectMismatches: [], mismatches: [] };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs one case's OVS results against ovsim and adds the outcome to `tally`. */
export function compareCase(runTraces: RunTraces, r: OvsCaseResult, caseIndex: number, tally: Tally): void {
  const c = r.case;
  const rejectedIdx = new Set(r.rejected.map((x) => x.index));
  const accepted = c.flows.filter((_, i) => !rejectedIdx.has(i));
  tally.flows += c.flows.length;
  tally.ovsRejected += r.rejected.length;
  for (const rej of r.rejected) {
    try {
      runTraces({ ports: c.ports, flows: [rej.flow], version: c.version }, []);
      tally.rejectMismatches.push({ caseIndex, flow: rej.flow, ovsError: rej.error, simError: null });
    } catch {
      // refused by both: as it should be
    }
  }
  let sim: readonly SimTraceOutcome[];
  try {
    sim = runTraces({ ports: c.ports, flows: accepted, version: c.version }, c.traces);
  } catch (e) {
    // ovsim refused the whole table: find the flows it refuses, then count every trace lost.
    for (const f of accepted) {
      try {
        runTraces({ ports: c.ports, flows: [f], version: c.version }, []);
      } catch (e1) {
        tally.rejectMismatches.push({ caseIndex, flow: f, ovsError: null, simError: errorText(e1) });
      }
    }
    const err = errorText(e);
    sim = c.traces.map((trace) => ({ trace, megaflow: null, actions: null, error: `flows refused: ${err}` }));
  }
  r.results.forEach((o, i) => {
    const s = sim[i] ?? { trace: o.trace, megaflow: null, actions: null, error: 'no result from ovsim' };
    const v = compareTrace(o, s);
    tally.traces++;
    if (v.actionsEqual) tally.actionsEqual++;
    if (v.megaflowEqual) tally.megaflowEqual++;
    if (!v.actionsEqual || !v.megaflowEqual) {
      tally.mismatches.push({ caseIndex, flows: accepted, trace: o.trace, ovs: o, sim: s, ...v });
    }
  });
}

export function pct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(2)}%`;
}

export function summary(t: Tally): string {
  return [
    `traces ${t.traces}`,
    `actions equal ${t.actionsEqual} (${pct(t.actionsEqual, t.traces)})`,
    `megaflows equal ${t.megaflowEqual} (${pct(t.megaflowEqual, t.traces)})`,
    `flows ${t.flows}, rejected by OVS ${t.ovsRejected}, rejection mismatches ${t.rejectMismatches.length}`,
  ].join('; ');
}

export function describeMismatch(m: TraceMismatch): string {
  const side = (s: TraceSides): string =>
    s.error !== null ? `    error:    ${s.error}` : `    megaflow: ${s.megaflow ?? '(none)'}\n    actions:  ${s.actions ?? '(none)'}`;
  const what = [!m.actionsEqual ? 'actions' : '', !m.megaflowEqual ? 'megaflow' : ''].filter((x) => x !== '').join('+');
  return [
    `--- case ${m.caseIndex}: ${what} differ`,
    '  flows:',
    ...m.flows.map((f) => `    ${f}`),
    `  trace: ${m.trace}`,
    '  OVS:',
    side(m.ovs),
    '  ovsim:',
    side(m.sim),
  ].join('\n');
}
