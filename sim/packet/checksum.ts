/**
 * Checksums of the formats in this folder: the Internet checksum (RFC 1071) used by
 * IPv4, ICMP, TCP, UDP and ICMPv6 with its IPv4/IPv6 pseudo-headers, and CRC32c
 * (Castagnoli, RFC 3309) used by SCTP.
 *
 * Internet checksums are built in two steps so the pseudo-header and the segment can be
 * summed separately: `sum*` functions return an unfolded 32-bit partial sum, `finish`
 * folds it and takes the complement.
 */
import { get16 } from './bytes.js';

/** Adds `b[start..end)` as 16-bit big-endian words to a partial sum (odd tail padded with 0). */
export function sumBytes(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += get16(b, i);
  if (i < end) s += b[i]! << 8;
  // Fold now and then so the sum never leaves the safe-integer range on huge buffers.
  return (s & 0xffff) + Math.floor(s / 0x10000);
}

/** Folds a partial sum to 16 bits and complements it: the value to store in the header. */
export function finish(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The Internet checksum of `b[start..end)`. */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length): number {
  return finish(sumBytes(b, start, end));
}

/** Partial sum of the IPv4 pseudo-header (RFC 793 / RFC 768). */
export function ipv4PseudoSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/** Partial sum of the IPv6 pseudo-header (RFC 8200 section 8.1). */
export function ipv6PseudoSum(src: bigint, dst: bigint, nextHeader: number, length: number): number {
  let s = nextHeader + (length >>> 16) + (length & 0xffff);
  for (let i = 0; i < 8; i++) {
    const shift = BigInt(i * 16);
    s += Number((src >> shift) & 0xffffn) + Number((dst >> shift) & 0xffffn);
  }
  return s;
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32c of `b[start..end)` (reflected, initial and final value 0xffffffff). */
export function crc32c(b: Uint8Array, start = 0, end = b.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC32C_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
