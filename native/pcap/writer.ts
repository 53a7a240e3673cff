/**
 * Writing classic pcap files (the format every tool reads): microsecond timestamps by
 * default, nanosecond on request, one link type for the whole file (Ethernet unless
 * told). Frames longer than the snapshot length are cut to it and keep their original
 * length in the record, as tcpdump -s does.
 *
 * @example
 * const w = new PcapWriter('out.pcap');
 * w.write(1_700_000_000_123_456_789n, frame);
 * await w.close();
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { encodeFileHeader, encodeRecord, PCAP_FILE_HEADER_LEN, type TimestampResolution } from './classic.js';
import { describeSystemError, PcapError } from './error.js';
import { LINKTYPE_ETHERNET } from './linktype.js';
import { DEFAULT_MAX_PACKET_BYTES } from './record.js';

export interface PcapWriterOptions {
  /** Timestamp unit in the file: 'us' (default, magic 0xa1b2c3d4) or 'ns' (0xa1b23c4d). */
  readonly resolution?: TimestampResolution;
  /** Longest captured length; longer frames are cut. 1 to 262144, default 262144. */
  readonly snaplen?: number;
  /** LINKTYPE_ value written in the header; Ethernet by default. */
  readonly linkType?: number;
  /** Used in error messages; defaults to the path, or `<stream>`. */
  readonly name?: string;
}

const MAX_SECONDS = 2n ** 32n;

export class PcapWriter {
  readonly name: string;
  readonly resolution: TimestampResolution;
  readonly snaplen: number;
  readonly #sink: Writable;
  #offset = 0;
  #packets = 0;
  #error: PcapError | null = null;
  #closed = false;

  /** Opens (creates or truncates) the file, or takes the Writable, and writes the header. */
  constructor(sink: string | Writable, options: PcapWriterOptions = {}) {
    this.name = options.name ?? (typeof sink === 'string' ? sink : '<stream>');
    this.resolution = options.resolution ?? 'us';
    this.snaplen = options.snaplen ?? DEFAULT_MAX_PACKET_BYTES;
    if (this.resolution !== 'us' && this.resolution !== 'ns') {
      throw new PcapError(this.name, null, `timestamp resolution must be 'us' or 'ns', not '${String(this.resolution)}'`);
    }
    if (!Number.isInteger(this.snaplen) || this.snaplen < 1 || this.snaplen > DEFAULT_MAX_PACKET_BYTES) {
      throw new PcapError(this.name, null, `snaplen must be an integer from 1 to ${DEFAULT_MAX_PACKET_BYTES}, not ${this.snaplen}`);
    }
    const linkType = options.linkType ?? LINKTYPE_ETHERNET;
    if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0x03ffffff) {
      throw new PcapError(this.name, null, `link type must be an integer from 0 to ${0x03ffffff}, not ${linkType}`);
    }
    this.#sink = typeof sink === 'string' ? createWriteStream(sink) : sink;
    this.#sink.on('error', (err: unknown) => {
      this.#error ??= new PcapError(this.name, null, `cannot write: ${describeSystemError(err)}`);
    });
    this.#sink.write(encodeFileHeader({ resolution: this.resolution, snaplen: this.snaplen, linkType }));
    this.#offset = PCAP_FILE_HEADER_LEN;
  }

  /** Packets written so far. */
  get packets(): number {
    return this.#packets;
  }

  /** Bytes handed to the sink so far, header included. */
  get bytesWritten(): number {
    return this.#offset;
  }

  /**
   * Appends one frame captured at `timestampNs` (ns since the epoch; µs files keep the
   * whole microseconds). `originalLength` tells the wire length of a frame that was
   * already cut short. Returns false when the sink's buffer is full: await `drain()`
   * before writing much more.
   */
  write(timestampNs: bigint, frame: Uint8Array, options: { originalLength?: number } = {}): boolean {
    if (this.#error !== null) throw this.#error;
    if (this.#closed) throw new PcapError(this.name, this.#offset, 'write after close');
    if (typeof timestampNs !== 'bigint' || timestampNs < 0n || timestampNs / 1_000_000_000n >= MAX_SECONDS) {
      throw new PcapError(
        this.name,
        this.#offset,
        `timestamp ${String(timestampNs)} ns does not fit in pcap (a bigint from 0 to 2^32 seconds after 1970)`,
      );
    }
    const originalLength = options.originalLength ?? frame.length;
    if (!Number.isInteger(originalLength) || originalLength < frame.length || originalLength > 0xffffffff) {
      throw new PcapError(
        this.name,
        this.#offset,
        `original length ${originalLength} is less than the ${frame.length} bytes given`,
      );
    }
    const capturedLength = Math.min(frame.length, this.snaplen);
    const bytes = encodeRecord(timestampNs, frame, { resolution: this.resolution, capturedLength, originalLength });
    this.#offset += bytes.length;
    this.#packets += 1;
    return this.#sink.write(bytes);
  }

  /** Resolves once the sink can take more without buffering (or at once if it can). */
  async drain(): Promise<void> {
    if (this.#error !== null) throw this.#error;
    if (!this.#sink.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#sink.off('drain', done);
        this.#sink.off('error', done);
        resolve();
      };
      this.#sink.on('drain', done);
      this.#sink.on('error', done);
    });
    if (this.#error !== null) throw this.#error;
  }

  /** Ends the file (or stream) and waits until every byte is written; reports any failure. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink.end();
    try {
      await finished(this.#sink);
    } catch (err) {
      this.#error ??= new PcapError(this.name, null, `cannot write: ${describeSystemError(err)}`);
    }
    if (this.#error !== null) throw this.#error;
  }
}
