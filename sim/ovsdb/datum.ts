/**
 * Values of OVSDB columns: atoms, sets and maps (RFC 7047 section 5.1), with their JSON
 * notation (`<atom>`, `["set", …]`, `["map", …]`, `["uuid", …]`, `["named-uuid", …]`).
 *
 * A Datum is always a sorted set of distinct keys, plus values when the column is a map:
 * a scalar is a set of one, an optional value a set of zero or one. Keeping every value
 * in canonical order makes equality a walk over two arrays and gives JSON in the same
 * order ovsdb-server prints. Atoms carry no type tag: the column type says whether a
 * string is a UUID (kept lowercase, canonical) or a number an integer.
 */
import { OvsdbError, syntaxError } from './errors.js';
import type { AtomicType, BaseType, ColumnType } from './schema.js';
import { typeToEnglish } from './schema.js';

export type Atom = number | boolean | string;

export interface Datum {
  /** Sorted, distinct. */
  readonly keys: readonly Atom[];
  /** Present exactly for map columns, parallel to `keys`. */
  readonly values?: readonly Atom[];
}

/** Resolves `["named-uuid", name]` to the UUID of a row inserted in the same transaction. */
export interface SymbolTable {
  resolve(name: string): string;
}

/** Longest string atom accepted; longer gets "resources exhausted". */
export const MAX_STRING_LENGTH = 1 << 24;
/** Most elements in one set or map; more gets "resources exhausted". */
export const MAX_DATUM_ELEMENTS = 1 << 20;

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID_RE.test(s);
}

export const EMPTY: Datum = Object.freeze({ keys: Object.freeze([]) as readonly Atom[] });
const EMPTY_MAP: Datum = Object.freeze({ keys: Object.freeze([]) as readonly Atom[], values: Object.freeze([]) as readonly Atom[] });

export function compareAtoms(a: Atom, b: Atom): number {
  // Atoms of one column share a type, so plain comparison is a total order: numbers
  // numerically, false < true, strings (and UUIDs) by code unit.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function datumEquals(a: Datum, b: Datum): boolean {
  if (a === b) return true;
  const n = a.keys.length;
  if (n !== b.keys.length) return false;
  for (let i = 0; i < n; i++) if (a.keys[i] !== b.keys[i]) return false;
  if (a.values && b.values) {
    for (let i = 0; i < n; i++) if (a.values[i] !== b.values[i]) return false;
  }
  return true;
}

/** Three-way comparison of datums of one type (used to hash/sort rows and index keys). */
export function compareDatums(a: Datum, b: Datum): number {
  const n = Math.min(a.keys.length, b.keys.length);
  for (let i = 0; i < n; i++) {
    const c = compareAtoms(a.keys[i]!, b.keys[i]!);
    if (c) return c;
    if (a.values && b.values) {
      const v = compareAtoms(a.values[i]!, b.values[i]!);
      if (v) return v;
    }
  }
  return a.keys.length - b.keys.length;
}

function defaultAtom(t: AtomicType): Atom {
  switch (t) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return ZERO_UUID;
  }
}

/** The value a column has when an insert leaves it out (RFC 7047: the type's default). */
export function defaultDatum(t: ColumnType): Datum {
  if (t.min === 0) return t.value ? EMPTY_MAP : EMPTY;
  const k = defaultAtom(t.key.type);
  return t.value ? { keys: [k], values: [defaultAtom(t.value.type)] } : { keys: [k] };
}

/** A datum holding one atom. */
export function scalarDatum(a: Atom): Datum {
  return { keys: [a] };
}

/** Builds a canonical set datum from atoms in any order (duplicates dropped). */
export function setDatum(atoms: Iterable<Atom>): Datum {
  const keys = [...new Set(atoms)].sort(compareAtoms);
  return { keys };
}

/** Builds a canonical map datum from pairs (a later pair with the same key wins). */
export function mapDatum(pairs: Iterable<readonly [Atom, Atom]>): Datum {
  const m = new Map<Atom, Atom>();
  for (const [k, v] of pairs) m.set(k, v);
  const keys = [...m.keys()].sort(compareAtoms);
  return { keys, values: keys.map((k) => m.get(k)!) };
}

/** The single atom of a scalar or optional datum, or undefined when empty. */
export function datumAtom(d: Datum): Atom | undefined {
  return d.keys[0];
}

/** A map datum as a JS Map (for readers such as vswitchd). */
export function datumToMap(d: Datum): Map<Atom, Atom> {
  const m = new Map<Atom, Atom>();
  const vals = d.values ?? [];
  d.keys.forEach((k, i) => m.set(k, vals[i]!));
  return m;
}

// ---------------------------------------------------------------- atoms from JSON

function describe(json: unknown): string {
  const s = JSON.stringify(json) ?? String(json);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function atomFromJson(json: unknown, base: BaseType, symtab: SymbolTable | null): Atom {
  switch (base.type) {
    case 'integer':
      if (typeof json === 'number' && Number.isInteger(json)) return json;
      break;
    case 'real':
      if (typeof json === 'number') return json;
      break;
    case 'boolean':
      if (typeof json === 'boolean') return json;
      break;
    case 'string':
      if (typeof json === 'string') {
        if (json.length > MAX_STRING_LENGTH) {
          throw new OvsdbError('resources exhausted', `string of ${json.length} characters exceeds the limit of ${MAX_STRING_LENGTH}`);
        }
        return json;
      }
      break;
    case 'uuid':
      if (Array.isArray(json) && json.length === 2 && typeof json[1] === 'string') {
        if (json[0] === 'uuid') {
          if (!isUuid(json[1])) throw syntaxError(`${describe(json)} is not a valid UUID`);
          return json[1].toLowerCase();
        }
        if (json[0] === 'named-uuid') {
          if (!symtab) throw syntaxError(`named-uuid ${describe(json[1])} is not allowed here`);
          return symtab.resolve(json[1]);
        }
      }
      break;
  }
  throw syntaxError(`expected ${base.type}, got ${describe(json)}`);
}

/** Checks enum, range, length and refTable-independent constraints of one atom. */
export function checkAtomConstraints(a: Atom, base: BaseType): void {
  if (base.enum) {
    if (!base.enum.includes(a)) {
      throw new OvsdbError('constraint violation', `${describe(a)} is not one of the allowed values (${base.enum.map((e) => describe(e)).join(', ')})`);
    }
    return;
  }
  if (typeof a === 'number') {
    const lo = base.type === 'integer' ? base.minInteger : base.minReal;
    const hi = base.type === 'integer' ? base.maxInteger : base.maxReal;
    if ((lo !== undefined && a < lo) || (hi !== undefined && a > hi)) {
      throw new OvsdbError('constraint violation', `${a} is not in the valid range ${lo ?? '-inf'} to ${hi ?? 'inf'} (inclusive)`);
    }
  } else if (typeof a === 'string' && base.type === 'string') {
    // Lengths count UTF-8 bytes, as ovsdb-server does.
    if (base.minLength !== undefined || base.maxLength !== undefined) {
      const n = Buffer.byteLength(a, 'utf8');
      if ((base.minLength !== undefined && n < base.minLength) || (base.maxLength !== undefined && n > base.maxLength)) {
        throw new OvsdbError('constraint violation', `"${a}" length ${n} is not in the valid range ${base.minLength ?? 0} to ${base.maxLength ?? 'unlimited'} (inclusive)`);
      }
    }
  }
}

function isTaggedArray(json: unknown, tag: string): json is [string, unknown[]] {
  return Array.isArray(json) && json.length === 2 && json[0] === tag && Array.isArray(json[1]);
}

/**
 * Parses a column value in RFC 7047 notation against `type`, checking element counts and
 * atom constraints. Throws OvsdbError ("syntax error", "constraint violation",
 * "resources exhausted").
 */
export function datumFromJson(json: unknown, type: ColumnType, symtab: SymbolTable | null): Datum {
  let datum: Datum;
  if (type.value) {
    if (!isTaggedArray(json, 'map')) throw syntaxError(`expected a map ["map", [[key, value], ...]], got ${describe(json)}`);
    const pairs = json[1];
    if (pairs.length > MAX_DATUM_ELEMENTS) throw new OvsdbError('resources exhausted', `map of ${pairs.length} pairs exceeds the limit of ${MAX_DATUM_ELEMENTS}`);
    const m = new Map<Atom, Atom>();
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) throw syntaxError(`map pair ${describe(p)} is not [key, value]`);
      const k = atomFromJson(p[0], type.key, symtab);
      const v = atomFromJson(p[1], type.value, symtab);
      if (m.has(k)) throw syntaxError(`map contains duplicate key ${describe(p[0])}`);
      checkAtomConstraints(k, type.key);
      checkAtomConstraints(v, type.value);
      m.set(k, v);
    }
    const keys = [...m.keys()].sort(compareAtoms);
    datum = { keys, values: keys.map((k) => m.get(k)!) };
  } else if (isTaggedArray(json, 'set')) {
    const items = json[1];
    if (items.length > MAX_DATUM_ELEMENTS) throw new OvsdbError('resources exhausted', `set of ${items.length} elements exceeds the limit of ${MAX_DATUM_ELEMENTS}`);
    const seen = new Set<Atom>();
    for (const it of items) {
      const a = atomFromJson(it, type.key, symtab);
      if (seen.has(a)) throw syntaxError(`set contains duplicate value ${describe(it)}`);
      checkAtomConstraints(a, type.key);
      seen.add(a);
    }
    datum = { keys: [...seen].sort(compareAtoms) };
  } else {
    const a = atomFromJson(json, type.key, symtab);
    checkAtomConstraints(a, type.key);
    datum = { keys: [a] };
  }
  const n = datum.keys.length;
  if (n < type.min || n > type.max) {
    throw syntaxError(`${typeToEnglish(type)} must have ${type.min} to ${type.max === Infinity ? 'unlimited' : type.max} members but ${n} are present: ${describe(json)}`);
  }
  return datum;
}

// ---------------------------------------------------------------- JSON out

export function atomToJson(a: Atom, base: BaseType): unknown {
  return base.type === 'uuid' ? ['uuid', a] : a;
}

/** RFC 7047 notation of a datum: a bare atom for a one-element set, as ovsdb-server writes. */
export function datumToJson(d: Datum, type: ColumnType): unknown {
  if (type.value) {
    const vt = type.value;
    return ['map', d.keys.map((k, i) => [atomToJson(k, type.key), atomToJson(d.values![i]!, vt)])];
  }
  if (d.keys.length === 1) return atomToJson(d.keys[0]!, type.key);
  return ['set', d.keys.map((k) => atomToJson(k, type.key))];
}

// ---------------------------------------------------------------- set algebra for mutate

/** Keys (and values) of `a` plus those of `b` whose keys `a` lacks. */
export function datumUnion(a: Datum, b: Datum): Datum {
  const keys: Atom[] = [];
  const values: Atom[] | undefined = a.values ? [] : undefined;
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const c = i >= a.keys.length ? 1 : j >= b.keys.length ? -1 : compareAtoms(a.keys[i]!, b.keys[j]!);
    if (c <= 0) {
      keys.push(a.keys[i]!);
      values?.push(a.values![i]!);
      i++;
      if (c === 0) j++;
    } else {
      keys.push(b.keys[j]!);
      values?.push(b.values![j]!);
      j++;
    }
  }
  return values ? { keys, values } : { keys };
}

/**
 * `a` without the elements named by `b`: for a map, `b` either gives keys only (every
 * pair with such a key goes) or pairs (a pair goes only when key and value both match).
 */
export function datumSubtract(a: Datum, b: Datum): Datum {
  const keys: Atom[] = [];
  const values: Atom[] | undefined = a.values ? [] : undefined;
  let j = 0;
  for (let i = 0; i < a.keys.length; i++) {
    const k = a.keys[i]!;
    while (j < b.keys.length && compareAtoms(b.keys[j]!, k) < 0) j++;
    const hit = j < b.keys.length && b.keys[j] === k && (!b.values || !a.values || b.values[j] === a.values[i]);
    if (!hit) {
      keys.push(k);
      values?.push(a.values![i]!);
    }
  }
  return values ? { keys, values } : { keys };
}
