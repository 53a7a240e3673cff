/**
 * A datapath flow: one entry of the flow cache — a match (key and mask over the flow-key
 * layout, with the datapath's own port number in in_port), the datapath actions to run,
 * and the statistics `dpctl/dump-flows` shows.
 */
import type { CompiledActions } from './execute.js';
import type { OdpAction } from './odp-actions.js';

export interface DpFlow {
  /** The key of the packet whose upcall installed the flow (dump-flows prints it under the mask). */
  readonly packetKey: Uint32Array;
  /** The key, zero outside the mask. */
  readonly key: Uint32Array;
  /** The same key read as signed words (what the fast path compares). */
  readonly key32: Int32Array;
  readonly mask: Uint32Array;
  actions: readonly OdpAction[];
  /** The actions compiled for execution (see execute.ts). */
  compiled: CompiledActions;
  packets: number;
  bytes: number;
  /** Engine time of the last packet, or -1 when none has hit the flow yet. */
  usedNs: number;
  /** TCP flags seen (OR of all packets). */
  tcpFlags: number;
  readonly createdNs: number;
  /** Set when the flow is deleted, so caches that still point at it (EMC) miss. */
  dead: boolean;
}

/** A murmur3-style mixing step over 32-bit words. */
export function mixWord(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The final avalanche of murmur3, so low bits depend on every input bit (a signed 32-bit result). */
export function finishHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
