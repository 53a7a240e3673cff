/**
 * Differential tests: ovsim's ofproto/trace against real Open vSwitch 3.1, run here in a
 * private userspace sandbox (test/support/ovs-sandbox.ts). Without OVS these tests fail,
 * never skip: run scripts/setup.sh.
 *
 * (a) Hand-written cases, one small table per match field and per action: every trace must
 *     agree exactly (megaflow text and canonical datapath actions), except the entries of
 *     known-differences.json: a list of {"trace": exact trace string, or "pattern": a
 *     regular expression tested against "<case name> <trace>", optional "case": the case
 *     name, and "reason": why ovsim differs}.
 * (b) Random cases from fixed seeds (1000 and up; seeds 1-999 are for tuning with
 *     explore.ts): actions must agree on at least 99 % of the traces, megaflows on 97 %.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OvsSandbox } from '../support/ovs-sandbox.js';
import { generateCases } from './generate.js';
import { ACTION_CASES, FIELD_CASES, REJECTED_FLOWS, type HandCase } from './hand-cases.js';
import {
  compareCase,
  describeMismatch,
  loadRunTraces,
  newTally,
  pct,
  runOvsCase,
  summary,
  type RunTraces,
  type Tally,
  type TraceMismatch,
} from './run.js';

const RANDOM_SEEDS = [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009];
const CASES_PER_SEED = 30;
const TRACES_PER_CASE = 10;
const MIN_ACTIONS_EQUAL = 0.99;
const MIN_MEGAFLOWS_EQUAL = 0.97;
const MIN_REJECTIONS_AGREE = 0.99;

interface KnownDifference {
  readonly case?: string;
  readonly trace?: string;
  readonly pattern?: string;
  readonly reason: string;
}

function loadKnownDifferences(): KnownDifference[] {
  const path = new URL('./known-differences.json', import.meta.url);
  const list = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error('known-differences.json: expected a list');
  return list.map((e: unknown, i: number) => {
    const k = e as KnownDifference;
    if (typeof k.reason !== 'string' || (typeof k.trace !== 'string' && typeof k.pattern !== 'string')) {
      throw new Error(`known-differences.json entry ${i}: needs "reason" and "trace" or "pattern"`);
    }
    return k;
  });
}

function isKnown(known: readonly KnownDifference[], caseName: string, trace: string): boolean {
  return known.some(
    (k) =>
      (k.case === undefined || k.case === caseName) &&
      (k.trace !== undefined ? k.trace === trace : new RegExp(k.pattern ?? '').test(`${caseName} ${trace}`)),
  );
}

const known = loadKnownDifferences();

// Set up lazily inside each test rather than in beforeAll: vitest reports the tests of a
// failed beforeAll as skipped, and without OVS or ovsim every test here must fail.
interface Env {
  readonly sb: OvsSandbox;
  readonly runTraces: RunTraces;
}
let envPromise: Promise<Env> | undefined;
function env(): Promise<Env> {
  envPromise ??= (async () => {
    const runTraces = await loadRunTraces();
    const sb = await OvsSandbox.start();
    return { sb, runTraces };
  })();
  return envPromise;
}

afterAll(async () => {
  const e = await envPromise?.catch(() => undefined);
  await e?.sb.stop();
});

async function checkHandCase(hc: HandCase): Promise<void> {
  const { sb, runTraces } = await env();
  const ovs = await runOvsCase(sb, hc);
  // The hand-written flows are meant to be valid: a rejection is a bug in this file.
  expect(ovs.rejected, 'OVS rejected a hand-written flow').toEqual([]);
  expect(ovs.results.filter((r) => r.error !== null), 'OVS refused a hand-written trace').toEqual([]);
  const tally = newTally();
  compareCase(runTraces, ovs, 0, tally);
  expect(tally.rejectMismatches, 'ovsim refused flows that OVS accepted').toEqual([]);
  const unexplained = tally.mismatches.filter((m: TraceMismatch) => !isKnown(known, hc.name, m.trace));
  if (unexplained.length > 0) {
    // Thrown as a message (not a diff) so that the whole report shows, untruncated.
    expect.fail(`${unexplained.length} of ${ovs.results.length} traces differ from OVS:\n${unexplained.map(describeMismatch).join('\n')}`);
  }
}

describe('differential: every match field', () => {
  it.each(FIELD_CASES.map((c) => [c.name, c] as const))('%s', async (_name, hc) => {
    await checkHandCase(hc);
  });
});

describe('differential: every action', () => {
  it.each(ACTION_CASES.map((c) => [c.name, c] as const))('%s', async (_name, hc) => {
    await checkHandCase(hc);
  });
});

describe('differential: flows OVS refuses', () => {
  it('ovsim refuses them too', async () => {
    const { sb, runTraces } = await env();
    const hc: HandCase = { name: 'rejections', ports: [1, 2, 3], version: 'OpenFlow15', flows: ['priority=1,actions=2', ...REJECTED_FLOWS], traces: ['in_port=1'] };
    const ovs = await runOvsCase(sb, hc);
    // Self-check: each listed flow is one OVS refuses.
    expect(ovs.rejected.map((r) => r.flow)).toEqual([...REJECTED_FLOWS]);
    const tally = newTally();
    compareCase(runTraces, ovs, 0, tally);
    const accepted = tally.rejectMismatches.map((m) => `${m.flow}\n    OVS: ${m.ovsError ?? 'accepted'}\n    ovsim: ${m.simError ?? 'accepted'}`);
    if (accepted.length > 0) expect.fail(`ovsim and OVS disagree on ${accepted.length} flows:\n${accepted.join('\n')}`);
    expect(tally.mismatches.map(describeMismatch)).toEqual([]);
  });
});

describe('differential: random cases', () => {
  it(`seeds ${RANDOM_SEEDS[0]}-${RANDOM_SEEDS[RANDOM_SEEDS.length - 1]}`, async () => {
    const { sb, runTraces } = await env();
    const tally: Tally = newTally();
    let caseIndex = 0;
    for (const seed of RANDOM_SEEDS) {
      for (const c of generateCases(seed, CASES_PER_SEED, { traces: TRACES_PER_CASE })) {
        const ovs = await runOvsCase(sb, c);
        compareCase(runTraces, ovs, caseIndex++, tally);
      }
    }
    console.log(`differential random run: ${summary(tally)}`);
    for (const m of tally.mismatches.slice(0, 10)) console.log(describeMismatch(m));
    for (const m of tally.rejectMismatches.slice(0, 10)) {
      console.log(`rejection mismatch in case ${m.caseIndex}: ${m.flow}\n  OVS: ${m.ovsError ?? 'accepted'}\n  ovsim: ${m.simError ?? 'accepted'}`);
    }
    expect(tally.traces).toBeGreaterThanOrEqual(3000);
    const agreeFlows = tally.flows - tally.rejectMismatches.length;
    expect(agreeFlows / tally.flows, `flows accepted/refused alike: ${pct(agreeFlows, tally.flows)}`).toBeGreaterThanOrEqual(MIN_REJECTIONS_AGREE);
    expect(tally.actionsEqual / tally.traces, `actions equal: ${pct(tally.actionsEqual, tally.traces)}`).toBeGreaterThanOrEqual(MIN_ACTIONS_EQUAL);
    expect(tally.megaflowEqual / tally.traces, `megaflows equal: ${pct(tally.megaflowEqual, tally.traces)}`).toBeGreaterThanOrEqual(MIN_MEGAFLOWS_EQUAL);
  }, 300_000);
});
