import { describe, expect, it } from 'vitest';
import { EmpiricalCdf, RandomStreams } from '../../engine/random.js';

const draw = (seed: number, name: string, n = 5): number[] => {
  const s = new RandomStreams(seed).stream(name);
  return Array.from({ length: n }, () => s.uniform());
};

describe('RandomStreams', () => {
  it('gives the same sequence for the same seed and name, different ones otherwise', () => {
    expect(draw(42, 'link:s1-h1')).toEqual(draw(42, 'link:s1-h1'));
    expect(draw(42, 'link:s1-h1')).not.toEqual(draw(42, 'link:s1-h2'));
    expect(draw(42, 'link:s1-h1')).not.toEqual(draw(43, 'link:s1-h1'));
  });

  it('keeps streams independent: draws on one do not shift another', () => {
    const streams = new RandomStreams(7);
    const a = streams.stream('a');
    const b = streams.stream('b');
    for (let i = 0; i < 100; i++) a.uniform();
    expect(b.uniform()).toBe(draw(7, 'b', 1)[0]);
  });

  it('draws in the documented ranges', () => {
    const s = new RandomStreams(1).stream('ranges');
    const ints = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const u = s.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const k = s.int(3, 6);
      expect(Number.isInteger(k) && k >= 3 && k <= 6).toBe(true);
      ints.add(k);
      expect(['x', 'y']).toContain(s.pick(['x', 'y']));
      expect(s.exponential(5)).toBeGreaterThanOrEqual(0);
    }
    expect([...ints].sort()).toEqual([3, 4, 5, 6]);
    expect(s.bernoulli(0)).toBe(false);
    expect(s.bernoulli(1)).toBe(true);
  });

  it('has roughly the right means', () => {
    const s = new RandomStreams(2).stream('means');
    const n = 200_000;
    let e = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      e += s.exponential(100);
      if (s.bernoulli(0.3)) b++;
    }
    expect(Math.abs(e / n - 100)).toBeLessThan(1);
    expect(b / n).toBeCloseTo(0.3, 2);
  });

  it('rejects bad parameters naming them', () => {
    const s = new RandomStreams(1).stream('bad');
    expect(() => s.int(5, 2)).toThrow(/got 5, 2/);
    expect(() => s.exponential(0)).toThrow(/got 0/);
    expect(() => s.bernoulli(1.5)).toThrow(/got 1.5/);
    expect(() => s.pick([])).toThrow(/empty/);
  });
});

describe('EmpiricalCdf', () => {
  // Shaped like the published web-search flow-size CDF (sizes in packets).
  const points = [
    [6, 0],
    [6, 0.15],
    [13, 0.2],
    [19, 0.3],
    [33, 0.4],
    [53, 0.53],
    [133, 0.6],
    [667, 0.7],
    [1333, 0.8],
    [3333, 0.9],
    [6667, 0.97],
    [20000, 1],
  ] as const;

  it('interpolates linearly between points and honours atoms', () => {
    const cdf = new EmpiricalCdf(points);
    expect(cdf.quantile(0)).toBe(6);
    expect(cdf.quantile(0.1)).toBe(6); // inside the atom at 6
    expect(cdf.quantile(0.15)).toBe(6);
    expect(cdf.quantile(0.175)).toBeCloseTo(9.5, 10);
    expect(cdf.quantile(0.25)).toBeCloseTo(16, 10);
    expect(cdf.quantile(1)).toBe(20000);
  });

  it('computes the mean of the piecewise-linear distribution', () => {
    expect(new EmpiricalCdf([[0, 0], [10, 1]]).mean()).toBe(5);
    expect(new EmpiricalCdf([[4, 0.5], [8, 1]]).mean()).toBe(2 + 3);
  });

  it('samples through a stream with the right mean', () => {
    const sample = new RandomStreams(3).stream('flows').fromCdf(points);
    const cdf = new EmpiricalCdf(points);
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) sum += sample();
    expect(Math.abs(sum / n - cdf.mean()) / cdf.mean()).toBeLessThan(0.02);
  });

  it('rejects malformed CDFs naming the offending point', () => {
    expect(() => new EmpiricalCdf([])).toThrow(/at least one point/);
    expect(() => new EmpiricalCdf([[1, 0.5], [2, 0.9]])).toThrow(/end at probability 1, ends at 0.9/);
    expect(() => new EmpiricalCdf([[1, 0.5], [0, 1]])).toThrow(/CDF point 1 \[0, 1\].*previous \[1, 0.5\]/);
    expect(() => new EmpiricalCdf([[1, 1.5]])).toThrow(/CDF point 0 \[1, 1.5\]/);
  });
});
