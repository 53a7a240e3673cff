/**
 * Byte buffers for the OpenFlow codec: a growable big-endian writer and a bounds-checked
 * reader. Every read past the end throws a `WireError` (OFPBRC_BAD_LEN unless the caller
 * names a more precise error), so decoders never index outside the message.
 */
import { WireError, type OfpErrorName } from './errors.js';

export class Writer {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  /** Reserves `n` bytes and returns where they start (call it before touching #buf/#view: it may replace them). */
  #room(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < at + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    this.#len += n;
    return at;
  }

  u8(v: number): this {
    const at = this.#room(1);
    this.#view.setUint8(at, v & 0xff);
    return this;
  }
  u16(v: number): this {
    const at = this.#room(2);
    this.#view.setUint16(at, v & 0xffff);
    return this;
  }
  u32(v: number): this {
    const at = this.#room(4);
    this.#view.setUint32(at, v >>> 0);
    return this;
  }
  u64(v: bigint): this {
    const at = this.#room(8);
    this.#view.setBigUint64(at, BigInt.asUintN(64, v));
    return this;
  }
  /** An unsigned integer of `n` bytes (up to 16), big-endian. */
  uint(v: bigint, n: number): this {
    const at = this.#room(n);
    for (let i = n - 1; i >= 0; i--) {
      this.#buf[at + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.#room(b.length);
    this.#buf.set(b, at);
    return this;
  }
  zeros(n: number): this {
    const at = this.#room(n);
    this.#buf.fill(0, at, this.#len);
    return this;
  }
  /** A NUL-padded fixed-size string field (names, descriptions). */
  str(s: string, n: number): this {
    const b = new TextEncoder().encode(s).subarray(0, n - 1);
    const at = this.#room(n);
    this.#buf.fill(0, at, at + n);
    this.#buf.set(b, at);
    return this;
  }
  /** Pads with zeros to a multiple of `align` counted from `start`. */
  pad(start: number, align = 8): this {
    const rem = (this.#len - start) % align;
    return rem ? this.zeros(align - rem) : this;
  }
  setU16(at: number, v: number): void {
    this.#view.setUint16(at, v & 0xffff);
  }
  setU32(at: number, v: number): void {
    this.#view.setUint32(at, v >>> 0);
  }
  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

// The reader reads bytes directly rather than through a DataView: messages are parsed
// with a sub-reader per TLV, action and instruction, and a view per reader was a tenth
// of the time of decoding a flow-mod.
export class Reader {
  #pos = 0;

  constructor(
    readonly data: Uint8Array,
    /** The error a short read raises. */
    readonly lenError: OfpErrorName = 'OFPBRC_BAD_LEN',
  ) {}

  get pos(): number {
    return this.#pos;
  }
  get remaining(): number {
    return this.data.length - this.#pos;
  }

  #take(n: number, what: string): number {
    if (n < 0 || this.#pos + n > this.data.length) {
      throw new WireError(this.lenError, `${what}: needs ${n} bytes at offset ${this.#pos}, ${this.remaining} left`);
    }
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  u8(what = 'u8'): number {
    return this.data[this.#take(1, what)]!;
  }
  u16(what = 'u16'): number {
    const at = this.#take(2, what);
    return (this.data[at]! << 8) | this.data[at + 1]!;
  }
  u32(what = 'u32'): number {
    return be32(this.data, this.#take(4, what));
  }
  u64(what = 'u64'): bigint {
    const at = this.#take(8, what);
    return (BigInt(be32(this.data, at)) << 32n) | BigInt(be32(this.data, at + 4));
  }
  uint(n: number, what = 'uint'): bigint {
    const at = this.#take(n, what);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.data[at + i]!);
    return v;
  }
  bytes(n: number, what = 'bytes'): Uint8Array {
    const at = this.#take(n, what);
    return this.data.slice(at, at + n);
  }
  skip(n: number, what = 'padding'): void {
    this.#take(n, what);
  }
  /** A NUL-padded string field. */
  str(n: number, what = 'string'): string {
    const b = this.bytes(n, what);
    const end = b.indexOf(0);
    return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
  }
  /** A sub-reader over the next `n` bytes, which are consumed here. */
  sub(n: number, what: string, lenError: OfpErrorName = this.lenError): Reader {
    // A view, not a copy: what a reader hands out to keep (`bytes`) is copied there.
    const at = this.#take(n, what);
    return new Reader(this.data.subarray(at, at + n), lenError);
  }
  rest(): Uint8Array {
    return this.bytes(this.remaining, 'rest');
  }
  peekU16(at = 0): number {
    if (this.#pos + at + 2 > this.data.length) throw new WireError(this.lenError, `peek past the end at offset ${this.#pos + at}`);
    return (this.data[this.#pos + at]! << 8) | this.data[this.#pos + at + 1]!;
  }
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
