/**
 * The OpenFlow header (version, type, length, xid) and framing over a byte stream.
 *
 * A TCP or Unix stream carries messages back to back; a read may end anywhere. The
 * `FrameDecoder` collects bytes and hands out whole messages, checking only what the
 * header says about length: a length below 8 or above the configured maximum poisons
 * the stream (the peer's framing can no longer be trusted), reported as OFPBRC_BAD_LEN.
 */
import { WireError } from './errors.js';

export const OFP_HEADER_LEN = 8;
/** The length field is 16 bits, so no OpenFlow message is longer. */
export const OFP_MAX_MESSAGE_LEN = 0xffff;

/** Message type numbers of OpenFlow 1.0. */
export const OFPT10 = {
  HELLO: 0,
  ERROR: 1,
  ECHO_REQUEST: 2,
  ECHO_REPLY: 3,
  VENDOR: 4,
  FEATURES_REQUEST: 5,
  FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7,
  GET_CONFIG_REPLY: 8,
  SET_CONFIG: 9,
  PACKET_IN: 10,
  FLOW_REMOVED: 11,
  PORT_STATUS: 12,
  PACKET_OUT: 13,
  FLOW_MOD: 14,
  PORT_MOD: 15,
  STATS_REQUEST: 16,
  STATS_REPLY: 17,
  BARRIER_REQUEST: 18,
  BARRIER_REPLY: 19,
} as const;

/** Message type numbers of OpenFlow 1.1+ (1.3 names; 1.4 and 1.5 add to the end). */
export const OFPT13 = {
  HELLO: 0,
  ERROR: 1,
  ECHO_REQUEST: 2,
  ECHO_REPLY: 3,
  EXPERIMENTER: 4,
  FEATURES_REQUEST: 5,
  FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7,
  GET_CONFIG_REPLY: 8,
  SET_CONFIG: 9,
  PACKET_IN: 10,
  FLOW_REMOVED: 11,
  PORT_STATUS: 12,
  PACKET_OUT: 13,
  FLOW_MOD: 14,
  GROUP_MOD: 15,
  PORT_MOD: 16,
  TABLE_MOD: 17,
  MULTIPART_REQUEST: 18,
  MULTIPART_REPLY: 19,
  BARRIER_REQUEST: 20,
  BARRIER_REPLY: 21,
  ROLE_REQUEST: 24,
  ROLE_REPLY: 25,
  GET_ASYNC_REQUEST: 26,
  GET_ASYNC_REPLY: 27,
  SET_ASYNC: 28,
  METER_MOD: 29,
} as const;

export interface OfpHeader {
  readonly version: number;
  readonly type: number;
  readonly length: number;
  readonly xid: number;
}

export function readHeader(b: Uint8Array): OfpHeader {
  if (b.length < OFP_HEADER_LEN) throw new WireError('OFPBRC_BAD_LEN', `message of ${b.length} bytes is shorter than the header`);
  return {
    version: b[0]!,
    type: b[1]!,
    length: (b[2]! << 8) | b[3]!,
    xid: ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0,
  };
}

export interface FrameDecoderOptions {
  /** Longest message accepted (default: 65535, the most the length field can say). */
  readonly maxMessageLen?: number;
}

/**
 * Splits a byte stream into OpenFlow messages.
 *
 * @example
 * const fd = new FrameDecoder();
 * for (const msg of fd.push(chunk)) handle(decode(msg));
 */
export class FrameDecoder {
  readonly #max: number;
  #buf = new Uint8Array(0);
  #broken: WireError | undefined;

  constructor(opts: FrameDecoderOptions = {}) {
    this.#max = Math.min(opts.maxMessageLen ?? OFP_MAX_MESSAGE_LEN, OFP_MAX_MESSAGE_LEN);
  }

  /** Bytes held back waiting for the rest of a message. */
  get pending(): number {
    return this.#buf.length;
  }

  /** The framing error that stopped the stream, if any. */
  get error(): WireError | undefined {
    return this.#broken;
  }

  /**
   * Adds bytes and returns every message now complete (each a copy). Throws a
   * `WireError` once when the stream's framing breaks, and from then on returns nothing.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#broken) return [];
    const buf = this.#buf.length === 0 ? chunk : concat(this.#buf, chunk);
    const out: Uint8Array[] = [];
    let at = 0;
    while (buf.length - at >= OFP_HEADER_LEN) {
      const len = (buf[at + 2]! << 8) | buf[at + 3]!;
      if (len < OFP_HEADER_LEN || len > this.#max) {
        this.#buf = new Uint8Array(0);
        this.#broken = new WireError('OFPBRC_BAD_LEN', `message length ${len} is outside ${OFP_HEADER_LEN}..${this.#max}`);
        throw this.#broken;
      }
      if (buf.length - at < len) break;
      out.push(buf.slice(at, at + len));
      at += len;
    }
    this.#buf = buf.slice(at);
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Hands out transaction ids, skipping 0 so that a zero xid stays recognizably unset. */
export class XidAllocator {
  #next: number;
  constructor(first = 1) {
    this.#next = first >>> 0 || 1;
  }
  next(): number {
    const x = this.#next;
    this.#next = (this.#next + 1) >>> 0 || 1;
    return x;
  }
}
