/**
 * The microflow cache: OVS's first kernel datapath. One hash table keyed on the whole
 * flow key, so a lookup is one probe — but every new connection, even one the tables
 * treat exactly like the last, is a new key and goes to userspace.
 */
import type { DpFlow } from './dp-flow.js';
import { exactHash, keysEqual } from './exact-cache.js';

export class MicroflowCache {
  readonly #buckets = new Map<number, DpFlow[]>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  lookup(key: Uint32Array): DpFlow | null {
    const bucket = this.#buckets.get(exactHash(key));
    if (bucket === undefined) return null;
    for (let i = 0; i < bucket.length; i++) {
      const f = bucket[i]!;
      if (keysEqual(f.key, key)) return f;
    }
    return null;
  }

  /** Adds a flow whose mask is all ones; returns false when an equal key is cached. */
  insert(flow: DpFlow): boolean {
    const h = exactHash(flow.key);
    let bucket = this.#buckets.get(h);
    if (bucket === undefined) this.#buckets.set(h, (bucket = []));
    for (const f of bucket) if (keysEqual(f.key, flow.key)) return false;
    bucket.push(flow);
    this.#size++;
    return true;
  }

  remove(flow: DpFlow): void {
    const h = exactHash(flow.key);
    const bucket = this.#buckets.get(h);
    const at = bucket ? bucket.indexOf(flow) : -1;
    if (at < 0) return;
    bucket!.splice(at, 1);
    if (bucket!.length === 0) this.#buckets.delete(h);
    this.#size--;
  }

  *flows(): IterableIterator<DpFlow> {
    for (const b of this.#buckets.values()) yield* b;
  }
}
