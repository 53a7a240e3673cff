/**
 * Classic libpcap files: a 24-byte file header, then records of a 16-byte header plus
 * the packet bytes. The magic number's byte order gives the file's byte order, and its
 * value the timestamp unit: 0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds. Both the
 * decoder and the encoder (used by PcapWriter) live here, side by side.
 */
import { describeLinkType, LINKTYPE_ETHERNET } from './linktype.js';
import { type DecodeContext, type Decoder, dataView, fail, read } from './decode.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;

/** The four magic numbers as read big-endian from the first four bytes of a file. */
export const CLASSIC_MAGICS: ReadonlySet<number> = new Set([
  PCAP_MAGIC_US,
  PCAP_MAGIC_NS,
  0xd4c3b2a1, // microseconds, little-endian file
  0x4d3cb2a1, // nanoseconds, little-endian file
]);

/** The link type sits in the low 26 bits; the upper bits may describe the FCS. */
const LINKTYPE_MASK = 0x03ffffff;

/** Decodes a classic pcap file whose first four bytes (`magic`) were already read. */
export function* decodeClassic(ctx: DecodeContext, magic: Uint8Array): Decoder {
  const word = dataView(magic).getUint32(0, false);
  const little = word === 0xd4c3b2a1 || word === 0x4d3cb2a1;
  const nano = word === PCAP_MAGIC_NS || word === 0x4d3cb2a1;

  const rest = yield* read(PCAP_FILE_HEADER_LEN - 4);
  if (rest.length < PCAP_FILE_HEADER_LEN - 4) {
    fail(ctx, 0, `truncated pcap file header: need ${PCAP_FILE_HEADER_LEN} bytes, have ${4 + rest.length}`);
  }
  const h = dataView(rest);
  const major = h.getUint16(0, little);
  const minor = h.getUint16(2, little);
  if (major !== 2) fail(ctx, 4, `unsupported pcap version ${major}.${minor} (only 2.x exists)`);
  const snaplen = h.getUint32(12, little);
  const linkType = h.getUint32(16, little) & LINKTYPE_MASK;
  if (ctx.requireLinkType !== undefined && linkType !== ctx.requireLinkType) {
    fail(ctx, 20, `capture has link type ${describeLinkType(linkType)}, expected ${describeLinkType(ctx.requireLinkType)}`);
  }

  let pos = PCAP_FILE_HEADER_LEN;
  for (;;) {
    const rh = yield* read(PCAP_RECORD_HEADER_LEN);
    if (rh.length === 0) return;
    if (rh.length < PCAP_RECORD_HEADER_LEN) {
      fail(ctx, pos, `truncated record header: need ${PCAP_RECORD_HEADER_LEN} bytes, have ${rh.length}`);
    }
    const r = dataView(rh);
    const seconds = r.getUint32(0, little);
    const fraction = r.getUint32(4, little);
    const capturedLength = r.getUint32(8, little);
    const originalLength = r.getUint32(12, little);
    if (capturedLength > ctx.maxPacketBytes) {
      fail(ctx, pos, `captured length ${capturedLength} is absurd (limit ${ctx.maxPacketBytes}): corrupt record header`);
    }
    if (snaplen !== 0 && capturedLength > snaplen) {
      fail(ctx, pos, `captured length ${capturedLength} exceeds the file's snapshot length ${snaplen}`);
    }
    const data = yield* read(capturedLength);
    if (data.length < capturedLength) {
      fail(ctx, pos, `truncated record: header promises ${capturedLength} bytes of packet data, the file has ${data.length}`);
    }
    const timestampNs = BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * (nano ? 1n : 1000n);
    yield {
      kind: 'record',
      record: { timestampNs, hasTimestamp: true, capturedLength, originalLength, linkType, data, interfaceId: 0, offset: pos },
    };
    pos += PCAP_RECORD_HEADER_LEN + capturedLength;
  }
}

export type TimestampResolution = 'us' | 'ns';

/** The 24-byte file header, little-endian (the byte order tcpdump writes on x86). */
export function encodeFileHeader(options: {
  resolution: TimestampResolution;
  snaplen: number;
  linkType?: number;
}): Uint8Array {
  const b = new Uint8Array(PCAP_FILE_HEADER_LEN);
  const v = dataView(b);
  v.setUint32(0, options.resolution === 'ns' ? PCAP_MAGIC_NS : PCAP_MAGIC_US, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  // thiszone and sigfigs stay 0, as every modern writer leaves them.
  v.setUint32(16, options.snaplen, true);
  v.setUint32(20, options.linkType ?? LINKTYPE_ETHERNET, true);
  return b;
}

/**
 * One record (header and the first `capturedLength` bytes of `frame`). The caller has
 * checked that the timestamp fits: 0 <= seconds < 2^32.
 */
export function encodeRecord(
  timestampNs: bigint,
  frame: Uint8Array,
  options: { resolution: TimestampResolution; capturedLength: number; originalLength: number },
): Uint8Array {
  const b = new Uint8Array(PCAP_RECORD_HEADER_LEN + options.capturedLength);
  const v = dataView(b);
  const seconds = timestampNs / 1_000_000_000n;
  const nanos = timestampNs % 1_000_000_000n;
  v.setUint32(0, Number(seconds), true);
  v.setUint32(4, Number(options.resolution === 'ns' ? nanos : nanos / 1000n), true);
  v.setUint32(8, options.capturedLength, true);
  v.setUint32(12, options.originalLength, true);
  b.set(frame.subarray(0, options.capturedLength), PCAP_RECORD_HEADER_LEN);
  return b;
}
