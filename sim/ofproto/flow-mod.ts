/**
 * OpenFlow flow-mod semantics on an ofproto (OpenFlow 1.3 §6.4, as Open vSwitch reads it):
 *
 * - add: a rule with the same table, match and priority is replaced, keeping its packet
 *   and byte counts unless the new one says reset_counts; otherwise, with check_overlap,
 *   a rule of the same priority that some packet could match as well refuses the add
 *   (OFPFMFC_OVERLAP).
 * - modify / modify_strict: every rule the match covers (strict: exactly this match and
 *   priority) and whose cookie agrees under the cookie mask gets the new actions; its
 *   timeouts, flags and creation time stay. Under OpenFlow 1.0 (and NXM) a modify may
 *   also set a new cookie, and a modify that finds nothing adds the rule instead.
 * - delete / delete_strict: the same selection, narrowed by out_port and out_group, and
 *   the rules go with reason "delete" (ofproto's removal listeners send FLOW_REMOVED).
 *
 * Table 255 (OFPTT_ALL) means every table, for the commands where that is allowed.
 */
import { OFPP } from '../flow/layout.js';
import type { Match } from '../flow/match.js';
import type { Ofpact } from '../openflow/ofpact.js';
import type { OfVersion } from '../openflow/version.js';
import type { OfpErrorName } from '../openflow/wire/errors.js';
import type { FlowMod } from '../openflow/wire/messages.js';
import { entryFromFlowMod } from '../openflow/wire/msg-flow.js';
import { NO_BUFFER, OFPG_ANY } from '../openflow/wire/ports.js';
import { covers, type Ofproto } from './ofproto.js';
import type { FlowEntry } from './rule.js';

/** Tables OpenFlow may name: OVS offers 254 (0–253); 254 is its hidden internal table. */
export const OF_N_TABLES = 254;
export const OFPTT_ALL = 255;

export interface FlowModResult {
  /** Set when the flow mod was refused; nothing changed then. */
  readonly error?: OfpErrorName;
  /** Why, in words (for logs and the event log). */
  readonly detail?: string;
  readonly added: number;
  readonly modified: number;
  readonly removed: readonly FlowEntry[];
}

export interface FlowModOptions {
  /** The version the flow mod arrived in: OpenFlow 1.0 modifies may add and set cookies. Default OpenFlow13. */
  readonly version?: OfVersion;
}

function refuse(error: OfpErrorName, detail: string): FlowModResult {
  return { error, detail, added: 0, modified: 0, removed: [] };
}

/**
 * Applies one flow mod to `ofproto`.
 *
 * @example
 * const r = applyFlowMod(br.ofproto, fm, { version: 'OpenFlow13' });
 * if (r.error) conn.sendError(r.error, request);
 */
export function applyFlowMod(ofproto: Ofproto, fm: FlowMod, opts: FlowModOptions = {}): FlowModResult {
  const version = opts.version ?? 'OpenFlow13';
  const check = validate(fm, version);
  if (check) return check;
  switch (fm.command) {
    case 'add':
      return add(ofproto, fm);
    case 'modify':
    case 'modify_strict':
      return modify(ofproto, fm, version);
    case 'delete':
    case 'delete_strict': {
      const victims = select(ofproto, fm, true);
      ofproto.removeFlows(victims, 'delete');
      return { added: 0, modified: 0, removed: victims };
    }
  }
}

function validate(fm: FlowMod, version: OfVersion): FlowModResult | undefined {
  const deleting = fm.command === 'delete' || fm.command === 'delete_strict';
  if (fm.table === OFPTT_ALL) {
    if (!deleting && version !== 'OpenFlow10') return refuse('OFPFMFC_BAD_TABLE_ID', `flow-mod ${fm.command} into table 255`);
  } else if (fm.table >= OF_N_TABLES) {
    return refuse('OFPBRC_BAD_TABLE_ID', `table ${fm.table} does not exist (tables are 0-${OF_N_TABLES - 1})`);
  }
  if (!deleting) {
    const t = fm.table === OFPTT_ALL ? 0 : fm.table;
    const bad = badGoto(fm.actions, t);
    if (bad !== undefined) return refuse('OFPBIC_BAD_TABLE_ID', `goto_table:${bad} from table ${t} (must go to a later table)`);
  }
  if (fm.bufferId !== NO_BUFFER) return refuse('OFPBRC_BUFFER_UNKNOWN', `buffer ${fm.bufferId} (this switch buffers no packets)`);
  return undefined;
}

function badGoto(actions: readonly Ofpact[], table: number): number | undefined {
  for (const a of actions) if (a.type === 'goto_table' && (a.table <= table || a.table >= OF_N_TABLES)) return a.table;
  return undefined;
}

function add(ofproto: Ofproto, fm: FlowMod): FlowModResult {
  const e = entryFromFlowMod(fm);
  const t = ofproto.table(e.table);
  const same = t.findExact(e.match, e.priority);
  if (!same && fm.flags.includes('check_overlap')) {
    for (const r of t.rules()) {
      if (r.priority === e.priority && overlaps(r.match, e.match)) {
        return refuse('OFPFMFC_OVERLAP', `overlaps a rule of priority ${e.priority} in table ${e.table}`);
      }
    }
  }
  // An identical rule: the add replaces it (addFlow forwards its counts unless reset_counts).
  ofproto.addFlow(e);
  return { added: same ? 0 : 1, modified: same ? 1 : 0, removed: [] };
}

function modify(ofproto: Ofproto, fm: FlowMod, version: OfVersion): FlowModResult {
  const of10 = version === 'OpenFlow10';
  // OpenFlow 1.0 carries a cookie to set (not to match) unless an NXM cookie mask says otherwise.
  const setsCookie = of10 && fm.cookieMask === 0n;
  const targets = select(ofproto, setsCookie ? { ...fm, cookieMask: 0n } : fm, false);
  if (targets.length === 0) {
    if (setsCookie) return add(ofproto, { ...fm, command: 'add', table: fm.table === OFPTT_ALL ? 0 : fm.table });
    return { added: 0, modified: 0, removed: [] };
  }
  const keepCounts = !fm.flags.includes('reset_counts');
  let modified = 0;
  for (const old of targets) {
    const next: FlowEntry = { ...old, actions: fm.actions, cookie: setsCookie ? fm.cookie : old.cookie };
    if (ofproto.replaceFlow(old, next, { keepCounts, keepCreated: true })) modified++;
  }
  return { added: 0, modified, removed: [] };
}

/** The rules a modify or delete (or a flow-stats request) selects. */
export function select(ofproto: Ofproto, q: Pick<FlowMod, 'command' | 'table' | 'match' | 'priority' | 'cookie' | 'cookieMask' | 'outPort' | 'outGroup'>, useOutPort: boolean): FlowEntry[] {
  const strict = q.command === 'modify_strict' || q.command === 'delete_strict';
  const ids = q.table === OFPTT_ALL ? ofproto.tableIds() : ofproto.tableIds().filter((i) => i === q.table);
  const out: FlowEntry[] = [];
  for (const id of ids) {
    const t = ofproto.table(id);
    const candidates: FlowEntry[] = [];
    if (strict) {
      const r = t.findExact(q.match, q.priority);
      if (r) candidates.push(r.data);
    } else {
      for (const r of t.rules()) if (covers(q.match, r.match)) candidates.push(r.data);
    }
    for (const e of candidates) {
      if (e.priority > 0xffff) continue; // hidden rules (fail-open) are not OpenFlow's to touch
      if (((e.cookie ^ q.cookie) & q.cookieMask) !== 0n) continue;
      if (useOutPort && q.outPort !== OFPP.NONE && !hasOutPort(e.actions, q.outPort)) continue;
      if (useOutPort && q.outGroup !== OFPG_ANY) continue; // no rule uses a group: ovsim has none
      out.push(e);
    }
  }
  return out;
}

/** Whether the rule's actions send to `port` (OVS counts output, controller and the action set). */
export function hasOutPort(actions: readonly Ofpact[], port: number): boolean {
  for (const a of actions) {
    if (a.type === 'output' && a.port === port) return true;
    if (a.type === 'controller' && port === OFPP.CONTROLLER) return true;
    if (a.type === 'write_actions' && hasOutPort(a.actions, port)) return true;
  }
  return false;
}

/** Whether some packet matches both. */
export function overlaps(a: Match, b: Match): boolean {
  for (let i = 0; i < a.mask.length; i++) {
    if (((a.key[i]! ^ b.key[i]!) & a.mask[i]! & b.mask[i]!) !== 0) return false;
  }
  return true;
}
