import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../engine/event-queue.js';
import { Simulator, type EventHandle } from '../../engine/simulator.js';

/** A small deterministic generator for test data (tests must not depend on the engine's own streams). */
function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * n);
  };
}

/** Drains the queue, returning [time, key] in the order taken out. */
function drain(q: EventQueue): [number, number][] {
  const out: [number, number][] = [];
  while (q.size > 0) {
    const t = q.peekTime();
    expect(q.peekKey()).toBe(q.peekKey());
    out.push([t, q.pop()]);
  }
  expect(q.peekTime()).toBe(Infinity);
  return out;
}

const byTimeThenKey = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

describe('EventQueue', () => {
  it('takes entries out by time, then key', () => {
    const q = new EventQueue();
    const entries: [number, number][] = [
      [30, 0],
      [10, 1],
      [20, 2],
      [20, 3],
      [0, 4],
      [20, 5],
    ];
    for (const [t, k] of entries) q.push(t, k);
    expect(drain(q)).toEqual([...entries].sort(byTimeThenKey));
  });

  it('orders times spanning 2^32-ns blocks up to 2^53', () => {
    const q = new EventQueue();
    const times = [2 ** 53 - 1, 2 ** 32, 2 ** 32 - 1, 2 ** 33 + 5, 7, 2 ** 40, 2 ** 32, 2 ** 52 + 3, 0];
    times.forEach((t, k) => q.push(t, k));
    expect(drain(q)).toEqual(times.map((t, k): [number, number] => [t, k]).sort(byTimeThenKey));
  });

  it('matches a sort under interleaved pushes and pops (monotone times, heavy ties)', () => {
    const rnd = lcg(5);
    const q = new EventQueue();
    const all: [number, number][] = [];
    const out: [number, number][] = [];
    let key = 0;
    let now = 0;
    for (let i = 0; i < 50_000; i++) {
      if (q.size === 0 || rnd(3) > 0) {
        const t = now + (rnd(10) === 0 ? rnd(2 ** 31) * 4 : rnd(50));
        q.push(t, key);
        all.push([t, key++]);
      } else {
        now = q.peekTime();
        out.push([now, q.pop()]);
      }
    }
    out.push(...drain(q));
    expect(out).toEqual([...all].sort(byTimeThenKey));
  });

  it('puts entries before the peeked minimum into the early heap, ahead of the rest', () => {
    const q = new EventQueue();
    q.push(1000, 0);
    q.push(1000, 1);
    expect(q.peekTime()).toBe(1000); // moves the minimum to 1000
    q.push(500, 2);
    q.push(200, 3);
    q.push(500, 4);
    q.push(1000, 5);
    expect(q.peekTime()).toBe(200);
    expect(drain(q)).toEqual([
      [200, 3],
      [500, 2],
      [500, 4],
      [1000, 0],
      [1000, 1],
      [1000, 5],
    ]);
  });

  it('filters and remaps keys in place', () => {
    const q = new EventQueue();
    for (let k = 0; k < 100; k++) q.push(k % 7, k);
    q.peekTime();
    q.pop(); // (0, 0) out
    q.push(0, 200); // joins bucket 0
    q.filter((k) => k % 2 === 0);
    expect(q.size).toBe(50);
    q.mapKeys((k) => k + 1000);
    const got = drain(q);
    const want: [number, number][] = [];
    for (let k = 2; k < 100; k += 2) want.push([k % 7, k + 1000]);
    want.push([0, 1200]);
    expect(got).toEqual(want.sort(byTimeThenKey));
  });
});

describe('Simulator on the radix queue', () => {
  it('accepts events between now and an already peeked next event (run until, then schedule)', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.scheduleAt(1000, () => seen.push('1000'));
    sim.run({ until: 100 }); // peeked 1000, clock at 100
    sim.scheduleAt(500, () => seen.push('500'));
    sim.scheduleAt(100, () => {
      seen.push('100');
      sim.schedule(50, () => seen.push('150'));
    });
    sim.run();
    expect(seen).toEqual(['100', '150', '500', '1000']);
  });

  it('keeps order across seq renumbering', () => {
    const sim = new Simulator({ seqLimit: 64 });
    const rnd = lcg(11);
    const ran: [number, number][] = [];
    let next = 0;
    const tick = (i: number): void => {
      ran.push([sim.now(), i]);
      if (next < 5000) sim.schedule(rnd(4), tick, next++);
    };
    for (let i = 0; i < 40; i++) sim.schedule(rnd(4), tick, next++);
    const handles: EventHandle[] = [];
    for (let i = 0; i < 10; i++) handles.push(sim.schedule(3, () => ran.push([-1, -1])));
    handles.forEach((h) => sim.cancel(h));
    sim.run();
    expect(ran.length).toBe(5000);
    for (let k = 1; k < ran.length; k++) {
      const [ta, a] = ran[k - 1]!;
      const [tb, b] = ran[k]!;
      expect(ta < tb || (ta === tb && a < b)).toBe(true);
    }
  });

  it('handles events far in the future alongside dense near ones', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    for (const t of [2 ** 50, 5, 2 ** 33, 5, 2 ** 33 + 1]) sim.scheduleAt(t, () => seen.push(t));
    sim.run();
    expect(seen).toEqual([5, 5, 2 ** 33, 2 ** 33 + 1, 2 ** 50]);
    expect(sim.now()).toBe(2 ** 50);
  });
});
