/**
 * Addresses derived from host names, as Mininet derives them: host hN gets the Nth
 * address of 10.0.0.0/8 (h1 → 10.0.0.1, h256 → 10.0.1.0) and a MAC equal to that
 * address's low bits (h1 → 00:00:00:00:00:01), and its one interface is named `hN-eth0`.
 * Explicit addresses, as text or numbers, override the derived ones.
 */
import { parseIpv4, parseMac } from '../flow/addr.js';

/** The network hosts are numbered in (Mininet's default ipBase). */
export const HOST_IP_BASE = 0x0a000000;
export const HOST_PREFIX_LEN = 8;

/** The number in a Mininet-style name (`h12` → 12), or undefined for other names. */
export function hostIndex(name: string): number | undefined {
  const m = /^[a-z]+(\d+)$/i.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n < 2 ** (32 - HOST_PREFIX_LEN) - 1 ? n : undefined;
}

/** The IPv4 address of the host numbered `index`. */
export function ipForIndex(index: number): number {
  return (HOST_IP_BASE + index) >>> 0;
}

/** The MAC of a host with IPv4 address `ip`: the address in the low 32 bits. */
export function macForIp(ip: number): bigint {
  return BigInt(ip & ((1 << (32 - HOST_PREFIX_LEN)) - 1) >>> 0);
}

/** An IPv4 address given as text or number, checked; `what` names it in errors. */
export function toIpv4(v: number | string, what: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${what}: ${v} is not an IPv4 address`);
    return v >>> 0;
  }
  const ip = parseIpv4(v);
  if (ip === undefined) throw new RangeError(`${what}: "${v}" is not an IPv4 address (want a.b.c.d)`);
  return ip;
}

/** A MAC given as text or bigint, checked; `what` names it in errors. */
export function toMac(v: bigint | string, what: string): bigint {
  if (typeof v === 'bigint') {
    if (v < 0n || v > 0xffffffffffffn) throw new RangeError(`${what}: ${v} is not a 48-bit MAC`);
    return v;
  }
  const mac = parseMac(v);
  if (mac === undefined) throw new RangeError(`${what}: "${v}" is not a MAC (want xx:xx:xx:xx:xx:xx)`);
  return mac;
}

export interface HostAddresses {
  readonly ip: number;
  readonly mac: bigint;
}

/** The addresses of host `name`: given ones win, the rest come from the name's number. */
export function hostAddresses(name: string, given: { ip?: number | string; mac?: bigint | string } = {}): HostAddresses {
  let ip: number;
  if (given.ip !== undefined) {
    ip = toIpv4(given.ip, `host ${name} ip`);
  } else {
    const index = hostIndex(name);
    if (index === undefined) {
      throw new RangeError(`host name "${name}" ends in no number to derive an address from; give its ip`);
    }
    ip = ipForIndex(index);
  }
  const mac = given.mac !== undefined ? toMac(given.mac, `host ${name} mac`) : macForIp(ip);
  return { ip, mac };
}
