/**
 * Reading matches in ovs-ofctl's flow syntax: `tcp,nw_src=10.0.0.0/8,tp_dst=80`.
 *
 * A field value is read the way OVS's meta-flow layer reads it (integers sized by the
 * field's byte width, CIDR and dotted masks, MAC masks, fragment words, TCP flag words,
 * port names) and applied to a `Match` with the same side effects as OVS's match
 * setters: `dl_vlan` also sets the VLAN-present bit, `nw_tos` leaves ECN alone,
 * `icmp_type` matches the whole transport-port word, and so on. Error messages are
 * ovs-ofctl's, word for word, since users compare them with real OVS.
 *
 * Flow-mods and traces read the same fields differently: a flow-mod match may carry
 * masks and OVS quietly drops fields whose prerequisites are unmet (`dropUnmetPrereqs`),
 * while a trace flow (`parseTraceFlow`) is exact and rejects such fields outright.
 */
import { parseIpv4, parseIpv6, parseMac, prefixMask } from './addr.js';
import { fieldByName, prereqOk, type Field } from './fields.js';
import { fieldAllOnes, readField, writeField, type FlowKey } from './key.js';
import {
  ETH_TYPE,
  FRAG_ANY,
  FRAG_LATER,
  FRAG_MASK,
  IPPROTO,
  OFPP,
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_PCP_SHIFT,
  VLAN_VID_MASK,
  W,
} from './layout.js';
import { catchAllMatch, type Match } from './match.js';
import { parsePort, type PortMap } from './ports.js';
import { FlowSyntaxError } from './syntax-error.js';

export interface MatchSyntaxContext {
  /** The bridge's port names, for `in_port=p1`. */
  readonly ports?: PortMap;
}

// ---------------------------------------------------------------------------------------
// Protocol shorthands

interface Shorthand {
  readonly dlType: number;
  readonly nwProto?: number;
}

/** ovs-ofctl's protocol keywords: each sets eth_type and, for L4 ones, ip_proto. */
const SHORTHANDS: ReadonlyMap<string, Shorthand> = new Map<string, Shorthand>([
  ['ip', { dlType: ETH_TYPE.IP }],
  ['ipv4', { dlType: ETH_TYPE.IP }],
  ['ip4', { dlType: ETH_TYPE.IP }],
  ['arp', { dlType: ETH_TYPE.ARP }],
  ['icmp', { dlType: ETH_TYPE.IP, nwProto: IPPROTO.ICMP }],
  ['tcp', { dlType: ETH_TYPE.IP, nwProto: IPPROTO.TCP }],
  ['udp', { dlType: ETH_TYPE.IP, nwProto: IPPROTO.UDP }],
  ['sctp', { dlType: ETH_TYPE.IP, nwProto: IPPROTO.SCTP }],
  ['ipv6', { dlType: ETH_TYPE.IPV6 }],
  ['ip6', { dlType: ETH_TYPE.IPV6 }],
  ['icmp6', { dlType: ETH_TYPE.IPV6, nwProto: IPPROTO.ICMPV6 }],
  ['tcp6', { dlType: ETH_TYPE.IPV6, nwProto: IPPROTO.TCP }],
  ['udp6', { dlType: ETH_TYPE.IPV6, nwProto: IPPROTO.UDP }],
  ['sctp6', { dlType: ETH_TYPE.IPV6, nwProto: IPPROTO.SCTP }],
  ['rarp', { dlType: ETH_TYPE.RARP }],
  ['mpls', { dlType: ETH_TYPE.MPLS }],
  ['mplsm', { dlType: ETH_TYPE.MPLS_MCAST }],
]);

/** The protocol keyword's meaning, or undefined when `name` is not one. */
export function protocolShorthand(name: string): Shorthand | undefined {
  return SHORTHANDS.get(name);
}

// ---------------------------------------------------------------------------------------
// Tokens

export interface KeyValue {
  readonly name: string;
  /** The text after `=` or `:`, or inside `(...)`; undefined for a bare keyword. */
  readonly value: string | undefined;
}

/** Length of a value up to one of `delims`, skipping over balanced parentheses. */
function valueLength(s: string, start: number, delims: string): number {
  let n = start;
  while (n < s.length && !delims.includes(s[n]!)) {
    if (s[n] === '(') {
      let level = 0;
      do {
        if (n >= s.length) return n - start;
        if (s[n] === '(') level++;
        else if (s[n] === ')') level--;
        n++;
      } while (level > 0);
    } else {
      n++;
    }
  }
  return n - start;
}

/**
 * Splits `a=1, b:2 c(x,y)` into key/value pairs as ovs-ofctl does: pairs are separated
 * by commas or white space, a value ends at a comma or white space (or at the closing
 * parenthesis of `key(...)`), and parentheses nest.
 */
export function splitKeyValues(text: string): KeyValue[] {
  const out: KeyValue[] = [];
  const SEP = ', \t\r\n';
  let i = 0;
  for (;;) {
    while (i < text.length && SEP.includes(text[i]!)) i++;
    if (i >= text.length) return out;
    let k = i;
    while (k < text.length && !':=(, \t\r\n'.includes(text[k]!)) k++;
    const name = text.slice(i, k);
    const delim = text[k];
    i = k + (delim === undefined ? 0 : 1);
    if (delim !== ':' && delim !== '=' && delim !== '(') {
      out.push({ name, value: undefined });
      continue;
    }
    let len = valueLength(text, i, delim === '(' ? ')' : SEP);
    if (delim === '(' && text[i + len] === ')' && text.slice(i + len + 1, i + len + 3) === '->') {
      len += valueLength(text, i + len, SEP);
    }
    out.push({ name, value: text.slice(i, i + len) });
    i += len + (i + len < text.length ? 1 : 0);
  }
}

// ---------------------------------------------------------------------------------------
// Field values

/** OVS's storage width of a field in bytes: what bounds integer values and masks. */
export function fieldBytes(f: Field): number {
  switch (f.format) {
    case 'mac':
      return 6;
    case 'ipv6':
      return 16;
    case 'ipv4':
      return 4;
    case 'port':
      return 2;
    case 'frag':
      return 1;
    case 'tcp_flags':
      return 2;
    case 'decimal':
    case 'hex': {
      const b = Math.ceil(f.bits / 8);
      return b <= 2 ? b : b <= 4 ? 4 : 8;
    }
    default: {
      const never: never = f.format;
      throw new Error(`unknown field format ${String(never)}`);
    }
  }
}

function onesOfBytes(n: number): bigint {
  return (1n << BigInt(n * 8)) - 1n;
}

type IntResult = { ok: true; value: bigint; rest: string } | { ok: false; range: boolean };

/**
 * Reads an integer as OVS's parse_int_string does: `0x` hex of any length (leading zeros
 * ignored), else C's strtoull with base 0 (so a leading 0 means octal, and a minus sign
 * wraps around). The value must fit `nBytes`.
 */
function parseIntPrefix(s: string, nBytes: number): IntResult {
  const limit = onesOfBytes(nBytes);
  if (s.startsWith('0x') || s.startsWith('0X')) {
    let i = 2;
    let v = 0n;
    let sig = 0;
    while (i < s.length && /[0-9a-fA-F]/.test(s[i]!)) {
      const d = parseInt(s[i]!, 16);
      if (d !== 0 || sig > 0) {
        sig++;
        if (Math.ceil(sig / 2) > nBytes) return { ok: false, range: true };
      }
      v = (v << 4n) | BigInt(d);
      i++;
    }
    return { ok: true, value: v, rest: s.slice(i) };
  }
  const m = /^[ \t\n\r\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return { ok: false, range: false };
  const digits = m[2]!;
  let v = digits.startsWith('0x') || digits.startsWith('0X') ? BigInt(digits) : digits.startsWith('0') && digits.length > 1 ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const max64 = (1n << 64n) - 1n;
  if (v > max64) return { ok: false, range: true };
  if (m[1] === '-' && v !== 0n) v = (1n << 64n) - v;
  if (v > limit) return { ok: false, range: true };
  return { ok: true, value: v, rest: s.slice(m[0].length) };
}

function parseIntegerValue(f: Field, s: string): { value: bigint; mask: bigint } {
  const n = fieldBytes(f);
  const fail = (r: { range: boolean }, what: 'value' | 'mask'): never => {
    throw new FlowSyntaxError(
      r.range ? `${s}: ${what} too large for ${n}-byte field ${f.name}` : `${s}: bad syntax for ${f.name} ${what}`,
    );
  };
  const v = parseIntPrefix(s, n);
  if (!v.ok) return fail(v, 'value');
  if (v.rest !== '' && !v.rest.startsWith('/')) return fail({ range: false }, 'value');
  if (v.rest === '') return { value: v.value, mask: onesOfBytes(n) };
  const m = parseIntPrefix(v.rest.slice(1), n);
  if (!m.ok) return fail(m, 'mask');
  if (m.rest !== '') return fail({ range: false }, 'mask');
  return { value: v.value, mask: m.value };
}

function parseMacValue(s: string): { value: bigint; mask: bigint } {
  const strict = (t: string): bigint | undefined => (/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(t) ? parseMac(t) : undefined);
  const slash = s.indexOf('/');
  const v = strict(slash < 0 ? s : s.slice(0, slash));
  const m = slash < 0 ? onesOfBytes(6) : strict(s.slice(slash + 1));
  if (v === undefined || m === undefined) throw new FlowSyntaxError(`${s}: invalid Ethernet address`);
  return { value: v, mask: m };
}

function parseIpv4Value(s: string): { value: bigint; mask: bigint } {
  const slash = s.indexOf('/');
  const ip = parseIpv4(slash < 0 ? s : s.slice(0, slash));
  if (ip === undefined) throw new FlowSyntaxError(`${s}: invalid IP address`);
  if (slash < 0) return { value: BigInt(ip), mask: 0xffffffffn };
  const tail = s.slice(slash + 1);
  const dotted = parseIpv4(tail);
  if (dotted !== undefined) return { value: BigInt(ip), mask: BigInt(dotted) };
  if (/^[+-]?[0-9]+$/.test(tail)) {
    const plen = Number(tail);
    if (plen < 0 || plen > 32) throw new FlowSyntaxError(`${s}: IPv4 network prefix bits not between 0 and 32, inclusive`);
    return { value: BigInt(ip), mask: prefixMask(plen, 32) };
  }
  throw new FlowSyntaxError(`${s}: invalid IP address`);
}

function parseIpv6Value(s: string): { value: bigint; mask: bigint } {
  const slash = s.indexOf('/');
  const ip = parseIpv6(slash < 0 ? s : s.slice(0, slash));
  if (ip === undefined) throw new FlowSyntaxError(`${s}: invalid IPv6 address`);
  if (slash < 0) return { value: ip, mask: onesOfBytes(16) };
  const tail = s.slice(slash + 1);
  // As OVS reads it: a mask that starts with digits is a prefix length, and anything
  // after those digits makes the whole value invalid (so "/5d09::" is an error).
  const digits = /^[+-]?[0-9]+/.exec(tail);
  if (digits) {
    if (digits[0].length !== tail.length) throw new FlowSyntaxError(`${s}: invalid IPv6 address`);
    const plen = Number(tail);
    if (plen < 0 || plen > 128) throw new FlowSyntaxError(`${s}: IPv6 network prefix bits not between 0 and 128, inclusive`);
    return { value: ip, mask: prefixMask(plen, 128) };
  }
  if (/^[0-9a-fA-F:.]+$/.test(tail)) {
    const mask = parseIpv6(tail);
    if (mask === undefined) throw new FlowSyntaxError(`${s}: Invalid IPv6 mask`);
    return { value: ip, mask };
  }
  throw new FlowSyntaxError(`${s}: invalid IPv6 address`);
}

/** The fragment words: each gives a value and which of the two fragment bits it tests. */
const FRAG_WORDS: ReadonlyMap<string, { value: number; mask: number }> = new Map([
  ['no', { value: 0, mask: FRAG_MASK }],
  ['first', { value: FRAG_ANY, mask: FRAG_MASK }],
  ['later', { value: FRAG_ANY | FRAG_LATER, mask: FRAG_MASK }],
  ['yes', { value: FRAG_ANY, mask: FRAG_ANY }],
  ['not_later', { value: 0, mask: FRAG_LATER }],
]);

function parseFragValue(s: string): { value: bigint; mask: bigint } {
  const w = FRAG_WORDS.get(s.toLowerCase());
  if (!w) {
    throw new FlowSyntaxError(`${s}: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"`);
  }
  // The bits outside the fragment bits count as matched, so that "no" reads as exact.
  return { value: BigInt(w.value), mask: BigInt(w.mask | (0xff & ~FRAG_MASK)) };
}

/** TCP flag names by bit, as OVS prints them. */
export const TCP_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [0x001, 'fin'],
  [0x002, 'syn'],
  [0x004, 'rst'],
  [0x008, 'psh'],
  [0x010, 'ack'],
  [0x020, 'urg'],
  [0x040, 'ece'],
  [0x080, 'cwr'],
  [0x100, 'ns'],
  [0x200, '[200]'],
  [0x400, '[400]'],
  [0x800, '[800]'],
];
const TCP_FLAGS_ALLOWED = 0x0fff;

/** C's strtoll with base 0 over a prefix of `s`; undefined when no number starts it. */
function scanCInt(s: string): { value: number; len: number } | undefined {
  const m = /^[ \t\n\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return undefined;
  const d = m[2]!;
  let v = d.startsWith('0x') || d.startsWith('0X') ? Number(BigInt(d)) : d.length > 1 && d.startsWith('0') ? parseInt(d.slice(1), 8) : Number(d);
  if (m[1] === '-') v = -v;
  return { value: v, len: m[0].length };
}

function parseTcpFlagsValue(s: string): { value: bigint; mask: bigint } {
  const unknown = (at: string): never => {
    throw new FlowSyntaxError(`${at}: unknown TCP flag(s)`);
  };
  // Numeric value/mask.
  const num = scanCInt(s);
  if (num && s[num.len] === '/') {
    const mask = scanCInt(s.slice(num.len + 1));
    if (mask && num.len + 1 + mask.len === s.length) {
      if (num.value & ~TCP_FLAGS_ALLOWED || mask.value & ~TCP_FLAGS_ALLOWED) unknown(s);
      return { value: BigInt(num.value >>> 0), mask: BigInt(mask.value >>> 0) };
    }
  }
  // +flag-flag: each named flag must be set (+) or clear (-); the others are wildcarded.
  if (s.startsWith('+') || s.startsWith('-')) {
    let flags = 0;
    let mask = 0;
    let i = 0;
    while (i < s.length) {
      const sign = s[i]!;
      if (sign !== '+' && sign !== '-') {
        throw new FlowSyntaxError(`${s.slice(i)}: TCP must be preceded by '+' (for SET) or '-' (NOT SET)`);
      }
      i++;
      const rest = s.slice(i);
      const hit = TCP_FLAG_NAMES.find(([, name]) => rest.startsWith(name) && (rest.length === name.length || '+-'.includes(rest[name.length]!)));
      if (!hit) return unknown(rest);
      const [bit, name] = hit;
      if (mask & bit) throw new FlowSyntaxError(`${rest}: Each TCP flag can be specified only once`);
      if (sign === '+') flags |= bit;
      mask |= bit;
      i += name.length;
    }
    return { value: BigInt(flags), mask: BigInt(mask) };
  }
  // flag|flag|number: exactly these flags set.
  let result = 0;
  let n = 0;
  while (n < s.length) {
    const rest = s.slice(n);
    const numeric = scanCInt(rest);
    if (numeric) {
      if (numeric.value & ~TCP_FLAGS_ALLOWED || numeric.value < 0) unknown(s);
      result |= numeric.value;
      n += numeric.len + (rest[numeric.len] === '|' ? 1 : 0);
      continue;
    }
    const hit = TCP_FLAG_NAMES.find(([, name]) => rest.startsWith(name) && (rest.length === name.length || rest[name.length] === '|'));
    if (!hit) return unknown(s);
    result |= hit[0];
    n += hit[1].length + (rest[hit[1].length] === '|' ? 1 : 0);
  }
  return { value: BigInt(result), mask: 0xffffn };
}

/**
 * Reads the text of a field's value, optionally with a mask, as OVS's mf_parse does.
 *
 * Returns the value and mask in the field's own units (ip_dscp is the 6-bit DSCP; a
 * frag word's mask covers the fragment bits). An exact value gets the mask
 * `fieldAllOnes(field)`; `*` gives value 0 and mask 0. Values are not clipped to the
 * field's bits (OVS accepts `dl_vlan=4096` and keeps only what fits); `isValueValid`
 * tells whether they fit. Throws `FlowSyntaxError` with ovs-ofctl's wording.
 */
export function parseFieldValue(field: Field, text: string, ctx?: MatchSyntaxContext): { value: bigint; mask: bigint } {
  if (text === '*') return { value: 0n, mask: 0n };
  const n = fieldBytes(field);
  let r: { value: bigint; mask: bigint };
  switch (field.format) {
    case 'decimal':
    case 'hex':
      r = parseIntegerValue(field, text);
      break;
    case 'mac':
      r = parseMacValue(text);
      break;
    case 'ipv4':
      r = parseIpv4Value(text);
      break;
    case 'ipv6':
      r = parseIpv6Value(text);
      break;
    case 'port': {
      const p = parsePort(text, ctx?.ports);
      if (p === undefined) throw new FlowSyntaxError(`${text}: invalid or unknown port for ${field.name}`);
      r = { value: BigInt(p), mask: onesOfBytes(n) };
      break;
    }
    case 'frag':
      r = parseFragValue(text);
      break;
    case 'tcp_flags':
      r = parseTcpFlagsValue(text);
      break;
    default: {
      const never: never = field.format;
      throw new Error(`unknown field format ${String(never)}`);
    }
  }
  const full = onesOfBytes(n);
  if (!field.maskable && r.mask !== 0n && r.mask !== full) {
    throw new FlowSyntaxError(`${text}: invalid mask for field ${field.name}`);
  }
  return r.mask === full ? { value: r.value, mask: fieldAllOnes(field) } : r;
}

/** Whether `value` makes sense for the field (OVS's mf_is_value_valid), e.g. for set_field. */
export function isValueValid(field: Field, value: bigint): boolean {
  switch (field.name) {
    case 'nw_tos':
      return (value & ~0xfcn) === 0n;
    case 'ip_dscp':
      return (value & ~0x3fn) === 0n;
    case 'nw_ecn':
      return (value & ~0x3n) === 0n;
    case 'ip_frag':
      return (value & ~BigInt(FRAG_MASK)) === 0n;
    case 'tcp_flags':
      return (value & ~0x0fffn) === 0n;
    case 'arp_op':
      return (value & 0xff00n) === 0n;
    case 'dl_vlan':
      return (value & BigInt(VLAN_CFI | VLAN_PCP_MASK)) === 0n;
    case 'vlan_vid':
      return (value & BigInt(VLAN_PCP_MASK)) === 0n;
    case 'dl_vlan_pcp':
    case 'vlan_pcp':
      return (value & ~7n) === 0n;
    case 'ipv6_label':
      return (value & ~0xfffffn) === 0n;
    default:
      return true;
  }
}

// ---------------------------------------------------------------------------------------
// Applying values to a match

function setWordBits(m: Match, word: number, bits: number, value: number, mask: number): void {
  const keep = ~bits >>> 0;
  m.mask[word] = ((m.mask[word]! & keep) | (mask & bits)) >>> 0;
  m.key[word] = ((m.key[word]! & keep) | (value & mask & bits)) >>> 0;
}

/** The VLAN TCI bits of the outer tag (the low half of its word). */
const TCI = 0xffff;

function setVlanAnyVid(m: Match): void {
  if (m.mask[W.VLAN0]! & VLAN_PCP_MASK) setWordBits(m, W.VLAN0, VLAN_VID_MASK, 0, 0);
  else setWordBits(m, W.VLAN0, TCI, 0, 0);
}

function setVlanAnyPcp(m: Match): void {
  if (m.mask[W.VLAN0]! & VLAN_VID_MASK) setWordBits(m, W.VLAN0, VLAN_PCP_MASK, 0, 0);
  else setWordBits(m, W.VLAN0, TCI, 0, 0);
}

/**
 * Sets a field in a match from a parsed value and mask, with the side effects of OVS's
 * match setters. A mask of 0 wildcards the field.
 */
export function setMatchField(m: Match, f: Field, value: bigint, mask: bigint): void {
  const exact = mask === fieldAllOnes(f);
  const wild = mask === 0n;
  const v = Number(value & 0xffffffffn) >>> 0;
  const mk = Number(mask & 0xffffffffn) >>> 0;
  switch (f.name) {
    case 'dl_vlan':
      if (wild) return setVlanAnyVid(m);
      if (v === 0xffff) return setWordBits(m, W.VLAN0, TCI, 0, TCI);
      m.key[W.VLAN0] = ((m.key[W.VLAN0]! & ~VLAN_VID_MASK) | (v & VLAN_VID_MASK) | VLAN_CFI) >>> 0;
      m.mask[W.VLAN0] = (m.mask[W.VLAN0]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;
      return;
    case 'vlan_vid': {
      if (wild) return setVlanAnyVid(m);
      const bits = VLAN_VID_MASK | VLAN_CFI;
      const vm = exact ? bits : mk & bits;
      return setWordBits(m, W.VLAN0, bits, v, vm);
    }
    case 'dl_vlan_pcp':
    case 'vlan_pcp':
      if (wild) return setVlanAnyPcp(m);
      m.key[W.VLAN0] = ((m.key[W.VLAN0]! & ~VLAN_PCP_MASK) | ((v & 7) << VLAN_PCP_SHIFT) | VLAN_CFI) >>> 0;
      m.mask[W.VLAN0] = (m.mask[W.VLAN0]! | VLAN_PCP_MASK | VLAN_CFI) >>> 0;
      return;
    case 'arp_op':
      // OVS keeps only the low byte of the opcode, in the IP protocol slot.
      return setWordBits(m, W.NW_PROTO, 0xff, v, wild ? 0 : 0xff);
    case 'icmp_type':
    case 'icmpv6_type':
      return setWordBits(m, W.TP_SRC, 0xffff, v & 0xff, wild ? 0 : 0xffff);
    case 'icmp_code':
    case 'icmpv6_code':
      return setWordBits(m, W.TP_DST, 0xffff, v & 0xff, wild ? 0 : 0xffff);
    default:
      writeField(m.mask, f, mask);
      writeField(m.key, f, value & mask);
  }
}

/**
 * Applies one `name[=value]` token of a flow to `match`: a protocol keyword (`tcp`,
 * `arp6`...), `eth`, or a field by any of its names, with an optional mask. Returns
 * false when `name` is neither, so the caller can try flow-mod keywords (priority,
 * actions...). An empty value matches anything, as in ovs-ofctl.
 */
export function applyMatchToken(match: Match, name: string, value: string | undefined, ctx?: MatchSyntaxContext): boolean {
  const sh = SHORTHANDS.get(name);
  if (sh) {
    setWordBits(match, W.DL_TYPE, 0xffff, sh.dlType, 0xffff);
    if (sh.nwProto !== undefined) setWordBits(match, W.NW_PROTO, 0xff, sh.nwProto, 0xff);
    return true;
  }
  // Our keys only hold Ethernet packets, which is what `eth` asks for.
  if (name === 'eth') return true;
  const f = fieldByName(name);
  if (!f) {
    if (name.includes('[')) {
      applySubfieldToken(match, name, value ?? '');
      return true;
    }
    return false;
  }
  const text = value === undefined || value === '' ? '0/0' : value;
  const { value: v, mask } = parseFieldValue(f, text, ctx);
  setMatchField(match, f, v, mask);
  return true;
}

/** Reads `field[]`, `field[bit]` or `field[start..end]`. */
export function parseSubfield(text: string): { field: Field; ofs: number; nBits: number } {
  const m = /^([^[]+)\[(?:(\d+)(?:\.\.(\d+))?)?\]$/.exec(text);
  const f = m ? fieldByName(m[1]!) : undefined;
  if (!m || !f) {
    if (m) throw new FlowSyntaxError(`${text}: unknown field \`${m[1]}'`);
    throw new FlowSyntaxError(`${text}: syntax error parsing subfield`);
  }
  if (m[2] === undefined) return { field: f, ofs: 0, nBits: f.bits };
  const start = Number(m[2]);
  const end = m[3] === undefined ? start : Number(m[3]);
  if (start > end) throw new FlowSyntaxError(`${text}: starting bit ${start} is after ending bit ${end}`);
  if (end >= f.bits) throw new FlowSyntaxError(`${text}: ending bit ${end} is beyond the end of field ${f.name}`);
  return { field: f, ofs: start, nBits: end - start + 1 };
}

function applySubfieldToken(match: Match, name: string, value: string): void {
  const sf = parseSubfield(name);
  const n = fieldBytes(sf.field);
  const r = parseIntPrefix(value, n);
  if (!r.ok || r.rest !== '') throw new FlowSyntaxError(`${name}: cannot parse integer value: ${value}`);
  if (r.value >> BigInt(sf.nBits) !== 0n) {
    const shown = sf.field.format === 'decimal' ? r.value.toString() : `0x${r.value.toString(16)}`;
    throw new FlowSyntaxError(`${name}: value ${shown} does not fit into ${sf.nBits} bits`);
  }
  const bits = ((1n << BigInt(sf.nBits)) - 1n) << BigInt(sf.ofs);
  const curV = readField(match.key, sf.field);
  const curM = readField(match.mask, sf.field);
  setMatchField(match, sf.field, (curV & ~bits) | (r.value << BigInt(sf.ofs)), curM | bits);
}

// ---------------------------------------------------------------------------------------
// Prerequisites

/** One slot of the key that only some packets have, with the name OVS reports for it. */
interface Slot {
  readonly name: string;
  readonly word: number;
  readonly nWords: number;
  readonly bits: number;
}
const slot = (name: string, word: number, nWords = 1, bits = 0xffffffff): Slot => ({ name, word, nWords, bits });

interface MayMatch {
  nwAddr: boolean;
  tpAddr: boolean;
  nwProto: boolean;
  ipAny: boolean;
  arpSha: boolean;
  arpTha: boolean;
  ipv6: boolean;
  ndTarget: boolean;
  tcp: boolean;
}

/** What a match's eth_type and ip_proto allow it to match, as OVS decides it. */
function mayMatch(key: FlowKey): MayMatch {
  const dl = key[W.DL_TYPE]!;
  const proto = key[W.NW_PROTO]!;
  const may: MayMatch = { nwAddr: false, tpAddr: false, nwProto: false, ipAny: false, arpSha: false, arpTha: false, ipv6: false, ndTarget: false, tcp: false };
  const l4 = proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP;
  if (dl === ETH_TYPE.IP) {
    Object.assign(may, { nwProto: true, ipAny: true, nwAddr: true, tpAddr: l4 || proto === IPPROTO.ICMP });
  } else if (dl === ETH_TYPE.IPV6) {
    Object.assign(may, { nwProto: true, ipAny: true, ipv6: true, tpAddr: l4 || proto === IPPROTO.ICMPV6 });
    if (proto === IPPROTO.ICMPV6) {
      const type = key[W.TP_SRC]!;
      if (type === 135) Object.assign(may, { ndTarget: true, arpSha: true });
      else if (type === 136) Object.assign(may, { ndTarget: true, arpTha: true });
    }
  } else if (dl === ETH_TYPE.ARP || dl === ETH_TYPE.RARP) {
    Object.assign(may, { nwProto: true, nwAddr: true, arpSha: true, arpTha: true });
  }
  may.tcp = may.ipAny && proto === IPPROTO.TCP;
  return may;
}

/** The slots a match may only use under a condition, in the order checked. */
const GUARDED: readonly (readonly [keyof MayMatch, Slot])[] = [
  ['nwAddr', slot('nw_src', W.NW_SRC)],
  ['nwAddr', slot('nw_dst', W.NW_DST)],
  ['ipv6', slot('ipv6_src', W.IPV6_SRC, 4)],
  ['ipv6', slot('ipv6_dst', W.IPV6_DST, 4)],
  ['ipv6', slot('ipv6_label', W.IPV6_LABEL)],
  ['nwProto', slot('nw_proto', W.NW_PROTO)],
  ['ipAny', slot('nw_tos', W.NW_TOS)],
  ['ipAny', slot('nw_ttl', W.NW_TTL)],
  ['arpSha', slot('arp_sha', W.ARP_SHA, 2)],
  ['arpTha', slot('arp_tha', W.ARP_THA, 2)],
  ['ndTarget', slot('nd_target', W.ND_TARGET, 4)],
  ['tpAddr', slot('tp_src', W.TP_SRC)],
  ['tpAddr', slot('tp_dst', W.TP_DST)],
];

function slotUsed(m: Match, s: Slot): boolean {
  for (let i = 0; i < s.nWords; i++) if (m.mask[s.word + i]! & s.bits) return true;
  return false;
}

function clearSlot(m: Match, s: Slot): void {
  for (let i = 0; i < s.nWords; i++) {
    m.mask[s.word + i] = 0;
    m.key[s.word + i] = 0;
  }
}

/**
 * Wildcards the fields a match cannot use given its eth_type and ip_proto (tp_dst
 * without tcp/udp/sctp/icmp, nw_src without ip or arp...), as ovs-ofctl does before
 * sending a flow: real OVS accepts `tp_dst=80,actions=drop` and installs a flow that
 * matches everything (logging "normalization changed ofp_match"). Returns whether the
 * match changed.
 */
export function dropUnmetPrereqs(match: Match): boolean {
  const may = mayMatch(match.key);
  let changed = false;
  for (const [cond, s] of GUARDED) {
    if (!may[cond] && slotUsed(match, s)) {
      clearSlot(match, s);
      changed = true;
    }
  }
  return changed;
}

/**
 * Throws "prerequisites not met for setting FIELD" when the match uses a field its
 * eth_type / ip_proto do not provide (the strict counterpart of `dropUnmetPrereqs`,
 * for callers that want to refuse such flows rather than widen them).
 */
export function checkMatchPrereqs(match: Match): void {
  const may = mayMatch(match.key);
  for (const [cond, s] of GUARDED) {
    if (!may[cond] && slotUsed(match, s)) throw new FlowSyntaxError(`prerequisites not met for setting ${s.name}`);
  }
  if ((match.mask[W.NW_FRAG]! & FRAG_MASK) !== 0 && !may.ipAny) {
    throw new FlowSyntaxError('prerequisites not met for setting ip_frag');
  }
  if ((match.mask[W.TCP_FLAGS]! & 0xfff) !== 0 && !may.tcp) {
    throw new FlowSyntaxError('prerequisites not met for setting tcp_flags');
  }
}

/**
 * Rewrites the VLAN match as it comes back from a trip through OpenFlow 1.2+ (OXM),
 * which has no vlan_tci: only vlan_vid (VID plus the tag-present bit, maskable) and an
 * exact vlan_pcp sent only when the VID part is non-zero. So `vlan_tci=0` turns into
 * `vlan_tci=0x0000/0x1fff` and a PCP-only mask without the present bit is lost, as on a
 * real switch programmed over OpenFlow 1.3 or 1.5 (the oracle's setting). The inner tag
 * cannot be matched over OXM at all.
 */
export function oxmVlanRoundTrip(match: Match): void {
  const tci = match.key[W.VLAN0]! & 0xffff;
  const mask = match.mask[W.VLAN0]! & 0xffff;
  const vidBits = VLAN_VID_MASK | VLAN_CFI;
  const vid = tci & vidBits;
  let newTci = vid & mask;
  let newMask = mask & vidBits;
  if (vid !== 0 && (mask & VLAN_PCP_MASK) !== 0) {
    newTci |= (tci & VLAN_PCP_MASK) | VLAN_CFI;
    newMask |= VLAN_PCP_MASK | VLAN_CFI;
  }
  setWordBits(match, W.VLAN0, 0xffff, newTci, newMask);
  setWordBits(match, W.VLAN1, 0xffff, 0, 0);
}

/**
 * Parses a whole match (`tcp,nw_src=10.0.0.0/8,tp_dst=80`) into what an OVS switch
 * stores for it when ovs-ofctl sends it over OpenFlow 1.3+: fields whose prerequisites
 * are unmet are dropped (`dropUnmetPrereqs`) and VLAN matches take their OXM form
 * (`oxmVlanRoundTrip`). Unknown words are errors.
 */
export function parseMatch(text: string, ctx?: MatchSyntaxContext): Match {
  const match = catchAllMatch();
  for (const { name, value } of splitKeyValues(text)) {
    if (!applyMatchToken(match, name, value, ctx)) throw new FlowSyntaxError(`unknown keyword ${name}`);
  }
  dropUnmetPrereqs(match);
  oxmVlanRoundTrip(match);
  return match;
}

// ---------------------------------------------------------------------------------------
// Trace flows

/** A field's prerequisite as an exact flow must satisfy it (OVS's mf_are_prereqs_ok). */
function tracePrereqOk(f: Field, key: FlowKey): boolean {
  // OVS requires a tag for vlan_pcp only; vlan_vid may say "no tag" (0).
  if (f.name === 'vlan_vid') return true;
  if (f.name === 'vlan_pcp') return (key[W.VLAN0]! & VLAN_CFI) !== 0;
  if (!prereqOk(f.prereq, key)) return false;
  if (f.prereq === 'tcp' || f.prereq === 'udp' || f.prereq === 'sctp') return (key[W.NW_FRAG]! & FRAG_LATER) === 0;
  return true;
}

/** Whether an exact flow already has a nonzero value in the field. */
function fieldIsSet(f: Field, key: FlowKey): boolean {
  if (f.name === 'arp_op') return key[W.NW_PROTO] !== 0;
  return readField(key, f) !== 0n;
}

/**
 * Parses the flow argument of `ofproto/trace` (OVS's parse_ofp_exact_flow): every field
 * given is exact, everything else is zero, fields must come after the ones they depend
 * on, and in_port defaults to NONE. The error message is OVS's, starting with the whole
 * flow text; ofproto/trace prints it after "Bad openflow flow syntax: ".
 */
export function parseTraceFlow(text: string, ctx?: MatchSyntaxContext): FlowKey {
  const m = catchAllMatch();
  const key = m.key;
  const fail = (msg: string): never => {
    throw new FlowSyntaxError(`${text}: ${msg}`);
  };
  for (const { name, value } of splitKeyValues(text)) {
    const sh = SHORTHANDS.get(name);
    if (sh) {
      if (key[W.DL_TYPE] !== 0) fail('Ethernet type set multiple times');
      key[W.DL_TYPE] = sh.dlType;
      if (sh.nwProto !== undefined) {
        if (key[W.NW_PROTO] !== 0) fail('network protocol set multiple times');
        key[W.NW_PROTO] = sh.nwProto;
      }
      continue;
    }
    const f = fieldByName(name);
    if (!f) return fail(`unknown field ${name}`);
    if (!tracePrereqOk(f, key)) fail(`prerequisites not met for setting ${name}`);
    if (fieldIsSet(f, key)) fail(`field ${name} set multiple times`);
    const s = value ?? '';
    let parsed: { value: bigint; mask: bigint };
    try {
      parsed = parseFieldValue(f, s, ctx);
    } catch (e) {
      if (e instanceof FlowSyntaxError) return fail(`bad value for ${name} (${e.message})`);
      throw e;
    }
    if (parsed.mask !== fieldAllOnes(f)) fail(`bad value for ${name} (${s}: wildcards not allowed here)`);
    setMatchField(m, f, parsed.value, parsed.mask);
  }
  if (key[W.IN_PORT] === 0) key[W.IN_PORT] = OFPP.NONE;
  return key;
}
