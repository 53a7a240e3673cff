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

/**
 * Flows are found by a 30-bit hash of the 5-tuple (a small-integer Map key, so counting
 * a packet builds no string and no object) and told apart by comparing the fields; flows
 * whose hashes collide share a bucket.
 */
export class FlowSink {
  readonly #buckets = new Map<number, FlowRecord | FlowRecord[]>();
  /** In order of first arrival. */
  readonly #order: FlowRecord[] = [];
  /** The flow counted last: packets mostly come in trains of one flow. */
  #last: FlowRecord | undefined;
  #packets = 0;
  #bytes = 0;

  /** Counts one packet of `tuple`, `frameLen` bytes long, at time `nowNs`. */
  count(tuple: FiveTuple, frameLen: number, nowNs: number): FlowRecord {
    return this.countFields(tuple.src, tuple.dst, tuple.protocol, tuple.srcPort, tuple.dstPort, frameLen, nowNs);
  }

  /** `count` with the 5-tuple as separate numbers (the receive path's form). */
  countFields(src: number, dst: number, protocol: number, srcPort: number, dstPort: number, frameLen: number, nowNs: number): FlowRecord {
    let rec = this.#last;
    if (rec === undefined || !sameTuple(rec.tuple, src, dst, protocol, srcPort, dstPort)) {
      rec = this.#find(tupleHash(src, dst, protocol, srcPort, dstPort), src, dst, protocol, srcPort, dstPort);
    }
    if (rec === undefined) {
      rec = {
        tuple: { src, dst, protocol, srcPort, dstPort },
        packets: 0,
        bytes: 0,
        payloadBytes: 0,
        firstNs: nowNs,
        lastNs: nowNs,
        synNs: undefined,
        finNs: undefined,
      };
      const h = tupleHash(src, dst, protocol, srcPort, dstPort);
      const there = this.#buckets.get(h);
      if (there === undefined) this.#buckets.set(h, rec);
      else if (Array.isArray(there)) there.push(rec);
      else this.#buckets.set(h, [there, rec]);
      this.#order.push(rec);
    }
    this.#last = rec;
    rec.packets++;
    rec.bytes += frameLen;
    rec.lastNs = nowNs;
    this.#packets++;
    this.#bytes += frameLen;
    return rec;
  }

  #find(h: number, src: number, dst: number, protocol: number, srcPort: number, dstPort: number): FlowRecord | undefined {
    const there = this.#buckets.get(h);
    if (there === undefined) return undefined;
    if (!Array.isArray(there)) return sameTuple(there.tuple, src, dst, protocol, srcPort, dstPort) ? there : undefined;
    for (const r of there) if (sameTuple(r.tuple, src, dst, protocol, srcPort, dstPort)) return r;
    return undefined;
  }

  get packets(): number {
    return this.#packets;
  }
  get bytes(): number {
    return this.#bytes;
  }
  /** Distinct flows seen. */
  get flowCount(): number {
    return this.#order.length;
  }
  flow(tuple: FiveTuple): FlowRecord | undefined {
    const { src, dst, protocol, srcPort, dstPort } = tuple;
    return this.#find(tupleHash(src, dst, protocol, srcPort, dstPort), src, dst, protocol, srcPort, dstPort);
  }
  /**
   * Receiver-side completion times of TCP flows that both opened and closed here: first
   * SYN to first FIN, in order of first arrival. (The sender's own view, SYN sent to
   * the peer's FIN received, is `TcpFlow.fctNs`.)
   */
  completionTimes(): number[] {
    const out: number[] = [];
    for (const r of this.#order) if (r.synNs !== undefined && r.finNs !== undefined) out.push(r.finNs - r.synNs);
    return out;
  }

  /** Every flow, in order of first arrival. */
  flows(): FlowRecord[] {
    return [...this.#order];
  }
}

function sameTuple(t: FiveTuple, src: number, dst: number, protocol: number, srcPort: number, dstPort: number): boolean {
  return t.src === src && t.dst === dst && t.srcPort === srcPort && t.dstPort === dstPort && t.protocol === protocol;
}

/**
 * A 30-bit mix of the 5-tuple (non-negative and small, so V8 keeps it an unboxed
 * integer). Exported for tests, which look for colliding tuples.
 */
export function tupleHash(src: number, dst: number, protocol: number, srcPort: number, dstPort: number): number {
  let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ dst, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ ((srcPort << 16) | dstPort), 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16) ^ protocol, 0x165667b1);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}
