/**
 * Tiny builders of capture bytes for the reader's tests: classic pcap in either byte
 * order and unit, and pcapng block by block, so each fixture states exactly the fields
 * it is about (and can be made wrong on purpose).
 */

export interface ClassicRecord {
  readonly seconds: number;
  /** Microseconds or nanoseconds, as the file's unit says. */
  readonly fraction: number;
  readonly data: Uint8Array;
  /** Defaults to data.length. */
  readonly originalLength?: number;
  /** Defaults to data.length; set to lie about the data. */
  readonly capturedLength?: number;
}

export function classicFile(options: {
  little: boolean;
  nano: boolean;
  snaplen?: number;
  linkType?: number;
  records: readonly ClassicRecord[];
}): Uint8Array {
  const size = 24 + options.records.reduce((n, r) => n + 16 + r.data.length, 0);
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  const le = options.little;
  v.setUint32(0, options.nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, options.snaplen ?? 65535, le);
  v.setUint32(20, options.linkType ?? 1, le);
  let o = 24;
  for (const r of options.records) {
    v.setUint32(o, r.seconds, le);
    v.setUint32(o + 4, r.fraction, le);
    v.setUint32(o + 8, r.capturedLength ?? r.data.length, le);
    v.setUint32(o + 12, r.originalLength ?? r.data.length, le);
    b.set(r.data, o + 16);
    o += 16 + r.data.length;
  }
  return b;
}

export interface NgOption {
  readonly code: number;
  readonly value: Uint8Array;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Builds pcapng bytes; each section's byte order is set by its `section()` call. */
export class NgBuilder {
  #parts: Uint8Array[] = [];
  #little = true;

  section(little: boolean, options: readonly NgOption[] = [], version: [number, number] = [1, 0]): this {
    this.#little = little;
    const body = new Uint8Array(16);
    const v = new DataView(body.buffer);
    v.setUint32(0, 0x1a2b3c4d, little);
    v.setUint16(4, version[0], little);
    v.setUint16(6, version[1], little);
    v.setBigInt64(8, -1n, little);
    return this.block(0x0a0d0d0a, concat(body, this.options(options)));
  }

  iface(linkType: number, snaplen: number, options: readonly NgOption[] = []): this {
    const body = new Uint8Array(8);
    const v = new DataView(body.buffer);
    v.setUint16(0, linkType, this.#little);
    v.setUint32(4, snaplen, this.#little);
    return this.block(1, concat(body, this.options(options)));
  }

  enhanced(
    interfaceId: number,
    units: bigint,
    data: Uint8Array,
    extra: { originalLength?: number; capturedLength?: number; options?: readonly NgOption[] } = {},
  ): this {
    const body = new Uint8Array(20 + pad4(data.length));
    const v = new DataView(body.buffer);
    v.setUint32(0, interfaceId, this.#little);
    v.setUint32(4, Number(units >> 32n), this.#little);
    v.setUint32(8, Number(units & 0xffffffffn), this.#little);
    v.setUint32(12, extra.capturedLength ?? data.length, this.#little);
    v.setUint32(16, extra.originalLength ?? data.length, this.#little);
    body.set(data, 20);
    return this.block(6, concat(body, this.options(extra.options ?? [])));
  }

  /** The obsolete Packet Block (type 2): 16-bit interface id and drop count. */
  obsolete(interfaceId: number, units: bigint, data: Uint8Array): this {
    const body = new Uint8Array(20 + pad4(data.length));
    const v = new DataView(body.buffer);
    v.setUint16(0, interfaceId, this.#little);
    v.setUint32(4, Number(units >> 32n), this.#little);
    v.setUint32(8, Number(units & 0xffffffffn), this.#little);
    v.setUint32(12, data.length, this.#little);
    v.setUint32(16, data.length, this.#little);
    body.set(data, 20);
    return this.block(2, body);
  }

  simple(originalLength: number, data: Uint8Array): this {
    const body = new Uint8Array(4 + pad4(data.length));
    new DataView(body.buffer).setUint32(0, originalLength, this.#little);
    body.set(data, 4);
    return this.block(3, body);
  }

  /** Any block: `body` is everything between the length and the trailing length. */
  block(type: number, body: Uint8Array, lengths: { leading?: number; trailing?: number } = {}): this {
    const total = 12 + pad4(body.length);
    const b = new Uint8Array(total);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, this.#little);
    v.setUint32(4, lengths.leading ?? total, this.#little);
    b.set(body, 8);
    v.setUint32(total - 4, lengths.trailing ?? total, this.#little);
    this.#parts.push(b);
    return this;
  }

  /** Raw bytes appended as they are (for cut-off or garbage endings). */
  raw(bytes: Uint8Array): this {
    this.#parts.push(bytes);
    return this;
  }

  options(list: readonly NgOption[]): Uint8Array {
    if (list.length === 0) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    for (const o of [...list, { code: 0, value: new Uint8Array(0) }]) {
      const b = new Uint8Array(4 + pad4(o.value.length));
      const v = new DataView(b.buffer);
      v.setUint16(0, o.code, this.#little);
      v.setUint16(2, o.value.length, this.#little);
      b.set(o.value, 4);
      parts.push(b);
    }
    return concat(...parts);
  }

  /** A 64-bit signed option value in the current section's byte order. */
  int64(value: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, value, this.#little);
    return b;
  }

  bytes(): Uint8Array {
    return concat(...this.#parts);
  }
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A recognisable Ethernet frame of `length` bytes (broadcast, IPv4 type, counting bytes). */
export function frame(length: number, seed = 0): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 7 + seed) & 0xff;
  if (length >= 14) {
    b.fill(0xff, 0, 6);
    b[12] = 0x08;
    b[13] = 0x00;
  }
  return b;
}

export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;
