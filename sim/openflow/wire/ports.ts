/**
 * Port numbers across versions. We hold OpenFlow 1.0's 16-bit numbers (as Open vSwitch
 * does internally); OpenFlow 1.1+ carries 32 bits with the reserved ports at the top
 * (0xfffffff8 IN_PORT … 0xffffffff ANY), so the top 256 values map onto 0xff00..0xffff.
 */
export function portToOf11(p: number): number {
  return p >= 0xff00 ? (p + 0xffff0000) >>> 0 : p;
}

/** The 16-bit port for a 32-bit one; undefined for numbers 1.0 cannot hold. */
export function portFromOf11(p: number): number | undefined {
  if (p < 0xff00) return p;
  if (p >= 0xffffff00) return p - 0xffff0000;
  return undefined;
}

/** OFPG_ANY, "no group" in flow mods and stats requests. */
export const OFPG_ANY = 0xffffffff;
/** "No buffer" in packet-in, packet-out and flow mods. */
export const NO_BUFFER = 0xffffffff;
