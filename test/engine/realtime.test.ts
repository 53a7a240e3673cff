import { describe, expect, it } from 'vitest';
import { RealtimeSimulator } from '../../engine/realtime.js';
import { Simulator } from '../../engine/simulator.js';

/** A fake wall clock: sleeping advances it by exactly the time asked for. */
function fakeWall(start = 1_000_000): { now: () => number; sleep: (ns: number) => Promise<void>; sleeps: number[]; advance: (ns: number) => void } {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ns) => {
      sleeps.push(ns);
      t += ns;
    },
    sleeps,
    advance: (ns) => void (t += ns),
  };
}

describe('RealtimeSimulator', () => {
  it('runs each event when the wall clock reaches its time', async () => {
    const wall = fakeWall();
    const sim = new Simulator();
    const rt = new RealtimeSimulator(sim, { wallNs: wall.now, sleep: wall.sleep });
    const seen: [sim: number, wall: number][] = [];
    for (const t of [0, 500, 2000]) sim.scheduleAt(t, () => seen.push([sim.now(), wall.now()]));
    expect(await rt.run()).toBe(3);
    expect(seen).toEqual([
      [0, 1_000_000],
      [500, 1_000_500],
      [2000, 1_002_000],
    ]);
    expect(wall.sleeps).toEqual([500, 1500]);
    expect(rt.maxLagNs).toBe(0);
  });

  it('scales by speed and stops at `until`, moving the clock there', async () => {
    const wall = fakeWall(0);
    const sim = new Simulator();
    const rt = new RealtimeSimulator(sim, { wallNs: wall.now, sleep: wall.sleep, speed: 10 });
    const seen: number[] = [];
    for (const t of [1000, 5000]) sim.scheduleAt(t, () => seen.push(wall.now()));
    await rt.run({ until: 3000 });
    expect(seen).toEqual([100]);
    expect(sim.now()).toBe(3000);
    expect(wall.now()).toBe(300);
  });

  it('does not sleep for events already due, and records how late they ran', async () => {
    const wall = fakeWall(0);
    const sim = new Simulator();
    const rt = new RealtimeSimulator(sim, { wallNs: wall.now, sleep: wall.sleep });
    sim.scheduleAt(100, () => wall.advance(400)); // a slow handler
    sim.scheduleAt(200, () => undefined);
    await rt.run();
    expect(wall.sleeps).toEqual([100]);
    expect(rt.maxLagNs).toBe(300);
  });

  it('wakes for injected events and stamps them with the current real time', async () => {
    let t = 0;
    const sim = new Simulator();
    let release: (() => void) | undefined;
    // A sleep that never ends by itself: only inject() can wake the run.
    const rt = new RealtimeSimulator(sim, { wallNs: () => t, sleep: () => new Promise((r) => (release = r)) });
    const seen: number[] = [];
    sim.scheduleAt(1_000_000, () => seen.push(sim.now()));
    const done = rt.run({ maxEvents: 2 });
    await Promise.resolve();
    t = 250;
    rt.inject((x: number) => seen.push(x, sim.now()), 7);
    t = 1_000_000;
    release?.();
    expect(await done).toBe(2);
    expect(seen).toEqual([7, 250, 1_000_000]);
  });

  it('stop() ends a waiting run', async () => {
    const sim = new Simulator();
    const rt = new RealtimeSimulator(sim, { wallNs: () => 0, sleep: () => new Promise(() => undefined) });
    sim.scheduleAt(10, () => undefined);
    const done = rt.run();
    await Promise.resolve();
    rt.stop();
    expect(await done).toBe(0);
    expect(sim.pending).toBe(1);
  });

  it('rejects when a handler throws', async () => {
    const wall = fakeWall(0);
    const sim = new Simulator();
    const rt = new RealtimeSimulator(sim, { wallNs: wall.now, sleep: wall.sleep });
    sim.scheduleAt(5, () => {
      throw new Error('handler failed');
    });
    await expect(rt.run()).rejects.toThrow('handler failed');
  });

  it('paces with the default clock too', async () => {
    const sim = new Simulator();
    const rt = new RealtimeSimulator(sim);
    const t0 = performance.now();
    sim.scheduleAt(3_000_000, () => undefined);
    await rt.run();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2.9);
  });
});
