/**
 * Seeded random cases for the differential tests: small OpenFlow pipelines (1-4 tables)
 * that use every match field and every action ovsim supports, and trace flow strings
 * aimed at them.
 *
 * Every rule's match is kept as a list of value/mask constraints next to its text, so
 * packets can be built that satisfy a rule (most traces), that miss it by one bit (near
 * misses, which probe the megaflow mask) or that are plain random. Flows respect OVS's
 * prerequisites (tp_dst needs tcp/udp/sctp, set_field needs its field's protocol in the
 * match, pop_vlan needs a VLAN...), so that OVS accepts nearly all of them; the few it
 * refuses are compared as rejections.
 *
 * A case is plain JSON: {ports, flows, traces, version}.
 */
import seedrandom from 'seedrandom';
import { formatIpv4, formatIpv6, formatMac } from '../../sim/flow/addr.js';

export type OfVersionName = 'OpenFlow10' | 'OpenFlow13' | 'OpenFlow15';

export interface DiffCase {
  readonly ports: number[];
  readonly flows: string[];
  readonly traces: string[];
  readonly version: OfVersionName;
}

type Rng = () => number;

// --- small random helpers ------------------------------------------------------------

function int(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}
function pick<T>(r: Rng, xs: readonly T[]): T {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
}
function chance(r: Rng, p: number): boolean {
  return r() < p;
}
function randBits(r: Rng, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(int(r, 0, 0xffff));
  return v & ((1n << BigInt(bits)) - 1n);
}
function full(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}
/** A prefix mask of `len` leading ones in a field of `bits` bits. */
function prefix(bits: number, len: number): bigint {
  return full(bits) ^ full(bits - len);
}

// --- value formatting -----------------------------------------------------------------

type Kind = 'dec' | 'hex' | 'mac' | 'ipv4' | 'ipv6';

// Text forms of addresses: any form both OVS and ovsim read will do, so ovsim's own.
const fmtMac = (v: bigint): string => formatMac(v);
const fmtIpv4 = (v: bigint): string => formatIpv4(v);
const fmtIpv6 = (v: bigint): string => formatIpv6(v);
function fmt(kind: Kind, v: bigint): string {
  switch (kind) {
    case 'dec':
      return v.toString(10);
    case 'hex':
      return '0x' + v.toString(16);
    case 'mac':
      return fmtMac(v);
    case 'ipv4':
      return fmtIpv4(v);
    case 'ipv6':
      return fmtIpv6(v);
  }
}
function prefixLen(bits: number, mask: bigint): number | null {
  for (let len = 0; len <= bits; len++) if (prefix(bits, len) === mask) return len;
  return null;
}
function fmtMasked(r: Rng, kind: Kind, bits: number, v: bigint, m: bigint): string {
  if (m === full(bits)) return fmt(kind, v);
  const len = prefixLen(bits, m);
  // An IPv6 mask written as an address must not start with a decimal digit (OVS would read
  // the digits as a prefix length), so IPv6 prefixes are always written as lengths.
  if ((kind === 'ipv4' || kind === 'ipv6') && len !== null && (kind === 'ipv6' || chance(r, 0.7))) return `${fmt(kind, v)}/${len}`;
  return `${fmt(kind, v)}/${fmt(kind === 'dec' ? 'hex' : kind, m)}`;
}

// --- protocols ------------------------------------------------------------------------

type Proto =
  | 'any' | 'eth' | 'ip' | 'tcp' | 'udp' | 'sctp' | 'icmp'
  | 'ipv6' | 'tcp6' | 'udp6' | 'sctp6' | 'icmp6' | 'nd_ns' | 'nd_na' | 'arp';

interface ProtoInfo {
  readonly parent: Proto | null;
  /** Ways to write the protocol in a match (each a list of match items). */
  readonly spell: readonly string[];
  /** The keyword a trace flow string uses. */
  readonly traceWord: string;
}

const PROTOS: Record<Proto, ProtoInfo> = {
  any: { parent: null, spell: [''], traceWord: '' },
  eth: { parent: 'any', spell: ['dl_type=0x88cc'], traceWord: 'dl_type=0x88cc' },
  ip: { parent: 'any', spell: ['ip', 'dl_type=0x0800', 'eth_type=0x800'], traceWord: 'ip' },
  tcp: { parent: 'ip', spell: ['tcp', 'ip,nw_proto=6', 'dl_type=0x0800,ip_proto=6'], traceWord: 'tcp' },
  udp: { parent: 'ip', spell: ['udp', 'ip,nw_proto=17'], traceWord: 'udp' },
  sctp: { parent: 'ip', spell: ['sctp'], traceWord: 'sctp' },
  icmp: { parent: 'ip', spell: ['icmp', 'ip,nw_proto=1'], traceWord: 'icmp' },
  ipv6: { parent: 'any', spell: ['ipv6', 'dl_type=0x86dd'], traceWord: 'ipv6' },
  tcp6: { parent: 'ipv6', spell: ['tcp6', 'ipv6,nw_proto=6'], traceWord: 'tcp6' },
  udp6: { parent: 'ipv6', spell: ['udp6'], traceWord: 'udp6' },
  sctp6: { parent: 'ipv6', spell: ['sctp6'], traceWord: 'sctp6' },
  icmp6: { parent: 'ipv6', spell: ['icmp6', 'ipv6,nw_proto=58'], traceWord: 'icmp6' },
  nd_ns: { parent: 'icmp6', spell: ['icmp6,icmp_type=135,icmp_code=0', 'icmp6,icmpv6_type=135'], traceWord: 'icmp6,icmpv6_type=135,icmpv6_code=0' },
  nd_na: { parent: 'icmp6', spell: ['icmp6,icmpv6_type=136,icmpv6_code=0'], traceWord: 'icmp6,icmpv6_type=136,icmpv6_code=0' },
  arp: { parent: 'any', spell: ['arp', 'dl_type=0x0806'], traceWord: 'arp' },
};

function isA(p: Proto, ancestor: Proto): boolean {
  for (let q: Proto | null = p; q !== null; q = PROTOS[q].parent) if (q === ancestor) return true;
  return false;
}
/** The more specific of two protocols, or null when no packet is both. */
function meet(a: Proto, b: Proto): Proto | null {
  if (isA(a, b)) return a;
  if (isA(b, a)) return b;
  return null;
}
const isIp4 = (p: Proto): boolean => isA(p, 'ip');
const isIp6 = (p: Proto): boolean => isA(p, 'ipv6');
const isIpAny = (p: Proto): boolean => isIp4(p) || isIp6(p);
const isL4Ports = (p: Proto): boolean => ['tcp', 'udp', 'sctp', 'tcp6', 'udp6', 'sctp6'].includes(p);
const isTcp = (p: Proto): boolean => p === 'tcp' || p === 'tcp6';

// --- fields ---------------------------------------------------------------------------

interface FieldSpec {
  /** The field a packet carries (the trace string's name for it). */
  readonly key: string;
  /** Names a match may use for it. */
  readonly names: readonly string[];
  readonly kind: Kind;
  readonly bits: number;
  readonly maskable: boolean;
  /** Whether a rule of this protocol may match the field. */
  readonly applies: (p: Proto) => boolean;
  /** An "interesting" value: drawn from small pools so rules and packets collide. */
  readonly value: (r: Rng) => bigint;
  /** A mask for a maskable field (defaults to a random prefix or bit pattern). */
  readonly mask?: (r: Rng) => bigint;
}

const MACS = [0x0000000000aan, 0x0000000000bbn, 0x505400000001n, 0x505400000002n, 0xffffffffffffn, 0x01005e000001n];
const IP4S = [0x0a000001n, 0x0a000002n, 0x0a000101n, 0xc0a80101n, 0xc0a801fen, 0xac100005n];
const IP6S = [
  0x20010db8000000000000000000000001n,
  0x20010db8000000000000000000000002n,
  0x20010db8000100000000000000000001n,
  0xfe800000000000000000000000000001n,
  0xff020000000000000000000000000001n,
];
const L4PORTS = [80, 443, 22, 53, 8080, 1024, 0];

function fromPool(pool: readonly bigint[], bits: number, pRandom = 0.25): (r: Rng) => bigint {
  return (r) => (chance(r, pRandom) ? randBits(r, bits) : pick(r, pool));
}
function smallOrRandom(bits: number, small: readonly number[]): (r: Rng) => bigint {
  return (r) => (chance(r, 0.7) ? BigInt(pick(r, small)) : randBits(r, bits));
}
function macMask(r: Rng): bigint {
  return pick(r, [0xffffff000000n, 0x010000000000n, 0xfffffffffff0n, 0xfeffffffffffn, randBits(r, 48)]);
}
function ipMask(bits: number): (r: Rng) => bigint {
  // OVS reads an IPv6 mask that starts with a decimal digit as a prefix length: arbitrary
  // IPv6 masks here start with 0xf so that they stay masks.
  const top = bits === 128 ? 0xfn << 124n : 0n;
  return (r) => (chance(r, 0.8) ? prefix(bits, int(r, 1, bits)) : randBits(r, bits) | top);
}
function intMask(bits: number): (r: Rng) => bigint {
  return (r) => (chance(r, 0.5) ? prefix(bits, int(r, 1, bits)) : randBits(r, bits) | 1n);
}

const always = (): boolean => true;
const REG_FIELDS: FieldSpec[] = Array.from({ length: 16 }, (_, i) => ({
  key: `reg${i}`,
  names: [`reg${i}`],
  kind: 'hex' as const,
  bits: 32,
  maskable: true,
  applies: always,
  value: smallOrRandom(32, [0, 1, 2, 5, 0x10, 0xffff]),
  mask: intMask(32),
}));

const FIELDS: FieldSpec[] = [
  { key: 'metadata', names: ['metadata'], kind: 'hex', bits: 64, maskable: true, applies: always, value: smallOrRandom(64, [0, 1, 2, 0xab]), mask: intMask(64) },
  ...REG_FIELDS,
  { key: 'tun_id', names: ['tun_id', 'tunnel_id'], kind: 'hex', bits: 64, maskable: true, applies: always, value: smallOrRandom(64, [0, 1, 5, 0x64]), mask: intMask(64) },
  { key: 'dl_src', names: ['dl_src', 'eth_src'], kind: 'mac', bits: 48, maskable: true, applies: always, value: fromPool(MACS, 48), mask: macMask },
  { key: 'dl_dst', names: ['dl_dst', 'eth_dst'], kind: 'mac', bits: 48, maskable: true, applies: always, value: fromPool(MACS, 48), mask: macMask },
  { key: 'nw_src', names: ['nw_src', 'ip_src'], kind: 'ipv4', bits: 32, maskable: true, applies: isIp4, value: fromPool(IP4S, 32), mask: ipMask(32) },
  { key: 'nw_dst', names: ['nw_dst', 'ip_dst'], kind: 'ipv4', bits: 32, maskable: true, applies: isIp4, value: fromPool(IP4S, 32), mask: ipMask(32) },
  { key: 'ipv6_src', names: ['ipv6_src'], kind: 'ipv6', bits: 128, maskable: true, applies: isIp6, value: fromPool(IP6S, 128), mask: ipMask(128) },
  { key: 'ipv6_dst', names: ['ipv6_dst'], kind: 'ipv6', bits: 128, maskable: true, applies: isIp6, value: fromPool(IP6S, 128), mask: ipMask(128) },
  { key: 'ipv6_label', names: ['ipv6_label'], kind: 'hex', bits: 20, maskable: true, applies: isIp6, value: smallOrRandom(20, [0, 1, 0x12345]), mask: intMask(20) },
  { key: 'nw_ecn', names: ['nw_ecn', 'ip_ecn'], kind: 'dec', bits: 2, maskable: false, applies: isIpAny, value: (r) => BigInt(int(r, 0, 3)) },
  { key: 'nw_ttl', names: ['nw_ttl'], kind: 'dec', bits: 8, maskable: false, applies: isIpAny, value: smallOrRandom(8, [0, 1, 2, 64, 255]) },
  { key: 'tp_src', names: ['tp_src'], kind: 'dec', bits: 16, maskable: true, applies: isL4Ports, value: smallOrRandom(16, L4PORTS), mask: intMask(16) },
  { key: 'tp_dst', names: ['tp_dst'], kind: 'dec', bits: 16, maskable: true, applies: isL4Ports, value: smallOrRandom(16, L4PORTS), mask: intMask(16) },
  { key: 'tcp_flags', names: ['tcp_flags'], kind: 'hex', bits: 12, maskable: true, applies: isTcp, value: smallOrRandom(12, [0x002, 0x012, 0x010, 0x001, 0x004]), mask: (r) => pick(r, [0x002n, 0x012n, 0x017n, 0xfffn, randBits(r, 12) | 1n]) },
  { key: 'icmp_type', names: ['icmp_type'], kind: 'dec', bits: 8, maskable: false, applies: (p) => p === 'icmp', value: smallOrRandom(8, [0, 3, 8, 11]) },
  { key: 'icmp_code', names: ['icmp_code'], kind: 'dec', bits: 8, maskable: false, applies: (p) => p === 'icmp', value: smallOrRandom(8, [0, 1, 3]) },
  { key: 'icmpv6_type', names: ['icmpv6_type', 'icmp_type'], kind: 'dec', bits: 8, maskable: false, applies: (p) => p === 'icmp6', value: smallOrRandom(8, [1, 128, 129, 133, 134]) },
  { key: 'icmpv6_code', names: ['icmpv6_code', 'icmp_code'], kind: 'dec', bits: 8, maskable: false, applies: (p) => p === 'icmp6', value: smallOrRandom(8, [0, 1]) },
  { key: 'nd_target', names: ['nd_target'], kind: 'ipv6', bits: 128, maskable: true, applies: (p) => p === 'nd_ns' || p === 'nd_na', value: fromPool(IP6S, 128), mask: ipMask(128) },
  { key: 'nd_sll', names: ['nd_sll'], kind: 'mac', bits: 48, maskable: true, applies: (p) => p === 'nd_ns', value: fromPool(MACS, 48), mask: macMask },
  { key: 'nd_tll', names: ['nd_tll'], kind: 'mac', bits: 48, maskable: true, applies: (p) => p === 'nd_na', value: fromPool(MACS, 48), mask: macMask },
  { key: 'arp_op', names: ['arp_op'], kind: 'dec', bits: 8, maskable: false, applies: (p) => p === 'arp', value: (r) => BigInt(pick(r, [1, 2, 1, 2, 3])) },
  { key: 'arp_spa', names: ['arp_spa'], kind: 'ipv4', bits: 32, maskable: true, applies: (p) => p === 'arp', value: fromPool(IP4S, 32), mask: ipMask(32) },
  { key: 'arp_tpa', names: ['arp_tpa'], kind: 'ipv4', bits: 32, maskable: true, applies: (p) => p === 'arp', value: fromPool(IP4S, 32), mask: ipMask(32) },
  { key: 'arp_sha', names: ['arp_sha'], kind: 'mac', bits: 48, maskable: true, applies: (p) => p === 'arp', value: fromPool(MACS, 48), mask: macMask },
  { key: 'arp_tha', names: ['arp_tha'], kind: 'mac', bits: 48, maskable: true, applies: (p) => p === 'arp', value: fromPool(MACS, 48), mask: macMask },
];

/** Fields a packet of each protocol carries in a trace string (besides in_port). */
function packetFields(p: Proto): FieldSpec[] {
  return FIELDS.filter((f) => f.applies(p) && !f.key.startsWith('reg') && f.key !== 'metadata' && f.key !== 'tun_id');
}

/** One requirement a rule puts on a packet: (packet[key] & mask) == value. */
interface Constraint {
  readonly key: string;
  readonly value: bigint;
  readonly mask: bigint;
  readonly bits: number;
}

// Special fields with their own syntax: VLAN (five spellings over one TCI), nw_tos/ip_dscp,
// ip_frag (named values), in_port (port names).
const FRAG_VALUES: Record<string, [bigint, bigint]> = {
  no: [0n, 1n],
  yes: [1n, 1n],
  first: [1n, 3n],
  later: [3n, 3n],
  not_later: [0n, 2n],
};

interface MatchPart {
  readonly text: string;
  readonly constraint: Constraint;
}

function vlanMatch(r: Rng): MatchPart {
  const vid = BigInt(pick(r, [1, 10, 100, 4095, int(r, 1, 4094)]));
  const pcp = BigInt(int(r, 0, 7));
  const c = (value: bigint, mask: bigint): Constraint => ({ key: 'vlan_tci', value: value & mask, mask, bits: 16 });
  switch (int(r, 0, 5)) {
    case 0:
      return { text: `dl_vlan=${vid}`, constraint: c(0x1000n | vid, 0x1fffn) };
    case 1:
      return { text: `dl_vlan_pcp=${pcp}`, constraint: c(0x1000n | (pcp << 13n), 0xf000n) };
    case 2:
      return { text: `vlan_pcp=${pcp}`, constraint: c(0x1000n | (pcp << 13n), 0xf000n) };
    case 3: {
      const mask = pick(r, [0x1fffn, 0x1000n, 0x1ff0n, 0x1f00n]);
      const v = (0x1000n | vid) & mask;
      return { text: mask === 0x1fffn ? `vlan_vid=${0x1000n | vid}` : `vlan_vid=0x${v.toString(16)}/0x${mask.toString(16)}`, constraint: c(v, mask) };
    }
    case 4:
      // no VLAN at all
      return chance(r, 0.5)
        ? { text: 'vlan_tci=0', constraint: c(0n, 0xffffn) }
        : { text: 'vlan_tci=0x0000/0x1000', constraint: c(0n, 0x1000n) };
    default: {
      // Always with the CFI bit: OVS refuses VID/PCP bits matched without it.
      const mask = pick(r, [0x1000n, 0x1fffn, 0xffffn, 0xf000n, randBits(r, 16) | 0x1000n, 0x1ff0n]);
      const v = (0x1000n | (pcp << 13n) | vid) & mask;
      return { text: `vlan_tci=0x${v.toString(16).padStart(4, '0')}/0x${mask.toString(16)}`, constraint: c(v, mask) };
    }
  }
}

// --- rules ----------------------------------------------------------------------------

interface Rule {
  readonly table: number;
  readonly priority: number;
  readonly proto: Proto;
  readonly inPort: number | null;
  readonly constraints: Constraint[];
  readonly text: string;
  /** Whether the rule's match says a VLAN header is present (for VLAN action prerequisites). */
  readonly vlan: boolean;
}

const PROTO_WEIGHTS: [Proto, number][] = [
  ['any', 14], ['eth', 2], ['ip', 10], ['tcp', 14], ['udp', 8], ['sctp', 2], ['icmp', 5],
  ['ipv6', 6], ['tcp6', 5], ['udp6', 3], ['sctp6', 1], ['icmp6', 3], ['nd_ns', 2], ['nd_na', 2], ['arp', 7],
];
function pickProto(r: Rng): Proto {
  const total = PROTO_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [p, w] of PROTO_WEIGHTS) {
    x -= w;
    if (x < 0) return p;
  }
  return 'any';
}

interface Ctx {
  readonly r: Rng;
  readonly ports: number[];
  readonly nTables: number;
  readonly version: OfVersionName;
}

function portName(n: number): string {
  return n === 0xfffe ? 'LOCAL' : String(n);
}

/** A rule's match; `proto` is what actions may rely on, `l4Proto` what packets must be. */
function genMatch(ctx: Ctx, table: number): Omit<Rule, 'table' | 'priority' | 'text'> & { items: string[]; l4Proto: Proto } {
  const { r } = ctx;
  const proto = pickProto(r);
  const items: string[] = [];
  const constraints: Constraint[] = [];
  const spell = pick(r, PROTOS[proto].spell);
  if (spell !== '') items.push(spell);
  let inPort: number | null = null;
  if (chance(r, table === 0 ? 0.5 : 0.25)) {
    inPort = chance(r, 0.1) ? 0xfffe : pick(r, ctx.ports);
    items.push(`in_port=${portName(inPort)}`);
  }
  let vlan = false;
  if (chance(r, 0.15)) {
    const m = vlanMatch(r);
    items.push(m.text);
    constraints.push(m.constraint);
    vlan = (m.constraint.mask & m.constraint.value & 0x1000n) !== 0n;
  }
  if (isIpAny(proto) && chance(r, 0.15)) {
    const dscp = BigInt(int(r, 0, 63));
    items.push(chance(r, 0.5) ? `nw_tos=${dscp << 2n}` : `ip_dscp=${dscp}`);
    constraints.push({ key: 'nw_tos', value: dscp << 2n, mask: 0xfcn, bits: 8 });
  }
  const candidates = FIELDS.filter((f) => f.applies(proto));
  const n = pick(r, [0, 1, 1, 2, 2, 3, 4]);
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    // L3/L4 fields of the rule's own protocol are likelier than registers.
    const specific = candidates.filter((f) => !f.applies('any'));
    const f = specific.length > 0 && chance(r, 0.6) ? pick(r, specific) : pick(r, candidates);
    if (used.has(f.key) || (f.key === 'tun_id' && chance(r, 0.7))) continue;
    used.add(f.key);
    const value = f.value(r);
    let mask = full(f.bits);
    if (f.maskable && f.mask !== undefined && chance(r, 0.45)) mask = f.mask(r);
    const v = value & mask;
    let name = pick(r, f.names);
    if (f.key === 'tp_src' || f.key === 'tp_dst') {
      const dir = f.key.slice(3);
      const l4 = proto.replace('6', '');
      name = chance(r, 0.6) ? f.key : `${l4}_${dir}`;
    }
    let text: string;
    if (f.key === 'tcp_flags' && mask !== full(12) && chance(r, 0.5)) text = `tcp_flags=${tcpFlagsText(v, mask)}`;
    else text = `${name}=${fmtMasked(r, f.kind, f.bits, v, mask)}`;
    items.push(text);
    constraints.push({ key: f.key, value: v, mask, bits: f.bits });
  }
  if (isIpAny(proto) && chance(r, 0.12)) {
    // OVS refuses L4 fields in a match on later fragments (they have no L4 header).
    const hasL4 = constraints.some((c) => ['tp_src', 'tp_dst', 'tcp_flags', 'icmp_type', 'icmp_code', 'icmpv6_type', 'icmpv6_code', 'nd_target', 'nd_sll', 'nd_tll'].includes(c.key));
    const name = pick(r, hasL4 ? ['no', 'first', 'not_later'] : Object.keys(FRAG_VALUES));
    const [v, m] = FRAG_VALUES[name] ?? [0n, 0n];
    items.push(`${pick(r, ['ip_frag', 'nw_frag'])}=${name}`);
    constraints.push({ key: 'ip_frag', value: v, mask: m, bits: 2 });
    // Later fragments have no L4 header: actions may not touch one.
    if (name === 'later') return { proto: isIp4(proto) ? 'ip' : 'ipv6', inPort, constraints, vlan, items, l4Proto: proto };
  }
  return { proto, inPort, constraints, vlan, items, l4Proto: proto };
}

const TCP_FLAG_NAMES = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'];
function tcpFlagsText(v: bigint, m: bigint): string {
  let s = '';
  for (let i = 0; i < TCP_FLAG_NAMES.length; i++) {
    const bit = 1n << BigInt(i);
    if ((m & bit) !== 0n) s += ((v & bit) !== 0n ? '+' : '-') + (TCP_FLAG_NAMES[i] ?? '');
  }
  // Flags beyond the named nine cannot be spelled with names: fall back to numbers.
  return (m & ~0x1ffn) !== 0n || s === '' ? `0x${v.toString(16)}/0x${m.toString(16)}` : s;
}

// --- actions --------------------------------------------------------------------------

interface ActState {
  proto: Proto;
  vlan: boolean;
}

function outputAction(ctx: Ctx, inActionSet = false): string {
  const { r } = ctx;
  const p = pick(r, ctx.ports);
  // controller(...) is an extension action, which OVS does not allow in an action set.
  const controller = inActionSet
    ? 'CONTROLLER'
    : `controller(${pick(r, ['max_len=128', 'reason=no_match', 'id=3', 'userdata=01.02.03', 'reason=action,max_len=64'])})`;
  return pick(r, [
    `output:${p}`, `output:${p}`, `${p}`, `output:${p}`, 'in_port', 'output:in_port', 'LOCAL', 'output:LOCAL',
    'NORMAL', 'FLOOD', 'ALL', 'CONTROLLER', `CONTROLLER:${pick(r, [0, 64, 128, 65535])}`,
    controller,
    `output:${pick(r, [1, 2, 3, 4, 5, 6, 7])}`,
  ]);
}

function regField(r: Rng): string {
  return pick(r, ['reg0', 'reg1', 'reg2', 'reg3', 'reg7', 'reg15', 'NXM_NX_REG0', 'NXM_NX_REG1', 'NXM_NX_REG5']);
}

/** A set/modify action whose prerequisites `st` satisfies. */
function modifyAction(ctx: Ctx, st: ActState): string | null {
  const { r } = ctx;
  const mac = (): string => fmtMac(fromPool(MACS, 48)(r));
  const ip4 = (): string => fmtIpv4(fromPool(IP4S, 32)(r));
  const ip6 = (): string => fmtIpv6(fromPool(IP6S, 128)(r));
  const opts: (() => string | null)[] = [
    () => `mod_dl_src:${mac()}`,
    () => `mod_dl_dst:${mac()}`,
    () => `set_field:${mac()}->${pick(r, ['eth_src', 'eth_dst', 'dl_dst'])}`,
    () => `set_field:${fmt('hex', randBits(r, int(r, 1, 16)))}->${regField(r).replace('NXM_NX_REG', 'reg')}`,
    () => `load:${fmt('hex', randBits(r, 4))}->${regField(r)}[${pick(r, ['0..3', '4..7', '28..31'])}]`,
    () => `load:${fmt('hex', randBits(r, 16))}->${regField(r)}[]`.replace('[]', '[0..15]'),
    () => {
      const lo = int(r, 0, 16);
      const w = int(r, 1, 16);
      const lo2 = int(r, 0, 32 - w);
      return `move:${regField(r)}[${lo}..${lo + w - 1}]->${regField(r)}[${lo2}..${lo2 + w - 1}]`;
    },
    () => pick(r, ['move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]', 'move:eth_dst[]->eth_src[]', 'move:NXM_OF_IN_PORT[]->reg2[0..15]', 'move:eth_src[0..31]->reg4[]']),
    () => `set_field:${fmt('hex', randBits(r, 8))}->metadata`,
    () => `mod_vlan_vid:${int(r, 1, 4095)}`,
    () => `mod_vlan_pcp:${int(r, 0, 7)}`,
    () => (st.vlan ? `set_field:${0x1000 | int(r, 1, 4095)}->vlan_vid` : null),
    () => (st.vlan ? pick(r, ['strip_vlan', 'pop_vlan']) : null),
    () => (ctx.version === 'OpenFlow10' ? null : pick(r, ['push_vlan:0x8100', 'push_vlan:0x88a8'])),
    () => (isIp4(st.proto) ? pick(r, [`mod_nw_src:${ip4()}`, `mod_nw_dst:${ip4()}`, `set_field:${ip4()}->ip_dst`, `set_field:${ip4()}->nw_src`]) : null),
    () => (isIp6(st.proto) ? `set_field:${ip6()}->${pick(r, ['ipv6_src', 'ipv6_dst'])}` : null),
    () => (isIpAny(st.proto) ? pick(r, [`mod_nw_tos:${int(r, 0, 63) * 4}`, `mod_nw_ecn:${int(r, 0, 3)}`, 'dec_ttl', `set_field:${int(r, 1, 255)}->nw_ttl`, 'dec_ttl']) : null),
    () => (isL4Ports(st.proto) ? pick(r, [`mod_tp_src:${int(r, 1, 65535)}`, `mod_tp_dst:${pick(r, L4PORTS.slice(0, 5))}`]) : null),
    () => (st.proto === 'tcp' || st.proto === 'tcp6' ? `set_field:${pick(r, L4PORTS.slice(0, 5))}->tcp_dst` : null),
    () => (st.proto === 'udp' || st.proto === 'udp6' ? `set_field:${int(r, 1, 65535)}->udp_src` : null),
    () => (st.proto === 'arp' ? pick(r, [`set_field:${ip4()}->arp_tpa`, `set_field:${mac()}->arp_sha`, 'set_field:2->arp_op']) : null),
    () => `note:${Array.from({ length: int(r, 1, 6) }, () => int(r, 0, 255).toString(16).padStart(2, '0')).join('.')}`,
  ];
  if (st.vlan && chance(r, 0.2)) {
    st.vlan = false;
    return pick(r, ['strip_vlan', 'pop_vlan']);
  }
  for (let tries = 0; tries < 6; tries++) {
    const a = pick(r, opts)();
    if (a === null) continue;
    if (a === 'strip_vlan' || a === 'pop_vlan') st.vlan = false;
    if (a.startsWith('push_vlan') || a.startsWith('mod_vlan')) st.vlan = true;
    return a;
  }
  return null;
}

function genActions(ctx: Ctx, rule: { table: number; proto: Proto; vlan: boolean }): string {
  const { r } = ctx;
  if (chance(r, 0.06)) return 'drop';
  const st: ActState = { proto: rule.proto, vlan: rule.vlan };
  const instr = ctx.version !== 'OpenFlow10';
  const later = rule.table < ctx.nTables - 1;
  const apply: string[] = [];
  const n = pick(r, [0, 1, 1, 2, 2, 3, 4]);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.45) {
      const a = modifyAction(ctx, st);
      if (a !== null) apply.push(a);
    } else if (x < 0.85) apply.push(outputAction(ctx));
    else if (later) {
      const t = int(r, rule.table + 1, ctx.nTables - 1);
      apply.push(chance(r, 0.7) ? `resubmit(,${t})` : `resubmit(${pick(r, ctx.ports)},${t})`);
    }
  }
  // Most rules forward somewhere, else most traces would end in "drop".
  const forwards = apply.some((a) => !/^(mod_|set_field|load|move|note|strip_vlan|pop_vlan|push_vlan|dec_ttl)/.test(a));
  if (!forwards && chance(r, 0.7)) apply.push(outputAction(ctx));
  const out = [...apply];
  if (instr && chance(r, 0.05)) out.push('clear_actions');
  if (instr && chance(r, 0.12)) {
    const wa: string[] = [];
    if (chance(r, 0.4)) {
      const a = modifyAction(ctx, { ...st });
      if (a !== null && !a.startsWith('note') && !a.startsWith('move') && !a.startsWith('load')) wa.push(a);
    }
    wa.push(outputAction(ctx, true));
    out.push(`write_actions(${wa.join(',')})`);
  }
  if (instr && later && chance(r, 0.12)) out.push(`write_metadata:${fmt('hex', randBits(r, 8))}${chance(r, 0.5) ? '/0xff' : ''}`);
  if (later && chance(r, 0.5)) {
    const t = int(r, rule.table + 1, ctx.nTables - 1);
    out.push(instr ? `goto_table:${t}` : `resubmit(,${t})`);
  }
  return out.length === 0 ? 'drop' : out.join(',');
}

const PRIORITIES = [0, 1, 5, 10, 10, 100, 100, 200, 1000, 32768];

function genRule(ctx: Ctx, table: number, catchAll: boolean): Rule {
  const { r } = ctx;
  const m: ReturnType<typeof genMatch> = catchAll
    ? { proto: 'any', inPort: null, constraints: [], vlan: false, items: [], l4Proto: 'any' }
    : genMatch(ctx, table);
  const priority = catchAll ? pick(r, [0, 0, 1]) : pick(r, PRIORITIES);
  const actions = genActions(ctx, { table, proto: m.proto, vlan: m.vlan });
  const head: string[] = [];
  if (table !== 0 || chance(r, 0.3)) head.push(`table=${table}`);
  if (priority !== 32768 || chance(r, 0.2)) head.push(`priority=${priority}`);
  const text = [...head, ...m.items, `actions=${actions}`].join(',');
  return { table, priority, proto: m.l4Proto, inPort: m.inPort, constraints: m.constraints, text, vlan: m.vlan };
}

// --- packets --------------------------------------------------------------------------

interface Packet {
  proto: Proto;
  inPort: number;
  fields: Map<string, bigint>;
  frag: string | null;
}

function applyConstraint(r: Rng, pkt: Packet, c: Constraint): void {
  if (c.key === 'ip_frag') {
    const names = Object.keys(FRAG_NAMES_BY_VALUE);
    const ok = names.filter((n) => ((FRAG_NAMES_BY_VALUE[n] ?? 0n) & c.mask) === c.value);
    pkt.frag = ok.length > 0 ? (ok[Math.floor(r() * ok.length)] ?? null) : pkt.frag;
    return;
  }
  const cur = pkt.fields.get(c.key) ?? 0n;
  pkt.fields.set(c.key, (cur & ~c.mask) | (c.value & c.mask));
}
// A packet's frag state as the two flag bits (is-fragment, later-fragment).
const FRAG_NAMES_BY_VALUE: Record<string, bigint> = { no: 0n, first: 1n, later: 3n };

function basePacket(ctx: Ctx, proto: Proto): Packet {
  const { r } = ctx;
  const pkt: Packet = { proto, inPort: chance(r, 0.05) ? 0xfffe : pick(r, ctx.ports), fields: new Map(), frag: null };
  const fs = packetFields(proto);
  for (const f of fs) if (chance(r, 0.35)) pkt.fields.set(f.key, f.value(r));
  if (isIpAny(proto) && chance(r, 0.15)) pkt.fields.set('nw_tos', BigInt(int(r, 0, 63) * 4));
  if (chance(r, 0.1)) pkt.fields.set('vlan_tci', 0x1000n | BigInt(int(r, 1, 4095)) | (BigInt(int(r, 0, 7)) << 13n));
  if (isIpAny(proto) && chance(r, 0.08)) pkt.frag = pick(r, ['first', 'later']);
  return pkt;
}

function satisfy(ctx: Ctx, pkt: Packet, rule: Rule): void {
  if (rule.inPort !== null) pkt.inPort = rule.inPort;
  for (const c of rule.constraints) applyConstraint(ctx.r, pkt, c);
  // The rule's masks leave the other bits free: fill some of them randomly.
  for (const c of rule.constraints) {
    if (c.key === 'ip_frag' || c.mask === full(c.bits) || !chance(ctx.r, 0.5)) continue;
    const cur = pkt.fields.get(c.key) ?? 0n;
    pkt.fields.set(c.key, (cur & c.mask) | (randBits(ctx.r, c.bits) & ~c.mask & full(c.bits)));
  }
}

/** Moves the packet just outside one of the rule's constraints. */
function nearMiss(ctx: Ctx, pkt: Packet, rule: Rule): void {
  const { r } = ctx;
  const cs = rule.constraints.filter((c) => c.key !== 'ip_frag' && c.mask !== 0n);
  if (cs.length === 0) {
    if (rule.inPort !== null) pkt.inPort = pick(r, ctx.ports.filter((p) => p !== rule.inPort).concat([0xfffe]));
    return;
  }
  const c = pick(r, cs);
  const setBits: number[] = [];
  for (let i = 0; i < c.bits; i++) if (((c.mask >> BigInt(i)) & 1n) !== 0n) setBits.push(i);
  // Prefer the last bit of a prefix (the first bit a trie would look at past it).
  const bit = chance(r, 0.6) ? (setBits[0] ?? 0) : pick(r, setBits);
  const cur = pkt.fields.get(c.key) ?? 0n;
  pkt.fields.set(c.key, cur ^ (1n << BigInt(bit)));
}

function kindOf(key: string): { kind: Kind; bits: number } {
  if (key === 'vlan_tci') return { kind: 'hex', bits: 16 };
  if (key === 'nw_tos') return { kind: 'dec', bits: 8 };
  const f = FIELDS.find((x) => x.key === key);
  if (f === undefined) throw new Error(`no field ${key}`);
  return { kind: f.kind, bits: f.bits };
}

function packetText(pkt: Packet): string {
  const items = [`in_port=${portName(pkt.inPort)}`];
  const w = PROTOS[pkt.proto].traceWord;
  if (w !== '') items.push(w);
  const order = ['metadata', ...REG_FIELDS.map((f) => f.key), 'tun_id', 'vlan_tci', 'dl_src', 'dl_dst'];
  const keys = [...pkt.fields.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 100 : ia) - (ib < 0 ? 100 : ib);
  });
  for (const k of keys) {
    const v = pkt.fields.get(k) ?? 0n;
    // A field the packet's protocol does not have would make the trace string invalid.
    if (!fieldValidFor(k, pkt.proto)) continue;
    const { kind } = kindOf(k);
    items.push(`${traceName(k, pkt.proto)}=${fmt(kind, v)}`);
  }
  if (pkt.frag !== null && isIpAny(pkt.proto)) items.push(`nw_frag=${pkt.frag}`);
  return items.join(',');
}

/** tp_src/tp_dst in a trace string mean tcp_src/tcp_dst: UDP and SCTP need their own names. */
function traceName(key: string, proto: Proto): string {
  if (key !== 'tp_src' && key !== 'tp_dst') return key;
  const l4 = proto.replace('6', '');
  return l4 === 'tcp' ? key : `${l4}_${key.slice(3)}`;
}

function fieldValidFor(key: string, proto: Proto): boolean {
  if (key === 'vlan_tci') return true;
  if (key === 'nw_tos') return isIpAny(proto);
  const f = FIELDS.find((x) => x.key === key);
  return f !== undefined && f.applies(proto);
}

function genTrace(ctx: Ctx, rules: Rule[]): string {
  const { r } = ctx;
  const x = r();
  if (x < 0.12 || rules.length === 0) return packetText(basePacket(ctx, pickProto(r)));
  const target = pick(r, rules);
  let proto = target.proto === 'any' ? pickProto(r) : target.proto;
  // Also satisfy a table-0 rule, so that later tables are reached more often.
  const gate = target.table > 0 && chance(r, 0.6) ? rules.filter((q) => q.table === 0 && meet(q.proto, proto) !== null) : [];
  const first = gate.length > 0 ? pick(r, gate) : null;
  if (first !== null) proto = meet(first.proto, proto) ?? proto;
  const pkt = basePacket(ctx, proto);
  if (first !== null) satisfy(ctx, pkt, first);
  satisfy(ctx, pkt, target);
  if (x < 0.35) nearMiss(ctx, pkt, target);
  return packetText(pkt);
}

// --- cases ----------------------------------------------------------------------------

export interface GenerateOptions {
  /** Traces per case (default 10). */
  readonly traces?: number;
}

/** One random case from a seeded random stream. */
export function generateCase(r: Rng, opts: GenerateOptions = {}): DiffCase {
  const nPorts = int(r, 2, 5);
  const ports = Array.from({ length: nPorts }, (_, i) => i + 1);
  const v = r();
  const version: OfVersionName = v < 0.8 ? 'OpenFlow15' : v < 0.9 ? 'OpenFlow13' : 'OpenFlow10';
  const ctx: Ctx = { r, ports, nTables: int(r, 1, 4), version };
  const rules: Rule[] = [];
  for (let t = 0; t < ctx.nTables; t++) {
    const n = int(r, 1, t === 0 ? 8 : 5);
    for (let i = 0; i < n; i++) rules.push(genRule(ctx, t, false));
    // Catch-alls in most tables; the others have table misses.
    if (chance(r, 0.6)) rules.push(genRule(ctx, t, true));
  }
  // Shuffle so that install order does not follow the tables.
  for (let i = rules.length - 1; i > 0; i--) {
    const j = int(r, 0, i);
    const a = rules[i];
    const b = rules[j];
    if (a !== undefined && b !== undefined) {
      rules[i] = b;
      rules[j] = a;
    }
  }
  const nTraces = opts.traces ?? 10;
  const traces = Array.from({ length: nTraces }, () => genTrace(ctx, rules));
  return { ports, flows: rules.map((x) => x.text), traces, version };
}

/** `n` cases from one seed: the same seed always gives the same cases. */
export function generateCases(seed: number, n: number, opts: GenerateOptions = {}): DiffCase[] {
  const r = seedrandom(`ovsim-diff-${seed}`);
  return Array.from({ length: n }, () => generateCase(r, opts));
}
