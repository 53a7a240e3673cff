/**
 * Timers on top of `schedule`/`cancel`, for the timeouts protocols are full of
 * (retransmission, idle expiry, revalidation rounds, LACP and BFD hellos).
 *
 * A Timer holds at most one pending expiry: starting it again moves the deadline, which is
 * what "reset the idle timer on every packet" needs. A PeriodicTimer fires every period
 * until stopped; its ticks are computed from the start time, so they do not drift.
 */
import type { EventHandle, Simulator } from './simulator.js';
import { checkTimeNs } from './time.js';

/** A one-shot timer: `start(delay)` arms it (re-arming moves the deadline), `cancel()` disarms. */
export class Timer {
  readonly #sim: Simulator;
  readonly #onExpire: () => void;
  #handle: EventHandle | 0 = 0;
  #expiresAt = -1;

  constructor(sim: Simulator, onExpire: () => void) {
    this.#sim = sim;
    this.#onExpire = onExpire;
  }

  /** True while armed. */
  get running(): boolean {
    return this.#handle !== 0;
  }

  /** Time of the pending expiry, or -1 when not running. */
  get expiresAt(): number {
    return this.#expiresAt;
  }

  /** Arms the timer to fire `delayNs` from now, replacing any pending expiry. */
  start(delayNs: number): void {
    this.cancel();
    this.#handle = this.#sim.schedule(delayNs, Timer.#fire, this);
    this.#expiresAt = this.#sim.now() + delayNs;
  }

  /** Disarms the timer. Returns false if it was not running. */
  cancel(): boolean {
    if (this.#handle === 0) return false;
    this.#sim.cancel(this.#handle);
    this.#handle = 0;
    this.#expiresAt = -1;
    return true;
  }

  static #fire(t: Timer): void {
    t.#handle = 0;
    t.#expiresAt = -1;
    t.#onExpire();
  }
}

/** Fires `onTick(n)` (n = 0, 1, 2…) every `periodNs`, the first tick `phaseNs` after start. */
export class PeriodicTimer {
  readonly #sim: Simulator;
  readonly #periodNs: number;
  readonly #onTick: (tick: number) => void;
  #handle: EventHandle | 0 = 0;
  #origin = 0;
  #tick = 0;

  constructor(sim: Simulator, periodNs: number, onTick: (tick: number) => void) {
    checkTimeNs(periodNs, 'timer period');
    if (periodNs === 0) throw new RangeError('timer period must be at least 1 ns');
    this.#sim = sim;
    this.#periodNs = periodNs;
    this.#onTick = onTick;
  }

  get running(): boolean {
    return this.#handle !== 0;
  }

  /** Starts ticking; the first tick comes `phaseNs` from now (default: one period). */
  start(phaseNs: number = this.#periodNs): void {
    this.stop();
    checkTimeNs(phaseNs, 'timer phase');
    this.#origin = this.#sim.now() + phaseNs;
    this.#tick = 0;
    this.#handle = this.#sim.scheduleAt(this.#origin, PeriodicTimer.#fire, this);
  }

  stop(): void {
    if (this.#handle === 0) return;
    this.#sim.cancel(this.#handle);
    this.#handle = 0;
  }

  static #fire(t: PeriodicTimer): void {
    const tick = t.#tick++;
    // Schedule the next tick first, so the handler may stop() it.
    t.#handle = t.#sim.scheduleAt(t.#origin + t.#tick * t.#periodNs, PeriodicTimer.#fire, t);
    t.#onTick(tick);
  }
}
