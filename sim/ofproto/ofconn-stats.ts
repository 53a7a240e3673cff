/**
 * What a switch answers to the read-only requests: features, switch description, flow and
 * aggregate statistics, table statistics and features, port statistics and descriptions.
 * Pure functions of the switch's state and the time; ofconn.ts sends them.
 */
import { OFPP } from '../flow/layout.js';
import { HEADERS, OXM_OF_BASIC } from '../openflow/wire/nxm.js';
import type { Desc, FlowModFlag, FlowStatsEntry, FlowStatsRequest, PortDesc, PortStats, TableFeatureProp, TableFeatures, TableStats } from '../openflow/wire/messages.js';
import { OF_N_TABLES, select } from './flow-mod.js';
import type { OfPort, Ofproto } from './ofproto.js';
import { splitDuration } from './rule-stats.js';

const NS = 1_000_000_000;
const FLAGS = new Set<string>(['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts']);
/** OVS's advertised table size. */
export const TABLE_MAX_ENTRIES = 1_000_000;
/** OFPC_FLOW_STATS | TABLE_STATS | PORT_STATS | GROUP_STATS | QUEUE_STATS (1.1+); 1.0 has ARP_MATCH_IP in place of GROUP_STATS. */
export const CAPABILITIES_11 = 0x4f;
export const CAPABILITIES_10 = 0xc7;
/** OpenFlow 1.0's supported-action bitmap: output through enqueue. */
export const ACTIONS_10 = 0xfff;

/** Per-port traffic counters as a bridge keeps them (by datapath port). */
export interface PortCountersView {
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxBytes: number;
  readonly txBytes: number;
}

export function switchDesc(bridgeName: string): Desc {
  return { mfr: 'ovsim', hw: 'ovsim simulated switch', sw: '0.1.0', serial: 'None', dp: bridgeName };
}

/** The flows a flow-stats request selects, with their counters. */
export function flowStats(ofproto: Ofproto, q: FlowStatsRequest, nowNs: number): FlowStatsEntry[] {
  const rules = select(ofproto, { ...q, command: 'delete', priority: 0 }, true);
  return rules.map((e) => {
    const s = ofproto.ruleStats.of(e);
    const d = splitDuration(nowNs - s.createdNs);
    return {
      table: e.table,
      durationSec: d.sec,
      durationNsec: d.nsec,
      priority: e.priority,
      idleTimeout: e.idleTimeout,
      hardTimeout: e.hardTimeout,
      flags: e.flags.filter((f): f is FlowModFlag => FLAGS.has(f)),
      importance: e.importance,
      cookie: e.cookie,
      packetCount: BigInt(s.packets),
      byteCount: BigInt(s.bytes),
      idleAge: Math.floor((nowNs - s.usedNs) / NS),
      hardAge: Math.floor((nowNs - s.modifiedNs) / NS),
      match: e.match,
      actions: e.actions,
    };
  });
}

export function aggregateStats(ofproto: Ofproto, q: FlowStatsRequest): { packetCount: bigint; byteCount: bigint; flowCount: number } {
  let packets = 0;
  let bytes = 0;
  const rules = select(ofproto, { ...q, command: 'delete', priority: 0 }, true);
  for (const e of rules) {
    const s = ofproto.ruleStats.of(e);
    packets += s.packets;
    bytes += s.bytes;
  }
  return { packetCount: BigInt(packets), byteCount: BigInt(bytes), flowCount: rules.length };
}

export function tableStats(ofproto: Ofproto): TableStats[] {
  const out: TableStats[] = [];
  const present = new Set(ofproto.tableIds());
  for (let id = 0; id < OF_N_TABLES; id++) {
    let active = 0;
    if (present.has(id)) for (const e of ofproto.flows(id)) if (e.priority <= 0xffff) active++;
    out.push({ tableId: id, name: `table${id}`, maxEntries: TABLE_MAX_ENTRIES, activeCount: active, lookupCount: 0n, matchedCount: 0n });
  }
  return out;
}

/** OFPIT_*: goto_table, write_metadata, write_actions, apply_actions, clear_actions. */
const INSTRUCTIONS = [1, 2, 3, 4, 5];
/** OFPAT_* ovsim translates: output, push_vlan, pop_vlan, set_nw_ttl, dec_nw_ttl, set_field. */
const ACTIONS = [0, 17, 18, 23, 24, 25];

function oxmHeaders(): number[] {
  return HEADERS.filter((h) => h.cls === OXM_OF_BASIC && h.experimenter === undefined).map((h) => ((h.cls << 16) | (h.field << 9) | h.bytes) >>> 0);
}

/** Table features of every table (what `ovs-ofctl -O OpenFlow13` asks for before a flow mod). */
export function tableFeatures(): TableFeatures[] {
  const fields = oxmHeaders();
  const out: TableFeatures[] = [];
  for (let id = 0; id < OF_N_TABLES; id++) {
    const next = Array.from({ length: OF_N_TABLES - 1 - id }, (_, i) => id + 1 + i);
    const props: TableFeatureProp[] = [
      { kind: 'instructions', ids: id === OF_N_TABLES - 1 ? INSTRUCTIONS.filter((i) => i !== 1) : INSTRUCTIONS },
      { kind: 'instructions_miss', ids: id === OF_N_TABLES - 1 ? INSTRUCTIONS.filter((i) => i !== 1) : INSTRUCTIONS },
      { kind: 'next_tables', ids: next },
      { kind: 'next_tables_miss', ids: next },
      { kind: 'write_actions', ids: ACTIONS },
      { kind: 'write_actions_miss', ids: ACTIONS },
      { kind: 'apply_actions', ids: ACTIONS },
      { kind: 'apply_actions_miss', ids: ACTIONS },
      { kind: 'match', ids: fields },
      { kind: 'wildcards', ids: fields },
      { kind: 'write_setfield', ids: fields },
      { kind: 'write_setfield_miss', ids: fields },
      { kind: 'apply_setfield', ids: fields },
      { kind: 'apply_setfield_miss', ids: fields },
    ];
    out.push({ tableId: id, name: `table${id}`, metadataMatch: (1n << 64n) - 1n, metadataWrite: (1n << 64n) - 1n, config: 0, maxEntries: TABLE_MAX_ENTRIES, properties: props });
  }
  return out;
}

/** A port's Ethernet address: the bridge's own for LOCAL, else one derived from the name (locally administered). */
export function portHwAddr(p: OfPort, bridgeMac: bigint): bigint {
  if (p.ofp === OFPP.LOCAL) return bridgeMac;
  let h = 0x811c9dc5;
  for (const ch of p.name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (0xaan << 40n) | (0x55n << 32n) | BigInt(h >>> 0);
}

/** OFPPS_LIVE. */
const STATE_LIVE = 4;

export function portDesc(p: OfPort, opts: { bridgeMac: bigint; config: number }): PortDesc {
  return {
    portNo: p.ofp,
    hwAddr: portHwAddr(p, opts.bridgeMac),
    name: p.name,
    config: opts.config,
    state: opts.config & 1 ? 0 : STATE_LIVE,
    curr: 0,
    advertised: 0,
    supported: 0,
    peer: 0,
    currSpeed: 0,
    maxSpeed: 0,
  };
}

/** Ports in OpenFlow order: by number, LOCAL last. */
export function sortedPorts(ofproto: Ofproto): OfPort[] {
  return [...ofproto.ports.values()].sort((a, b) => a.ofp - b.ofp);
}

const UNKNOWN = (1n << 64n) - 1n;

export function portStats(p: OfPort, c: PortCountersView | undefined, durationNs: number): PortStats {
  const d = splitDuration(durationNs);
  return {
    portNo: p.ofp,
    rxPackets: BigInt(c?.rxPackets ?? 0),
    txPackets: BigInt(c?.txPackets ?? 0),
    rxBytes: BigInt(c?.rxBytes ?? 0),
    txBytes: BigInt(c?.txBytes ?? 0),
    rxDropped: UNKNOWN,
    txDropped: UNKNOWN,
    rxErrors: UNKNOWN,
    txErrors: UNKNOWN,
    rxFrameErr: UNKNOWN,
    rxOverErr: UNKNOWN,
    rxCrcErr: UNKNOWN,
    collisions: UNKNOWN,
    durationSec: d.sec,
    durationNsec: d.nsec,
  };
}

/** Whether a port-stats or port-desc request for `portNo` covers port `p`. */
export function portSelected(portNo: number, p: OfPort): boolean {
  // OFPP_ANY arrives as NONE (1.0 numbering); some peers say ALL.
  return portNo === OFPP.NONE || portNo === OFPP.ALL || portNo === p.ofp;
}
