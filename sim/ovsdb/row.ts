/**
 * Rows: immutable records of one table. A change makes a new Row; the old one stays valid
 * for whoever holds it (a monitor computing a diff, a commit listener).
 */
import type { Datum } from './datum.js';
import { datumToJson, defaultDatum, scalarDatum } from './datum.js';
import type { TableSchema } from './schema.js';

export interface Row {
  readonly uuid: string;
  readonly version: string;
  /** A value for every user column of the table (defaults included). */
  readonly values: ReadonlyMap<string, Datum>;
}

/** One row's change in a commit: `old` null for an insert, `new` null for a delete. */
export interface RowChange {
  readonly uuid: string;
  readonly old: Row | null;
  readonly new: Row | null;
  /** For a modification, the columns whose values differ (`_version` not counted). */
  readonly changed?: readonly string[];
}

/** What one committed transaction did, table by table. */
export interface CommitInfo {
  /** The transaction's id (a UUID), as `monitor_cond_since` reports it. */
  readonly txnId: string;
  readonly tables: ReadonlyMap<string, readonly RowChange[]>;
  /** Texts of the transaction's "comment" operations. */
  readonly comments: readonly string[];
}

/** The value of `column` in `row`, `_uuid` and `_version` included. */
export function rowGet(row: Row, column: string): Datum {
  if (column === '_uuid') return scalarDatum(row.uuid);
  if (column === '_version') return scalarDatum(row.version);
  const d = row.values.get(column);
  if (d === undefined) throw new Error(`row ${row.uuid} has no column ${column}`);
  return d;
}

/** A row with every user column at its default value. */
export function defaultValues(table: TableSchema): Map<string, Datum> {
  const m = new Map<string, Datum>();
  for (const c of table.userColumns) m.set(c.name, defaultDatum(c.type));
  return m;
}

/**
 * A row as a JSON object in RFC 7047 notation, with `columns` (default: `_uuid`,
 * `_version`, then every user column, as ovsdb-server's select answers).
 */
export function rowToJson(row: Row, table: TableSchema, columns?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = columns ?? ['_uuid', '_version', ...table.userColumns.map((c) => c.name)];
  for (const name of names) {
    const col = table.columns.get(name);
    if (!col) throw new Error(`table ${table.name} has no column ${name}`);
    out[name] = datumToJson(rowGet(row, name), col.type);
  }
  return out;
}
