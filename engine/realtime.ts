/**
 * Real-time pacing for live mode: the same Simulator, with each event held back until a
 * wall clock reaches its time. It is a wrapper, not a second kernel (as SimPy's rt.py is
 * a small subclass): the queue, ordering and handlers are exactly those of simulation.
 *
 * Simulated time t is due at wall time wall₀ + (t − sim₀) / speed, where (wall₀, sim₀)
 * is taken when `run` starts; pausing between runs therefore does not cause a burst of
 * catch-up events. Events from outside (a frame captured on a NIC) enter through
 * `inject`, which stamps them with the current real time and wakes a sleeping run.
 * The wall clock and the sleep are injected, so tests drive this with a fake clock;
 * only the defaults touch `performance.now()` and timers.
 */
import type { Handler, EventHandle, RunOptions, Simulator } from './simulator.js';
import { checkTimeNs } from './time.js';

export interface RealtimeOptions {
  /** Wall-clock time in ns. Default: `performance.now()` scaled to ns. */
  readonly wallNs?: () => number;
  /** Waits about `ns` of wall time. Default: a timer, or one event-loop turn for short waits. */
  readonly sleep?: (ns: number) => Promise<void>;
  /** Simulated ns per wall-clock ns: 1 is real time, 10 runs ten times faster. Default 1. */
  readonly speed?: number;
}

export class RealtimeSimulator {
  readonly sim: Simulator;
  readonly #wallNs: () => number;
  readonly #sleep: (ns: number) => Promise<void>;
  readonly #speed: number;
  #wall0 = 0;
  #sim0 = 0;
  #running = false;
  #stopRequested = false;
  #wake: (() => void) | undefined;
  #maxLagNs = 0;

  constructor(sim: Simulator, opts: RealtimeOptions = {}) {
    this.sim = sim;
    this.#wallNs = opts.wallNs ?? (() => Math.round(performance.now() * 1e6));
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#speed = opts.speed ?? 1;
    if (!(this.#speed > 0) || !Number.isFinite(this.#speed)) throw new RangeError(`speed must be a positive number, got ${this.#speed}`);
  }

  /** The latest an event has run after its wall-clock due time, in wall ns (how far we fell behind). */
  get maxLagNs(): number {
    return this.#maxLagNs;
  }

  /** The simulated time the wall clock stands at (never before the simulator's clock). */
  simTimeNow(): number {
    const t = this.#sim0 + Math.floor((this.#wallNs() - this.#wall0) * this.#speed);
    return Math.max(t, this.sim.now());
  }

  /** Schedules `handler(arg)` at the current real time, e.g. for a frame captured on a NIC. */
  inject<A>(handler: Handler<A>, arg: A): EventHandle {
    const h = this.sim.scheduleAt(this.simTimeNow(), handler, arg);
    this.#wake?.();
    return h;
  }

  /**
   * Runs events as the wall clock reaches them, until the queue is empty (with no
   * `until`), `until` is reached, `maxEvents` have run, or `stop()`. Resolves to the
   * number of events run. A handler's exception rejects the promise. Live mode passes
   * an `until` (or `MAX_TIME_NS` and `stop()`), so that an idle run keeps waiting for
   * injected events instead of returning.
   */
  async run(opts: RunOptions = {}): Promise<number> {
    const until = opts.until ?? Infinity;
    const maxEvents = opts.maxEvents ?? Infinity;
    if (until !== Infinity) checkTimeNs(until, 'run until');
    if (this.#running) throw new Error('RealtimeSimulator.run is already running');
    this.#running = true;
    this.#stopRequested = false;
    this.#wall0 = this.#wallNs();
    this.#sim0 = this.sim.now();
    let n = 0;
    try {
      while (n < maxEvents && !this.#stopRequested) {
        const next = this.sim.peek();
        const target = Math.min(next, until);
        if (target === Infinity) break;
        const due = this.#wall0 + (target - this.#sim0) / this.#speed;
        const wall = this.#wallNs();
        if (wall < due) {
          await this.#wait(due - wall);
          continue; // something may have been injected meanwhile
        }
        if (next > until) {
          this.sim.run({ until });
          break;
        }
        this.#maxLagNs = Math.max(this.#maxLagNs, wall - due);
        this.sim.step();
        n++;
      }
    } finally {
      this.#running = false;
    }
    return n;
  }

  /**
   * Ends `run` before its next event (also wakes it if it is waiting). Handlers stop a
   * real-time run with this; `Simulator.stop` only ends a `Simulator.run`.
   */
  stop(): void {
    this.#stopRequested = true;
    this.#wake?.();
  }

  /** Sleeps until `ns` of wall time pass or `inject`/`stop` wakes us. */
  async #wait(ns: number): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.#wake = resolve));
    try {
      await Promise.race([this.#sleep(ns), woken]);
    } finally {
      this.#wake = undefined;
    }
  }
}

function defaultSleep(ns: number): Promise<void> {
  // Timers are only good to about a millisecond; below that, yield one loop turn and recheck.
  // An idle live run waits "forever": cap the timer (Node's limit is 2^31 - 1 ms) and loop.
  if (ns >= 2e6) return new Promise((resolve) => setTimeout(resolve, Math.min(Math.floor(ns / 1e6) - 1, 1000)));
  return new Promise((resolve) => setImmediate(resolve));
}
