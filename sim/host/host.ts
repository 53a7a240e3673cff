/**
 * A virtual host with one Ethernet interface (`h1-eth0`) on one IPv4 subnet: it
 * answers ARP and ping, resolves neighbours before sending (queueing meanwhile), sends
 * UDP datagrams and TCP-like flows, answers TCP connections, and counts everything it
 * receives per flow in its `sink`.
 *
 * Every destination is taken to be on the link (there is no router); 255.255.255.255
 * goes to the broadcast MAC. The transmit side is any object with `send(frame)` (a
 * datapath `Netdev`, a link end); whoever delivers frames to the host calls `receive`.
 * Time comes from the simulator; randomness (initial sequence numbers, ephemeral ports)
 * from the optional `rng`, else from a deterministic counter and hash.
 *
 * @example
 * const h1 = new Host(sim, 'h1');          // 10.0.0.1, 00:00:00:00:00:01
 * h1.plug(link.a);                         // or h1.attach({ send }) and call h1.receive
 * const p = h1.ping('10.0.0.2', { count: 3 });
 * sim.run();                                // p.rtts holds three round trips
 */
import type { Simulator } from '../../engine/simulator.js';
import { formatIpv4, formatMac } from '../flow/addr.js';
import { ArpPacket, ArpRepr, ARP_OP } from '../packet/arp.js';
import { get16, get32 } from '../packet/bytes.js';
import { finish, internetChecksum, ipv4PseudoSum, sumBytes } from '../packet/checksum.js';
import { ETHERNET_HEADER_LEN } from '../packet/ethernet.js';
import { PacketError } from '../packet/error.js';
import { ICMP_TYPE, IcmpPacket, IcmpRepr } from '../packet/icmp.js';
import { IPV4_MIN_HEADER_LEN } from '../packet/ipv4.js';
import { TCP_FLAG, TcpPacket, TcpRepr } from '../packet/tcp.js';
import { UDP_HEADER_LEN } from '../packet/udp.js';
import { hostAddresses, toIpv4 } from './addressing.js';
import { ArpCache, type ArpCacheOptions, type ArpDropReason } from './arp-cache.js';
import {
  arpFrame,
  BROADCAST_MAC,
  ETH_TYPE_ARP,
  ETH_TYPE_IPV4,
  icmpFrame,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  tcpFrame,
  UdpTemplate,
  type IpAddressing,
  type TcpSegmentSpec,
} from './frames.js';
import { PingSession, type PingOptions } from './ping.js';
import type { Rng } from './rng.js';
import { FlowSink } from './sink.js';
import { TcpFlow, TcpResponder, type TcpConnection, type TcpStack } from './tcp-like.js';

/** Where a host's frames go: a datapath Netdev, a link end, a test wire. */
export interface FrameOut {
  send(frame: Uint8Array): void;
}

/** A link end: frames sent into it, and a sink it delivers to (engine/link.ts's LinkEnd). */
export interface HostPort extends FrameOut {
  connect(sink: { receive(frame: Uint8Array): void }): void;
}

export interface HostOptions {
  /** IPv4 address (default: from the name, h1 → 10.0.0.1). */
  readonly ip?: number | string;
  /** MAC (default: from the IP, 10.0.0.1 → 00:00:00:00:00:01). */
  readonly mac?: bigint | string;
  readonly arp?: ArpCacheOptions;
  /** TCP ports that accept connections: 'all' (default) or a list; others answer RST. */
  readonly tcpListen?: 'all' | readonly number[];
  /** Retransmission timeout of this host's TCP-like ends (default 200 ms). */
  readonly tcpRtoNs?: number;
  /** Source of initial sequence numbers and ephemeral ports. */
  readonly rng?: Rng;
}

/** Why a host threw a frame away. */
export type HostDropReason = ArpDropReason | 'notForUs' | 'malformed' | 'unsupported' | 'detached';

/** A TCP segment as it arrived (flags as in TCP_FLAG). */
export interface TcpArrival {
  readonly src: number;
  readonly dst: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly payloadLen: number;
}

/** The host's trace sources, one line each on when they fire. */
export interface HostEvents {
  /** A frame left the interface. */
  tx: (frame: Uint8Array) => void;
  /** A frame arrived at the interface, before any check. */
  rx: (frame: Uint8Array) => void;
  /** The host gave up a frame (sent or received) for `reason`. */
  drop: (reason: HostDropReason, frame: Uint8Array) => void;
  /** A neighbour's MAC was learned or refreshed. */
  arpLearn: (ip: number, mac: bigint) => void;
  /** A well-formed TCP segment for this host arrived (before its connection sees it). */
  tcp: (seg: TcpArrival) => void;
}

export interface HostStats {
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  drops: Record<HostDropReason, number>;
}

export interface UdpSendOptions {
  readonly srcPort: number;
  readonly dstPort: number;
  /** UDP payload bytes (default 0). */
  readonly size?: number;
  /** IPv4 type-of-service byte (default 0). */
  readonly tos?: number;
}

/** Sends one datagram of a fixed shape per call (see `Host.udpSender`). */
export interface UdpSender {
  send(): void;
}

export interface TcpOpenOptions {
  readonly dstPort: number;
  /** Application bytes to send. */
  readonly bytes: number;
  /** Default: an ephemeral port not in use. */
  readonly srcPort?: number;
  readonly mss?: number;
  readonly windowSegments?: number;
  readonly rtoNs?: number;
}

/** Linux's default ephemeral port range (net.ipv4.ip_local_port_range). */
export const EPHEMERAL_PORT_MIN = 32768;
export const EPHEMERAL_PORT_MAX = 60999;

export class Host {
  readonly name: string;
  readonly ip: number;
  readonly mac: bigint;
  /** The one interface's name, Mininet style. */
  readonly ifName: string;
  /** Everything received, per flow. */
  readonly sink = new FlowSink();
  readonly arp: ArpCache;
  readonly stats: HostStats = {
    txFrames: 0,
    txBytes: 0,
    rxFrames: 0,
    rxBytes: 0,
    drops: { arpQueueFull: 0, arpUnresolved: 0, notForUs: 0, malformed: 0, unsupported: 0, detached: 0 },
  };

  readonly #sim: Simulator;
  readonly #rng: Rng | undefined;
  readonly #listen: 'all' | ReadonlySet<number>;
  readonly #rtoNs: number;
  #out: FrameOut | undefined;
  /** The MAC as numbers, to compare with received bytes without a bigint. */
  readonly #macHi: number;
  readonly #macLo: number;
  /** The last UDP datagram shape sent to each destination. */
  readonly #udpTemplates = new Map<number, UdpTemplate>();
  #ident = 0;
  #nextPing = 0;
  #nextPort = EPHEMERAL_PORT_MIN;
  #isnCounter = 0;
  readonly #pings = new Map<number, PingSession>();
  readonly #conns = new Map<string, TcpConnection>();
  readonly #listeners: { [K in keyof HostEvents]: HostEvents[K][] } = { tx: [], rx: [], drop: [], arpLearn: [], tcp: [] };
  readonly #stack: TcpStack;

  constructor(sim: Simulator, name: string, opts: HostOptions = {}) {
    const addrs = hostAddresses(name, opts);
    this.#sim = sim;
    this.name = name;
    this.ip = addrs.ip;
    this.mac = addrs.mac;
    this.#macHi = Number(addrs.mac >> 32n);
    this.#macLo = Number(addrs.mac & 0xffffffffn);
    this.ifName = `${name}-eth0`;
    this.#rng = opts.rng;
    this.#rtoNs = opts.tcpRtoNs ?? 200_000_000;
    const listen = opts.tcpListen ?? 'all';
    if (listen !== 'all') {
      for (const p of listen) checkPort(p, `host ${name} tcpListen port`);
    }
    this.#listen = listen === 'all' ? 'all' : new Set(listen);
    this.arp = new ArpCache(
      sim,
      {
        request: (ip) => this.#sendArp(ARP_OP.REQUEST, BROADCAST_MAC, 0n, ip),
        transmit: (f) => this.#transmit(f),
        drop: (reason, f) => this.#drop(reason, f),
      },
      opts.arp,
    );
    const self = this;
    this.#stack = {
      sim,
      transmitTcp: (dst, seg) => self.sendTcpSegment(dst, seg),
      release: (c) => {
        const k = connKey(c.remoteIp, c.remotePort, c.localPort);
        if (self.#conns.get(k) === c) self.#conns.delete(k);
      },
    };
  }

  get ipText(): string {
    return formatIpv4(this.ip);
  }
  get macText(): string {
    return formatMac(this.mac);
  }
  /** The simulator this host runs on. */
  get sim(): Simulator {
    return this.#sim;
  }

  /** Connects the interface's transmit side. */
  attach(out: FrameOut): void {
    this.#out = out;
  }

  /** Plugs the interface into a link end: sends go into it, what it delivers comes here. */
  plug(port: HostPort): void {
    this.#out = port;
    port.connect(this);
  }

  /** Subscribes to a trace source; returns the unsubscribe function. */
  on<K extends keyof HostEvents>(event: K, fn: HostEvents[K]): () => void {
    const list = this.#listeners[event] as HostEvents[K][];
    list.push(fn);
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Sends `count` echo requests to `dst`; read the session after the run. */
  ping(dst: number | string, opts: PingOptions = {}): PingSession {
    const ip = this.#destination(dst);
    const ident = this.#nextPing++ & 0xffff;
    const s = new PingSession(this.#sim, this, { dst: ip, ident, ...opts });
    this.#pings.set(ident, s);
    s.start();
    return s;
  }

  /** For PingSession: one echo request. */
  sendEchoRequest(dst: number, ident: number, seq: number, payload: Uint8Array): void {
    this.#sendIp(dst, (a) =>
      icmpFrame(a, { type: ICMP_TYPE.ECHO_REQUEST, code: 0, restOfHeader: ((ident << 16) | (seq & 0xffff)) >>> 0, payload }),
    );
  }

  /** Sends one UDP datagram. */
  sendUdp(dst: number | string, opts: UdpSendOptions): void {
    const ip = this.#destination(dst);
    const size = checkUdp(opts);
    const tos = opts.tos ?? 0;
    let tpl = this.#udpTemplates.get(ip);
    if (tpl === undefined || !tpl.matches(opts.srcPort, opts.dstPort, size, tos)) {
      tpl = new UdpTemplate({ srcMac: this.mac, src: this.ip, dst: ip, srcPort: opts.srcPort, dstPort: opts.dstPort, size, tos });
      this.#udpTemplates.set(ip, tpl);
    }
    this.#sendFromTemplate(tpl);
  }

  /**
   * A sender of datagrams all alike (a constant-bit-rate stream): the options are
   * checked once, and each `send()` is what `sendUdp` with them would do.
   */
  udpSender(dst: number | string, opts: UdpSendOptions): UdpSender {
    const ip = this.#destination(dst);
    const size = checkUdp(opts);
    const tpl = new UdpTemplate({ srcMac: this.mac, src: this.ip, dst: ip, srcPort: opts.srcPort, dstPort: opts.dstPort, size, tos: opts.tos ?? 0 });
    return { send: () => this.#sendFromTemplate(tpl) };
  }

  #sendFromTemplate(tpl: UdpTemplate): void {
    const ip = tpl.spec.dst;
    const known = ip === 0xffffffff ? BROADCAST_MAC : this.arp.lookup(ip);
    const frame = tpl.build(this.#ident++, known ?? 0n);
    if (known !== undefined) this.#transmit(frame);
    else this.arp.enqueue(ip, frame);
  }

  /** Starts a TCP-like flow to `dst`; it closes itself when its bytes are acknowledged. */
  openTcpFlow(dst: number | string, opts: TcpOpenOptions): TcpFlow {
    const ip = this.#destination(dst);
    checkPort(opts.dstPort, 'TCP destination port');
    const srcPort = opts.srcPort ?? this.ephemeralPort();
    checkPort(srcPort, 'TCP source port');
    const key = connKey(ip, opts.dstPort, srcPort);
    if (this.#conns.has(key)) {
      throw new RangeError(`${this.name}: a connection ${this.ipText}:${srcPort} → ${formatIpv4(ip)}:${opts.dstPort} is already open`);
    }
    const flow = new TcpFlow(this.#stack, {
      dst: ip,
      dstPort: opts.dstPort,
      srcPort,
      bytes: opts.bytes,
      mss: opts.mss,
      windowSegments: opts.windowSegments,
      rtoNs: opts.rtoNs ?? this.#rtoNs,
      isn: this.#isn(ip, opts.dstPort, srcPort),
    });
    this.#conns.set(key, flow);
    flow.start();
    return flow;
  }

  /** Sends one TCP segment outside any connection (for scanners and tests). */
  sendTcpSegment(dst: number | string, seg: TcpSegmentSpec): void {
    this.#sendIp(this.#destination(dst), (a) => tcpFrame(a, seg));
  }

  /**
   * A free source port from Linux's ephemeral range: drawn from `rng` (or the host's own)
   * when there is one, else the next in turn.
   */
  ephemeralPort(rng: Rng | undefined = this.#rng): number {
    const span = EPHEMERAL_PORT_MAX - EPHEMERAL_PORT_MIN + 1;
    for (let i = 0; i < span; i++) {
      let p: number;
      if (rng && i < 64) {
        p = rng.int(EPHEMERAL_PORT_MIN, EPHEMERAL_PORT_MAX);
      } else {
        p = this.#nextPort;
        this.#nextPort = p === EPHEMERAL_PORT_MAX ? EPHEMERAL_PORT_MIN : p + 1;
      }
      if (!this.#portInUse(p)) return p;
    }
    throw new RangeError(`${this.name}: every ephemeral port is in use`);
  }

  /** Open TCP connections (either end). */
  get connections(): number {
    return this.#conns.size;
  }

  /** Called by whatever delivers frames to this host's interface. */
  receive(frame: Uint8Array): void {
    this.stats.rxFrames++;
    this.stats.rxBytes += frame.length;
    if (this.#listeners.rx.length > 0) this.#emit('rx', frame);
    try {
      this.#receive(frame);
    } catch (e) {
      if (e instanceof PacketError) this.#drop('malformed', frame);
      else throw e;
    }
  }

  // The receive path reads header fields straight from the bytes, with the checks the
  // sim/packet parsers make (a frame they would reject is dropped as malformed), so a
  // datagram costs no view or Repr objects.
  #receive(frame: Uint8Array): void {
    if (frame.length < ETHERNET_HEADER_LEN) return this.#drop('malformed', frame);
    const hi = get16(frame, 0);
    const lo = get32(frame, 2);
    const forUs = (hi === this.#macHi && lo === this.#macLo) || (hi === 0xffff && lo === 0xffffffff);
    if (!forUs) return this.#drop('notForUs', frame);
    switch (get16(frame, 12)) {
      case ETH_TYPE_ARP:
        return this.#receiveArp(frame);
      case ETH_TYPE_IPV4:
        return this.#receiveIpv4(frame);
      default:
        return this.#drop('unsupported', frame);
    }
  }

  #receiveArp(frame: Uint8Array): void {
    const arp = ArpRepr.parse(new ArpPacket(frame, ETHERNET_HEADER_LEN));
    if (arp.tpa === this.ip) {
      this.#learn(arp.spa, arp.sha);
      if (arp.operation === ARP_OP.REQUEST) this.#sendArp(ARP_OP.REPLY, arp.sha, arp.sha, arp.spa);
    } else if (this.arp.refresh(arp.spa, arp.sha)) {
      this.#emit('arpLearn', arp.spa, arp.sha);
    }
  }

  #learn(ip: number, mac: bigint): void {
    this.arp.learn(ip, mac);
    this.#emit('arpLearn', ip, mac);
  }

  #receiveIpv4(frame: Uint8Array): void {
    const hlen = ipv4HeaderLen(frame);
    if (hlen < 0) return this.#drop('malformed', frame);
    const src = get32(frame, IP_SRC);
    const dst = get32(frame, IP_DST);
    if (dst !== this.ip && dst !== 0xffffffff) return this.#drop('notForUs', frame);
    // More-fragments flag or a fragment offset: reassembly is not simulated.
    if (get16(frame, IP_FLAGS_FRAG) & 0x3fff) return this.#drop('unsupported', frame);
    const l4 = ETHERNET_HEADER_LEN + hlen;
    const end = ETHERNET_HEADER_LEN + get16(frame, IP_TOTAL_LEN);
    switch (frame[IP_PROTOCOL]) {
      case IPPROTO_ICMP: {
        const pair = { src, dst };
        const icmp = IcmpRepr.parse(new IcmpPacket(frame, l4, end));
        const ident = icmp.restOfHeader >>> 16;
        const seq = icmp.restOfHeader & 0xffff;
        if (icmp.type === ICMP_TYPE.ECHO_REQUEST && pair.dst === this.ip) {
          this.#sendIp(pair.src, (a) => icmpFrame(a, { ...icmp, type: ICMP_TYPE.ECHO_REPLY, code: 0 }));
        } else if (icmp.type === ICMP_TYPE.ECHO_REPLY) {
          const s = this.#pings.get(ident);
          if (s && s.dst === pair.src) s.onReply(seq, icmp.payload);
          if (s?.done) this.#pings.delete(ident);
        }
        return;
      }
      case IPPROTO_UDP: {
        const ulen = udpLength(frame, l4, end, src, dst);
        if (ulen < 0) return this.#drop('malformed', frame);
        const rec = this.sink.countFields(src, dst, IPPROTO_UDP, get16(frame, l4), get16(frame, l4 + 2), frame.length, this.#sim.now());
        rec.payloadBytes += ulen - UDP_HEADER_LEN;
        return;
      }
      case IPPROTO_TCP:
        return this.#receiveTcp(frame, l4, end, { src, dst });
      default:
        return this.#drop('unsupported', frame);
    }
  }

  #receiveTcp(frame: Uint8Array, l4: number, end: number, pair: { src: number; dst: number }): void {
    const tcp = TcpRepr.parse(new TcpPacket(frame, l4, end), { ip: pair });
    const seg: TcpArrival = {
      src: pair.src,
      dst: pair.dst,
      srcPort: tcp.srcPort,
      dstPort: tcp.dstPort,
      seq: tcp.seq,
      ack: tcp.ack,
      flags: tcp.flags,
      payloadLen: tcp.payload.length,
    };
    const now = this.#sim.now();
    const rec = this.sink.count({ ...pair, protocol: IPPROTO_TCP, srcPort: tcp.srcPort, dstPort: tcp.dstPort }, frame.length, now);
    if (tcp.flags & TCP_FLAG.SYN && rec.synNs === undefined) rec.synNs = now;
    if (tcp.flags & TCP_FLAG.FIN && rec.finNs === undefined) rec.finNs = now;
    this.#emit('tcp', seg);
    if (pair.dst !== this.ip) return;
    const key = connKey(pair.src, tcp.srcPort, tcp.dstPort);
    let conn = this.#conns.get(key);
    const isOpening = (tcp.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK | TCP_FLAG.RST)) === TCP_FLAG.SYN;
    if (!conn && isOpening && this.#listening(tcp.dstPort)) {
      conn = new TcpResponder(this.#stack, {
        remoteIp: pair.src,
        remotePort: tcp.srcPort,
        localPort: tcp.dstPort,
        irs: tcp.seq,
        isn: this.#isn(pair.src, tcp.srcPort, tcp.dstPort),
        rtoNs: this.#rtoNs,
      });
      this.#conns.set(key, conn);
      return;
    }
    if (!conn) return this.#reset(seg);
    const before = conn instanceof TcpResponder ? conn.received : 0;
    conn.onSegment(seg);
    if (conn instanceof TcpResponder) rec.payloadBytes += conn.received - before;
  }

  /** Answers a segment nobody expects with RST, as RFC 9293 section 3.10.7.1 says. */
  #reset(seg: TcpArrival): void {
    if (seg.flags & TCP_FLAG.RST) return;
    const base = { srcPort: seg.dstPort, dstPort: seg.srcPort, window: 0, payloadLen: 0 };
    if (seg.flags & TCP_FLAG.ACK) {
      this.sendTcpSegment(seg.src, { ...base, seq: seg.ack, ack: 0, flags: TCP_FLAG.RST });
    } else {
      const len = seg.payloadLen + (seg.flags & TCP_FLAG.SYN ? 1 : 0) + (seg.flags & TCP_FLAG.FIN ? 1 : 0);
      this.sendTcpSegment(seg.src, { ...base, seq: 0, ack: (seg.seq + len) >>> 0, flags: TCP_FLAG.RST | TCP_FLAG.ACK });
    }
  }

  #listening(port: number): boolean {
    return this.#listen === 'all' || this.#listen.has(port);
  }

  #portInUse(port: number): boolean {
    for (const c of this.#conns.values()) if (c.localPort === port) return true;
    return false;
  }

  /**
   * An initial sequence number: from the rng when there is one, else a hash of the
   * connection and a counter (RFC 6528's idea, with a counter standing in for the clock).
   */
  #isn(remoteIp: number, remotePort: number, localPort: number): number {
    if (this.#rng) return this.#rng.int(0, 0xffffffff);
    let h = Math.imul(this.ip ^ 0x9e3779b9, 0x85ebca6b) ^ remoteIp;
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35) ^ ((remotePort << 16) | localPort);
    h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) ^ this.#isnCounter++;
    return (h ^ (h >>> 16)) >>> 0;
  }

  #destination(dst: number | string): number {
    const ip = toIpv4(dst, `${this.name} destination`);
    if (ip === this.ip) throw new RangeError(`${this.name} cannot send to its own address ${this.ipText}`);
    return ip;
  }

  /** Builds a datagram for `dst` and sends it once the neighbour's MAC is known. */
  #sendIp(dst: number, build: (a: IpAddressing) => Uint8Array, tos = 0): void {
    const broadcast = dst === 0xffffffff;
    const known = broadcast ? BROADCAST_MAC : this.arp.lookup(dst);
    const frame = build({ srcMac: this.mac, dstMac: known ?? 0n, src: this.ip, dst, ident: this.#ident++, tos });
    if (known !== undefined) this.#transmit(frame);
    else this.arp.enqueue(dst, frame);
  }

  #sendArp(op: number, ethDst: bigint, tha: bigint, tpa: number): void {
    this.#transmit(arpFrame({ operation: op, srcMac: this.mac, dstMac: ethDst, sha: this.mac, spa: this.ip, tha, tpa }));
  }

  #transmit(frame: Uint8Array): void {
    if (!this.#out) return this.#drop('detached', frame);
    this.stats.txFrames++;
    this.stats.txBytes += frame.length;
    if (this.#listeners.tx.length > 0) this.#emit('tx', frame);
    this.#out.send(frame);
  }

  #drop(reason: HostDropReason, frame: Uint8Array): void {
    this.stats.drops[reason]++;
    this.#emit('drop', reason, frame);
  }

  #emit<K extends keyof HostEvents>(event: K, ...args: Parameters<HostEvents[K]>): void {
    for (const fn of this.#listeners[event]) (fn as (...a: Parameters<HostEvents[K]>) => void)(...args);
  }
}

const IP_TOTAL_LEN = ETHERNET_HEADER_LEN + 2;
const IP_FLAGS_FRAG = ETHERNET_HEADER_LEN + 6;
const IP_PROTOCOL = ETHERNET_HEADER_LEN + 9;
const IP_SRC = ETHERNET_HEADER_LEN + 12;
const IP_DST = ETHERNET_HEADER_LEN + 16;

/**
 * The length of the IPv4 header after the Ethernet header, or -1 when Ipv4Repr.parse
 * would reject it: truncated, not version 4, IHL below 5, total length shorter than the
 * header or longer than the frame, or a bad header checksum.
 */
function ipv4HeaderLen(frame: Uint8Array): number {
  const o = ETHERNET_HEADER_LEN;
  if (frame.length < o + IPV4_MIN_HEADER_LEN) return -1;
  const verIhl = frame[o]!;
  const hlen = (verIhl & 0xf) * 4;
  if (verIhl >>> 4 !== 4 || hlen < IPV4_MIN_HEADER_LEN || frame.length < o + hlen) return -1;
  const total = get16(frame, IP_TOTAL_LEN);
  if (total < hlen || frame.length < o + total) return -1;
  return internetChecksum(frame, o, o + hlen) === 0 ? hlen : -1;
}

/**
 * The UDP length field of the datagram at `l4` (IP payload ending at `end`), or -1 when
 * UdpRepr.parse would reject it: shorter than its header, longer than the IP payload, or
 * a checksum that is present and wrong.
 */
function udpLength(frame: Uint8Array, l4: number, end: number, src: number, dst: number): number {
  if (end - l4 < UDP_HEADER_LEN) return -1;
  const len = get16(frame, l4 + 4);
  if (len < UDP_HEADER_LEN || len > end - l4) return -1;
  if (get16(frame, l4 + 6) === 0) return len; // no checksum (allowed over IPv4)
  return finish(sumBytes(frame, l4, l4 + len, ipv4PseudoSum(src, dst, IPPROTO_UDP, len))) === 0 ? len : -1;
}

function connKey(remoteIp: number, remotePort: number, localPort: number): string {
  return `${remoteIp}:${remotePort}:${localPort}`;
}

/** Checks a datagram's ports and size; returns the size. */
function checkUdp(opts: UdpSendOptions): number {
  checkPort(opts.srcPort, 'UDP source port');
  checkPort(opts.dstPort, 'UDP destination port');
  const size = opts.size ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > 65507) throw new RangeError(`UDP payload size must be 0..65507 bytes, got ${size}`);
  return size;
}

function checkPort(p: number, what: string): void {
  if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new RangeError(`${what} must be 0..65535, got ${p}`);
}

