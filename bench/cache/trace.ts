/**
 * A workload's packets: arrival time, input port and frame bytes, in time order. Built
 * from flows (a 5-tuple, a start time, a packet count and a gap between packets) whose
 * packets are interleaved by time; the frames are real Ethernet/IPv4 bytes that the
 * datapath parses like any other.
 *
 * Packets of one flow share a frame object per distinct header (a TCP flow has at most
 * three: SYN, ACK, FIN|ACK), since only headers matter to a flow cache and the rules the
 * benchmark installs never rewrite a packet; payloads are left out for the same reason.
 */
import { TCP_FLAG } from '../../sim/packet/tcp.js';
import { icmpFrame, tcpFrame, udpFrame, type IpAddressing } from '../../sim/host/frames.js';
import { PROTO, type FiveTuple } from './classbench.js';

export interface Trace {
  readonly count: number;
  readonly times: Float64Array;
  readonly ports: Int32Array;
  readonly frames: readonly Uint8Array[];
  /** Per packet: 0 for ordinary traffic, 1 for attack traffic (reported apart). */
  readonly tags: Uint8Array;
}

/** The trace without its attack packets: the same legitimate traffic, unattacked. */
export function withoutAttack(t: Trace): Trace {
  const keep: number[] = [];
  for (let i = 0; i < t.count; i++) if (t.tags[i] === 0) keep.push(i);
  return {
    count: keep.length,
    times: Float64Array.from(keep, (i) => t.times[i]!),
    ports: Int32Array.from(keep, (i) => t.ports[i]!),
    frames: keep.map((i) => t.frames[i]!),
    tags: new Uint8Array(keep.length),
  };
}

export interface FlowSpec {
  readonly tuple: FiveTuple;
  readonly startNs: number;
  readonly packets: number;
  /** Time between a flow's packets. */
  readonly gapNs: number;
  /** Datapath input port (default 1). */
  readonly port?: number;
  readonly srcMac?: bigint;
  readonly dstMac?: bigint;
  /** 1 marks attack traffic. */
  readonly tag?: number;
}

export const CLIENT_MAC = 0x020000000001n;
export const SERVER_MAC = 0x020000000002n;

/** One frame for a 5-tuple with the given TCP flags (ignored for UDP and ICMP). */
export function frameFor(t: FiveTuple, flags: number, macs: { src?: bigint; dst?: bigint } = {}): Uint8Array {
  const a: IpAddressing = { srcMac: macs.src ?? CLIENT_MAC, dstMac: macs.dst ?? SERVER_MAC, src: t.src, dst: t.dst, ident: 0 };
  if (t.proto === PROTO.TCP) {
    return tcpFrame(a, { srcPort: t.sport, dstPort: t.dport, seq: 1, ack: flags & TCP_FLAG.ACK ? 1 : 0, flags, window: 65535, payloadLen: 0 });
  }
  if (t.proto === PROTO.UDP) return udpFrame(a, { srcPort: t.sport, dstPort: t.dport, payload: new Uint8Array(18) });
  return icmpFrame(a, { type: t.sport, code: t.dport, restOfHeader: 0, payload: new Uint8Array(0) });
}

/** Collects packets in any order; `finish` sorts them by time (ties keep insertion order). */
export class TraceBuilder {
  readonly #times: number[] = [];
  readonly #ports: number[] = [];
  readonly #frames: Uint8Array[] = [];
  readonly #tags: number[] = [];

  get count(): number {
    return this.#times.length;
  }

  add(timeNs: number, port: number, frame: Uint8Array, tag = 0): void {
    this.#tags.push(tag);
    this.#times.push(timeNs);
    this.#ports.push(port);
    this.#frames.push(frame);
  }

  /** Adds a flow's packets: TCP opens with SYN and closes with FIN|ACK when it has 3 or more. */
  addFlow(f: FlowSpec): void {
    const port = f.port ?? 1;
    const macs = { src: f.srcMac ?? CLIENT_MAC, dst: f.dstMac ?? SERVER_MAC };
    if (f.tuple.proto !== PROTO.TCP) {
      const frame = frameFor(f.tuple, 0, macs);
      for (let i = 0; i < f.packets; i++) this.add(f.startNs + i * f.gapNs, port, frame, f.tag ?? 0);
      return;
    }
    const { SYN, ACK, FIN } = TCP_FLAG;
    const syn = frameFor(f.tuple, SYN, macs);
    const ack = f.packets > 1 ? frameFor(f.tuple, ACK, macs) : syn;
    const fin = f.packets > 2 ? frameFor(f.tuple, FIN | ACK, macs) : ack;
    for (let i = 0; i < f.packets; i++) {
      const frame = i === 0 ? syn : i === f.packets - 1 ? fin : ack;
      this.add(f.startNs + i * f.gapNs, port, frame, f.tag ?? 0);
    }
  }

  finish(): Trace {
    const n = this.#times.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const t = this.#times;
    order.sort((a, b) => t[a]! - t[b]! || a - b);
    const times = new Float64Array(n);
    const ports = new Int32Array(n);
    const frames: Uint8Array[] = new Array<Uint8Array>(n);
    const tags = new Uint8Array(n);
    order.forEach((src, i) => {
      tags[i] = this.#tags[src]!;
      times[i] = Math.round(t[src]!);
      ports[i] = this.#ports[src]!;
      frames[i] = this.#frames[src]!;
    });
    return { count: n, times, ports, frames, tags };
  }
}
