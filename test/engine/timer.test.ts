import { describe, expect, it } from 'vitest';
import { Simulator } from '../../engine/simulator.js';
import { PeriodicTimer, Timer } from '../../engine/timer.js';

describe('Timer', () => {
  it('fires once after the delay', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const t = new Timer(sim, () => fired.push(sim.now()));
    t.start(100);
    expect(t.running).toBe(true);
    expect(t.expiresAt).toBe(100);
    sim.run();
    expect(fired).toEqual([100]);
    expect(t.running).toBe(false);
    expect(t.expiresAt).toBe(-1);
  });

  it('re-arming moves the deadline (an idle timer reset by traffic)', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const idle = new Timer(sim, () => fired.push(sim.now()));
    idle.start(100);
    for (const at of [50, 120, 180]) sim.scheduleAt(at, () => idle.start(100));
    sim.run();
    expect(fired).toEqual([280]);
  });

  it('cancel disarms; the handler may re-arm its own timer', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const t = new Timer(sim, () => fired.push(sim.now()));
    t.start(10);
    expect(t.cancel()).toBe(true);
    expect(t.cancel()).toBe(false);
    sim.run();
    expect(fired).toEqual([]);
    let n = 0;
    const again: Timer = new Timer(sim, () => {
      fired.push(sim.now());
      if (++n < 3) again.start(5);
    });
    again.start(5);
    sim.run();
    expect(fired).toEqual([sim.now() - 10, sim.now() - 5, sim.now()]);
  });
});

describe('PeriodicTimer', () => {
  it('ticks every period from the phase, without drift, until stopped', () => {
    const sim = new Simulator();
    const ticks: [number, number][] = [];
    const p = new PeriodicTimer(sim, 1000, (n) => {
      ticks.push([n, sim.now()]);
      if (n === 3) p.stop();
    });
    sim.run({ until: 250 });
    p.start(50);
    sim.run();
    expect(ticks).toEqual([
      [0, 300],
      [1, 1300],
      [2, 2300],
      [3, 3300],
    ]);
    expect(p.running).toBe(false);
  });

  it('defaults the phase to one period and restarts cleanly', () => {
    const sim = new Simulator();
    const ticks: number[] = [];
    const p = new PeriodicTimer(sim, 10, () => ticks.push(sim.now()));
    p.start();
    sim.run({ until: 25 });
    p.start(); // restart at 25: next ticks 35, 45
    sim.run({ until: 45 });
    p.stop();
    sim.run();
    expect(ticks).toEqual([10, 20, 35, 45]);
  });

  it('rejects a zero period', () => {
    expect(() => new PeriodicTimer(new Simulator(), 0, () => undefined)).toThrow(/at least 1 ns/);
  });
});
