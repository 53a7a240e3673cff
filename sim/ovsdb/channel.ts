/**
 * Channel: the byte stream an OVSDB (or OpenFlow) connection runs over. Protocol code sees
 * only this interface, so the same server session serves a real `ovs-vsctl` on a unix
 * socket and a simulated vswitchd whose bytes travel through the engine with a latency.
 *
 * Two implementations live here: `socketChannel` wraps a connected node socket, and
 * `simulatedChannelPair` joins two ends through the discrete-event simulator, delivering
 * each write `latencyNs` later, in order.
 */
import type { Socket } from 'node:net';

/** What a channel reports to whoever reads it. */
export interface ChannelReceiver {
  /** Bytes from the peer, in order. The array may be reused after the call returns. */
  data(chunk: Uint8Array): void;
  /** The stream ended (peer closed, error, or our own close); called once. */
  closed(reason: string | null): void;
}

export interface Channel {
  /** A name for logs: `unix#3`, `tcp:127.0.0.1:50412`, `sim#1`. */
  readonly name: string;
  /** Starts delivery to `receiver`; call once, before any data can be lost. */
  start(receiver: ChannelReceiver): void;
  /** Queues bytes for the peer. Ignored once the channel is closed. */
  write(chunk: Uint8Array | string): void;
  /** Bytes written but not yet taken by the peer: a backpressure hint. */
  readonly backlog: number;
  /** Sends what is queued, then ends the stream; `closed` follows. */
  close(): void;
  /** Ends the stream at once, dropping queued bytes. */
  abort(): void;
}

/** A channel over a connected node socket (unix or TCP). */
export function socketChannel(sock: Socket, name: string): Channel {
  let receiver: ChannelReceiver | null = null;
  let done = false;
  // Each write goes to the kernel at once, as OVS's jsonrpc does. Corking until the end of
  // the event-loop turn saved system calls but held every reply to a batch of pipelined
  // requests until the whole batch was processed, so the two ends took turns idling
  // (measured: monitor updates/s 0.8x Debian's ovsdb-server corked, 1.05-1.18x not).
  const finish = (reason: string | null): void => {
    if (done) return;
    done = true;
    receiver?.closed(reason);
  };
  sock.setNoDelay?.(true);
  return {
    name,
    start(r) {
      receiver = r;
      sock.on('data', (chunk: Buffer) => {
        if (!done) r.data(chunk);
      });
      sock.on('error', (e) => finish(e.message));
      sock.on('close', () => finish(null));
      sock.on('end', () => sock.end());
    },
    write(chunk) {
      if (done || sock.destroyed) return;
      sock.write(chunk);
    },
    get backlog() {
      return sock.writableLength;
    },
    close() {
      if (done) return;
      sock.end();
      // A peer that never reads must not keep a closing socket alive forever.
      setTimeout(() => sock.destroy(), 5_000).unref();
    },
    abort() {
      sock.destroy();
      finish(null);
    },
  };
}

/** The part of the engine a simulated channel needs: a clock and a way to schedule. */
export interface ChannelScheduler {
  now(): number;
  schedule<A>(delayNs: number, fn: (arg: A) => void, arg: A): unknown;
}

const encoder = new TextEncoder();

interface Delivery {
  readonly to: SimEnd;
  readonly chunk: Uint8Array | null; // null: end of stream
}

class SimEnd implements Channel {
  peer: SimEnd | null = null;
  receiver: ChannelReceiver | null = null;
  /** Data that arrived before `start`. */
  early: Delivery[] = [];
  writeClosed = false;
  readClosed = false;
  inFlight = 0;

  constructor(
    readonly name: string,
    readonly sched: ChannelScheduler,
    readonly latencyNs: number,
  ) {}

  start(receiver: ChannelReceiver): void {
    this.receiver = receiver;
    const early = this.early;
    this.early = [];
    for (const d of early) SimEnd.deliver(d);
  }

  write(chunk: Uint8Array | string): void {
    if (this.writeClosed || this.peer === null) return;
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk.slice();
    this.inFlight += bytes.length;
    this.sched.schedule(this.latencyNs, SimEnd.arrive, { to: this.peer, chunk: bytes });
  }

  get backlog(): number {
    return this.inFlight;
  }

  close(): void {
    if (this.writeClosed) return;
    this.writeClosed = true;
    if (this.peer !== null) this.sched.schedule(this.latencyNs, SimEnd.arrive, { to: this.peer, chunk: null });
    this.#end(null);
  }

  abort(): void {
    this.close();
  }

  #end(reason: string | null): void {
    if (this.readClosed) return;
    this.readClosed = true;
    this.receiver?.closed(reason);
  }

  static arrive(d: Delivery): void {
    const from = d.to.peer;
    if (from !== null && d.chunk !== null) from.inFlight -= d.chunk.length;
    if (d.to.receiver === null) d.to.early.push(d);
    else SimEnd.deliver(d);
  }

  static deliver(d: Delivery): void {
    const end = d.to;
    if (end.readClosed) return;
    if (d.chunk === null) {
      end.writeClosed = true;
      end.#end(null);
    } else {
      end.receiver?.data(d.chunk);
    }
  }
}

/**
 * Two connected channel ends whose bytes take `latencyNs` of simulated time to cross.
 *
 * @example
 * const [client, server] = simulatedChannelPair(sim, { latencyNs: us(50) });
 */
export function simulatedChannelPair(
  sched: ChannelScheduler,
  opts: { readonly latencyNs?: number; readonly name?: string } = {},
): [Channel, Channel] {
  const latency = opts.latencyNs ?? 0;
  const base = opts.name ?? 'sim';
  const a = new SimEnd(`${base}:a`, sched, latency);
  const b = new SimEnd(`${base}:b`, sched, latency);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
