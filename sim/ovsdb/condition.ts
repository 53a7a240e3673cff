/**
 * Conditions ("where" clauses) and mutations of RFC 7047 sections 5.1 and 5.2.4: parsed
 * once against the table schema, then applied row by row.
 */
import type { Atom, Datum, SymbolTable } from './datum.js';
import {
  checkAtomConstraints,
  compareAtoms,
  datumEquals,
  datumFromJson,
  datumSubtract,
  datumUnion,
} from './datum.js';
import { OvsdbError, syntaxError } from './errors.js';
import type { Row } from './row.js';
import { rowGet } from './row.js';
import type { ColumnSchema, ColumnType, TableSchema } from './schema.js';
import { isScalar, typeToEnglish } from './schema.js';

export type ConditionFunction = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'includes' | 'excludes';

export type Clause =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'compare'; readonly column: ColumnSchema; readonly fn: ConditionFunction; readonly arg: Datum };

const FUNCTIONS: readonly string[] = ['<', '<=', '==', '!=', '>=', '>', 'includes', 'excludes'];

function unknownColumn(table: TableSchema, name: unknown): OvsdbError {
  return new OvsdbError('unknown column', `No column ${String(name)} in table ${table.name}.`);
}

export function parseClause(json: unknown, table: TableSchema, symtab: SymbolTable | null): Clause {
  // ovsdb-server also takes a bare boolean: `true` matches every row, `false` none.
  if (typeof json === 'boolean') return { kind: 'const', value: json };
  if (!Array.isArray(json) || json.length !== 3 || typeof json[0] !== 'string' || typeof json[1] !== 'string') {
    throw syntaxError(`Parse error in condition ${JSON.stringify(json)}.`);
  }
  const column = table.columns.get(json[0]);
  if (!column) throw unknownColumn(table, json[0]);
  const fn = json[1];
  if (!FUNCTIONS.includes(fn)) throw syntaxError(`Unknown function "${fn}" in condition.`);
  let type: ColumnType = column.type;
  switch (fn) {
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (type.value || type.max !== 1 || (type.key.type !== 'integer' && type.key.type !== 'real')) {
        throw syntaxError(`Type mismatch: "${fn}" operator may not be applied to column ${column.name} of type ${typeToEnglish(type)}.`);
      }
      type = { ...type, min: 1 };
      break;
    case 'includes':
      if (!isScalar(type)) type = { ...type, min: 0 };
      break;
    case 'excludes':
      if (!isScalar(type)) type = { ...type, min: 0, max: Infinity };
      break;
  }
  return { kind: 'compare', column, fn: fn as ConditionFunction, arg: datumFromJson(json[2], type, symtab) };
}

export function parseWhere(json: unknown, table: TableSchema, symtab: SymbolTable | null): Clause[] {
  if (!Array.isArray(json)) throw syntaxError('"where" must be an array of conditions');
  return json.map((c) => parseClause(c, table, symtab));
}

/** True when every element (pair, for maps) of `sub` is in `sup`. */
function includes(sup: Datum, sub: Datum): boolean {
  let i = 0;
  for (let j = 0; j < sub.keys.length; j++) {
    const k = sub.keys[j]!;
    while (i < sup.keys.length && compareAtoms(sup.keys[i]!, k) < 0) i++;
    if (i >= sup.keys.length || sup.keys[i] !== k) return false;
    if (sup.values && sub.values && sup.values[i] !== sub.values[j]) return false;
  }
  return true;
}

/** True when no element (pair, for maps) of `b` is in `a`. */
function disjoint(a: Datum, b: Datum): boolean {
  let i = 0;
  for (let j = 0; j < b.keys.length; j++) {
    const k = b.keys[j]!;
    while (i < a.keys.length && compareAtoms(a.keys[i]!, k) < 0) i++;
    if (i < a.keys.length && a.keys[i] === k && (!a.values || !b.values || a.values[i] === b.values[j])) return false;
  }
  return true;
}

export function clauseMatches(c: Clause, row: Row): boolean {
  if (c.kind === 'const') return c.value;
  const v = rowGet(row, c.column.name);
  switch (c.fn) {
    case '==':
      return datumEquals(v, c.arg);
    case '!=':
      return !datumEquals(v, c.arg);
    case 'includes':
      return includes(v, c.arg);
    case 'excludes':
      return disjoint(v, c.arg);
    default: {
      // Ordering on an empty optional value is always false.
      if (v.keys.length === 0) return false;
      const x = v.keys[0] as number;
      const y = c.arg.keys[0] as number;
      switch (c.fn) {
        case '<':
          return x < y;
        case '<=':
          return x <= y;
        case '>':
          return x > y;
        case '>=':
          return x >= y;
      }
    }
  }
}

export function whereMatches(where: readonly Clause[], row: Row): boolean {
  for (const c of where) if (!clauseMatches(c, row)) return false;
  return true;
}

/** The UUID a where clause pins the row to (`_uuid == X`), for a lookup instead of a scan. */
export function pinnedUuid(where: readonly Clause[]): string | undefined {
  for (const c of where) {
    if (c.kind === 'compare' && c.column.name === '_uuid' && c.fn === '==') return c.arg.keys[0] as string;
  }
  return undefined;
}

// ---------------------------------------------------------------- mutations

export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';

export interface Mutation {
  readonly column: ColumnSchema;
  readonly mutator: Mutator;
  readonly arg: Datum;
}

const ARITH: readonly string[] = ['+=', '-=', '*=', '/=', '%='];

export function parseMutation(json: unknown, table: TableSchema, symtab: SymbolTable | null): Mutation {
  if (!Array.isArray(json) || json.length !== 3 || typeof json[0] !== 'string' || typeof json[1] !== 'string') {
    throw syntaxError(`Parse error in mutation ${JSON.stringify(json)}.`);
  }
  const column = table.columns.get(json[0]);
  if (!column) throw unknownColumn(table, json[0]);
  if (!column.mutable || column.name.startsWith('_')) {
    throw new OvsdbError('constraint violation', `Cannot mutate immutable column ${column.name} in table ${table.name}.`);
  }
  const m = json[1];
  const t = column.type;
  const mismatch = (): OvsdbError =>
    syntaxError(`Type mismatch: "${m}" mutator may not be applied to column ${column.name} of type ${typeToEnglish(t)}.`);
  if (ARITH.includes(m)) {
    if (t.value || (t.key.type !== 'integer' && t.key.type !== 'real') || (m === '%=' && t.key.type === 'real')) throw mismatch();
    // The argument is a bare number; the column's range applies to the result, not to it.
    const arg = datumFromJson(json[2], { key: { type: t.key.type }, min: 1, max: 1 }, symtab);
    return { column, mutator: m as Mutator, arg };
  }
  if (m === 'insert' || m === 'delete') {
    if (isScalar(t)) throw mismatch();
    const relaxed: ColumnType = { ...t, min: 0, max: m === 'delete' ? Infinity : t.max };
    try {
      return { column, mutator: m, arg: datumFromJson(json[2], relaxed, symtab) };
    } catch (e) {
      // Deleting from a map may name keys only, as a set.
      if (m === 'delete' && t.value) {
        const keysOnly: ColumnType = { key: t.key, min: 0, max: Infinity };
        return { column, mutator: m, arg: datumFromJson(json[2], keysOnly, symtab) };
      }
      throw e;
    }
  }
  throw new OvsdbError('unknown mutator', `No mutator named ${m}.`);
}

export function parseMutations(json: unknown, table: TableSchema, symtab: SymbolTable | null): Mutation[] {
  if (!Array.isArray(json)) throw syntaxError('"mutations" must be an array');
  return json.map((m) => parseMutation(m, table, symtab));
}

function arith(mutator: Mutator, x: number, y: number, integer: boolean): number {
  let r: number;
  switch (mutator) {
    case '+=':
      r = x + y;
      break;
    case '-=':
      r = x - y;
      break;
    case '*=':
      r = x * y;
      break;
    case '/=':
      if (y === 0) throw new OvsdbError('domain error', 'Division by zero.');
      r = integer ? Math.trunc(x / y) : x / y;
      break;
    case '%=':
      if (y === 0) throw new OvsdbError('domain error', 'Division by zero.');
      r = x % y;
      break;
    default:
      throw new Error(`not an arithmetic mutator: ${mutator}`);
  }
  // Integers are JS numbers: beyond 2^53 they stop being exact, so treat that as overflow.
  if (integer ? !Number.isSafeInteger(r) : !Number.isFinite(r)) {
    throw new OvsdbError('range error', `Result of "${mutator}" operation is out of range.`);
  }
  return r === 0 ? 0 : r;
}

/** Applies one mutation to a value, returning the new value; throws the RFC's errors. */
export function applyMutation(m: Mutation, value: Datum): Datum {
  const t = m.column.type;
  if (ARITH.includes(m.mutator)) {
    const y = m.arg.keys[0] as number;
    const out: Atom[] = value.keys.map((x) => arith(m.mutator, x as number, y, t.key.type === 'integer'));
    for (const a of out) checkAtomConstraints(a, t.key);
    const sorted = [...out].sort(compareAtoms);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i] === sorted[i - 1]) {
        throw new OvsdbError('constraint violation', `Result of "${m.mutator}" operation contains duplicates.`);
      }
    }
    return { keys: sorted };
  }
  const out = m.mutator === 'insert' ? datumUnion(value, m.arg) : datumSubtract(value, m.arg);
  if (out.keys.length < t.min || out.keys.length > t.max) {
    throw new OvsdbError('constraint violation', `Attempted to store ${out.keys.length} elements in ${typeToEnglish(t)}.`);
  }
  return out;
}
