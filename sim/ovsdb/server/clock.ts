/**
 * Time for the server: transactions that wait (a `wait` op with a timeout) and inactivity
 * probes need "now" and a one-shot timer. In live mode that is the wall clock; inside a
 * simulation it is the engine's, so a simulated vswitchd sees the same timeouts in virtual
 * time.
 */
import type { Simulator } from '../../../engine/simulator.js';
import { NS_PER_MS } from '../../../engine/time.js';

export interface ServerClock {
  /** Milliseconds on a monotonic clock. */
  nowMs(): number;
  /** Calls `fn` once after `delayMs`; the returned function cancels it. */
  setTimer(delayMs: number, fn: () => void): () => void;
  /** Calls `fn` soon, after the current call stack, at the same time. */
  defer(fn: () => void): void;
}

/** The process's monotonic clock; timers do not keep the process alive. */
export const wallClock: ServerClock = {
  nowMs: () => performance.now(),
  setTimer(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return () => clearTimeout(t);
  },
  defer: (fn) => queueMicrotask(fn),
};

function runThunk(fn: () => void): void {
  fn();
}

/** The engine's virtual clock. */
export function simulatorClock(sim: Simulator): ServerClock {
  return {
    nowMs: () => sim.now() / NS_PER_MS,
    setTimer(delayMs, fn) {
      const h = sim.schedule(Math.max(0, Math.round(delayMs * NS_PER_MS)), runThunk, fn);
      return () => void sim.cancel(h);
    },
    // An event at the current instant: ordered by the engine, unlike a microtask, which
    // would wait until a synchronous run() returns.
    defer: (fn) => void sim.schedule(0, runThunk, fn),
  };
}
