/**
 * The format-neutral core of the capture reader. A decoder is a generator that asks for
 * bytes (`read`) and hands out records (`record`); it never touches a file or a stream.
 * The synchronous reader answers its reads from a Uint8Array, the streaming reader from
 * a Readable, so both share every line of parsing and every error message.
 *
 * A read is answered with exactly the bytes asked for, or fewer only at the end of the
 * input; the decoder turns a short answer into "truncated ..." with the offset.
 */
import { PcapError } from './error.js';
import { DEFAULT_MAX_PACKET_BYTES, type PcapRecord } from './record.js';

export type DecodeStep =
  | { readonly kind: 'read'; readonly length: number }
  | { readonly kind: 'record'; readonly record: PcapRecord };

export type Decoder<R = void> = Generator<DecodeStep, R, Uint8Array>;

/** What a format decoder needs to know besides the bytes. */
export interface DecodeContext {
  readonly name: string;
  readonly requireLinkType: number | undefined;
  readonly maxPacketBytes: number;
}

export function makeContext(
  name: string,
  options: { requireLinkType?: number; maxPacketBytes?: number },
): DecodeContext {
  const max = options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
  if (!Number.isSafeInteger(max) || max <= 0) {
    throw new PcapError(name, null, `maxPacketBytes must be a positive integer, not ${max}`);
  }
  return { name, requireLinkType: options.requireLinkType, maxPacketBytes: max };
}

/** Asks the driver for `length` bytes. */
export function* read(length: number): Decoder<Uint8Array> {
  return yield { kind: 'read', length };
}

export function fail(ctx: DecodeContext, offset: number, detail: string): never {
  throw new PcapError(ctx.name, offset, detail);
}

export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
