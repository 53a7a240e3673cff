/**
 * Flow text for the flow-mod commands other than add: `mod-flows` (a flow with actions,
 * whose cookie may carry a mask that selects flows) and `del-flows` / `dump-flows`
 * (a match with table, cookie/mask, out_port, out_group and, when strict, priority).
 */
import { matchFromKeyAndMask, catchAllMatch, type Match } from '../flow/match.js';
import { applyMatchToken, dropUnmetPrereqs, splitKeyValues } from '../flow/match-syntax.js';
import { parsePort, type PortMap } from '../flow/ports.js';
import { FlowSyntaxError } from '../flow/syntax-error.js';
import { parseFlow, matchProtocols } from '../openflow/flow-syntax.js';
import { PS, requireUsable, type OfVersion, type Protocols } from '../openflow/version.js';
import type { FlowMod, FlowStatsRequest } from '../openflow/wire/index.js';
import { flowModFromEntry } from '../openflow/wire/index.js';

export interface SpecOptions {
  readonly version: OfVersion;
  readonly ports?: PortMap;
}

/** A flow mod to send and the protocols that can carry it. */
export interface ParsedFlowMod {
  readonly fm: FlowMod;
  readonly usable: Protocols;
}

const ALL_ONES64 = (1n << 64n) - 1n;
const OFPP_ANY = 0xffff;
const OFPG_ANY = 0xffffffff;

/** `cookie=V/M` as ovs-ofctl reads it for a selection. */
function parseCookie(value: string): { cookie: bigint; mask: bigint } {
  const [v, m] = value.split('/');
  const num = (t: string): bigint => {
    try {
      const n = BigInt(t.trim());
      return n < 0n ? (n + (1n << 64n)) & ALL_ONES64 : n;
    } catch {
      throw new FlowSyntaxError(`invalid numeric format ${t}`);
    }
  };
  return { cookie: num(v!), mask: m === undefined ? ALL_ONES64 : num(m) };
}

/** An add or modify flow mod. */
export function parseAddOrModify(text: string, command: 'add' | 'modify' | 'modify_strict', opts: SpecOptions): ParsedFlowMod {
  // A modify may select by cookie/mask; parseFlow knows only plain cookies.
  let cookieSel: { cookie: bigint; mask: bigint } | undefined;
  let rest = text;
  if (command !== 'add') {
    rest = text.replace(/(^|[,\s])cookie=([^,\s]+\/[^,\s]+)/, (_m, pre: string, v: string) => {
      cookieSel = parseCookie(v);
      return pre;
    });
  }
  const e = parseFlow(rest, { version: opts.version, ...(opts.ports ? { ports: opts.ports } : {}) });
  let usable = matchProtocols(e.match);
  if (/(^|[,\s])table=/.test(text)) usable &= PS.TID;
  const fm0 = flowModFromEntry(e, { command });
  const fm: FlowMod = cookieSel ? { ...fm0, cookie: cookieSel.cookie, cookieMask: cookieSel.mask } : fm0;
  if (cookieSel) usable &= PS.NXM_OF11_UP;
  return { fm, usable };
}

/** A match with the selectors delete and dump-flows accept. */
export interface Selection {
  readonly match: Match;
  readonly table: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly outPort: number;
  readonly outGroup: number;
  readonly usable: Protocols;
}

/** Reads `del-flows` / `dump-flows` selection text (empty: everything). */
export function parseSelection(text: string, opts: SpecOptions & { forDump?: boolean }): Selection {
  const m = catchAllMatch();
  let table = 0xff;
  let priority = 0x8000;
  let cookie = 0n;
  let cookieMask = 0n;
  let outPort = OFPP_ANY;
  let outGroup = OFPG_ANY;
  let usable: Protocols = PS.ANY;
  for (const { name, value } of splitKeyValues(text)) {
    if (applyMatchToken(m, name, value, opts.ports ? { ports: opts.ports } : {})) continue;
    if (value === undefined || value === '') throw new FlowSyntaxError(`field ${name} missing value`);
    switch (name) {
      case 'table':
        if (!/^[0-9]+$/.test(value) || Number(value) > 255) throw new FlowSyntaxError(`unknown table "${value}"`);
        table = Number(value);
        // Stats requests name a table in every format; flow mods need a table-id protocol.
        if (table !== 255 && !opts.forDump) usable &= PS.TID;
        break;
      case 'priority':
        if (!/^[0-9]+$/.test(value) || Number(value) > 0xffff) throw new FlowSyntaxError(`invalid priority "${value}"`);
        priority = Number(value);
        break;
      case 'cookie': {
        const c = parseCookie(value);
        cookie = c.cookie;
        cookieMask = c.mask;
        usable &= PS.NXM_OF11_UP;
        break;
      }
      case 'out_port': {
        const p = parsePort(value, opts.ports);
        if (p === undefined) throw new FlowSyntaxError(`${value}: output to unknown port`);
        outPort = p;
        break;
      }
      case 'out_group':
        if (!/^[0-9]+$/.test(value)) throw new FlowSyntaxError(`invalid out_group "${value}"`);
        outGroup = Number(value);
        usable &= PS.OF11_UP;
        break;
      case 'actions':
      case 'action':
        throw new FlowSyntaxError('actions are not allowed here');
      default:
        throw new FlowSyntaxError(`unknown keyword ${name}`);
    }
  }
  dropUnmetPrereqs(m);
  usable &= matchProtocols(m);
  requireUsable(usable, opts.version);
  return { match: matchFromKeyAndMask(m.key, m.mask), table, priority, cookie, cookieMask, outPort, outGroup, usable };
}

/** The delete flow mod for a selection. */
export function deleteFlowMod(sel: Selection, strict: boolean): FlowMod {
  return {
    type: 'flow_mod',
    xid: 0,
    command: strict ? 'delete_strict' : 'delete',
    table: sel.table,
    priority: sel.priority,
    cookie: sel.cookie,
    cookieMask: sel.cookieMask,
    idleTimeout: 0,
    hardTimeout: 0,
    importance: 0,
    flags: [],
    bufferId: 0xffffffff,
    outPort: sel.outPort,
    outGroup: sel.outGroup,
    match: sel.match,
    actions: [],
  };
}

/** The flow-stats request body for a selection. */
export function statsRequest(sel: Selection): FlowStatsRequest {
  return { table: sel.table, outPort: sel.outPort, outGroup: sel.outGroup, cookie: sel.cookie, cookieMask: sel.cookieMask, match: sel.match };
}
