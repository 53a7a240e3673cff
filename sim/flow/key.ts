/**
 * Flow keys and masks: reading and writing fields of the fixed-layout word arrays.
 *
 * These helpers take a `Field` from the field table and work for any width; values wider
 * than 32 bits travel as `bigint`. They are for parsing, printing and translation, not for
 * the per-packet fast path, which works on words directly.
 */
import { FLOW_WORDS } from './layout.js';
import type { Field } from './fields.js';
import { allocKey } from './key-slab.js';

/** A flow key: the headers and metadata of one packet, in the layout of `layout.ts`. */
export type FlowKey = Uint32Array;
/** A mask over a flow key: 1 bits are matched (un-wildcarded). */
export type FlowMask = Uint32Array;

/** A new all-zero key, carved from a shared slab (see key-slab.ts for why). */
export function newKey(): FlowKey {
  return allocKey();
}

/** A new all-zero mask: everything wildcarded. */
export function newMask(): FlowMask {
  return allocKey();
}

/** All ones over the field's value bits. */
export function fieldAllOnes(f: Field): bigint {
  return f.valueMask !== undefined ? BigInt(f.valueMask) : (1n << BigInt(f.bits)) - 1n;
}

/** Reads a field's value from a key (or a mask). */
export function readField(key: Uint32Array, f: Field): bigint {
  if (f.nWords === 1) {
    const v = key[f.word]! >>> f.shift;
    const bits = f.bits === 32 ? 0xffffffff : (1 << f.bits) - 1;
    const vm = f.valueMask ?? bits;
    return BigInt((v & vm) >>> 0);
  }
  let v = 0n;
  for (let i = 0; i < f.nWords; i++) v = (v << 32n) | BigInt(key[f.word + i]!);
  return v & ((1n << BigInt(f.bits)) - 1n);
}

/** Writes the bits of `value` selected by `mask` into a field of a key; other bits stay. */
export function writeFieldMasked(key: Uint32Array, f: Field, value: bigint, mask: bigint): void {
  const all = fieldAllOnes(f);
  mask &= all;
  value &= mask;
  if (f.nWords === 1) {
    const m = Number(mask) << f.shift;
    const v = Number(value) << f.shift;
    key[f.word] = ((key[f.word]! & ~m) | v) >>> 0;
    return;
  }
  for (let i = f.nWords - 1; i >= 0; i--) {
    const m = Number(mask & 0xffffffffn);
    const v = Number(value & 0xffffffffn);
    key[f.word + i] = ((key[f.word + i]! & ~m) | v) >>> 0;
    mask >>= 32n;
    value >>= 32n;
  }
}

export function writeField(key: Uint32Array, f: Field, value: bigint): void {
  writeFieldMasked(key, f, value, fieldAllOnes(f));
}

/** Un-wildcards (ORs in) `bits` of a field in a mask. */
export function orFieldMask(mask: FlowMask, f: Field, bits: bigint = fieldAllOnes(f)): void {
  const cur = readField(mask, f);
  writeField(mask, f, cur | bits);
}

export function keysEqual(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `key` agrees with `ruleKey` on every bit of `mask`. */
export function matchesMasked(key: Uint32Array, ruleKey: Uint32Array, mask: Uint32Array): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) if (((key[i]! ^ ruleKey[i]!) & mask[i]!) !== 0) return false;
  return true;
}
