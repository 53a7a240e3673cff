/**
 * One OpenFlow connection over a byte-stream `Channel`, either side: HELLO and version
 * negotiation, framing, decoding (a message that cannot be decoded is answered with the
 * spec's OFPT_ERROR and the connection goes on), echo replies, and the inactivity probe
 * (after `probeIntervalMs` of silence an ECHO_REQUEST goes out; after as long again with
 * no answer the connection is dropped, as OVS's rconn does).
 *
 * The switch side (ofconn.ts) and controllers build on this; it knows nothing of ofproto.
 * Time comes from the timers handed in (the engine's, or a wall clock in live mode).
 */
import type { Channel } from '../ovsdb/channel.js';
import type { OfVersion } from './version.js';
import { wireVersion } from './version.js';
import { decode, encode, encodeMultipartReply, errorMessage, OfDecodeError, type EncodeOptions } from './wire/codec.js';
import { WireError, type OfpErrorName } from './wire/errors.js';
import { FrameDecoder, XidAllocator } from './wire/header.js';
import { negotiateVersion, SUPPORTED_VERSIONS } from './wire/hello.js';
import type { MessageOf, OfMessage } from './wire/messages.js';

/** What a connection needs of the engine. */
export interface OfTimers {
  now(): number;
  schedule(delayNs: number, fn: () => void): unknown;
}

export type OfDirection = 'rx' | 'tx';

export interface OfChannelOptions {
  readonly timers: OfTimers;
  /** Versions we offer in HELLO (default: every version the codec speaks). */
  readonly versions?: readonly OfVersion[];
  /** Inactivity probe (ms); 0 or absent: none. */
  readonly probeIntervalMs?: number;
  /** A decoded message, after negotiation (echo requests are answered already). */
  readonly onMessage: (msg: OfMessage, raw: Uint8Array) => void;
  /** Negotiation succeeded. */
  readonly onReady?: (version: OfVersion) => void;
  /** The connection ended (once). */
  readonly onClose?: (reason: string | null) => void;
  /** Every whole message sent or received, as bytes (for logs and captures). */
  readonly onWire?: (dir: OfDirection, bytes: Uint8Array) => void;
  /** A message refused with an error (for logs). */
  readonly onRefused?: (error: OfpErrorName, detail: string) => void;
}

const MS = 1_000_000;

export class OfChannel {
  readonly channel: Channel;
  readonly xids = new XidAllocator(1);
  /** How OpenFlow 1.0 flow messages are written to this peer (NXM after set_flow_format). */
  encodeOptions: EncodeOptions = {};
  /** Peer enabled NXT_FLOW_MOD_TABLE_ID. */
  of10TableId = false;
  #version: OfVersion | undefined;
  readonly #opts: OfChannelOptions;
  readonly #offer: readonly OfVersion[];
  readonly #frames = new FrameDecoder();
  #closed = false;
  #lastRx: number;
  #probeSent = false;
  #probeGen = 0;
  messagesIn = 0;
  messagesOut = 0;
  /** Messages the decoder threw on instead of returning an error (a codec bug). */
  internalErrors = 0;

  constructor(channel: Channel, opts: OfChannelOptions) {
    this.channel = channel;
    this.#opts = opts;
    this.#offer = (opts.versions ?? SUPPORTED_VERSIONS).filter((v) => SUPPORTED_VERSIONS.includes(v));
    this.#lastRx = opts.timers.now();
    channel.start({ data: (c) => this.#data(c), closed: (r) => this.#ended(r) });
    const newest = this.#offer.reduce((a, b) => (wireVersion(b) > wireVersion(a) ? b : a), this.#offer[0] ?? 'OpenFlow10');
    this.#write(encode({ type: 'hello', xid: this.xids.next(), versions: this.#offer }, newest));
    this.#armProbe();
  }

  /** The negotiated version; undefined until the peer's HELLO. */
  get version(): OfVersion | undefined {
    return this.#version;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a message in the negotiated version; returns false when it cannot (not ready, closed). */
  send(msg: OfMessage): boolean {
    const v = this.#version;
    if (v === undefined || this.#closed) return false;
    this.#write(encode(msg, v, this.encodeOptions));
    return true;
  }

  /** Sends a multipart reply, split into as many messages as it takes. */
  sendMultipartReply(msg: MessageOf<'multipart_reply'>): void {
    const v = this.#version;
    if (v === undefined || this.#closed) return;
    for (const b of encodeMultipartReply(msg, v, this.encodeOptions)) this.#write(b);
  }

  /** Answers `request` (its raw bytes) with OFPT_ERROR `name`. */
  sendError(name: OfpErrorName, request: Uint8Array, detail = ''): void {
    const v = this.#version ?? 'OpenFlow10';
    const xid = request.length >= 8 ? ((request[4]! << 24) | (request[5]! << 16) | (request[6]! << 8) | request[7]!) >>> 0 : 0;
    this.#opts.onRefused?.(name, detail);
    if (this.#closed) return;
    // OVS echoes the whole request (the spec asks for at least 64 bytes), as far as it fits.
    const data = request.subarray(0, 0xffff - 12);
    this.#write(encode({ ...errorMessage(name, v, { xid, data }), data }, v));
  }

  /** Ends the connection after what is queued. */
  close(): void {
    if (this.#closed) return;
    this.channel.close();
    this.#ended('closed');
  }

  #write(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.messagesOut++;
    this.#opts.onWire?.('tx', bytes);
    this.channel.write(bytes);
  }

  /** Closes after what is queued, reporting `reason` (not whatever the channel says). */
  #closeWith(reason: string): void {
    const { channel } = this;
    this.#ended(reason);
    channel.close();
  }

  #ended(reason: string | null): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#probeGen++;
    this.#opts.onClose?.(reason);
  }

  #armProbe(): void {
    const ms = this.#opts.probeIntervalMs ?? 0;
    if (ms <= 0 || this.#closed) return;
    const gen = ++this.#probeGen;
    const due = this.#lastRx + ms * MS;
    this.#opts.timers.schedule(Math.max(0, due - this.#opts.timers.now()), () => {
      if (gen !== this.#probeGen || this.#closed) return;
      const now = this.#opts.timers.now();
      if (now < this.#lastRx + ms * MS) return this.#armProbe();
      if (this.#probeSent) {
        // Ended first, so the reason is ours and not the channel's.
        this.#ended(`no response to inactivity probe after ${(2 * ms) / 1000} seconds`);
        this.channel.abort();
        return;
      }
      this.#probeSent = true;
      this.#lastRx = now;
      if (this.#version !== undefined) this.send({ type: 'echo_request', xid: this.xids.next(), data: new Uint8Array(0) });
      this.#armProbe();
    });
  }

  #data(chunk: Uint8Array): void {
    if (this.#closed) return;
    let frames: Uint8Array[];
    try {
      frames = this.#frames.push(chunk);
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      // The stream can no longer be framed: say why, then hang up (as OVS does).
      this.sendError(e.error, chunk.subarray(0, 64), e.detail);
      this.#closeWith(`framing error: ${e.detail}`);
      return;
    }
    const wasSilent = this.#probeSent;
    this.#lastRx = this.#opts.timers.now();
    this.#probeSent = false;
    for (const f of frames) {
      if (this.#closed) return;
      this.messagesIn++;
      this.#opts.onWire?.('rx', f);
      this.#frame(f);
    }
    if (wasSilent) this.#armProbe();
  }

  #frame(raw: Uint8Array): void {
    let d: ReturnType<typeof decode>;
    try {
      d = decode(raw, { of10TableId: this.of10TableId });
    } catch (e) {
      // The codec promises errors, not exceptions; a bug there must not end the connection.
      this.internalErrors++;
      this.sendError('OFPBRC_BAD_LEN', raw, `decoder failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.#version === undefined) return this.#expectHello(raw, d);
    if (d instanceof OfDecodeError) {
      // Never answer an error with an error: two confused peers would loop.
      if (raw.length >= 2 && raw[1] === 1) return;
      this.sendError(d.error, raw, d.detail);
      return;
    }
    if (d.wireVersion !== wireVersion(this.#version)) {
      if (d.msg.type === 'hello' || d.msg.type === 'error') return;
      this.sendError('OFPBRC_BAD_VERSION', raw, `message in ${d.version} on a connection speaking ${this.#version}`);
      return;
    }
    switch (d.msg.type) {
      case 'echo_request':
        this.send({ type: 'echo_reply', xid: d.msg.xid, data: d.msg.data });
        return;
      case 'echo_reply':
        return;
      case 'hello':
        return; // a second hello is harmless
      default:
        this.#opts.onMessage(d.msg, raw);
    }
  }

  #expectHello(raw: Uint8Array, d: ReturnType<typeof decode>): void {
    if (d instanceof OfDecodeError || d.msg.type !== 'hello') {
      const v = this.#offer[0] ?? 'OpenFlow10';
      const why = d instanceof OfDecodeError ? d.detail : `${d.msg.type} before hello`;
      this.#opts.onRefused?.('OFPHFC_EPERM', why);
      this.#write(encode(errorMessage('OFPHFC_EPERM', v, { xid: 0, data: raw.subarray(0, 64) }), v));
      this.#closeWith(`handshake failed: ${why}`);
      return;
    }
    const v = negotiateVersion(this.#offer, { headerVersion: d.wireVersion, versions: d.msg.versions });
    if (v === undefined) {
      const oldest = this.#offer[0] ?? 'OpenFlow10';
      const text = new TextEncoder().encode(`We support ${this.#offer.join(', ')}, you support version 0x${d.wireVersion.toString(16)}`);
      this.#opts.onRefused?.('OFPHFC_INCOMPATIBLE', 'no common version');
      this.#write(encode(errorMessage('OFPHFC_INCOMPATIBLE', oldest, { xid: d.msg.xid, data: text }), oldest));
      this.#closeWith('version negotiation failed');
      return;
    }
    this.#version = v;
    this.#opts.onReady?.(v);
  }
}
