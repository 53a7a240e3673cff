/**
 * The OpenFlow classifier: Tuple Space Search, with the wildcard tracking that keeps
 * megaflows wide.
 *
 * Rules are grouped into subtables, one per distinct mask. Within a subtable every rule
 * looks at the same bits, so finding the rule for a packet is one hash lookup of the
 * packet's key under that mask. A lookup therefore probes subtables one after another.
 *
 * Priority ordering. Each subtable knows the highest priority among its rules; subtables
 * are visited from the highest such priority down, and the search stops as soon as the
 * best match found so far outranks every rule of the subtables still to visit.
 *
 * Un-wildcarding. The caller may pass a mask (`wc`) that collects every bit the lookup
 * examined. Whatever the outcome, a packet that agrees with this one on those bits would
 * get the same answer, which is what makes the result cacheable as a megaflow. A naive
 * search would add the whole mask of every subtable probed; three refinements keep the
 * mask narrower, the way OVS does:
 *
 * - Staged lookup. A subtable's bits are split in stages — metadata, L2, L3, L4 — and each
 *   stage but the last has an index of the rules' values over the stages so far. When a
 *   stage's value is not in its index no rule can match, and only the stages examined so
 *   far enter the mask: a packet that misses an L2 rule on its MAC leaves its L3/L4 bits
 *   wildcarded.
 * - Prefix tracking. For chosen fields (by default ip_dst and ip_src) a trie holds every
 *   rule prefix. Before a subtable's stage that holds such a field is hashed, the trie tells
 *   whether any rule at the subtable's prefix length can match; if not, the subtable is
 *   skipped having examined only the leading bits that decided it.
 * - The ports trie. When the last stage (L4) finds no rule, a per-subtable trie over the
 *   transport ports tells how many leading port bits ruled them out, instead of all of them.
 */
import { FLOW_WORDS, STAGES, STAGE_END, STAGE_START, W, ETH_TYPE, type Stage } from '../flow/layout.js';
import type { Field } from '../flow/fields.js';
import { fieldByName } from '../flow/fields.js';
import type { FlowKey, FlowMask } from '../flow/key.js';
import type { Match } from '../flow/match.js';
import { copyKey } from '../flow/key-slab.js';
import { PrefixTrie, plensHas } from './trie.js';

export interface ClsRule<T> {
  readonly match: Match;
  readonly priority: number;
  readonly data: T;
}

export interface ClassifierOptions {
  /** Fields with prefix tracking (at most 3 in OVS); default ip_dst and ip_src, as OVS's. */
  readonly prefixFields?: readonly Field[];
}

export const DEFAULT_PREFIX_FIELDS: readonly Field[] = [fieldByName('ip_dst')!, fieldByName('ip_src')!];

/** Mixes one word into a running hash (a murmur3-style step). */
function mix(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function stageIndex(s: Stage): number {
  return STAGES.indexOf(s);
}

interface InternalRule<T> extends ClsRule<T> {
  subtable: Subtable<T> | null;
}

/** One trie per prefix field, shared by the whole classifier. */
interface TrieCtx {
  readonly field: Field;
  readonly trie: PrefixTrie;
  readonly stage: number;
  /** Per-lookup state, reset at the start of every lookup. */
  lookupDone: boolean;
  maskBits: number;
  readonly plens: Uint32Array;
}

class Subtable<T> {
  readonly mask: Uint32Array;
  /** The mask's non-zero words, in key order. */
  readonly words: Int32Array;
  /** For each stage of this subtable: where its words end in `words`. The last is final. */
  readonly stageEnds: number[] = [];
  /** For each stage of this subtable: which of the four segments it is. */
  readonly stageSegment: number[] = [];
  /** For stages but the last: hashes (over the stages so far) of the rules' values, with counts. */
  readonly indices: Map<number, number>[] = [];
  readonly buckets = new Map<number, InternalRule<T>[]>();
  /** Prefix length of the mask on each trie's field (0: no tracking in this subtable). */
  readonly triePlen: number[];
  readonly portsMaskLen: number;
  readonly portsTrie = new PrefixTrie();
  maxPriority = -Infinity;
  nRules = 0;
  /** Rules per priority, so removing the top one finds the next without a scan. */
  readonly priorities = new Map<number, number>();
  constructor(mask: Uint32Array, tries: readonly TrieCtx[]) {
    this.mask = Uint32Array.from(mask);
    const words: number[] = [];
    const segs: { seg: number; end: number }[] = [];
    for (let s = 0; s < STAGES.length; s++) {
      const stage = STAGES[s]!;
      const before = words.length;
      for (let w = STAGE_START[stage]; w < STAGE_END[stage]; w++) if (mask[w] !== 0) words.push(w);
      if (words.length > before) segs.push({ seg: s, end: words.length });
    }
    if (segs.length === 0) segs.push({ seg: STAGES.length - 1, end: 0 });
    this.words = Int32Array.from(words);
    for (const s of segs) {
      this.stageEnds.push(s.end);
      this.stageSegment.push(s.seg);
    }
    for (let i = 0; i < segs.length - 1; i++) this.indices.push(new Map());
    this.triePlen = tries.map((t) => fieldPrefixLen(mask, t.field));
    const ports = ((mask[W.TP_SRC]! << 16) | (mask[W.TP_DST]! & 0xffff)) >>> 0;
    this.portsMaskLen = ports === 0 ? 0 : 32 - ctz32(ports);
  }

  /** Hash of `key` under the mask over this subtable's words `[from, to)`, continuing `h`. */
  hashRange(key: Uint32Array, from: number, to: number, h: number): number {
    const words = this.words;
    const mask = this.mask;
    for (let i = from; i < to; i++) {
      const w = words[i]!;
      h = mix(h, key[w]! & mask[w]!);
    }
    return h;
  }

  /** ORs this subtable's mask over stages `[0, nStages)` into `wc`. */
  fold(wc: FlowMask, nStages: number): void {
    const end = nStages === 0 ? 0 : this.stageEnds[nStages - 1]!;
    const words = this.words;
    for (let i = 0; i < end; i++) {
      const w = words[i]!;
      wc[w] = (wc[w]! | this.mask[w]!) >>> 0;
    }
  }

  findInBucket(key: Uint32Array, h: number): InternalRule<T> | null {
    const bucket = this.buckets.get(h);
    if (!bucket) return null;
    const words = this.words;
    const mask = this.mask;
    outer: for (const r of bucket) {
      const rk = r.match.key;
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!;
        if (((key[w]! ^ rk[w]!) & mask[w]!) !== 0) continue outer;
      }
      return r; // buckets are kept in descending priority
    }
    return null;
  }
}

function maskHash(mask: Uint32Array): number {
  let h = 0;
  for (let i = 0; i < FLOW_WORDS; i++) h = mix(h, mask[i]!);
  return h;
}

function ctz32(x: number): number {
  if (x === 0) return 32;
  return 31 - Math.clz32(x & -x);
}

/** The CIDR prefix length of `mask` on a field, or 0 when it is not a prefix (or empty). */
function fieldPrefixLen(mask: Uint32Array, f: Field): number {
  let len = 0;
  let ended = false;
  for (let i = 0; i < f.nWords; i++) {
    const m = mask[f.word + i]!;
    if (ended) {
      if (m !== 0) return 0;
      continue;
    }
    if (m === 0xffffffff) {
      len += 32;
      continue;
    }
    const ones = Math.clz32(~m);
    if (((m << ones) | 0) !== 0) return 0; // holes after the leading ones
    len += ones;
    ended = true;
  }
  return len;
}

/** Whether the leading `bits` of a field are all set in `wc`. */
function prefixBitsSet(wc: Uint32Array, f: Field, bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 32) {
    const want = bits >= 32 ? 0xffffffff : ~(0xffffffff >>> bits) >>> 0;
    if (((wc[f.word + i]! & want) >>> 0) !== want) return false;
  }
  return true;
}

function setPrefixBits(wc: Uint32Array, f: Field, bits: number): void {
  for (let i = 0; bits > 0; i++, bits -= 32) {
    const want = bits >= 32 ? 0xffffffff : ~(0xffffffff >>> bits) >>> 0;
    wc[f.word + i] = (wc[f.word + i]! | want) >>> 0;
  }
}

export class Classifier<T> {
  #subtables: Subtable<T>[] = [];
  /** Subtables by a hash of their mask (a few may share one hash). */
  readonly #byMask = new Map<number, Subtable<T>[]>();
  readonly #tries: TrieCtx[];
  #nRules = 0;

  constructor(opts: ClassifierOptions = {}) {
    const fields = opts.prefixFields ?? DEFAULT_PREFIX_FIELDS;
    if (fields.length > 3) throw new Error('at most 3 prefix fields');
    this.#tries = fields.map((field) => ({
      field,
      trie: new PrefixTrie(),
      stage: stageIndex(field.stage),
      lookupDone: false,
      maskBits: 0,
      plens: new Uint32Array(4),
    }));
  }

  get size(): number {
    return this.#nRules;
  }

  get subtableCount(): number {
    return this.#subtables.length;
  }

  insert(match: Match, priority: number, data: T): ClsRule<T> {
    const key = copyKey(match.key);
    for (let i = 0; i < FLOW_WORDS; i++) key[i] = (key[i]! & match.mask[i]!) >>> 0;
    const rule: InternalRule<T> = { match: { key, mask: match.mask }, priority, data, subtable: null };
    let st = this.#subtableOf(match.mask);
    if (!st) {
      st = new Subtable<T>(match.mask, this.#tries);
      const h = maskHash(match.mask);
      const list = this.#byMask.get(h);
      if (list) list.push(st);
      else this.#byMask.set(h, [st]);
      this.#subtables.push(st);
    }
    rule.subtable = st;
    // Stage indices.
    let h = 0;
    for (let s = 0; s < st.indices.length; s++) {
      h = st.hashRange(key, s === 0 ? 0 : st.stageEnds[s - 1]!, st.stageEnds[s]!, h);
      st.indices[s]!.set(h, (st.indices[s]!.get(h) ?? 0) + 1);
    }
    const full = st.hashRange(key, 0, st.words.length, 0);
    let bucket = st.buckets.get(full);
    if (!bucket) st.buckets.set(full, (bucket = []));
    // Descending priority; a later rule of equal priority goes after the earlier ones.
    let at = bucket.length;
    while (at > 0 && bucket[at - 1]!.priority < priority) at--;
    bucket.splice(at, 0, rule);
    for (let j = 0; j < this.#tries.length; j++) {
      const plen = st.triePlen[j]!;
      if (plen) this.#tries[j]!.trie.insert(key, this.#tries[j]!.field.word, plen);
    }
    if (st.portsMaskLen) st.portsTrie.insert(portsWord(key), 0, st.portsMaskLen);
    st.nRules++;
    this.#nRules++;
    st.priorities.set(priority, (st.priorities.get(priority) ?? 0) + 1);
    if (priority > st.maxPriority) {
      st.maxPriority = priority;
      this.#sortSubtables();
    }
    return rule;
  }

  remove(rule: ClsRule<T>): void {
    const r = rule as InternalRule<T>;
    const st = r.subtable;
    if (!st) throw new Error('classifier: rule is not in this classifier');
    const key = r.match.key;
    let h = 0;
    for (let s = 0; s < st.indices.length; s++) {
      h = st.hashRange(key, s === 0 ? 0 : st.stageEnds[s - 1]!, st.stageEnds[s]!, h);
      const n = st.indices[s]!.get(h)! - 1;
      if (n === 0) st.indices[s]!.delete(h);
      else st.indices[s]!.set(h, n);
    }
    const full = st.hashRange(key, 0, st.words.length, 0);
    const bucket = st.buckets.get(full)!;
    bucket.splice(bucket.indexOf(r), 1);
    if (bucket.length === 0) st.buckets.delete(full);
    for (let j = 0; j < this.#tries.length; j++) {
      const plen = st.triePlen[j]!;
      if (plen) this.#tries[j]!.trie.remove(key, this.#tries[j]!.field.word, plen);
    }
    if (st.portsMaskLen) st.portsTrie.remove(portsWord(key), 0, st.portsMaskLen);
    r.subtable = null;
    st.nRules--;
    this.#nRules--;
    const left = st.priorities.get(r.priority)! - 1;
    if (left === 0) st.priorities.delete(r.priority);
    else st.priorities.set(r.priority, left);
    if (st.nRules === 0) {
      // As OVS's priority vector does: the last entry fills the hole, then a stable sort.
      const at = this.#subtables.indexOf(st);
      const lastSt = this.#subtables.pop()!;
      if (lastSt !== st) this.#subtables[at] = lastSt;
      this.#sortSubtables();
      const h = maskHash(st.mask);
      const list = this.#byMask.get(h)!;
      list.splice(list.indexOf(st), 1);
      if (list.length === 0) this.#byMask.delete(h);
      return;
    }
    if (r.priority === st.maxPriority && left === 0) {
      let max = -Infinity;
      for (const p of st.priorities.keys()) if (p > max) max = p;
      st.maxPriority = max;
      this.#sortSubtables();
    }
  }

  /** Every rule, highest priority first (ties in insertion order of their subtables). */
  *rules(): IterableIterator<ClsRule<T>> {
    const all: InternalRule<T>[] = [];
    for (const st of this.#subtables) for (const b of st.buckets.values()) all.push(...b);
    all.sort((a, b) => b.priority - a.priority);
    yield* all;
  }

  /**
   * Finds the highest-priority rule matching `key`. With `wc`, ORs into it every bit the
   * search depended on (see the essay at the top of this file).
   */
  lookup(key: FlowKey, wc?: FlowMask): ClsRule<T> | null {
    for (const t of this.#tries) t.lookupDone = false;
    let best: InternalRule<T> | null = null;
    let bestPri = -Infinity;
    for (const st of this.#subtables) {
      if (st.maxPriority <= bestPri) break;
      const r = wc ? this.#findWc(st, key, wc) : st.findInBucket(key, st.hashRange(key, 0, st.words.length, 0));
      if (r && r.priority > bestPri) {
        best = r;
        bestPri = r.priority;
      }
    }
    return best;
  }

  /** Exact-match search for a rule with this match and priority (for flow-mod strict). */
  findExact(match: Match, priority: number): ClsRule<T> | null {
    const st = this.#subtableOf(match.mask);
    if (!st) return null;
    // hashRange masks the key itself: no masked copy is needed.
    const bucket = st.buckets.get(st.hashRange(match.key, 0, st.words.length, 0));
    if (!bucket) return null;
    const mask = match.mask;
    for (const r of bucket) {
      if (r.priority !== priority) continue;
      let same = true;
      for (let i = 0; i < FLOW_WORDS && same; i++) same = r.match.key[i] === ((match.key[i]! & mask[i]!) >>> 0);
      if (same) return r;
    }
    return null;
  }

  #subtableOf(mask: Uint32Array): Subtable<T> | undefined {
    const list = this.#byMask.get(maskHash(mask));
    if (!list) return undefined;
    outer: for (const st of list) {
      for (let i = 0; i < FLOW_WORDS; i++) if (st.mask[i] !== mask[i]) continue outer;
      return st;
    }
    return undefined;
  }

  #findWc(st: Subtable<T>, key: FlowKey, wc: FlowMask): InternalRule<T> | null {
    const nStages = st.stageEnds.length;
    let h = 0;
    let from = 0;
    for (let s = 0; s < nStages - 1; s++) {
      if (this.#checkTries(st, s, key, wc)) {
        st.fold(wc, s);
        return null;
      }
      h = st.hashRange(key, from, st.stageEnds[s]!, h);
      from = st.stageEnds[s]!;
      if (!st.indices[s]!.has(h)) {
        st.fold(wc, s + 1);
        return null;
      }
    }
    const last = nStages - 1;
    if (this.#checkTries(st, last, key, wc)) {
      st.fold(wc, last);
      return null;
    }
    h = st.hashRange(key, from, st.words.length, h);
    const rule = st.findInBucket(key, h);
    if (!rule && st.portsMaskLen) {
      const portsMask = ((st.mask[W.TP_SRC]! << 16) | (st.mask[W.TP_DST]! & 0xffff)) >>> 0;
      const value = (((key[W.TP_SRC]! << 16) | (key[W.TP_DST]! & 0xffff)) & portsMask) >>> 0;
      this.#portsScratch[0] = value;
      const mbits = st.portsTrie.lookup(this.#portsScratch, 0, 32, this.#plensScratch);
      const prefix = mbits === 0 ? 0 : mbits >= 32 ? 0xffffffff : ~(0xffffffff >>> mbits) >>> 0;
      const ports = ((portsMask & prefix) | (((wc[W.TP_SRC]! << 16) | (wc[W.TP_DST]! & 0xffff)) >>> 0)) >>> 0;
      st.fold(wc, nStages);
      wc[W.TP_SRC] = ports >>> 16;
      wc[W.TP_DST] = ports & 0xffff;
      return null;
    }
    st.fold(wc, nStages);
    return rule;
  }

  readonly #portsScratch = new Uint32Array(1);
  readonly #plensScratch = new Uint32Array(1);

  /** Prefix tracking before hashing stage `s` of a subtable: true when the subtable can be skipped. */
  #checkTries(st: Subtable<T>, s: number, key: FlowKey, wc: FlowMask): boolean {
    const seg = st.stageSegment[s]!;
    for (let j = 0; j < this.#tries.length; j++) {
      const plen = st.triePlen[j]!;
      const ctx = this.#tries[j]!;
      if (!plen || ctx.stage !== seg) continue;
      if (!ctx.lookupDone) {
        ctx.plens.fill(0);
        if (trieFieldApplies(ctx.field, key)) {
          ctx.maskBits = ctx.trie.lookup(key, ctx.field.word, ctx.field.bits, ctx.plens);
        } else {
          ctx.plens.fill(0xffffffff); // every length possible: no skipping
          ctx.maskBits = 0;
        }
        ctx.lookupDone = true;
      }
      if (!plensHas(ctx.plens, plen)) {
        if (ctx.maskBits <= plen) {
          setPrefixBits(wc, ctx.field, ctx.maskBits);
          return true;
        }
        if (prefixBitsSet(wc, ctx.field, ctx.maskBits)) return true;
      }
    }
    return false;
  }

  #sortSubtables(): void {
    // A stable sort: subtables of equal priority keep their current order, as in OVS.
    this.#subtables.sort((a, b) => b.maxPriority - a.maxPriority);
  }
}

function portsWord(key: Uint32Array): Uint32Array {
  return Uint32Array.of((((key[W.TP_SRC]! << 16) | (key[W.TP_DST]! & 0xffff)) >>> 0));
}

/** A trie is only meaningful for packets that have its field (ip_src needs IPv4...). */
function trieFieldApplies(f: Field, key: FlowKey): boolean {
  switch (f.prereq) {
    case 'ip':
      return key[W.DL_TYPE] === ETH_TYPE.IP;
    case 'ipv6':
      return key[W.DL_TYPE] === ETH_TYPE.IPV6;
    case 'none':
      return true;
    default:
      return false;
  }
}
