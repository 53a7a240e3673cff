/**
 * Reading flows in ovs-ofctl's syntax (`add-flow` / `add-flows`) into the rules a switch
 * holds: flow-mod keywords (table, priority, cookie, timeouts, flags), the match (read by
 * sim/flow/match-syntax.ts) and the actions (read by actions-syntax.ts), for one
 * OpenFlow version.
 *
 * Like ovs-ofctl, a flow must be expressible in a protocol `-O` allows: a flow that
 * needs OpenFlow 1.3 (no_packet_counts) fails under 1.0 with ovs-ofctl's message naming
 * the usable and the allowed protocols.
 */
import { FIELDS, prereqOk } from '../flow/fields.js';
import { fieldAllOnes, readField } from '../flow/key.js';
import { ETH_TYPE, FRAG_LATER, IPPROTO, W } from '../flow/layout.js';
import { catchAllMatch, type Match } from '../flow/match.js';
import { applyMatchToken, dropUnmetPrereqs, oxmVlanRoundTrip, splitKeyValues } from '../flow/match-syntax.js';
import { prefixLength } from '../flow/addr.js';
import type { PortMap } from '../flow/ports.js';
import { FlowSyntaxError } from '../flow/syntax-error.js';
import { OFP_DEFAULT_PRIORITY, type FlowEntry } from '../ofproto/rule.js';
import { checkAsSwitch, parseActionsDetailed } from './actions-syntax.js';
import type { Ofpact } from './ofpact.js';
import { fieldCarriers } from './nxm-names.js';
import { atLeast, P, PS, requireUsable, type OfVersion, type Protocols } from './version.js';

export interface ParseFlowOptions {
  readonly version: OfVersion;
  readonly ports?: PortMap;
}

/** Flow-mod flags in the order dump-flows prints them. */
const FLAG_ORDER = ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts'] as const;
const FLAG_PROTOCOLS: Readonly<Record<(typeof FLAG_ORDER)[number], Protocols>> = {
  send_flow_rem: PS.ANY,
  check_overlap: PS.ANY,
  reset_counts: PS.OF12_UP,
  no_packet_counts: PS.OF13_UP,
  no_byte_counts: PS.OF13_UP,
};

/** Statistics columns of dump-flows output, accepted and ignored so dumps read back. */
const IGNORED = new Set(['duration', 'n_packets', 'n_bytes', 'idle_age', 'hard_age', 'no_readonly_table', 'allow_hidden_fields']);

/**
 * Parses one flow as `ovs-ofctl -O version add-flow br0 TEXT` installs it.
 *
 * @example parseFlow('priority=10,tcp,tp_dst=80,actions=output:2', { version: 'OpenFlow13' })
 */
export function parseFlow(text: string, opts: ParseFlowOptions): FlowEntry {
  const actionsAt = text.indexOf('action');
  if (actionsAt < 0) throw new FlowSyntaxError('must specify an action');
  const eq = text.indexOf('=', actionsAt + 1);
  if (eq < 0) throw new FlowSyntaxError('must specify an action');
  const actText = text.slice(eq + 1);

  let usable: Protocols = PS.ANY;
  const match = catchAllMatch();
  let table: number | undefined;
  let priority = OFP_DEFAULT_PRIORITY;
  let cookie = 0n;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let importance = 0;
  const flags = new Set<string>();

  for (const { name, value } of splitKeyValues(text.slice(0, actionsAt))) {
    if ((FLAG_ORDER as readonly string[]).includes(name)) {
      flags.add(name);
      usable &= FLAG_PROTOCOLS[name as (typeof FLAG_ORDER)[number]];
      continue;
    }
    if (IGNORED.has(name)) continue;
    if (applyMatchToken(match, name, value, { ports: opts.ports })) continue;
    if (value === undefined || value === '') throw new FlowSyntaxError(`field ${name} missing value`);
    switch (name) {
      case 'table': {
        if (!/^[0-9]+$/.test(value) || Number(value) > 254) throw new FlowSyntaxError(`unknown table "${value}"`);
        table = Number(value);
        usable &= PS.TID;
        break;
      }
      case 'priority':
        priority = u16(value, name);
        break;
      case 'idle_timeout':
        idleTimeout = u16(value, name);
        break;
      case 'hard_timeout':
        hardTimeout = u16(value, name);
        break;
      case 'importance':
        importance = u16(value, name);
        break;
      case 'cookie':
        if (value.includes('/')) throw new FlowSyntaxError('flow additions cannot use a cookie mask');
        cookie = u64(value);
        break;
      default:
        throw new FlowSyntaxError(`unknown keyword ${name}`);
    }
  }

  const parsed = parseActionsDetailed(actText, { version: opts.version, match, ports: opts.ports, ...(table !== undefined ? { table } : {}) });
  usable &= parsed.usable;
  // ovs-ofctl quietly drops match fields whose prerequisites are missing (tp_dst without tcp).
  dropUnmetPrereqs(match);
  usable &= matchProtocols(match);
  // OXM (OpenFlow 1.2+) has no vlan_tci: the match arrives as vlan_vid/vlan_pcp say it.
  if (atLeast(opts.version, 'OpenFlow12')) oxmVlanRoundTrip(match);
  requireUsable(usable, opts.version);
  checkAsSwitch(parsed.actions, { version: opts.version, match });
  checkSwitchMatch(match);
  checkActionSet(parsed.actions);

  // A flow-mod without a table goes to table 0, where OpenFlow 1.1+ switches check goto_table.
  if (table === undefined && atLeast(opts.version, 'OpenFlow11')) {
    const bad = parsed.actions.find((a) => a.type === 'goto_table' && a.table === 0);
    if (bad) throw new FlowSyntaxError('goto_table:0: switch rejected the flow (OFPBIC_BAD_TABLE_ID)');
  }

  return {
    table: table ?? 0,
    priority,
    cookie,
    idleTimeout,
    hardTimeout,
    // OpenFlow 1.0–1.3 flow-mods have no importance field: it never reaches the switch.
    importance: atLeast(opts.version, 'OpenFlow14') ? importance : 0,
    flags: FLAG_ORDER.filter((f) => flags.has(f)),
    match,
    actions: parsed.actions,
  };
}

export interface ParseFlowsOptions extends ParseFlowOptions {
  /** Named in error messages; ovs-ofctl says "-" for standard input. */
  readonly file?: string;
}

const COMMANDS = ['add', 'delete', 'delete_strict', 'modify', 'modify_strict'] as const;

/**
 * Parses a flow file as `ovs-ofctl add-flows` reads it: one flow per line, `#` starts a
 * comment, blank lines are skipped, a line may begin with `add`. Any bad line fails the
 * whole file with "FILE:LINE: message", and nothing is returned.
 */
export function parseFlows(text: string, opts: ParseFlowsOptions): FlowEntry[] {
  const file = opts.file ?? '-';
  const out: FlowEntry[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const hash = raw.indexOf('#');
    let line = hash >= 0 ? raw.slice(0, hash) : raw;
    if (/^[ \t\n]*$/.test(line)) return;
    try {
      line = stripCommand(line);
      out.push(parseFlow(line, opts));
    } catch (e) {
      if (e instanceof FlowSyntaxError) throw new FlowSyntaxError(`${file}:${i + 1}: ${e.message}`);
      throw e;
    }
  });
  return out;
}

/** Removes a leading flow-mod command word; only additions make flows. */
function stripCommand(line: string): string {
  const start = line.length - line.replace(/^[ \t\r\n]+/, '').length;
  const m = /^[^, \t\r\n]*/.exec(line.slice(start))!;
  const word = m[0];
  if (word === '') return line;
  const cmd = COMMANDS.find((c) => c.startsWith(word));
  if (!cmd) return line;
  if (cmd !== 'add') throw new FlowSyntaxError(`${word}: only flow additions can be loaded here`);
  return line.slice(start + word.length);
}

function u16(text: string, name: string): number {
  const v = cNumber(text);
  if (v === undefined || v < 0n || v > 0xffffn) throw new FlowSyntaxError(`invalid ${name} "${text}"`);
  return Number(v);
}

function u64(text: string): bigint {
  const v = cNumber(text);
  if (v === undefined || v > (1n << 64n) - 1n) throw new FlowSyntaxError(`invalid numeric format ${text}`);
  return v < 0n ? (1n << 64n) + v : v;
}

/** C's strtol/strtoull with base 0 over the whole string. */
function cNumber(text: string): bigint | undefined {
  const m = /^[ \t\n]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const d = m[2]!;
  const v = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d.startsWith('0') ? BigInt(`0o${d.slice(1)}`) : BigInt(d);
  return m[1] === '-' ? -v : v;
}

/** VLAN masks OpenFlow 1.0/1.1 matches can express (dl_vlan, dl_vlan_pcp, "no tag"). */
const PLAIN_VLAN_MASKS = new Set([0, 0x1fff, 0xf000, 0xffff]);

/** The protocols whose match can carry `m`. */
export function matchProtocols(m: Match): Protocols {
  let p: Protocols = PS.ANY;
  for (const f of FIELDS) {
    if (f.word === W.VLAN0 || !prereqOk(f.prereq, m.key)) continue;
    const mask = readField(m.mask, f);
    if (mask === 0n) continue;
    const kind = mask === fieldAllOnes(f) ? 'exact' : prefixLength(mask, f.bits) >= 0 ? 'cidr' : 'bitwise';
    const c = fieldCarriers(f, kind);
    p &= (c.of10 ? PS.OF10_STD_ANY : 0) | (c.of11 ? P.OF11_STD : 0) | (c.nxmOxm ? PS.NXM_OXM_ANY : 0);
  }
  if (!PLAIN_VLAN_MASKS.has(m.mask[W.VLAN0]! & 0xffff)) p &= PS.NXM_OXM_ANY;
  // Only NXM and OXM can match L3/L4 fields inside IPv6.
  if (m.key[W.DL_TYPE] === ETH_TYPE.IPV6 && (m.mask[W.NW_PROTO] || m.mask[W.NW_TOS] || m.mask[W.TP_SRC] || m.mask[W.TP_DST])) {
    p &= PS.NXM_OXM_ANY;
  }
  return p;
}

/**
 * What the switch refuses when it decodes the match: transport fields on a match that
 * only admits later fragments (they carry no transport header), OFPBMC_BAD_PREREQ.
 */
function checkSwitchMatch(match: Match): void {
  const fragMask = match.mask[W.NW_FRAG]!;
  const later = (match.key[W.NW_FRAG]! & FRAG_LATER) !== 0 && (fragMask & FRAG_LATER) !== 0;
  if (!later) return;
  const l4 = match.mask[W.TP_SRC] !== 0 || match.mask[W.TP_DST] !== 0 || match.mask[W.TCP_FLAGS] !== 0;
  const proto = match.key[W.NW_PROTO];
  const transport = proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP;
  if (l4 && transport) throw new FlowSyntaxError('switch rejected the flow: transport fields on later fragments (OFPBMC_BAD_PREREQ)');
}

/** Actions an action set (write_actions) may hold, as OVS decides it (OFPBAC_BAD_TYPE otherwise). */
const ACTION_SET_ALLOWED: ReadonlySet<Ofpact['type']> = new Set<Ofpact['type']>([
  'output',
  'resubmit',
  'strip_vlan',
  'push_vlan',
  'dec_ttl',
  'set_field',
  'move',
  'set_eth_src',
  'set_eth_dst',
  'set_ipv4_src',
  'set_ipv4_dst',
  'set_ip_dscp',
  'set_ip_ecn',
  'set_ip_ttl',
  'set_l4_src_port',
  'set_l4_dst_port',
  'set_vlan_vid',
  'set_vlan_pcp',
]);

function checkActionSet(actions: readonly Ofpact[]): void {
  for (const a of actions) {
    if (a.type !== 'write_actions') continue;
    const bad = a.actions.find((x) => !ACTION_SET_ALLOWED.has(x.type));
    if (bad) throw new FlowSyntaxError(`disallowed action in action set: ${bad.type} (OFPBAC_BAD_TYPE)`);
  }
}
