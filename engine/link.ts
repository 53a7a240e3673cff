/**
 * A point-to-point link: two ends, and in each direction a transmitter with a drop-tail
 * queue, a wire with fixed latency, and optional random loss.
 *
 * A frame sent at an end waits in that end's queue while earlier frames serialize, takes
 * bytes × 8 / bandwidth to serialize (rounded up to whole ns), may be lost on the wire
 * (a Bernoulli draw from the link's own random stream, when serialization ends), and
 * reaches the peer's sink `latency` later. The queue counts frames waiting, not the one
 * being serialized; a frame that would exceed either limit is dropped ("drop-tail").
 * Frames are delivered as the same Uint8Array that was sent: the sender hands it over
 * and must not change it afterwards.
 *
 * The link knows nothing of switches or hosts: an end delivers to any `FrameSink`, and
 * taps (pcap writers, the viz) see every frame sent, received and dropped.
 */
import { event, type ComponentLog, type EventLog } from './event-log.js';
import type { RandomStream } from './random.js';
import { Ring } from './ring.js';
import type { Simulator } from './simulator.js';
import { checkTimeNs } from './time.js';

/** What receives frames arriving at a link end (a port of a switch or host). */
export interface FrameSink {
  receive(frame: Uint8Array, atNs: number): void;
}

/**
 * Why a frame was dropped: `queue` full, `loss` on the wire, link `down`, or `unattached`
 * (it arrived at an end nobody has connected to).
 */
export type DropReason = 'queue' | 'loss' | 'down' | 'unattached';

export type EndName = 'a' | 'b';

/** Where a tap saw a frame: `tx` when it starts serializing, `rx` on delivery, or `drop`. */
export interface TapInfo {
  readonly link: string;
  /** The end that sent the frame. */
  readonly from: EndName;
  readonly event: 'tx' | 'rx' | 'drop';
  readonly reason?: DropReason;
}

/** Observes every frame on a link (e.g. a pcap writer). Must not change the frame. */
export interface LinkTap {
  frame(frame: Uint8Array, atNs: number, info: TapInfo): void;
}

/** The link's events in the event log. */
export const LINK_EVENTS = {
  linkTx: event<{ link: string; from: EndName; bytes: number }>('a frame starts serializing onto a link'),
  linkRx: event<{ link: string; from: EndName; bytes: number }>('a frame reaches the far end of a link'),
  linkDrop: event<{ link: string; from: EndName; bytes: number; reason: DropReason }>(
    'a link dropped a frame (queue full, lost on the wire, link down, or nobody attached)',
  ),
} as const;

export interface QueueLimit {
  /** Most frames waiting. Default 1000 (Linux's default txqueuelen). */
  readonly packets?: number;
  /** Most bytes waiting. Default: no byte limit. */
  readonly bytes?: number;
}

export interface LinkOptions {
  /** Name in stats, taps and the event log, e.g. "s1-eth1:h1-eth0". Default "link". */
  readonly name?: string;
  /** Propagation delay in ns. */
  readonly latencyNs: number;
  /** Bits per second; Infinity (default) means frames take no time to serialize. */
  readonly bandwidthBps?: number;
  /** Probability that a frame is lost on the wire. Default 0. Needs `random` when above 0. */
  readonly loss?: number;
  readonly random?: RandomStream;
  /** Queue limit per direction. */
  readonly queue?: QueueLimit;
  readonly log?: EventLog;
}

/** Counters for one direction (frames sent by one end). */
export interface DirectionStats {
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  drops: Record<DropReason, number>;
  /** Frames and bytes waiting now, and the most frames ever waiting. */
  queuedFrames: number;
  queuedBytes: number;
  maxQueuedFrames: number;
}

export class Link {
  readonly name: string;
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  readonly #taps: LinkTap[] = [];
  #up = true;

  constructor(sim: Simulator, opts: LinkOptions) {
    this.name = opts.name ?? 'link';
    checkTimeNs(opts.latencyNs, `link ${this.name} latency`);
    const bw = opts.bandwidthBps ?? Infinity;
    if (!(bw > 0)) throw new RangeError(`link ${this.name} bandwidth must be positive bits/s, got ${bw}`);
    const loss = opts.loss ?? 0;
    if (!(loss >= 0 && loss <= 1)) throw new RangeError(`link ${this.name} loss must be in [0, 1], got ${loss}`);
    if (loss > 0 && !opts.random) throw new RangeError(`link ${this.name} has loss ${loss} but no random stream`);
    const limit = { packets: opts.queue?.packets ?? 1000, bytes: opts.queue?.bytes ?? Infinity };
    if (!(limit.packets >= 0) || !(limit.bytes >= 0)) {
      throw new RangeError(`link ${this.name} queue limits must be non-negative, got ${limit.packets} packets, ${limit.bytes} bytes`);
    }
    const shared: Shared = {
      link: this,
      sim,
      bw,
      latency: opts.latencyNs,
      loss,
      random: opts.random,
      limit,
      taps: this.#taps,
      log: opts.log?.component('link', LINK_EVENTS),
    };
    this.a = new LinkEnd('a', shared);
    this.b = new LinkEnd('b', shared);
    this.a.peer = this.b;
    this.b.peer = this.a;
  }

  get up(): boolean {
    return this.#up;
  }

  /** Takes the link down (frames sent, queued or in flight are dropped) or back up. */
  setUp(up: boolean): void {
    this.#up = up;
  }

  addTap(tap: LinkTap): void {
    this.#taps.push(tap);
  }

  removeTap(tap: LinkTap): void {
    const i = this.#taps.indexOf(tap);
    if (i >= 0) this.#taps.splice(i, 1);
  }

  /** Serialization time of a frame of `bytes` bytes, in whole ns (rounded up). */
  static serializationNs(bytes: number, bandwidthBps: number): number {
    if (bandwidthBps === Infinity) return 0;
    // The small slack keeps exact quotients such as 1200.0000000000002 from rounding up.
    return Math.ceil((bytes * 8 * 1e9) / bandwidthBps - 1e-6);
  }
}

/** What both ends of one link share. */
interface Shared {
  readonly link: Link;
  readonly sim: Simulator;
  readonly bw: number;
  readonly latency: number;
  readonly loss: number;
  readonly random: RandomStream | undefined;
  readonly limit: { readonly packets: number; readonly bytes: number };
  readonly taps: LinkTap[];
  readonly log: ComponentLog<typeof LINK_EVENTS> | undefined;
}

/** One end of a link: sends toward the peer, and delivers what arrives to its sink. */
export class LinkEnd {
  readonly name: EndName;
  /** The other end; set once by the Link. */
  peer!: LinkEnd;
  /** Counters for the frames this end sends. */
  readonly stats: DirectionStats = {
    txFrames: 0,
    txBytes: 0,
    rxFrames: 0,
    rxBytes: 0,
    drops: { queue: 0, loss: 0, down: 0, unattached: 0 },
    queuedFrames: 0,
    queuedBytes: 0,
    maxQueuedFrames: 0,
  };
  #sink: FrameSink | undefined;
  readonly #s: Shared;
  readonly #queue = new Ring<Uint8Array>();
  /** Frames on the wire in send order; constant latency keeps arrivals in that order. */
  readonly #inFlight = new Ring<Uint8Array>();
  #onWire: Uint8Array | undefined;
  readonly #tapInfo: { readonly tx: TapInfo; readonly rx: TapInfo; readonly drop: Readonly<Record<DropReason, TapInfo>> };

  constructor(name: EndName, shared: Shared) {
    this.name = name;
    this.#s = shared;
    const link = shared.link.name;
    const drop = (reason: DropReason): TapInfo => ({ link, from: name, event: 'drop', reason });
    this.#tapInfo = {
      tx: { link, from: name, event: 'tx' },
      rx: { link, from: name, event: 'rx' },
      drop: { queue: drop('queue'), loss: drop('loss'), down: drop('down'), unattached: drop('unattached') },
    };
  }

  /** Frames arriving at this end go to `sink`. */
  connect(sink: FrameSink): void {
    this.#sink = sink;
  }

  /** Sends a frame toward the peer. Returns false if it was dropped at once (queue full, link down). */
  send(frame: Uint8Array): boolean {
    const s = this.#s;
    if (!s.link.up) return this.#drop(frame, 'down');
    if (this.#onWire === undefined) {
      this.#transmit(frame);
      return true;
    }
    const st = this.stats;
    if (st.queuedFrames + 1 > s.limit.packets || st.queuedBytes + frame.length > s.limit.bytes) return this.#drop(frame, 'queue');
    this.#queue.push(frame);
    st.queuedFrames++;
    st.queuedBytes += frame.length;
    if (st.queuedFrames > st.maxQueuedFrames) st.maxQueuedFrames = st.queuedFrames;
    return true;
  }

  #transmit(frame: Uint8Array): void {
    const s = this.#s;
    const st = this.stats;
    st.txFrames++;
    st.txBytes += frame.length;
    this.#notify(frame, this.#tapInfo.tx);
    if (s.log?.enabled) s.log.emit('linkTx', { link: s.link.name, from: this.name, bytes: frame.length });
    const ser = Link.serializationNs(frame.length, s.bw);
    if (ser === 0) {
      this.#launch(frame);
      return;
    }
    this.#onWire = frame;
    s.sim.schedule(ser, LinkEnd.#serialized, this);
  }

  /**
   * Serialization of the frame on the wire has ended: send it on, start the next.
   * (Event handlers are static and take the end as argument: no closure per frame.)
   */
  static #serialized(end: LinkEnd): void {
    const frame = end.#onWire!;
    end.#onWire = undefined;
    end.#launch(frame);
    const st = end.stats;
    for (let next = end.#queue.shift(); next !== undefined; next = end.#queue.shift()) {
      st.queuedFrames--;
      st.queuedBytes -= next.length;
      if (end.#s.link.up) {
        end.#transmit(next);
        return;
      }
      end.#drop(next, 'down');
    }
  }

  #launch(frame: Uint8Array): void {
    const s = this.#s;
    if (s.loss > 0 && s.random!.uniform() < s.loss) {
      this.#drop(frame, 'loss');
      return;
    }
    this.#inFlight.push(frame);
    s.sim.schedule(s.latency, LinkEnd.#arrived, this);
  }

  /** The oldest frame in flight reaches the peer. */
  static #arrived(end: LinkEnd): void {
    end.#arrive();
  }

  #arrive(): void {
    const frame = this.#inFlight.shift()!;
    const s = this.#s;
    if (!s.link.up) {
      this.#drop(frame, 'down');
      return;
    }
    const sink = this.peer.#sink;
    if (sink === undefined) {
      this.#drop(frame, 'unattached');
      return;
    }
    const st = this.stats;
    st.rxFrames++;
    st.rxBytes += frame.length;
    this.#notify(frame, this.#tapInfo.rx);
    if (s.log?.enabled) s.log.emit('linkRx', { link: s.link.name, from: this.name, bytes: frame.length });
    sink.receive(frame, s.sim.now());
  }

  #drop(frame: Uint8Array, reason: DropReason): false {
    const s = this.#s;
    this.stats.drops[reason]++;
    this.#notify(frame, this.#tapInfo.drop[reason]);
    if (s.log?.enabled) s.log.emit('linkDrop', { link: s.link.name, from: this.name, bytes: frame.length, reason });
    return false;
  }

  #notify(frame: Uint8Array, info: TapInfo): void {
    const taps = this.#s.taps;
    if (taps.length === 0) return;
    const now = this.#s.sim.now();
    for (const tap of taps) tap.frame(frame, now, info);
  }
}
