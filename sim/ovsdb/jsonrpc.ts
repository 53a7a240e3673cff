/**
 * JSON-RPC 1.0 as OVSDB speaks it (RFC 7047 §4): JSON texts sent back to back over a byte
 * stream, with no length prefix and no delimiter, so a reader must find where each text
 * ends by following brackets and strings.
 *
 * Three layers, each usable alone:
 *   - `JsonStreamDecoder` cuts a byte stream into top-level JSON values, keeping its scan
 *     state across chunks so a large message arriving in pieces is scanned once; it
 *     refuses a message longer than a limit before buffering it all;
 *   - `classifyMessage` / `encodeMessage` turn values into requests, notifications,
 *     replies and errors, rejecting what OVS rejects (a non-object, a request without a
 *     `params` array, unknown members);
 *   - `JsonRpcPeer` runs a connection over a `Channel`: outgoing calls resolve with their
 *     replies, incoming requests go to a handler, `echo` is answered on the spot (either
 *     side may probe the other), and any protocol error closes the connection, as OVS does.
 */
import type { Channel } from './channel.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonRpcMessage =
  | { readonly kind: 'request'; readonly id: Json; readonly method: string; readonly params: Json[] }
  | { readonly kind: 'notify'; readonly method: string; readonly params: Json[] }
  | { readonly kind: 'reply'; readonly id: Json; readonly result: Json }
  | { readonly kind: 'error'; readonly id: Json; readonly error: Json };

/** Why a connection's input cannot be read: the peer gets no reply, the connection closes. */
export class JsonRpcProtocolError extends Error {
  override readonly name = 'JsonRpcProtocolError';
  constructor(
    readonly kind: 'syntax' | 'too-long' | 'bad-message',
    message: string,
  ) {
    super(message);
  }
}

/** Default limit on one incoming message: far above any real configuration transaction. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Deepest nesting accepted, as OVS's JSON parser limits it. */
const MAX_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Splits a byte stream into JSON values. Only objects and arrays may stand at the top
 * level (a bare string or number has no end a scanner could find before the next byte).
 * UTF-8 continuation bytes never equal an ASCII bracket or quote, so scanning bytes is safe.
 *
 * @example
 * const dec = new JsonStreamDecoder();
 * dec.push(bytes, (value) => handle(value)); // throws JsonRpcProtocolError on bad input
 */
export class JsonStreamDecoder {
  readonly #max: number;
  #depth = 0;
  /** The open brackets of the message under way, innermost last, to catch `[}`. */
  #open = new Uint8Array(64);
  #inString = false;
  #escape = false;
  /** Pieces of the message under way from earlier chunks. */
  #parts: Buffer[] = [];
  #partBytes = 0;
  #offset = 0;
  #failed: JsonRpcProtocolError | null = null;

  constructor(opts: { readonly maxMessageBytes?: number } = {}) {
    this.#max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** True while part of a message has been received but not its end. */
  get midMessage(): boolean {
    return this.#depth > 0;
  }

  /** Scans `chunk`, calling `emit` for each complete value; throws on bad input. */
  push(chunk: Uint8Array, emit: (value: Json) => void): void {
    if (this.#failed !== null) throw this.#failed;
    try {
      this.#scan(chunk, emit);
    } catch (e) {
      if (e instanceof JsonRpcProtocolError) this.#failed = e;
      throw e;
    }
  }

  #scan(chunk: Uint8Array, emit: (value: Json) => void): void {
    const n = chunk.length;
    let depth = this.#depth;
    let inString = this.#inString;
    let escape = this.#escape;
    let start = depth > 0 ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!;
      if (depth === 0) {
        if (isSpace(b)) continue;
        if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
          throw new JsonRpcProtocolError(
            'syntax',
            `byte ${this.#offset + i}: syntax error at beginning of input (a message must be a JSON object)`,
          );
        }
        depth = 1;
        this.#open[0] = b;
        start = i;
        continue;
      }
      if (inString) {
        if (escape) escape = false;
        else if (b === BACKSLASH) escape = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (depth >= MAX_DEPTH) throw new JsonRpcProtocolError('syntax', `byte ${this.#offset + i}: nesting too deep`);
        if (depth === this.#open.length) {
          const grown = new Uint8Array(depth * 2);
          grown.set(this.#open);
          this.#open = grown;
        }
        this.#open[depth++] = b;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (this.#open[depth - 1] !== (b === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET)) {
          throw new JsonRpcProtocolError('syntax', `byte ${this.#offset + i}: "${String.fromCharCode(b)}" does not close what is open`);
        }
        if (--depth === 0) {
          const piece = chunk.subarray(start, i + 1);
          const length = this.#partBytes + piece.length;
          if (length > this.#max) this.#tooLong(length);
          const text =
            this.#parts.length === 0
              ? Buffer.from(piece.buffer, piece.byteOffset, piece.length).toString('utf8')
              : Buffer.concat([...this.#parts, piece]).toString('utf8');
          this.#parts = [];
          this.#partBytes = 0;
          start = -1;
          emit(parseText(text, this.#offset + i));
        }
      }
    }
    if (depth > 0 && start >= 0) {
      const rest = chunk.subarray(start);
      this.#partBytes += rest.length;
      if (this.#partBytes > this.#max) this.#tooLong(this.#partBytes);
      this.#parts.push(Buffer.from(rest)); // a copy: the caller may reuse its buffer
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escape = escape;
    this.#offset += n;
  }

  #tooLong(length: number): never {
    throw new JsonRpcProtocolError('too-long', `message too long (more than ${this.#max} bytes, got at least ${length})`);
  }
}

function parseText(text: string, endOffset: number): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new JsonRpcProtocolError('syntax', `error parsing message ending at byte ${endOffset}: ${why}`);
  }
}

function isObject(j: Json | undefined): j is { [key: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

const MEMBERS = new Set(['method', 'params', 'result', 'error', 'id']);

/** Sorts a decoded value into a JSON-RPC message, or throws JsonRpcProtocolError. */
export function classifyMessage(value: Json): JsonRpcMessage {
  const bad = (why: string): never => {
    throw new JsonRpcProtocolError('bad-message', `received bad JSON-RPC message: ${why}`);
  };
  if (!isObject(value)) return bad('message is not a JSON object');
  for (const k of Object.keys(value)) {
    if (!MEMBERS.has(k)) bad(`message has unexpected member "${k}"`);
  }
  const { method, params, result, error, id } = value;
  if (method !== undefined) {
    if (typeof method !== 'string') return bad('"method" must be a string');
    if (result !== undefined || error !== undefined) return bad('a request must not have "result" or "error"');
    if (params === undefined) return bad('request must have "params"');
    if (!Array.isArray(params)) return bad('"params" must be JSON array');
    if (id === undefined || id === null) return { kind: 'notify', method, params };
    return { kind: 'request', id, method, params };
  }
  if (id === undefined) return bad('reply must have "id"');
  if (error !== undefined && error !== null) return { kind: 'error', id, error };
  if (result === undefined) return bad('message is not a request, reply or notification');
  return { kind: 'reply', id, result };
}

/** One message as the wire text OVS sends (compact JSON, OVS's member names). */
export function encodeMessage(msg: JsonRpcMessage): string {
  switch (msg.kind) {
    case 'request':
      return JSON.stringify({ id: msg.id, method: msg.method, params: msg.params });
    case 'notify':
      return JSON.stringify({ id: null, method: msg.method, params: msg.params });
    case 'reply':
      return JSON.stringify({ id: msg.id, result: msg.result, error: null });
    case 'error':
      // OVS sends error replies without a "result" member.
      return JSON.stringify({ id: msg.id, error: msg.error });
  }
}

/** A call answered with an error reply: `error` is the reply's error value. */
export class JsonRpcCallError extends Error {
  override readonly name = 'JsonRpcCallError';
  constructor(
    readonly method: string,
    readonly error: Json,
  ) {
    super(`${method}: ${typeof error === 'string' ? error : JSON.stringify(error)}`);
  }
}

/** A call that got no reply because the connection went away. */
export class JsonRpcClosedError extends Error {
  override readonly name = 'JsonRpcClosedError';
}

/** What a peer hands to its owner. */
export interface JsonRpcHandler {
  /** A request: answer it with `peer.reply` or `peer.replyError`, now or later. */
  request(id: Json, method: string, params: Json[]): void;
  notify(method: string, params: Json[]): void;
  /** The connection closed; `reason` says why when it was not a plain end of stream. */
  closed(reason: string | null): void;
}

export interface JsonRpcPeerOptions {
  readonly maxMessageBytes?: number;
  /** Protocol warnings (bad input, unexpected replies), one line each. */
  readonly log?: (line: string) => void;
}

/** The id of inactivity probes, as OVS uses: a reply with it answers a probe of ours. */
export const ECHO_ID = 'echo';

/**
 * One JSON-RPC connection over a channel, for either side: the server's session and
 * clients (tests, the vswitchd, the benchmark) use the same class.
 */
export class JsonRpcPeer {
  readonly channel: Channel;
  readonly #decoder: JsonStreamDecoder;
  readonly #log: (line: string) => void;
  #handler: JsonRpcHandler | null = null;
  #nextId = 0;
  readonly #pending = new Map<number, { method: string; resolve: (r: Json) => void; reject: (e: Error) => void }>();
  #closed = false;
  /** Messages received, for inactivity probing. */
  received = 0;

  constructor(channel: Channel, opts: JsonRpcPeerOptions = {}) {
    this.channel = channel;
    this.#decoder = new JsonStreamDecoder(opts.maxMessageBytes === undefined ? {} : { maxMessageBytes: opts.maxMessageBytes });
    this.#log = opts.log ?? (() => {});
  }

  get name(): string {
    return this.channel.name;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** True while a message has started arriving but has not ended. */
  get midMessage(): boolean {
    return this.#decoder.midMessage;
  }

  start(handler: JsonRpcHandler): void {
    this.#handler = handler;
    this.channel.start({
      data: (chunk) => this.#data(chunk),
      closed: (reason) => this.#finish(reason),
    });
  }

  #data(chunk: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.#decoder.push(chunk, (value) => {
        if (!this.#closed) this.#dispatch(classifyMessage(value));
      });
    } catch (e) {
      if (!(e instanceof JsonRpcProtocolError)) throw e;
      this.#log(`${this.name}: ${e.message}`);
      if (e.kind === 'too-long') {
        // There is no id to answer; say why before hanging up.
        this.#send({ kind: 'error', id: null, error: 'message too long' });
      }
      this.#closeWith(`protocol error: ${e.message}`);
    }
  }

  #dispatch(msg: JsonRpcMessage): void {
    this.received++;
    const h = this.#handler;
    if (h === null) return;
    switch (msg.kind) {
      case 'request':
        if (msg.method === 'echo') this.reply(msg.id, msg.params);
        else h.request(msg.id, msg.method, msg.params);
        return;
      case 'notify':
        h.notify(msg.method, msg.params);
        return;
      case 'reply':
      case 'error': {
        if (msg.id === ECHO_ID) return;
        const p = typeof msg.id === 'number' ? this.#pending.get(msg.id) : undefined;
        if (p === undefined) {
          this.#log(`${this.name}: received unexpected ${msg.kind} message`);
          this.#closeWith('protocol error: unexpected reply');
          return;
        }
        this.#pending.delete(msg.id as number);
        if (msg.kind === 'reply') p.resolve(msg.result);
        else p.reject(new JsonRpcCallError(p.method, msg.error));
        return;
      }
    }
  }

  #send(msg: JsonRpcMessage): void {
    if (!this.#closed) this.channel.write(encodeMessage(msg));
  }

  /** Sends a request and resolves with its result (rejects with JsonRpcCallError on an error reply). */
  call(method: string, params: Json[]): Promise<Json> {
    if (this.#closed) return Promise.reject(new JsonRpcClosedError(`${this.name}: connection closed`));
    const id = this.#nextId++;
    return new Promise<Json>((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject });
      this.#send({ kind: 'request', id, method, params });
    });
  }

  /** Sends a request whose reply will be ignored (an inactivity probe). */
  probe(): void {
    this.#send({ kind: 'request', id: ECHO_ID, method: 'echo', params: [] });
  }

  notify(method: string, params: Json[]): void {
    this.#send({ kind: 'notify', method, params });
  }

  /**
   * A notification whose params are already JSON text (the same bytes `notify` would
   * write): lets a server encode one update once for every client that gets it.
   */
  notifyEncoded(method: string, paramsJson: string): void {
    if (!this.#closed) this.channel.write(`{"id":null,"method":${JSON.stringify(method)},"params":${paramsJson}}`);
  }

  reply(id: Json, result: Json): void {
    this.#send({ kind: 'reply', id, result });
  }

  replyError(id: Json, error: Json): void {
    this.#send({ kind: 'error', id, error });
  }

  /** Sends a pre-encoded message (a notification shared by many sessions). */
  sendRaw(text: string): void {
    if (!this.#closed) this.channel.write(text);
  }

  get backlog(): number {
    return this.channel.backlog;
  }

  /** Closes after queued output is sent. */
  close(): void {
    this.#closeWith(null);
  }

  #closeWith(reason: string | null): void {
    if (this.#closed) return;
    this.#finish(reason);
    this.channel.close();
  }

  #finish(reason: string | null): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    const err = new JsonRpcClosedError(`${this.name}: connection closed${reason === null ? '' : ` (${reason})`}`);
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    this.#handler?.closed(reason);
  }
}
