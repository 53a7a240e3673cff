/**
 * Classifier lookups per second, built the way OVS's own benchmark
 * (`ovstest test-classifier benchmark N_RULES N_PRIORITIES N_SUBTABLES N_THREADS N_LOOKUPS`)
 * builds its classifier, so that our figure can stand next to the C one.
 *
 * The shape, learned from OVS 3.1's tests/test-classifier.c: thirteen fields, each with
 * two possible values; N_SUBTABLES distinct random 13-bit wildcard patterns; N_PRIORITIES
 * priorities (multiples of 129, shuffled); each rule takes a random pattern, a random
 * priority and a random 13-bit choice of values, and is skipped when a rule with the same
 * match and priority is already in; prefix tracking on ip_dst and ip_src; lookups pick at
 * random among 8 192 flows built from the same values.
 *
 * One surprise: ovstest's rule builder makes every field exact whatever the pattern (the
 * pattern only decides whether the priority is kept), so all its rules share one mask and
 * the C figures come from a single subtable. Shape `ovstest` repeats that, for a fair
 * ratio; shape `wildcarded` applies the patterns as the arguments intend — a bit set
 * wildcards its field — which gives N_SUBTABLES real subtables and is the harder case.
 *
 * Also as ovstest does: a lookup flow draws its values from a number below 2^12 while
 * thirteen fields each take one bit of it, so the last field (nw_tos) always takes its
 * first value.
 */
import seedrandom from 'seedrandom';
import { fieldByName, type Field } from '../sim/flow/fields.js';
import { fieldAllOnes, newKey, newMask, writeField, type FlowKey, type FlowMask } from '../sim/flow/key.js';
import { ETH_TYPE, IPPROTO, OFPP, FLOW_WORDS } from '../sim/flow/layout.js';
import type { Match } from '../sim/flow/match.js';
import { Classifier } from '../sim/ofproto/classifier.js';
import { bestRate, formatRate, roundRate, type BenchOptions, type Json, type SectionReport } from './measure.js';

/** A random source as ovstest uses one: uniform 32-bit words. */
export interface Rng {
  uint32(): number;
}

export function seededRng(seed: string): Rng {
  const prng = seedrandom(seed);
  return { uint32: () => prng.int32() >>> 0 };
}

/** A uniform integer in [0, n), as OVS's random_range (modulo, bias and all). */
export function randomRange(rng: Rng, n: number): number {
  return rng.uint32() % n;
}

interface BenchField {
  readonly field: Field;
  readonly values: readonly [bigint, bigint];
}

function benchField(name: string, a: bigint, b: bigint): BenchField {
  const field = fieldByName(name);
  if (!field) throw new Error(`bench: no field ${name}`);
  return { field, values: [a, b] };
}

/** The thirteen fields in ovstest's bit order (bit i of a pattern is field i), with their two values. */
export const BENCH_FIELDS: readonly BenchField[] = [
  benchField('tun_id', 0n, 0xfedcba9876543210n),
  benchField('metadata', 0n, 0xfedcba9876543210n),
  benchField('ip_src', 0xc0a80001n, 0xc0a04455n),
  benchField('ip_dst', 0xc0a80002n, 0xc0a04455n),
  benchField('in_port', 1n, BigInt(OFPP.LOCAL)),
  benchField('vlan_tci', 101n, 0n),
  benchField('eth_type', BigInt(ETH_TYPE.IP), BigInt(ETH_TYPE.ARP)),
  benchField('tcp_src', 49362n, 80n),
  benchField('tcp_dst', 6667n, 22n),
  benchField('eth_src', 0x0002e30f80a4n, 0x5e337f5f1e99n),
  benchField('eth_dst', 0x4a2771ae64c1n, 0xffffffffffffn),
  benchField('nw_proto', BigInt(IPPROTO.TCP), BigInt(IPPROTO.ICMP)),
  benchField('nw_tos', 48n, 0n), // a DSCP of 12, written as the ToS byte
];

export const N_BENCH_FIELDS = BENCH_FIELDS.length;
const ALL_FIELDS_BITS = (1 << N_BENCH_FIELDS) - 1;

/** The order in which a lookup flow consumes the bits of its random number (ovstest's). */
const LOOKUP_ORDER: readonly string[] = [
  'ip_src', 'ip_dst', 'tun_id', 'metadata', 'in_port', 'vlan_tci', 'eth_type',
  'tcp_src', 'tcp_dst', 'eth_src', 'eth_dst', 'nw_proto', 'nw_tos',
];
const LOOKUP_FIELDS: readonly BenchField[] = LOOKUP_ORDER.map((n) => BENCH_FIELDS.find((f) => f.field.name === n)!);
/** ovstest's count of distinct flow values: two per field, metadata left out. */
export const N_FLOW_VALUES = 1 << (N_BENCH_FIELDS - 1);

export type ClsBenchShape = 'ovstest' | 'wildcarded';

/** `n` distinct random wildcard patterns over the thirteen fields. */
export function wildcardPatterns(rng: Rng, n: number): number[] {
  if (n > ALL_FIELDS_BITS + 1) throw new RangeError(`at most ${ALL_FIELDS_BITS + 1} subtables`);
  const out: number[] = [];
  while (out.length < n) {
    const p = rng.uint32() & ALL_FIELDS_BITS;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Priorities 0, 129, 258… shuffled. */
export function shuffledPriorities(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => (i * 129) & 0x7fffffff);
  for (let i = 0; i < n - 1; i++) {
    const j = i + randomRange(rng, n - i);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * A rule's match: field i takes value `(valuePat >> i) & 1`. In shape `wildcarded`, field i
 * is left out when bit i of `wcf` is set; in shape `ovstest` every field is matched.
 */
export function ruleMatch(wcf: number, valuePat: number, shape: ClsBenchShape): Match {
  const key = newKey();
  const mask = newMask();
  BENCH_FIELDS.forEach((bf, i) => {
    if (shape === 'wildcarded' && (wcf >>> i) & 1) return;
    writeField(key, bf.field, bf.values[(valuePat >>> i) & 1]!);
    writeField(mask, bf.field, fieldAllOnes(bf.field));
  });
  return { key, mask };
}

/** The lookup flow numbered `x` (0 ≤ x < N_FLOW_VALUES), its values picked bit by bit. */
export function lookupFlow(x: number, into: FlowKey = newKey()): FlowKey {
  into.fill(0);
  for (const bf of LOOKUP_FIELDS) {
    writeField(into, bf.field, bf.values[x & 1]!);
    x >>>= 1;
  }
  return into;
}

export interface ClsBenchParams {
  readonly nRules: number;
  readonly nPriorities: number;
  readonly nSubtables: number;
  readonly shape: ClsBenchShape;
  readonly seed?: string;
}

/** A classifier filled as the benchmark fills it, and the flows to look up. */
export interface ClsBench {
  readonly cls: Classifier<number>;
  /** Lookup flows: views into one buffer, for locality. */
  readonly flows: readonly FlowKey[];
  /** Which flow each lookup takes, used cyclically; its length is a power of two. */
  readonly order: Uint32Array;
  /** Rules actually inserted (duplicates of match and priority are skipped). */
  readonly nRules: number;
}

const ORDER_LEN = 1 << 16;

export function buildClassifierBench(p: ClsBenchParams): ClsBench {
  const rng = seededRng(p.seed ?? 'ovsim-bench-classifier');
  const wcfs = wildcardPatterns(rng, p.nSubtables);
  const priorities = shuffledPriorities(rng, p.nPriorities);
  const cls = new Classifier<number>();

  const nFlows = 2 * N_FLOW_VALUES;
  const buf = new Uint32Array(nFlows * FLOW_WORDS);
  const flows: FlowKey[] = [];
  for (let i = 0; i < nFlows; i++) {
    const key = buf.subarray(i * FLOW_WORDS, (i + 1) * FLOW_WORDS);
    flows.push(lookupFlow(randomRange(rng, N_FLOW_VALUES), key));
  }

  let nRules = 0;
  for (let i = 0; i < p.nRules; i++) {
    const priority = priorities[randomRange(rng, p.nPriorities)]!;
    const wcf = wcfs[randomRange(rng, p.nSubtables)]!;
    const valuePat = rng.uint32() & ALL_FIELDS_BITS;
    const match = ruleMatch(wcf, valuePat, p.shape);
    // ovstest gives a pattern of 0 (nothing wildcarded) priority 0.
    const pri = wcf ? priority : 0;
    if (cls.findExact(match, pri)) continue;
    cls.insert(match, pri, i);
    nRules++;
  }

  const order = new Uint32Array(ORDER_LEN);
  for (let i = 0; i < ORDER_LEN; i++) order[i] = randomRange(rng, nFlows);
  return { cls, flows, order, nRules };
}

/** `n` lookups without wildcard tracking; returns the hits. */
export function lookupsPlain(b: ClsBench, n: number): number {
  const { cls, flows, order } = b;
  const m = order.length - 1;
  let hits = 0;
  for (let i = 0; i < n; i++) if (cls.lookup(flows[order[i & m]!]!) !== null) hits++;
  return hits;
}

/** `n` lookups collecting the megaflow mask in `wc` (cleared before each); returns the hits. */
export function lookupsTracking(b: ClsBench, n: number, wc: FlowMask): number {
  const { cls, flows, order } = b;
  const m = order.length - 1;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    wc.fill(0);
    if (cls.lookup(flows[order[i & m]!]!, wc) !== null) hits++;
  }
  return hits;
}

/** OVS's C classifier on this machine (OVS-FACTS.md): 1 000 rules, 20 subtables, one thread. */
export const C_REFERENCE = { rules: 1000, subtables: 20, plain: 5.9e6, tracking: 1.95e6 } as const;

export const RULE_COUNTS = [100, 1000, 10000] as const;
/** As the example in the commit that added ovstest's benchmark: one priority, so no early stop. */
export const N_PRIORITIES = 1;
export const N_SUBTABLES = 20;

interface Rates {
  readonly plain: number;
  readonly tracking: number;
  readonly hitRate: number;
  readonly nRules: number;
  readonly nSubtables: number;
}

function measureShape(shape: ClsBenchShape, nRules: number, opts: BenchOptions): Rates {
  const b = buildClassifierBench({ nRules, nPriorities: N_PRIORITIES, nSubtables: N_SUBTABLES, shape });
  const m = opts.quick
    ? { ops: 100_000, reps: 2, warmupOps: 20_000 }
    : { ops: 300_000, reps: 8, warmupOps: 200_000 };
  const wc = newMask();
  const plain = bestRate((n) => lookupsPlain(b, n), m);
  const tracking = bestRate((n) => lookupsTracking(b, n, wc), m);
  const hits = lookupsPlain(b, b.order.length);
  return { plain, tracking, hitRate: hits / b.order.length, nRules: b.nRules, nSubtables: b.cls.subtableCount };
}

export function classifierSection(opts: BenchOptions): SectionReport {
  const table: string[][] = [['shape', 'rules', 'subtables', 'hits', 'plain', 'tracking', 'C plain', 'C tracking', 'ratio plain', 'ratio tracking']];
  const figures: Record<string, Record<string, Json>> = { ovstest: {}, wildcarded: {} };
  const inserted: Record<string, Record<string, Json>> = { ovstest: {}, wildcarded: {} };
  for (const shape of ['ovstest', 'wildcarded'] as const) {
    for (const n of RULE_COUNTS) {
      const r = measureShape(shape, n, opts);
      const withC = shape === 'ovstest' && n === C_REFERENCE.rules;
      table.push([
        shape,
        String(r.nRules),
        String(r.nSubtables),
        `${(r.hitRate * 100).toFixed(0)}%`,
        formatRate(r.plain),
        formatRate(r.tracking),
        withC ? formatRate(C_REFERENCE.plain) : '',
        withC ? formatRate(C_REFERENCE.tracking) : '',
        withC ? `${(r.plain / C_REFERENCE.plain).toFixed(2)}x` : '',
        withC ? `${(r.tracking / C_REFERENCE.tracking).toFixed(2)}x` : '',
      ]);
      figures[shape]![String(n)] = { plain: roundRate(r.plain), tracking: roundRate(r.tracking) };
      inserted[shape]![String(n)] = r.nRules;
    }
  }
  return {
    name: 'classifier',
    title: `Classifier lookups (ovstest shape: ${N_PRIORITIES} priority, ${N_SUBTABLES} wildcard patterns, one core)`,
    table,
    notes: [
      'ovstest: every field exact, as OVS 3.1\'s test-classifier builds rules (the C figures are this shape);',
      'wildcarded: the 20 patterns applied, 20 real subtables. Rules counts are after skipping duplicates.',
      `C reference (OVS-FACTS.md): ${C_REFERENCE.rules} rules, ${C_REFERENCE.subtables} subtables, one thread.`,
    ],
    figures: {
      classifier_lookups_per_s: figures.ovstest!,
      classifier_wildcarded_lookups_per_s: figures.wildcarded!,
      classifier_settings: { n_priorities: N_PRIORITIES, n_subtables: N_SUBTABLES, rules_inserted: inserted },
      c_reference: {
        classifier_lookups_per_s: { [String(C_REFERENCE.rules)]: { plain: C_REFERENCE.plain, tracking: C_REFERENCE.tracking } },
      },
    },
  };
}
