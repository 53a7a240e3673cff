import { describe, expect, it } from 'vitest';
import { Simulator, type EventHandle } from '../../engine/simulator.js';
import { formatTime, ms, seconds, us } from '../../engine/time.js';

describe('Simulator ordering', () => {
  it('runs events in time order, ties in schedule order', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.schedule(30, () => seen.push('c30'));
    sim.schedule(10, () => seen.push('a10'));
    sim.schedule(20, () => seen.push('b20-1'));
    sim.schedule(20, () => seen.push('b20-2'));
    sim.scheduleAt(20, () => seen.push('b20-3'));
    sim.schedule(0, () => seen.push('now'));
    expect(sim.run()).toBe(6);
    expect(seen).toEqual(['now', 'a10', 'b20-1', 'b20-2', 'b20-3', 'c30']);
    expect(sim.now()).toBe(30);
    expect(sim.executed).toBe(6);
  });

  it('passes the argument to the handler and sets the clock before calling it', () => {
    const sim = new Simulator();
    const seen: [number, string][] = [];
    const h = (name: string): void => void seen.push([sim.now(), name]);
    sim.schedule(5, h, 'x');
    sim.schedule(7, h, 'y');
    sim.run();
    expect(seen).toEqual([
      [5, 'x'],
      [7, 'y'],
    ]);
  });

  it('runs events scheduled by handlers, zero delay after everything already due now', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.schedule(10, () => {
      seen.push('first');
      sim.schedule(0, () => seen.push('zero-delay'));
    });
    sim.schedule(10, () => seen.push('second'));
    sim.run();
    expect(seen).toEqual(['first', 'second', 'zero-delay']);
  });

  it('agrees with a sort by (time, schedule order) on a large random workload with cancels', () => {
    const sim = new Simulator();
    let x = 987654321;
    const rnd = (n: number): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return Math.floor((x / 2147483648) * n);
    };
    const got: number[] = [];
    const want: [number, number][] = [];
    const handles: EventHandle[] = [];
    const record = (i: number): void => void got.push(i);
    for (let i = 0; i < 30_000; i++) {
      const t = rnd(400);
      handles.push(sim.schedule(t, record, i));
      want.push([t, i]);
    }
    const cancelled = new Set<number>();
    for (let k = 0; k < 20_000; k++) {
      const i = rnd(30_000);
      expect(sim.cancel(handles[i]!)).toBe(!cancelled.has(i));
      cancelled.add(i);
    }
    expect(sim.pending).toBe(30_000 - cancelled.size);
    sim.run();
    const order = want.filter(([, i]) => !cancelled.has(i)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(got).toEqual(order.map(([, i]) => i));
  });

  it('keeps FIFO ties when events are scheduled while running', () => {
    const sim = new Simulator();
    // Arguments rise with every schedule call, so among equal times they must run in rising order.
    const ran: [time: number, arg: number][] = [];
    let next = 0;
    const tick = (i: number): void => {
      ran.push([sim.now(), i]);
      if (next < 2000) sim.scheduleAt(sim.now() + (next % 3), tick, next++);
    };
    for (let i = 0; i < 50; i++) sim.schedule(i % 5, tick, next++);
    sim.run();
    expect(ran.length).toBe(2000);
    for (let k = 1; k < ran.length; k++) {
      const [ta, a] = ran[k - 1]!;
      const [tb, b] = ran[k]!;
      expect(ta < tb || (ta === tb && a < b)).toBe(true);
    }
  });
});

describe('Simulator cancel', () => {
  it('cancels a pending event once; stale handles do nothing', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    const h1 = sim.schedule(10, () => seen.push('one'));
    const h2 = sim.schedule(10, () => seen.push('two'));
    expect(h1).not.toBe(0);
    expect(sim.isPending(h1)).toBe(true);
    expect(sim.cancel(h1)).toBe(true);
    expect(sim.cancel(h1)).toBe(false);
    expect(sim.isPending(h1)).toBe(false);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(seen).toEqual(['two']);
    expect(sim.cancel(h2)).toBe(false);
    // The freed slot is reused; the old handle must not cancel the new event.
    const h3 = sim.schedule(5, () => seen.push('three'));
    expect(sim.cancel(h2)).toBe(false);
    expect(sim.cancel(h1)).toBe(false);
    sim.run();
    expect(seen).toEqual(['two', 'three']);
    expect(sim.isPending(h3)).toBe(false);
  });

  it('lets a handler cancel a later event due at the same time', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    let victim: EventHandle | undefined;
    sim.schedule(10, () => {
      seen.push('killer');
      sim.cancel(victim!);
    });
    victim = sim.schedule(10, () => seen.push('victim'));
    sim.schedule(10, () => seen.push('bystander'));
    sim.run();
    expect(seen).toEqual(['killer', 'bystander']);
  });

  it('peek skips cancelled events; many cancels compact the queue', () => {
    const sim = new Simulator();
    const hs: EventHandle[] = [];
    for (let i = 0; i < 5000; i++) hs.push(sim.schedule(i, () => undefined));
    for (let i = 0; i < 4990; i++) sim.cancel(hs[i]!);
    expect(sim.pending).toBe(10);
    expect(sim.peek()).toBe(4990);
    expect(sim.run()).toBe(10);
    expect(sim.now()).toBe(4999);
  });
});

describe('Simulator run, step, peek, stop', () => {
  it('run({until}) includes events at `until` and then sets the clock to it', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    for (const t of [5, 10, 15]) sim.scheduleAt(t, () => seen.push(t));
    expect(sim.run({ until: 10 })).toBe(2);
    expect(seen).toEqual([5, 10]);
    expect(sim.now()).toBe(10);
    expect(sim.run({ until: 12 })).toBe(0);
    expect(sim.now()).toBe(12);
    expect(sim.peek()).toBe(15);
    sim.run({ until: 100 });
    expect(seen).toEqual([5, 10, 15]);
    expect(sim.now()).toBe(100);
  });

  it('run({maxEvents}) stops after that many events without moving the clock further', () => {
    const sim = new Simulator();
    for (let t = 1; t <= 10; t++) sim.scheduleAt(t, () => undefined);
    expect(sim.run({ maxEvents: 3, until: 50 })).toBe(3);
    expect(sim.now()).toBe(3);
    expect(sim.pending).toBe(7);
  });

  it('step runs one event and peek shows the next time', () => {
    const sim = new Simulator();
    expect(sim.peek()).toBe(Infinity);
    expect(sim.step()).toBe(false);
    sim.schedule(3, () => undefined);
    sim.schedule(8, () => undefined);
    expect(sim.peek()).toBe(3);
    expect(sim.step()).toBe(true);
    expect(sim.now()).toBe(3);
    expect(sim.peek()).toBe(8);
  });

  it('stop() ends the run after the current event; run resumes where it stopped', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    for (let t = 1; t <= 5; t++)
      sim.scheduleAt(t, () => {
        seen.push(t);
        if (t === 2) sim.stop();
      });
    expect(sim.run({ until: 100 })).toBe(2);
    expect(sim.now()).toBe(2);
    sim.run();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('an exception in a handler stops the run and propagates; the simulator stays usable', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    sim.scheduleAt(1, () => seen.push(1));
    sim.scheduleAt(2, () => {
      throw new Error('boom');
    });
    sim.scheduleAt(3, () => seen.push(3));
    expect(() => sim.run()).toThrow('boom');
    expect(sim.now()).toBe(2);
    expect(seen).toEqual([1]);
    sim.run();
    expect(seen).toEqual([1, 3]);
  });

  it('refuses run/step from inside a handler', () => {
    const sim = new Simulator();
    sim.schedule(1, () => sim.run());
    expect(() => sim.run()).toThrow(/inside an event handler/);
  });

  it('rejects bad times with a message naming the value', () => {
    const sim = new Simulator();
    expect(() => sim.schedule(-1, () => undefined)).toThrow(/event delay .* got -1/);
    expect(() => sim.schedule(1.5, () => undefined)).toThrow(/got 1.5/);
    expect(() => sim.schedule(NaN, () => undefined)).toThrow(/got NaN/);
    sim.run({ until: 10 });
    expect(() => sim.scheduleAt(5, () => undefined)).toThrow(/5 ns is before the current time 10 ns/);
    expect(() => sim.run({ until: 3 })).toThrow(/before the current time/);
  });

  it('grows past its initial capacity', () => {
    const sim = new Simulator();
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sim.schedule(10_000 - i, (v: number) => void (sum += v), i);
    sim.run();
    expect(sum).toBe((9999 * 10_000) / 2);
    expect(sim.now()).toBe(10_000);
  });
});

describe('time helpers', () => {
  it('converts and formats', () => {
    expect(us(1.5)).toBe(1500);
    expect(ms(2)).toBe(2_000_000);
    expect(seconds(0.1)).toBe(100_000_000);
    expect(formatTime(1_500_000_001)).toBe('1.500000001s');
  });
});
