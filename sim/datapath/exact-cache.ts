/**
 * Exact-match lookups over whole flow keys, shared by the microflow cache and the EMC.
 *
 * A key is hashed over the words that tell flows apart in practice (ports, addresses,
 * protocol, VLAN — what a NIC's RSS hash covers, widened to L2), and a candidate is then
 * compared on every word, so the hash choice affects speed, never correctness.
 */
import { FLOW_WORDS, W } from '../flow/layout.js';
import { finishHash, mixWord } from './dp-flow.js';

/** Hash of a whole key for exact-match tables (written out: this runs for every packet). */
export function exactHash(key: Uint32Array): number {
  let h = mixWord(0, key[W.IN_PORT]!);
  h = mixWord(h, key[W.DL_DST]!);
  h = mixWord(h, key[W.DL_DST + 1]!);
  h = mixWord(h, key[W.DL_SRC]!);
  h = mixWord(h, key[W.DL_SRC + 1]!);
  h = mixWord(h, key[W.DL_TYPE]!);
  h = mixWord(h, key[W.VLAN0]!);
  h = mixWord(h, key[W.NW_SRC]!);
  h = mixWord(h, key[W.NW_DST]!);
  h = mixWord(h, key[W.IPV6_SRC + 3]!);
  h = mixWord(h, key[W.IPV6_DST + 3]!);
  h = mixWord(h, key[W.NW_PROTO]!);
  h = mixWord(h, key[W.TP_SRC]!);
  h = mixWord(h, key[W.TP_DST]!);
  return finishHash(h);
}

export function keysEqual(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}
