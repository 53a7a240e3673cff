/**
 * Exact-match lookups over whole flow keys, shared by the microflow cache and the EMC.
 *
 * A key is hashed over the words that tell flows apart in practice (ports, addresses,
 * protocol, VLAN — what a NIC's RSS hash covers, widened to L2), and a candidate is then
 * compared on every word, so the hash choice affects speed, never correctness.
 */
import { FLOW_WORDS, W } from '../flow/layout.js';
import { finishHash, mixWord } from './dp-flow.js';

const HASHED_WORDS: readonly number[] = [
  W.IN_PORT,
  W.DL_DST,
  W.DL_DST + 1,
  W.DL_SRC,
  W.DL_SRC + 1,
  W.DL_TYPE,
  W.VLAN0,
  W.NW_SRC,
  W.NW_DST,
  W.IPV6_SRC + 3,
  W.IPV6_DST + 3,
  W.NW_PROTO,
  W.TP_SRC,
  W.TP_DST,
];
const HASHED = Int32Array.from(HASHED_WORDS);

/** Hash of a whole key for exact-match tables. */
export function exactHash(key: Uint32Array): number {
  let h = 0;
  for (let i = 0; i < HASHED.length; i++) h = mixWord(h, key[HASHED[i]!]!);
  return finishHash(h);
}

export function keysEqual(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}
