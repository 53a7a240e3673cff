/**
 * Text forms of addresses, as OVS prints and reads them: MACs as 00:11:22:33:44:55,
 * IPv4 dotted quads, IPv6 in the compressed form of inet_ntop(3).
 */

export function formatMac(v: bigint): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--) parts.push(Number((v >> BigInt(i * 8)) & 0xffn).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** Parses xx:xx:xx:xx:xx:xx (also with '-' separators); undefined when malformed. */
export function parseMac(s: string): bigint | undefined {
  const m = /^([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})$/.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 6; i++) v = (v << 8n) | BigInt(parseInt(m[i]!, 16));
  return v;
}

export function formatIpv4(v: number | bigint): string {
  const n = Number(v) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** Parses a dotted quad; undefined when malformed. */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v >>> 0;
}

/** Formats a 128-bit IPv6 address as inet_ntop does (longest run of zero groups as ::). */
export function formatIpv6(v: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // IPv4-mapped and -compatible forms, as glibc's inet_ntop prints them.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && (g[5] === 0xffff || (g[5] === 0 && g[6] !== 0))) {
    const tail = `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
    return g[5] === 0xffff ? `::ffff:${tail}` : `::${tail}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  const hex = (x: number) => x.toString(16);
  if (bestStart < 0) return g.map(hex).join(':');
  const head = g.slice(0, bestStart).map(hex).join(':');
  const tail = g.slice(bestStart + bestLen).map(hex).join(':');
  return `${head}::${tail}`;
}

/** Parses an IPv6 address (with :: and an embedded IPv4 tail); undefined when malformed. */
export function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let text = s;
  const groupsTail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const ip = parseIpv4(v4[2]!);
    if (ip === undefined) return undefined;
    text = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
    groupsTail.push(ip >>> 16, ip & 0xffff);
  }
  const dbl = text.split('::');
  if (dbl.length > 2) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    for (const p of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  const head = parseGroups(dbl[0]!);
  const tail = dbl.length === 2 ? parseGroups(dbl[1]!) : [];
  if (!head || !tail) return undefined;
  const right = [...tail, ...groupsTail];
  let groups: number[];
  if (dbl.length === 2) {
    const fill = 8 - head.length - right.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...right];
  } else {
    groups = [...head, ...right];
  }
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const x of groups) v = (v << 16n) | BigInt(x);
  return v;
}

/** Length of a CIDR prefix mask over `bits` bits, or -1 when the mask is not a prefix. */
export function prefixLength(mask: bigint, bits: number): number {
  let n = 0;
  for (let i = bits - 1; i >= 0; i--) {
    if ((mask >> BigInt(i)) & 1n) n++;
    else break;
  }
  const prefix = n === 0 ? 0n : (((1n << BigInt(n)) - 1n) << BigInt(bits - n));
  return prefix === mask ? n : -1;
}

export function prefixMask(len: number, bits: number): bigint {
  if (len <= 0) return 0n;
  return ((1n << BigInt(len)) - 1n) << BigInt(bits - len);
}
