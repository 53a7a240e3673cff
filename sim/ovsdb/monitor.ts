/**
 * Monitors: what a client asked to watch (tables, columns, which kinds of change, and for
 * `monitor_cond` a condition per table) and the table-updates it is owed, first for the
 * rows already there, then for each commit.
 *
 * Three notations, by the method that made the monitor:
 *   - `monitor` (RFC 7047, "update"): a row change is `{"old": …, "new": …}` — `new` with
 *     every monitored column, `old` only with those that changed (all of them for a delete);
 *   - `monitor_cond` ("update2") and `monitor_cond_since` ("update3"): `initial` and
 *     `insert` carry the columns that differ from their defaults, `delete` is null, and
 *     `modify` carries only the changed columns as *diffs*: for a set, the elements added
 *     or removed; for a map, the pairs removed (old value), added, or changed (new value).
 *
 * With a condition, a modified row that starts or stops matching is reported as an
 * insert or a delete, as ovsdb-server(7) describes.
 */
import { OvsdbError } from './errors.js';
import type { Atom, Datum } from './datum.js';
import { compareAtoms, datumEquals, datumToJson, defaultDatum } from './datum.js';
import { type Clause, clauseMatches, parseClause } from './condition.js';
import type { Json } from './jsonrpc.js';
import type { CommitInfo, Row, RowChange } from './row.js';
import { rowGet } from './row.js';
import type { ColumnSchema, DbSchema, TableSchema } from './schema.js';
import { isScalar } from './schema.js';

export type MonitorVersion = 1 | 2 | 3;

interface Select {
  initial: boolean;
  insert: boolean;
  delete: boolean;
  modify: boolean;
}


interface TableMonitor {
  readonly table: TableSchema;
  readonly columns: ColumnSchema[];
  readonly select: Select;
  /** Any clause matching selects a row; null is "every row". */
  condition: Clause[] | null;
}

export type TableUpdates = { [table: string]: { [uuid: string]: Json } };

/** A monitor error with the offending JSON, as ovsdb-server reports it (`syntax` member). */
export class MonitorRequestError extends OvsdbError {
  constructor(
    details: string,
    readonly syntax: Json | undefined,
  ) {
    super('syntax error', details);
  }
}

function isObject(j: Json | undefined): j is { [k: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

function parseMonitorClause(table: TableSchema, json: Json): Clause {
  try {
    return parseClause(json, table, null);
  } catch (e) {
    if (e instanceof OvsdbError) throw new MonitorRequestError(e.details, json);
    throw e;
  }
}

function matches(tm: TableMonitor, row: Row): boolean {
  if (tm.condition === null) return true;
  for (const c of tm.condition) if (clauseMatches(c, row)) return true;
  return false;
}

function parseCondition(table: TableSchema, where: Json): Clause[] | null {
  if (!Array.isArray(where)) throw new MonitorRequestError('"where" must be an array of conditions', where);
  // An empty list is "true": every row (ovsdb-server(7), monitor_cond).
  if (where.length === 0) return null;
  return where.map((c) => parseMonitorClause(table, c));
}

function parseBool(obj: { [k: string]: Json }, key: string, where: string): boolean {
  const v = obj[key];
  if (v === undefined) return true;
  if (typeof v !== 'boolean') throw new MonitorRequestError(`${where}: "${key}" must be a boolean`, obj);
  return v;
}

/** Changes in a datum as update2 "modify" reports them. */
export function datumDiff(oldD: Datum, newD: Datum, col: ColumnSchema): Datum {
  if (isScalar(col.type)) return newD;
  const keys: Atom[] = [];
  const values: Atom[] | undefined = col.type.value ? [] : undefined;
  let i = 0;
  let j = 0;
  const ok = oldD.keys;
  const nk = newD.keys;
  while (i < ok.length || j < nk.length) {
    const c = i >= ok.length ? 1 : j >= nk.length ? -1 : compareAtoms(ok[i]!, nk[j]!);
    if (c < 0) {
      keys.push(ok[i]!);
      values?.push(oldD.values![i]!);
      i++;
    } else if (c > 0) {
      keys.push(nk[j]!);
      values?.push(newD.values![j]!);
      j++;
    } else {
      if (values && oldD.values![i] !== newD.values![j]) {
        keys.push(nk[j]!);
        values.push(newD.values![j]!);
      }
      i++;
      j++;
    }
  }
  return values ? { keys, values } : { keys };
}

export class Monitor {
  readonly version: MonitorVersion;
  readonly #schema: DbSchema;
  readonly #tables: TableMonitor[];
  /**
   * Equal for two monitors that send the same updates for every commit (same version,
   * same requests, same condition changes since): the server computes and encodes an
   * update once per commit for all of them.
   */
  #signature = '';

  get signature(): string {
    return this.#signature;
  }

  private constructor(schema: DbSchema, version: MonitorVersion, tables: TableMonitor[]) {
    this.#schema = schema;
    this.version = version;
    this.#tables = tables;
  }

  /** Parses `<monitor-requests>` (or `<monitor-cond-requests>`); throws MonitorRequestError. */
  static create(schema: DbSchema, requests: Json, version: MonitorVersion): Monitor {
    if (!isObject(requests)) throw new MonitorRequestError('monitor-requests must be object', requests);
    const tables: TableMonitor[] = [];
    for (const [name, value] of Object.entries(requests)) {
      const table = schema.tables.get(name);
      if (table === undefined) throw new MonitorRequestError(`no table named ${name}`, undefined);
      const tm: TableMonitor = {
        table,
        columns: [],
        select: { initial: false, insert: false, delete: false, modify: false },
        condition: null,
      };
      let sawCondition = false;
      const conditions: Clause[] = [];
      for (const req of Array.isArray(value) ? value : [value]) {
        const where = `table ${name}`;
        if (!isObject(req)) throw new MonitorRequestError(`${where}: a monitor request must be an object`, req);
        for (const k of Object.keys(req)) {
          if (k !== 'columns' && k !== 'select' && !(k === 'where' && version !== 1)) {
            throw new MonitorRequestError(`Parsing ${where} failed: Member '${k}' is present but not allowed here.`, req);
          }
        }
        const sel = req.select;
        let select: Select = { initial: true, insert: true, delete: true, modify: true };
        if (sel !== undefined) {
          if (!isObject(sel)) throw new MonitorRequestError(`${where}: "select" must be an object`, req);
          for (const k of Object.keys(sel)) {
            if (!['initial', 'insert', 'delete', 'modify'].includes(k)) {
              throw new MonitorRequestError(`Parsing ${where} select failed: Member '${k}' is present but not allowed here.`, sel);
            }
          }
          select = {
            initial: parseBool(sel, 'initial', where),
            insert: parseBool(sel, 'insert', where),
            delete: parseBool(sel, 'delete', where),
            modify: parseBool(sel, 'modify', where),
          };
        }
        for (const k of ['initial', 'insert', 'delete', 'modify'] as const) tm.select[k] ||= select[k];
        const cols = req.columns;
        let named: ColumnSchema[];
        if (cols === undefined) {
          named = [...table.columns.values()].filter((c) => c.name !== '_uuid');
        } else {
          if (!Array.isArray(cols)) throw new MonitorRequestError('array of column names expected', cols);
          named = cols.map((c) => {
            if (typeof c !== 'string') throw new MonitorRequestError('array of column names expected', cols);
            const col = table.columns.get(c);
            if (col === undefined) throw new MonitorRequestError(`${c} is not a valid column name`, cols);
            return col;
          });
        }
        for (const col of named) {
          if (tm.columns.includes(col)) throw new MonitorRequestError(`column ${col.name} mentioned more than once`, cols ?? null);
          tm.columns.push(col);
        }
        if (req.where !== undefined) {
          sawCondition = true;
          const c = parseCondition(table, req.where);
          if (c === null) conditions.push({ kind: 'const', value: true });
          else conditions.push(...c);
        }
      }
      if (sawCondition) tm.condition = conditions;
      tables.push(tm);
    }
    const monitor = new Monitor(schema, version, tables);
    monitor.#signature = `${version}:${JSON.stringify(requests)}`;
    return monitor;
  }

  /** Table names this monitor watches. */
  get tableNames(): string[] {
    return this.#tables.map((t) => t.table.name);
  }

  /** The rows already in the database, for the reply to the monitor request. */
  initial(snapshot: (table: string) => ReadonlyMap<string, Row>): TableUpdates {
    const out: TableUpdates = {};
    for (const tm of this.#tables) {
      if (!tm.select.initial) continue;
      const rows: { [uuid: string]: Json } = {};
      let any = false;
      for (const row of snapshot(tm.table.name).values()) {
        if (!matches(tm, row)) continue;
        rows[row.uuid] = this.version === 1 ? { new: this.#full(tm, row) } : { initial: this.#nonDefault(tm, row) };
        any = true;
      }
      if (any) out[tm.table.name] = rows;
    }
    return out;
  }

  /** What one commit means to this monitor, or null when nothing it watches changed. */
  update(commit: CommitInfo): TableUpdates | null {
    let out: TableUpdates | null = null;
    for (const tm of this.#tables) {
      const changes = commit.tables.get(tm.table.name);
      if (changes === undefined || changes.length === 0) continue;
      let rows: { [uuid: string]: Json } | null = null;
      for (const ch of changes) {
        const u = this.#rowUpdate(tm, ch);
        if (u === null) continue;
        rows ??= {};
        rows[ch.uuid] = u;
      }
      if (rows !== null) {
        out ??= {};
        out[tm.table.name] = rows;
      }
    }
    return out;
  }

  /**
   * Replaces the conditions of the tables named in `<monitor-cond-update-requests>` and
   * returns the rows that enter (insert) or leave (delete) the monitored set.
   */
  changeConditions(requests: Json, snapshot: (table: string) => ReadonlyMap<string, Row>): TableUpdates | null {
    if (!isObject(requests)) throw new MonitorRequestError('monitor-cond-change-requests must be object', undefined);
    this.#signature += `|${JSON.stringify(requests)}`;
    const changes: [TableMonitor, Clause[] | null][] = [];
    for (const [name, value] of Object.entries(requests)) {
      const tm = this.#tables.find((t) => t.table.name === name);
      if (tm === undefined) {
        throw new MonitorRequestError(`no table named ${name}${this.#hasSchemaTable(name) ? ' in monitor session' : ''}`, undefined);
      }
      if (!Array.isArray(value)) throw new MonitorRequestError(`table ${name} no monitor-cond-change JSON array`, undefined);
      let cond: Clause[] | null = tm.condition;
      for (const req of value) {
        if (!isObject(req)) throw new MonitorRequestError(`table ${name}: a request must be an object`, req);
        for (const k of Object.keys(req)) {
          if (k !== 'columns' && k !== 'where') {
            throw new MonitorRequestError(`Parsing table ${name} failed: Member '${k}' is present but not allowed here.`, req);
          }
        }
        if (req.columns !== undefined) throw new MonitorRequestError('changing columns is unsupported', req);
        if (req.where !== undefined) cond = parseCondition(tm.table, req.where);
      }
      changes.push([tm, cond]);
    }
    let out: TableUpdates | null = null;
    for (const [tm, cond] of changes) {
      const before = { ...tm, condition: tm.condition };
      tm.condition = cond;
      const rows: { [uuid: string]: Json } = {};
      let any = false;
      for (const row of snapshot(tm.table.name).values()) {
        const was = matches(before, row);
        const is = matches(tm, row);
        if (was === is) continue;
        rows[row.uuid] = is ? this.#inserted(tm, row) : this.#deleted(tm, row);
        any = true;
      }
      if (any) {
        out ??= {};
        out[tm.table.name] = rows;
      }
    }
    return out;
  }

  #hasSchemaTable(name: string): boolean {
    return this.#schema.tables.has(name);
  }

  #rowUpdate(tm: TableMonitor, ch: RowChange): Json | null {
    const { old: o, new: n } = ch;
    const oldIn = o !== null && matches(tm, o);
    const newIn = n !== null && matches(tm, n);
    if (oldIn && newIn) return tm.select.modify ? this.#modified(tm, o!, n!, ch.changed) : null;
    if (newIn) return tm.select.insert ? this.#inserted(tm, n!) : null;
    if (oldIn) return tm.select.delete ? this.#deleted(tm, o!) : null;
    return null;
  }

  #inserted(tm: TableMonitor, row: Row): Json {
    return this.version === 1 ? { new: this.#full(tm, row) } : { insert: this.#nonDefault(tm, row) };
  }

  #deleted(tm: TableMonitor, row: Row): Json {
    return this.version === 1 ? { old: this.#full(tm, row) } : { delete: null };
  }

  #modified(tm: TableMonitor, o: Row, n: Row, changed: readonly string[] | undefined): Json | null {
    const diffCols = tm.columns.filter((c) =>
      c.name === '_version' ? o.version !== n.version : changed ? changed.includes(c.name) : !datumEquals(rowGet(o, c.name), rowGet(n, c.name)),
    );
    if (diffCols.length === 0) return null;
    if (this.version === 1) {
      const old: { [k: string]: Json } = {};
      for (const c of diffCols) old[c.name] = datumToJson(rowGet(o, c.name), c.type) as Json;
      return { new: this.#full(tm, n), old };
    }
    const mod: { [k: string]: Json } = {};
    for (const c of diffCols) mod[c.name] = datumToJson(datumDiff(rowGet(o, c.name), rowGet(n, c.name), c), c.type) as Json;
    return { modify: mod };
  }

  #full(tm: TableMonitor, row: Row): { [k: string]: Json } {
    const out: { [k: string]: Json } = {};
    for (const c of tm.columns) out[c.name] = datumToJson(rowGet(row, c.name), c.type) as Json;
    return out;
  }

  #nonDefault(tm: TableMonitor, row: Row): { [k: string]: Json } {
    const out: { [k: string]: Json } = {};
    for (const c of tm.columns) {
      const d = rowGet(row, c.name);
      if (c.name !== '_version' && datumEquals(d, defaultDatum(c.type))) continue;
      out[c.name] = datumToJson(d, c.type) as Json;
    }
    return out;
  }
}

