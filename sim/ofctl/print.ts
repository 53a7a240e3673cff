/**
 * Messages printed as ovs-ofctl prints them (its ofp-print): a header line
 * `NAME (OF1.3) (xid=0x2):` and the body in OVS's words. Only what the ofctl commands
 * show: switch features, port descriptions, switch config, flow and aggregate stats,
 * table and port stats, errors (with the refused request), flow mods, packet-ins,
 * flow-removed and port-status messages.
 */
import { extractFlow } from '../flow/extract.js';
import { formatFlow } from '../flow/flow-format.js';
import { newKey } from '../flow/key.js';
import { IPPROTO, W } from '../flow/layout.js';
import { formatMatch } from '../flow/match-format.js';
import { formatPort, type PortMap } from '../flow/ports.js';
import { formatActions } from '../openflow/actions-format.js';
import type { OfVersion } from '../openflow/version.js';
import {
  decode, OfDecodeError,
  type FlowMod, type FlowModFlag, type FlowRemoved, type FlowStatsEntry, type MessageOf, type OfMessage, type PacketIn, type PortDesc, type PortStats, type TableStats,
} from '../openflow/wire/index.js';

export interface PrintOptions {
  readonly ports?: PortMap;
}

const VERSION_TAGS: Readonly<Record<OfVersion, string>> = {
  OpenFlow10: '',
  OpenFlow11: ' (OF1.1)',
  OpenFlow12: ' (OF1.2)',
  OpenFlow13: ' (OF1.3)',
  OpenFlow14: ' (OF1.4)',
  OpenFlow15: ' (OF1.5)',
};

/** `NAME (OF1.3) (xid=0x2):` */
export function headerLine(name: string, version: OfVersion, xid: number): string {
  return `${name}${VERSION_TAGS[version]} (xid=0x${xid.toString(16)}):`;
}

/** Seconds and nanoseconds as OVS prints a duration: "7", "7.369", "7.000000001", then "s". */
export function formatDuration(sec: number, nsec: number): string {
  let out = String(sec);
  if (nsec > 0) {
    const ms = Math.floor(nsec / 1_000_000);
    if (ms * 1_000_000 === nsec) out += `.${String(ms).padStart(3, '0')}`;
    else out += `.${String(nsec).padStart(9, '0')}`.replace(/0+$/, '');
  }
  return `${out}s`;
}

/** Bit names joined by spaces, unknown bits as one hex number, "0" for none. */
function bitNames(bits: number, names: ReadonlyMap<number, string>): string {
  if (bits === 0) return '0';
  const out: string[] = [];
  let rest = bits >>> 0;
  for (let i = 0; i < 32; i++) {
    const bit = (1 << i) >>> 0;
    const name = names.get(bit);
    if (rest & bit && name) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.join(' ');
}

const bitMap = (names: readonly (string | undefined)[]): ReadonlyMap<number, string> =>
  new Map(names.flatMap((n, i) => (n ? [[(1 << i) >>> 0, n] as const] : [])));

/** Switch capabilities in OVS's own numbering (OpenFlow 1.0's STP and 1.1's GROUP_STATS moved). */
const CAPABILITIES = bitMap(['FLOW_STATS', 'TABLE_STATS', 'PORT_STATS', 'STP', 'GROUP_STATS', 'IP_REASM', 'QUEUE_STATS', 'ARP_MATCH_IP', 'PORT_BLOCKED', 'BUNDLES', 'FLOW_MONITORING']);
const PORT_CONFIG = bitMap(['PORT_DOWN', 'NO_STP', 'NO_RECV', 'NO_RECV_STP', 'NO_FLOOD', 'NO_FWD', 'NO_PACKET_IN']);
const PORT_STATE = bitMap(['LINK_DOWN', 'BLOCKED', 'LIVE']);
const PORT_FEATURES = bitMap([
  '10MB-HD', '10MB-FD', '100MB-HD', '100MB-FD', '1GB-HD', '1GB-FD', '10GB-FD', '40GB-FD', '100GB-FD', '1TB-FD',
  'OTHER', 'COPPER', 'FIBER', 'AUTO_NEG', 'AUTO_PAUSE', 'AUTO_PAUSE_ASYM',
]);
/** OpenFlow 1.0 action bits, in the order OVS lists them. */
const OF10_ACTIONS: readonly (readonly [number, string])[] = [
  [0, 'output'], [11, 'enqueue'], [1, 'set_vlan_vid'], [2, 'set_vlan_pcp'], [3, 'strip_vlan'], [4, 'mod_dl_src'], [5, 'mod_dl_dst'],
  [6, 'mod_nw_src'], [7, 'mod_nw_dst'], [8, 'mod_nw_tos'], [9, 'mod_tp_src'], [10, 'mod_tp_dst'],
];

/** Features reply capabilities as OVS reads them per version. */
function capabilities(raw: number, version: OfVersion): number {
  const common = 0x1 | 0x2 | 0x4 | 0x20 | 0x40;
  let mask = common;
  if (version === 'OpenFlow10' || version === 'OpenFlow11') mask |= 0x80;
  else if (version === 'OpenFlow12' || version === 'OpenFlow13') mask |= 0x100;
  else mask |= 0x100 | 0x200 | 0x400;
  let caps = raw & mask;
  // Bit 3 is STP in 1.0 and GROUP_STATS later; OVS keeps both at bits of its own.
  if (raw & 0x8) caps |= version === 'OpenFlow10' ? 0x8 : 0x10;
  return caps;
}

function hexMac(v: bigint): string {
  const h = v.toString(16).padStart(12, '0');
  return h.match(/../g)!.join(':');
}

/** One port of a features or port-desc reply. */
export function formatPhyPort(p: PortDesc, version: OfVersion): string {
  let name = '';
  for (const ch of p.name) {
    if (ch < ' ' || ch > '~') break;
    name += ch;
  }
  let s = ` ${formatPort(p.portNo)}(${name}): addr:${hexMac(p.hwAddr)}\n`;
  s += `     config:     ${bitNames(p.config, PORT_CONFIG)}\n`;
  // OpenFlow 1.0 has no LIVE bit: only link-down and the STP state are read.
  s += `     state:      ${portState(version === 'OpenFlow10' ? p.state & 0x301 : p.state)}\n`;
  if (p.curr) s += `     current:    ${bitNames(p.curr, PORT_FEATURES)}\n`;
  if (p.advertised) s += `     advertised: ${bitNames(p.advertised, PORT_FEATURES)}\n`;
  if (p.supported) s += `     supported:  ${bitNames(p.supported, PORT_FEATURES)}\n`;
  if (p.peer) s += `     peer:       ${bitNames(p.peer, PORT_FEATURES)}\n`;
  s += `     speed: ${Math.floor(p.currSpeed / 1000)} Mbps now, ${Math.floor(p.maxSpeed / 1000)} Mbps max\n`;
  return s;
}

/** OpenFlow 1.0 keeps an STP state in bits 8–9; "listen" (0) is not printed. */
function portState(state: number): string {
  const stp = state & 0x300;
  if (!stp) return bitNames(state, PORT_STATE);
  const name = stp === 0x100 ? 'STP_LEARN' : stp === 0x200 ? 'STP_FORWARD' : 'STP_BLOCK';
  const rest = state & ~0x300;
  return rest ? `${name}${bitNames(rest, PORT_STATE)}` : name;
}

/** Ports in port-number order (LOCAL, 0xfffe, last), as OVS sorts them for printing. */
function sortedPorts(ports: readonly PortDesc[]): PortDesc[] {
  return [...ports].sort((a, b) => a.portNo - b.portNo);
}

function flagsText(flags: number): string {
  return flags & 1 ? ' flags=[more]' : '';
}

/** Flow-mod flags in OVS's order; `reset_counts` is hidden for 1.0 flow mods. */
function flowFlags(flags: readonly FlowModFlag[]): string {
  const order: readonly FlowModFlag[] = ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts'];
  return order.filter((f) => flags.includes(f)).map((f) => `${f} `).join('');
}

function u64Stat(v: bigint): string {
  return v === 0xffffffffffffffffn ? '?' : v.toString();
}

/** One dump-flows line (without its leading space). */
export function formatFlowStats(f: FlowStatsEntry, opts: PrintOptions & { stats: boolean }): string {
  let s = '';
  if (opts.stats || f.cookie !== 0n) s += `cookie=0x${f.cookie.toString(16)}, `;
  if (opts.stats) s += `duration=${formatDuration(f.durationSec, f.durationNsec)}, `;
  if (opts.stats || f.table !== 0) s += `table=${f.table}, `;
  if (opts.stats) s += `n_packets=${u64Stat(f.packetCount)}, n_bytes=${u64Stat(f.byteCount)}, `;
  if (f.idleTimeout !== 0) s += `idle_timeout=${f.idleTimeout}, `;
  if (f.hardTimeout !== 0) s += `hard_timeout=${f.hardTimeout}, `;
  s += flowFlags(f.flags);
  if (f.importance !== 0) s += `importance=${f.importance}, `;
  if (opts.stats && f.idleAge !== undefined) s += `idle_age=${f.idleAge}, `;
  if (opts.stats && f.hardAge !== undefined && f.hardAge !== f.durationSec) s += `hard_age=${f.hardAge}, `;
  const match = formatMatch(f.match, { priority: f.priority, ...(opts.ports ? { ports: opts.ports } : {}) });
  if (match !== '') s += `${match} `;
  return `${s}actions=${formatActions(f.actions, opts.ports ? { ports: opts.ports } : {})}`;
}

const FLOW_MOD_WORDS: Readonly<Record<FlowMod['command'], string>> = {
  add: 'ADD',
  modify: 'MOD',
  modify_strict: 'MOD_STRICT',
  delete: 'DEL',
  delete_strict: 'DEL_STRICT',
};

/** A flow mod's body as OVS prints it (after the header line). */
export function formatFlowMod(fm: FlowMod, version: OfVersion, opts: PrintOptions = {}): string {
  let s = ` ${FLOW_MOD_WORDS[fm.command]}`;
  if (fm.table !== 0) s += ` table:${fm.table}`;
  s += ' ';
  s += formatMatch(fm.match, { priority: fm.priority, ...(opts.ports ? { ports: opts.ports } : {}) });
  if (!s.endsWith(' ')) s += ' ';
  if (fm.cookieMask !== 0n) s += `cookie:0x${fm.cookie.toString(16)}/0x${fm.cookieMask.toString(16)} `;
  else if (fm.cookie !== 0n && fm.cookie !== 0xffffffffffffffffn) s += `cookie:0x${fm.cookie.toString(16)} `;
  if (fm.idleTimeout !== 0) s += `idle:${fm.idleTimeout} `;
  if (fm.hardTimeout !== 0) s += `hard:${fm.hardTimeout} `;
  if (fm.importance !== 0) s += `importance:${fm.importance} `;
  if (fm.bufferId !== 0xffffffff) s += `buf:0x${fm.bufferId.toString(16)} `;
  if (fm.outPort !== 0xffff) s += `out_port:${formatPort(fm.outPort, opts.ports)} `;
  const flags = version === 'OpenFlow10' || version === 'OpenFlow11' ? fm.flags.filter((f) => f !== 'reset_counts') : fm.flags;
  s += flowFlags(flags);
  return `${s}actions=${formatActions(fm.actions, opts.ports ? { ports: opts.ports } : {})}`;
}

/** The table-stats body: tables with equal counters collapse into "ditto" runs. */
function formatTableStats(tables: readonly TableStats[], version: OfVersion): string {
  let s = '';
  let first = -1;
  let last = -1;
  const finish = (): void => {
    if (first < 0) return;
    s += first === last ? `\n  table ${first}: ditto\n` : `\n  tables ${first}...${last}: ditto\n`;
    first = -1;
  };
  // OpenFlow 1.0 table stats carry features (max_entries, wildcards); later versions only counters.
  const of10 = version === 'OpenFlow10';
  let prev: TableStats | undefined;
  for (const t of tables) {
    const sameStats = prev !== undefined && prev.activeCount === t.activeCount && prev.lookupCount === t.lookupCount && prev.matchedCount === t.matchedCount;
    const sameFeatures = prev !== undefined && (!of10 || prev.maxEntries === t.maxEntries);
    if (sameStats && sameFeatures && (!of10 || t.name === '')) {
      if (first < 0) first = t.tableId;
      last = t.tableId;
      prev = t;
      continue;
    }
    finish();
    s += `\n  table ${t.tableId}`;
    if (of10 && t.name !== '') s += ` ("${t.name}")`;
    s += ':';
    if (sameStats && sameFeatures) {
      s += ' ditto';
      prev = t;
      continue;
    }
    s += `\n    active=${t.activeCount}, lookup=${t.lookupCount}, matched=${t.matchedCount}\n`;
    if (of10) {
      if (sameFeatures) s += '    (same features)\n';
      else {
        if (t.maxEntries) s += `    max_entries=${t.maxEntries}\n`;
        // The codec keeps no 1.0 wildcard bits; Open vSwitch wildcards every field.
        s += '    matching:\n      exact match or wildcard: in_port eth_{src,dst,type} vlan_{vid,pcp} ip_{src,dst} nw_{proto,tos} tcp_{src,dst}\n';
      }
    }
    prev = t;
  }
  finish();
  return s;
}

function formatPortStats(p: PortStats, version: OfVersion, opts: PrintOptions): string {
  const st = (v: bigint): string => u64Stat(v);
  let s = `  port ${p.portNo < 10 ? ' ' : ''}${formatPort(p.portNo, opts.ports)}: rx pkts=${st(p.rxPackets)}, bytes=${st(p.rxBytes)}, drop=${st(p.rxDropped)}, errs=${st(p.rxErrors)}, frame=${st(p.rxFrameErr)}, over=${st(p.rxOverErr)}, crc=${st(p.rxCrcErr)}\n`;
  s += `           tx pkts=${st(p.txPackets)}, bytes=${st(p.txBytes)}, drop=${st(p.txDropped)}, errs=${st(p.txErrors)}, coll=${st(p.collisions)}\n`;
  // OpenFlow 1.0 port stats carry no duration.
  if (version !== 'OpenFlow10' && p.durationSec !== 0xffffffff) s += `           duration=${formatDuration(p.durationSec, p.durationNsec)}\n`;
  return s;
}

/** ofp_packet_to_string: the packet's flow and its L4 checksum. */
export function formatPacket(data: Uint8Array): string {
  const key = newKey();
  extractFlow(data, 0, key);
  let s = formatFlow(key);
  const l4 = l4Offset(data);
  const proto = key[W.NW_PROTO];
  if (l4 !== undefined) {
    const rd16 = (o: number): number => (data[o]! << 8) | data[o + 1]!;
    const left = data.length - l4;
    if (proto === IPPROTO.TCP && left >= 20) s += ` tcp_csum:${rd16(l4 + 16).toString(16)}`;
    else if (proto === IPPROTO.UDP && left >= 8) s += ` udp_csum:${rd16(l4 + 6).toString(16)}`;
    else if (proto === IPPROTO.ICMP && left >= 4) s += ` icmp_csum:${rd16(l4 + 2).toString(16)}`;
    else if (proto === IPPROTO.ICMPV6 && left >= 4) s += ` icmp6_csum:${rd16(l4 + 2).toString(16)}`;
  }
  return `${s}\n`;
}

/** Where the L4 header of an (optionally VLAN-tagged) IPv4/IPv6 first fragment starts. */
function l4Offset(b: Uint8Array): number | undefined {
  let o = 12;
  if (b.length < 14) return undefined;
  let type = (b[o]! << 8) | b[o + 1]!;
  while ((type === 0x8100 || type === 0x88a8) && b.length >= o + 6) {
    o += 4;
    type = (b[o]! << 8) | b[o + 1]!;
  }
  o += 2;
  if (type === 0x0800 && b.length >= o + 20) {
    const frag = ((b[o + 6]! << 8) | b[o + 7]!) & 0x1fff;
    return frag === 0 ? o + (b[o]! & 0xf) * 4 : undefined;
  }
  if (type === 0x86dd && b.length >= o + 40) return o + 40;
  return undefined;
}

const PACKET_IN_REASONS: Readonly<Record<string, string>> = {
  no_match: 'no_match',
  action: 'action',
  invalid_ttl: 'invalid_ttl',
  action_set: 'action_set',
  group: 'group',
  packet_out: 'packet_out',
};

/** A packet-in body (standard or NXT_PACKET_IN2) after its header line. */
export function formatPacketIn(pi: Omit<PacketIn, 'type' | 'xid'>, opts: PrintOptions = {}): string {
  let s = '';
  if (pi.table !== 0) s += ` table_id=${pi.table}`;
  if (pi.cookie !== 0xffffffffffffffffn) s += ` cookie=0x${pi.cookie.toString(16)}`;
  s += ` total_len=${pi.totalLen} `;
  s += formatMatch(pi.match, opts.ports ? { ports: opts.ports } : {});
  s += ` (via ${PACKET_IN_REASONS[pi.reason] ?? pi.reason})`;
  s += ` data_len=${pi.data.length}`;
  if (pi.bufferId === 0xffffffff) {
    s += ' (unbuffered)';
    if (pi.totalLen !== pi.data.length) s += ' (***total_len != data_len***)';
  } else {
    s += ` buffer=0x${pi.bufferId.toString(16).padStart(8, '0')}`;
    if (pi.totalLen < pi.data.length) s += ' (***total_len < data_len***)';
  }
  s += '\n';
  if (pi.data.length > 0) s += formatPacket(pi.data);
  return s;
}

const REMOVED_REASONS: Readonly<Record<FlowRemoved['reason'], string>> = {
  idle_timeout: 'idle',
  hard_timeout: 'hard',
  delete: 'delete',
  group_delete: 'group_delete',
  meter_delete: 'meter_delete',
  eviction: 'eviction',
};

function formatFlowRemoved(fr: FlowRemoved, version: OfVersion, opts: PrintOptions): string {
  let s = ` ${formatMatch(fr.match, { priority: fr.priority, ...(opts.ports ? { ports: opts.ports } : {}) })}`;
  s += ` reason=${REMOVED_REASONS[fr.reason]}`;
  // OpenFlow 1.0 flow-removed messages name no table.
  if (version !== 'OpenFlow10' && fr.table !== 255) s += ` table_id=${fr.table}`;
  if (fr.cookie !== 0n) s += ` cookie:0x${fr.cookie.toString(16)}`;
  s += ` duration${formatDuration(fr.durationSec, fr.durationNsec)} idle${fr.idleTimeout}`;
  if (fr.hardTimeout) s += ` hard${fr.hardTimeout}`;
  return `${s} pkts${fr.packetCount} bytes${fr.byteCount}\n`;
}

/** How a multipart reply is named on its header line. */
function multipartName(kind: string, nx: boolean): string {
  const names: Readonly<Record<string, string>> = {
    desc: 'OFPST_DESC',
    flow: nx ? 'NXST_FLOW' : 'OFPST_FLOW',
    aggregate: nx ? 'NXST_AGGREGATE' : 'OFPST_AGGREGATE',
    table: 'OFPST_TABLE',
    port_stats: 'OFPST_PORT',
    port_desc: 'OFPST_PORT_DESC',
    table_features: 'OFPST_TABLE_FEATURES',
    group_desc: 'OFPST_GROUP_DESC',
    meter_config: 'OFPST_METER_CONFIG',
  };
  return names[kind] ?? `OFPST_${kind.toUpperCase()}`;
}

/** Whether an OpenFlow 1.0 stats message is a Nicira (NXST) one: its stats type is 0xffff. */
function isNxStats(bytes: Uint8Array | undefined, version: OfVersion): boolean {
  return version === 'OpenFlow10' && bytes !== undefined && bytes.length >= 10 && bytes[8] === 0xff && bytes[9] === 0xff;
}

/**
 * A whole message as ovs-ofctl prints it: header line, body, trailing newline.
 * `bytes` (the message as received) tells NXST from OFPST replies and lets an error show
 * the request it carries.
 */
export function formatMessage(msg: OfMessage, version: OfVersion, opts: PrintOptions & { bytes?: Uint8Array } = {}): string {
  switch (msg.type) {
    case 'features_reply': {
      let s = `${headerLine('OFPT_FEATURES_REPLY', version, msg.xid)} dpid:${msg.datapathId.toString(16).padStart(16, '0')}\n`;
      s += `n_tables:${msg.nTables}, n_buffers:${msg.nBuffers}`;
      if (msg.auxiliaryId) s += `, auxiliary_id:${msg.auxiliaryId}`;
      s += `\ncapabilities: ${bitNames(capabilities(msg.capabilities, version), CAPABILITIES)}\n`;
      if (version === 'OpenFlow10' && msg.actions) {
        s += `actions: ${OF10_ACTIONS.filter(([bit]) => msg.actions & (1 << bit)).map(([, n]) => n).join(' ')}\n`;
      }
      for (const p of sortedPorts(msg.ports)) s += formatPhyPort(p, version);
      return s;
    }
    case 'get_config_reply':
    case 'set_config': {
      const frags = ['normal', 'drop', 'reassemble', 'nx-match'][msg.flags & 3]!;
      const ttl = version !== 'OpenFlow13' && version !== 'OpenFlow14' && version !== 'OpenFlow15' && msg.flags & 4 ? ' invalid_ttl_to_controller' : '';
      const name = msg.type === 'set_config' ? 'OFPT_SET_CONFIG' : 'OFPT_GET_CONFIG_REPLY';
      return `${headerLine(name, version, msg.xid)} frags=${frags}${ttl} miss_send_len=${msg.missSendLen}\n`;
    }
    case 'multipart_reply': {
      const b = msg.body;
      const head = `${headerLine(`${multipartName(b.kind, isNxStats(opts.bytes, version))} reply`, version, msg.xid)}${flagsText(msg.flags)}`;
      switch (b.kind) {
        case 'flow':
          return `${head}\n${b.flows.map((f) => ` ${formatFlowStats(f, { ...opts, stats: true })}\n`).join('')}`;
        case 'aggregate':
          return `${head} packet_count=${b.packetCount} byte_count=${b.byteCount} flow_count=${b.flowCount}\n`;
        case 'port_desc':
          return `${head}\n${sortedPorts(b.ports).map((p) => formatPhyPort(p, version)).join('')}`;
        case 'port_stats':
          return `${head} ${b.ports.length} ports\n${b.ports.map((p) => formatPortStats(p, version, opts)).join('')}`;
        case 'table': {
          const body = formatTableStats(b.tables, version);
          return `${head}${body}${body.endsWith('\n') ? '' : '\n'}`;
        }
        case 'desc':
          return `${head}\nManufacturer: ${b.mfr}\nHardware: ${b.hw}\nSoftware: ${b.sw}\nSerial Num: ${b.serial}\nDP Description: ${b.dp}\n`;
        default:
          return `${head}\n`;
      }
    }
    case 'error':
      return `${headerLine('OFPT_ERROR', version, msg.xid)}${formatErrorBody(msg, opts)}`;
    case 'flow_mod':
      return `${headerLine(opts.bytes && opts.bytes[1] === 4 ? 'NXT_FLOW_MOD' : 'OFPT_FLOW_MOD', version, msg.xid)}${formatFlowMod(msg, version, opts)}\n`;
    case 'packet_in':
      return `${headerLine('OFPT_PACKET_IN', version, msg.xid)}${formatPacketIn(msg, opts)}`;
    case 'flow_removed':
      return `${headerLine(opts.bytes && opts.bytes[1] === 4 ? 'NXT_FLOW_REMOVED' : 'OFPT_FLOW_REMOVED', version, msg.xid)}${formatFlowRemoved(msg, version, opts)}`;
    case 'port_status': {
      const word = { add: 'ADD', delete: 'DEL', modify: 'MOD' }[msg.reason];
      return `${headerLine('OFPT_PORT_STATUS', version, msg.xid)} ${word}:${formatPhyPort(msg.port, version)}`;
    }
    case 'barrier_reply':
      return `${headerLine('OFPT_BARRIER_REPLY', version, msg.xid)}\n`;
    case 'echo_request':
    case 'echo_reply':
      return `${headerLine(msg.type === 'echo_request' ? 'OFPT_ECHO_REQUEST' : 'OFPT_ECHO_REPLY', version, msg.xid)} ${msg.data.length} bytes of payload\n`;
    case 'role_reply':
      return `${headerLine('OFPT_ROLE_REPLY', version, msg.xid)} role=${msg.role}\n`;
    default:
      return `${headerLine(msg.type.toUpperCase(), version, msg.xid)}\n`;
  }
}

/** " OFPFMFC_OVERLAP\n" and then the refused request as it would be printed. */
function formatErrorBody(msg: MessageOf<'error'>, opts: PrintOptions): string {
  const name = msg.name ?? `***unknown error type ${msg.errType} code ${msg.code}***`;
  let s = ` ${name}\n`;
  if (msg.name === 'OFPHFC_INCOMPATIBLE' || msg.name === 'OFPHFC_EPERM') return s + printable(msg.data);
  if (msg.data.length >= 8) {
    const d = decode(msg.data);
    if (d instanceof OfDecodeError) s += `***decode error: ${d.error}***\n`;
    else s += formatMessage(d.msg, d.version, { ...opts, bytes: msg.data });
  }
  return s;
}

function printable(data: Uint8Array): string {
  let s = '';
  for (const b of data) s += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  return s;
}
