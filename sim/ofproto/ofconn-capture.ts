/**
 * OpenFlow connections as a packet capture: every message wrapped in synthetic
 * Ethernet/IPv4/TCP frames between the switch (port 6653 by default) and one client
 * port per connection, with a three-way handshake, consistent sequence numbers and
 * correct checksums, so that Wireshark/tshark reassemble the stream and decode OpenFlow.
 * The frames go to any sink with `write(timestampNs, frame)` — native/pcap's PcapWriter.
 */
import { finish, internetChecksum, ipv4PseudoSum, sumBytes } from '../packet/checksum.js';
import type { OfWireTap } from './connmgr.js';
import type { OfDirection } from '../openflow/channel.js';

export interface FrameSink {
  write(timestampNs: bigint, frame: Uint8Array): unknown;
}

export interface OfCaptureOptions {
  /** The switch's TCP port in the capture (default 6653, which tshark knows as OpenFlow). */
  readonly switchPort?: number;
  /** Added to engine time to make the timestamp (ns since the epoch). */
  readonly epochNs?: bigint;
  /** Largest TCP payload per frame. */
  readonly mss?: number;
}

const SWITCH_IP = 0x0a000001; // 10.0.0.1
const CLIENT_IP = 0x0a000002; // 10.0.0.2
const SWITCH_MAC = [0x02, 0, 0, 0, 0, 1];
const CLIENT_MAC = [0x02, 0, 0, 0, 0, 2];
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
const TCP_PSH = 0x08;
const TCP_FIN = 0x01;

interface Stream {
  readonly clientPort: number;
  /** Next sequence number of each side. */
  clientSeq: number;
  switchSeq: number;
}

export class OfPcapCapture implements OfWireTap {
  readonly #sink: FrameSink;
  readonly #port: number;
  readonly #epoch: bigint;
  readonly #mss: number;
  readonly #streams = new Map<number, Stream>();
  frames = 0;

  constructor(sink: FrameSink, opts: OfCaptureOptions = {}) {
    this.#sink = sink;
    this.#port = opts.switchPort ?? 6653;
    this.#epoch = opts.epochNs ?? 0n;
    this.#mss = opts.mss ?? 1448;
  }

  opened(connId: number, nowNs: number): void {
    const s: Stream = { clientPort: 40000 + (connId % 20000), clientSeq: 1000, switchSeq: 5000 };
    this.#streams.set(connId, s);
    this.#segment(s, 'rx', TCP_SYN, new Uint8Array(0), nowNs);
    s.clientSeq++;
    this.#segment(s, 'tx', TCP_SYN | TCP_ACK, new Uint8Array(0), nowNs);
    s.switchSeq++;
    this.#segment(s, 'rx', TCP_ACK, new Uint8Array(0), nowNs);
  }

  message(connId: number, dir: OfDirection, bytes: Uint8Array, nowNs: number): void {
    const s = this.#streams.get(connId);
    if (!s) return;
    for (let at = 0; at < bytes.length; at += this.#mss) {
      const chunk = bytes.subarray(at, Math.min(bytes.length, at + this.#mss));
      this.#segment(s, dir, TCP_ACK | TCP_PSH, chunk, nowNs);
      if (dir === 'rx') s.clientSeq = (s.clientSeq + chunk.length) >>> 0;
      else s.switchSeq = (s.switchSeq + chunk.length) >>> 0;
    }
  }

  closed(connId: number, nowNs: number): void {
    const s = this.#streams.get(connId);
    if (!s) return;
    this.#segment(s, 'tx', TCP_FIN | TCP_ACK, new Uint8Array(0), nowNs);
    s.switchSeq++;
    this.#segment(s, 'rx', TCP_FIN | TCP_ACK, new Uint8Array(0), nowNs);
    s.clientSeq++;
    this.#segment(s, 'tx', TCP_ACK, new Uint8Array(0), nowNs);
    this.#streams.delete(connId);
  }

  /** One frame: `rx` travels client → switch, `tx` switch → client. */
  #segment(s: Stream, dir: OfDirection, flags: number, payload: Uint8Array, nowNs: number): void {
    const fromClient = dir === 'rx';
    const f = new Uint8Array(14 + 20 + 20 + payload.length);
    const dv = new DataView(f.buffer);
    f.set(fromClient ? SWITCH_MAC : CLIENT_MAC, 0);
    f.set(fromClient ? CLIENT_MAC : SWITCH_MAC, 6);
    dv.setUint16(12, 0x0800);
    // IPv4
    const ip = 14;
    f[ip] = 0x45;
    dv.setUint16(ip + 2, 40 + payload.length);
    dv.setUint16(ip + 6, 0x4000); // don't fragment
    f[ip + 8] = 64;
    f[ip + 9] = 6;
    const src = fromClient ? CLIENT_IP : SWITCH_IP;
    const dst = fromClient ? SWITCH_IP : CLIENT_IP;
    dv.setUint32(ip + 12, src);
    dv.setUint32(ip + 16, dst);
    dv.setUint16(ip + 10, internetChecksum(f, ip, ip + 20));
    // TCP
    const tcp = ip + 20;
    dv.setUint16(tcp, fromClient ? s.clientPort : this.#port);
    dv.setUint16(tcp + 2, fromClient ? this.#port : s.clientPort);
    dv.setUint32(tcp + 4, fromClient ? s.clientSeq : s.switchSeq);
    dv.setUint32(tcp + 8, flags & TCP_ACK ? (fromClient ? s.switchSeq : s.clientSeq) : 0);
    f[tcp + 12] = 5 << 4;
    f[tcp + 13] = flags;
    dv.setUint16(tcp + 14, 65535);
    f.set(payload, tcp + 20);
    const len = 20 + payload.length;
    dv.setUint16(tcp + 16, finish(sumBytes(f, tcp, tcp + len, ipv4PseudoSum(src, dst, 6, len))));
    this.frames++;
    this.#sink.write(this.#epoch + BigInt(Math.max(0, Math.floor(nowNs))), f);
  }
}
