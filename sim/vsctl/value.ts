/**
 * Column values as ovs-vsctl reads and prints them: atoms bare or JSON-quoted, sets as
 * `[a, b]`, maps as `{k=v, k2=v2}` (RFC 7047 values in OVS's own text notation).
 *
 * Parsing follows the rules ovs-vsctl(8) documents: tokens end at any of `:=, []{}!<>`
 * unless quoted or backslash-escaped; brackets are optional except for the empty set or
 * map; booleans accept true/yes/on/1 and false/no/off/0; `@name` stands for a row
 * created with `--id=@name` in the same command line.
 */
import { compareAtoms, checkAtomConstraints, type Atom, type Datum } from '../ovsdb/datum.js';
import { OvsdbError } from '../ovsdb/errors.js';
import { typeToEnglish, type BaseType, type ColumnType } from '../ovsdb/schema.js';

/** A value that does not parse; the message is ovs-vsctl's. */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/** Symbols `@name` → provisional UUIDs of rows created in this command line. */
export interface Symbols {
  resolve(name: string): string;
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuidText(s: string): boolean {
  return UUID_RE.test(s);
}

function needsQuotes(s: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s)) return true;
  return s === 'true' || s === 'false' || isUuidText(s);
}

/** A string as OVS's JSON writer quotes it. */
export function jsonQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A real as C's `%.15g` prints it. */
export function formatReal(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 15) {
    const [m, e] = x.toExponential(14).split('e');
    const mant = m!.includes('.') ? m!.replace(/0+$/, '').replace(/\.$/, '') : m!;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = x.toPrecision(15);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function atomToString(a: Atom, base: BaseType): string {
  switch (base.type) {
    case 'string':
      return needsQuotes(a as string) ? jsonQuote(a as string) : (a as string);
    case 'real':
      return formatReal(a as number);
    default:
      return String(a);
  }
}

export function atomToBare(a: Atom, base: BaseType): string {
  return base.type === 'string' ? (a as string) : atomToString(a, base);
}

/** A datum as `list`, `get` and `show` print it. */
export function datumToString(d: Datum, type: ColumnType): string {
  const isMap = type.value !== undefined;
  const parts = d.keys.map((k, i) =>
    isMap ? `${atomToString(k, type.key)}=${atomToString(d.values![i]!, type.value!)}` : atomToString(k, type.key),
  );
  const body = parts.join(', ');
  if (type.max > 1 || d.keys.length === 0) return isMap ? `{${body}}` : `[${body}]`;
  return body;
}

/** A datum as `--bare` prints it: atoms unquoted, separated by spaces. */
export function datumToBare(d: Datum, type: ColumnType): string {
  const isMap = type.value !== undefined;
  return d.keys
    .map((k, i) => (isMap ? `${atomToBare(k, type.key)}=${atomToBare(d.values![i]!, type.value!)}` : atomToBare(k, type.key)))
    .join(' ');
}

// ------------------------------------------------------------------ parsing

const DELIMS = ':=, []{}!<>';

export function isDelim(c: string | undefined): boolean {
  return c === undefined || DELIMS.includes(c);
}

/** Cuts one token from `s` at `pos`; returns the token and where it ended. */
export function parseToken(s: string, pos: number): { token: string; end: number } {
  let out = '';
  let inQuotes = false;
  let p = pos;
  while (p < s.length) {
    const c = s[p++]!;
    if (c === '\\') {
      if (inQuotes) out += '\\';
      if (p >= s.length) throw new ValueError(`${s.slice(pos)}: backslash at end of argument`);
      out += s[p++];
    } else if (!inQuotes && DELIMS.includes(c)) {
      p--;
      break;
    } else {
      out += c;
      if (c === '"') inQuotes = !inQuotes;
    }
  }
  if (inQuotes) throw new ValueError(`${s.slice(pos)}: quoted string extends past end of argument`);
  return { token: out, end: p };
}

function unquote(s: string): string {
  if (s.length < 2 || !s.endsWith('"')) throw new ValueError(`${s}: missing quote at end of quoted string`);
  try {
    const v: unknown = JSON.parse(s);
    if (typeof v === 'string') return v;
  } catch {
    // fall through
  }
  throw new ValueError(`${s}: syntax error in quoted string`);
}

/** Parses one atom from its text (the contents of a token). */
export function atomFromString(s: string, base: BaseType, symbols: Symbols | null): Atom {
  let a: Atom;
  switch (base.type) {
    case 'integer':
      if (!/^[-+]?\d+$/.test(s)) throw new ValueError(`"${s}" is not a valid integer or range`);
      a = Number.parseInt(s, 10);
      break;
    case 'real': {
      const x = Number(s);
      if (s.trim() === '' || Number.isNaN(x)) throw new ValueError(`"${s}" is not a valid real number`);
      a = x === 0 ? 0 : x;
      break;
    }
    case 'boolean':
      if (['true', 'yes', 'on', '1'].includes(s)) a = true;
      else if (['false', 'no', 'off', '0'].includes(s)) a = false;
      else throw new ValueError(`"${s}" is not a valid boolean (use "true" or "false")`);
      break;
    case 'string':
      if (s === '') throw new ValueError('An empty string is not valid as input; use "" to represent the empty string');
      a = s.startsWith('"') ? unquote(s) : s;
      break;
    case 'uuid':
      if (s.startsWith('@') && symbols !== null) a = symbols.resolve(s);
      else if (isUuidText(s)) a = s.toLowerCase();
      else throw new ValueError(`"${s}" is not a valid UUID`);
      break;
  }
  try {
    checkAtomConstraints(a, base);
  } catch (e) {
    if (e instanceof OvsdbError) throw new ValueError(`constraint violation: ${e.details ?? e.message}`);
    throw e;
  }
  return a;
}

/** Parses a whole value (`a,b`, `[a, b]`, `{k=v}`, …) of `type`. */
export function datumFromString(s: string, type: ColumnType, symbols: Symbols | null): Datum {
  const isMap = type.value !== undefined;
  let p = 0;
  const skip = (): void => {
    while (p < s.length && /\s/.test(s[p]!)) p++;
  };
  skip();
  let endDelim = '';
  if (s[p] === (isMap ? '{' : '[')) {
    endDelim = isMap ? '}' : ']';
    p++;
    skip();
  } else if (p >= s.length) {
    throw new ValueError(isMap ? 'use "{}" to specify the empty map' : 'use "[]" to specify the empty set');
  }
  const m = new Map<Atom, Atom>();
  let n = 0;
  const atEnd = (): boolean => (endDelim === '' ? p >= s.length : p >= s.length || s[p] === endDelim);
  while (!atEnd()) {
    if (isDelim(s[p])) throw new ValueError(`${s}: unexpected "${s[p]}" parsing ${typeToEnglish(type)}`);
    const k = parseToken(s, p);
    p = k.end;
    const key = atomFromString(k.token, type.key, symbols);
    let value: Atom = true;
    if (isMap) {
      skip();
      if (s[p] !== '=') throw new ValueError(`${s.slice(0)}: syntax error at "${s[p] ?? ''}" expecting "="`);
      p++;
      skip();
      const v = parseToken(s, p);
      p = v.end;
      value = atomFromString(v.token, type.value!, symbols);
    }
    if (m.has(key)) throw new ValueError(isMap ? `${s}: map contains duplicate key` : `${s}: set contains duplicate value`);
    m.set(key, value);
    n++;
    skip();
    if (s[p] === ',') {
      p++;
      skip();
    }
  }
  if (endDelim !== '') {
    if (s[p] !== endDelim) throw new ValueError(`${s}: missing "${endDelim}" at end of data`);
    p++;
    skip();
    if (p < s.length) throw new ValueError(`${s}: trailing garbage after "${endDelim}"`);
  }
  const what = isMap ? 'pair(s)' : 'value(s)';
  if (n < type.min) throw new ValueError(`${s}: ${n} ${what} specified but the minimum number is ${type.min}`);
  if (n > type.max) throw new ValueError(`${s}: ${n} ${what} specified but the maximum number is ${type.max}`);
  const keys = [...m.keys()].sort(compareAtoms);
  return isMap ? { keys, values: keys.map((k) => m.get(k)!) } : { keys };
}
