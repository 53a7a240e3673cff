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
import { ETH_TYPE, W } from '../flow/layout.js';

const IPV4 = ETH_TYPE.IP;
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

/**
 * Whether two keys parsed from frames are equal. Extraction leaves a word zero unless the
 * packet has that header, so once the EtherTypes agree, an IPv4 packet's IPv6, ND and ARP
 * hardware words are zero in both keys and need no comparing.
 */
export function packetKeysEqual(a: Int32Array, b: Int32Array): boolean {
  if (
    a[W.TP_SRC] !== b[W.TP_SRC] ||
    a[W.TP_DST] !== b[W.TP_DST] ||
    a[W.NW_SRC] !== b[W.NW_SRC] ||
    a[W.NW_DST] !== b[W.NW_DST] ||
    a[W.DL_TYPE] !== b[W.DL_TYPE] ||
    a[W.IN_PORT] !== b[W.IN_PORT] ||
    a[W.NW_PROTO] !== b[W.NW_PROTO] ||
    a[W.TCP_FLAGS] !== b[W.TCP_FLAGS] ||
    a[W.DL_DST] !== b[W.DL_DST] ||
    a[W.DL_DST + 1] !== b[W.DL_DST + 1] ||
    a[W.DL_SRC] !== b[W.DL_SRC] ||
    a[W.DL_SRC + 1] !== b[W.DL_SRC + 1] ||
    a[W.VLAN0] !== b[W.VLAN0] ||
    a[W.VLAN1] !== b[W.VLAN1] ||
    a[W.NW_FRAG] !== b[W.NW_FRAG] ||
    a[W.NW_TOS] !== b[W.NW_TOS] ||
    a[W.NW_TTL] !== b[W.NW_TTL]
  ) {
    return false;
  }
  if (a[W.DL_TYPE] === IPV4) return true;
  for (let i = W.IPV6_SRC; i < W.NW_FRAG; i++) if (a[i] !== b[i]) return false;
  for (let i = W.ND_TARGET; i < W.TCP_FLAGS; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The Int32Array view of a key (same memory). */
export function int32View(key: Uint32Array): Int32Array {
  return new Int32Array(key.buffer, key.byteOffset, key.length);
}
