/**
 * Cheap flow keys for the slow path.
 *
 * In V8 a typed array larger than 64 bytes gets a backing store of its own, which costs
 * about half a microsecond to create — a flow key (236 bytes) is over that line, and the
 * slow path creates several per packet. So keys are carved out of large shared buffers:
 * a key is a view into a slab, and a slab is freed by the garbage collector once no key
 * into it is left.
 */
import { FLOW_WORDS } from './layout.js';

const KEYS_PER_SLAB = 1024;
const KEY_BYTES = FLOW_WORDS * 4;

let slab = new ArrayBuffer(KEYS_PER_SLAB * KEY_BYTES);
let next = 0;

/** A new all-zero key (or mask). */
export function allocKey(): Uint32Array {
  if (next === KEYS_PER_SLAB) {
    slab = new ArrayBuffer(KEYS_PER_SLAB * KEY_BYTES);
    next = 0;
  }
  return new Uint32Array(slab, KEY_BYTES * next++, FLOW_WORDS);
}

/** A new key holding a copy of `src`. */
export function copyKey(src: Uint32Array): Uint32Array {
  const k = allocKey();
  k.set(src);
  return k;
}
