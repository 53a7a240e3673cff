/**
 * Big-endian (network order) reads and writes on a Uint8Array, shared by the packet views.
 * MACs travel as 48-bit and IPv6 addresses as 128-bit `bigint`s, as in sim/flow/addr.ts.
 */

export function get16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function set16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

export function get32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function set32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export function getMac(b: Uint8Array, o: number): bigint {
  return (BigInt(get16(b, o)) << 32n) | BigInt(get32(b, o + 2));
}

export function setMac(b: Uint8Array, o: number, v: bigint): void {
  set16(b, o, Number((v >> 32n) & 0xffffn));
  set32(b, o + 2, Number(v & 0xffffffffn));
}

export function getIpv6(b: Uint8Array, o: number): bigint {
  let v = 0n;
  for (let i = 0; i < 16; i += 4) v = (v << 32n) | BigInt(get32(b, o + i));
  return v;
}

export function setIpv6(b: Uint8Array, o: number, v: bigint): void {
  for (let i = 12; i >= 0; i -= 4) {
    set32(b, o + i, Number(v & 0xffffffffn));
    v >>= 32n;
  }
}

/** Parses a hex string (whitespace allowed) into bytes; throws on odd length or bad digits. */
export function fromHex(hex: string): Uint8Array {
  const s = hex.replace(/\s+/g, '');
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
    throw new Error(`"${hex.length > 40 ? hex.slice(0, 40) + '...' : hex}" is not an even-length hex string`);
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
