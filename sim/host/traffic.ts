/**
 * Traffic generators: each drives one or more hosts from the simulator's clock and draws
 * every random choice from its own stream, so one seed gives the same traffic, frame for
 * frame. All of them send through hosts, so ARP runs first as on a real network.
 *
 *   - `startCbr`: UDP at a constant bit rate (counted on whole Ethernet frames);
 *   - `startFlowArrivals`: TCP-like flows arriving as a Poisson process between random
 *     pairs of hosts, sizes fixed, from a function, or from an empirical CDF;
 *   - `startShortFlows`: many small flows, each a new 5-tuple (cache-miss heavy);
 *   - `startLongFlows`: a few large flows started together;
 *   - `startPortScan`: one source sweeping destination ports with SYNs, as `nmap -sS`.
 */
import type { CdfPoint } from '../../engine/random.js';
import { formatIpv4 } from '../flow/addr.js';
import { TCP_FLAG } from '../packet/tcp.js';
import { toIpv4 } from './addressing.js';
import { flowSizeSampler, type FlowSizeCdfName } from './distributions.js';
import { IPV4_FRAME_OVERHEAD, MIN_FRAME_LEN } from './frames.js';
import type { Host } from './host.js';
import type { Rng } from './rng.js';
import { flowKeyText } from './sink.js';
import type { TcpFlow } from './tcp-like.js';

const UDP_HEADER = 8;

export interface CbrOptions {
  readonly dst: number | string | Host;
  /** Bits per second, counting whole frames (Ethernet header on, no preamble or FCS). */
  readonly rateBps: number;
  /** UDP payload bytes per datagram (default 1000). */
  readonly size?: number;
  readonly srcPort?: number;
  /** Default 5001 (iperf's). */
  readonly dstPort?: number;
  /** Start after this delay (default 0). */
  readonly delayNs?: number;
  /** Stop after this long (default: until `count` or `stop()`). */
  readonly durationNs?: number;
  /** Stop after this many datagrams. */
  readonly count?: number;
  /** With a stream, the first datagram goes at a random phase within one interval. */
  readonly rng?: Rng;
}

/** A running constant-bit-rate source. */
export interface CbrSource {
  readonly intervalNs: number;
  readonly sent: number;
  stop(): void;
}

export function startCbr(src: Host, opts: CbrOptions): CbrSource {
  const sim = src.sim;
  const dst = hostIp(opts.dst, 'CBR destination');
  const size = opts.size ?? 1000;
  if (!(opts.rateBps > 0) || !Number.isFinite(opts.rateBps)) throw new RangeError(`CBR rate must be a positive number of bit/s, got ${opts.rateBps}`);
  const frameLen = Math.max(MIN_FRAME_LEN, IPV4_FRAME_OVERHEAD + UDP_HEADER + size);
  const intervalNs = Math.max(1, Math.round((frameLen * 8 * 1e9) / opts.rateBps));
  const srcPort = opts.srcPort ?? src.ephemeralPort(opts.rng);
  const dstPort = opts.dstPort ?? 5001;
  const limit = opts.count ?? Infinity;
  const phase = opts.rng ? Math.floor(opts.rng.uniform() * intervalNs) : 0;
  const t0 = sim.now() + (opts.delayNs ?? 0) + phase;
  const end = opts.durationNs === undefined ? Infinity : t0 + opts.durationNs;
  const datagram = src.udpSender(dst, { srcPort, dstPort, size });
  let sent = 0;
  let stopped = false;
  const tick = (): void => {
    if (stopped || sent >= limit || sim.now() >= end) return;
    datagram.send();
    sent++;
    // Schedule from the start time, not the last send, so rounding never accumulates.
    sim.scheduleAt(t0 + sent * intervalNs, tick);
  };
  sim.scheduleAt(t0, tick);
  return {
    intervalNs,
    get sent() {
      return sent;
    },
    stop() {
      stopped = true;
    },
  };
}

/** A flow size: fixed bytes, a named or given CDF, or a function of the generator's stream. */
export type FlowSize = number | FlowSizeCdfName | readonly CdfPoint[] | ((rng: Rng) => number);

export interface TcpTuning {
  readonly mss?: number;
  readonly windowSegments?: number;
  readonly rtoNs?: number;
}

export interface FlowArrivalOptions {
  readonly rng: Rng;
  /** Hosts that open flows. */
  readonly sources: readonly Host[];
  /** Hosts flows go to (a flow never goes from a host to itself). Default: `sources`. */
  readonly destinations?: readonly Host[];
  /** Mean time between flow arrivals (all sources together). */
  readonly meanInterarrivalNs: number;
  readonly size: FlowSize;
  /** Largest flow, when drawing from a CDF with a long tail (default: no cap). */
  readonly capBytes?: number;
  /** Destination port: fixed (default 80) or drawn from [lo, hi]. */
  readonly dstPort?: number | readonly [number, number];
  readonly delayNs?: number;
  /** No new flows after this long. */
  readonly durationNs?: number;
  /** No more flows than this. */
  readonly maxFlows?: number;
  readonly tcp?: TcpTuning;
}

/** A running flow generator and the flows it has started. */
export interface FlowArrivals {
  readonly flows: readonly TcpFlow[];
  readonly completed: number;
  /** Completion times of the completed flows, in start order. */
  fcts(): number[];
  stop(): void;
}

export function startFlowArrivals(opts: FlowArrivalOptions): FlowArrivals {
  const { rng, sources } = opts;
  const destinations = opts.destinations ?? sources;
  if (sources.length === 0) throw new RangeError('flow arrivals need at least one source host');
  if (!(opts.meanInterarrivalNs > 0)) throw new RangeError(`mean inter-arrival time must be positive, got ${opts.meanInterarrivalNs}`);
  if (!destinations.some((d) => sources.some((s) => s !== d))) throw new RangeError('flow arrivals need a destination other than the source');
  const sim = sources[0]!.sim;
  const drawSize = sizeDrawer(rng, opts.size, opts.capBytes);
  const drawPort = portDrawer(rng, opts.dstPort ?? 80);
  const max = opts.maxFlows ?? Infinity;
  const used = new Set<string>();
  const flows: TcpFlow[] = [];
  let completed = 0;
  let stopped = false;
  const end = opts.durationNs === undefined ? Infinity : sim.now() + (opts.delayNs ?? 0) + opts.durationNs;

  const arrive = (): void => {
    if (stopped || flows.length >= max || sim.now() >= end) return;
    const src = sources[rng.int(0, sources.length - 1)]!;
    let dst = destinations[rng.int(0, destinations.length - 1)]!;
    while (dst === src) dst = destinations[rng.int(0, destinations.length - 1)]!;
    const f = openUniqueFlow(src, dst, { rng, used, dstPort: drawPort(), bytes: drawSize(), tcp: opts.tcp });
    f.onDone = (x) => {
      if (x.outcome === 'completed') completed++;
    };
    flows.push(f);
    sim.schedule(Math.round(rng.exponential(opts.meanInterarrivalNs)), arrive);
  };
  sim.schedule(opts.delayNs ?? 0, arrive);
  return {
    flows,
    get completed() {
      return completed;
    },
    fcts: () => flows.map((f) => f.fctNs).filter((t): t is number => t !== undefined),
    stop() {
      stopped = true;
    },
  };
}

export type ShortFlowOptions = Omit<FlowArrivalOptions, 'size' | 'meanInterarrivalNs'> & {
  /** Default: uniform between 100 bytes and 10 KB. */
  readonly size?: FlowSize;
  /** Default 100 µs: ten thousand new flows a second. */
  readonly meanInterarrivalNs?: number;
};

/** Many short flows, each with a new 5-tuple: the load that defeats exact-match caches. */
export function startShortFlows(opts: ShortFlowOptions): FlowArrivals {
  return startFlowArrivals({
    ...opts,
    size: opts.size ?? ((r: Rng) => r.int(100, 10_000)),
    meanInterarrivalNs: opts.meanInterarrivalNs ?? 100_000,
  });
}

export interface LongFlowOptions {
  readonly rng: Rng;
  readonly sources: readonly Host[];
  readonly destinations?: readonly Host[];
  /** How many flows (default 2). */
  readonly count?: number;
  /** Bytes per flow (default 100 MB). */
  readonly bytes?: number;
  readonly dstPort?: number;
  /** Start times are spread uniformly over this window (default 1 ms). */
  readonly spreadNs?: number;
  readonly tcp?: TcpTuning;
}

/** A few long flows between random pairs, started within `spreadNs` of each other. */
export function startLongFlows(opts: LongFlowOptions): FlowArrivals {
  const { rng, sources } = opts;
  const destinations = opts.destinations ?? sources;
  const count = opts.count ?? 2;
  const spread = opts.spreadNs ?? 1_000_000;
  if (sources.length === 0) throw new RangeError('long flows need at least one source host');
  if (!destinations.some((d) => sources.some((s) => s !== d))) throw new RangeError('long flows need a destination other than the source');
  const sim = sources[0]!.sim;
  const used = new Set<string>();
  const flows: TcpFlow[] = [];
  let completed = 0;
  for (let i = 0; i < count; i++) {
    const src = sources[rng.int(0, sources.length - 1)]!;
    let dst = destinations[rng.int(0, destinations.length - 1)]!;
    while (dst === src) dst = destinations[rng.int(0, destinations.length - 1)]!;
    const at = Math.floor(rng.uniform() * spread);
    sim.schedule(at, () => {
      const f = openUniqueFlow(src, dst, { rng, used, dstPort: opts.dstPort ?? 5001, bytes: opts.bytes ?? 100_000_000, tcp: opts.tcp });
      f.onDone = (x) => {
        if (x.outcome === 'completed') completed++;
      };
      flows.push(f);
    });
  }
  return {
    flows,
    get completed() {
      return completed;
    },
    fcts: () => flows.map((f) => f.fctNs).filter((t): t is number => t !== undefined),
    stop() {},
  };
}

export interface PortScanOptions {
  readonly dst: number | string | Host;
  /** Inclusive range of destination ports (default [1, 1024]). */
  readonly ports?: readonly [number, number];
  /** Time between probes (default 1 ms). */
  readonly intervalNs?: number;
  /** 'random' shuffles the ports with the stream, as nmap does (default 'sequential'). */
  readonly order?: 'sequential' | 'random';
  /** Used for the order, the source port and sequence numbers. */
  readonly rng: Rng;
  /** One source port for the whole scan (default: an ephemeral port). */
  readonly srcPort?: number;
}

/** What a scan learned: SYN|ACK means open, RST means closed, silence means filtered. */
export interface PortScan {
  readonly srcPort: number;
  /** Ports in the order they were probed. */
  readonly probed: readonly number[];
  readonly open: readonly number[];
  readonly closed: readonly number[];
  /** Probed ports that have not answered (yet). */
  filtered(): number[];
  stop(): void;
}

/**
 * A SYN scan from `src`: one SYN per port, no connection. The target's SYN|ACK finds no
 * connection on the scanner, whose stack answers it with RST, as a real kernel does for
 * nmap's raw SYNs.
 */
export function startPortScan(src: Host, opts: PortScanOptions): PortScan {
  const sim = src.sim;
  const dst = hostIp(opts.dst, 'port scan target');
  const [lo, hi] = opts.ports ?? [1, 1024];
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > 0xffff || lo > hi) {
    throw new RangeError(`port scan range must be lo..hi within 0..65535, got ${lo}..${hi}`);
  }
  const interval = opts.intervalNs ?? 1_000_000;
  const ports: number[] = [];
  for (let p = lo; p <= hi; p++) ports.push(p);
  if (opts.order === 'random') {
    for (let i = ports.length - 1; i > 0; i--) {
      const j = opts.rng.int(0, i);
      [ports[i], ports[j]] = [ports[j]!, ports[i]!];
    }
  }
  const srcPort = opts.srcPort ?? src.ephemeralPort(opts.rng);
  const probed: number[] = [];
  const open = new Set<number>();
  const closed = new Set<number>();
  const unsubscribe = src.on('tcp', (seg) => {
    if (seg.src !== dst || seg.dstPort !== srcPort) return;
    if ((seg.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === (TCP_FLAG.SYN | TCP_FLAG.ACK)) open.add(seg.srcPort);
    else if (seg.flags & TCP_FLAG.RST) closed.add(seg.srcPort);
  });
  let i = 0;
  let stopped = false;
  const probe = (): void => {
    if (stopped || i >= ports.length) return;
    const port = ports[i++]!;
    probed.push(port);
    src.sendTcpSegment(dst, { srcPort, dstPort: port, seq: opts.rng.int(0, 0xffffffff), ack: 0, flags: TCP_FLAG.SYN, window: 1024, payloadLen: 0 });
    sim.schedule(interval, probe);
  };
  sim.schedule(0, probe);
  return {
    srcPort,
    probed,
    get open() {
      return [...open].sort((a, b) => a - b);
    },
    get closed() {
      return [...closed].sort((a, b) => a - b);
    },
    filtered: () => probed.filter((p) => !open.has(p) && !closed.has(p)).sort((a, b) => a - b),
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}

function hostIp(dst: number | string | Host, what: string): number {
  return typeof dst === 'object' ? dst.ip : toIpv4(dst, what);
}

function sizeDrawer(rng: Rng, size: FlowSize, capBytes: number | undefined): () => number {
  if (typeof size === 'number') {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`flow size must be a whole number of bytes, got ${size}`);
    return () => size;
  }
  if (typeof size === 'function') return () => size(rng);
  return flowSizeSampler(rng, size, capBytes === undefined ? {} : { capBytes });
}

function portDrawer(rng: Rng, port: number | readonly [number, number]): () => number {
  if (typeof port === 'number') return () => port;
  const [lo, hi] = port;
  return () => rng.int(lo, hi);
}

/**
 * Opens a flow whose 5-tuple this generator has not used before: ports are drawn from
 * the stream until the tuple is new (the host's own check only avoids ports now open).
 */
function openUniqueFlow(
  src: Host,
  dst: Host,
  spec: { rng: Rng; used: Set<string>; dstPort: number; bytes: number; tcp: TcpTuning | undefined },
): TcpFlow {
  for (let tries = 0; tries < 1000; tries++) {
    const srcPort = src.ephemeralPort(spec.rng);
    const key = flowKeyText({ src: src.ip, dst: dst.ip, protocol: 6, srcPort, dstPort: spec.dstPort });
    if (spec.used.has(key)) continue;
    spec.used.add(key);
    return src.openTcpFlow(dst.ip, { dstPort: spec.dstPort, bytes: spec.bytes, srcPort, ...spec.tcp });
  }
  throw new RangeError(`${src.name}: no unused source port left for flows to ${formatIpv4(dst.ip)}:${spec.dstPort}`);
}

