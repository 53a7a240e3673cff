/**
 * Executes the operations of one `transact` (RFC 7047 section 5.2) against a staged view
 * of the database: insert, select, update, mutate, delete, wait, commit, abort, comment,
 * assert. Nothing touches the committed data; the caller checks integrity (integrity.ts)
 * and applies the staged changes when every operation succeeded.
 *
 * Work is proportional to the rows an operation touches: a where clause that pins
 * `_uuid` (as ovs-vsctl's always do) is a lookup, other clauses scan the table.
 */
import type { Datum, SymbolTable } from './datum.js';
import { checkAtomConstraints, datumEquals, datumFromJson, isUuid } from './datum.js';
import { OvsdbError, syntaxError } from './errors.js';
import type { Clause } from './condition.js';
import { applyMutation, parseMutations, parseWhere, pinnedUuid, whereMatches } from './condition.js';
import type { Row } from './row.js';
import { defaultValues, rowGet, rowToJson } from './row.js';
import type { DbSchema, TableSchema } from './schema.js';

/** What a transaction reads from the committed database. */
export interface Store {
  readonly schema: DbSchema;
  /** Committed rows of a table. */
  rows(table: string): ReadonlyMap<string, Row>;
  /** The table holding committed row `uuid`, if any. */
  tableOf(uuid: string): string | undefined;
  newUuid(): string;
  /** False for an in-memory database: "commit" with durable true is then refused. */
  readonly canBeDurable: boolean;
}

export interface TxnContext {
  /** Locks the client holds, for "assert". */
  readonly locks?: ReadonlySet<string>;
  /** Called with the text of each "comment" operation. */
  readonly comment?: (text: string) => void;
  /** Milliseconds since the transaction first blocked on a "wait", for its timeout. */
  readonly elapsedMs?: number;
}

/** A staged change of one row; `old` is the committed row or null, `new` null if deleted. */
export interface Change {
  readonly table: TableSchema;
  readonly uuid: string;
  readonly old: Row | null;
  new: Row | null;
}

/** The staged state of a transaction. */
export class Txn {
  readonly changes = new Map<string, Change>();
  readonly byTable = new Map<string, Map<string, Change>>();
  durable = false;
  readonly comments: string[] = [];

  constructor(readonly store: Store) {}

  /** The row as this transaction sees it. */
  get(table: TableSchema, uuid: string): Row | undefined {
    const c = this.changes.get(uuid);
    if (c) return c.table === table ? (c.new ?? undefined) : undefined;
    return this.store.rows(table.name).get(uuid);
  }

  /** Every row of the table as this transaction sees it. */
  *scan(table: TableSchema): Iterable<Row> {
    const staged = this.byTable.get(table.name);
    for (const [uuid, row] of this.store.rows(table.name)) {
      if (!staged?.has(uuid)) yield row;
    }
    if (staged) for (const c of staged.values()) if (c.new) yield c.new;
  }

  /** True when `uuid` names a row in some table, committed or staged, or a deleted one. */
  uuidInUse(uuid: string): boolean {
    return this.changes.has(uuid) || this.store.tableOf(uuid) !== undefined;
  }

  /** Stages `row` (or its deletion) for `uuid`. */
  put(table: TableSchema, uuid: string, row: Row | null): void {
    let c = this.changes.get(uuid);
    if (!c) {
      c = { table, uuid, old: this.store.rows(table.name).get(uuid) ?? null, new: row };
      this.changes.set(uuid, c);
      let t = this.byTable.get(table.name);
      if (!t) this.byTable.set(table.name, (t = new Map()));
      t.set(uuid, c);
    } else {
      c.new = row;
    }
  }

  /** A new version of `row` with some values replaced. */
  modified(row: Row, values: Map<string, Datum>): Row {
    const c = this.changes.get(row.uuid);
    // One fresh _version per row per transaction.
    const version = c?.new ? c.new.version : this.store.newUuid();
    return { uuid: row.uuid, version, values };
  }
}

export type OpResult = Record<string, unknown>;

/** Operations ran to the end (`error` unset) or stopped at one; or a wait must block. */
export type ExecOutcome =
  | { readonly kind: 'blocked' }
  | { readonly kind: 'done'; readonly results: unknown[]; readonly txn: Txn; readonly error?: OvsdbError };

class Symbols implements SymbolTable {
  readonly #map = new Map<string, { uuid: string; created: boolean }>();
  constructor(readonly newUuid: () => string) {}
  resolve(name: string): string {
    let s = this.#map.get(name);
    if (!s) this.#map.set(name, (s = { uuid: this.newUuid(), created: false }));
    return s.uuid;
  }
  /** Marks `name` as inserted; returns its UUID (or fixes it to `uuid`). */
  create(name: string, uuid: string | undefined): string {
    const s = this.#map.get(name);
    if (s?.created) throw new OvsdbError('duplicate uuid-name', `This "uuid-name" (${name}) appeared on an earlier "insert" operation.`);
    if (!s) {
      const u = uuid ?? this.newUuid();
      this.#map.set(name, { uuid: u, created: true });
      return u;
    }
    // Referenced before its insert: the earlier references already used s.uuid.
    if (uuid !== undefined && uuid !== s.uuid) s.uuid = uuid;
    s.created = true;
    return s.uuid;
  }
}

class Blocked {}

/** Reads the members of one operation object, naming the operation in errors. */
class OpReader {
  constructor(
    readonly op: Record<string, unknown>,
    readonly where: string,
  ) {}
  has(k: string): boolean {
    return this.op[k] !== undefined;
  }
  req(k: string): unknown {
    const v = this.op[k];
    if (v === undefined) throw syntaxError(`${this.where}: Required '${k}' member is missing.`);
    return v;
  }
  str(k: string): string {
    const v = this.req(k);
    if (typeof v !== 'string') throw syntaxError(`${this.where}: Type mismatch for member '${k}'.`);
    return v;
  }
  table(store: Store, k = 'table'): TableSchema {
    const name = this.str(k);
    const t = store.schema.tables.get(name);
    if (!t) throw syntaxError(`${this.where}: No table named ${name}.`);
    return t;
  }
  /** Rejects members the operation does not define, as ovsdb-server does. */
  only(allowed: readonly string[]): void {
    for (const k of Object.keys(this.op)) {
      if (k !== 'op' && !allowed.includes(k)) throw syntaxError(`${this.where}: Member '${k}' is present but not allowed here.`);
    }
  }
}

function parseColumns(json: unknown, table: TableSchema, all: readonly string[]): string[] {
  if (json === undefined) return [...all];
  if (!Array.isArray(json)) throw syntaxError('"columns" must be an array of column names');
  const out: string[] = [];
  for (const c of json) {
    if (typeof c !== 'string') throw syntaxError(`column name ${JSON.stringify(c)} must be a string`);
    if (!table.columns.has(c)) throw new OvsdbError('unknown column', `No column ${c} in table ${table.name}.`);
    if (out.includes(c)) throw syntaxError(`column ${c} appears more than once in "columns"`);
    out.push(c);
  }
  return out;
}

/** Parses a row object; `writable` refuses `_uuid`/`_version` (insert, update). */
function parseRow(json: unknown, table: TableSchema, symtab: SymbolTable, writable: boolean): Map<string, Datum> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw syntaxError('row must be JSON object');
  const out = new Map<string, Datum>();
  for (const [name, v] of Object.entries(json)) {
    const col = table.columns.get(name);
    if (!col) throw new OvsdbError('unknown column', `No column ${name} in table ${table.name}.`);
    if (writable && name.startsWith('_')) {
      throw new OvsdbError('constraint violation', `Cannot write read-only column ${name} in table ${table.name}.`);
    }
    out.set(name, datumFromJson(v, col.type, symtab));
  }
  return out;
}

function allColumnNames(table: TableSchema): string[] {
  return ['_uuid', '_version', ...table.userColumns.map((c) => c.name)];
}

/** Rows matching `where`, as the transaction sees them. */
function query(txn: Txn, table: TableSchema, where: readonly Clause[]): Row[] {
  const pinned = pinnedUuid(where);
  if (pinned !== undefined) {
    const row = txn.get(table, pinned);
    return row && whereMatches(where, row) ? [row] : [];
  }
  const out: Row[] = [];
  for (const row of txn.scan(table)) if (whereMatches(where, row)) out.push(row);
  return out;
}

function projectKey(row: Row, columns: readonly string[]): string {
  let s = '';
  for (const c of columns) {
    const d = rowGet(row, c);
    s += JSON.stringify(d.keys) + (d.values ? JSON.stringify(d.values) : '') + '\u0000';
  }
  return s;
}

type Executor = (r: OpReader, txn: Txn, symtab: Symbols, ctx: TxnContext) => OpResult;

const execInsert: Executor = (r, txn, symtab) => {
  r.only(['table', 'row', 'uuid-name', 'uuid']);
  const table = r.table(txn.store);
  let uuid: string | undefined;
  if (r.has('uuid')) {
    const u = r.req('uuid');
    if (!isUuid(u)) throw syntaxError(`${r.where}: bad uuid ${JSON.stringify(u)}`);
    uuid = u.toLowerCase();
    if (txn.uuidInUse(uuid)) {
      throw new OvsdbError('duplicate uuid', `This UUID (${uuid}) would duplicate a UUID already present within the table or deleted within the same transaction.`);
    }
  }
  if (r.has('uuid-name')) {
    const name = r.str('uuid-name');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw syntaxError(`${r.where}: "uuid-name" ${JSON.stringify(name)} is not an identifier`);
    uuid = symtab.create(name, uuid);
    if (txn.uuidInUse(uuid)) throw new OvsdbError('duplicate uuid', `UUID ${uuid} of "${name}" is already in use.`);
  }
  uuid ??= txn.store.newUuid();
  const given = parseRow(r.req('row'), table, symtab, true);
  const values = defaultValues(table);
  for (const [k, v] of given) values.set(k, v);
  for (const col of table.userColumns) {
    // A default value can break a constraint (an enum without ""), as ovsdb-server checks.
    if (!given.has(col.name)) {
      const d = values.get(col.name)!;
      if (d.keys.length === 1) {
        checkAtomConstraints(d.keys[0]!, col.type.key);
        if (col.type.value) checkAtomConstraints(d.values![0]!, col.type.value);
      }
    }
  }
  txn.put(table, uuid, { uuid, version: txn.store.newUuid(), values });
  return { uuid: ['uuid', uuid] };
};

const execSelect: Executor = (r, txn, symtab) => {
  r.only(['table', 'where', 'columns']);
  const table = r.table(txn.store);
  const where = parseWhere(r.req('where'), table, symtab);
  const columns = parseColumns(r.op.columns, table, allColumnNames(table));
  return { rows: query(txn, table, where).map((row) => rowToJson(row, table, columns)) };
};

const execUpdate: Executor = (r, txn, symtab) => {
  r.only(['table', 'where', 'row']);
  const table = r.table(txn.store);
  const given = parseRow(r.req('row'), table, symtab, true);
  for (const name of given.keys()) {
    if (!table.columns.get(name)!.mutable) {
      throw new OvsdbError('constraint violation', `Cannot update immutable column ${name} in table ${table.name}.`);
    }
  }
  const where = parseWhere(r.req('where'), table, symtab);
  const rows = query(txn, table, where);
  for (const row of rows) {
    let changed = false;
    for (const [k, v] of given) if (!datumEquals(row.values.get(k)!, v)) changed = true;
    if (!changed) continue;
    const values = new Map(row.values);
    for (const [k, v] of given) values.set(k, v);
    txn.put(table, row.uuid, txn.modified(row, values));
  }
  return { count: rows.length };
};

const execMutate: Executor = (r, txn, symtab) => {
  r.only(['table', 'where', 'mutations']);
  const table = r.table(txn.store);
  const where = parseWhere(r.req('where'), table, symtab);
  const mutations = parseMutations(r.req('mutations'), table, symtab);
  const rows = query(txn, table, where);
  for (const row of rows) {
    const values = new Map(row.values);
    for (const m of mutations) values.set(m.column.name, applyMutation(m, values.get(m.column.name)!));
    txn.put(table, row.uuid, txn.modified(row, values));
  }
  return { count: rows.length };
};

const execDelete: Executor = (r, txn, symtab) => {
  r.only(['table', 'where']);
  const table = r.table(txn.store);
  const where = parseWhere(r.req('where'), table, symtab);
  const rows = query(txn, table, where);
  for (const row of rows) txn.put(table, row.uuid, null);
  return { count: rows.length };
};

const execWait: Executor = (r, txn, symtab, ctx) => {
  r.only(['table', 'where', 'columns', 'until', 'rows', 'timeout']);
  let timeout = Infinity;
  if (r.has('timeout')) {
    const t = r.req('timeout');
    if (typeof t !== 'number' || !Number.isInteger(t)) throw syntaxError(`${r.where}: "timeout" must be an integer`);
    if (t < 0) throw syntaxError(`${r.where}: timeout must be nonnegative`);
    timeout = t;
  }
  const table = r.table(txn.store);
  const where = parseWhere(r.req('where'), table, symtab);
  const columns = parseColumns(r.op.columns, table, allColumnNames(table));
  const until = r.str('until');
  if (until !== '==' && until !== '!=') throw syntaxError(`${r.where}: "until" must be "==" or "!="`);
  const rowsJson = r.req('rows');
  if (!Array.isArray(rowsJson)) throw syntaxError(`${r.where}: "rows" must be an array`);
  const expected = new Set<string>();
  for (const rj of rowsJson) {
    const values = defaultValues(table);
    const given = parseRow(rj, table, symtab, false);
    let uuid = '';
    let version = '';
    for (const [k, v] of given) {
      if (k === '_uuid') uuid = v.keys[0] as string;
      else if (k === '_version') version = v.keys[0] as string;
      else values.set(k, v);
    }
    expected.add(projectKey({ uuid, version, values }, columns));
  }
  const actual = new Set(query(txn, table, where).map((row) => projectKey(row, columns)));
  let equal = actual.size === expected.size;
  if (equal) for (const k of actual) if (!expected.has(k)) equal = false;
  if ((until === '==') === equal) return {};
  const elapsed = ctx.elapsedMs ?? 0;
  if (elapsed >= timeout) {
    throw new OvsdbError('timed out', elapsed > 0 ? `"wait" timed out after ${elapsed} ms` : '"where" clause test failed');
  }
  throw new Blocked();
};

const execCommit: Executor = (r, txn) => {
  r.only(['durable']);
  const d = r.req('durable');
  if (typeof d !== 'boolean') throw syntaxError(`${r.where}: "durable" must be a boolean`);
  if (d && !txn.store.canBeDurable) throw new OvsdbError('not supported', 'durable commits are not supported by an in-memory database');
  if (d) txn.durable = true;
  return {};
};

const execAbort: Executor = (r) => {
  r.only([]);
  throw new OvsdbError('aborted', 'aborted by request');
};

const execComment: Executor = (r, txn, _s, ctx) => {
  r.only(['comment']);
  const text = r.str('comment');
  txn.comments.push(text);
  ctx.comment?.(text);
  return {};
};

const execAssert: Executor = (r, _t, _s, ctx) => {
  r.only(['lock']);
  const lock = r.str('lock');
  if (!ctx.locks?.has(lock)) throw new OvsdbError('not owner', `Asserted lock ${lock} not held.`);
  return {};
};

const EXECUTORS: Readonly<Record<string, Executor>> = {
  insert: execInsert,
  select: execSelect,
  update: execUpdate,
  mutate: execMutate,
  delete: execDelete,
  wait: execWait,
  commit: execCommit,
  abort: execAbort,
  comment: execComment,
  assert: execAssert,
};

/**
 * Runs `ops` (the operations of a transact, without the database name). Results follow
 * RFC 7047: one per operation; at the first failure its error object, then nulls.
 */
export function executeOps(store: Store, ops: readonly unknown[], ctx: TxnContext): ExecOutcome {
  const txn = new Txn(store);
  const symtab = new Symbols(() => store.newUuid());
  const results: unknown[] = [];
  let error: OvsdbError | undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const where = `ovsdb operation ${i + 1} of ${ops.length}`;
    try {
      if (typeof op !== 'object' || op === null || Array.isArray(op)) throw syntaxError(`${where}: operation must be a JSON object`);
      const reader = new OpReader(op as Record<string, unknown>, where);
      const name = reader.str('op');
      const exec = Object.hasOwn(EXECUTORS, name) ? EXECUTORS[name] : undefined;
      if (!exec) throw syntaxError(`${where}: No operation "${name}"`);
      results.push(exec(reader, txn, symtab, ctx));
    } catch (e) {
      if (e instanceof Blocked) return { kind: 'blocked' };
      if (!(e instanceof OvsdbError)) throw e;
      error = e;
      results.push(e.toJson());
      break;
    }
  }
  while (results.length < ops.length) results.push(null);
  return error ? { kind: 'done', results, txn, error } : { kind: 'done', results, txn };
}

