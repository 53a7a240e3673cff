/**
 * A match: a flow key plus a mask, as an OpenFlow rule or a megaflow holds it. Key bits
 * outside the mask are always zero, so two equal matches have equal words.
 */
import { FLOW_WORDS } from './layout.js';
import { newKey, newMask, type FlowKey, type FlowMask } from './key.js';

export interface Match {
  readonly key: FlowKey;
  readonly mask: FlowMask;
}

export function catchAllMatch(): Match {
  return { key: newKey(), mask: newMask() };
}

/** Clears key bits that the mask wildcards. */
export function normalizeMatch(m: Match): Match {
  for (let i = 0; i < FLOW_WORDS; i++) m.key[i] = (m.key[i]! & m.mask[i]!) >>> 0;
  return m;
}

/** The megaflow of a packet: its key under a mask. */
export function matchFromKeyAndMask(key: FlowKey, mask: FlowMask): Match {
  return normalizeMatch({ key: Uint32Array.from(key), mask: Uint32Array.from(mask) });
}
