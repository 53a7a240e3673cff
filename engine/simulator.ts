/**
 * The discrete-event kernel: a virtual clock and a queue of future events.
 *
 * Each event is (time, seq, handler, arg). The queue runs them in time order; events due
 * at the same instant run in the order they were scheduled, because `seq` rises with
 * every `schedule` call. That tie-break is what makes a run repeatable: nothing depends
 * on heap layout or on how a JS engine orders equal keys.
 *
 * Speed is the point of the layout below. A busy switch simulation runs millions of
 * events, and with 100 000 of them pending the heap no longer fits in cache, so the cost
 * is memory traffic, not comparisons:
 *   - the heap is one Float64Array of (time, slot) pairs, four children per node: the
 *     four children of a node share one or two cache lines, and the tree is half as deep
 *     as a binary one. `seq` is read (from a per-slot array) only when two times tie;
 *   - handler and argument live in a *slot*, reused through a free list once the event
 *     has run, so the kernel allocates nothing per event;
 *   - `cancel` only marks the slot; the entry is dropped when it reaches the top, and the
 *     heap is rebuilt without the dead entries if they ever outnumber the live ones.
 *     Removing entries in place would need a slot → position map written on every move;
 *   - `schedule(delay, fn, arg)` passes one argument, so callers need no closure.
 * A handle names a slot plus its generation (bumped each time the slot's event runs or
 * is cancelled), so a stale handle can never cancel a stranger's event.
 *
 * A handler that throws stops the run; the exception reaches whoever called `run`/`step`,
 * and the clock stays at the time of the failed event.
 */
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
 * Slots per generation in a handle: at most 2^24 (16.7 M) events may be pending at once,
 * and a slot's generation wraps after 2^29 reuses, which keeps handles below 2^53.
 */
const SLOT_SPAN = 2 ** 24;
const GEN_MASK = 2 ** 29 - 1;
/** seq × SLOT_SPAN + slot must stay below 2^53; see #renumber. */
const SEQ_LIMIT = 2 ** 29;
const INITIAL_CAPACITY = 1024;
/** Cancelled entries tolerated in the heap before a rebuild is considered. */
const COMPACT_MIN = 1024;

export class Simulator implements Clock {
  #now = 0;
  #seq = 0;
  #executed = 0;
  #running = false;
  #stopRequested = false;

  /**
   * The 4-ary heap: entry i is heap[2i] = time, heap[2i+1] = key = seq × 2^24 + slot.
   * Ordering keys orders by seq (each seq is unique), and the slot rides along for free.
   */
  #heap = new Float64Array(2 * INITIAL_CAPACITY);
  #size = 0;
  /** Heap entries whose event was cancelled and not yet dropped. */
  #dead = 0;

  // Per-slot state, indexed by slot number.
  #slots = 0;
  #fn: (Handler<never> | undefined)[] = [];
  #arg: unknown[] = [];
  #gen = new Int32Array(INITIAL_CAPACITY);
  #free = new Int32Array(INITIAL_CAPACITY);
  #freeTop = 0;

  /** Current simulated time in nanoseconds. */
  now(): number {
    return this.#now;
  }

  /** Events waiting to run (cancelled ones excluded). */
  get pending(): number {
    return this.#size - this.#dead;
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
    if (this.#dead >= COMPACT_MIN && this.#dead * 2 > this.#size) this.#compact();
    return true;
  }

  /** True while the event named by `handle` waits to run. */
  isPending(handle: EventHandle): boolean {
    const slot = handle % SLOT_SPAN;
    return slot >= 0 && slot < this.#slots && this.#gen[slot] === (handle - slot) / SLOT_SPAN;
  }

  /** Time of the next event, or Infinity when none is pending. */
  peek(): number {
    this.#dropDeadTop();
    return this.#size > 0 ? this.#heap[0]! : Infinity;
  }

  /** Runs the next event. Returns false when there was none. */
  step(): boolean {
    this.#dropDeadTop();
    if (this.#size === 0) return false;
    this.#enter();
    try {
      this.#runTop();
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
        if (this.#dead > 0) this.#dropDeadTop();
        if (this.#size === 0 || this.#heap[0]! > until) break;
        this.#runTop();
        n++;
      }
      // Reaching `until` means the whole interval has been simulated, even if idle.
      this.#dropDeadTop();
      const idle = this.#size === 0 || this.#heap[0]! > until;
      if (until !== Infinity && idle && !this.#stopRequested) this.#now = until;
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

  /** Pops the earliest event, frees its slot (so the handler can reuse it), runs it. */
  #runTop(): void {
    const heap = this.#heap;
    this.#now = heap[0]!;
    const slot = heap[1]! % SLOT_SPAN;
    this.#removeTop();
    const fn = this.#fn[slot] as Handler<unknown>;
    const arg = this.#arg[slot];
    this.#fn[slot] = undefined;
    this.#arg[slot] = undefined;
    this.#gen[slot] = nextGen(this.#gen[slot]!);
    this.#free[this.#freeTop++] = slot;
    this.#executed++;
    fn(arg);
  }

  /** Drops cancelled entries from the top, so heap[0] is a live event (if any). */
  #dropDeadTop(): void {
    while (this.#size > 0 && this.#fn[this.#heap[1]! % SLOT_SPAN] === undefined) {
      this.#free[this.#freeTop++] = this.#heap[1]! % SLOT_SPAN;
      this.#dead--;
      this.#removeTop();
    }
  }

  #push<A>(at: number, handler: Handler<A>, arg: A | undefined): EventHandle {
    const slot = this.#freeTop > 0 ? this.#free[--this.#freeTop]! : this.#newSlot();
    this.#fn[slot] = handler as Handler<never>;
    this.#arg[slot] = arg;
    if (2 * this.#size === this.#heap.length) this.#heap = grown(this.#heap, 2 * this.#heap.length);
    if (this.#seq === SEQ_LIMIT) this.#renumber();
    this.#siftUp(this.#size++, at, this.#seq++ * SLOT_SPAN + slot);
    return (this.#gen[slot]! * SLOT_SPAN + slot) as EventHandle;
  }

  #newSlot(): number {
    const slot = this.#slots++;
    if (slot >= SLOT_SPAN) throw new RangeError(`more than ${SLOT_SPAN} events pending at once`);
    if (slot === this.#gen.length) {
      const cap = 2 * slot;
      this.#gen = grown(this.#gen, cap);
      this.#free = grown(this.#free, cap);
    }
    this.#gen[slot] = 1;
    this.#fn.push(undefined);
    this.#arg.push(undefined);
    return slot;
  }

  /** Places (t, key) at heap index `i` or above, moving later parents down. */
  #siftUp(i: number, t: number, key: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = heap[2 * p]!;
      if (pt < t || (pt === t && heap[2 * p + 1]! < key)) break;
      heap[2 * i] = pt;
      heap[2 * i + 1] = heap[2 * p + 1]!;
      i = p;
    }
    heap[2 * i] = t;
    heap[2 * i + 1] = key;
  }

  /**
   * Removes the top entry. The hole sinks to a leaf along the earliest child, then the
   * last entry fills it and rises as far as it must (Floyd's trick): the last entry
   * nearly always belongs near the bottom, so this saves a comparison per level.
   */
  #removeTop(): void {
    const n = --this.#size;
    if (n === 0) return;
    const heap = this.#heap;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let c = first;
      let ct = heap[2 * c]!;
      let ck = heap[2 * c + 1]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let d = first + 1; d < end; d++) {
        const dt = heap[2 * d]!;
        if (dt < ct || (dt === ct && heap[2 * d + 1]! < ck)) {
          c = d;
          ct = dt;
          ck = heap[2 * d + 1]!;
        }
      }
      heap[2 * i] = ct;
      heap[2 * i + 1] = ck;
      i = c;
    }
    this.#siftUp(i, heap[2 * n]!, heap[2 * n + 1]!);
  }

  /** Rebuilds the heap without cancelled entries, freeing their slots. */
  #compact(): void {
    const heap = this.#heap;
    let m = 0;
    for (let i = 0; i < this.#size; i++) {
      const key = heap[2 * i + 1]!;
      const slot = key % SLOT_SPAN;
      if (this.#fn[slot] === undefined) {
        this.#free[this.#freeTop++] = slot;
        continue;
      }
      heap[2 * m] = heap[2 * i]!;
      heap[2 * m + 1] = key;
      m++;
    }
    this.#size = 0;
    this.#dead = 0;
    // Re-inserting in array order is O(n) on average and keeps the code to one sift.
    for (let i = 0; i < m; i++) this.#siftUp(this.#size++, heap[2 * i]!, heap[2 * i + 1]!);
  }

  /**
   * Gives the pending events new sequence numbers 0, 1, 2… in their old order, once
   * every 2^29 schedules, so that seq × 2^24 + slot stays an exact integer. The mapping
   * keeps the order of every pair of keys, so the heap stays valid as it is.
   */
  #renumber(): void {
    const heap = this.#heap;
    const order = Array.from({ length: this.#size }, (_, i) => i).sort((x, y) => heap[2 * x + 1]! - heap[2 * y + 1]!);
    order.forEach((i, rank) => (heap[2 * i + 1] = rank * SLOT_SPAN + (heap[2 * i + 1]! % SLOT_SPAN)));
    this.#seq = this.#size;
  }
}

function nextGen(g: number): number {
  return (g + 1) & GEN_MASK || 1;
}

function grown<T extends Float64Array | Int32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
