/**
 * OpenFlow port numbers as text, the way ovs-ofctl reads and prints them.
 *
 * Numbers use OpenFlow 1.0's 16-bit space (what OVS keeps internally and prints); the
 * reserved ports have names (LOCAL, CONTROLLER...). A `PortMap` adds the bridge's own
 * port names, so `in_port=p1` reads and `output:p1` prints by name when one is given.
 */
import { OFPP } from './layout.js';

export interface PortMap {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

/** OVS also knows 0xfff7 as UNSET (only meaningful for actset_output). */
const OFPP_UNSET = 0xfff7;
/** OpenFlow 1.1+ 32-bit reserved numbers are the 16-bit ones plus this offset. */
const OFPP11_OFFSET = 0xffff0000;

/** Names printed for reserved ports; 0xffff prints as ANY (OpenFlow 1.1's name for it). */
const RESERVED_NAMES: ReadonlyMap<number, string> = new Map([
  [OFPP.IN_PORT, 'IN_PORT'],
  [OFPP.TABLE, 'TABLE'],
  [OFPP.NORMAL, 'NORMAL'],
  [OFPP.FLOOD, 'FLOOD'],
  [OFPP.ALL, 'ALL'],
  [OFPP.CONTROLLER, 'CONTROLLER'],
  [OFPP.LOCAL, 'LOCAL'],
  [OFPP.NONE, 'ANY'],
  [OFPP_UNSET, 'UNSET'],
]);

/** Names read for reserved ports (case-insensitive); NONE and ANY are the same port. */
const RESERVED_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...[...RESERVED_NAMES].map(([n, s]) => [s, n] as const),
  ['NONE', OFPP.NONE],
]);

/** Builds a port map from name/number pairs. */
export function portMapOf(entries: Iterable<readonly [string, number]>): PortMap {
  const byName = new Map<string, number>();
  const byNumber = new Map<number, string>();
  for (const [name, n] of entries) {
    byName.set(name, n);
    byNumber.set(n, name);
  }
  return { byName, byNumber };
}

/** The reserved name of a port number, if it has one. */
export function reservedPortName(n: number): string | undefined {
  return RESERVED_NAMES.get(n);
}

function needsQuotes(name: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9]*$/.test(name);
}

/** Prints a port as OVS does: reserved name, else the bridge's name for it, else the number. */
export function formatPort(n: number, ports?: PortMap): string {
  const reserved = RESERVED_NAMES.get(n);
  if (reserved !== undefined) return reserved;
  const name = ports?.byNumber.get(n);
  if (name !== undefined) return needsQuotes(name) ? JSON.stringify(name) : name;
  return String(n);
}

/**
 * Reads a port: a decimal number (OpenFlow 1.1 32-bit reserved numbers are folded into
 * the 16-bit space), a reserved name, or a name from `ports` (optionally in double
 * quotes). Returns undefined when the text names no port.
 */
export function parsePort(text: string, ports?: PortMap): number | undefined {
  if (text.startsWith('-')) return undefined;
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n <= 0xffff) return n;
    if (n < 0xffffff00) return undefined;
    if (n > 0xffffffff) return undefined;
    return n - OFPP11_OFFSET;
  }
  const reserved = RESERVED_BY_NAME.get(text.toUpperCase());
  if (reserved !== undefined) return reserved;
  let name = text;
  if (text.length > 1 && text.startsWith('"') && text.endsWith('"')) {
    try {
      const unquoted: unknown = JSON.parse(text);
      if (typeof unquoted !== 'string') return undefined;
      name = unquoted;
    } catch {
      return undefined;
    }
  }
  const n = ports?.byName.get(name);
  return n === undefined || n === OFPP.NONE ? undefined : n;
}
