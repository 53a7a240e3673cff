/**
 * The discrete-event kernel: a virtual clock and a queue of future events.
 *
 * Each event is (time, seq, handler, arg). Events run in time order; events due at the
 * same instant run in the order they were scheduled, because `seq` rises with every
 * `schedule` call. That tie-break is what makes a run repeatable: nothing depends on
 * queue layout or on how a JS engine orders equal keys.
 *
 * Nothing is allocated per event, since a busy switch simulation runs millions of them:
 *   - handler and argument live in a *slot*, reused through a free list once the event
 *     has run; the queue (event-queue.ts, a radix heap) holds only numbers:
 *     (time, key = seq × 2^24 + slot), so ordering by key orders by seq;
 *   - `cancel` only empties the slot; the entry is skipped when it comes out, and the
 *     queue is filtered if dead entries ever outnumber live ones;
 *   - `schedule(delay, fn, arg)` passes one argument, so callers need no closure.
 * A handle names a slot plus its generation (bumped each time the slot's event runs or
 * is cancelled), so a stale handle can never cancel a stranger's event.
 *
 * A handler that throws stops the run; the exception reaches whoever called `run`/`step`,
 * and the clock stays at the time of the failed event.
 */
import { EventQueue } from './event-queue.js';
import { checkTimeNs, type Clock } from './time.js';

/** An event handler; `arg` is whatever was passed to `schedule`. */
export type Handler<A> = (arg: A) => void;

/** Names one scheduled event, for `cancel`. Never 0, so `if (handle)` works. */
export type EventHandle = number & { readonly __eventHandle: unique symbol };

export interface RunOptions {
  /** Run events due at or before this time, then set the clock to it. Default: no limit. */
  readonly until?: number;
  /** Run at most this many events. Default: no limit. */
  readonly maxEvents?: number;
}

/**
 * At most 2^24 (16.7 M) events may be pending at once. A slot's generation wraps after
 * 2^29 reuses, and seq is renumbered every 2^29 schedules, which keeps handles and keys
 * exact integers below 2^53.
 */
const SLOT_SPAN = 2 ** 24;
const GEN_MASK = 2 ** 29 - 1;
const SEQ_LIMIT = 2 ** 29;
const INITIAL_SLOTS = 1024;
/** Cancelled entries tolerated in the queue before it is filtered. */
const COMPACT_MIN = 1024;

function slotOf(key: number): number {
  return key - Math.floor(key / SLOT_SPAN) * SLOT_SPAN;
}

export class Simulator implements Clock {
  #now = 0;
  #seq = 0;
  readonly #seqLimit: number;
  #executed = 0;
  #running = false;
  #stopRequested = false;
  readonly #queue = new EventQueue();
  /** Queue entries whose event was cancelled and not yet dropped. */
  #dead = 0;

  // Per-slot state, indexed by slot number.
  #slots = 0;
  readonly #fn: (Handler<never> | undefined)[] = [];
  readonly #arg: unknown[] = [];
  #gen = new Int32Array(INITIAL_SLOTS);
  #free = new Int32Array(INITIAL_SLOTS);
  #freeTop = 0;

  /** `seqLimit` exists for tests of seq renumbering; leave it alone. */
  constructor(opts: { readonly seqLimit?: number } = {}) {
    this.#seqLimit = opts.seqLimit ?? SEQ_LIMIT;
  }

  /** Current simulated time in nanoseconds. */
  now(): number {
    return this.#now;
  }

  /** Events waiting to run (cancelled ones excluded). */
  get pending(): number {
    return this.#queue.size - this.#dead;
  }

  /** Events run since this simulator was made. */
  get executed(): number {
    return this.#executed;
  }

  /** Runs `handler(arg)` `delayNs` nanoseconds from now. */
  schedule(delayNs: number, handler: () => void): EventHandle;
  schedule<A>(delayNs: number, handler: Handler<A>, arg: A): EventHandle;
  schedule<A>(delayNs: number, handler: Handler<A>, arg?: A): EventHandle {
    const at = this.#now + delayNs;
    if (!(delayNs >= 0) || !Number.isSafeInteger(at)) {
      checkTimeNs(delayNs, 'event delay');
      checkTimeNs(at, 'event time (now + delay)');
    }
    return this.#push(at, handler, arg);
  }

  /** Runs `handler(arg)` at absolute time `timeNs` (not before now). */
  scheduleAt(timeNs: number, handler: () => void): EventHandle;
  scheduleAt<A>(timeNs: number, handler: Handler<A>, arg: A): EventHandle;
  scheduleAt<A>(timeNs: number, handler: Handler<A>, arg?: A): EventHandle {
    checkTimeNs(timeNs, 'event time');
    if (timeNs < this.#now) throw new RangeError(`event time ${timeNs} ns is before the current time ${this.#now} ns`);
    return this.#push(timeNs, handler, arg);
  }

  /** Removes a pending event. Returns false if it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    if (!this.isPending(handle)) return false;
    const slot = handle % SLOT_SPAN;
    this.#fn[slot] = undefined;
    this.#arg[slot] = undefined;
    this.#gen[slot] = nextGen(this.#gen[slot]!);
    this.#dead++;
    if (this.#dead >= COMPACT_MIN && this.#dead * 2 > this.#queue.size) this.#compact();
    return true;
  }

  /** True while the event named by `handle` waits to run. */
  isPending(handle: EventHandle): boolean {
    const slot = handle % SLOT_SPAN;
    return slot >= 0 && slot < this.#slots && this.#gen[slot] === (handle - slot) / SLOT_SPAN;
  }

  /** Time of the next event, or Infinity when none is pending. */
  peek(): number {
    this.#dropDead();
    return this.#queue.peekTime();
  }

  /** Runs the next event. Returns false when there was none. */
  step(): boolean {
    if (this.peek() === Infinity) return false;
    this.#enter();
    try {
      this.#runNext(this.#queue.peekTime());
    } finally {
      this.#running = false;
    }
    return true;
  }

  /**
   * Runs events in order until the queue is empty, `until` is passed, `maxEvents` have
   * run, or a handler calls `stop()`. Returns the number of events run.
   */
  run(opts: RunOptions = {}): number {
    const until = opts.until ?? Infinity;
    const maxEvents = opts.maxEvents ?? Infinity;
    if (until !== Infinity) {
      checkTimeNs(until, 'run until');
      if (until < this.#now) throw new RangeError(`run until ${until} ns is before the current time ${this.#now} ns`);
    }
    if (!(maxEvents >= 0)) throw new RangeError(`maxEvents must be a non-negative number, got ${String(maxEvents)}`);
    this.#enter();
    let n = 0;
    try {
      while (n < maxEvents && !this.#stopRequested) {
        if (this.#dead > 0) this.#dropDead();
        const t = this.#queue.peekTime();
        if (t > until || t === Infinity) break;
        this.#runNext(t);
        n++;
      }
      // Reaching `until` means the whole interval has been simulated, even if idle.
      if (until !== Infinity && !this.#stopRequested && this.peek() > until) this.#now = until;
    } finally {
      this.#running = false;
    }
    return n;
  }

  /** Ends the current `run` after the event now running. */
  stop(): void {
    this.#stopRequested = true;
  }

  #enter(): void {
    if (this.#running) throw new Error('Simulator.run/step called from inside an event handler');
    this.#running = true;
    this.#stopRequested = false;
  }

  /** Takes out the first event (due at `t`, live), frees its slot for the handler to reuse, runs it. */
  #runNext(t: number): void {
    const slot = slotOf(this.#queue.pop());
    const fn = this.#fn[slot] as Handler<unknown>;
    const arg = this.#arg[slot];
    this.#fn[slot] = undefined;
    this.#arg[slot] = undefined;
    this.#gen[slot] = nextGen(this.#gen[slot]!);
    this.#free[this.#freeTop++] = slot;
    this.#now = t;
    this.#executed++;
    fn(arg);
  }

  /** Takes cancelled entries off the front, so the first entry (if any) is live. */
  #dropDead(): void {
    const q = this.#queue;
    while (this.#dead > 0 && q.size > 0) {
      const slot = slotOf(q.peekKey());
      if (this.#fn[slot] !== undefined) return;
      q.pop();
      this.#free[this.#freeTop++] = slot;
      this.#dead--;
    }
  }

  #push<A>(at: number, handler: Handler<A>, arg: A | undefined): EventHandle {
    const slot = this.#freeTop > 0 ? this.#free[--this.#freeTop]! : this.#newSlot();
    this.#fn[slot] = handler as Handler<never>;
    this.#arg[slot] = arg;
    if (this.#seq === this.#seqLimit) this.#renumber();
    this.#queue.push(at, this.#seq++ * SLOT_SPAN + slot);
    return (this.#gen[slot]! * SLOT_SPAN + slot) as EventHandle;
  }

  #newSlot(): number {
    const slot = this.#slots++;
    if (slot >= SLOT_SPAN) throw new RangeError(`more than ${SLOT_SPAN} events pending at once`);
    if (slot === this.#gen.length) {
      this.#gen = grown(this.#gen, 2 * slot);
      this.#free = grown(this.#free, 2 * slot);
    }
    this.#gen[slot] = 1;
    this.#fn.push(undefined);
    this.#arg.push(undefined);
    return slot;
  }

  /** Drops every cancelled entry from the queue and frees their slots. */
  #compact(): void {
    this.#queue.filter((key) => {
      const slot = slotOf(key);
      if (this.#fn[slot] !== undefined) return true;
      this.#free[this.#freeTop++] = slot;
      return false;
    });
    this.#dead = 0;
  }

  /**
   * Gives pending events new seqs 0, 1, 2… in their old order, so that seq × 2^24 + slot
   * stays an exact integer. The mapping keeps the order of keys, so the queue stays valid.
   */
  #renumber(): void {
    const sorted = this.#queue.keys().sort();
    this.#queue.mapKeys((key) => {
      let lo = 0;
      let hi = sorted.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! < key) lo = mid + 1;
        else hi = mid;
      }
      return lo * SLOT_SPAN + slotOf(key);
    });
    this.#seq = sorted.length;
  }
}

function nextGen(g: number): number {
  return (g + 1) & GEN_MASK || 1;
}

function grown(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
