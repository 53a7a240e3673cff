/**
 * The microflow cache: OVS's first kernel datapath. One hash table keyed on the whole
 * flow key, so a lookup is one probe — but every new connection, even one the tables
 * treat exactly like the last, is a new key and goes to userspace.
 */
import type { DpFlow } from './dp-flow.js';
import { exactHash, packetKeysEqual } from './exact-cache.js';
import { FlowHashTable } from './flow-hash-table.js';

export class MicroflowCache {
  readonly #table = new FlowHashTable();

  get size(): number {
    return this.#table.size;
  }

  lookup(key: Int32Array): DpFlow | null {
    const h = exactHash(key);
    const t = this.#table;
    for (let slot = t.first(h); slot >= 0; slot = t.next(h, slot)) {
      const f = t.flowAt(slot);
      if (packetKeysEqual(f.key32, key)) return f;
    }
    return null;
  }

  /** Adds a flow whose mask is all ones; returns false when an equal key is cached. */
  insert(flow: DpFlow): boolean {
    if (this.lookup(flow.key32) !== null) return false;
    this.#table.add(exactHash(flow.key32), flow);
    return true;
  }

  remove(flow: DpFlow): void {
    this.#table.remove(flow);
  }

  *flows(): IterableIterator<DpFlow> {
    yield* this.#table.values();
  }
}
