/**
 * The checks a transaction passes before it commits, and the work the commit does on the
 * side: referential integrity, garbage collection, weak references, maxRows, unique
 * indexes (RFC 7047 sections 3.2 and 4.1.3).
 *
 * Everything is computed from the staged changes and reference counts the database keeps,
 * so a commit costs in proportion to what it changes:
 * - strong references: each row's count of incoming strong references is kept; a commit
 *   adds the references of new values and takes away those of old ones. A strong
 *   reference to a row that will not exist, or deleting a row still referenced, is a
 *   "referential integrity violation".
 * - garbage collection: a row of a non-root table whose count reaches zero is deleted,
 *   which may release further rows (ovs-vsctl's del-port and del-br rely on it).
 * - weak references: the database knows which rows refer weakly to each row; when a row
 *   goes, those references are dropped from the referring rows, and a weak reference
 *   written to a row that does not exist is dropped silently.
 * These feed each other (a collected row drops weak references, a dropped map pair may
 * drop a strong key), so they run to a fixed point.
 */
import type { Datum } from './datum.js';
import { datumEquals } from './datum.js';
import { OvsdbError } from './errors.js';
import type { Row } from './row.js';
import type { TableSchema } from './schema.js';
import { typeToEnglish } from './schema.js';
import type { Change, Store, Txn } from './transaction.js';

/** What integrity checks read beyond the rows themselves. */
export interface RefStore extends Store {
  /** Committed count of strong references to `uuid`. */
  strongRefs(uuid: string): number;
  /** Committed rows holding weak references to `uuid`. */
  weakSources(uuid: string): Iterable<string>;
  /** The committed row holding `key` in index `i` of `table`. */
  indexHolder(table: string, i: number, key: string): string | undefined;
}

/** Calls `f` with every atom of `row` that is a reference of `refType`, and its table. */
export function forEachRef(table: TableSchema, row: Row, refType: 'strong' | 'weak', f: (uuid: string, refTable: string) => void): void {
  for (const col of table.refColumns) {
    const d = row.values.get(col.name)!;
    const k = col.type.key;
    if (k.refTable !== undefined && k.refType === refType) for (const a of d.keys) f(a as string, k.refTable);
    const v = col.type.value;
    if (v?.refTable !== undefined && v.refType === refType) for (const a of d.values!) f(a as string, v.refTable);
  }
}

/**
 * Calls `bump` with the change in strong references from `old` to `new` (either may be
 * null). Unchanged columns cost nothing and a changed set costs one merge walk, so
 * adding one bridge to a root row with thousands does not touch every reference.
 */
export function strongRefDelta(
  table: TableSchema,
  old: Row | null,
  neu: Row | null,
  bump: (uuid: string, n: number, refTable: string) => void,
): void {
  for (const col of table.refColumns) {
    const k = col.type.key;
    const v = col.type.value;
    const strongKey = k.refTable !== undefined && k.refType === 'strong';
    const strongVal = v?.refTable !== undefined && v.refType === 'strong';
    if (!strongKey && !strongVal) continue;
    const a = old?.values.get(col.name);
    const b = neu?.values.get(col.name);
    if (a === b) continue;
    if (strongKey && !v) {
      // Sets are sorted: walk both, bumping only what differs.
      const x = a?.keys ?? [];
      const y = b?.keys ?? [];
      let i = 0;
      let j = 0;
      while (i < x.length || j < y.length) {
        if (j >= y.length || (i < x.length && (x[i] as string) < (y[j] as string))) bump(x[i++] as string, -1, k.refTable!);
        else if (i >= x.length || (x[i] as string) > (y[j] as string)) bump(y[j++] as string, 1, k.refTable!);
        else {
          i++;
          j++;
        }
      }
      continue;
    }
    for (const [d, n] of [[a, -1], [b, 1]] as const) {
      if (!d) continue;
      if (strongKey) for (const u of d.keys) bump(u as string, n, k.refTable!);
      if (strongVal) for (const u of d.values!) bump(u as string, n, v!.refTable!);
    }
  }
}

/** The key a row has in an index: its values in the index's columns. */
export function indexKey(row: Row, columns: readonly string[]): string {
  let s = '';
  for (const c of columns) {
    const d = c === '_uuid' ? { keys: [row.uuid] } : row.values.get(c)!;
    s += JSON.stringify(d.keys) + (d.values ? JSON.stringify(d.values) : '') + '\u0000';
  }
  return s;
}

function existsAfter(store: RefStore, txn: Txn, refTable: string, uuid: string): boolean {
  const c = txn.changes.get(uuid);
  if (c) return c.new !== null && c.table.name === refTable;
  return store.tableOf(uuid) === refTable;
}

/** Drops weak references to rows that will not exist; returns the new values or null. */
function dropDanglingWeak(store: RefStore, txn: Txn, c: Change): Map<string, Datum> | null {
  const row = c.new!;
  let out: Map<string, Datum> | null = null;
  for (const col of c.table.refColumns) {
    const k = col.type.key;
    const v = col.type.value;
    const weakKey = k.refTable !== undefined && k.refType === 'weak';
    const weakVal = v?.refTable !== undefined && v.refType === 'weak';
    if (!weakKey && !weakVal) continue;
    const d = row.values.get(col.name)!;
    const keep: number[] = [];
    for (let i = 0; i < d.keys.length; i++) {
      const okKey = !weakKey || existsAfter(store, txn, k.refTable!, d.keys[i] as string);
      const okVal = !weakVal || existsAfter(store, txn, v!.refTable!, d.values![i] as string);
      if (okKey && okVal) keep.push(i);
    }
    if (keep.length === d.keys.length) continue;
    out ??= new Map(row.values);
    const keys = keep.map((i) => d.keys[i]!);
    out.set(col.name, d.values ? { keys, values: keep.map((i) => d.values![i]!) } : { keys });
  }
  return out;
}

function fail(tag: 'referential integrity violation' | 'constraint violation', details: string): never {
  throw new OvsdbError(tag, details);
}

/** A committed change: what a row was and becomes, and which columns differ. */
export interface FinalChange {
  readonly table: TableSchema;
  readonly uuid: string;
  readonly old: Row | null;
  readonly new: Row | null;
  readonly changed?: readonly string[];
}

export interface CommitPlan {
  readonly changes: FinalChange[];
  /** Net change of strong reference counts, by target row. */
  readonly strongDelta: ReadonlyMap<string, number>;
}

function changedColumns(table: TableSchema, old: Row, neu: Row): string[] {
  const out: string[] = [];
  for (const col of table.userColumns) {
    if (!datumEquals(old.values.get(col.name)!, neu.values.get(col.name)!)) out.push(col.name);
  }
  return out;
}

/** Runs the commit-time checks; returns the plan to apply or throws the RFC's error. */
export function precommit(store: RefStore, txn: Txn): CommitPlan {
  const weakCleaned = new Set<string>();
  const sourcesVisited = new Set<string>();
  let strongDelta = new Map<string, number>();
  // Targets of references this transaction adds, with the table they must be in.
  const added = new Map<string, string>();
  for (let progress = true; progress; ) {
    progress = false;
    // Rows that refer weakly to committed rows going away must change too.
    for (const c of [...txn.changes.values()]) {
      if (!c.old || c.new || sourcesVisited.has(c.uuid)) continue;
      sourcesVisited.add(c.uuid);
      for (const src of store.weakSources(c.uuid)) {
        if (txn.changes.has(src)) continue;
        const tname = store.tableOf(src)!;
        const srcTable = store.schema.tables.get(tname)!;
        const row = store.rows(tname).get(src)!;
        txn.put(srcTable, src, row);
        progress = true;
      }
    }
    for (const c of txn.changes.values()) {
      if (!c.new) continue;
      const values = dropDanglingWeak(store, txn, c);
      if (values) {
        c.new = txn.modified(c.new, values);
        weakCleaned.add(c.uuid);
      }
    }
    strongDelta = new Map();
    added.clear();
    const bump = (u: string, n: number, refTable: string): void => {
      strongDelta.set(u, (strongDelta.get(u) ?? 0) + n);
      if (n > 0) added.set(u, refTable);
    };
    for (const c of txn.changes.values()) strongRefDelta(c.table, c.old, c.new, bump);
    // Garbage: rows of non-root tables that nothing refers to strongly any more.
    const candidates = new Set<string>(strongDelta.keys());
    for (const c of txn.changes.values()) if (c.new && !c.old) candidates.add(c.uuid);
    for (const u of candidates) {
      const c = txn.changes.get(u);
      if (strongDelta.get(u) === 0 && c?.old) continue;
      const table = c ? c.table : store.schema.tables.get(store.tableOf(u) ?? '');
      if (!table || table.isRoot) continue;
      if (c ? !c.new : store.tableOf(u) === undefined) continue;
      if (store.strongRefs(u) + (strongDelta.get(u) ?? 0) === 0) {
        txn.put(table, u, null);
        progress = true;
      }
    }
  }

  const changes: FinalChange[] = [];
  const counts = new Map<string, number>();
  for (const c of txn.changes.values()) {
    if (c.new) {
      if (weakCleaned.has(c.uuid)) checkCounts(c);
    } else if (c.old) {
      const left = store.strongRefs(c.uuid) + (strongDelta.get(c.uuid) ?? 0);
      if (left > 0) {
        fail('referential integrity violation', `cannot delete ${c.table.name} row ${c.uuid} because of ${left} remaining reference(s)`);
      }
    }
    if (!c.old && !c.new) continue;
    const tn = c.table.name;
    counts.set(tn, (counts.get(tn) ?? 0) + (c.new ? 1 : 0) - (c.old ? 1 : 0));
    if (c.old && c.new) {
      const changed = changedColumns(c.table, c.old, c.new);
      if (changed.length > 0) changes.push({ table: c.table, uuid: c.uuid, old: c.old, new: c.new, changed });
    } else {
      changes.push({ table: c.table, uuid: c.uuid, old: c.old, new: c.new });
    }
  }
  for (const [u, refTable] of added) {
    if ((strongDelta.get(u) ?? 0) > 0 && !existsAfter(store, txn, refTable, u)) danglingReference(txn, u, refTable);
  }
  for (const [tn, delta] of counts) {
    const t = store.schema.tables.get(tn)!;
    if (delta > 0 && store.rows(tn).size + delta > t.maxRows) {
      fail('constraint violation', `Transaction causes "${tn}" table to contain ${store.rows(tn).size + delta} rows, greater than the schema-defined limit of ${t.maxRows} row(s).`);
    }
  }
  checkIndexes(store, txn);
  return { changes, strongDelta };
}

/** Reports a strong reference to a row that will not exist, naming a row that holds it. */
function danglingReference(txn: Txn, target: string, refTable: string): never {
  for (const c of txn.changes.values()) {
    if (!c.new) continue;
    for (const col of c.table.refColumns) {
      const d = c.new.values.get(col.name)!;
      const k = col.type.key;
      const v = col.type.value;
      const inKey = k.refTable === refTable && k.refType === 'strong' && d.keys.includes(target);
      const inVal = v?.refTable === refTable && v.refType === 'strong' && d.values!.includes(target);
      if (inKey || inVal) {
        fail('referential integrity violation', `Table ${c.table.name} column ${col.name} row ${c.uuid} references nonexistent row ${target} in table ${refTable}.`);
      }
    }
  }
  fail('referential integrity violation', `reference to nonexistent row ${target} in table ${refTable}`);
}

function checkCounts(c: Change): void {
  for (const col of c.table.refColumns) {
    const n = c.new!.values.get(col.name)!.keys.length;
    if (n < col.type.min) {
      fail('constraint violation', `Deletion of weak reference(s) leaves ${c.table.name} column ${col.name} in row ${c.uuid} with ${n} elements, fewer than required for ${typeToEnglish(col.type)}.`);
    }
  }
}

function describeKey(row: Row, columns: readonly string[]): string {
  return columns.map((c) => (c === '_uuid' ? row.uuid : JSON.stringify(row.values.get(c)!.keys.length === 1 ? row.values.get(c)!.keys[0] : row.values.get(c)!.keys))).join(', ');
}

function checkIndexes(store: RefStore, txn: Txn): void {
  for (const [tn, staged] of txn.byTable) {
    const table = store.schema.tables.get(tn)!;
    table.indexes.forEach((columns, i) => {
      const seen = new Map<string, string>();
      for (const c of staged.values()) {
        if (!c.new) continue;
        const key = indexKey(c.new, columns);
        const twin = seen.get(key);
        const holder = twin ?? store.indexHolder(tn, i, key);
        if (holder !== undefined && holder !== c.uuid) {
          const hc = txn.changes.get(holder);
          const stillHolds = !hc || (hc.new !== null && indexKey(hc.new, columns) === key);
          if (stillHolds) {
            fail('constraint violation', `Transaction causes multiple rows in "${tn}" table to have identical values (${describeKey(c.new, columns)}) for index on column${columns.length > 1 ? 's' : ''} ${columns.map((x) => `"${x}"`).join(', ')}.  First row, with UUID ${holder}, ${hc ? 'was inserted or modified by this transaction' : 'existed in the database before this transaction'}.  Second row, with UUID ${c.uuid}, was inserted or modified by this transaction.`);
          }
        }
        seen.set(key, c.uuid);
      }
    });
  }
}

