/**
 * Receive-side counters: a `FlowSink` counts packets and bytes per flow (the IPv4
 * 5-tuple as the receiver sees it) and remembers when each flow's first and last
 * packet arrived, and, for TCP-like flows, when its SYN and FIN arrived.
 */
import { formatIpv4 } from '../flow/addr.js';

/** An IPv4 5-tuple, from the sender's point of view. */
export interface FiveTuple {
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  readonly srcPort: number;
  readonly dstPort: number;
}

/** One text key per 5-tuple, e.g. `6 10.0.0.1:40000>10.0.0.2:80`. */
export function flowKeyText(t: FiveTuple): string {
  return `${t.protocol} ${formatIpv4(t.src)}:${t.srcPort}>${formatIpv4(t.dst)}:${t.dstPort}`;
}

export interface FlowRecord {
  readonly tuple: FiveTuple;
  packets: number;
  /** Whole frames (Ethernet header onwards, no FCS). */
  bytes: number;
  /** Layer-4 payload bytes (TCP data counted once, even if sent again). */
  payloadBytes: number;
  firstNs: number;
  lastNs: number;
  /** TCP: when the first SYN arrived. */
  synNs: number | undefined;
  /** TCP: when the first FIN arrived (the sender has sent all its data by then). */
  finNs: number | undefined;
}

export class FlowSink {
  readonly #flows = new Map<string, FlowRecord>();
  #packets = 0;
  #bytes = 0;

  /** Counts one packet of `tuple`, `frameLen` bytes long, at time `nowNs`. */
  count(tuple: FiveTuple, frameLen: number, nowNs: number): FlowRecord {
    const key = flowKeyText(tuple);
    let rec = this.#flows.get(key);
    if (!rec) {
      rec = {
        tuple: { ...tuple },
        packets: 0,
        bytes: 0,
        payloadBytes: 0,
        firstNs: nowNs,
        lastNs: nowNs,
        synNs: undefined,
        finNs: undefined,
      };
      this.#flows.set(key, rec);
    }
    rec.packets++;
    rec.bytes += frameLen;
    rec.lastNs = nowNs;
    this.#packets++;
    this.#bytes += frameLen;
    return rec;
  }

  get packets(): number {
    return this.#packets;
  }
  get bytes(): number {
    return this.#bytes;
  }
  /** Distinct flows seen. */
  get flowCount(): number {
    return this.#flows.size;
  }
  flow(tuple: FiveTuple): FlowRecord | undefined {
    return this.#flows.get(flowKeyText(tuple));
  }
  /**
   * Receiver-side completion times of TCP flows that both opened and closed here: first
   * SYN to first FIN, in order of first arrival. (The sender's own view, SYN sent to
   * the peer's FIN received, is `TcpFlow.fctNs`.)
   */
  completionTimes(): number[] {
    const out: number[] = [];
    for (const r of this.#flows.values()) if (r.synNs !== undefined && r.finNs !== undefined) out.push(r.finNs - r.synNs);
    return out;
  }

  /** Every flow, in order of first arrival. */
  flows(): FlowRecord[] {
    return [...this.#flows.values()];
  }
}
