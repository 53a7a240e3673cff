/**
 * Reads capture bytes through both readers — synchronously, and streamed in small
 * chunks so that headers and packets straddle chunk boundaries — and checks that they
 * agree before handing back the records (or the error both threw).
 */
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { PcapError, type PcapRecord, readCapture, readCaptureSync, type ReadOptions } from '../../../native/pcap/index.js';

function chunked(bytes: Uint8Array, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(Buffer.from(bytes.subarray(i, i + size)));
  return Readable.from(chunks);
}

async function collect(it: AsyncIterable<PcapRecord>): Promise<PcapRecord[]> {
  const out: PcapRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

function plain(records: readonly PcapRecord[]): unknown[] {
  return records.map((r) => ({ ...r, data: Array.from(r.data) }));
}

export async function readBoth(bytes: Uint8Array, options: ReadOptions = {}): Promise<PcapRecord[]> {
  const sync = Array.from(readCaptureSync(bytes, options));
  for (const size of [1, 7, 4096]) {
    const streamed = await collect(readCapture(chunked(bytes, size), options));
    expect(plain(streamed)).toEqual(plain(sync));
  }
  return sync;
}

/** The PcapError both readers throw for `bytes` (their messages must be the same). */
export async function errorOfBoth(bytes: Uint8Array, options: ReadOptions): Promise<PcapError> {
  let syncError: unknown;
  try {
    Array.from(readCaptureSync(bytes, options));
  } catch (err) {
    syncError = err;
  }
  expect(syncError).toBeInstanceOf(PcapError);
  for (const size of [1, 7, 4096]) {
    let streamError: unknown;
    try {
      await collect(readCapture(chunked(bytes, size), options));
    } catch (err) {
      streamError = err;
    }
    expect(streamError).toBeInstanceOf(PcapError);
    expect((streamError as PcapError).message).toBe((syncError as PcapError).message);
  }
  return syncError as PcapError;
}
