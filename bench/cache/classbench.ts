/**
 * ACL-like rule sets in the manner of ClassBench (Taylor and Turner, INFOCOM 2005), and
 * packet headers drawn from inside their rules, as its trace generator does. Our own
 * parameters, not ClassBench's seed files; what we keep of its method:
 *
 * - a rule is an *address prefix pair* plus an *application spec* (protocol, source and
 *   destination port ranges), each drawn from its own distribution;
 * - prefix lengths come as *pairs* (a /32 destination with a /24 source is common, two
 *   wildcards are rare), and addresses nest: prefixes are cut from a small hierarchy of
 *   networks, so many rules share leading bits, as in real ACLs;
 * - port ranges fall in classes: WC (any), HI (1024-65535), LO (0-1023), AR (an arbitrary
 *   range) and EM (one port, usually a well-known one); OpenFlow has no ranges, so a range
 *   becomes the few prefix/mask matches that cover it (as a TCAM would store it);
 * - rules are ordered: the earlier one wins (here: the higher priority), the last line
 *   denies everything.
 *
 * The trace side picks a rule and then a header inside its box (random bits where the rule
 * wildcards, an ephemeral source port when the source port is free).
 */
import type { RandomStream } from '../../engine/random.js';
import { formatIpv4 } from '../../sim/flow/addr.js';

export const PROTO = { ANY: 0, ICMP: 1, TCP: 6, UDP: 17 } as const;

/** A closed port range [lo, hi]. */
export type PortRange = readonly [lo: number, hi: number];

export interface AclRule {
  readonly srcAddr: number;
  readonly srcLen: number;
  readonly dstAddr: number;
  readonly dstLen: number;
  /** 0: any IPv4 packet. */
  readonly proto: number;
  readonly sport: PortRange;
  readonly dport: PortRange;
  readonly allow: boolean;
}

export interface AclOptions {
  readonly rules: number;
  /** Fraction of rules that allow (the rest deny). */
  readonly allowFraction?: number;
  /** Addresses to cut prefixes from (default: `networkHosts(rng)`). */
  readonly hosts?: readonly number[];
}

const ANY_PORT: PortRange = [0, 65535];

/** (source length, destination length, weight): an ACL-like joint distribution. */
const PREFIX_PAIRS: readonly (readonly [number, number, number])[] = [
  [32, 32, 14], [24, 32, 14], [16, 32, 9], [0, 32, 12], [8, 32, 3], [28, 32, 3],
  [32, 24, 7], [24, 24, 7], [16, 24, 5], [0, 24, 6], [32, 16, 4], [16, 16, 4],
  [0, 16, 3], [32, 0, 4], [24, 0, 3], [16, 0, 1], [0, 8, 1],
];

const PROTOCOLS: readonly (readonly [number, number])[] = [
  [PROTO.TCP, 62], [PROTO.UDP, 24], [PROTO.ICMP, 5], [PROTO.ANY, 9],
];

type PortClass = 'WC' | 'HI' | 'LO' | 'AR' | 'EM';
const SPORT_CLASSES: readonly (readonly [PortClass, number])[] = [['WC', 86], ['HI', 5], ['EM', 5], ['AR', 4]];
const DPORT_CLASSES: readonly (readonly [PortClass, number])[] = [['EM', 55], ['WC', 18], ['AR', 11], ['HI', 10], ['LO', 6]];
const WELL_KNOWN = [80, 443, 22, 25, 53, 123, 161, 389, 445, 1433, 3306, 5432, 8080, 8443, 6379, 11211] as const;

function weighted<T>(rng: RandomStream, table: readonly (readonly [T, ...unknown[]])[], weightAt: number): T {
  let total = 0;
  for (const row of table) total += row[weightAt] as number;
  let u = rng.uniform() * total;
  for (const row of table) {
    u -= row[weightAt] as number;
    if (u < 0) return row[0];
  }
  return table[table.length - 1]![0];
}

/**
 * A hierarchy of networks: 4 /8s, each with 4 /16s, each with 4 /24s, each with 4 hosts.
 * Cutting a prefix of length L from one of its hosts makes rules nest and share bits.
 */
export function networkHosts(rng: RandomStream): number[] {
  const hosts: number[] = [];
  const firsts = [10, 172, 192, 100];
  for (const a of firsts) {
    for (let i = 0; i < 4; i++) {
      const second = rng.int(0, 255);
      for (let j = 0; j < 4; j++) {
        const third = rng.int(0, 255);
        for (let k = 0; k < 4; k++) hosts.push(((a << 24) | (second << 16) | (third << 8) | rng.int(1, 254)) >>> 0);
      }
    }
  }
  return hosts;
}

export function prefixOf(addr: number, len: number): number {
  return len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0;
}

function portRange(rng: RandomStream, cls: PortClass): PortRange {
  switch (cls) {
    case 'WC':
      return ANY_PORT;
    case 'HI':
      return [1024, 65535];
    case 'LO':
      return [0, 1023];
    case 'EM': {
      const p = rng.bernoulli(0.8) ? rng.pick(WELL_KNOWN) : rng.int(1024, 65535);
      return [p, p];
    }
    case 'AR': {
      // Real ACL ranges are mostly short runs of service ports.
      const lo = rng.int(1, 60000);
      return [lo, Math.min(65535, lo + rng.int(1, 200))];
    }
  }
}

/** Generates an ACL of `opts.rules` distinct rules, first rule first. */
export function generateAcl(rng: RandomStream, opts: AclOptions): AclRule[] {
  const hosts = opts.hosts ?? networkHosts(rng);
  const allowFraction = opts.allowFraction ?? 0.7;
  const seen = new Set<string>();
  const rules: AclRule[] = [];
  for (let tries = 0; rules.length < opts.rules && tries < opts.rules * 20; tries++) {
    const [srcLen, dstLen] = pair(rng);
    const srcAddr = prefixOf(rng.pick(hosts), srcLen);
    const dstAddr = prefixOf(rng.pick(hosts), dstLen);
    const proto = weighted(rng, PROTOCOLS, 1);
    const hasPorts = proto === PROTO.TCP || proto === PROTO.UDP;
    const sport = hasPorts ? portRange(rng, weighted(rng, SPORT_CLASSES, 1)) : ANY_PORT;
    const dport = hasPorts ? portRange(rng, weighted(rng, DPORT_CLASSES, 1)) : ANY_PORT;
    const rule: AclRule = { srcAddr, srcLen, dstAddr, dstLen, proto, sport, dport, allow: rng.bernoulli(allowFraction) };
    const id = `${srcAddr}/${srcLen} ${dstAddr}/${dstLen} ${proto} ${sport.join('-')} ${dport.join('-')}`;
    if (seen.has(id)) continue;
    seen.add(id);
    rules.push(rule);
  }
  return rules;
}

function pair(rng: RandomStream): readonly [number, number] {
  let total = 0;
  for (const p of PREFIX_PAIRS) total += p[2];
  let u = rng.uniform() * total;
  for (const p of PREFIX_PAIRS) {
    u -= p[2];
    if (u < 0) return [p[0], p[1]];
  }
  return [32, 32];
}

/** The value/mask pairs whose union is exactly [lo, hi] (the usual range-to-prefix split). */
export function rangeToMasks(range: PortRange): (readonly [value: number, mask: number])[] {
  const [lo, hi] = range;
  if (lo === 0 && hi === 65535) return [[0, 0]];
  const out: (readonly [number, number])[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 1;
    // Grow the block while it stays aligned and inside the range.
    while ((cur & (size * 2 - 1)) === 0 && cur + size * 2 - 1 <= hi && size < 65536) size *= 2;
    out.push([cur, 0xffff & ~(size - 1)]);
    cur += size;
  }
  return out;
}

function portMatch(name: string, vm: readonly [number, number]): string {
  const [v, m] = vm;
  if (m === 0) return '';
  if (m === 0xffff) return `,${name}=${v}`;
  return `,${name}=0x${v.toString(16)}/0x${m.toString(16)}`;
}

function addrMatch(name: string, addr: number, len: number): string {
  if (len === 0) return '';
  return `,${name}=${formatIpv4(addr)}${len === 32 ? '' : `/${len}`}`;
}

/**
 * The ACL as ovs-ofctl flows in table 0: rule i (of n) gets priority n - i + 1, so the
 * first rule wins; a range becomes one flow per prefix block. Ends with a deny-all.
 */
export function aclFlows(rules: readonly AclRule[], opts: { allowAction?: string; table?: number } = {}): string[] {
  const allowAction = opts.allowAction ?? 'output:2';
  const table = opts.table === undefined ? '' : `table=${opts.table},`;
  const flows: string[] = [];
  const n = rules.length;
  rules.forEach((r, i) => {
    const proto = r.proto === PROTO.TCP ? 'tcp' : r.proto === PROTO.UDP ? 'udp' : r.proto === PROTO.ICMP ? 'icmp' : 'ip';
    const base = `${table}priority=${n - i + 1},${proto}${addrMatch('nw_src', r.srcAddr, r.srcLen)}${addrMatch('nw_dst', r.dstAddr, r.dstLen)}`;
    const action = r.allow ? `actions=${allowAction}` : 'actions=drop';
    const hasPorts = r.proto === PROTO.TCP || r.proto === PROTO.UDP;
    const sp = hasPorts ? rangeToMasks(r.sport) : [[0, 0] as const];
    const dp = hasPorts ? rangeToMasks(r.dport) : [[0, 0] as const];
    for (const s of sp) for (const d of dp) flows.push(`${base}${portMatch('tp_src', s)}${portMatch('tp_dst', d)},${action}`);
  });
  flows.push(`${table}priority=0,actions=drop`);
  return flows;
}

/** A packet's 5-tuple (protocol 6, 17 or 1; ports are ICMP type/code for ICMP). */
export interface FiveTuple {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  readonly sport: number;
  readonly dport: number;
}

function addrIn(rng: RandomStream, addr: number, len: number): number {
  if (len === 32) return addr;
  const free = 32 - len;
  const low = free >= 31 ? rng.int(0, 2 ** 31 - 1) * 2 + rng.int(0, 1) : rng.int(0, 2 ** free - 1);
  return (prefixOf(addr, len) | low) >>> 0;
}

/** A header inside `rule`'s box; a free source port is an ephemeral one, as clients use. */
export function headerIn(rng: RandomStream, rule: AclRule): FiveTuple {
  const src = addrIn(rng, rule.srcAddr, rule.srcLen);
  const dst = addrIn(rng, rule.dstAddr, rule.dstLen);
  const proto = rule.proto === PROTO.ANY ? rng.pick([PROTO.TCP, PROTO.UDP]) : rule.proto;
  if (proto === PROTO.ICMP) return { src, dst, proto, sport: 8, dport: 0 };
  const sport = rule.sport[0] === 0 && rule.sport[1] === 65535 ? rng.int(32768, 60999) : rng.int(rule.sport[0], rule.sport[1]);
  const dport = rng.int(rule.dport[0], rule.dport[1]);
  return { src, dst, proto, sport, dport };
}
