/**
 * An OVSDB database: the committed rows of every table, the bookkeeping integrity checks
 * need (strong reference counts, weak back-references, unique indexes), and optionally
 * a durable log (log.ts) it recovers from on open and appends each commit to.
 *
 * `transact` runs a transaction's operations (transaction.ts), checks it (integrity.ts),
 * writes its log record, applies it and tells commit listeners, all synchronously: when
 * it returns 'done', a committed change is in the log file (and, for a transaction that
 * asked for `"commit", "durable": true`, fsync'd). A write() reaching the kernel is enough
 * for the data to survive the process being killed; fsync covers a machine crash.
 *
 * Log records after the schema (see log.ts for the framing) are JSON objects:
 *
 *     {"_txn": "<txn uuid>", "_comment": "...", "_date": ms,
 *      "<Table>": {"<row uuid>": null | {"<column>": <value>, ...}, ...}, ...}
 *
 * `null` deletes the row; an object inserts the row (columns left out take their
 * defaults) or, if the row exists, replaces the columns it names. Ephemeral columns are
 * not logged. A compacted log holds one such record with every row and `"_snapshot": true`.
 */
import { randomUUID } from 'node:crypto';
import { OvsdbError } from './errors.js';
import type { Datum } from './datum.js';
import { datumEquals, datumFromJson, datumToJson, defaultDatum, ZERO_UUID } from './datum.js';
import type { CommitPlan, FinalChange, RefStore } from './integrity.js';
import { forEachRef, indexKey, precommit, strongRefDelta } from './integrity.js';
import { LogFormatError, LogWriter, readLog, replaceLog } from './log.js';
import type { CommitInfo, Row, RowChange } from './row.js';
import { defaultValues } from './row.js';
import type { DbSchema, TableSchema } from './schema.js';
import { parseSchema, SchemaError } from './schema.js';
import type { TxnContext } from './transaction.js';
import { executeOps } from './transaction.js';

export type { CommitInfo, Row, RowChange } from './row.js';
export type { TxnContext } from './transaction.js';

export type TransactOutcome =
  | { readonly kind: 'done'; readonly result: unknown[]; readonly commit?: CommitInfo }
  | { readonly kind: 'blocked' };

export interface DatabaseOptions {
  /** Source of row, version and transaction UUIDs (default: crypto.randomUUID); seed it for reproducible runs. */
  readonly newUuid?: () => string;
  /** Wall-clock milliseconds for the `_date` of log records; without it records carry no date. */
  readonly now?: () => number;
  /** Told about a torn or corrupt tail dropped on recovery (default: ignored; see `recoveryWarnings`). */
  readonly warn?: (message: string) => void;
}

/** A database file that cannot be opened: missing, not a log, or a bad schema record. */
export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

export class Database implements RefStore {
  readonly schema: DbSchema;
  readonly name: string;
  /** Path of the log file, or null in memory. */
  readonly path: string | null;
  /** Warnings from recovery (a dropped torn record), in order. */
  readonly recoveryWarnings: string[] = [];

  readonly #tables = new Map<string, Map<string, Row>>();
  readonly #tableOf = new Map<string, string>();
  readonly #strong = new Map<string, number>();
  readonly #weakIn = new Map<string, Map<string, number>>();
  readonly #indexes = new Map<string, Map<string, string>[]>();
  readonly #listeners = new Set<(c: CommitInfo) => void>();
  readonly #newUuid: () => string;
  readonly #now: (() => number) | undefined;
  #log: LogWriter | null = null;
  #lastTxnId = ZERO_UUID;
  #closed = false;

  private constructor(schema: DbSchema, path: string | null, opts: DatabaseOptions) {
    this.schema = schema;
    this.name = schema.name;
    this.path = path;
    this.#newUuid = opts.newUuid ?? randomUUID;
    this.#now = opts.now;
    for (const t of schema.tables.values()) {
      this.#tables.set(t.name, new Map());
      this.#indexes.set(t.name, t.indexes.map(() => new Map()));
    }
  }

  static inMemory(schema: DbSchema, opts: DatabaseOptions = {}): Database {
    return new Database(schema, null, opts);
  }

  /**
   * Opens a database log, replaying every complete record. A torn or corrupt last record
   * (a crash mid-write) is dropped with a warning and cut from the file.
   */
  static open(path: string, opts: DatabaseOptions = {}): Database {
    let contents;
    try {
      contents = readLog(path);
    } catch (e) {
      if (e instanceof LogFormatError) throw new DatabaseOpenError(`${path}: ${e.message}`);
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new DatabaseOpenError(`${path}: cannot read database (${code})`);
    }
    const first = contents.records[0];
    if (!first) throw new DatabaseOpenError(`${path}: no schema record${contents.problem ? ` (${contents.problem})` : ''}`);
    let schema: DbSchema;
    try {
      schema = parseSchema(first.json);
    } catch (e) {
      if (e instanceof SchemaError) throw new DatabaseOpenError(`${path}: bad schema record: ${e.message}`);
      throw e;
    }
    const db = new Database(schema, path, opts);
    for (let i = 1; i < contents.records.length; i++) {
      const rec = contents.records[i]!;
      try {
        db.#replay(rec.json);
      } catch (e) {
        if (e instanceof OvsdbError || e instanceof TypeError) {
          throw new DatabaseOpenError(`${path}: record at offset ${rec.offset} does not fit the schema: ${e.message}`);
        }
        throw e;
      }
    }
    if (contents.problem) {
      const msg = `${path}: ${contents.problem}; dropped ${contents.fileLength - contents.goodLength} bytes after the last complete record`;
      db.recoveryWarnings.push(msg);
      opts.warn?.(msg);
    }
    db.#log = new LogWriter(path, contents.goodLength);
    return db;
  }

  get lastTxnId(): string {
    return this.#lastTxnId;
  }

  /** Committed rows of a table, by UUID: a live view, read it at once. */
  snapshot(table: string): ReadonlyMap<string, Row> {
    const t = this.#tables.get(table);
    if (!t) throw new Error(`no table ${table} in database ${this.name}`);
    return t;
  }

  /** Registers a listener called after every commit that changed something; returns its remover. */
  onCommit(listener: (c: CommitInfo) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Runs the operations of one `transact` (the params after the database name). The
   * result follows RFC 7047: one element per operation, the failing one's error and nulls
   * after it; a commit that fails its checks adds one more element, the error.
   */
  transact(ops: readonly unknown[], ctx: TxnContext = {}): TransactOutcome {
    if (this.#closed) throw new Error(`database ${this.name} is closed`);
    const ex = executeOps(this, ops, ctx);
    if (ex.kind === 'blocked') return ex;
    const result = ex.results;
    if (ex.error) return { kind: 'done', result };
    let plan: CommitPlan;
    try {
      plan = precommit(this, ex.txn);
    } catch (e) {
      if (!(e instanceof OvsdbError)) throw e;
      result.push(e.toJson());
      return { kind: 'done', result };
    }
    if (plan.changes.length === 0) return { kind: 'done', result };
    const txnId = this.#newUuid();
    if (this.#log) {
      const record = this.#record(plan.changes, txnId, ex.txn.comments);
      if (record) {
        try {
          this.#log.append(record, ex.txn.durable);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? String(e);
          result.push(new OvsdbError('I/O error', `writing ${this.path}: ${code}`).toJson());
          return { kind: 'done', result };
        }
      }
    }
    this.#apply(plan);
    this.#lastTxnId = txnId;
    const commit = commitInfo(plan.changes, txnId, ex.txn.comments);
    let failure: unknown = undefined;
    for (const l of this.#listeners) {
      try {
        l(commit);
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure;
    return { kind: 'done', result, commit };
  }

  /** Rewrites the log as the schema plus one record of every row (atomically). */
  compact(): void {
    if (!this.path || !this.#log) throw new Error('compact: database is in memory');
    const snapshot: Record<string, unknown> = { _txn: this.#lastTxnId, _snapshot: true };
    if (this.#now) snapshot._date = this.#now();
    for (const [name, rows] of this.#tables) {
      if (rows.size === 0) continue;
      const table = this.schema.tables.get(name)!;
      const out: Record<string, unknown> = {};
      for (const row of rows.values()) out[row.uuid] = persistentColumns(table, row, null);
      snapshot[name] = out;
    }
    this.#log.close();
    replaceLog(this.path, [this.schema.json, snapshot]);
    this.#log = new LogWriter(this.path, readLog(this.path).goodLength);
  }

  /** Bytes in the log file (0 in memory). */
  get logLength(): number {
    return this.#log?.length ?? 0;
  }

  close(): void {
    this.#closed = true;
    this.#log?.close();
    this.#log = null;
    this.#listeners.clear();
  }

  // ------------------------------------------------------------ RefStore

  get canBeDurable(): boolean {
    return this.path !== null;
  }

  rows(table: string): ReadonlyMap<string, Row> {
    return this.#tables.get(table)!;
  }

  tableOf(uuid: string): string | undefined {
    return this.#tableOf.get(uuid);
  }

  newUuid(): string {
    return this.#newUuid();
  }

  strongRefs(uuid: string): number {
    return this.#strong.get(uuid) ?? 0;
  }

  weakSources(uuid: string): Iterable<string> {
    return this.#weakIn.get(uuid)?.keys() ?? [];
  }

  indexHolder(table: string, i: number, key: string): string | undefined {
    return this.#indexes.get(table)![i]!.get(key);
  }

  // ------------------------------------------------------------ internals

  #apply(plan: CommitPlan): void {
    for (const ch of plan.changes) {
      const name = ch.table.name;
      const rows = this.#tables.get(name)!;
      const indexes = this.#indexes.get(name)!;
      if (ch.old) {
        ch.table.indexes.forEach((cols, i) => {
          const k = indexKey(ch.old!, cols);
          if (indexes[i]!.get(k) === ch.uuid) indexes[i]!.delete(k);
        });
        forEachRef(ch.table, ch.old, 'weak', (target) => {
          const m = this.#weakIn.get(target);
          if (!m) return;
          const n = (m.get(ch.uuid) ?? 0) - 1;
          if (n > 0) m.set(ch.uuid, n);
          else m.delete(ch.uuid);
          if (m.size === 0) this.#weakIn.delete(target);
        });
      }
      if (ch.new) {
        rows.set(ch.uuid, ch.new);
        this.#tableOf.set(ch.uuid, name);
        ch.table.indexes.forEach((cols, i) => indexes[i]!.set(indexKey(ch.new!, cols), ch.uuid));
        forEachRef(ch.table, ch.new, 'weak', (target) => {
          let m = this.#weakIn.get(target);
          if (!m) this.#weakIn.set(target, (m = new Map()));
          m.set(ch.uuid, (m.get(ch.uuid) ?? 0) + 1);
        });
      } else {
        rows.delete(ch.uuid);
        this.#tableOf.delete(ch.uuid);
        this.#strong.delete(ch.uuid);
      }
    }
    for (const [u, d] of plan.strongDelta) {
      if (d === 0 || !this.#tableOf.has(u)) continue;
      const n = (this.#strong.get(u) ?? 0) + d;
      if (n > 0) this.#strong.set(u, n);
      else this.#strong.delete(u);
    }
  }

  #record(changes: readonly FinalChange[], txnId: string, comments: readonly string[]): Record<string, unknown> | null {
    const rec: Record<string, unknown> = { _txn: txnId };
    if (this.#now) rec._date = this.#now();
    if (comments.length > 0) rec._comment = comments.join('\n');
    let any = false;
    for (const ch of changes) {
      let value: Record<string, unknown> | null;
      if (!ch.new) value = null;
      else {
        value = persistentColumns(ch.table, ch.new, ch.old ? ch.changed ?? [] : null);
        if (ch.old && Object.keys(value).length === 0) continue;
      }
      let t = rec[ch.table.name] as Record<string, unknown> | undefined;
      if (!t) rec[ch.table.name] = t = {};
      t[ch.uuid] = value;
      any = true;
    }
    return any ? rec : null;
  }

  #replay(json: unknown): void {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('record is not a JSON object');
    const rec = json as Record<string, unknown>;
    const changes: FinalChange[] = [];
    const strongDelta = new Map<string, number>();
    const bump = (u: string, n: number): void => void strongDelta.set(u, (strongDelta.get(u) ?? 0) + n);
    for (const [tname, rowsJson] of Object.entries(rec)) {
      if (tname.startsWith('_')) continue;
      const table = this.schema.tables.get(tname);
      if (!table) throw new TypeError(`no table ${tname}`);
      if (typeof rowsJson !== 'object' || rowsJson === null) throw new TypeError(`table ${tname} is not an object`);
      for (const [uuid, rj] of Object.entries(rowsJson as Record<string, unknown>)) {
        const old = this.#tables.get(tname)!.get(uuid) ?? null;
        let neu: Row | null = null;
        if (rj !== null) {
          if (typeof rj !== 'object' || Array.isArray(rj)) throw new TypeError(`row ${uuid} is not an object`);
          const values: Map<string, Datum> = old ? new Map(old.values) : defaultValues(table);
          for (const [cname, v] of Object.entries(rj as Record<string, unknown>)) {
            const col = table.columns.get(cname);
            if (!col || cname.startsWith('_')) throw new TypeError(`no column ${cname} in table ${tname}`);
            values.set(cname, datumFromJson(v, col.type, null));
          }
          neu = { uuid, version: this.#newUuid(), values };
        }
        strongRefDelta(table, old, neu, bump);
        if (old || neu) changes.push({ table, uuid, old, new: neu });
      }
    }
    this.#apply({ changes, strongDelta });
    if (typeof rec._txn === 'string') this.#lastTxnId = rec._txn;
  }
}

/** Columns of `row` to log: all non-default ones (`changed` null) or the changed ones. */
function persistentColumns(table: TableSchema, row: Row, changed: readonly string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (changed) {
    for (const name of changed) {
      const col = table.columns.get(name)!;
      if (!col.ephemeral) out[name] = datumToJson(row.values.get(name)!, col.type);
    }
    return out;
  }
  for (const col of table.userColumns) {
    if (col.ephemeral) continue;
    const d = row.values.get(col.name)!;
    if (!datumEquals(d, defaultDatum(col.type))) out[col.name] = datumToJson(d, col.type);
  }
  return out;
}

function commitInfo(changes: readonly FinalChange[], txnId: string, comments: readonly string[]): CommitInfo {
  const tables = new Map<string, RowChange[]>();
  for (const ch of changes) {
    let list = tables.get(ch.table.name);
    if (!list) tables.set(ch.table.name, (list = []));
    list.push(ch.changed ? { uuid: ch.uuid, old: ch.old, new: ch.new, changed: ch.changed } : { uuid: ch.uuid, old: ch.old, new: ch.new });
  }
  return { txnId, tables, comments };
}

export { OvsdbError };
export type { TableSchema };
