/**
 * Exact-match lookups over whole flow keys, shared by the microflow cache and the EMC.
 *
 * A key is hashed over the words that tell flows apart in practice (ports, addresses,
 * protocol, VLAN — what a NIC's RSS hash covers, widened to L2), and a candidate is then
 * compared on every word a packet can set, so the hash choice affects speed, never
 * correctness.
 *
 * These run for every packet. Keys are read through Int32Array views: V8 keeps 32-bit
 * signed values unboxed, while Uint32Array values above 2^31 become heap numbers. And a
 * key parsed from a frame is zero outside in_port and the header words (metadata,
 * registers and tunnel words start at zero for every packet), so only those are compared.
 */
import { FLOW_WORDS, W } from '../flow/layout.js';
import { finishHash, mixWord } from './dp-flow.js';

/** Hash of a whole key for exact-match tables (written out: this runs for every packet). */
export function exactHash(key: Int32Array): number {
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

/** Whether two keys parsed from frames are equal (in_port and the header words). */
export function packetKeysEqual(a: Int32Array, b: Int32Array): boolean {
  if (a[W.IN_PORT] !== b[W.IN_PORT]) return false;
  for (let i = W.DL_DST; i < FLOW_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The Int32Array view of a key (same memory). */
export function int32View(key: Uint32Array): Int32Array {
  return new Int32Array(key.buffer, key.byteOffset, key.length);
}
