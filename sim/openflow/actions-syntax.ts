/**
 * Reading the `actions=` part of ovs-ofctl's flow syntax into the actions a switch holds.
 *
 * Three steps, as a flow takes them from `ovs-ofctl -O VERSION add-flow` into OVS:
 *  1. parse the text into actions (OVS's internal form, before any wire encoding);
 *  2. check them against the flow's match, walking the actions in order with a copy of
 *     the match that push/pop/set-VLAN actions update (a set_field of ip_src needs an IP
 *     match; a mod_nw_src without one is only "consistent" in OpenFlow 1.0, which does
 *     not check); this also narrows the protocols that could carry the flow;
 *  3. transcode: encode to the chosen OpenFlow version and decode back, which is what
 *     turns `mod_nw_src` into a set_field under 1.2+, `goto_table` into `resubmit(,N)`
 *     under 1.0, a partial set_field into `load` segments under 1.2–1.4, and so on.
 *
 * `transcodeActions` is step 3 on its own, for printing held actions the way a dump in
 * another OpenFlow version would show them.
 */
import { FlowSyntaxError } from '../flow/syntax-error.js';
import { fieldByName, prereqOk, type Field } from '../flow/fields.js';
import { fieldAllOnes } from '../flow/key.js';
import { ETH_TYPE, FRAG_LATER, IPPROTO, OFPP, VLAN_CFI, W } from '../flow/layout.js';
import type { Match } from '../flow/match.js';
import { parsePort, type PortMap } from '../flow/ports.js';
import { isValueValid, parseFieldValue, splitKeyValues } from '../flow/match-syntax.js';
import { parseIpv4, parseMac } from '../flow/addr.js';
import { fieldCarriers, hasNxmHeader, parseSubfield, parseSubfieldPrefix, subfieldBits } from './nxm-names.js';
import type { ControllerReason, Ofpact } from './ofpact.js';
import { TABLE_CURRENT } from './ofpact.js';
import { allowedProtocols, atLeast, PS, P, requireUsable, type OfVersion, type Protocols } from './version.js';

export interface ParseActionsOptions {
  readonly version: OfVersion;
  /** The flow's match: actions are checked against it (prerequisites, VLAN presence). */
  readonly match: Match;
  readonly ports?: PortMap;
  /** The flow's table, when given: goto_table must go to a later one. */
  readonly table?: number;
}

export interface ParsedActions {
  readonly actions: Ofpact[];
  /** The protocols that can carry these actions with this match. */
  readonly usable: Protocols;
}

/**
 * Parses actions as `ovs-ofctl -O version add-flow` would install them.
 *
 * @example
 * parseActions('mod_nw_src:1.2.3.4,goto_table:1', { version: 'OpenFlow15', match: ipMatch })
 * // → [{ type: 'set_field', field: ip_src, value: 0x01020304n, ... }, { type: 'goto_table', table: 1 }]
 */
export function parseActions(text: string, opts: ParseActionsOptions): Ofpact[] {
  const r = parseActionsDetailed(text, opts);
  requireUsable(r.usable, opts.version);
  checkAsSwitch(r.actions, opts);
  return r.actions;
}

/**
 * OpenFlow 1.1+ switches check the actions they decode against the match and refuse
 * what OpenFlow 1.0 lets through (a pop_vlan on an untagged match). Call after the
 * protocol check, as the switch only sees flows ovs-ofctl could send.
 */
export function checkAsSwitch(actions: readonly Ofpact[], opts: { version: OfVersion; match: Match; table?: number }): void {
  if (!atLeast(opts.version, 'OpenFlow11')) return;
  const decoded = { p: PS.ANY as Protocols };
  checkList(actions, stateOf(opts.match), decoded, opts.table, true);
  if ((decoded.p & allowedProtocols(opts.version)) === 0) {
    throw new FlowSyntaxError('switch rejected the flow: actions are inconsistent with the match (OFPBAC_MATCH_INCONSISTENT)');
  }
}

/** Like `parseActions`, but leaves the protocol check to the caller (the flow parser). */
export function parseActionsDetailed(text: string, opts: ParseActionsOptions): ParsedActions {
  const usable = { p: PS.ANY as Protocols };
  const parsed = parseList(text, { ports: opts.ports, usable, nested: false });
  const state = stateOf(opts.match);
  const checked = checkList(parsed, state, usable, opts.table);
  const actions = transcodeChecked(checked, opts.version);
  verifyOrder(actions, false);
  return { actions, usable: usable.p };
}

/** What held actions become after encoding to `version` and decoding back. */
export function transcodeActions(actions: readonly Ofpact[], opts: { version: OfVersion; match: Match }): Ofpact[] {
  const usable = { p: PS.ANY as Protocols };
  const checked = checkList(actions, stateOf(opts.match), usable, undefined, true);
  return transcodeChecked(checked, opts.version);
}

// ---------------------------------------------------------------------------------------
// Step 1: parsing

interface ParseCtx {
  readonly ports: PortMap | undefined;
  readonly usable: { p: Protocols };
  /** Inside write_actions(...), where only plain actions are allowed. */
  readonly nested: boolean;
}

/** Action names OVS knows but ovsim does not implement. */
const UNSUPPORTED = new Set([
  'group', 'enqueue', 'output_reg', 'bundle', 'bundle_load', 'push', 'pop', 'set_mpls_label', 'set_mpls_tc',
  'set_mpls_ttl', 'dec_mpls_ttl', 'push_mpls', 'pop_mpls', 'dec_nsh_ttl', 'delete_field', 'encap', 'decap',
  'set_tunnel', 'set_tunnel64', 'set_queue', 'pop_queue', 'fin_timeout', 'learn', 'conjunction', 'multipath',
  'exit', 'sample', 'unroll_xlate', 'ct', 'ct_clear', 'nat', 'output_trunc', 'clone', 'check_pkt_larger',
  'debug_recirc', 'debug_slow', 'meter',
]);

function parseList(text: string, ctx: ParseCtx): Ofpact[] {
  const out: Ofpact[] = [];
  let drop = false;
  for (const { name, value: rawValue } of splitKeyValues(text)) {
    const value = rawValue ?? '';
    const lname = name.toLowerCase();
    if (lname === 'drop') {
      drop = true;
      continue;
    }
    if (lname === 'apply_actions') throw new FlowSyntaxError('apply_actions is the default instruction');
    const a = parseOne(lname, value, ctx);
    if (a !== undefined) {
      out.push(...a);
      continue;
    }
    const port = parsePort(name, ctx.ports);
    if (port !== undefined) {
      out.push({ type: 'output', port, maxLen: 0 });
      continue;
    }
    if (UNSUPPORTED.has(lname)) throw new FlowSyntaxError(`${name}: action not supported by ovsim`);
    throw new FlowSyntaxError(`unknown action ${name}`);
  }
  if (drop && out.length > 0) {
    throw new FlowSyntaxError('"drop" must not be accompanied by any other action or instruction');
  }
  verifyOrder(out, ctx.nested);
  return out;
}

/** Parses one named action; undefined when `name` is no action we know. */
function parseOne(name: string, arg: string, ctx: ParseCtx): Ofpact[] | undefined {
  switch (name) {
    case 'output':
      return [parseOutput(arg, ctx)];
    case 'controller':
      return [parseController(arg)];
    case 'set_field':
      return [parseSetField(arg, ctx)];
    case 'load':
      return [parseLoad(arg)];
    case 'move':
      return [parseMove(arg)];
    case 'mod_vlan_vid':
    case 'set_vlan_vid': {
      const vid = cInt(arg, 0xffff, 'VLAN VID');
      if (vid & ~0xfff) throw new FlowSyntaxError(`${arg}: not a valid VLAN VID`);
      return [{ type: 'set_vlan_vid', vid, pushIfNeeded: name === 'mod_vlan_vid' }];
    }
    case 'mod_vlan_pcp':
    case 'set_vlan_pcp': {
      const pcp = cInt(arg, 0xff, 'VLAN PCP');
      if (pcp & ~7) throw new FlowSyntaxError(`${arg}: not a valid VLAN PCP`);
      return [{ type: 'set_vlan_pcp', pcp, pushIfNeeded: name === 'mod_vlan_pcp' }];
    }
    case 'strip_vlan':
      return [{ type: 'strip_vlan', raw: 'strip_vlan' }];
    case 'pop_vlan':
      return [{ type: 'strip_vlan', raw: 'pop_vlan' }];
    case 'push_vlan': {
      ctx.usable.p &= PS.OF11_UP;
      const ethertype = cInt(arg, 0xffff, 'ethertype');
      if (ethertype !== ETH_TYPE.VLAN_8021Q && ethertype !== ETH_TYPE.VLAN_8021AD) {
        throw new FlowSyntaxError(`${arg}: not a valid VLAN ethertype`);
      }
      return [{ type: 'push_vlan', ethertype }];
    }
    case 'mod_dl_src':
    case 'mod_dl_dst': {
      const mac = parseMac(arg);
      if (mac === undefined) throw new FlowSyntaxError(`invalid mac address ${arg}`);
      return [{ type: name === 'mod_dl_src' ? 'set_eth_src' : 'set_eth_dst', mac }];
    }
    case 'mod_nw_src':
    case 'mod_nw_dst': {
      const ip = parseIpv4(arg);
      if (ip === undefined) throw new FlowSyntaxError(`${arg}: could not convert to IP address`);
      return [{ type: name === 'mod_nw_src' ? 'set_ipv4_src' : 'set_ipv4_dst', ip }];
    }
    case 'mod_nw_tos': {
      const tos = cInt(arg, 0xff, 'TOS');
      if (tos & ~0xfc) throw new FlowSyntaxError(`${arg}: not a valid TOS`);
      return [{ type: 'set_ip_dscp', tos }];
    }
    case 'mod_nw_ecn': {
      const ecn = cInt(arg, 0xff, 'ECN');
      if (ecn & ~3) throw new FlowSyntaxError(`${arg}: not a valid ECN`);
      return [{ type: 'set_ip_ecn', ecn }];
    }
    case 'mod_nw_ttl':
    case 'set_nw_ttl':
      return [{ type: 'set_ip_ttl', ttl: cInt(arg, 0xff, 'TTL') }];
    case 'mod_tp_src':
      return [{ type: 'set_l4_src_port', port: cInt(arg, 0xffff, 'source port') }];
    case 'mod_tp_dst':
      return [{ type: 'set_l4_dst_port', port: cInt(arg, 0xffff, 'destination port') }];
    case 'dec_ttl':
      return [parseDecTtl(arg)];
    case 'resubmit':
      return [parseResubmit(arg, ctx)];
    case 'goto_table': {
      const table = parseTable(arg);
      if (table === undefined) throw new FlowSyntaxError(`unknown table "${arg}"`);
      return [{ type: 'goto_table', table }];
    }
    case 'write_metadata': {
      ctx.usable.p &= PS.NXM_OF11_UP;
      const slash = arg.indexOf('/');
      const mask = slash >= 0 ? u64(arg.slice(slash + 1)) : (1n << 64n) - 1n;
      return [{ type: 'write_metadata', value: u64(slash >= 0 ? arg.slice(0, slash) : arg), mask }];
    }
    case 'clear_actions':
      return [{ type: 'clear_actions' }];
    case 'write_actions':
      return [{ type: 'write_actions', actions: parseList(arg, { ...ctx, nested: true }) }];
    case 'note': {
      const data = parseHexBytes(arg);
      if (!data) throw new FlowSyntaxError("bad hex digit in `note' argument");
      return [{ type: 'note', data }];
    }
    default:
      return undefined;
  }
}

function parseOutput(arg: string, ctx: ParseCtx): Ofpact {
  if (arg.includes('port') && arg.includes('max_len')) throw new FlowSyntaxError(`output(${arg}): output_trunc is not supported by ovsim`);
  const port = parsePort(arg, ctx.ports);
  if (port !== undefined) return { type: 'output', port, maxLen: port === OFPP.CONTROLLER ? 0xffff : 0 };
  let isSubfield = false;
  try {
    parseSubfield(arg);
    isSubfield = true;
  } catch {
    // not a subfield either: fall through to the error below
  }
  if (isSubfield) throw new FlowSyntaxError(`output:${arg}: output to a field is not supported by ovsim`);
  throw new FlowSyntaxError(`${arg}: output to unknown port`);
}

const REASONS: ReadonlySet<string> = new Set<ControllerReason>(['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out']);

function parseController(arg: string): Ofpact {
  let reason: ControllerReason = 'action';
  let controllerId = 0;
  let maxLen = 0xffff;
  let userdata: Uint8Array | undefined;
  let pause = false;
  let meterId: number | undefined;
  if (arg === '') {
    // all defaults
  } else if (/^[0-9]+$/.test(arg)) {
    maxLen = cInt(arg, 0xffff, 'max_len');
  } else {
    for (const { name, value } of splitKeyValues(arg)) {
      const v = value ?? '';
      if (name === 'reason') {
        if (!REASONS.has(v)) throw new FlowSyntaxError(`unknown reason "${v}"`);
        reason = v as ControllerReason;
      } else if (name === 'max_len') {
        maxLen = cInt(v, 0xffff, 'max_len');
      } else if (name === 'id') {
        controllerId = cInt(v, 0xffff, 'id');
      } else if (name === 'userdata') {
        userdata = parseHexBytes(v);
        if (!userdata) throw new FlowSyntaxError("bad hex digit in `controller' action `userdata'");
      } else if (name === 'pause') {
        pause = true;
      } else if (name === 'meter_id') {
        meterId = Number(u64(v, 0xffffffffn));
      } else {
        throw new FlowSyntaxError(`unknown key "${name}" parsing controller action`);
      }
    }
  }
  // The plain form is an output to the CONTROLLER port, as in OVS.
  if (reason === 'action' && controllerId === 0 && !userdata && !pause && meterId === undefined) {
    return { type: 'output', port: OFPP.CONTROLLER, maxLen };
  }
  return { type: 'controller', maxLen, controllerId, reason, pause, ...(userdata ? { userdata } : {}), ...(meterId !== undefined ? { meterId } : {}) };
}

function splitArrow(arg: string): { value: string; key: string } {
  const at = arg.indexOf('->');
  if (at < 0) throw new FlowSyntaxError(`${arg}: missing \`->'`);
  const key = arg.slice(at + 2);
  if (key === '') throw new FlowSyntaxError(`${arg}: missing field name following \`->'`);
  return { value: arg.slice(0, at), key };
}

function parseSetField(arg: string, ctx: ParseCtx): Ofpact {
  const { value, key } = splitArrow(arg);
  const field = fieldByName(key);
  if (!field) throw new FlowSyntaxError(`${key} is not a valid OXM field name`);
  if (!field.writable) throw new FlowSyntaxError(`${key} is read-only`);
  const r = parseFieldValue(field, value, { ports: ctx.ports });
  if (!isValueValid(field, r.value)) throw new FlowSyntaxError(`${value} is not a valid value for field ${key}`);
  ctx.usable.p &= setFieldUsable(field);
  return { type: 'set_field', field, value: r.value, mask: r.mask, raw: 'set_field' };
}

function parseLoad(arg: string): Ofpact {
  const { value, key } = splitArrow(arg);
  const sf = parseSubfield(key);
  const v = parseIntString(value);
  if (v === undefined) throw new FlowSyntaxError(`${arg}: cannot parse integer value`);
  if (v >> BigInt(sf.nBits) !== 0n) {
    throw new FlowSyntaxError(`${arg}: value ${formatPlain(sf.field, v)} does not fit into ${sf.nBits} bits`);
  }
  const mask = ((1n << BigInt(sf.nBits)) - 1n) << BigInt(sf.ofs);
  return { type: 'set_field', field: sf.field, value: v << BigInt(sf.ofs), mask, raw: 'load' };
}

function parseMove(arg: string): Ofpact {
  const { sf: src, rest } = parseSubfieldPrefix(arg);
  if (!rest.startsWith('->')) throw new FlowSyntaxError(`${arg}: missing \`->' following source`);
  const dst = parseSubfield(rest.slice(2));
  if (src.nBits !== dst.nBits) {
    throw new FlowSyntaxError(`${arg}: source field is ${src.nBits} bits wide but destination is ${dst.nBits} bits wide`);
  }
  return { type: 'move', src, dst };
}

function parseDecTtl(arg: string): Ofpact {
  if (arg === '') return { type: 'dec_ttl', controllerIds: [0] };
  const ids = arg
    .split(/[, ]+/)
    .filter((s) => s !== '')
    .map((s) => (parseInt(s, 10) || 0) & 0xffff);
  if (ids.length === 0) throw new FlowSyntaxError('dec_ttl_cnt_ids: expected at least one controller id.');
  return { type: 'dec_ttl', controllerIds: ids };
}

function parseResubmit(arg: string, ctx: ParseCtx): Ofpact {
  const [portText, tableText, ctText] = arg.split(',');
  let inPort: number = OFPP.IN_PORT;
  if (portText) {
    const p = parsePort(portText, ctx.ports);
    if (p === undefined) throw new FlowSyntaxError(`${portText}: resubmit to unknown port`);
    inPort = p;
  }
  let table = TABLE_CURRENT;
  if (tableText) {
    const t = parseTable(tableText);
    if (t === undefined) throw new FlowSyntaxError(`${tableText}: resubmit to unknown table`);
    table = t;
  }
  if (ctText) {
    if (ctText !== 'ct') throw new FlowSyntaxError(`${ctText}: unknown parameter`);
    throw new FlowSyntaxError(`resubmit(${arg}): resubmit with ct is not supported by ovsim`);
  }
  if (inPort === OFPP.IN_PORT && table === TABLE_CURRENT) {
    throw new FlowSyntaxError('at least one "in_port" or "table" must be specified on resubmit');
  }
  return { type: 'resubmit', inPort, table };
}

/** A table number 0–254 (255 means "all" and names no table). */
function parseTable(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n < 255 ? n : undefined;
}

/** C's strtol(…, 0) for a whole string, bounded to 0..max; ovs-ofctl's "invalid NAME" error. */
function cInt(text: string, max: number, what: string): number {
  const v = parseCNumber(text);
  if (v === undefined || v < 0n || v > BigInt(max)) throw new FlowSyntaxError(`invalid ${what} "${text}"`);
  return Number(v);
}

/** C's strtoull(…, 0) for a whole string. */
function parseCNumber(text: string): bigint | undefined {
  const m = /^[ \t\n]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const d = m[2]!;
  const v = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d.startsWith('0') ? BigInt(`0o${d.slice(1)}`) : BigInt(d);
  return m[1] === '-' ? -v : v;
}

function u64(text: string, max = (1n << 64n) - 1n): bigint {
  if (text === '') throw new FlowSyntaxError('missing required numeric argument');
  const v = parseCNumber(text);
  if (v === undefined || v > max) throw new FlowSyntaxError(`invalid numeric format ${text}`);
  return v < 0n ? (1n << 64n) + v : v;
}

/** `load`'s value: 0x hex of any width, or a decimal number. */
function parseIntString(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text);
  const v = parseCNumber(text);
  return v === undefined || v < 0n ? undefined : v;
}

/** Hex bytes as OVS reads them for note and userdata: pairs of digits, '.' or spaces between. */
function parseHexBytes(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.' || c === ' ') {
      i++;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return undefined;
    bytes.push(parseInt(pair, 16));
    i += 2;
  }
  return Uint8Array.from(bytes);
}

function formatPlain(f: Field, v: bigint): string {
  return f.format === 'decimal' || f.format === 'port' ? v.toString() : `0x${v.toString(16)}`;
}

/** The protocols a set_field of `f` can travel in. */
export function setFieldUsable(f: Field): Protocols {
  const c = fieldCarriers(f, 'exact');
  return (c.of10 ? PS.OF10_STD_ANY : 0) | (c.of11 ? P.OF11_STD : 0) | (c.nxmOxm ? PS.NXM_OXM_ANY : 0);
}

// ---------------------------------------------------------------------------------------
// Instruction order

const INSTRUCTION_ORDER = ['meter', 'apply_actions', 'clear_actions', 'write_actions', 'write_metadata', 'goto_table'] as const;

function instructionOf(a: Ofpact): number {
  switch (a.type) {
    case 'clear_actions':
      return 2;
    case 'write_actions':
      return 3;
    case 'write_metadata':
      return 4;
    case 'goto_table':
      return 5;
    default:
      return 1;
  }
}

/** OVS's rule: instructions in the OpenFlow 1.1+ order, each at most once. */
function verifyOrder(actions: readonly Ofpact[], nested: boolean): void {
  let inst = 0;
  actions.forEach((a, i) => {
    const next = instructionOf(a);
    if (i > 0 && (inst === 1 ? next < inst : next <= inst)) {
      const name = INSTRUCTION_ORDER[inst];
      if (next === inst) throw new FlowSyntaxError(`duplicate ${name} instruction not allowed, for OpenFlow 1.1+ compatibility`);
      throw new FlowSyntaxError(`invalid instruction ordering: ${INSTRUCTION_ORDER[next]} must appear before ${name}, for OpenFlow 1.1+ compatibility`);
    }
    if (nested && next !== 1) throw new FlowSyntaxError(`${INSTRUCTION_ORDER[next]} instruction not allowed here`);
    inst = next;
  });
}

// ---------------------------------------------------------------------------------------
// Step 2: checking against the match

/** What the check walk knows of the packet at each action. */
interface CheckState {
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
}

function stateOf(m: Match): CheckState {
  return { key: Uint32Array.from(m.key), mask: Uint32Array.from(m.mask) };
}

/** An action plus what the check learned for encoding it. */
interface Checked {
  readonly a: Ofpact;
  readonly hasVlan: boolean;
  readonly ipProto: number;
  readonly nested?: readonly Checked[];
}

function invalid(code: string, detail?: string): never {
  const msg = `actions are invalid with specified match (${code})`;
  throw new FlowSyntaxError(detail ? `${detail}: ${msg}` : msg);
}

function hasVlan(s: CheckState): boolean {
  return (s.key[W.VLAN0]! & VLAN_CFI) !== 0;
}

function isIpAny(s: CheckState): boolean {
  const t = s.key[W.DL_TYPE];
  return t === ETH_TYPE.IP || t === ETH_TYPE.IPV6;
}

/** A set_field's prerequisites, with OVS's extra rule that VLAN fields need a tag. */
function setFieldPrereqOk(f: Field, s: CheckState): boolean {
  if (f.name === 'vlan_vid' || f.name === 'vlan_pcp') return hasVlan(s);
  return prereqOk(f.prereq, s.key);
}

function checkList(actions: readonly Ofpact[], s: CheckState, usable: { p: Protocols }, table: number | undefined, lenient = false): Checked[] {
  const inconsistent = (): void => {
    usable.p &= PS.OF10_ANY;
  };
  const out: Checked[] = [];
  for (const a of actions) {
    const vlanBefore = hasVlan(s);
    const proto = s.key[W.NW_PROTO]!;
    let nested: Checked[] | undefined;
    switch (a.type) {
      case 'output':
        if (!lenient) checkOutputPort(a.port);
        break;
      case 'set_vlan_vid':
      case 'set_vlan_pcp':
        if (!vlanBefore && !a.pushIfNeeded) inconsistent();
        s.key[W.VLAN0] = (s.key[W.VLAN0]! | VLAN_CFI) >>> 0;
        break;
      case 'strip_vlan':
        if (!vlanBefore) inconsistent();
        s.key[W.VLAN0] = s.key[W.VLAN1]!;
        s.key[W.VLAN1] = 0;
        break;
      case 'push_vlan':
        if (!lenient && (s.key[W.VLAN1]! & VLAN_CFI) !== 0) invalid('OFPBAC_BAD_TAG');
        s.key[W.VLAN1] = s.key[W.VLAN0]!;
        s.key[W.VLAN0] = ((a.ethertype << 16) | VLAN_CFI) >>> 0;
        break;
      case 'set_ipv4_src':
      case 'set_ipv4_dst':
        if (s.key[W.DL_TYPE] !== ETH_TYPE.IP) inconsistent();
        break;
      case 'set_ip_dscp':
      case 'set_ip_ecn':
      case 'set_ip_ttl':
      case 'dec_ttl':
        if (!isIpAny(s)) inconsistent();
        break;
      case 'set_l4_src_port':
      case 'set_l4_dst_port':
        if (!isIpAny(s) || (s.key[W.NW_FRAG]! & FRAG_LATER) !== 0 || (proto !== IPPROTO.TCP && proto !== IPPROTO.UDP && proto !== IPPROTO.SCTP)) {
          inconsistent();
        }
        break;
      case 'set_field':
        if (!setFieldPrereqOk(a.field, s)) invalid('OFPBAC_MATCH_INCONSISTENT', `set_field ${a.field.name} lacks correct prerequisites`);
        if (a.field.name === 'vlan_tci') s.key[W.VLAN0] = ((s.key[W.VLAN0]! & 0xffff0000) | Number(a.value & 0xffffn)) >>> 0;
        break;
      case 'move':
        if (!prereqOk(a.src.field.prereq, s.key)) invalid('OFPBAC_MATCH_INCONSISTENT', `source field ${a.src.field.name} lacks correct prerequisites`);
        if (!prereqOk(a.dst.field.prereq, s.key)) invalid('OFPBAC_MATCH_INCONSISTENT', `destination field ${a.dst.field.name} lacks correct prerequisites`);
        if (!a.dst.field.writable) invalid('OFPBAC_BAD_SET_ARGUMENT', `destination field ${a.dst.field.name} is not writable`);
        break;
      case 'goto_table':
        if (!lenient && table !== undefined && a.table <= table) invalid('OFPBIC_BAD_TABLE_ID');
        break;
      case 'write_actions':
        // The action set is checked on a copy and never narrows the protocols.
        nested = checkList(a.actions, { key: Uint32Array.from(s.key), mask: Uint32Array.from(s.mask) }, { p: PS.ANY }, table, lenient);
        break;
      case 'set_eth_src':
      case 'set_eth_dst':
      case 'controller':
      case 'resubmit':
      case 'write_metadata':
      case 'clear_actions':
      case 'note':
        break;
      default: {
        const never: never = a;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
    out.push({ a, hasVlan: vlanBefore, ipProto: proto, ...(nested ? { nested } : {}) });
  }
  return out;
}

function checkOutputPort(port: number): void {
  switch (port) {
    case OFPP.IN_PORT:
    case OFPP.TABLE:
    case OFPP.NORMAL:
    case OFPP.FLOOD:
    case OFPP.ALL:
    case OFPP.CONTROLLER:
    case OFPP.LOCAL:
      return;
    default:
      if (port >= OFPP.MAX) invalid('OFPBAC_BAD_OUT_PORT');
  }
}

// ---------------------------------------------------------------------------------------
// Step 3: encode to a version and decode back

function transcodeChecked(list: readonly Checked[], v: OfVersion): Ofpact[] {
  const out: Ofpact[] = [];
  for (const c of list) out.push(...transcodeOne(c, v));
  return out;
}

function sf(name: string, value: bigint): Ofpact {
  const field = fieldByName(name)!;
  return { type: 'set_field', field, value, mask: fieldAllOnes(field), raw: 'set_field' };
}

const PUSH_8021Q: Ofpact = { type: 'push_vlan', ethertype: ETH_TYPE.VLAN_8021Q };

function transcodeOne(c: Checked, v: OfVersion): Ofpact[] {
  const a = c.a;
  const of10 = v === 'OpenFlow10';
  const of12 = atLeast(v, 'OpenFlow12');
  switch (a.type) {
    case 'set_vlan_vid':
    case 'set_vlan_pcp': {
      const push = !of10 && a.pushIfNeeded && !c.hasVlan ? [PUSH_8021Q] : [];
      if (of12) return [...push, a.type === 'set_vlan_vid' ? sf('vlan_vid', BigInt(a.vid | VLAN_CFI)) : sf('vlan_pcp', BigInt(a.pcp))];
      // OpenFlow 1.0's set-VLAN actions push a tag when needed; 1.1's never do.
      return [...push, { ...a, pushIfNeeded: of10 }];
    }
    case 'strip_vlan':
      return [{ type: 'strip_vlan', raw: of10 ? 'strip_vlan' : 'pop_vlan' }];
    case 'push_vlan':
      return of10 ? [] : [a];
    case 'set_eth_src':
    case 'set_eth_dst':
      return of12 ? [sf(a.type === 'set_eth_src' ? 'eth_src' : 'eth_dst', a.mac)] : [a];
    case 'set_ipv4_src':
    case 'set_ipv4_dst':
      return of12 ? [sf(a.type === 'set_ipv4_src' ? 'ip_src' : 'ip_dst', BigInt(a.ip))] : [a];
    case 'set_ip_dscp':
      return of12 ? [sf('ip_dscp', BigInt(a.tos >> 2))] : [a];
    case 'set_ip_ecn':
      if (of10) return [{ type: 'set_field', field: fieldByName('nw_ecn')!, value: BigInt(a.ecn), mask: 3n, raw: 'load' }];
      return of12 ? [sf('nw_ecn', BigInt(a.ecn))] : [a];
    case 'set_ip_ttl':
      return of10 ? [{ type: 'set_field', field: fieldByName('nw_ttl')!, value: BigInt(a.ttl), mask: 0xffn, raw: 'load' }] : [a];
    case 'set_l4_src_port':
    case 'set_l4_dst_port': {
      const proto = c.ipProto === IPPROTO.TCP ? 'tcp' : c.ipProto === IPPROTO.UDP ? 'udp' : c.ipProto === IPPROTO.SCTP ? 'sctp' : undefined;
      if (!of12 || !proto) return [a];
      return [sf(`${proto}_${a.type === 'set_l4_src_port' ? 'src' : 'dst'}`, BigInt(a.port))];
    }
    case 'set_field':
      return transcodeSetField(a, c.hasVlan, v);
    case 'goto_table':
      return of10 ? [{ type: 'resubmit', inPort: OFPP.IN_PORT, table: a.table }] : [a];
    case 'clear_actions':
      return of10 ? [] : [a];
    case 'write_actions':
      return of10 ? [] : [{ type: 'write_actions', actions: transcodeChecked(c.nested ?? [], v) }];
    case 'note':
      return [{ type: 'note', data: padNote(a.data) }];
    case 'output':
    case 'controller':
    case 'move':
    case 'dec_ttl':
    case 'resubmit':
    case 'write_metadata':
      return [a];
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

/** Nicira's note action pads its bytes so that the action is a multiple of 8 bytes long. */
function padNote(data: Uint8Array): Uint8Array {
  const padded = Math.ceil((10 + data.length) / 8) * 8 - 10;
  const out = new Uint8Array(padded);
  out.set(data);
  return out;
}

type SetField = Extract<Ofpact, { type: 'set_field' }>;

function transcodeSetField(a: SetField, flowHasVlan: boolean, v: OfVersion): Ofpact[] {
  const full = a.mask === fieldAllOnes(a.field);
  if (v === 'OpenFlow15') {
    if ((a.value & ~a.mask) !== 0n) throw new FlowSyntaxError(`set_field of ${a.field.name}: switch rejected the flow (OFPBMC_BAD_WILDCARDS)`);
    return [checkVlanVid({ ...a, raw: 'set_field' })];
  }
  if (a.raw === 'load') return loadSegments(a);
  if (!atLeast(v, 'OpenFlow12')) return legacySetField(a, flowHasVlan, v);
  return full ? [checkVlanVid(a)] : loadSegments(a);
}

/** OpenFlow 1.2+ carries vlan_vid with its "present" bit; without it the switch refuses. */
function checkVlanVid(a: SetField): SetField {
  if (a.field.name === 'vlan_vid' && (a.value & BigInt(VLAN_CFI)) === 0n) {
    throw new FlowSyntaxError(`set_field:${a.value}->vlan_vid: switch rejected the flow (OFPBAC_BAD_SET_ARGUMENT)`);
  }
  return a;
}

/**
 * Nicira's reg_load carries at most 64 contiguous bits, so a set_field becomes one
 * `load` per run of mask bits (an IPv6 address takes two).
 */
function loadSegments(a: SetField): Ofpact[] {
  if (!hasNxmHeader(a.field)) return [{ ...a, value: a.value & a.mask, raw: 'set_field' }];
  const width = subfieldBits(a.field);
  const out: Ofpact[] = [];
  let i = 0;
  while (i < width) {
    if (((a.mask >> BigInt(i)) & 1n) === 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < width && j - i < 64 && ((a.mask >> BigInt(j)) & 1n) === 1n) j++;
    const segMask = ((1n << BigInt(j - i)) - 1n) << BigInt(i);
    out.push({ type: 'set_field', field: a.field, value: a.value & segMask, mask: segMask, raw: 'load' });
    i = j;
  }
  return out;
}

/** A set_field sent as OpenFlow 1.0/1.1 actions, the closest each version has. */
function legacySetField(a: SetField, flowHasVlan: boolean, v: OfVersion): Ofpact[] {
  const of10 = v === 'OpenFlow10';
  const val = a.value;
  switch (a.field.name) {
    case 'vlan_tci': {
      const tci = Number(val & 0xffffn);
      if (tci & VLAN_CFI) {
        const vid = tci & 0xfff;
        const pcp = tci >> 13;
        return [
          ...(!of10 && !flowHasVlan ? [PUSH_8021Q] : []),
          { type: 'set_vlan_vid', vid, pushIfNeeded: of10 },
          { type: 'set_vlan_pcp', pcp, pushIfNeeded: of10 },
        ];
      }
      return [{ type: 'strip_vlan', raw: of10 ? 'strip_vlan' : 'pop_vlan' }];
    }
    case 'vlan_vid':
      return [{ type: 'set_vlan_vid', vid: Number(val & 0xfffn), pushIfNeeded: of10 }];
    case 'vlan_pcp':
      return [{ type: 'set_vlan_pcp', pcp: Number(val & 7n), pushIfNeeded: of10 }];
    case 'eth_src':
      return [{ type: 'set_eth_src', mac: val }];
    case 'eth_dst':
      return [{ type: 'set_eth_dst', mac: val }];
    case 'ip_src':
      return [{ type: 'set_ipv4_src', ip: Number(val) }];
    case 'ip_dst':
      return [{ type: 'set_ipv4_dst', ip: Number(val) }];
    case 'nw_tos':
      return [{ type: 'set_ip_dscp', tos: Number(val) & 0xfc }];
    case 'ip_dscp':
      return [{ type: 'set_ip_dscp', tos: (Number(val) << 2) & 0xfc }];
    case 'nw_ecn':
      return of10
        ? [{ type: 'set_field', field: a.field, value: val & 3n, mask: 3n, raw: 'load' }]
        : [{ type: 'set_ip_ecn', ecn: Number(val & 3n) }];
    case 'tcp_src':
    case 'udp_src':
      return [{ type: 'set_l4_src_port', port: Number(val) }];
    case 'tcp_dst':
    case 'udp_dst':
      return [{ type: 'set_l4_dst_port', port: Number(val) }];
    default:
      return loadSegments(a);
  }
}
