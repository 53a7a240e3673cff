/**
 * The draws hosts and traffic generators take from a seeded stream. engine/random.ts's
 * `RandomStream` has them all; naming only what we use keeps this folder testable with
 * any generator and independent of how streams are made.
 */
export interface Rng {
  /** A double in [0, 1). */
  uniform(): number;
  /** An integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number;
  /** An exponentially distributed double with the given mean. */
  exponential(mean: number): number;
}
