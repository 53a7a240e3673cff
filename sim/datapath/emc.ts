/**
 * The exact-match cache (EMC) of OVS's userspace datapath: a small direct-mapped table
 * in front of the megaflow classifier. Each key may sit in one of two slots chosen from
 * its hash; a hit costs one hash and one key comparison.
 *
 * Insertion is probabilistic (OVS's emc-insert-inv-prob, default 100: one miss in a hundred
 * inserts), so that a flood of short flows does not keep evicting the long flows the
 * cache is for. Entries point at megaflows; a deleted megaflow makes its entries miss.
 */
import { FLOW_WORDS } from '../flow/layout.js';
import type { DpFlow } from './dp-flow.js';
import { exactHash, packetKeysEqual } from './exact-cache.js';

const HASH_SHIFT = 13;

export class Emc {
  readonly entries: number;
  readonly #mask: number;
  readonly #hashes: Int32Array;
  readonly #keys: Int32Array[];
  readonly #flows: (DpFlow | null)[];
  /** Probability of inserting on a miss: 1 / emc-insert-inv-prob (0 disables the EMC). */
  readonly #insertProb: number;
  readonly #random: () => number;
  #lastHash = 0;

  constructor(opts: { entries?: number; insertInvProb?: number; random: () => number }) {
    this.entries = opts.entries ?? 8192;
    if ((this.entries & (this.entries - 1)) !== 0) throw new RangeError('EMC size must be a power of two');
    this.#mask = this.entries - 1;
    this.#hashes = new Int32Array(this.entries);
    this.#keys = Array.from({ length: this.entries }, () => new Int32Array(FLOW_WORDS));
    this.#flows = new Array<DpFlow | null>(this.entries).fill(null);
    const inv = opts.insertInvProb ?? 100;
    this.#insertProb = inv <= 0 ? 0 : 1 / inv;
    this.#random = opts.random;
  }

  get enabled(): boolean {
    return this.#insertProb > 0;
  }

  /** Looks a packet's key up; remembers its hash for a following `maybeInsert`. */
  lookup(key: Int32Array): DpFlow | null {
    const h = exactHash(key);
    this.#lastHash = h;
    let i = h & this.#mask;
    let f = this.#flows[i]!;
    if (f !== null && this.#hashes[i] === h && !f.dead && packetKeysEqual(this.#keys[i]!, key)) return f;
    i = (h >>> HASH_SHIFT) & this.#mask;
    f = this.#flows[i]!;
    if (f !== null && this.#hashes[i] === h && !f.dead && packetKeysEqual(this.#keys[i]!, key)) return f;
    return null;
  }

  /** After a miss that found `flow` in the megaflow cache: insert with the configured probability. */
  maybeInsert(key: Int32Array, flow: DpFlow): void {
    if (this.#insertProb === 0) return;
    if (this.#insertProb < 1 && this.#random() >= this.#insertProb) return;
    this.insert(key, flow, this.#lastHash);
  }

  insert(key: Int32Array, flow: DpFlow, h = exactHash(key)): void {
    const a = h & this.#mask;
    const b = (h >>> HASH_SHIFT) & this.#mask;
    // The same key already cached: point it at the new flow.
    for (const i of [a, b]) {
      if (this.#flows[i] !== null && this.#hashes[i] === h && packetKeysEqual(this.#keys[i]!, key)) {
        this.#flows[i] = flow;
        return;
      }
    }
    // Else an empty or dead slot, else the one with the smaller hash (OVS's choice).
    const alive = (i: number) => this.#flows[i] !== null && !this.#flows[i]!.dead;
    let victim = a;
    if (alive(a) && (!alive(b) || this.#hashes[b]! < this.#hashes[a]!)) victim = b;
    this.#hashes[victim] = h;
    this.#keys[victim]!.set(key);
    this.#flows[victim] = flow;
  }

  clear(): void {
    this.#flows.fill(null);
  }

  /** Live entries (for statistics). */
  get size(): number {
    let n = 0;
    for (const f of this.#flows) if (f !== null && !f.dead) n++;
    return n;
  }
}
