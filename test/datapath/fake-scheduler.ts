/** A minimal scheduler for datapath tests: events in time order, ties in schedule order. */
export class FakeScheduler {
  #now = 0;
  #seq = 0;
  readonly #events: { t: number; seq: number; fn: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  schedule(delayNs: number, fn: () => void): void {
    this.#events.push({ t: this.#now + delayNs, seq: this.#seq++, fn });
    this.#events.sort((a, b) => a.t - b.t || a.seq - b.seq);
  }

  /** Runs the events of the next `ns` nanoseconds. */
  advance(ns: number): void {
    this.run(this.#now + ns);
  }

  /** Runs events up to and including absolute time `until` (all of them when omitted). */
  run(until = Infinity): void {
    while (this.#events.length > 0 && this.#events[0]!.t <= until) {
      const e = this.#events.shift()!;
      this.#now = e.t;
      e.fn();
    }
    if (until !== Infinity && until > this.#now) this.#now = until;
  }
}
