/**
 * A point-to-point link: two ends, and in each direction a transmitter with a drop-tail
 * queue, a wire with fixed latency, and optional random loss.
 *
 * A frame sent at an end waits in that end's queue while earlier frames serialize, takes
 * bytes × 8 / bandwidth to serialize (rounded up to whole ns), may be lost on the wire
 * (a Bernoulli draw from the link's own random stream), and reaches the peer's sink
 * `latency` later. The queue counts frames waiting, not the one being serialized; a
 * frame that would exceed either limit is dropped ("drop-tail"). Frames are delivered as
 * the same Uint8Array that was sent: the sender hands it over and must not change it
 * afterwards.
 *
 * The transmitter is not simulated step by step: with a constant rate and a FIFO queue,
 * a frame accepted at `now` starts serializing at max(now, end of the previous frame),
 * so its whole future is known when it is sent, and one event per frame (its arrival)
 * is enough. Arrivals come in send order, so each direction keeps one arrival pending,
 * for its oldest frame, and each arrival schedules the next: the event queue holds fewer
 * entries, due sooner (cheaper for it), and dropping queued frames has no event to
 * cancel. The frames an end holds sit on one ring in send order, each with its start
 * and end of serialization; those whose start is still ahead are the queue, and are
 * counted as sent (`txFrames`) once their start has passed (`stats` brings the counters
 * up to date whenever it is read). Loss draws are made lazily but in order of end of
 * serialization over both directions, so they come out as a draw at the end of each
 * frame would (the stream must be the link's own).
 *
 * Only what an observer could tell apart costs more: while the link has taps or an
 * enabled event log, a frame that has to wait gets an event at its start (the `tx` tap
 * and `linkTx` record) and, on a lossy link, one at its end of serialization (the loss
 * draw, so a `loss` drop is seen when serialization ends). A tap added while frames are
 * waiting or in flight sees their `tx` and `loss` at their arrival instead, or not at all.
 * Taking the link down drops the queue if it is still down when the frame on the wire
 * finishes, as a transmitter that checks the carrier before each frame would.
 *
 * Two instants at exactly the same ns are ordered by arithmetic, not by event order: a
 * frame sent at the very instant the previous one finishes serializing starts at once
 * and never counts as queued.
 *
 * The link knows nothing of switches or hosts: an end delivers to any `FrameSink`, and
 * taps (pcap writers, the viz) see every frame sent, received and dropped.
 */
import { event, type ComponentLog, type EventLog } from './event-log.js';
import type { RandomStream } from './random.js';
import type { EventHandle, Simulator } from './simulator.js';
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
    const log = opts.log?.component('link', LINK_EVENTS);
    const shared: Shared = {
      link: this,
      sim,
      bw,
      latency: opts.latencyNs,
      loss,
      random: opts.random,
      limit,
      taps: this.#taps,
      log,
      logOn: log?.enabled ?? false,
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
    if (up === this.#up) return;
    this.#up = up;
    if (!up) {
      this.a.linkWentDown();
      this.b.linkWentDown();
    }
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
  readonly logOn: boolean;
}

const INITIAL_CAPACITY = 16;

/** One end of a link: sends toward the peer, and delivers what arrives to its sink. */
export class LinkEnd {
  readonly name: EndName;
  /** The other end; set once by the Link. */
  peer!: LinkEnd;
  readonly #stats: DirectionStats = {
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
  readonly #tapInfo: { readonly tx: TapInfo; readonly rx: TapInfo; readonly drop: Readonly<Record<DropReason, TapInfo>> };

  // The frames this end holds (queued, serializing or on the wire), oldest first: a ring
  // of parallel arrays indexed by sequence number & #mask. Sequence numbers only grow,
  // except that dropping the queue when the link goes down takes frames off the tail.
  #mask = INITIAL_CAPACITY - 1;
  #frames: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(INITIAL_CAPACITY);
  /** Start and end of each frame's serialization, ns. */
  #start = new Float64Array(INITIAL_CAPACITY);
  #end = new Float64Array(INITIAL_CAPACITY);
  /** 1 when the frame's loss draw said lost. */
  #lost = new Uint8Array(INITIAL_CAPACITY);
  /** Each frame's pending events (0: none), cancelled if the queue is dropped. */
  #onStart = new Float64Array(INITIAL_CAPACITY);
  #onFate = new Float64Array(INITIAL_CAPACITY);
  /** Oldest frame held; first frame not yet counted as started; one past the newest. */
  #head = 0;
  #started = 0;
  #tail = 0;
  /** First frame whose loss draw has not been made (lossy links only). */
  #drawn = 0;
  /** An arrival event is pending, for the oldest frame held. */
  #arrivalDue = false;
  /** When the transmitter finishes the last frame accepted. */
  #busyUntil = 0;
  /**
   * Set while the link is down with frames queued: the instant the frame on the wire
   * finishes, when the queue is dropped if the link is still down. Frames starting then
   * or later are held back until that is decided.
   */
  #holdFrom = -1;
  /** The first held frame's `tx` was due while it was held. */
  #txOwed = false;

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

  /** Counters for the frames this end sends, as of now. */
  get stats(): DirectionStats {
    const s = this.#s;
    const now = s.sim.now();
    this.#settle(now);
    if (s.loss > 0) LinkEnd.#drawLoss(s.link, now);
    return this.#stats;
  }

  /** Frames arriving at this end go to `sink`. */
  connect(sink: FrameSink): void {
    this.#sink = sink;
  }

  /** Sends a frame toward the peer. Returns false if it was dropped at once (queue full, link down). */
  send(frame: Uint8Array): boolean {
    const s = this.#s;
    const now = s.sim.now();
    if (!s.link.up) return this.#drop(frame, 'down', now);
    if (this.#started < this.#tail) this.#settle(now);
    const st = this.#stats;
    const len = frame.length;
    const start = this.#busyUntil > now ? this.#busyUntil : now;
    const waits = start > now;
    if (waits) {
      if (st.queuedFrames + 1 > s.limit.packets || st.queuedBytes + len > s.limit.bytes) return this.#drop(frame, 'queue', now);
      st.queuedFrames++;
      st.queuedBytes += len;
      if (st.queuedFrames > st.maxQueuedFrames) st.maxQueuedFrames = st.queuedFrames;
    } else {
      st.txFrames++;
      st.txBytes += len;
    }
    const observed = s.logOn || s.taps.length > 0;
    if (observed && !waits) this.#notifyTx(frame, now);
    const ser = s.bw === Infinity ? 0 : Link.serializationNs(len, s.bw);
    const end = start + ser;
    this.#busyUntil = end;
    if (this.#tail - this.#head > this.#mask) this.#grow();
    const i = this.#tail & this.#mask;
    this.#frames[i] = frame;
    this.#start[i] = start;
    this.#end[i] = end;
    this.#lost[i] = 0;
    // Scheduled in the order they are due, so that ties keep that order.
    this.#onStart[i] = observed && waits ? s.sim.schedule(start - now, LinkEnd.#startedSerializing, this) : 0;
    this.#onFate[i] = observed && ser > 0 && s.loss > 0 ? s.sim.schedule(end - now, LinkEnd.#serialized, this) : 0;
    this.#tail++;
    if (!this.#arrivalDue) {
      this.#arrivalDue = true;
      s.sim.schedule(end + s.latency - now, LinkEnd.#arrived, this);
    }
    if (!waits) this.#started = this.#tail;
    // Nothing to serialize: the draw is due now, as the taps will want to see it.
    if (observed && ser === 0 && s.loss > 0) LinkEnd.#drawLoss(s.link, now);
    return true;
  }

  /** For Link.setUp: the link has just gone down. */
  linkWentDown(): void {
    if (this.#holdFrom >= 0) return; // a decision is already due
    const now = this.#s.sim.now();
    this.#settle(now);
    if (this.#started === this.#tail) return;
    this.#holdFrom = this.#start[this.#started & this.#mask]!;
    this.#s.sim.schedule(this.#holdFrom - now, LinkEnd.#carrierCheck, this);
  }

  /** Counts the frames whose serialization has begun by `now` as sent. */
  #settle(now: number): void {
    const limit = this.#holdFrom >= 0 && this.#holdFrom <= now ? this.#holdFrom - 1 : now;
    const st = this.#stats;
    while (this.#started < this.#tail) {
      const i = this.#started & this.#mask;
      if (this.#start[i]! > limit) return;
      const len = this.#frames[i]!.length;
      st.queuedFrames--;
      st.queuedBytes -= len;
      st.txFrames++;
      st.txBytes += len;
      this.#started++;
    }
  }

  /**
   * The oldest frame held reaches the peer. Arrivals come in send order: each frame
   * starts after the previous one ends, and the latency is the same for all.
   * (Event handlers are static and take the end as argument: no closure per frame.)
   */
  static #arrived(end: LinkEnd): void {
    end.#arrive();
  }

  #arrive(): void {
    const s = this.#s;
    const now = s.sim.now();
    if (this.#started === this.#head) this.#settle(now);
    if (s.loss > 0) LinkEnd.#drawLoss(s.link, now);
    const i = this.#head & this.#mask;
    const frame = this.#frames[i]!;
    this.#frames[i] = undefined;
    this.#head++;
    if (this.#head < this.#tail) s.sim.scheduleAt(this.#end[this.#head & this.#mask]! + s.latency, LinkEnd.#arrived, this);
    else this.#arrivalDue = false;
    if (this.#lost[i] === 1) return; // counted when drawn
    if (!s.link.up) {
      this.#drop(frame, 'down', now);
      return;
    }
    const sink = this.peer.#sink;
    if (sink === undefined) {
      this.#drop(frame, 'unattached', now);
      return;
    }
    const st = this.#stats;
    st.rxFrames++;
    st.rxBytes += frame.length;
    if (s.taps.length > 0) this.#notify(frame, this.#tapInfo.rx, now);
    if (s.logOn) s.log!.emit('linkRx', { link: s.link.name, from: this.name, bytes: frame.length });
    sink.receive(frame, now);
  }

  /** Observed links only: a queued frame starts serializing now. */
  static #startedSerializing(end: LinkEnd): void {
    const now = end.#s.sim.now();
    if (end.#holdFrom === now) {
      end.#txOwed = true; // told once the carrier check has run
      return;
    }
    end.#settle(now);
    const i = end.#findLast(end.#start, now);
    if (i >= 0) end.#notifyTx(end.#frames[i]!, now);
  }

  /** Observed lossy links only: a frame has finished serializing, so its loss draw is due. */
  static #serialized(end: LinkEnd): void {
    LinkEnd.#drawLoss(end.#s.link, end.#s.sim.now());
  }

  /**
   * Makes the loss draws of every frame of both directions that has finished serializing
   * by `now`, in order of end of serialization (direction a first on a tie): the order a
   * transmitter drawing at the end of each frame would use, whenever the draws are made.
   */
  static #drawLoss(link: Link, now: number): void {
    const a = link.a;
    const b = link.b;
    for (;;) {
      const ta = a.#drawn < a.#tail ? a.#end[a.#drawn & a.#mask]! : Infinity;
      const tb = b.#drawn < b.#tail ? b.#end[b.#drawn & b.#mask]! : Infinity;
      const x = ta <= tb ? a : b;
      if ((ta <= tb ? ta : tb) > now) return;
      const i = x.#drawn++ & x.#mask;
      if (x.#s.random!.uniform() < x.#s.loss) {
        x.#lost[i] = 1;
        x.#drop(x.#frames[i]!, 'loss', now);
      }
    }
  }

  /** The slot of the started frame whose `times` entry is `t`, searching from the newest; -1 if none. */
  #findLast(times: Float64Array, t: number): number {
    for (let q = this.#started - 1; q >= this.#head; q--) {
      const i = q & this.#mask;
      const x = times[i]!;
      if (x === t) return i;
      if (x < t) return -1;
    }
    return -1;
  }

  /** The frame on the wire has finished while the link was down: drop the queue if it still is. */
  static #carrierCheck(end: LinkEnd): void {
    const s = end.#s;
    const now = s.sim.now();
    if (end.#holdFrom !== now) return;
    end.#holdFrom = -1;
    const owed = end.#txOwed;
    end.#txOwed = false;
    if (s.link.up) {
      end.#settle(now);
      if (owed) {
        const i = end.#findLast(end.#start, now);
        if (i >= 0) end.#notifyTx(end.#frames[i]!, now);
      }
      return;
    }
    end.#settle(now - 1);
    const st = end.#stats;
    for (let q = end.#started; q < end.#tail; q++) {
      const i = q & end.#mask;
      const frame = end.#frames[i]!;
      for (const h of [end.#onStart[i]!, end.#onFate[i]!]) if (h !== 0) s.sim.cancel(h as EventHandle);
      end.#frames[i] = undefined;
      st.queuedFrames--;
      st.queuedBytes -= frame.length;
      end.#drop(frame, 'down', now);
    }
    end.#tail = end.#started;
    if (end.#drawn > end.#tail) end.#drawn = end.#tail;
    end.#busyUntil = now;
  }

  #grow(): void {
    const oldMask = this.#mask;
    const cap = 2 * (oldMask + 1);
    const mask = cap - 1;
    const frames = new Array<Uint8Array | undefined>(cap);
    const start = new Float64Array(cap);
    const end = new Float64Array(cap);
    const lost = new Uint8Array(cap);
    const onStart = new Float64Array(cap);
    const onFate = new Float64Array(cap);
    for (let q = this.#head; q < this.#tail; q++) {
      const i = q & oldMask;
      const j = q & mask;
      frames[j] = this.#frames[i];
      start[j] = this.#start[i]!;
      end[j] = this.#end[i]!;
      lost[j] = this.#lost[i]!;
      onStart[j] = this.#onStart[i]!;
      onFate[j] = this.#onFate[i]!;
    }
    this.#mask = mask;
    this.#frames = frames;
    this.#start = start;
    this.#end = end;
    this.#lost = lost;
    this.#onStart = onStart;
    this.#onFate = onFate;
  }

  #notifyTx(frame: Uint8Array, now: number): void {
    const s = this.#s;
    if (s.taps.length > 0) this.#notify(frame, this.#tapInfo.tx, now);
    if (s.logOn) s.log!.emit('linkTx', { link: s.link.name, from: this.name, bytes: frame.length });
  }

  #drop(frame: Uint8Array, reason: DropReason, now: number): false {
    const s = this.#s;
    this.#stats.drops[reason]++;
    if (s.taps.length > 0) this.#notify(frame, this.#tapInfo.drop[reason], now);
    if (s.logOn) s.log!.emit('linkDrop', { link: s.link.name, from: this.name, bytes: frame.length, reason });
    return false;
  }

  #notify(frame: Uint8Array, info: TapInfo, now: number): void {
    for (const tap of this.#s.taps) tap.frame(frame, now, info);
  }
}
