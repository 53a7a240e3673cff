/**
 * Reading captures: classic pcap (either byte order, µs or ns) and pcapng, told apart by
 * their first four bytes. `readCapture` streams from a path or a Readable (a capture may
 * be larger than memory); `readCaptureSync` walks a Uint8Array already in memory.
 *
 * @example
 * for await (const rec of readCapture('trace.pcapng', { requireLinkType: LINKTYPE_ETHERNET })) {
 *   port.receive(rec.timestampNs, rec.data);
 * }
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { ChunkReader } from './chunks.js';
import { CLASSIC_MAGICS, decodeClassic } from './classic.js';
import { type DecodeContext, type Decoder, dataView, fail, hex32, makeContext, read } from './decode.js';
import { PcapError } from './error.js';
import { decodePcapng, PCAPNG_SHB_TYPE } from './pcapng.js';
import type { PcapRecord, ReadOptions } from './record.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/** Picks the format from the magic number and decodes the whole capture. */
function* decodeCapture(ctx: DecodeContext): Decoder {
  const magic = yield* read(4);
  if (magic.length === 0) fail(ctx, 0, 'empty file: no pcap or pcapng header');
  if (magic.length < 4) fail(ctx, 0, `truncated file header: ${magic.length} bytes, not a pcap or pcapng file`);
  const word = dataView(magic).getUint32(0, false);
  if (CLASSIC_MAGICS.has(word)) return yield* decodeClassic(ctx, magic);
  if (word === PCAPNG_SHB_TYPE) return yield* decodePcapng(ctx, magic);
  if (word === 0xa1b2cd34 || word === 0x34cdb2a1) {
    fail(ctx, 0, 'modified ("Kuznetsov") pcap format is not supported: convert it with editcap -F pcap');
  }
  if (magic[0] === 0x1f && magic[1] === 0x8b) fail(ctx, 0, 'the file is gzip-compressed: gunzip it first');
  fail(ctx, 0, `bad magic number ${hex32(word)}: not a pcap or pcapng file`);
}

/**
 * The packets of a capture in memory, in file order. Records' `data` are views into
 * `bytes` (no copies): copy them to keep them after `bytes` is reused.
 */
export function* readCaptureSync(bytes: Uint8Array, options: ReadOptions = {}): Generator<PcapRecord, void, undefined> {
  const decoder = decodeCapture(makeContext(options.name ?? '<buffer>', options));
  let pos = 0;
  let answer = EMPTY;
  for (;;) {
    const step = decoder.next(answer);
    if (step.done === true) return;
    if (step.value.kind === 'read') {
      const end = Math.min(bytes.length, pos + step.value.length);
      answer = bytes.subarray(pos, end);
      pos = end;
    } else {
      yield step.value.record;
      answer = EMPTY;
    }
  }
}

/**
 * The packets of a capture file or stream, in file order, read as they are consumed.
 * A path is opened here and closed when iteration ends, early or not; a Readable given
 * in is destroyed when iteration stops early. Errors are PcapErrors naming the file.
 */
export async function* readCapture(
  source: string | Readable,
  options: ReadOptions = {},
): AsyncGenerator<PcapRecord, void, undefined> {
  const name = options.name ?? (typeof source === 'string' ? source : '<stream>');
  const ctx = makeContext(name, options);
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 256 * 1024 }) : source;
  const chunks = new ChunkReader(stream, name);
  try {
    const decoder = decodeCapture(ctx);
    let answer = EMPTY;
    for (;;) {
      const step = decoder.next(answer);
      if (step.done === true) return;
      if (step.value.kind === 'read') {
        answer = await chunks.read(step.value.length);
      } else {
        yield step.value.record;
        answer = EMPTY;
      }
    }
  } catch (err) {
    if (err instanceof PcapError) throw err;
    throw new PcapError(name, null, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await chunks.close();
  }
}
