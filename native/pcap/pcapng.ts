/**
 * pcapng files (what Wireshark and dumpcap write): a sequence of blocks, each framed by
 * its type and a total length that is repeated at its end. A Section Header Block opens
 * each section and fixes its byte order; Interface Description Blocks declare, in order,
 * the interfaces (link type, snapshot length, timestamp unit and offset) that packet
 * blocks refer to by index. A new section starts a new list of interfaces.
 *
 * Read here: Section Header, Interface Description, Enhanced Packet, Simple Packet and
 * the obsolete Packet Block. Every other block type (name resolution, statistics,
 * decryption secrets, custom...) is stepped over by its length. Option lists are walked
 * and bounds-checked in every block that has them, even where no option is used.
 */
import { describeLinkType } from './linktype.js';
import { type DecodeContext, type Decoder, dataView, fail, hex32, read } from './decode.js';

export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
/** Smallest block: type, total length, trailing total length. */
const MIN_BLOCK_LEN = 12;
/** Wireshark's ceiling on block size; anything larger is a corrupt length field. */
const MAX_BLOCK_LEN = 16 * 1024 * 1024;

const BLOCK_NAMES: ReadonlyMap<number, string> = new Map([
  [PCAPNG_SHB_TYPE, 'Section Header Block'],
  [IDB, 'Interface Description Block'],
  [OPB, 'Packet Block'],
  [SPB, 'Simple Packet Block'],
  [4, 'Name Resolution Block'],
  [5, 'Interface Statistics Block'],
  [EPB, 'Enhanced Packet Block'],
  [10, 'Decryption Secrets Block'],
]);

function blockName(type: number): string {
  return BLOCK_NAMES.get(type) ?? `block of type ${hex32(type)}`;
}

/** Smallest body (between the length and the trailing length) each known block needs. */
const MIN_BODY: ReadonlyMap<number, number> = new Map([
  [PCAPNG_SHB_TYPE, 16],
  [IDB, 8],
  [OPB, 20],
  [SPB, 4],
  [EPB, 20],
]);

interface Interface {
  readonly linkType: number;
  readonly snaplen: number;
  readonly toNs: (units: bigint) => bigint;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Converts timestamp units to nanoseconds for an if_tsresol byte: high bit clear means
 * units of 10^-v seconds, set means 2^-(v & 0x7f) seconds. `offsetSeconds` is if_tsoffset.
 */
function timestampConverter(tsresol: number, offsetSeconds: bigint): (units: bigint) => bigint {
  const offsetNs = offsetSeconds * 1_000_000_000n;
  const exp = BigInt(tsresol & 0x7f);
  if (tsresol & 0x80) return (u) => ((u * 1_000_000_000n) >> exp) + offsetNs;
  if (exp <= 9n) {
    const mul = 10n ** (9n - exp);
    return (u) => u * mul + offsetNs;
  }
  const div = 10n ** (exp - 9n);
  return (u) => u / div + offsetNs;
}

/** One block's body: `v` spans it, `base` is the file offset of its first byte. */
interface Body {
  readonly bytes: Uint8Array;
  readonly v: DataView;
  readonly base: number;
  readonly little: boolean;
}

/**
 * Walks the options from `start` to the end of the body, checking each fits; calls
 * `visit` with the body offset of each value.
 */
function walkOptions(
  ctx: DecodeContext,
  body: Body,
  start: number,
  visit: (code: number, at: number, length: number) => void,
): void {
  const end = body.bytes.length;
  let o = start;
  while (o < end) {
    if (end - o < 4) fail(ctx, body.base + o, `option header cut off: ${end - o} bytes left in the block`);
    const code = body.v.getUint16(o, body.little);
    const length = body.v.getUint16(o + 2, body.little);
    if (code === OPT_ENDOFOPT) return;
    if (o + 4 + length > end) {
      fail(ctx, body.base + o, `option ${code} of length ${length} runs past the end of its block`);
    }
    visit(code, o + 4, length);
    o += 4 + pad4(length);
  }
}

/** Decodes a pcapng file whose first four bytes (the Section Header type) were read. */
export function* decodePcapng(ctx: DecodeContext, first: Uint8Array): Decoder {
  let interfaces: Interface[] = [];
  let little = true;
  let pos = 0;
  let head: Uint8Array | null = first;

  for (;;) {
    // Block type and total length; on the first block the type is already in hand.
    let header: Uint8Array;
    if (head !== null) {
      const more = yield* read(4);
      header = new Uint8Array(4 + more.length);
      header.set(head);
      header.set(more, 4);
      head = null;
    } else {
      header = yield* read(8);
      if (header.length === 0) return;
    }
    if (header.length < 8) fail(ctx, pos, `truncated block header: need 8 bytes, have ${header.length}`);
    const hv = dataView(header);

    // The section header's type reads the same in both byte orders; its byte-order
    // magic decides how to read everything up to the next section header.
    let type = hv.getUint32(0, little);
    let prefix: Uint8Array = new Uint8Array(0);
    if (type === PCAPNG_SHB_TYPE) {
      prefix = yield* read(4);
      if (prefix.length < 4) fail(ctx, pos, `truncated Section Header Block: need 12 bytes, have ${8 + prefix.length}`);
      const bom = dataView(prefix).getUint32(0, false);
      if (bom === BYTE_ORDER_MAGIC) little = false;
      else if (bom === 0x4d3c2b1a) little = true;
      else fail(ctx, pos + 8, `bad byte-order magic ${hex32(bom)} in Section Header Block (expected 0x1a2b3c4d)`);
      type = PCAPNG_SHB_TYPE;
    }

    const total = hv.getUint32(4, little);
    const name = blockName(type);
    if (total < MIN_BLOCK_LEN) fail(ctx, pos, `${name} length ${total} is below the 12-byte minimum`);
    if (total % 4 !== 0) fail(ctx, pos, `${name} length ${total} is not a multiple of 4`);
    if (total > Math.max(MAX_BLOCK_LEN, ctx.maxPacketBytes + 4096)) {
      fail(ctx, pos, `${name} length ${total} is absurd (limit ${MAX_BLOCK_LEN}): corrupt block header`);
    }
    const rest = yield* read(total - 8 - prefix.length);
    if (prefix.length + rest.length < total - 8) {
      fail(ctx, pos, `truncated ${name}: its length says ${total} bytes, the file has ${8 + prefix.length + rest.length}`);
    }
    let tail = rest;
    if (prefix.length > 0) {
      tail = new Uint8Array(prefix.length + rest.length);
      tail.set(prefix);
      tail.set(rest, prefix.length);
    }
    const trailer = dataView(tail).getUint32(tail.length - 4, little);
    if (trailer !== total) {
      fail(ctx, pos + total - 4, `${name} length mismatch: ${total} at its start, ${trailer} at its end`);
    }
    const bytes = tail.subarray(0, tail.length - 4);
    const body: Body = { bytes, v: dataView(bytes), base: pos + 8, little };
    const minBody = MIN_BODY.get(type);
    if (minBody !== undefined && bytes.length < minBody) {
      fail(ctx, pos, `${name} length ${total} is too short (needs at least ${minBody + MIN_BLOCK_LEN})`);
    }

    switch (type) {
      case PCAPNG_SHB_TYPE: {
        const major = body.v.getUint16(4, little);
        const minor = body.v.getUint16(6, little);
        if (major !== 1) fail(ctx, pos + 12, `unsupported pcapng version ${major}.${minor} (expected 1.x)`);
        walkOptions(ctx, body, 16, () => {});
        interfaces = [];
        break;
      }
      case IDB:
        interfaces.push(decodeInterface(ctx, body, pos, interfaces.length));
        break;
      case EPB:
      case OPB: {
        const enhanced = type === EPB;
        const interfaceId = enhanced ? body.v.getUint32(0, little) : body.v.getUint16(0, little);
        const units = (BigInt(body.v.getUint32(4, little)) << 32n) | BigInt(body.v.getUint32(8, little));
        const capturedLength = body.v.getUint32(12, little);
        const originalLength = body.v.getUint32(16, little);
        const iface = interfaces[interfaceId];
        if (iface === undefined) {
          fail(ctx, pos + 8, `${name} names interface ${interfaceId}, but its section declares ${interfaces.length}`);
        }
        checkCapturedLength(ctx, pos, capturedLength, iface, bytes.length - 20, name);
        const data = bytes.subarray(20, 20 + capturedLength);
        walkOptions(ctx, body, 20 + pad4(capturedLength), () => {});
        yield {
          kind: 'record',
          record: {
            timestampNs: iface.toNs(units),
            hasTimestamp: true,
            capturedLength,
            originalLength,
            linkType: iface.linkType,
            data,
            interfaceId,
            offset: pos,
          },
        };
        break;
      }
      case SPB: {
        const iface = interfaces[0];
        if (iface === undefined) fail(ctx, pos, `${name} before any Interface Description Block in its section`);
        const originalLength = body.v.getUint32(0, little);
        const capturedLength = iface.snaplen === 0 ? originalLength : Math.min(originalLength, iface.snaplen);
        const room = bytes.length - 4;
        checkCapturedLength(ctx, pos, capturedLength, iface, room, name);
        if (pad4(capturedLength) !== room) {
          fail(ctx, pos, `${name} holds ${room} bytes of packet data, but its packet is ${capturedLength} bytes`);
        }
        yield {
          kind: 'record',
          record: {
            timestampNs: 0n,
            hasTimestamp: false,
            capturedLength,
            originalLength,
            linkType: iface.linkType,
            data: bytes.subarray(4, 4 + capturedLength),
            interfaceId: 0,
            offset: pos,
          },
        };
        break;
      }
      default:
        // Not a block we read: stepped over by its length.
        break;
    }
    pos += total;
  }
}

function decodeInterface(ctx: DecodeContext, body: Body, pos: number, index: number): Interface {
  const linkType = body.v.getUint16(0, body.little);
  const snaplen = body.v.getUint32(4, body.little);
  if (ctx.requireLinkType !== undefined && linkType !== ctx.requireLinkType) {
    fail(
      ctx,
      pos,
      `interface ${index} has link type ${describeLinkType(linkType)}, expected ${describeLinkType(ctx.requireLinkType)}`,
    );
  }
  let tsresol = 6;
  let tsoffset = 0n;
  walkOptions(ctx, body, 8, (code, at, length) => {
    if (code === IF_TSRESOL) {
      if (length !== 1) fail(ctx, body.base + at - 4, `if_tsresol option has length ${length}, expected 1`);
      tsresol = body.bytes[at]!;
    } else if (code === IF_TSOFFSET) {
      if (length !== 8) fail(ctx, body.base + at - 4, `if_tsoffset option has length ${length}, expected 8`);
      tsoffset = body.v.getBigInt64(at, body.little);
    }
  });
  return { linkType, snaplen, toNs: timestampConverter(tsresol, tsoffset) };
}

function checkCapturedLength(
  ctx: DecodeContext,
  pos: number,
  capturedLength: number,
  iface: Interface,
  room: number,
  name: string,
): void {
  if (capturedLength > ctx.maxPacketBytes) {
    fail(ctx, pos, `captured length ${capturedLength} is absurd (limit ${ctx.maxPacketBytes}): corrupt ${name}`);
  }
  if (iface.snaplen !== 0 && capturedLength > iface.snaplen) {
    fail(ctx, pos, `captured length ${capturedLength} exceeds the interface's snapshot length ${iface.snaplen}`);
  }
  if (capturedLength > room) {
    fail(ctx, pos, `captured length ${capturedLength} overruns the ${name} (room for ${room} bytes)`);
  }
}
