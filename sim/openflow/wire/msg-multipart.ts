/**
 * Multipart (OpenFlow 1.0: "stats") request and reply bodies: desc, flow, aggregate,
 * table, port stats, port desc, table features, and empty group-desc / meter-config.
 * OpenFlow 1.0 has no port-desc request of its own; Open vSwitch accepts type 13 there
 * too, and so do we. Nicira's NXST_FLOW / NXST_AGGREGATE carry NXM matches under 1.0.
 */
import type { OfVersion } from '../version.js';
import { Writer, type Reader } from './bytes.js';
import { WireError } from './errors.js';
import type { FlowStatsEntry, MultipartReplyBody, MultipartRequestBody, TableFeatureProp, TableFeatures, TableStats } from './messages.js';
import { pullFlowStatsEntry, pullFlowStatsRequest, putFlowStatsEntry, putFlowStatsRequest } from './msg-flow.js';
import { pullPort, pullPortStats, putPort, putPortStats } from './msg-port.js';
import { pullOxsStats, putOxsStats } from './oxs.js';
import { portFromOf11, portToOf11 } from './ports.js';

export const OFPMP = {
  DESC: 0,
  FLOW: 1,
  AGGREGATE: 2,
  TABLE: 3,
  PORT_STATS: 4,
  GROUP_DESC: 7,
  METER_CONFIG: 10,
  TABLE_FEATURES: 12,
  PORT_DESC: 13,
  VENDOR: 0xffff,
} as const;

export const NXST = { FLOW: 0, AGGREGATE: 1 } as const;

type Kind = MultipartRequestBody['kind'];

const KIND_OF_TYPE = new Map<number, Kind>([
  [OFPMP.DESC, 'desc'],
  [OFPMP.FLOW, 'flow'],
  [OFPMP.AGGREGATE, 'aggregate'],
  [OFPMP.TABLE, 'table'],
  [OFPMP.PORT_STATS, 'port_stats'],
  [OFPMP.GROUP_DESC, 'group_desc'],
  [OFPMP.METER_CONFIG, 'meter_config'],
  [OFPMP.TABLE_FEATURES, 'table_features'],
  [OFPMP.PORT_DESC, 'port_desc'],
]);

export function multipartType(kind: Kind): number {
  for (const [t, k] of KIND_OF_TYPE) if (k === kind) return t;
  throw new Error(`no multipart type for ${kind}`);
}

/** Which multipart kinds a version has. */
function kindAllowed(kind: Kind, v: OfVersion): boolean {
  if (v === 'OpenFlow10') return kind !== 'group_desc' && kind !== 'meter_config' && kind !== 'table_features';
  return true;
}

export function kindOfType(type: number, v: OfVersion): Kind {
  const k = KIND_OF_TYPE.get(type);
  if (!k || !kindAllowed(k, v)) throw new WireError('OFPBRC_BAD_STAT', `unknown or unsupported multipart type ${type}`);
  return k;
}

// ---------------------------------------------------------------------------------------
// Requests

export function putRequestBody(w: Writer, b: MultipartRequestBody, v: OfVersion): void {
  switch (b.kind) {
    case 'desc':
    case 'table':
      return;
    case 'group_desc':
      // OpenFlow 1.5 names the group (OFPG_ALL here); earlier versions have no body.
      if (v === 'OpenFlow15') w.u32(0xfffffffc).zeros(4);
      return;
    case 'flow':
    case 'aggregate':
      return putFlowStatsRequest(w, b, v);
    case 'port_stats':
      if (v === 'OpenFlow10') w.u16(b.portNo).zeros(6);
      else w.u32(portToOf11(b.portNo)).zeros(4);
      return;
    case 'port_desc':
      if (v === 'OpenFlow15') w.u32(portToOf11(b.portNo)).zeros(4);
      return;
    case 'table_features':
      for (const t of b.tables) putTableFeatures(w, t);
      return;
    case 'meter_config':
      w.u32(b.meterId).zeros(4);
      return;
    default: {
      const never: never = b;
      throw new Error(`unknown multipart body ${JSON.stringify(never)}`);
    }
  }
}

function port(r: Reader, v: OfVersion): number {
  if (v === 'OpenFlow10') return r.u16();
  const p = portFromOf11(r.u32());
  if (p === undefined) throw new WireError('OFPBRC_BAD_PORT', 'port number outside the OpenFlow 1.0 range');
  return p;
}

export function pullRequestBody(r: Reader, kind: Kind, v: OfVersion): MultipartRequestBody {
  switch (kind) {
    case 'desc':
    case 'table':
      return { kind };
    case 'group_desc':
      if (v === 'OpenFlow15' && r.remaining >= 8) r.skip(8);
      return { kind };
    case 'flow':
    case 'aggregate':
      return { kind, ...pullFlowStatsRequest(r, v) };
    case 'port_stats': {
      const portNo = port(r, v);
      r.skip(v === 'OpenFlow10' ? 6 : 4);
      return { kind, portNo };
    }
    case 'port_desc': {
      if (v !== 'OpenFlow15' || r.remaining === 0) return { kind, portNo: 0xffff };
      const portNo = port(r, v);
      r.skip(4);
      return { kind, portNo };
    }
    case 'table_features': {
      const tables: TableFeatures[] = [];
      while (r.remaining > 0) tables.push(pullTableFeatures(r));
      return { kind, tables };
    }
    case 'meter_config': {
      const meterId = r.u32();
      r.skip(4);
      return { kind, meterId };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown multipart kind ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Replies

/** The entries of a list reply, each encoded on its own (for splitting across messages). */
export function replyEntries(b: MultipartReplyBody, v: OfVersion, nxm: boolean): Uint8Array[] | undefined {
  const each = <T>(list: readonly T[], put: (w: Writer, x: T) => void, mk: () => Writer): Uint8Array[] =>
    list.map((x) => {
      const w = mk();
      put(w, x);
      return w.finish();
    });
  const mk = (): Writer => new Writer();
  switch (b.kind) {
    case 'flow':
      return each(b.flows, (w, f) => putFlowStatsEntry(w, f, v, nxm), mk);
    case 'table':
      return each(b.tables, (w, t) => putTableStats(w, t, v), mk);
    case 'port_stats':
      return each(b.ports, (w, p) => putPortStats(w, p, v), mk);
    case 'port_desc':
      return each(b.ports, (w, p) => putPort(w, p, v), mk);
    case 'table_features':
      return each(b.tables, (w, t) => putTableFeatures(w, t), mk);
    default:
      return undefined;
  }
}

export function putReplyBody(w: Writer, b: MultipartReplyBody, v: OfVersion, nxm: boolean): void {
  switch (b.kind) {
    case 'desc':
      w.str(b.mfr, 256).str(b.hw, 256).str(b.sw, 256).str(b.serial, 32).str(b.dp, 256);
      return;
    case 'aggregate':
      if (v === 'OpenFlow15') putOxsStats(w, { packetCount: b.packetCount, byteCount: b.byteCount, flowCount: b.flowCount });
      else w.u64(b.packetCount).u64(b.byteCount).u32(b.flowCount).zeros(4);
      return;
    case 'group_desc':
    case 'meter_config':
      return;
    default:
      for (const e of replyEntries(b, v, nxm) ?? []) w.bytes(e);
  }
}

export function pullReplyBody(r: Reader, kind: Kind, v: OfVersion, nxm: boolean): MultipartReplyBody {
  switch (kind) {
    case 'desc':
      return { kind, mfr: r.str(256), hw: r.str(256), sw: r.str(256), serial: r.str(32), dp: r.str(256) };
    case 'aggregate': {
      if (v === 'OpenFlow15') {
        const s = pullOxsStats(r);
        return { kind, packetCount: s.packetCount ?? 0n, byteCount: s.byteCount ?? 0n, flowCount: s.flowCount ?? 0 };
      }
      const packetCount = r.u64();
      const byteCount = r.u64();
      const flowCount = r.u32();
      r.skip(4);
      return { kind, packetCount, byteCount, flowCount };
    }
    case 'flow': {
      const flows: FlowStatsEntry[] = [];
      while (r.remaining > 0) flows.push(pullFlowStatsEntry(r, v, nxm));
      return { kind, flows };
    }
    case 'table': {
      const tables: TableStats[] = [];
      while (r.remaining > 0) tables.push(pullTableStats(r, v));
      return { kind, tables };
    }
    case 'port_stats': {
      const ports = [];
      while (r.remaining > 0) ports.push(pullPortStats(r, v));
      return { kind, ports };
    }
    case 'port_desc': {
      const ports = [];
      while (r.remaining > 0) ports.push(pullPort(r, v));
      return { kind, ports };
    }
    case 'table_features': {
      const tables: TableFeatures[] = [];
      while (r.remaining > 0) tables.push(pullTableFeatures(r));
      return { kind, tables };
    }
    case 'group_desc':
    case 'meter_config':
      return { kind };
    default: {
      const never: never = kind;
      throw new Error(`unknown multipart kind ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Table stats and features

function putTableStats(w: Writer, t: TableStats, v: OfVersion): void {
  if (v === 'OpenFlow10') {
    w.u8(t.tableId).zeros(3).str(t.name, 32).u32((1 << 22) - 1).u32(t.maxEntries).u32(t.activeCount).u64(t.lookupCount).u64(t.matchedCount);
    return;
  }
  w.u8(t.tableId).zeros(3).u32(t.activeCount).u64(t.lookupCount).u64(t.matchedCount);
}

function pullTableStats(r: Reader, v: OfVersion): TableStats {
  const tableId = r.u8();
  r.skip(3);
  if (v === 'OpenFlow10') {
    const name = r.str(32);
    r.skip(4);
    const maxEntries = r.u32();
    return { tableId, name, maxEntries, activeCount: r.u32(), lookupCount: r.u64(), matchedCount: r.u64() };
  }
  return { tableId, name: '', maxEntries: 0, activeCount: r.u32(), lookupCount: r.u64(), matchedCount: r.u64() };
}

const PROP_KINDS = [
  'instructions', 'instructions_miss', 'next_tables', 'next_tables_miss', 'write_actions', 'write_actions_miss',
  'apply_actions', 'apply_actions_miss', 'match', undefined, 'wildcards', undefined, 'write_setfield',
  'write_setfield_miss', 'apply_setfield', 'apply_setfield_miss',
] as const;

type ListProp = Exclude<TableFeatureProp, { kind: 'raw' }>;

function propType(kind: ListProp['kind']): number {
  return PROP_KINDS.indexOf(kind);
}

function putProp(w: Writer, p: TableFeatureProp): void {
  const start = w.length;
  if (p.kind === 'raw') {
    w.u16(p.propType).u16(4 + p.data.length).bytes(p.data);
  } else {
    const t = propType(p.kind);
    w.u16(t).u16(0);
    for (const id of p.ids) {
      if (t <= 1 || (t >= 4 && t <= 7)) w.u16(id).u16(4);
      else if (t <= 3) w.u8(id);
      else w.u32(id);
    }
    w.setU16(start + 2, w.length - start);
  }
  w.pad(start);
}

function pullProp(r: Reader): TableFeatureProp {
  const type = r.u16();
  const len = r.u16();
  if (len < 4) throw new WireError('OFPBRC_BAD_LEN', `table feature property of length ${len}`);
  const body = r.sub(len - 4, 'table feature property');
  r.skip(Math.min(r.remaining, ((len + 7) & ~7) - len), 'property padding');
  const kind = PROP_KINDS[type];
  if (kind === undefined) return { kind: 'raw', propType: type, data: body.rest() };
  const ids: number[] = [];
  if (type <= 1 || (type >= 4 && type <= 7)) {
    while (body.remaining >= 4) {
      const id = body.u16();
      const ilen = body.u16();
      if (ilen < 4) throw new WireError('OFPBRC_BAD_LEN', `table feature id of length ${ilen}`);
      body.skip(Math.min(body.remaining, ilen - 4));
      ids.push(id);
    }
  } else if (type <= 3) {
    while (body.remaining > 0) ids.push(body.u8());
  } else {
    while (body.remaining >= 4) {
      const hdr = body.u32();
      if (hdr >>> 16 === 0xffff) {
        body.skip(Math.min(body.remaining, 4));
        continue;
      }
      ids.push(hdr);
    }
  }
  return { kind, ids } as TableFeatureProp;
}

function putTableFeatures(w: Writer, t: TableFeatures): void {
  const start = w.length;
  w.u16(0).u8(t.tableId).zeros(5).str(t.name, 32).u64(t.metadataMatch).u64(t.metadataWrite).u32(t.config).u32(t.maxEntries);
  for (const p of t.properties) putProp(w, p);
  w.setU16(start, w.length - start);
}

function pullTableFeatures(r: Reader): TableFeatures {
  const len = r.peekU16();
  if (len < 64 || len > r.remaining) throw new WireError('OFPBRC_BAD_LEN', `table features of length ${len}`);
  const e = r.sub(len, 'table features');
  e.skip(2);
  const tableId = e.u8();
  e.skip(5);
  const name = e.str(32);
  const metadataMatch = e.u64();
  const metadataWrite = e.u64();
  const config = e.u32();
  const maxEntries = e.u32();
  const properties: TableFeatureProp[] = [];
  while (e.remaining >= 4) properties.push(pullProp(e));
  return { tableId, name, metadataMatch, metadataWrite, config, maxEntries, properties };
}
