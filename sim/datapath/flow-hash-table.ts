/**
 * An open-addressing hash table of datapath flows keyed by a 32-bit hash, for the fast
 * path: a lookup walks typed arrays and allocates nothing. The caller supplies the hash
 * and decides equality (flows in one table share a mask, so "equal" is decided there).
 * Deletion rebuilds the probe chains: deletions are rare next to lookups.
 */
import type { DpFlow } from './dp-flow.js';

export class FlowHashTable {
  #hashes = new Int32Array(16);
  /** Index + 1 into #flows, 0 for an empty slot. */
  #slots = new Int32Array(16);
  readonly #flows: DpFlow[] = [];
  readonly #flowHashes: number[] = [];
  #mask = 15;

  get size(): number {
    return this.#flows.length;
  }

  /** Slot scanning for lookups: the first flow with hash `h` is at `first(h)`, then `next`. */
  first(h: number): number {
    const mask = this.#mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = this.#slots[i]!;
      if (s === 0) return -1;
      if (this.#hashes[i] === h) return i;
    }
  }

  next(h: number, i: number): number {
    const mask = this.#mask;
    for (i = (i + 1) & mask; ; i = (i + 1) & mask) {
      const s = this.#slots[i]!;
      if (s === 0) return -1;
      if (this.#hashes[i] === h) return i;
    }
  }

  flowAt(slot: number): DpFlow {
    return this.#flows[this.#slots[slot]! - 1]!;
  }

  add(h: number, flow: DpFlow): void {
    this.#flows.push(flow);
    this.#flowHashes.push(h);
    if (this.#flows.length * 2 > this.#mask + 1) this.#rebuild((this.#mask + 1) * 2);
    else this.#place(h, this.#flows.length);
  }

  remove(flow: DpFlow): boolean {
    const at = this.#flows.indexOf(flow);
    if (at < 0) return false;
    this.#flows.splice(at, 1);
    this.#flowHashes.splice(at, 1);
    this.#rebuild(this.#mask + 1);
    return true;
  }

  values(): readonly DpFlow[] {
    return this.#flows;
  }

  #place(h: number, slotValue: number): void {
    const mask = this.#mask;
    let i = h & mask;
    while (this.#slots[i] !== 0) i = (i + 1) & mask;
    this.#slots[i] = slotValue;
    this.#hashes[i] = h;
  }

  #rebuild(capacity: number): void {
    this.#hashes = new Int32Array(capacity);
    this.#slots = new Int32Array(capacity);
    this.#mask = capacity - 1;
    for (let i = 0; i < this.#flows.length; i++) this.#place(this.#flowHashes[i]!, i + 1);
  }
}
