/**
 * The megaflow cache: Tuple Space Search over the masks of cached flows, as OVS's
 * datapath classifier (dpcls) does it.
 *
 * Megaflows carry no priorities — translation makes any two that overlap agree — so a
 * lookup returns the first match. Flows are kept per input port (a packet only probes the
 * masks its own port has produced), and within a port the subtables are visited busiest
 * first, re-ranked by hit count every `rerank()` (OVS: once a second). The cost of a miss,
 * and of a hit in an unlucky order, is the number of subtables probed: that is what the
 * "tuple space explosion" inflates.
 */
import { FLOW_WORDS, W } from '../flow/layout.js';
import { finishHash, mixWord, type DpFlow } from './dp-flow.js';
import { FlowHashTable } from './flow-hash-table.js';

class Subtable {
  /** Read as signed words, like the keys (see exact-cache.ts). */
  readonly mask: Int32Array;
  readonly maskU: Uint32Array;
  readonly words: Int32Array;
  readonly table = new FlowHashTable();
  hits = 0;

  constructor(mask: Uint32Array) {
    this.maskU = Uint32Array.from(mask);
    this.mask = new Int32Array(this.maskU.buffer);
    const words: number[] = [];
    for (let i = 0; i < FLOW_WORDS; i++) if (mask[i] !== 0) words.push(i);
    this.words = Int32Array.from(words);
  }

  get size(): number {
    return this.table.size;
  }

  hash(key: Int32Array): number {
    const words = this.words;
    const mask = this.mask;
    let h = 0;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      h = mixWord(h, key[w]! & mask[w]!);
    }
    return finishHash(h) | 0;
  }

  find(key: Int32Array): DpFlow | null {
    const h = this.hash(key);
    const table = this.table;
    const words = this.words;
    const mask = this.mask;
    outer: for (let slot = table.first(h); slot >= 0; slot = table.next(h, slot)) {
      const f = table.flowAt(slot);
      const fk = f.key32;
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!;
        if (((key[w]! & mask[w]!) ^ fk[w]!) !== 0) continue outer;
      }
      return f;
    }
    return null;
  }
}

/** The classifier of one input port. */
class PortClassifier {
  subtables: Subtable[] = [];
  readonly byMask = new Map<string, Subtable>();
}

export class Dpcls {
  readonly #ports = new Map<number, PortClassifier>();
  #size = 0;
  /** Subtables probed by the last lookup (for the cost model and statistics). */
  lastProbes = 0;

  get size(): number {
    return this.#size;
  }

  /** Distinct masks across all input ports. */
  get masks(): number {
    let n = 0;
    for (const p of this.#ports.values()) n += p.subtables.length;
    return n;
  }

  lookup(key: Int32Array): DpFlow | null {
    const pc = this.#ports.get(key[W.IN_PORT]!);
    if (pc === undefined) {
      this.lastProbes = 0;
      return null;
    }
    const subtables = pc.subtables;
    for (let i = 0; i < subtables.length; i++) {
      const st = subtables[i]!;
      const f = st.find(key);
      if (f !== null) {
        st.hits++;
        this.lastProbes = i + 1;
        return f;
      }
    }
    this.lastProbes = subtables.length;
    return null;
  }

  /** Adds a megaflow; returns false when one with the same key and mask is cached. */
  insert(flow: DpFlow): boolean {
    const port = flow.key[W.IN_PORT]!;
    let pc = this.#ports.get(port);
    if (pc === undefined) this.#ports.set(port, (pc = new PortClassifier()));
    const id = maskId(flow.mask);
    let st = pc.byMask.get(id);
    if (st === undefined) {
      st = new Subtable(flow.mask);
      pc.byMask.set(id, st);
      pc.subtables.push(st);
    }
    const h = st.hash(flow.key32);
    for (let slot = st.table.first(h); slot >= 0; slot = st.table.next(h, slot)) {
      if (sameWords(st.table.flowAt(slot).key, flow.key)) return false;
    }
    st.table.add(h, flow);
    this.#size++;
    return true;
  }

  remove(flow: DpFlow): void {
    const pc = this.#ports.get(flow.key[W.IN_PORT]!);
    const id = maskId(flow.mask);
    const st = pc?.byMask.get(id);
    if (!pc || !st) return;
    if (!st.table.remove(flow)) return;
    this.#size--;
    if (st.size === 0) {
      pc.byMask.delete(id);
      pc.subtables.splice(pc.subtables.indexOf(st), 1);
    }
  }

  /** Orders each port's subtables by hits since the last re-rank, busiest first. */
  rerank(): void {
    for (const pc of this.#ports.values()) {
      pc.subtables.sort((a, b) => b.hits - a.hits);
      for (const st of pc.subtables) st.hits = 0;
    }
  }

  *flows(): IterableIterator<DpFlow> {
    for (const pc of this.#ports.values()) for (const st of pc.subtables) yield* st.table.values();
  }
}

function maskId(mask: Uint32Array): string {
  return Array.prototype.join.call(mask, ',');
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}
