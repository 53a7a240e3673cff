/**
 * A client transaction built against the replica, as OVS's IDL builds them: reads see the
 * transaction's own writes, `verify` turns a read into a `wait` op (so a concurrent
 * change makes the server refuse the whole transaction and the caller retries on the
 * newer replica), writes become `update`s of whole columns, new rows become `insert`s
 * named by `uuid-name` and referred to as `["named-uuid", …]`, and an optional counter
 * increment becomes `mutate` + `select` (how ovs-vsctl bumps `next_cfg`).
 *
 * Deleting a row of a non-root table sends nothing: the server garbage-collects rows that
 * nothing refers to, which is what the IDL of OVS relies on too.
 */
import { datumEquals, defaultDatum, type Atom, type Datum } from '../datum.js';
import type { Json } from '../jsonrpc.js';
import type { BaseType, ColumnType, DbSchema, TableSchema } from '../schema.js';
import { IdlRow, type Replica } from './replica.js';

/** What the transaction needs from its IDL. */
export interface TxnHost {
  readonly db: string;
  readonly schema: DbSchema;
  readonly replica: Replica;
  /** A fresh UUID for a row this transaction inserts (replaced by the server's). */
  newUuid(): string;
  /** The lock the IDL holds for its transactions (an `assert` op), or null. */
  readonly assertLock: string | null;
  transact(ops: Json[]): Promise<Json>;
}

export type TxnStatus = 'success' | 'unchanged' | 'try-again' | 'error' | 'not-locked';

export interface TxnResult {
  readonly status: TxnStatus;
  /** The server's complaint when `status` is 'error' (JSON text of its error object). */
  readonly error?: string;
  /** Provisional UUID of each inserted row → the UUID the server gave it. */
  readonly inserted: ReadonlyMap<string, string>;
  /** The counter's new value, after an `increment`. */
  readonly increment?: number;
}

/** A mutation for `mutate`: [column, mutator, argument]. */
export type Mutation = readonly [column: string, mutator: string, value: Datum];

interface TxnRow {
  readonly table: string;
  readonly uuid: string;
  readonly base: IdlRow | null;
  readonly written: Map<string, Datum>;
  readonly verified: Set<string>;
  readonly mutations: Mutation[];
  deleted: boolean;
}

/** A misuse of the transaction API (unknown table or column, row not found). */
export class IdlTxnError extends Error {
  override readonly name = 'IdlTxnError';
}

/** The named-uuid of an inserted row, in the form OVS uses ("row" + UUID with underscores). */
export function rowName(uuid: string): string {
  return `row${uuid.replace(/-/g, '_')}`;
}

function isObject(j: Json | undefined): j is { [key: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

export class IdlTransaction {
  readonly #host: TxnHost;
  readonly #rows = new Map<string, TxnRow>();
  readonly #inserted = new Set<string>();
  readonly #extraWaits: Json[] = [];
  #comments: string[] = [];
  #increment: { table: string; uuid: string; column: string } | null = null;
  #done = false;

  constructor(host: TxnHost) {
    this.#host = host;
  }

  #table(name: string): TableSchema {
    const t = this.#host.schema.tables.get(name);
    if (t === undefined) throw new IdlTxnError(`no table ${name} in database ${this.#host.db}`);
    return t;
  }

  #column(table: string, column: string): ColumnType {
    const c = this.#table(table).columns.get(column);
    if (c === undefined) throw new IdlTxnError(`table ${table} has no column ${column}`);
    return c.type;
  }

  #key(table: string, uuid: string): string {
    return `${table}/${uuid}`;
  }

  #touch(table: string, uuid: string): TxnRow {
    const k = this.#key(table, uuid);
    let r = this.#rows.get(k);
    if (r === undefined) {
      const base = this.#host.replica.row(table, uuid) ?? null;
      if (base === null) throw new IdlTxnError(`no row ${uuid} in table ${table}`);
      r = { table, uuid, base, written: new Map(), verified: new Set(), mutations: [], deleted: false };
      this.#rows.set(k, r);
    }
    return r;
  }

  /** Whether the row exists as this transaction sees it. */
  exists(table: string, uuid: string): boolean {
    const r = this.#rows.get(this.#key(table, uuid));
    if (r !== undefined) return !r.deleted;
    return this.#host.replica.row(table, uuid) !== undefined;
  }

  /** True when `uuid` names a row this transaction inserts. */
  isInserted(uuid: string): boolean {
    return this.#inserted.has(uuid);
  }

  /** A column's value as this transaction sees it. */
  read(table: string, uuid: string, column: string): Datum {
    const r = this.#rows.get(this.#key(table, uuid));
    const w = r?.written.get(column);
    if (w !== undefined) return w;
    const base = r?.base ?? this.#host.replica.row(table, uuid);
    if (base !== undefined && base !== null) return base.get(column);
    return defaultDatum(this.#column(table, column));
  }

  /** A row as this transaction sees it, or undefined when absent or deleted. */
  row(table: string, uuid: string): IdlRow | undefined {
    if (!this.exists(table, uuid)) return undefined;
    const r = this.#rows.get(this.#key(table, uuid));
    const base = r?.base ?? this.#host.replica.row(table, uuid) ?? null;
    if (r === undefined || r.written.size === 0) {
      if (base !== null) return base;
    }
    const cols = new Map<string, Datum>();
    if (base !== null) for (const [c, d] of base.columns) cols.set(c, d);
    else for (const c of this.#table(table).userColumns) cols.set(c.name, defaultDatum(c.type));
    if (r !== undefined) for (const [c, d] of r.written) cols.set(c, d);
    return new IdlRow(table, uuid, cols);
  }

  /** Rows of a table as this transaction sees them: the replica's, then inserted ones. */
  rows(table: string): IdlRow[] {
    this.#table(table);
    const out: IdlRow[] = [];
    for (const uuid of this.#host.replica.rows(table).keys()) {
      const row = this.row(table, uuid);
      if (row !== undefined) out.push(row);
    }
    for (const r of this.#rows.values()) {
      if (r.table === table && r.base === null && !r.deleted) out.push(this.row(table, r.uuid)!);
    }
    return out;
  }

  /** Makes the commit fail with "try again" if the column changed since the replica read it. */
  verify(table: string, uuid: string, column: string): void {
    this.#column(table, column);
    const r = this.#touch(table, uuid);
    if (r.base !== null) r.verified.add(column);
  }

  /** Sets a whole column. */
  write(table: string, uuid: string, column: string, value: Datum): void {
    const type = this.#column(table, column);
    const r = this.#touch(table, uuid);
    if (r.deleted) throw new IdlTxnError(`row ${uuid} in table ${table} was deleted in this transaction`);
    if (value.values === undefined && type.value !== undefined) value = { keys: value.keys, values: [] };
    r.written.set(column, value);
  }

  /** Inserts a row; returns its provisional UUID (usable in references and reads). */
  insert(table: string, values: Readonly<Record<string, Datum>> = {}, opts: { uuid?: string } = {}): string {
    this.#table(table);
    const uuid = opts.uuid ?? this.#host.newUuid();
    this.#rows.set(this.#key(table, uuid), {
      table,
      uuid,
      base: null,
      written: new Map(),
      verified: new Set(),
      mutations: [],
      deleted: false,
    });
    this.#inserted.add(uuid);
    for (const [c, d] of Object.entries(values)) this.write(table, uuid, c, d);
    return uuid;
  }

  /** Deletes a row (of a non-root table: only drops it from this view; the server collects it). */
  delete(table: string, uuid: string): void {
    const k = this.#key(table, uuid);
    const r = this.#rows.get(k);
    if (r !== undefined && r.base === null) {
      this.#rows.delete(k);
      this.#inserted.delete(uuid);
      return;
    }
    this.#touch(table, uuid).deleted = true;
  }

  /** Partial update sent as a `mutate` op (not reflected in reads). */
  mutate(table: string, uuid: string, mutations: readonly Mutation[]): void {
    for (const [c] of mutations) this.#column(table, c);
    this.#touch(table, uuid).mutations.push(...mutations);
  }

  /** Adds a raw `wait` op (table, where, columns, until, rows as RFC 7047 writes them). */
  wait(op: { table: string; where: Json[]; columns?: string[]; until: '==' | '!='; rows: Json[]; timeout?: number }): void {
    this.#table(op.table);
    const w: { [k: string]: Json } = { op: 'wait', table: op.table, timeout: op.timeout ?? 0, where: op.where, until: op.until, rows: op.rows };
    if (op.columns !== undefined) w.columns = op.columns;
    this.#extraWaits.push(w);
  }

  /** Increments an integer column on commit (if anything else changes) and reports the new value. */
  increment(table: string, uuid: string, column: string): void {
    this.#column(table, column);
    this.#increment = { table, uuid, column };
  }

  comment(text: string): void {
    this.#comments.push(text);
  }

  #atomJson(a: Atom, base: BaseType): Json {
    if (base.type !== 'uuid') return a;
    const u = a as string;
    return this.#inserted.has(u) ? ['named-uuid', rowName(u)] : ['uuid', u];
  }

  /** RFC 7047 notation, with references to rows of this transaction as named-uuids. */
  datumJson(d: Datum, type: ColumnType): Json {
    if (type.value !== undefined) {
      const vt = type.value;
      return ['map', d.keys.map((k, i) => [this.#atomJson(k, type.key), this.#atomJson(d.values![i]!, vt)])];
    }
    if (d.keys.length === 1) return this.#atomJson(d.keys[0]!, type.key);
    return ['set', d.keys.map((k) => this.#atomJson(k, type.key))];
  }

  #where(uuid: string): Json[] {
    // A row inserted by this transaction is named as its insert named it.
    return [['_uuid', '==', this.#inserted.has(uuid) ? ['named-uuid', rowName(uuid)] : ['uuid', uuid]]];
  }

  /** The ops this transaction would send, and whether any of them changes something. */
  buildOps(): { ops: Json[]; anyUpdates: boolean; incrementIndex: number } {
    const ops: Json[] = [];
    const lock = this.#host.assertLock;
    if (lock !== null) ops.push({ op: 'assert', lock });
    for (const r of this.#rows.values()) {
      if (r.base === null || r.verified.size === 0) continue;
      const cols = [...r.verified];
      const row: { [k: string]: Json } = {};
      for (const c of cols) row[c] = this.datumJson(r.base.get(c), this.#column(r.table, c));
      ops.push({ op: 'wait', table: r.table, timeout: 0, where: this.#where(r.uuid), until: '==', columns: cols, rows: [row] });
    }
    ops.push(...this.#extraWaits);
    let anyUpdates = false;
    for (const r of this.#rows.values()) {
      const ts = this.#table(r.table);
      if (r.deleted) {
        if (ts.isRoot) {
          ops.push({ op: 'delete', table: r.table, where: this.#where(r.uuid) });
          anyUpdates = true;
        }
        continue;
      }
      const row: { [k: string]: Json } = {};
      let n = 0;
      for (const [c, d] of r.written) {
        const type = this.#column(r.table, c);
        if (r.base === null ? datumEquals(d, defaultDatum(type)) : datumEquals(d, r.base.get(c))) continue;
        row[c] = this.datumJson(d, type);
        n++;
      }
      if (r.base === null) {
        ops.push({ op: 'insert', table: r.table, 'uuid-name': rowName(r.uuid), row });
        anyUpdates = true;
      } else if (n > 0) {
        ops.push({ op: 'update', table: r.table, where: this.#where(r.uuid), row });
        anyUpdates = true;
      }
      if (r.mutations.length > 0) {
        const mutations = r.mutations.map(([c, m, d]) => {
          const type = this.#column(r.table, c);
          const loose: ColumnType = { ...type, min: 0, max: Infinity };
          return [c, m, this.datumJson(d, loose)] as Json;
        });
        ops.push({ op: 'mutate', table: r.table, where: this.#where(r.uuid), mutations });
        anyUpdates = true;
      }
    }
    let incrementIndex = -1;
    if (this.#increment !== null && anyUpdates) {
      const { table, uuid, column } = this.#increment;
      ops.push({ op: 'mutate', table, where: this.#where(uuid), mutations: [[column, '+=', 1]] });
      incrementIndex = ops.length;
      ops.push({ op: 'select', table, where: this.#where(uuid), columns: [column] });
    }
    for (const c of this.#comments) ops.push({ op: 'comment', comment: c });
    return { ops, anyUpdates, incrementIndex };
  }

  /** Sends the transaction; resolves with its outcome (never rejects for a refused transaction). */
  async commit(): Promise<TxnResult> {
    if (this.#done) throw new IdlTxnError('transaction already committed');
    this.#done = true;
    const { ops, anyUpdates, incrementIndex } = this.buildOps();
    if (!anyUpdates) return { status: 'unchanged', inserted: new Map() };
    const reply = await this.#host.transact(ops);
    const inserted = new Map<string, string>();
    if (!Array.isArray(reply)) return { status: 'error', error: `bad transact reply ${JSON.stringify(reply)}`, inserted };
    for (let i = 0; i < reply.length; i++) {
      const res = reply[i];
      if (!isObject(res) || res.error === undefined || res.error === null) continue;
      const op = ops[i];
      const opName = isObject(op) ? op.op : undefined;
      if (opName === 'wait' && res.error === 'timed out') return { status: 'try-again', inserted };
      if (opName === 'assert' && res.error === 'not owner') return { status: 'not-locked', inserted };
      return { status: 'error', error: JSON.stringify(res), inserted };
    }
    if (reply.length < ops.length) return { status: 'error', error: 'transaction reply is missing results', inserted };
    ops.forEach((op, i) => {
      const res = reply[i];
      if (isObject(op) && op.op === 'insert' && isObject(res) && Array.isArray(res.uuid)) {
        const name = op['uuid-name'] as string;
        for (const u of this.#inserted) if (rowName(u) === name) inserted.set(u, res.uuid[1] as string);
      }
    });
    let increment: number | undefined;
    if (incrementIndex >= 0) {
      const sel = reply[incrementIndex];
      const rows = isObject(sel) ? sel.rows : undefined;
      const first = Array.isArray(rows) ? rows[0] : undefined;
      const v = isObject(first) ? first[this.#increment!.column] : undefined;
      if (typeof v === 'number') increment = v;
    }
    return increment === undefined ? { status: 'success', inserted } : { status: 'success', inserted, increment };
  }
}
