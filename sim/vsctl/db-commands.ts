/**
 * ovs-vsctl's database commands, which work on any table: get, list, find, set, add,
 * remove, clear, create, destroy. Column and table names may be abbreviated; values use
 * the text notation of value.ts; `--id=@name` names a created row for later references.
 */
import { compareAtoms, compareDatums, datumEquals, datumSubtract, defaultDatum, type Atom, type Datum } from '../ovsdb/datum.js';
import type { IdlRow } from '../ovsdb/client/replica.js';
import type { ColumnSchema, ColumnType, TableSchema } from '../ovsdb/schema.js';
import { getColumn, getRow, getTable, sortedColumns, VsctlError, type VsctlContext } from './context.js';
import type { CommandSpec } from './registry.js';
import type { Cell, OutTable } from './table-format.js';
import { atomFromString, atomToString, datumFromString, datumToString, parseToken, ValueError } from './value.js';

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValueError) throw new VsctlError(e.message);
    throw e;
  }
}

/** `a` with the pairs/elements of `b` added; on a shared key, `winner` decides whose value stays. */
function union(a: Datum, b: Datum, winner: 'a' | 'b' = 'a'): Datum {
  const m = new Map<Atom, Atom>();
  const [first, second] = winner === 'a' ? [b, a] : [a, b];
  first.keys.forEach((k, i) => m.set(k, first.values?.[i] ?? true));
  second.keys.forEach((k, i) => m.set(k, second.values?.[i] ?? true));
  const keys = [...m.keys()].sort(compareAtoms);
  return a.values !== undefined || b.values !== undefined ? { keys, values: keys.map((k) => m.get(k)!) } : { keys };
}

interface ColumnArg {
  readonly column: ColumnSchema;
  readonly key: string | null;
  readonly op: string | null;
  readonly value: string | null;
}

function missingOperator(arg: string, ops: readonly string[]): string {
  let s = `${arg}: argument does not end in "${ops[0]}"`;
  if (ops.length === 2) s += ` or "${ops[1]}"`;
  else if (ops.length > 2) s += `${ops.slice(1, -1).map((o) => `, "${o}"`).join('')}, or "${ops[ops.length - 1]}"`;
  return `${s} followed by a value.`;
}

/** Splits `column[:key][OP value]`, as ovs-vsctl's parse_column_key_value. */
function parseColumnArg(table: TableSchema, arg: string, ops: readonly string[] | null): ColumnArg {
  return wrap(() => {
    const c = parseToken(arg, 0);
    if (c.token === '') throw new VsctlError(`${arg}: missing column name`);
    const column = getColumn(table, c.token);
    let p = c.end;
    let key: string | null = null;
    if (arg[p] === ':') {
      const k = parseToken(arg, p + 1);
      key = k.token;
      p = k.end;
    }
    if (ops === null) {
      if (p < arg.length) throw new VsctlError(`${arg}: trailing garbage "${arg.slice(p)}" in argument`);
      return { column, key, op: null, value: null };
    }
    let best = -1;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (arg.startsWith(op, p) && arg.length > p + op.length && (best < 0 || op.length > ops[best]!.length)) best = i;
    }
    if (best < 0) throw new VsctlError(missingOperator(arg, ops));
    return { column, key, op: ops[best]!, value: arg.slice(p + ops[best]!.length) };
  });
}

function checkMutable(table: TableSchema, column: ColumnSchema, inserted: boolean): void {
  if (!column.mutable && !inserted) throw new VsctlError(`cannot modify read-only column ${column.name} in table ${table.name}`);
}

/** `column[:key]=value` applied to a row (used by set, create and add-port's settings). */
export function setColumn(ctx: VsctlContext, table: TableSchema, uuid: string, arg: string): void {
  const { column, key, value } = parseColumnArg(table, arg, ['=']);
  if (value === null) throw new VsctlError(`${arg}: missing value`);
  checkMutable(table, column, ctx.txn.isInserted(uuid));
  const type = column.type;
  if (key !== null) {
    if (type.value === undefined) throw new VsctlError(`cannot specify key to set for non-map column ${column.name}`);
    const k = wrap(() => atomFromString(key, type.key, ctx.symbols));
    const v = wrap(() => atomFromString(value, type.value!, ctx.symbols));
    const merged = union({ keys: [k], values: [v] }, ctx.read(table.name, uuid, column.name));
    ctx.verify(table.name, uuid, column.name);
    ctx.txn.write(table.name, uuid, column.name, merged);
  } else {
    ctx.txn.write(table.name, uuid, column.name, wrap(() => datumFromString(value, type, ctx.symbols)));
  }
}

function requireRow(ctx: VsctlContext, table: TableSchema, id: string): IdlRow | undefined {
  return getRow(ctx, table, id, !ctx.has('--if-exists'));
}

function isUuidColumnName(s: string): boolean {
  return s.toLowerCase() === '_uuid' || s.toLowerCase() === '-uuid';
}

function get(ctx: VsctlContext): void {
  const [tname, record, ...cols] = ctx.command.args as [string, string, ...string[]];
  const id = ctx.option('--id');
  const mustExist = !ctx.has('--if-exists');
  if (id !== undefined && !mustExist) throw new VsctlError('--if-exists and --id may not be specified together');
  const table = getTable(ctx.schema, tname);
  const row = getRow(ctx, table, record, mustExist);
  if (row === undefined) return;
  if (id !== undefined) {
    const isNew = !ctx.symbols.entries.has(id);
    const sym = ctx.symbols.create(id);
    if (!isNew) throw new VsctlError(`row id "${id}" specified on "get" command was used before it was defined`);
    // The symbol stands for an existing row.
    ctx.symbols.entries.set(id, { ...sym, uuid: row.uuid });
  }
  for (const c of cols) {
    if (isUuidColumnName(c)) {
      ctx.output += `${row.uuid}\n`;
      continue;
    }
    const { column, key } = parseColumnArg(table, c, null);
    ctx.verify(table.name, row.uuid, column.name);
    const d = ctx.read(table.name, row.uuid, column.name);
    if (key !== null) {
      const type = column.type;
      if (type.value === undefined) throw new VsctlError(`cannot specify key to get for non-map column ${column.name}`);
      const k = wrap(() => atomFromString(key, type.key, ctx.symbols));
      const i = d.keys.indexOf(k);
      if (i < 0) {
        if (mustExist) throw new VsctlError(`no key "${key}" in ${table.name} record "${record}" column ${column.name}`);
      } else {
        ctx.output += atomToString(d.values![i]!, type.value);
      }
    } else {
      ctx.output += datumToString(d, column.type);
    }
    ctx.output += '\n';
  }
}

const UUID_TYPE: ColumnType = { key: { type: 'uuid' }, min: 1, max: 1 };

function listColumns(ctx: VsctlContext, table: TableSchema): (ColumnSchema | null)[] {
  const spec = ctx.option('--columns');
  if (spec === undefined) return [null, ...sortedColumns(table)];
  const out: (ColumnSchema | null)[] = [];
  for (const name of spec.split(/[, ]+/).filter((s) => s !== '')) {
    out.push(name.toLowerCase() === '_uuid' ? null : getColumn(table, name));
  }
  if (out.length === 0) throw new VsctlError(`must specify at least one column in "--columns" option`);
  return out;
}

function makeTable(cols: readonly (ColumnSchema | null)[]): OutTable {
  return { headings: cols.map((c) => (c === null ? '_uuid' : c.name)), rows: [] };
}

function record(ctx: VsctlContext, table: TableSchema, row: IdlRow, cols: readonly (ColumnSchema | null)[], out: OutTable): void {
  const cells: Cell[] = cols.map((c) =>
    c === null ? { datum: { keys: [row.uuid] }, type: UUID_TYPE } : { datum: ctx.read(table.name, row.uuid, c.name), type: c.type },
  );
  out.rows.push(cells);
}

function list(ctx: VsctlContext): void {
  const [tname, ...records] = ctx.command.args as [string, ...string[]];
  const table = getTable(ctx.schema, tname);
  const cols = listColumns(ctx, table);
  const out = makeTable(cols);
  ctx.table = out;
  if (records.length > 0) {
    for (const r of records) {
      const row = requireRow(ctx, table, r);
      if (row !== undefined) record(ctx, table, row, cols, out);
    }
  } else {
    for (const row of ctx.txn.rows(table.name)) record(ctx, table, row, cols, out);
  }
}

const RELOPS = ['=', '!=', '<', '>', '<=', '>=', '{=}', '{!=}', '{<}', '{>}', '{<=}', '{>=}', '{in}', '{not-in}'] as const;

function includesAll(a: Datum, b: Datum): boolean {
  // Every element (pair, for maps) of a is in b.
  return a.keys.every((k, i) => {
    const j = b.keys.indexOf(k);
    return j >= 0 && (a.values === undefined || b.values === undefined || a.values[i] === b.values[j]);
  });
}

function excludesAll(a: Datum, b: Datum): boolean {
  return a.keys.every((k, i) => {
    const j = b.keys.indexOf(k);
    return j < 0 || (a.values !== undefined && b.values !== undefined && a.values[i] !== b.values[j]);
  });
}

function relop(a: Datum, b: Datum, op: string): boolean {
  const c = compareDatums(a, b);
  switch (op) {
    case '=':
    case '{=}':
      return c === 0 && datumEquals(a, b);
    case '!=':
    case '{!=}':
      return !(c === 0 && datumEquals(a, b));
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
    case '{<}':
      return b.keys.length > a.keys.length && includesAll(a, b);
    case '{>}':
      return a.keys.length > b.keys.length && includesAll(b, a);
    case '{<=}':
    case '{in}':
      return includesAll(a, b);
    case '{>=}':
      return includesAll(b, a);
    case '{not-in}':
      return excludesAll(a, b);
    default:
      return false;
  }
}

function condition(ctx: VsctlContext, table: TableSchema, row: IdlRow, arg: string): boolean {
  const { column, key, op, value } = parseColumnArg(table, arg, RELOPS);
  if (value === null || op === null) throw new VsctlError(`${arg}: missing value`);
  const have = ctx.read(table.name, row.uuid, column.name);
  if (key !== null) {
    const vt = column.type.value;
    if (vt === undefined) throw new VsctlError(`cannot specify key to check for non-map column ${column.name}`);
    const k = wrap(() => atomFromString(key, column.type.key, ctx.symbols));
    const type: ColumnType = { key: vt, min: 0, max: Infinity };
    const want = wrap(() => datumFromString(value, type, ctx.symbols));
    const i = have.keys.indexOf(k);
    if (i < 0 && !op.startsWith('{')) return false;
    const a: Datum = i < 0 ? { keys: [] } : { keys: [have.values![i]!] };
    return relop(a, want, op);
  }
  const want = wrap(() => datumFromString(value, column.type, ctx.symbols));
  return relop(have, want, op);
}

function find(ctx: VsctlContext): void {
  const [tname, ...conds] = ctx.command.args as [string, ...string[]];
  const table = getTable(ctx.schema, tname);
  const cols = listColumns(ctx, table);
  const out = makeTable(cols);
  ctx.table = out;
  for (const row of ctx.txn.rows(table.name)) {
    if (conds.every((c) => condition(ctx, table, row, c))) record(ctx, table, row, cols, out);
  }
}

function set(ctx: VsctlContext): void {
  const [tname, rec, ...args] = ctx.command.args as [string, string, ...string[]];
  const table = getTable(ctx.schema, tname);
  const row = requireRow(ctx, table, rec);
  if (row === undefined) return;
  for (const a of args) setColumn(ctx, table, row.uuid, a);
  ctx.invalidateCache();
}

function addOrRemove(ctx: VsctlContext, remove: boolean): void {
  const [tname, rec, cname, ...values] = ctx.command.args as [string, string, string, ...string[]];
  const table = getTable(ctx.schema, tname);
  const column = getColumn(table, cname);
  const row = requireRow(ctx, table, rec);
  if (row === undefined) return;
  checkMutable(table, column, ctx.txn.isInserted(row.uuid));
  const type = column.type;
  let d = ctx.read(table.name, row.uuid, column.name);
  for (const v of values) {
    const loose: ColumnType = { ...type, min: 1, max: Infinity };
    if (!remove) {
      // Debian's 3.1 ovs-vsctl lets an added pair replace the value of an existing key.
      d = union(d, wrap(() => datumFromString(v, loose, ctx.symbols)), 'b');
      continue;
    }
    let rm: Datum;
    try {
      rm = datumFromString(v, loose, ctx.symbols);
    } catch (e) {
      if (!(e instanceof ValueError) || type.value === undefined) throw wrapErr(e);
      rm = wrap(() => datumFromString(v, { key: type.key, min: 1, max: Infinity }, ctx.symbols));
    }
    d = datumSubtract(d, rm);
  }
  const what = type.value === undefined ? 'values' : 'pairs';
  if (!remove && d.keys.length > type.max) {
    throw new VsctlError(`"add" operation would put ${d.keys.length} ${what} in column ${column.name} of table ${table.name} but the maximum number is ${type.max}`);
  }
  if (remove && d.keys.length < type.min) {
    throw new VsctlError(`"remove" operation would put ${d.keys.length} ${what} in column ${column.name} of table ${table.name} but the minimum number is ${type.min}`);
  }
  ctx.verify(table.name, row.uuid, column.name);
  ctx.txn.write(table.name, row.uuid, column.name, d);
  ctx.invalidateCache();
}

function wrapErr(e: unknown): unknown {
  return e instanceof ValueError ? new VsctlError(e.message) : e;
}

function clear(ctx: VsctlContext): void {
  const [tname, rec, ...cols] = ctx.command.args as [string, string, ...string[]];
  const table = getTable(ctx.schema, tname);
  const row = requireRow(ctx, table, rec);
  if (row === undefined) return;
  for (const c of cols) {
    const column = getColumn(table, c);
    checkMutable(table, column, ctx.txn.isInserted(row.uuid));
    if (column.type.min > 0) {
      throw new VsctlError(`"clear" operation cannot be applied to column ${column.name} of table ${table.name}, which is not allowed to be empty`);
    }
    ctx.txn.write(table.name, row.uuid, column.name, defaultDatum(column.type));
  }
  ctx.invalidateCache();
}

function create(ctx: VsctlContext): void {
  const [tname, ...args] = ctx.command.args as [string, ...string[]];
  const table = getTable(ctx.schema, tname);
  const id = ctx.option('--id');
  let uuid: string | undefined;
  if (id !== undefined) {
    if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id)) {
      throw new VsctlError(`--id=UUID (persistent UUIDs) is not supported by ovsim vsctl; use --id=@name`);
    }
    uuid = ctx.symbols.create(id).uuid;
  }
  const row = ctx.txn.insert(table.name, {}, uuid === undefined ? {} : { uuid });
  for (const a of args) setColumn(ctx, table, row, a);
  ctx.output = row;
}

function postCreate(ctx: VsctlContext, inserted: ReadonlyMap<string, string>): void {
  ctx.output = `${inserted.get(ctx.output) ?? ctx.output}\n`;
}

function destroy(ctx: VsctlContext): void {
  const [tname, ...records] = ctx.command.args as [string, ...string[]];
  const table = getTable(ctx.schema, tname);
  const all = ctx.has('--all');
  const mustExist = !ctx.has('--if-exists');
  if (all && records.length > 0) throw new VsctlError('--all and records argument should not be specified together');
  if (all && !mustExist) throw new VsctlError('--all and --if-exists should not be specified together');
  if (!all && records.length === 0) return;
  if (all) {
    for (const r of ctx.txn.rows(table.name)) ctx.txn.delete(table.name, r.uuid);
  } else {
    for (const rec of records) {
      const row = getRow(ctx, table, rec, mustExist);
      if (row !== undefined) ctx.txn.delete(table.name, row.uuid);
    }
  }
  ctx.invalidateCache();
}

const INF = Number.POSITIVE_INFINITY;

export const DB_COMMANDS: readonly CommandSpec[] = [
  { name: 'get', min: 2, max: INF, options: ['--if-exists', '--id='], writes: false, run: get },
  { name: 'list', min: 1, max: INF, options: ['--if-exists', '--columns='], writes: false, run: list },
  { name: 'find', min: 1, max: INF, options: ['--columns='], writes: false, run: find },
  { name: 'set', min: 3, max: INF, options: ['--if-exists'], writes: true, run: set },
  { name: 'add', min: 4, max: INF, options: ['--if-exists'], writes: true, run: (c) => addOrRemove(c, false) },
  { name: 'remove', min: 4, max: INF, options: ['--if-exists'], writes: true, run: (c) => addOrRemove(c, true) },
  { name: 'clear', min: 3, max: INF, options: ['--if-exists'], writes: true, run: clear },
  { name: 'create', min: 2, max: INF, options: ['--id='], writes: true, run: create, post: postCreate },
  { name: 'destroy', min: 1, max: INF, options: ['--if-exists', '--all'], writes: true, run: destroy },
];
