/**
 * One run of `ping`: echo requests sent every `intervalNs`, each carrying its send time
 * in the first 8 bytes of its payload (as ping(8) carries a timeval), so a reply gives
 * its round-trip time without the sender keeping per-request state. A request counts as
 * lost when no reply has come `timeoutNs` after the last request was sent.
 */
import type { Simulator } from '../../engine/simulator.js';

export interface PingOptions {
  /** Requests to send (default 1). */
  readonly count?: number;
  /** Time between requests (default 1 s, as ping). */
  readonly intervalNs?: number;
  /** ICMP payload bytes (default 56, as ping; at least 8 for the timestamp). */
  readonly size?: number;
  /** How long to wait for replies after the last request (default 1 s). */
  readonly timeoutNs?: number;
}

/** What a ping session needs from its host. */
export interface EchoSender {
  sendEchoRequest(dst: number, ident: number, seq: number, payload: Uint8Array): void;
}

export class PingSession {
  readonly dst: number;
  readonly ident: number;
  readonly count: number;
  /** Round-trip time of each request in ns, by sequence number (undefined: no reply). */
  readonly rtts: (number | undefined)[];
  sent = 0;
  received = 0;
  done = false;
  /** Called once, when the session ends. */
  onDone: ((s: PingSession) => void) | undefined;

  readonly #sim: Simulator;
  readonly #host: EchoSender;
  readonly #intervalNs: number;
  readonly #size: number;
  readonly #timeoutNs: number;

  constructor(sim: Simulator, host: EchoSender, spec: { dst: number; ident: number } & PingOptions) {
    this.#sim = sim;
    this.#host = host;
    this.dst = spec.dst;
    this.ident = spec.ident;
    this.count = spec.count ?? 1;
    this.#intervalNs = spec.intervalNs ?? 1_000_000_000;
    this.#size = spec.size ?? 56;
    this.#timeoutNs = spec.timeoutNs ?? 1_000_000_000;
    if (!Number.isInteger(this.count) || this.count < 1) throw new RangeError(`ping count must be a positive integer, got ${this.count}`);
    if (!Number.isInteger(this.#size) || this.#size < 8 || this.#size > 65507) {
      throw new RangeError(`ping size must be 8..65507 bytes, got ${this.#size}`);
    }
    this.rtts = new Array<number | undefined>(this.count).fill(undefined);
  }

  get lost(): number {
    return this.sent - this.received;
  }

  /** RTTs of the requests that were answered, in order. */
  answered(): number[] {
    return this.rtts.filter((r): r is number => r !== undefined);
  }

  start(): void {
    this.#sendNext();
  }

  /** An echo reply for this session arrived. */
  onReply(seq: number, payload: Uint8Array): void {
    if (this.done || seq >= this.count || this.rtts[seq] !== undefined || payload.length < 8) return;
    const dv = new DataView(payload.buffer, payload.byteOffset, 8);
    const sentAt = dv.getUint32(0) * 2 ** 32 + dv.getUint32(4);
    this.rtts[seq] = this.#sim.now() - sentAt;
    this.received++;
    if (this.received === this.count) this.#finish();
  }

  readonly #sendNext = (): void => {
    if (this.done) return;
    const seq = this.sent++;
    const payload = new Uint8Array(this.#size);
    for (let i = 8; i < payload.length; i++) payload[i] = i & 0xff;
    const now = this.#sim.now();
    const dv = new DataView(payload.buffer);
    dv.setUint32(0, Math.floor(now / 2 ** 32));
    dv.setUint32(4, now % 2 ** 32);
    this.#host.sendEchoRequest(this.dst, this.ident, seq, payload);
    if (this.sent < this.count) this.#sim.schedule(this.#intervalNs, this.#sendNext);
    else this.#sim.schedule(this.#timeoutNs, this.#finishIfRunning);
  };

  readonly #finishIfRunning = (): void => {
    if (!this.done) this.#finish();
  };

  #finish(): void {
    this.done = true;
    this.onDone?.(this);
  }
}
