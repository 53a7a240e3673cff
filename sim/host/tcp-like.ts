/**
 * A TCP-like flow: enough of TCP that a switch sees what real flows look like — a
 * three-way handshake, data segments with rising sequence numbers and ACKs coming back,
 * a FIN exchange at the end, RST for segments nobody expects — without congestion
 * control.
 *
 * What we chose, and why:
 *   - a fixed window of `windowSegments` full-size segments in flight (default 10, the
 *     usual initial window), clocked by cumulative ACKs. Flow lifetimes then depend on
 *     the path's delay and bandwidth, as they do for short real flows, and the model
 *     stays small;
 *   - go-back-N on a fixed retransmission timeout (default 200 ms, Linux's minimum RTO):
 *     the receiver keeps only in-order data and repeats its ACK for anything else, so a
 *     lost segment makes the sender resend from the first unacknowledged byte;
 *   - every data segment is acknowledged (no delayed ACK); the receiver closes with one
 *     FIN|ACK in answer to the sender's FIN, so a flow is SYN, SYN|ACK, ACK, data…,
 *     FIN|ACK, FIN|ACK, ACK;
 *   - payload bytes are zeros: only lengths matter to a switch.
 * Sequence numbers are kept as offsets from the initial sequence number and turned into
 * 32-bit wire values when a segment is built, so flows must stay below 2 GiB.
 */
import type { EventHandle, Simulator } from '../../engine/simulator.js';
import { TCP_FLAG } from '../packet/tcp.js';
import type { TcpSegmentSpec } from './frames.js';

const { FIN, SYN, RST, PSH, ACK } = TCP_FLAG;
const WIRE_WINDOW = 0xffff;
/** Largest flow: offsets must not wrap the 32-bit sequence space. */
export const MAX_FLOW_BYTES = 2 ** 31 - 2;

/** A received segment, decoded enough for a connection. */
export interface TcpSegmentIn {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly payloadLen: number;
}

/** What a connection needs from its host. */
export interface TcpStack {
  readonly sim: Simulator;
  /** Sends a segment to `dst` (through ARP, like any IP datagram). */
  transmitTcp(dst: number, seg: TcpSegmentSpec): void;
  /** Takes the connection out of the host's demultiplexing table. */
  release(conn: TcpConnection): void;
}

/** Either end of a TCP-like flow, as the host demultiplexes to it. */
export interface TcpConnection {
  readonly remoteIp: number;
  readonly remotePort: number;
  readonly localPort: number;
  onSegment(seg: TcpSegmentIn): void;
}

export interface TcpFlowOptions {
  readonly dst: number;
  readonly dstPort: number;
  readonly srcPort: number;
  /** Application bytes to send (0: handshake and close only). */
  readonly bytes: number;
  /** Segment payload size (default 1460). */
  readonly mss?: number;
  /** Segments in flight (default 10). */
  readonly windowSegments?: number;
  /** Retransmission timeout (default 200 ms). */
  readonly rtoNs?: number;
  /** Times a SYN or FIN is sent before the flow gives up (default 4). */
  readonly maxTries?: number;
  /** Initial sequence number (the host picks one). */
  readonly isn: number;
}

export type TcpFlowState = 'synSent' | 'established' | 'finWait' | 'timeWait' | 'closed';
export type TcpFlowOutcome = 'completed' | 'reset' | 'timedOut';

/** The active (sending) end of a flow: connects, sends `bytes`, closes. */
export class TcpFlow implements TcpConnection {
  readonly remoteIp: number;
  readonly remotePort: number;
  readonly localPort: number;
  readonly bytes: number;
  readonly startNs: number;
  state: TcpFlowState = 'synSent';
  outcome: TcpFlowOutcome | undefined;
  /** When the SYN|ACK arrived. */
  establishedNs: number | undefined;
  /** When the peer's FIN arrived after all data was acknowledged. */
  completedNs: number | undefined;
  segmentsSent = 0;
  retransmits = 0;
  /** Called once when the flow completes, is reset or gives up. */
  onDone: ((f: TcpFlow) => void) | undefined;

  readonly #stack: TcpStack;
  readonly #isn: number;
  readonly #mss: number;
  readonly #window: number;
  readonly #rtoNs: number;
  readonly #maxTries: number;
  #irs = 0;
  /** Offsets into the data: first unacknowledged byte, next byte to send. */
  #una = 0;
  #nxt = 0;
  #tries = 0;
  #timer: EventHandle | undefined;

  constructor(stack: TcpStack, opts: TcpFlowOptions) {
    this.#stack = stack;
    this.remoteIp = opts.dst;
    this.remotePort = opts.dstPort;
    this.localPort = opts.srcPort;
    this.bytes = opts.bytes;
    this.#isn = opts.isn >>> 0;
    this.#mss = opts.mss ?? 1460;
    this.#window = (opts.windowSegments ?? 10) * this.#mss;
    this.#rtoNs = opts.rtoNs ?? 200_000_000;
    this.#maxTries = opts.maxTries ?? 4;
    if (!Number.isInteger(this.bytes) || this.bytes < 0 || this.bytes > MAX_FLOW_BYTES) {
      throw new RangeError(`TCP flow size must be 0..${MAX_FLOW_BYTES} bytes, got ${this.bytes}`);
    }
    if (!Number.isInteger(this.#mss) || this.#mss < 1 || this.#mss > 65495) throw new RangeError(`TCP mss must be 1..65495, got ${this.#mss}`);
    if (!(this.#window >= this.#mss)) throw new RangeError(`TCP window must be at least one segment, got ${opts.windowSegments}`);
    this.startNs = stack.sim.now();
  }

  /** Flow completion time: SYN sent to the peer's FIN received. */
  get fctNs(): number | undefined {
    return this.completedNs === undefined ? undefined : this.completedNs - this.startNs;
  }

  /** Bytes the peer has acknowledged. */
  get ackedBytes(): number {
    return this.#una;
  }

  start(): void {
    this.#sendSyn();
  }

  onSegment(seg: TcpSegmentIn): void {
    if (seg.flags & RST) {
      if (this.state !== 'closed' && this.state !== 'timeWait') this.#close('reset');
      return;
    }
    switch (this.state) {
      case 'synSent':
        if ((seg.flags & (SYN | ACK)) === (SYN | ACK) && seg.ack === ((this.#isn + 1) >>> 0)) {
          this.#irs = seg.seq;
          this.establishedNs = this.#stack.sim.now();
          this.state = 'established';
          this.#tries = 0;
          this.#clearTimer();
          this.#segment(ACK, this.#nxt, 0);
          this.#pump();
        }
        return;
      case 'established':
        if (seg.flags & ACK) this.#onAck(seg.ack);
        return;
      case 'finWait':
        if (seg.flags & ACK && seg.flags & FIN && this.#rel(seg.ack) === this.bytes + 1) {
          this.completedNs = this.#stack.sim.now();
          this.#segment(ACK, this.bytes + 1, 0, 1);
          this.state = 'timeWait';
          this.#clearTimer();
          this.outcome = 'completed';
          this.onDone?.(this);
          // Linger to answer a repeated FIN, in case our last ACK is lost.
          this.#timer = this.#stack.sim.schedule(2 * this.#rtoNs, this.#onTimeWaitEnd);
        }
        return;
      case 'timeWait':
        if (seg.flags & FIN) this.#segment(ACK, this.bytes + 1, 0, 1);
        return;
      case 'closed':
        return;
    }
  }

  #rel(ack: number): number {
    return (ack - this.#isn - 1) >>> 0;
  }

  #onAck(ack: number): void {
    const rel = this.#rel(ack);
    if (rel > this.#una && rel <= this.#nxt) {
      this.#una = rel;
      this.#tries = 0;
      this.#clearTimer();
      if (this.#una < this.#nxt) this.#armTimer();
    }
    this.#pump();
  }

  /** Sends what the window allows; FIN once everything is acknowledged. */
  #pump(): void {
    while (this.#nxt < this.bytes && this.#nxt - this.#una < this.#window) {
      const len = Math.min(this.#mss, this.bytes - this.#nxt, this.#una + this.#window - this.#nxt);
      const last = this.#nxt + len === this.bytes;
      this.#segment(last ? ACK | PSH : ACK, this.#nxt, len);
      this.#nxt += len;
      this.#armTimer();
    }
    if (this.#una === this.bytes) {
      this.state = 'finWait';
      this.#tries = 0;
      this.#sendFin();
    }
  }

  #sendSyn(): void {
    this.#tries++;
    this.#segment(SYN, -1, 0);
    this.#armTimer();
  }

  #sendFin(): void {
    this.#tries++;
    this.#segment(FIN | ACK, this.bytes, 0);
    this.#armTimer();
  }

  /** Emits a segment whose first byte is at data offset `off` (-1: the SYN). */
  #segment(flags: number, off: number, len: number, finSeen = 0): void {
    this.segmentsSent++;
    const ackNo = flags & ACK ? (this.#irs + 1 + finSeen) >>> 0 : 0;
    this.#stack.transmitTcp(this.remoteIp, {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq: (this.#isn + 1 + off) >>> 0,
      ack: ackNo,
      flags,
      window: WIRE_WINDOW,
      payloadLen: len,
      options: flags & SYN ? [{ kind: 'mss', value: this.#mss }] : undefined,
    });
  }

  #armTimer(): void {
    if (this.#timer === undefined) this.#timer = this.#stack.sim.schedule(this.#rtoNs, this.#onTimeout);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#stack.sim.cancel(this.#timer);
    this.#timer = undefined;
  }

  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    switch (this.state) {
      case 'synSent':
        if (this.#tries >= this.#maxTries) return this.#close('timedOut');
        this.retransmits++;
        return this.#sendSyn();
      case 'established':
        // Go back to the first unacknowledged byte.
        this.retransmits++;
        this.#nxt = this.#una;
        return this.#pump();
      case 'finWait':
        if (this.#tries >= this.#maxTries) return this.#close('timedOut');
        this.retransmits++;
        return this.#sendFin();
      default:
        return;
    }
  };

  readonly #onTimeWaitEnd = (): void => {
    this.#timer = undefined;
    this.state = 'closed';
    this.#stack.release(this);
  };

  #close(outcome: TcpFlowOutcome): void {
    this.#clearTimer();
    this.state = 'closed';
    this.outcome = outcome;
    this.#stack.release(this);
    this.onDone?.(this);
  }
}

/** The passive end: accepts the connection, acknowledges in-order data, closes on FIN. */
export class TcpResponder implements TcpConnection {
  readonly remoteIp: number;
  readonly remotePort: number;
  readonly localPort: number;
  /** In-order bytes received. */
  received = 0;
  #state: 'synReceived' | 'established' | 'lastAck' | 'closed' = 'synReceived';
  readonly #stack: TcpStack;
  readonly #isn: number;
  readonly #irs: number;
  readonly #rtoNs: number;
  readonly #maxTries: number;
  #tries = 0;
  #timer: EventHandle | undefined;

  constructor(stack: TcpStack, spec: { remoteIp: number; remotePort: number; localPort: number; irs: number; isn: number; rtoNs?: number }) {
    this.#stack = stack;
    this.remoteIp = spec.remoteIp;
    this.remotePort = spec.remotePort;
    this.localPort = spec.localPort;
    this.#irs = spec.irs >>> 0;
    this.#isn = spec.isn >>> 0;
    this.#rtoNs = spec.rtoNs ?? 200_000_000;
    this.#maxTries = 4;
    this.#sendSynAck();
  }

  onSegment(seg: TcpSegmentIn): void {
    if (seg.flags & RST) return this.#close();
    const rel = (seg.seq - this.#irs - 1) >>> 0;
    if (seg.flags & SYN) {
      // A repeated SYN: our SYN|ACK was lost.
      if (this.#state === 'synReceived') this.#sendSynAck();
      return;
    }
    if (this.#state === 'synReceived' && seg.flags & ACK && seg.ack === ((this.#isn + 1) >>> 0)) {
      this.#state = 'established';
      this.#clearTimer();
    }
    if (this.#state === 'synReceived') return;
    if (this.#state === 'lastAck') {
      if (seg.flags & FIN) this.#sendFinAck();
      else if (seg.flags & ACK && seg.ack === ((this.#isn + 2) >>> 0)) this.#close();
      return;
    }
    if (seg.payloadLen > 0 && rel === this.received) this.received += seg.payloadLen;
    if (seg.flags & FIN && rel + seg.payloadLen === this.received) {
      this.#state = 'lastAck';
      this.#tries = 0;
      this.#sendFinAck();
      return;
    }
    if (seg.payloadLen > 0) this.#send(ACK, 1, 0);
  }

  #sendSynAck(): void {
    this.#tries++;
    this.#send(SYN | ACK, 0, 0);
    this.#armTimer();
  }

  #sendFinAck(): void {
    this.#tries++;
    this.#send(FIN | ACK, 1, 1);
    this.#armTimer();
  }

  /** `seqOff`: our sequence offset from the ISN; `finSeen`: 1 once the peer's FIN is in. */
  #send(flags: number, seqOff: number, finSeen: number): void {
    this.#stack.transmitTcp(this.remoteIp, {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq: (this.#isn + seqOff) >>> 0,
      ack: (this.#irs + 1 + this.received + finSeen) >>> 0,
      flags,
      window: WIRE_WINDOW,
      payloadLen: 0,
    });
  }

  #armTimer(): void {
    this.#clearTimer();
    this.#timer = this.#stack.sim.schedule(this.#rtoNs, this.#onTimeout);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#stack.sim.cancel(this.#timer);
    this.#timer = undefined;
  }

  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    if (this.#tries >= this.#maxTries) return this.#close();
    if (this.#state === 'synReceived') this.#sendSynAck();
    else if (this.#state === 'lastAck') this.#sendFinAck();
  };

  #close(): void {
    this.#clearTimer();
    this.#state = 'closed';
    this.#stack.release(this);
  }
}
