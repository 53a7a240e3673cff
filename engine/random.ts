/**
 * Seeded random streams, one per component.
 *
 * A component asks `streams.stream('s1/upcall')` for its own generator instead of sharing
 * one: adding a random draw in one component then leaves every other component's
 * sequence untouched, so experiments stay comparable across code changes. Each stream is
 * seeded from the text `${masterSeed}/${name}`, which seedrandom hashes into its state;
 * the same master seed and name always give the same sequence.
 *
 * The generator is seedrandom's Alea: several times faster than its default ARC4, with
 * 53-bit doubles from `double()`, and good enough for simulation (not for cryptography).
 */
import seedrandom from 'seedrandom';

/** One point of a cumulative distribution: P(X ≤ value) = probability. */
export type CdfPoint = readonly [value: number, cumulativeProbability: number];

/** Hands out independent, reproducible streams derived from one master seed. */
export class RandomStreams {
  readonly #seed: string;

  constructor(seed: number | string) {
    this.#seed = String(seed);
  }

  /**
   * A fresh stream for `name`. Asking twice for one name gives two generators with the
   * same sequence, so give each component its own name (e.g. `link:s1-eth1:loss`).
   */
  stream(name: string): RandomStream {
    return new RandomStream(`${this.#seed}/${name}`);
  }
}

/** A seeded generator with the draws a network simulation needs. */
export class RandomStream {
  readonly #prng: seedrandom.PRNG;

  constructor(seed: string) {
    this.#prng = seedrandom.alea(seed);
  }

  /** A double in [0, 1). */
  uniform(): number {
    return this.#prng.double();
  }

  /** An integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`int(lo, hi) needs integers with lo ≤ hi, got ${lo}, ${hi}`);
    }
    return lo + Math.floor(this.#prng.double() * (hi - lo + 1));
  }

  /** An exponentially distributed double with the given mean (e.g. an inter-arrival time). */
  exponential(mean: number): number {
    if (!(mean > 0) || !Number.isFinite(mean)) throw new RangeError(`exponential mean must be positive, got ${mean}`);
    // 1 - u lies in (0, 1], so the logarithm is finite.
    return -mean * Math.log(1 - this.#prng.double());
  }

  /** An element of `items`, each equally likely. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[Math.floor(this.#prng.double() * items.length)]!;
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli probability must be in [0, 1], got ${p}`);
    return this.#prng.double() < p;
  }

  /** A sampler drawing from an empirical distribution through this stream. */
  fromCdf(points: readonly CdfPoint[]): () => number {
    const cdf = new EmpiricalCdf(points);
    return () => cdf.quantile(this.#prng.double());
  }
}

/**
 * A distribution given as points of its CDF, linearly interpolated between them — the
 * form in which the DCTCP web-search and pFabric data-mining flow sizes are published.
 * Points must rise in both value and probability and end at probability 1; a first point
 * with probability above 0 is an atom (that value is drawn with that probability).
 */
export class EmpiricalCdf {
  readonly #values: Float64Array;
  readonly #probs: Float64Array;

  constructor(points: readonly CdfPoint[]) {
    if (points.length === 0) throw new RangeError('empirical CDF needs at least one point');
    points.forEach(([v, p], i) => {
      const where = `CDF point ${i} [${v}, ${p}]`;
      if (!Number.isFinite(v) || !(p >= 0 && p <= 1)) throw new RangeError(`${where}: value must be finite, probability in [0, 1]`);
      if (i > 0) {
        const [pv, pp] = points[i - 1]!;
        if (v < pv || p < pp) throw new RangeError(`${where}: value and probability must not decrease (previous [${pv}, ${pp}])`);
      }
    });
    const lastP = points[points.length - 1]![1];
    if (lastP !== 1) throw new RangeError(`empirical CDF must end at probability 1, ends at ${lastP}`);
    this.#values = Float64Array.from(points, (pt) => pt[0]);
    this.#probs = Float64Array.from(points, (pt) => pt[1]);
  }

  /** The value below which a fraction `u` ∈ [0, 1] of the distribution lies. */
  quantile(u: number): number {
    const probs = this.#probs;
    const values = this.#values;
    // First point whose cumulative probability reaches u.
    let lo = 0;
    let hi = probs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (probs[mid]! >= u) hi = mid;
      else lo = mid + 1;
    }
    if (lo === 0) return values[0]!;
    const p0 = probs[lo - 1]!;
    const p1 = probs[lo]!;
    const v0 = values[lo - 1]!;
    return v0 + ((values[lo]! - v0) * (u - p0)) / (p1 - p0);
  }

  /** The distribution's mean (for sizing offered load: rate = load × capacity / mean). */
  mean(): number {
    const probs = this.#probs;
    const values = this.#values;
    let m = values[0]! * probs[0]!;
    for (let i = 1; i < probs.length; i++) m += ((values[i - 1]! + values[i]!) / 2) * (probs[i]! - probs[i - 1]!);
    return m;
  }
}
