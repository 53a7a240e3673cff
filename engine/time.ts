/**
 * Simulated time: an integer count of nanoseconds held in a plain JS `number`.
 *
 * A double holds every integer up to 2^53 exactly, so nanosecond timestamps stay exact
 * for 2^53 ns ≈ 104 days of simulated time — far beyond any scenario we run — and cost
 * nothing to compare or add (a bigint would allocate on every operation). Times must be
 * whole numbers: fractional nanoseconds would make sums depend on the order they were
 * added in, and so break byte-identical replays. Round once, where a delay is computed.
 */

/** Anything that can say what time it is, in nanoseconds. Components take this, never `Date`. */
export interface Clock {
  now(): number;
}

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** The last representable instant (≈ 104 days), for "never". */
export const MAX_TIME_NS = Number.MAX_SAFE_INTEGER;

/** Microseconds, milliseconds and seconds to whole nanoseconds (rounded to nearest). */
export function us(n: number): number {
  return Math.round(n * NS_PER_US);
}
export function ms(n: number): number {
  return Math.round(n * NS_PER_MS);
}
export function seconds(n: number): number {
  return Math.round(n * NS_PER_S);
}

/** True for a time or delay the engine accepts: a whole, non-negative, exact number of ns. */
export function isTimeNs(t: number): boolean {
  return Number.isSafeInteger(t) && t >= 0;
}

/** Throws a RangeError naming `what` unless `t` is a valid time in nanoseconds. */
export function checkTimeNs(t: number, what: string): void {
  if (!isTimeNs(t)) {
    throw new RangeError(`${what} must be a whole, non-negative number of nanoseconds below 2^53, got ${String(t)}`);
  }
}

/** A time for people: "1.500000000s", seconds with all nine decimals so nothing is hidden. */
export function formatTime(t: number): string {
  const s = Math.floor(t / NS_PER_S);
  const frac = t - s * NS_PER_S;
  return `${s}.${String(frac).padStart(9, '0')}s`;
}
