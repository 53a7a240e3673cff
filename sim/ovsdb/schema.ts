/**
 * Database schemas (RFC 7047 section 3.2): tables, columns and column types with their
 * constraints, parsed and checked once so transactions only look things up.
 *
 * Every table gets the two implicit columns `_uuid` and `_version`, read-only, as in the
 * RFC. `DbSchema.json` keeps the schema as it was read, which `get_schema` returns and
 * the log stores as its first record.
 */
import type { Atom } from './datum.js';

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';

export interface BaseType {
  readonly type: AtomicType;
  /** Allowed values, sorted; undefined when any value is allowed. */
  readonly enum?: readonly Atom[];
  readonly minInteger?: number;
  readonly maxInteger?: number;
  readonly minReal?: number;
  readonly maxReal?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly refTable?: string;
  readonly refType?: 'strong' | 'weak';
}

export interface ColumnType {
  readonly key: BaseType;
  readonly value?: BaseType;
  readonly min: 0 | 1;
  /** `Infinity` for "unlimited". */
  readonly max: number;
}

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly mutable: boolean;
  readonly ephemeral: boolean;
}

export interface TableSchema {
  readonly name: string;
  /** Every column, `_uuid` and `_version` included. */
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  /** The columns a client may write: all but `_uuid` and `_version`, in schema order. */
  readonly userColumns: readonly ColumnSchema[];
  readonly isRoot: boolean;
  readonly maxRows: number;
  readonly indexes: readonly (readonly string[])[];
  /** Columns whose key or value refers to rows: the ones reference counting visits. */
  readonly refColumns: readonly ColumnSchema[];
}

export interface DbSchema {
  readonly name: string;
  readonly version: string;
  readonly cksum?: string;
  readonly tables: ReadonlyMap<string, TableSchema>;
  /** The schema's JSON as given. */
  readonly json: unknown;
}

/** A schema that does not follow RFC 7047; the message names the offending part. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

const ATOMIC_TYPES: readonly string[] = ['integer', 'real', 'boolean', 'string', 'uuid'];
const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkMembers(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new SchemaError(`${where}: unknown member "${k}"`);
  }
}

function optNumber(obj: Record<string, unknown>, k: string, where: string, integer: boolean): number | undefined {
  const v = obj[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || (integer && !Number.isInteger(v))) {
    throw new SchemaError(`${where}: "${k}" must be ${integer ? 'an integer' : 'a number'}`);
  }
  return v;
}

function parseEnumAtoms(json: unknown, type: AtomicType, where: string): Atom[] {
  // An enum is written as an <atom> or ["set", [atoms]].
  let items: unknown[];
  if (Array.isArray(json) && json[0] === 'set' && Array.isArray(json[1])) items = json[1] as unknown[];
  else items = [json];
  const out: Atom[] = [];
  for (const it of items) {
    const ok =
      (type === 'string' && typeof it === 'string') ||
      (type === 'integer' && typeof it === 'number' && Number.isInteger(it)) ||
      (type === 'real' && typeof it === 'number') ||
      (type === 'boolean' && typeof it === 'boolean');
    if (!ok) throw new SchemaError(`${where}: enum value ${JSON.stringify(it)} is not a ${type}`);
    out.push(it as Atom);
  }
  return [...new Set(out)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function parseBaseType(json: unknown, where: string): BaseType {
  if (typeof json === 'string') {
    if (!ATOMIC_TYPES.includes(json)) throw new SchemaError(`${where}: unknown atomic type "${json}"`);
    return { type: json as AtomicType };
  }
  if (!isObject(json)) throw new SchemaError(`${where}: base type must be a string or an object`);
  checkMembers(
    json,
    ['type', 'enum', 'minInteger', 'maxInteger', 'minReal', 'maxReal', 'minLength', 'maxLength', 'refTable', 'refType'],
    where,
  );
  const t = json.type;
  if (typeof t !== 'string' || !ATOMIC_TYPES.includes(t)) {
    throw new SchemaError(`${where}: unknown atomic type ${JSON.stringify(t)}`);
  }
  const type = t as AtomicType;
  const base: {
    -readonly [K in keyof BaseType]: BaseType[K];
  } = { type };
  if (json.enum !== undefined) base.enum = parseEnumAtoms(json.enum, type, where);
  base.minInteger = optNumber(json, 'minInteger', where, true);
  base.maxInteger = optNumber(json, 'maxInteger', where, true);
  base.minReal = optNumber(json, 'minReal', where, false);
  base.maxReal = optNumber(json, 'maxReal', where, false);
  base.minLength = optNumber(json, 'minLength', where, true);
  base.maxLength = optNumber(json, 'maxLength', where, true);
  if (json.refTable !== undefined) {
    if (type !== 'uuid') throw new SchemaError(`${where}: refTable is only for uuid types`);
    if (typeof json.refTable !== 'string') throw new SchemaError(`${where}: refTable must be a table name`);
    base.refTable = json.refTable;
    const rt = json.refType ?? 'strong';
    if (rt !== 'strong' && rt !== 'weak') throw new SchemaError(`${where}: refType must be "strong" or "weak"`);
    base.refType = rt;
  } else if (json.refType !== undefined) {
    throw new SchemaError(`${where}: refType without refTable`);
  }
  for (const k of Object.keys(base) as (keyof BaseType)[]) if (base[k] === undefined) delete base[k];
  return base;
}

export function parseColumnType(json: unknown, where: string): ColumnType {
  if (typeof json === 'string') return { key: parseBaseType(json, where), min: 1, max: 1 };
  if (!isObject(json)) throw new SchemaError(`${where}: type must be a string or an object`);
  checkMembers(json, ['key', 'value', 'min', 'max'], where);
  if (json.key === undefined) throw new SchemaError(`${where}: type lacks "key"`);
  const key = parseBaseType(json.key, where);
  const value = json.value === undefined ? undefined : parseBaseType(json.value, where);
  const min = json.min ?? 1;
  if (min !== 0 && min !== 1) throw new SchemaError(`${where}: "min" must be 0 or 1`);
  const maxJ = json.max ?? 1;
  let max: number;
  if (maxJ === 'unlimited') max = Infinity;
  else if (typeof maxJ === 'number' && Number.isInteger(maxJ) && maxJ >= 1) max = maxJ;
  else throw new SchemaError(`${where}: "max" must be a positive integer or "unlimited"`);
  if (min > max) throw new SchemaError(`${where}: "min" exceeds "max"`);
  return value ? { key, value, min, max } : { key, min, max };
}

const UUID_COLUMN: ColumnSchema = { name: '_uuid', type: { key: { type: 'uuid' }, min: 1, max: 1 }, mutable: false, ephemeral: false };
const VERSION_COLUMN: ColumnSchema = { ...UUID_COLUMN, name: '_version' };

function parseTable(name: string, json: unknown): TableSchema {
  const where = `table ${name}`;
  if (!ID.test(name) || name.startsWith('_')) throw new SchemaError(`${where}: bad table name`);
  if (!isObject(json)) throw new SchemaError(`${where}: must be an object`);
  checkMembers(json, ['columns', 'maxRows', 'isRoot', 'indexes'], where);
  if (!isObject(json.columns)) throw new SchemaError(`${where}: "columns" must be an object`);
  const columns = new Map<string, ColumnSchema>([
    ['_uuid', UUID_COLUMN],
    ['_version', VERSION_COLUMN],
  ]);
  const userColumns: ColumnSchema[] = [];
  for (const [cname, cj] of Object.entries(json.columns)) {
    const cwhere = `${where} column ${cname}`;
    if (!ID.test(cname) || cname.startsWith('_')) throw new SchemaError(`${cwhere}: bad column name`);
    if (!isObject(cj)) throw new SchemaError(`${cwhere}: must be an object`);
    checkMembers(cj, ['type', 'ephemeral', 'mutable'], cwhere);
    const col: ColumnSchema = {
      name: cname,
      type: parseColumnType(cj.type, cwhere),
      mutable: cj.mutable !== false,
      ephemeral: cj.ephemeral === true,
    };
    columns.set(cname, col);
    userColumns.push(col);
  }
  const maxRows = json.maxRows === undefined ? Infinity : json.maxRows;
  if (typeof maxRows !== 'number' || maxRows < 1) throw new SchemaError(`${where}: "maxRows" must be a positive integer`);
  const indexes: string[][] = [];
  if (json.indexes !== undefined) {
    if (!Array.isArray(json.indexes)) throw new SchemaError(`${where}: "indexes" must be an array`);
    for (const ix of json.indexes) {
      if (!Array.isArray(ix) || ix.length === 0) throw new SchemaError(`${where}: an index must be a non-empty array of column names`);
      for (const c of ix) {
        if (typeof c !== 'string' || !columns.has(c)) throw new SchemaError(`${where}: index names unknown column ${JSON.stringify(c)}`);
        if (columns.get(c)?.ephemeral) throw new SchemaError(`${where}: index on ephemeral column ${c}`);
      }
      indexes.push([...ix] as string[]);
    }
  }
  const refColumns = userColumns.filter((c) => c.type.key.refTable !== undefined || c.type.value?.refTable !== undefined);
  return {
    name,
    columns,
    userColumns,
    isRoot: json.isRoot === true,
    maxRows,
    indexes,
    refColumns,
  };
}

/** Parses and checks a schema; throws SchemaError naming what is wrong. */
export function parseSchema(json: unknown): DbSchema {
  if (!isObject(json)) throw new SchemaError('schema must be a JSON object');
  checkMembers(json, ['name', 'version', 'cksum', 'tables', 'doc'], 'schema');
  if (typeof json.name !== 'string' || !ID.test(json.name)) throw new SchemaError('schema: "name" must be an identifier');
  const version = json.version ?? '0.0.0';
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new SchemaError('schema: "version" must look like x.y.z');
  }
  if (json.cksum !== undefined && typeof json.cksum !== 'string') throw new SchemaError('schema: "cksum" must be a string');
  if (!isObject(json.tables)) throw new SchemaError('schema: "tables" must be an object');
  const tables = new Map<string, TableSchema>();
  for (const [name, tj] of Object.entries(json.tables)) tables.set(name, parseTable(name, tj));
  for (const t of tables.values()) {
    for (const c of t.refColumns) {
      for (const b of [c.type.key, c.type.value]) {
        if (b?.refTable !== undefined && !tables.has(b.refTable)) {
          throw new SchemaError(`table ${t.name} column ${c.name}: refTable ${b.refTable} is not a table`);
        }
      }
    }
  }
  const schema: DbSchema = { name: json.name, version, tables, json };
  return json.cksum === undefined ? schema : { ...schema, cksum: json.cksum };
}

/** True when values of this type are a single atom (min = max = 1, no value). */
export function isScalar(t: ColumnType): boolean {
  return t.min === 1 && t.max === 1 && t.value === undefined;
}

/** The English name of a type, for error details ("set of up to 4 integers"). */
export function typeToEnglish(t: ColumnType): string {
  const k = t.key.type;
  if (t.value) return `map from ${k} to ${t.value.type}`;
  if (isScalar(t)) return k;
  if (t.min === 0 && t.max === 1) return `optional ${k}`;
  return `set of ${t.max === Infinity ? '' : `up to ${t.max} `}${k}s`;
}
