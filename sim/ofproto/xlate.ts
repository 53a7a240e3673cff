/**
 * Translation (xlate): runs a packet's flow key through the OpenFlow pipeline and produces
 * what the datapath should do with every packet like it — datapath actions plus the
 * megaflow mask saying which header bits the decision depended on.
 *
 * The rules followed are Open vSwitch's (ofproto-dpif-xlate): a few fields are always
 * matched (in_port, dl_type, recirc_id, and nw_frag for IP); each table lookup adds the
 * bits the classifier examined; each action adds the bits it read or wrote; header changes
 * are committed as set actions just before the packet leaves or goes to the controller;
 * resubmit and goto_table recurse with OVS's limits (depth 64, 4 096 resubmits); the
 * action set (write_actions) runs at the end of the pipeline in the OpenFlow order.
 */
import type { OdpAction } from '../datapath/odp-actions.js';
import { ETH_TYPE, FRAG_ANY, FRAG_LATER, FRAG_MASK, IPPROTO, OFPP, VLAN_CFI, VLAN_PCP_MASK, VLAN_VID_MASK, W } from '../flow/layout.js';
import type { Field, Prereq } from '../flow/fields.js';
import { fieldAllOnes, readField, writeFieldMasked, type FlowKey, type FlowMask } from '../flow/key.js';
import type { Ofpact, ControllerReason } from '../openflow/ofpact.js';
import { TABLE_CURRENT } from '../openflow/ofpact.js';
import { allocKey, copyKey } from '../flow/key-slab.js';
import { commitOdpActions } from './commit.js';
import type { Ofproto } from './ofproto.js';
import { N_TABLES } from './ofproto.js';
import type { FlowEntry } from './rule.js';

export const MAX_DEPTH = 64;
export const MAX_RESUBMITS = MAX_DEPTH * MAX_DEPTH;

/** A node of the translation trace, printed by `ofproto/trace`. */
export type TraceNode =
  | { readonly type: 'table'; readonly tableId: number; readonly rule: FlowEntry | null; readonly subs: TraceNode[] }
  | { readonly type: 'action_set'; readonly subs: TraceNode[] }
  | { readonly type: 'action'; readonly action: Ofpact | null }
  | { readonly type: 'detail' | 'warn' | 'error'; readonly text: string };

export interface XlateOptions {
  /** Record a trace tree. */
  readonly trace?: boolean;
  /** Learn MAC addresses (a real packet, not a trace). */
  readonly allowSideEffects?: boolean;
  /** Engine time, for MAC learning. */
  readonly nowNs?: number;
}

export interface XlateResult {
  readonly actions: OdpAction[];
  /** The flow after translation (header rewrites applied). */
  readonly finalFlow: FlowKey;
  /** Megaflow mask. */
  readonly mask: FlowMask;
  readonly trace: TraceNode[];
  /** Set when translation failed (the packet is then dropped), e.g. too deep recursion. */
  readonly error: string | null;
  /** NORMAL learned something new: flows translated before may now be stale. */
  readonly macLearningChanged: boolean;
  /** The rules the packet matched, in the order translation met them (for rule statistics). */
  readonly rules: readonly FlowEntry[];
  /** For each userspace (controller) action emitted, in order: the table whose rule sent it. */
  readonly controllerTables: readonly number[];
}

const CONTROLLER_REASONS: Record<ControllerReason, number> = {
  no_match: 0,
  action: 1,
  invalid_ttl: 2,
  action_set: 3,
  group: 4,
  packet_out: 5,
};
/** OFPR_EXPLICIT_MISS: a controller action in a table-miss (priority 0, catch-all) rule. */
const REASON_EXPLICIT_MISS = 6;

const WORDS_ALL = 0xffffffff;

function isIpAny(flow: FlowKey): boolean {
  const t = flow[W.DL_TYPE];
  return t === ETH_TYPE.IP || t === ETH_TYPE.IPV6;
}

class Ctx {
  readonly flow: FlowKey;
  readonly base: FlowKey;
  readonly wc: FlowMask;
  readonly out: OdpAction[] = [];
  readonly root: TraceNode[] = [];
  trace: TraceNode[] | null;
  depth = 0;
  resubmits = 0;
  tableId = 0;
  rule: FlowEntry | null = null;
  ruleCookie = 0n;
  actionSet: Ofpact[] = [];
  inActionSet = false;
  exit = false;
  error: string | null = null;
  macChanged = false;
  /** Bit i set: mirror i already has its copy of this packet. */
  mirrored = 0;
  readonly rules: FlowEntry[] = [];
  readonly controllerTables: number[] = [];

  constructor(
    readonly ofproto: Ofproto,
    flow: FlowKey,
    readonly opts: XlateOptions,
  ) {
    this.flow = copyKey(flow);
    this.base = copyKey(flow);
    this.wc = allocKey();
    this.trace = opts.trace ? this.root : null;
  }

  report(type: 'detail' | 'warn' | 'error', text: string): void {
    this.trace?.push({ type, text });
  }

  mask(word: number, bits = WORDS_ALL): void {
    this.wc[word] = (this.wc[word]! | bits) >>> 0;
  }
}

/** Translates `flow` through `ofproto`'s tables, starting at table 0. */
export function xlate(ofproto: Ofproto, flow: FlowKey, opts: XlateOptions = {}): XlateResult {
  const ctx = new Ctx(ofproto, flow, opts);
  alwaysExamined(ctx);

  if (!mirrorIngress(ctx)) {
    finishWildcards(ctx, flow);
    return result(ctx);
  }
  const rule = lookupFromTable(ctx, 0, ctx.flow[W.IN_PORT]!, true);
  ctx.rule = rule.entry;
  const top = reportTable(ctx, rule.tableId, rule.entry);
  if (top) ctx.trace = top;
  ctx.tableId = rule.tableId;
  ctx.ruleCookie = rule.entry?.cookie ?? 0n;
  doActions(ctx, rule.entry?.actions ?? []);
  if (!ctx.error) executeActionSet(ctx);
  finishWildcards(ctx, flow);
  if (ctx.error) ctx.out.length = 0;
  return result(ctx);
}

function result(ctx: Ctx): XlateResult {
  return {
    actions: ctx.out,
    finalFlow: ctx.flow,
    mask: ctx.wc,
    trace: ctx.root,
    error: ctx.error,
    macLearningChanged: ctx.macChanged,
    rules: ctx.rules,
    controllerTables: ctx.controllerTables,
  };
}

/**
 * Runs an action list on `flow` as if a rule in table 0 held it: what a PACKET_OUT asks.
 * Output to TABLE, resubmit and goto_table go on through the real tables.
 */
export function xlateActions(ofproto: Ofproto, flow: FlowKey, actions: readonly Ofpact[], opts: XlateOptions = {}): XlateResult {
  const ctx = new Ctx(ofproto, flow, opts);
  alwaysExamined(ctx);
  if (mirrorIngress(ctx)) {
    doActions(ctx, actions);
    if (!ctx.error) executeActionSet(ctx);
  }
  finishWildcards(ctx, flow);
  if (ctx.error) ctx.out.length = 0;
  return result(ctx);
}

/** Fields every megaflow matches, whatever the tables say. */
function alwaysExamined(ctx: Ctx): void {
  ctx.mask(W.IN_PORT);
  ctx.mask(W.DL_TYPE);
  ctx.mask(W.RECIRC_ID);
  if (isIpAny(ctx.flow)) ctx.mask(W.NW_FRAG, FRAG_MASK);
}

/** OVS's xlate_wc_finish: keep only what a datapath flow can match. */
function finishWildcards(ctx: Ctx, orig: FlowKey): void {
  const wc = ctx.wc;
  // Metadata and registers never reach the datapath.
  wc[W.METADATA] = 0;
  wc[W.METADATA + 1] = 0;
  for (let i = 0; i < 16; i++) wc[W.REG0 + i] = 0;
  const f = ctx.flow;
  const icmp = (f[W.DL_TYPE] === ETH_TYPE.IP && f[W.NW_PROTO] === IPPROTO.ICMP) || (f[W.DL_TYPE] === ETH_TYPE.IPV6 && f[W.NW_PROTO] === IPPROTO.ICMPV6);
  if (icmp) {
    wc[W.TP_SRC] = wc[W.TP_SRC]! & 0xff;
    wc[W.TP_DST] = wc[W.TP_DST]! & 0xff;
  }
  for (let i = 0; i < 2; i++) {
    if ((wc[W.VLAN0 + i]! & 0xffff) !== 0) wc[W.VLAN0 + i] = (wc[W.VLAN0 + i]! | VLAN_CFI) >>> 0;
  }
  if (f[W.NW_FRAG]! & FRAG_LATER) {
    wc[W.TP_SRC] = 0;
    wc[W.TP_DST] = 0;
  }
  // VLAN bits of headers the packet did not arrive with (pushed by actions) are not matched.
  for (let i = 0; i < 2; i++) {
    const tpid = orig[W.VLAN0 + i]! >>> 16;
    if (tpid !== ETH_TYPE.VLAN_8021Q && tpid !== ETH_TYPE.VLAN_8021AD) wc[W.VLAN0 + i] = 0;
  }
  // Tunnel metadata only matters for packets that came in a tunnel.
  if (orig[W.TUN_DST] === 0) {
    wc[W.TUN_ID] = 0;
    wc[W.TUN_ID + 1] = 0;
    wc[W.TUN_SRC] = 0;
    wc[W.TUN_DST] = 0;
  }
}

interface Lookup {
  readonly entry: FlowEntry | null;
  readonly tableId: number;
}

/**
 * rule_dpif_lookup_from_table: looks `ctx.flow` up starting at `tableId` with `inPort` as the
 * input port. A miss returns a null entry (OVS's "no packet-in" rule: drop).
 */
function lookupFromTable(ctx: Ctx, tableId: number, inPort: number, _honorMiss: boolean): Lookup {
  const flow = ctx.flow;
  const oldSrc = flow[W.TP_SRC]!;
  const oldDst = flow[W.TP_DST]!;
  const oldIn = flow[W.IN_PORT]!;
  // Fragments: transport ports are not available for matching (frag handling "normal").
  if (flow[W.NW_FRAG]! & FRAG_ANY) {
    flow[W.TP_SRC] = 0;
    flow[W.TP_DST] = 0;
  }
  flow[W.IN_PORT] = inPort;
  let entry: FlowEntry | null = null;
  if (tableId < N_TABLES) {
    const r = ctx.ofproto.table(tableId).lookup(flow, ctx.wc);
    entry = r ? r.data : null;
  }
  flow[W.TP_SRC] = oldSrc;
  flow[W.TP_DST] = oldDst;
  flow[W.IN_PORT] = oldIn;
  if (entry) ctx.rules.push(entry);
  return { entry, tableId };
}

function reportTable(ctx: Ctx, tableId: number, rule: FlowEntry | null): TraceNode[] | null {
  if (!ctx.trace) return null;
  const node: TraceNode = { type: 'table', tableId, rule, subs: [] };
  ctx.trace.push(node);
  return node.subs;
}

function tableAction(ctx: Ctx, inPort: number, tableId: number): void {
  if (ctx.depth >= MAX_DEPTH) {
    ctx.report('error', `over max translation depth ${MAX_DEPTH}`);
    ctx.error = 'recursion too deep';
    return;
  }
  if (ctx.resubmits >= MAX_RESUBMITS) {
    ctx.report('error', `over ${MAX_RESUBMITS} resubmit actions`);
    ctx.error = 'too many resubmits';
    return;
  }
  const oldTable = ctx.tableId;
  ctx.tableId = tableId;
  const r = lookupFromTable(ctx, tableId, inPort, true);
  const oldTrace = ctx.trace;
  const subs = reportTable(ctx, tableId, r.entry);
  if (subs) ctx.trace = subs;
  const oldRule = ctx.rule;
  const oldCookie = ctx.ruleCookie;
  ctx.resubmits++;
  const deepens = tableId <= oldTable ? 1 : 0;
  ctx.depth += deepens;
  ctx.rule = r.entry;
  ctx.ruleCookie = r.entry?.cookie ?? 0n;
  doActions(ctx, r.entry?.actions ?? []);
  ctx.rule = oldRule;
  ctx.ruleCookie = oldCookie;
  ctx.depth -= deepens;
  ctx.trace = oldTrace;
  ctx.tableId = oldTable;
}

function doActions(ctx: Ctx, actions: readonly Ofpact[]): void {
  const flow = ctx.flow;
  if (actions.length === 0) {
    ctx.trace?.push({ type: 'action', action: null });
    return;
  }
  for (const a of actions) {
    if (ctx.error || ctx.exit) break;
    ctx.trace?.push({ type: 'action', action: a });
    switch (a.type) {
      case 'output':
        outputAction(ctx, a.port, a.maxLen);
        break;
      case 'controller':
        controllerAction(ctx, a.maxLen, CONTROLLER_REASONS[a.reason], a.controllerId);
        break;
      case 'set_vlan_vid':
        ctx.mask(W.VLAN0, VLAN_VID_MASK | VLAN_CFI);
        if ((flow[W.VLAN0]! & VLAN_CFI) !== 0 || a.pushIfNeeded) {
          let v = flow[W.VLAN0]!;
          if (v >>> 16 === 0) v = (v | (ETH_TYPE.VLAN_8021Q << 16)) >>> 0;
          flow[W.VLAN0] = ((v & ~VLAN_VID_MASK) | a.vid | VLAN_CFI) >>> 0;
        }
        break;
      case 'set_vlan_pcp':
        ctx.mask(W.VLAN0, VLAN_PCP_MASK | VLAN_CFI);
        if ((flow[W.VLAN0]! & VLAN_CFI) !== 0 || a.pushIfNeeded) {
          let v = flow[W.VLAN0]!;
          if (v >>> 16 === 0) v = (v | (ETH_TYPE.VLAN_8021Q << 16)) >>> 0;
          flow[W.VLAN0] = ((v & ~VLAN_PCP_MASK) | (a.pcp << 13) | VLAN_CFI) >>> 0;
        }
        break;
      case 'strip_vlan':
        popVlan(ctx);
        break;
      case 'push_vlan': {
        const n = vlanCount(flow);
        for (let i = 0; i < n; i++) ctx.mask(W.VLAN0 + i);
        flow[W.VLAN0 + 1] = flow[W.VLAN0]!;
        flow[W.VLAN0] = ((a.ethertype << 16) | VLAN_CFI) >>> 0;
        break;
      }
      case 'set_eth_src':
        ctx.mask(W.DL_SRC);
        ctx.mask(W.DL_SRC + 1);
        flow[W.DL_SRC] = Number(a.mac >> 32n);
        flow[W.DL_SRC + 1] = Number(a.mac & 0xffffffffn);
        break;
      case 'set_eth_dst':
        ctx.mask(W.DL_DST);
        ctx.mask(W.DL_DST + 1);
        flow[W.DL_DST] = Number(a.mac >> 32n);
        flow[W.DL_DST + 1] = Number(a.mac & 0xffffffffn);
        break;
      case 'set_ipv4_src':
      case 'set_ipv4_dst':
        if (flow[W.DL_TYPE] === ETH_TYPE.IP) {
          const w = a.type === 'set_ipv4_src' ? W.NW_SRC : W.NW_DST;
          ctx.mask(w);
          ctx.mask(W.NW_PROTO, 0xff);
          flow[w] = a.ip >>> 0;
        }
        break;
      case 'set_ip_dscp':
        if (isIpAny(flow)) {
          ctx.mask(W.NW_PROTO, 0xff);
          ctx.mask(W.NW_TOS, 0xfc);
          flow[W.NW_TOS] = (flow[W.NW_TOS]! & 0x03) | (a.tos & 0xfc);
        }
        break;
      case 'set_ip_ecn':
        if (isIpAny(flow)) {
          ctx.mask(W.NW_PROTO, 0xff);
          ctx.mask(W.NW_TOS, 0x03);
          flow[W.NW_TOS] = (flow[W.NW_TOS]! & 0xfc) | (a.ecn & 0x03);
        }
        break;
      case 'set_ip_ttl':
        if (isIpAny(flow)) {
          ctx.mask(W.NW_PROTO, 0xff);
          ctx.mask(W.NW_TTL, 0xff);
          flow[W.NW_TTL] = a.ttl & 0xff;
        }
        break;
      case 'set_l4_src_port':
      case 'set_l4_dst_port':
        if (isIpAny(flow) && !(flow[W.NW_FRAG]! & FRAG_LATER)) {
          const w = a.type === 'set_l4_src_port' ? W.TP_SRC : W.TP_DST;
          ctx.mask(W.NW_PROTO, 0xff);
          ctx.mask(w, 0xffff);
          flow[w] = a.port & 0xffff;
        }
        break;
      case 'resubmit': {
        const inPort = a.inPort === OFPP.IN_PORT ? flow[W.IN_PORT]! : a.inPort;
        const table = a.table === TABLE_CURRENT ? ctx.tableId : a.table;
        tableAction(ctx, inPort, table);
        break;
      }
      case 'goto_table':
        tableAction(ctx, flow[W.IN_PORT]!, a.table);
        break;
      case 'move':
        regMove(ctx, a.src.field, a.src.ofs, a.dst.field, a.dst.ofs, a.src.nBits);
        break;
      case 'set_field':
        if (prereqsOk(ctx, a.field.prereq)) {
          maskL3Prereqs(ctx, a.field);
          orMaskBits(ctx.wc, a.field, a.mask);
          writeFieldMasked(flow, a.field, a.value, a.mask);
        } else {
          ctx.report('warn', `unmet prerequisites for ${a.field.name}, set_field ignored`);
        }
        break;
      case 'dec_ttl':
        ctx.mask(W.NW_TTL, 0xff);
        ctx.mask(W.NW_PROTO, 0xff);
        if (decTtl(ctx, a.controllerIds)) return;
        break;
      case 'note':
        break;
      case 'clear_actions':
        ctx.actionSet = [];
        break;
      case 'write_actions':
        ctx.actionSet.push(...a.actions);
        break;
      case 'write_metadata': {
        const cur = (BigInt(flow[W.METADATA]!) << 32n) | BigInt(flow[W.METADATA + 1]!);
        const v = (cur & ~a.mask) | (a.value & a.mask);
        flow[W.METADATA] = Number((v >> 32n) & 0xffffffffn);
        flow[W.METADATA + 1] = Number(v & 0xffffffffn);
        break;
      }
      default: {
        const never: never = a;
        throw new Error(`xlate: unknown action ${JSON.stringify(never)}`);
      }
    }
  }
}

function vlanCount(flow: FlowKey): number {
  let n = 0;
  while (n < 2 && (flow[W.VLAN0 + n]! & VLAN_CFI) !== 0) n++;
  return n;
}

function popVlan(ctx: Ctx): void {
  const flow = ctx.flow;
  const n = vlanCount(flow);
  if (n > 1) {
    ctx.mask(W.VLAN0 + 1);
    flow[W.VLAN0] = flow[W.VLAN0 + 1]!;
  }
  if (n > 0) flow[W.VLAN0 + n - 1] = 0;
}

/** ORs `bits` (field-relative) of a field into a mask. */
function orMaskBits(mask: FlowMask, f: Field, bits: bigint): void {
  const cur = readField(mask, f);
  writeFieldMasked(mask, f, cur | bits, fieldAllOnes(f));
}

/** mf_are_prereqs_ok with wildcard tracking: reading a prerequisite un-wildcards it. */
function prereqsOk(ctx: Ctx, p: Prereq): boolean {
  const flow = ctx.flow;
  const dl = flow[W.DL_TYPE]!;
  const isProto = (proto: number, v6Too: boolean): boolean => {
    const ok = dl === ETH_TYPE.IP || (v6Too && dl === ETH_TYPE.IPV6);
    if (!ok) return false;
    ctx.mask(W.NW_PROTO, 0xff);
    return flow[W.NW_PROTO] === proto;
  };
  const notLater = (): boolean => !(flow[W.NW_FRAG]! & FRAG_LATER);
  const isNd = (): boolean => {
    if (dl !== ETH_TYPE.IPV6) return false;
    ctx.mask(W.NW_PROTO, 0xff);
    if (flow[W.NW_PROTO] !== IPPROTO.ICMPV6) return false;
    ctx.mask(W.TP_DST, 0xffff);
    if (flow[W.TP_DST] !== 0) return false;
    ctx.mask(W.TP_SRC, 0xffff);
    return flow[W.TP_SRC] === 135 || flow[W.TP_SRC] === 136;
  };
  switch (p) {
    case 'none':
      return true;
    case 'ip':
      return dl === ETH_TYPE.IP;
    case 'ipv6':
      return dl === ETH_TYPE.IPV6;
    case 'ip_any':
      return dl === ETH_TYPE.IP || dl === ETH_TYPE.IPV6;
    case 'arp':
      return dl === ETH_TYPE.ARP || dl === ETH_TYPE.RARP;
    case 'vlan':
      ctx.mask(W.VLAN0, VLAN_CFI);
      return (flow[W.VLAN0]! & VLAN_CFI) !== 0;
    case 'tcp':
      return isProto(IPPROTO.TCP, true) && notLater();
    case 'udp':
      return isProto(IPPROTO.UDP, true) && notLater();
    case 'sctp':
      return isProto(IPPROTO.SCTP, true) && notLater();
    case 'icmp':
      return dl === ETH_TYPE.IP && isProto(IPPROTO.ICMP, false);
    case 'icmpv6':
      return dl === ETH_TYPE.IPV6 && (ctx.mask(W.NW_PROTO, 0xff), flow[W.NW_PROTO] === IPPROTO.ICMPV6);
    case 'nd':
      return isNd();
    case 'nd_solicit':
      return isNd() && flow[W.TP_SRC] === 135;
    case 'nd_advert':
      return isNd() && flow[W.TP_SRC] === 136;
    default: {
      const never: never = p;
      throw new Error(`unknown prerequisite ${String(never)}`);
    }
  }
}

/** mf_set_mask_l3_prereqs: writing an L3 field makes nw_proto part of the megaflow. */
function maskL3Prereqs(ctx: Ctx, f: Field): void {
  const dl = ctx.flow[W.DL_TYPE];
  // OVS lists nw_tos here but not ip_dscp (its "shifted" OXM twin), so only nw_tos counts.
  const l3 = ['ip_src', 'ip_dst', 'ipv6_src', 'ipv6_dst', 'ipv6_label', 'nw_tos', 'nw_ecn', 'nw_ttl'];
  const arp = ['arp_op', 'arp_sha', 'arp_tha', 'arp_spa', 'arp_tpa'];
  if (isIpAny(ctx.flow) && l3.includes(f.name)) ctx.mask(W.NW_PROTO, 0xff);
  else if (dl === ETH_TYPE.ARP && arp.includes(f.name)) ctx.mask(W.NW_PROTO, 0xff);
}

/** move: copies bits between fields; both ends become part of the megaflow. */
function regMove(ctx: Ctx, src: Field, srcOfs: number, dst: Field, dstOfs: number, nBits: number): void {
  const ones = (1n << BigInt(nBits)) - 1n;
  const v = (readField(ctx.flow, src) >> BigInt(srcOfs)) & ones;
  orMaskBits(ctx.wc, src, ones << BigInt(srcOfs));
  orMaskBits(ctx.wc, dst, ones << BigInt(dstOfs));
  writeFieldMasked(ctx.flow, dst, v << BigInt(dstOfs), ones << BigInt(dstOfs));
}

/** Returns true when translation of this table stops (TTL expired). */
function decTtl(ctx: Ctx, controllerIds: readonly number[]): boolean {
  const flow = ctx.flow;
  if (!isIpAny(flow)) return false;
  if (flow[W.NW_TTL]! > 1) {
    flow[W.NW_TTL] = flow[W.NW_TTL]! - 1;
    return false;
  }
  for (const id of controllerIds) controllerAction(ctx, 65535, CONTROLLER_REASONS.invalid_ttl, id);
  ctx.report('warn', `IPv${flow[W.DL_TYPE] === ETH_TYPE.IP ? 4 : 6} decrement TTL exception`);
  return true;
}

function outputAction(ctx: Ctx, port: number, maxLen: number): void {
  const inPort = ctx.flow[W.IN_PORT]!;
  switch (port) {
    case OFPP.IN_PORT:
      composeOutput(ctx, inPort);
      break;
    case OFPP.TABLE:
      tableAction(ctx, inPort, 0);
      break;
    case OFPP.NORMAL:
      normal(ctx);
      break;
    case OFPP.FLOOD:
    case OFPP.ALL:
      flood(ctx);
      break;
    case OFPP.CONTROLLER:
      controllerAction(ctx, maxLen, ctx.inActionSet ? CONTROLLER_REASONS.action_set : CONTROLLER_REASONS.action, 0);
      break;
    case OFPP.NONE:
      break;
    default:
      if (port !== inPort) composeOutput(ctx, port);
      else ctx.report('warn', 'skipping output to input port');
  }
}

/** Ports in the order OVS happens to walk them here: LOCAL first, then highest number first. */
function floodOrder(ctx: Ctx): number[] {
  const ports = [...ctx.ofproto.ports.keys()];
  return ports.sort((a, b) => (a === OFPP.LOCAL ? -1 : b === OFPP.LOCAL ? 1 : b - a));
}

function flood(ctx: Ctx): void {
  const inPort = ctx.flow[W.IN_PORT]!;
  for (const p of floodOrder(ctx)) if (p !== inPort) composeOutput(ctx, p);
}

function composeOutput(ctx: Ctx, ofp: number): void {
  const odp = ctx.ofproto.odpPort(ofp);
  if (odp === undefined) {
    ctx.report('warn', 'Nonexistent output port');
    return;
  }
  commitOdpActions(ctx.flow, ctx.base, ctx.wc, ctx.out);
  ctx.out.push({ type: 'output', port: odp });
  mirrorEgress(ctx, ofp);
}

// --- port mirrors ---

/**
 * Mirrors the packet as it arrived, for mirrors selecting its input port. Returns false
 * when the packet came in on a mirror's output port, which carries nothing else.
 */
function mirrorIngress(ctx: Ctx): boolean {
  const mirrors = ctx.ofproto.mirrors;
  if (mirrors.length === 0) return true;
  const inPort = ctx.flow[W.IN_PORT]!;
  for (const m of mirrors) {
    if (m.outPort === inPort) {
      ctx.report('error', `dropping packet received on port ${inPort}, which is reserved exclusively for mirroring`);
      return false;
    }
  }
  mirrors.forEach((m, i) => {
    if (m.selectAll || m.srcPorts.has(inPort)) mirrorTo(ctx, i, m.outPort);
  });
  return true;
}

/** Mirrors the packet as it leaves by `ofp`, for mirrors selecting that output port. */
function mirrorEgress(ctx: Ctx, ofp: number): void {
  const mirrors = ctx.ofproto.mirrors;
  for (let i = 0; i < mirrors.length; i++) {
    const m = mirrors[i]!;
    if (m.outPort !== ofp && (m.selectAll || m.dstPorts.has(ofp))) mirrorTo(ctx, i, m.outPort);
  }
}

function mirrorTo(ctx: Ctx, i: number, outPort: number): void {
  if (ctx.mirrored & (1 << i) || outPort === ctx.flow[W.IN_PORT]) return;
  ctx.mirrored |= 1 << i;
  const odp = ctx.ofproto.odpPort(outPort);
  if (odp === undefined) return;
  ctx.report('detail', `mirroring to port ${outPort}`);
  commitOdpActions(ctx.flow, ctx.base, ctx.wc, ctx.out);
  ctx.out.push({ type: 'output', port: odp });
}

function controllerAction(ctx: Ctx, maxLen: number, reason: number, controllerId: number): void {
  commitOdpActions(ctx.flow, ctx.base, ctx.wc, ctx.out);
  ctx.controllerTables.push(ctx.tableId);
  if (reason === CONTROLLER_REASONS.action && ctx.rule && isTableMissRule(ctx.rule)) reason = REASON_EXPLICIT_MISS;
  ctx.out.push({
    type: 'userspace',
    pid: 0,
    controller: {
      reason,
      dontSend: !ctx.opts.allowSideEffects,
      continuation: false,
      recircId: ctx.ofproto.allocRecircId(),
      ruleCookie: ctx.ruleCookie,
      controllerId,
      maxLen,
    },
  });
}

/** A table-miss rule: priority 0 and matches everything. */
function isTableMissRule(e: FlowEntry): boolean {
  return e.priority === 0 && e.match.mask.every((w) => w === 0);
}

function executeActionSet(ctx: Ctx): void {
  const set = ctx.actionSet;
  ctx.actionSet = [];
  // The OpenFlow order: pop, push, dec_ttl (last of each), then sets in order, then the final action.
  let strip: Ofpact | undefined;
  let push: Ofpact | undefined;
  let dec: Ofpact | undefined;
  let final: Ofpact | null = null;
  let finalClass = -1;
  const sets: Ofpact[] = [];
  for (const a of set) {
    switch (a.type) {
      case 'strip_vlan':
        strip = a;
        break;
      case 'push_vlan':
        push = a;
        break;
      case 'dec_ttl':
        dec = a;
        break;
      case 'resubmit':
      case 'output': {
        const cls = a.type === 'resubmit' ? 0 : 1;
        if (cls >= finalClass) {
          final = a;
          finalClass = cls;
        }
        break;
      }
      case 'set_field':
      case 'move':
      case 'set_eth_src':
      case 'set_eth_dst':
      case 'set_ip_dscp':
      case 'set_ip_ecn':
      case 'set_ip_ttl':
      case 'set_ipv4_src':
      case 'set_ipv4_dst':
      case 'set_l4_src_port':
      case 'set_l4_dst_port':
      case 'set_vlan_pcp':
      case 'set_vlan_vid':
        sets.push(a);
        break;
      default:
        break;
    }
  }
  if (!final) return;
  const list: Ofpact[] = [];
  for (const x of [strip, push, dec]) if (x) list.push(x);
  list.push(...sets, final);
  ctx.inActionSet = true;
  const oldTrace = ctx.trace;
  if (ctx.trace) {
    const node: TraceNode = { type: 'action_set', subs: [] };
    ctx.trace.push(node);
    ctx.trace = node.subs;
  }
  doActions(ctx, list);
  ctx.trace = oldTrace;
  ctx.inActionSet = false;
}

// --- NORMAL: the L2 learning switch built into OVS ---

function isReservedMac(hi: number, lo: number): boolean {
  // 01:80:c2:00:00:0x
  return hi === 0x0180 && (lo & 0xfffffff0) >>> 0 === 0xc2000000;
}

function normal(ctx: Ctx): void {
  const flow = ctx.flow;
  ctx.mask(W.DL_SRC);
  ctx.mask(W.DL_SRC + 1);
  ctx.mask(W.DL_DST);
  ctx.mask(W.DL_DST + 1);
  ctx.mask(W.VLAN0, VLAN_VID_MASK | VLAN_CFI);
  const inPort = flow[W.IN_PORT]!;
  if (!ctx.ofproto.ports.has(inPort)) {
    ctx.report('warn', 'no input bundle, dropping');
    return;
  }
  const dl = flow[W.DL_TYPE]!;
  if ((dl === ETH_TYPE.VLAN_8021Q || dl === ETH_TYPE.VLAN_8021AD) && !(flow[W.VLAN0]! & VLAN_CFI)) {
    ctx.report('warn', 'partial VLAN tag, dropping');
    return;
  }
  const tagged = (flow[W.VLAN0]! & VLAN_CFI) !== 0 && isVlanTpid(flow[W.VLAN0]! >>> 16);
  const vlan = tagged ? flow[W.VLAN0]! & VLAN_VID_MASK : 0;
  if (isReservedMac(flow[W.DL_DST]!, flow[W.DL_DST + 1]!)) {
    ctx.report('detail', 'packet has reserved destination MAC, dropping');
    return;
  }
  isGratuitousArp(ctx);
  const src = (BigInt(flow[W.DL_SRC]!) << 32n) | BigInt(flow[W.DL_SRC + 1]!);
  const dst = (BigInt(flow[W.DL_DST]!) << 32n) | BigInt(flow[W.DL_DST + 1]!);
  const now = ctx.opts.nowNs ?? 0;
  if (ctx.opts.allowSideEffects && ctx.ofproto.macs.learn(src, vlan, inPort, now)) ctx.macChanged = true;
  const learned = ctx.ofproto.macs.lookup(dst, vlan, now);
  if (learned !== undefined) {
    if (learned === inPort) {
      ctx.report('detail', 'learned port is input port, dropping');
    } else if (!ctx.ofproto.ports.has(learned)) {
      ctx.report('warn', 'learned port is unknown, dropping');
    } else {
      ctx.report('detail', 'forwarding to learned port');
      outputNormal(ctx, learned);
    }
    return;
  }
  ctx.report('detail', 'no learned MAC for destination, flooding');
  const mirrors = ctx.ofproto.mirrors;
  for (const p of floodOrder(ctx)) {
    // A mirror's output port carries only mirrored copies: NORMAL never floods to it.
    if (p !== inPort && !mirrors.some((m) => m.outPort === p)) outputNormal(ctx, p);
  }
}

function isVlanTpid(tpid: number): boolean {
  return tpid === ETH_TYPE.VLAN_8021Q || tpid === ETH_TYPE.VLAN_8021AD;
}

function isGratuitousArp(ctx: Ctx): void {
  const flow = ctx.flow;
  if (flow[W.DL_TYPE] !== ETH_TYPE.ARP) return;
  if (!(flow[W.DL_DST] === 0xffff && flow[W.DL_DST + 1] === 0xffffffff)) return;
  ctx.mask(W.NW_PROTO, 0xff);
  if (flow[W.NW_PROTO] === 1) {
    ctx.mask(W.NW_SRC);
    ctx.mask(W.NW_DST);
  }
}

/** Output to a trunk port carrying every VLAN: tags leave as they came. */
function outputNormal(ctx: Ctx, port: number): void {
  const flow = ctx.flow;
  const saved0 = flow[W.VLAN0]!;
  const saved1 = flow[W.VLAN0 + 1]!;
  for (let i = 0; i < 2; i++) {
    const v = flow[W.VLAN0 + i]!;
    const present = (v & VLAN_CFI) !== 0 && isVlanTpid(v >>> 16);
    const tci = present ? (v & (VLAN_VID_MASK | VLAN_PCP_MASK)) : 0;
    flow[W.VLAN0 + i] = tci ? ((v & 0xffff0000) | tci | VLAN_CFI) >>> 0 : (v & 0xffff0000) >>> 0;
  }
  composeOutput(ctx, port);
  flow[W.VLAN0] = saved0;
  flow[W.VLAN0 + 1] = saved1;
}
