import { describe, expect, it } from 'vitest';
import { Ring } from '../../engine/ring.js';

describe('Ring', () => {
  it('is first-in first-out across wrap-around and growth', () => {
    const r = new Ring<number>();
    const out: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps, then grow well past the initial 16.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3 + (round % 7); i++) r.push(next++);
      for (let i = 0; i < 2; i++) out.push(r.shift()!);
    }
    expect(r.peek()).toBe(out.length);
    while (r.length > 0) out.push(r.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(r.shift()).toBeUndefined();
    expect(r.peek()).toBeUndefined();
  });
});
