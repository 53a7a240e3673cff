/**
 * Prefix tries for the classifier's prefix tracking.
 *
 * A trie holds the prefixes that rules match on one field (say ip_dst, 10.0.0.0/8 and
 * 10.1.0.0/16). Looking a packet's address up answers two questions at once: which prefix
 * lengths could match it at all (a subtable whose length is not among them can be skipped),
 * and how many leading bits of the address had to be examined to know that — the only bits
 * the megaflow then needs to match, instead of the whole prefix of the skipped subtable.
 *
 * The trie here is a plain binary trie, one node per bit. OVS compresses paths; the answers
 * to both questions do not depend on that, only the memory does.
 */

interface TrieNode {
  zero: TrieNode | null;
  one: TrieNode | null;
  /** Rules whose prefix ends at this node. */
  nRules: number;
}

function newNode(): TrieNode {
  return { zero: null, one: null, nRules: 0 };
}

/** Bit `d` (0 = most significant) of a big-endian value stored in `words` from `start`. */
function bitAt(words: Uint32Array, start: number, d: number): number {
  return (words[start + (d >>> 5)]! >>> (31 - (d & 31))) & 1;
}

export class PrefixTrie {
  #root: TrieNode | null = null;

  /** Adds one rule with the first `plen` bits of the value at `words[start..]`. */
  insert(words: Uint32Array, start: number, plen: number): void {
    if (!this.#root) this.#root = newNode();
    let node = this.#root;
    for (let d = 0; d < plen; d++) {
      if (bitAt(words, start, d)) node = node.one ??= newNode();
      else node = node.zero ??= newNode();
    }
    node.nRules++;
  }

  /** Removes one rule added with the same value and length. */
  remove(words: Uint32Array, start: number, plen: number): void {
    const path: TrieNode[] = [];
    let node = this.#root;
    for (let d = 0; d < plen && node; d++) {
      path.push(node);
      node = bitAt(words, start, d) ? node.one : node.zero;
    }
    if (!node || node.nRules === 0) throw new Error('trie: removing a prefix that is not there');
    node.nRules--;
    // Prune the branch that no longer leads to any rule.
    for (let d = plen; d > 0; d--) {
      if (node!.nRules > 0 || node!.zero || node!.one) return;
      const parent = path[d - 1]!;
      if (bitAt(words, start, d - 1)) parent.one = null;
      else parent.zero = null;
      node = parent;
    }
    if (this.#root && this.#root.nRules === 0 && !this.#root.zero && !this.#root.one) this.#root = null;
  }

  /**
   * Looks up the `nBits`-bit value at `words[start..]`. Sets in `plens` (a bitset where bit
   * `len - 1` stands for prefix length `len`) every length at which some rule's prefix
   * equals the value, and returns how many leading bits of the value a megaflow must match
   * for this answer to hold for every packet it covers.
   */
  lookup(words: Uint32Array, start: number, nBits: number, plens: Uint32Array): number {
    let node = this.#root;
    if (!node) return 0;
    for (let d = 0; ; ) {
      if (node.nRules > 0 && d > 0) plens[(d - 1) >>> 5]! |= 1 << (31 - ((d - 1) & 31));
      if (d >= nBits) return nBits;
      const bit = bitAt(words, start, d);
      const next: TrieNode | null = bit ? node.one : node.zero;
      if (next) {
        node = next;
        d++;
        continue;
      }
      // The other branch exists: the first differing bit must be matched too.
      const other = bit ? node.zero : node.one;
      return other ? d + 1 : d;
    }
  }

  get empty(): boolean {
    return this.#root === null;
  }
}

/** Whether prefix length `len` (1-based) is set in a `plens` bitset. */
export function plensHas(plens: Uint32Array, len: number): boolean {
  return ((plens[(len - 1) >>> 5]! >>> (31 - ((len - 1) & 31))) & 1) === 1;
}
