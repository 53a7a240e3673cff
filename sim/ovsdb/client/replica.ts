/**
 * The client's copy of a database: rows by UUID for the tables and columns it monitors,
 * kept current by applying the server's table updates in any of the three notations
 * (`update` of RFC 7047, `update2`/`update3` of ovsdb-server(7)).
 *
 * Rows are immutable snapshots: an update replaces a row object, so a reader holding an
 * old row sees a consistent old state and change listeners get both versions.
 */
import {
  compareAtoms,
  datumFromJson,
  defaultDatum,
  type Atom,
  type Datum,
} from '../datum.js';
import type { Json } from '../jsonrpc.js';
import { isScalar, type ColumnSchema, type ColumnType, type DbSchema, type TableSchema } from '../schema.js';

/** One row as the client sees it: only the monitored columns are present. */
export class IdlRow {
  constructor(
    readonly table: string,
    readonly uuid: string,
    readonly columns: ReadonlyMap<string, Datum>,
  ) {}

  /** The column's value; an unmonitored or unknown column reads as the empty set. */
  get(column: string): Datum {
    return this.columns.get(column) ?? EMPTY_DATUM;
  }
}

const EMPTY_DATUM: Datum = Object.freeze({ keys: Object.freeze([]) as readonly Atom[] });

/** What one update did to one row: `old` is null for an insert, `new` null for a delete. */
export interface RowChange {
  readonly table: string;
  readonly uuid: string;
  readonly old: IdlRow | null;
  readonly new: IdlRow | null;
}

/** A malformed update from the server (names the table and row). */
export class ReplicaUpdateError extends Error {
  override readonly name = 'ReplicaUpdateError';
}

function isObject(j: Json | undefined): j is { [key: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

/** Any element count: a diff may hold more elements than the column itself allows. */
function relaxed(t: ColumnType): ColumnType {
  return { ...t, min: 0, max: Infinity };
}

function symmetricDifference(a: Datum, b: Datum): Datum {
  const drop = new Set(b.keys);
  const keys: Atom[] = a.keys.filter((k) => !drop.has(k));
  const have = new Set(a.keys);
  for (const k of b.keys) if (!have.has(k)) keys.push(k);
  keys.sort(compareAtoms);
  return { keys };
}

/** Applies an update2 map diff: same pair removes, new key adds, new value replaces. */
function applyMapDiff(a: Datum, diff: Datum): Datum {
  const m = new Map<Atom, Atom>();
  a.keys.forEach((k, i) => m.set(k, a.values![i]!));
  diff.keys.forEach((k, i) => {
    const v = diff.values![i]!;
    if (m.has(k) && m.get(k) === v) m.delete(k);
    else m.set(k, v);
  });
  const keys = [...m.keys()].sort(compareAtoms);
  return { keys, values: keys.map((k) => m.get(k)!) };
}

export class Replica {
  readonly schema: DbSchema;
  /** Monitored columns per table. */
  readonly monitored: ReadonlyMap<string, readonly ColumnSchema[]>;
  readonly #tables = new Map<string, Map<string, IdlRow>>();

  constructor(schema: DbSchema, monitored: ReadonlyMap<string, readonly ColumnSchema[]>) {
    this.schema = schema;
    this.monitored = monitored;
    for (const t of monitored.keys()) this.#tables.set(t, new Map());
  }

  /** Rows of a table, in the order they arrived (insertion order). */
  rows(table: string): ReadonlyMap<string, IdlRow> {
    return this.#tables.get(table) ?? new Map<string, IdlRow>();
  }

  row(table: string, uuid: string): IdlRow | undefined {
    return this.#tables.get(table)?.get(uuid);
  }

  /** Drops every row (before a fresh initial snapshot). */
  clear(): void {
    for (const m of this.#tables.values()) m.clear();
  }

  #table(name: string): { schema: TableSchema; rows: Map<string, IdlRow> } {
    const schema = this.schema.tables.get(name);
    const rows = this.#tables.get(name);
    if (schema === undefined || rows === undefined) throw new ReplicaUpdateError(`update for unmonitored table ${name}`);
    return { schema, rows };
  }

  #fresh(table: string): Map<string, Datum> {
    const cols = new Map<string, Datum>();
    for (const c of this.monitored.get(table) ?? []) cols.set(c.name, defaultDatum(c.type));
    return cols;
  }

  #parse(ts: TableSchema, name: string, json: Json, diff: boolean): Datum | null {
    const col = ts.columns.get(name);
    if (col === undefined || !this.monitored.get(ts.name)?.includes(col)) return null;
    try {
      return datumFromJson(json, diff && !isScalar(col.type) ? relaxed(col.type) : col.type, null);
    } catch (e) {
      throw new ReplicaUpdateError(`table ${ts.name} column ${name}: ${(e as Error).message}`);
    }
  }

  /** Applies `<table-updates2>` (monitor_cond, monitor_cond_since); returns the changes. */
  applyUpdate2(updates: Json): RowChange[] {
    if (!isObject(updates)) throw new ReplicaUpdateError('table updates must be a JSON object');
    const changes: RowChange[] = [];
    for (const [tname, tu] of Object.entries(updates)) {
      const { schema: ts, rows } = this.#table(tname);
      if (!isObject(tu)) throw new ReplicaUpdateError(`table ${tname}: updates must be an object`);
      for (const [uuid, ru] of Object.entries(tu)) {
        if (!isObject(ru)) throw new ReplicaUpdateError(`table ${tname} row ${uuid}: update must be an object`);
        const old = rows.get(uuid) ?? null;
        let next: IdlRow | null;
        if ('delete' in ru) {
          next = null;
        } else {
          const body = ru.initial ?? ru.insert ?? ru.modify;
          if (!isObject(body)) throw new ReplicaUpdateError(`table ${tname} row ${uuid}: unknown update ${JSON.stringify(ru)}`);
          const isModify = ru.modify !== undefined;
          const cols = isModify && old !== null ? new Map(old.columns) : this.#fresh(tname);
          for (const [cname, cj] of Object.entries(body)) {
            const d = this.#parse(ts, cname, cj, isModify);
            if (d === null) continue;
            if (!isModify) {
              cols.set(cname, d);
              continue;
            }
            const col = ts.columns.get(cname)!;
            const prev = cols.get(cname) ?? defaultDatum(col.type);
            cols.set(cname, isScalar(col.type) ? d : col.type.value ? applyMapDiff(prev, d) : symmetricDifference(prev, d));
          }
          next = new IdlRow(tname, uuid, cols);
        }
        if (next === null) rows.delete(uuid);
        else rows.set(uuid, next);
        if (old !== null || next !== null) changes.push({ table: tname, uuid, old, new: next });
      }
    }
    return changes;
  }

  /** Applies RFC 7047 `<table-updates>` (plain monitor); returns the changes. */
  applyUpdate(updates: Json): RowChange[] {
    if (!isObject(updates)) throw new ReplicaUpdateError('table updates must be a JSON object');
    const changes: RowChange[] = [];
    for (const [tname, tu] of Object.entries(updates)) {
      const { schema: ts, rows } = this.#table(tname);
      if (!isObject(tu)) throw new ReplicaUpdateError(`table ${tname}: updates must be an object`);
      for (const [uuid, ru] of Object.entries(tu)) {
        if (!isObject(ru)) throw new ReplicaUpdateError(`table ${tname} row ${uuid}: update must be an object`);
        const old = rows.get(uuid) ?? null;
        let next: IdlRow | null = null;
        if (isObject(ru.new)) {
          const cols = old !== null ? new Map(old.columns) : this.#fresh(tname);
          for (const [cname, cj] of Object.entries(ru.new)) {
            const d = this.#parse(ts, cname, cj, false);
            if (d !== null) cols.set(cname, d);
          }
          next = new IdlRow(tname, uuid, cols);
          rows.set(uuid, next);
        } else {
          rows.delete(uuid);
        }
        if (old !== null || next !== null) changes.push({ table: tname, uuid, old, new: next });
      }
    }
    return changes;
  }
}
