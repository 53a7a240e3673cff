/**
 * The durable log of a database: an append-only file of JSON records.
 *
 * Format (ours, not OVS's): each record is a header line, then the JSON text, then "\n":
 *
 *     OVSIM-LOG <length> <crc32>\n<json>\n
 *
 * `<length>` is the byte length of `<json>` in decimal and `<crc32>` its CRC-32 in eight
 * lowercase hex digits. The first record is the schema; each later one holds the changes
 * of one committed transaction (see database.ts for their shape). A crash may leave the
 * last record torn; reading stops at the first record whose header, length, checksum or
 * JSON is wrong, and the writer truncates the file there before appending again, so
 * every complete record survives and no partial one is ever read back.
 *
 * Compaction rewrites the file as schema + one snapshot record into a temporary file,
 * syncs it and renames it over the old one, so a crash leaves either file, never a mix.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, ftruncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

const MAGIC = 'OVSIM-LOG';

export function encodeRecord(json: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(json), 'utf8');
  const sum = (crc32(body) >>> 0).toString(16).padStart(8, '0');
  const header = Buffer.from(`${MAGIC} ${body.length} ${sum}\n`, 'latin1');
  return Buffer.concat([header, body, Buffer.from('\n')]);
}

export interface LogRecord {
  /** Byte offset of the record's header in the file. */
  readonly offset: number;
  readonly json: unknown;
}

export interface LogContents {
  readonly records: LogRecord[];
  /** Bytes of the file that hold complete records. */
  readonly goodLength: number;
  /** Size of the file as read. */
  readonly fileLength: number;
  /** Why reading stopped before the end of the file, if it did. */
  readonly problem?: string;
}

/** A file that is not a log at all (as opposed to one with a torn tail). */
export class LogFormatError extends Error {
  override readonly name = 'LogFormatError';
}

const HEADER_RE = /^OVSIM-LOG (\d{1,12}) ([0-9a-f]{8})$/;

/** Parses every complete record of a log image. */
export function parseLog(data: Buffer): LogContents {
  const records: LogRecord[] = [];
  let pos = 0;
  let problem: string | undefined;
  while (pos < data.length) {
    const nl = data.indexOf(0x0a, pos);
    // A header is short: no newline in the next 40 bytes means a torn or foreign header.
    if (nl < 0 || nl - pos > 40) {
      problem = `incomplete record header at offset ${pos}`;
      break;
    }
    const m = HEADER_RE.exec(data.toString('latin1', pos, nl));
    if (!m) {
      problem = `bad record header at offset ${pos}`;
      break;
    }
    const len = Number(m[1]);
    const start = nl + 1;
    const end = start + len;
    if (end + 1 > data.length) {
      problem = `record at offset ${pos} is truncated (${data.length - start} of ${len + 1} bytes)`;
      break;
    }
    const body = data.subarray(start, end);
    if ((crc32(body) >>> 0).toString(16).padStart(8, '0') !== m[2] || data[end] !== 0x0a) {
      problem = `record at offset ${pos} fails its checksum`;
      break;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      problem = `record at offset ${pos} is not valid JSON`;
      break;
    }
    records.push({ offset: pos, json });
    pos = end + 1;
  }
  if (records.length === 0 && data.length > 0) {
    const head = data.toString('latin1', 0, Math.min(data.length, MAGIC.length + 1));
    if (!`${MAGIC} `.startsWith(head)) throw new LogFormatError('not an ovsim database log (no OVSIM-LOG header)');
  }
  const out: LogContents = { records, goodLength: pos, fileLength: data.length };
  return problem === undefined ? out : { ...out, problem };
}

/** Reads and parses a log file; throws the fs error if it cannot be read. */
export function readLog(path: string): LogContents {
  return parseLog(readFileSync(path));
}

function syncDir(path: string): void {
  // Makes a rename or a new file's directory entry durable; not every platform allows it.
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** Creates a new log holding `records`; fails with EEXIST if `path` exists. */
export function createLog(path: string, records: readonly unknown[]): void {
  const fd = openSync(path, 'wx');
  try {
    for (const r of records) writeSync(fd, encodeRecord(r));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDir(path);
}

/** Replaces the log at `path` with `records`, atomically (write, sync, rename). */
export function replaceLog(path: string, records: readonly unknown[]): void {
  const tmp = `${path}.tmp~`;
  const fd = openSync(tmp, 'w');
  try {
    for (const r of records) writeSync(fd, encodeRecord(r));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncDir(path);
}

/** Appends records to an existing log. */
export class LogWriter {
  #fd: number;
  #length: number;

  /** Opens `path` for appending after its first `goodLength` bytes, cutting off the rest. */
  constructor(
    readonly path: string,
    goodLength: number,
  ) {
    this.#fd = openSync(path, 'r+');
    ftruncateSync(this.#fd, goodLength);
    this.#length = goodLength;
  }

  get length(): number {
    return this.#length;
  }

  /** Writes one record; with `sync`, returns only once it is on stable storage. */
  append(json: unknown, sync: boolean): void {
    const buf = encodeRecord(json);
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off, this.#length + off);
    this.#length += buf.length;
    if (sync) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
  }
}
