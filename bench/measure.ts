/**
 * What every benchmark section shares: how a rate is measured and what a section hands
 * back to bench/main.ts.
 *
 * A rate is the best of a few timed repetitions after a warm-up, so that the JIT has
 * compiled the hot loop and a busy neighbour on the machine (tests running in parallel)
 * costs us one repetition rather than the figure.
 */

/** A JSON value, for the figures line that scripts read. */
export type Json = number | string | boolean | null | readonly Json[] | { readonly [k: string]: Json };

/** What one section reports: a printable table and its figures for the JSON line. */
export interface SectionReport {
  /** Key of the section's figures in the JSON line. */
  readonly name: string;
  readonly title: string;
  /** Header row first. */
  readonly table: readonly (readonly string[])[];
  /** Lines printed under the table (settings, caveats). */
  readonly notes: readonly string[];
  /** Merged into the JSON line at the top level. */
  readonly figures: Readonly<Record<string, Json>>;
}

export interface MeasureOptions {
  /** Operations per timed repetition. */
  readonly ops: number;
  /** Timed repetitions; the best one counts. */
  readonly reps: number;
  /** Operations run untimed first. */
  readonly warmupOps: number;
}

/** Settings a section may scale by: `quick` for a smoke run, full for real figures. */
export interface BenchOptions {
  readonly quick: boolean;
}

/**
 * Runs `body(n)` (which must perform `n` operations) as told and returns the best rate in
 * operations per second.
 */
export function bestRate(body: (n: number) => void, opts: MeasureOptions): number {
  if (opts.warmupOps > 0) body(opts.warmupOps);
  let best = 0;
  for (let r = 0; r < opts.reps; r++) {
    const t0 = process.hrtime.bigint();
    body(opts.ops);
    const ns = Number(process.hrtime.bigint() - t0);
    const rate = ns > 0 ? (opts.ops * 1e9) / ns : Infinity;
    if (rate > best) best = rate;
  }
  return best;
}

/** A rate for people: 1.23 M/s, 456 k/s. */
export function formatRate(perS: number): string {
  if (perS >= 1e6) return `${(perS / 1e6).toFixed(2)} M/s`;
  if (perS >= 1e3) return `${(perS / 1e3).toFixed(1)} k/s`;
  return `${perS.toFixed(0)} /s`;
}

/** Lays a table out in columns, numbers right-aligned. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const numeric = /^[\d.,]+( [kM]?\/s|x|%)?$|^[\d.]+x$/;
  return rows
    .map((row, ri) => {
      const line = row
        .map((c, i) => (ri > 0 && numeric.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
      return ri === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** Rounds a rate for the JSON line (whole operations per second). */
export function roundRate(perS: number): number {
  return Math.round(perS);
}
