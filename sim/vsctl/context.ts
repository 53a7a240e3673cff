/**
 * What ovs-vsctl commands work on: the transaction (its view of the replica), `@name`
 * symbols, and the bridge/port/interface cache rebuilt from that view whenever a
 * command changed something. Also the "record identifier" rules that let `list Bridge
 * br0` or `get Controller br0 target` find rows by name, by UUID or UUID prefix, or
 * through a bridge's column.
 */
import { datumAtom, type Datum } from '../ovsdb/datum.js';
import type { OvsdbIdl } from '../ovsdb/client/idl.js';
import type { IdlRow } from '../ovsdb/client/replica.js';
import type { IdlTransaction } from '../ovsdb/client/transaction.js';
import type { ColumnSchema, DbSchema, TableSchema } from '../ovsdb/schema.js';
import type { OutTable } from './table-format.js';
import type { Symbols } from './value.js';

/** A command failed: ovs-vsctl prints `ovs-vsctl: MESSAGE` and exits 1, committing nothing. */
export class VsctlError extends Error {
  override readonly name = 'VsctlError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface SymbolEntry {
  readonly uuid: string;
  created: boolean;
  strongRef: boolean;
}

export class SymbolTable implements Symbols {
  readonly entries = new Map<string, SymbolEntry>();
  constructor(readonly newUuid: () => string) {}

  resolve(name: string): string {
    let e = this.entries.get(name);
    if (e === undefined) {
      e = { uuid: this.newUuid(), created: false, strongRef: true };
      this.entries.set(name, e);
    }
    return e.uuid;
  }

  /** Defines `@name` for a row about to be created; errors as ovs-vsctl's create_symbol. */
  create(name: string): SymbolEntry {
    if (!name.startsWith('@')) throw new VsctlError(`row id "${name}" does not begin with "@"`);
    this.resolve(name);
    const e = this.entries.get(name)!;
    if (e.created) throw new VsctlError(`row id "${name}" may only be specified on one --id option`);
    e.created = true;
    return e;
  }
}

export interface VsBridge {
  readonly name: string;
  /** The Bridge row; null for a fake (VLAN) bridge. */
  readonly uuid: string | null;
  readonly parent: VsBridge | null;
  readonly vlan: number;
  readonly ports: VsPort[];
}

export interface VsPort {
  readonly uuid: string;
  readonly name: string;
  readonly bridge: VsBridge;
  readonly ifaces: VsIface[];
}

export interface VsIface {
  readonly uuid: string;
  readonly name: string;
  readonly port: VsPort;
}

export interface VsCache {
  readonly bridges: Map<string, VsBridge>;
  readonly ports: Map<string, VsPort>;
  readonly ifaces: Map<string, VsIface>;
}

/** One command's parsed form. */
export interface Command {
  readonly name: string;
  readonly args: readonly string[];
  readonly options: ReadonlyMap<string, string | null>;
}

export class VsctlContext {
  readonly txn: IdlTransaction;
  readonly schema: DbSchema;
  readonly symbols: SymbolTable;
  /** UUID of the Open_vSwitch row (possibly inserted by this transaction). */
  readonly ovs: string;
  command!: Command;
  output = '';
  table: OutTable | null = null;
  #cache: VsCache | null = null;
  #verifiedPorts = false;

  constructor(init: { idl: OvsdbIdl; txn: IdlTransaction; ovs: string; symbols: SymbolTable }) {
    this.txn = init.txn;
    this.schema = init.idl.schema;
    this.ovs = init.ovs;
    this.symbols = init.symbols;
  }

  has(option: string): boolean {
    return this.command.options.has(option);
  }

  option(option: string): string | undefined {
    return this.command.options.get(option) ?? undefined;
  }

  tableSchema(name: string): TableSchema {
    const t = this.schema.tables.get(name);
    if (t === undefined) throw new VsctlError(`unknown table "${name}"`);
    return t;
  }

  read(table: string, uuid: string, column: string): Datum {
    return this.txn.read(table, uuid, column);
  }

  str(table: string, uuid: string, column: string): string {
    const a = datumAtom(this.read(table, uuid, column));
    return typeof a === 'string' ? a : '';
  }

  uuids(table: string, uuid: string, column: string): string[] {
    return this.read(table, uuid, column).keys as string[];
  }

  invalidateCache(): void {
    this.#cache = null;
  }

  verifyPorts(): void {
    if (this.#verifiedPorts) return;
    this.#verifiedPorts = true;
    this.txn.verify('Open_vSwitch', this.ovs, 'bridges');
    for (const b of this.txn.rows('Bridge')) if (!this.txn.isInserted(b.uuid)) this.txn.verify('Bridge', b.uuid, 'ports');
    for (const p of this.txn.rows('Port')) if (!this.txn.isInserted(p.uuid)) this.txn.verify('Port', p.uuid, 'interfaces');
  }

  verify(table: string, uuid: string, column: string): void {
    if (!this.txn.isInserted(uuid)) this.txn.verify(table, uuid, column);
  }

  /** The bridges, ports and interfaces as ovs-vsctl sees them (fake bridges included). */
  cache(): VsCache {
    if (this.#cache !== null) return this.#cache;
    const bridges = new Map<string, VsBridge>();
    const ports = new Map<string, VsPort>();
    const ifaces = new Map<string, VsIface>();
    const children = new Map<VsBridge, Map<number, VsBridge>>();
    const seenPorts = new Set<string>();
    const brRows = this.uuids('Open_vSwitch', this.ovs, 'bridges').filter((u) => this.txn.exists('Bridge', u));
    const isFake = (p: string): number | null => {
      const fake = datumAtom(this.read('Port', p, 'fake_bridge'));
      const tag = datumAtom(this.read('Port', p, 'tag'));
      return fake === true && typeof tag === 'number' && tag >= 0 && tag <= 4095 ? tag : null;
    };
    for (const bu of brRows) {
      const name = this.str('Bridge', bu, 'name');
      if (bridges.has(name)) continue;
      const br: VsBridge = { name, uuid: bu, parent: null, vlan: 0, ports: [] };
      bridges.set(name, br);
      children.set(br, new Map());
      for (const pu of this.uuids('Bridge', bu, 'ports')) {
        if (!this.txn.exists('Port', pu)) continue;
        const pname = this.str('Port', pu, 'name');
        if (seenPorts.has(pname)) continue;
        seenPorts.add(pname);
        const tag = isFake(pu);
        if (tag !== null && !bridges.has(pname)) {
          const fb: VsBridge = { name: pname, uuid: null, parent: br, vlan: tag, ports: [] };
          bridges.set(pname, fb);
          if (!children.get(br)!.has(tag)) children.get(br)!.set(tag, fb);
        }
      }
    }
    const done = new Set<string>();
    for (const bu of brRows) {
      const bname = this.str('Bridge', bu, 'name');
      if (done.has(bname)) continue;
      done.add(bname);
      const br = bridges.get(bname)!;
      for (const pu of this.uuids('Bridge', bu, 'ports')) {
        if (!this.txn.exists('Port', pu)) continue;
        const pname = this.str('Port', pu, 'name');
        if (ports.has(pname)) continue;
        if (isFake(pu) !== null && done.has(pname)) continue;
        if (isFake(pu) !== null) done.add(pname);
        let parent = br;
        const tag = datumAtom(this.read('Port', pu, 'tag'));
        if (typeof tag === 'number' && tag >= 0 && tag <= 4095) parent = children.get(br)!.get(tag) ?? br;
        const port: VsPort = { uuid: pu, name: pname, bridge: parent, ifaces: [] };
        parent.ports.push(port);
        ports.set(pname, port);
        for (const iu of this.uuids('Port', pu, 'interfaces')) {
          if (!this.txn.exists('Interface', iu)) continue;
          const iname = this.str('Interface', iu, 'name');
          if (ifaces.has(iname)) continue;
          const iface: VsIface = { uuid: iu, name: iname, port };
          port.ifaces.push(iface);
          ifaces.set(iname, iface);
        }
      }
    }
    this.#cache = { bridges, ports, ifaces };
    return this.#cache;
  }

  findBridge(name: string, mustExist: boolean): VsBridge | undefined {
    const br = this.cache().bridges.get(name);
    if (mustExist && br === undefined) throw new VsctlError(`no bridge named ${name}`);
    this.txn.verify('Open_vSwitch', this.ovs, 'bridges');
    return br;
  }

  findRealBridge(name: string, mustExist: boolean): VsBridge | undefined {
    const br = this.findBridge(name, mustExist);
    if (br !== undefined && br.parent !== null) throw new VsctlError(`${name} is a fake bridge`);
    return br;
  }

  findPort(name: string, mustExist: boolean): VsPort | undefined {
    let port = this.cache().ports.get(name);
    if (port !== undefined && port.bridge.name === name) port = undefined;
    if (mustExist && port === undefined) throw new VsctlError(`no port named ${name}`);
    this.verifyPorts();
    return port;
  }

  findIface(name: string, mustExist: boolean): VsIface | undefined {
    let iface = this.cache().ifaces.get(name);
    if (iface !== undefined && iface.port.bridge.name === name) iface = undefined;
    if (mustExist && iface === undefined) throw new VsctlError(`no interface named ${name}`);
    this.verifyPorts();
    return iface;
  }

  /** Fails as ovs-vsctl does when `name` is already a bridge, port or interface. */
  checkConflicts(name: string, msg: string): void {
    this.verifyPorts();
    const c = this.cache();
    if (c.bridges.has(name)) throw new VsctlError(`${msg} because a bridge named ${name} already exists`);
    const port = c.ports.get(name);
    if (port !== undefined) throw new VsctlError(`${msg} because a port named ${name} already exists on bridge ${port.bridge.name}`);
    const iface = c.ifaces.get(name);
    if (iface !== undefined) throw new VsctlError(`${msg} because an interface named ${name} already exists on bridge ${iface.port.bridge.name}`);
  }
}

// ------------------------------------------------------------------ names and records

function canon(c: string): string {
  return c === '-' ? '_' : c.toLowerCase();
}

/** How well user text `s` names `name` (0: not at all), as ovs-vsctl scores abbreviations. */
export function scorePartialMatch(name: string, s: string): number {
  if (name === s) return Number.MAX_SAFE_INTEGER;
  let score = 0;
  for (; ; score++) {
    const a = name[score];
    const b = s[score];
    if (a === undefined && b === undefined) return Number.MAX_SAFE_INTEGER - 1;
    if (a === undefined || b === undefined || canon(a) !== canon(b)) break;
  }
  return score === s.length ? score : 0;
}

function bestMatch<T extends { name: string }>(items: Iterable<T>, s: string): T[] {
  let best = 0;
  let out: T[] = [];
  for (const it of items) {
    const sc = scorePartialMatch(it.name, s);
    if (sc === 0 || sc < best) continue;
    if (sc > best) out = [];
    best = sc;
    out.push(it);
  }
  return out;
}

export function getTable(schema: DbSchema, name: string): TableSchema {
  const m = bestMatch([...schema.tables.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), name);
  if (m.length === 0) throw new VsctlError(`unknown table "${name}"`);
  if (m.length > 1) throw new VsctlError(`"${name}" matches multiple table names: ${m.map((t) => t.name).join(', ')}`);
  return m[0]!;
}

/** The table's columns as ovs-vsctl lists them: sorted by name. */
export function sortedColumns(t: TableSchema): ColumnSchema[] {
  return [...t.userColumns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function getColumn(t: TableSchema, name: string): ColumnSchema {
  const m = bestMatch(sortedColumns(t), name);
  if (m.length === 0) throw new VsctlError(`${t.name} does not contain a column whose name matches "${name}"`);
  if (m.length > 1) throw new VsctlError(`${t.name} contains more than one column whose name matches "${name}": ${m.map((c) => c.name).join(', ')}`);
  return m[0]!;
}

/** How rows of a table can be named: by a column of some table, maybe through a reference. */
interface RowId {
  readonly table: string;
  readonly nameColumn: string;
  readonly uuidColumn?: string;
}

const ROW_IDS: Readonly<Record<string, RowId>> = {
  Bridge: { table: 'Bridge', nameColumn: 'name' },
  Controller: { table: 'Bridge', nameColumn: 'name', uuidColumn: 'controller' },
  Interface: { table: 'Interface', nameColumn: 'name' },
  Mirror: { table: 'Mirror', nameColumn: 'name' },
  Manager: { table: 'Manager', nameColumn: 'target' },
  NetFlow: { table: 'Bridge', nameColumn: 'name', uuidColumn: 'netflow' },
  Port: { table: 'Port', nameColumn: 'name' },
  QoS: { table: 'Port', nameColumn: 'name', uuidColumn: 'qos' },
  sFlow: { table: 'Bridge', nameColumn: 'name', uuidColumn: 'sflow' },
  Flow_Table: { table: 'Flow_Table', nameColumn: 'name' },
  IPFIX: { table: 'Bridge', nameColumn: 'name', uuidColumn: 'ipfix' },
  AutoAttach: { table: 'Bridge', nameColumn: 'name', uuidColumn: 'auto_attach' },
  Flow_Sample_Collector_Set: { table: 'Flow_Sample_Collector_Set', nameColumn: 'id' },
};

function uuidPrefixLength(s: string): number {
  const m = /^[0-9a-fA-F-]*$/.exec(s);
  if (m === null) return 0;
  // A prefix of the 8-4-4-4-12 layout, dashes in place.
  const layout = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
  if (s.length > layout.length) return 0;
  for (let i = 0; i < s.length; i++) if ((layout[i] === '-') !== (s[i] === '-')) return 0;
  return s.replace(/-/g, '').length;
}

function byRowId(ctx: VsctlContext, table: TableSchema, id: RowId, recordId: string): IdlRow | undefined {
  if (!ctx.schema.tables.has(id.table)) return undefined;
  const nameCol = ctx.schema.tables.get(id.table)!.columns.get(id.nameColumn);
  if (nameCol === undefined) return undefined;
  const isInt = nameCol.type.key.type === 'integer';
  if (isInt && !/^\d+$/.test(recordId)) return undefined;
  let referrer: IdlRow | undefined;
  for (const row of ctx.txn.rows(id.table)) {
    const d = row.get(id.nameColumn);
    if (d.keys.length !== 1) continue;
    const name = d.keys[0]!;
    const hit = isInt
      ? name === Number.parseInt(recordId, 10)
      : name === recordId || (recordId.length >= 4 && /^[0-9a-fA-F]{8}-/.test(name as string) && (name as string).startsWith(recordId));
    if (!hit) continue;
    if (referrer !== undefined) throw new VsctlError(`multiple rows in ${id.table} match "${recordId}"`);
    referrer = row;
  }
  if (referrer === undefined) return undefined;
  if (id.uuidColumn === undefined) return referrer;
  ctx.verify(id.table, referrer.uuid, id.uuidColumn);
  const u = referrer.get(id.uuidColumn);
  return u.keys.length === 1 ? ctx.txn.row(table.name, u.keys[0] as string) : undefined;
}

/** Finds the row a record identifier names, as ovs-vsctl's "get_row" does. */
export function getRow(ctx: VsctlContext, table: TableSchema, recordId: string, mustExist: boolean): IdlRow | undefined {
  let row: IdlRow | undefined;
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(recordId)) {
    row = ctx.txn.row(table.name, recordId.toLowerCase());
  }
  if (row === undefined && recordId === '.') {
    const all = ctx.txn.rows(table.name);
    if (all.length === 1) row = all[0];
  }
  const id = ROW_IDS[table.name];
  if (row === undefined && id !== undefined) row = byRowId(ctx, table, id, recordId);
  if (row === undefined && uuidPrefixLength(recordId) >= 4) {
    const p = recordId.toLowerCase();
    for (const r of ctx.txn.rows(table.name)) {
      if (!r.uuid.startsWith(p)) continue;
      if (row !== undefined) {
        throw new VsctlError(`${table.name} contains 2 or more rows whose UUIDs begin with ${recordId}: at least ${row.uuid} and ${r.uuid}`);
      }
      row = r;
    }
  }
  if (mustExist && row === undefined) throw new VsctlError(`no row "${recordId}" in table ${table.name}`);
  return row;
}
