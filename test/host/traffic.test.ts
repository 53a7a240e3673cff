import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';
import { ms, seconds, us } from '../../engine/time.js';
import { DATA_MINING_CDF, flowSizeSampler, WEB_SEARCH_CDF } from '../../sim/host/distributions.js';
import { Host } from '../../sim/host/host.js';
import { startCbr, startFlowArrivals, startLongFlows, startPortScan, startShortFlows } from '../../sim/host/traffic.js';
import { TCP_FLAG } from '../../sim/packet/tcp.js';
import { hub, wire, type WireLog } from './wire.js';

const { FIN, SYN, ACK } = TCP_FLAG;

interface TcpSeen {
  tuple: string;
  flags: number;
  fromSender: boolean;
}

/** TCP frames on the wire, keyed by the flow's 5-tuple from its opener's side. */
function tcpOnWire(log: WireLog): Map<string, number[]> {
  const flows = new Map<string, number[]>();
  const openers = new Map<string, string>();
  for (const { frame: b } of log.frames) {
    if (b[12] !== 0x08 || b[13] !== 0 || b[23] !== 6) continue;
    const src = b.subarray(26, 30).join('.');
    const dst = b.subarray(30, 34).join('.');
    const sp = (b[34]! << 8) | b[35]!;
    const dp = (b[36]! << 8) | b[37]!;
    const flags = ((b[46]! & 0x0f) << 8) | b[47]!;
    const fwd = `${src}:${sp}>${dst}:${dp}`;
    const rev = `${dst}:${dp}>${src}:${sp}`;
    if (flags === SYN && !openers.has(fwd)) openers.set(fwd, fwd);
    const key = openers.get(fwd) ?? openers.get(rev);
    if (key === undefined) continue;
    const seen: TcpSeen = { tuple: key, flags, fromSender: key === fwd };
    if (!flows.has(key)) flows.set(key, []);
    if (seen.fromSender) flows.get(key)!.push(flags);
  }
  return flows;
}

function hosts(sim: Simulator, n: number): Host[] {
  return Array.from({ length: n }, (_, i) => new Host(sim, `h${i + 1}`));
}

describe('constant bit rate', () => {
  it('sends at the rate asked, counted on whole frames', () => {
    const sim = new Simulator();
    const [h1, h2] = hosts(sim, 2) as [Host, Host];
    wire(sim, h1, h2, us(1));
    // 1042-byte frames at 1 Mbit/s: one every 8.336 ms.
    const cbr = startCbr(h1, { dst: h2, rateBps: 1e6, size: 1000, srcPort: 4000, durationNs: seconds(1) });
    sim.run();
    expect(cbr.intervalNs).toBe(8_336_000);
    expect(cbr.sent).toBe(120);
    const f = h2.sink.flow({ src: h1.ip, dst: h2.ip, protocol: 17, srcPort: 4000, dstPort: 5001 })!;
    expect(f.packets).toBe(120);
    expect(f.bytes).toBe(120 * 1042);
    // The first waits for ARP; the last leaves 119 intervals after the first.
    expect(f.lastNs).toBe(119 * 8_336_000 + us(1));
    expect(f.firstNs).toBe(us(3));
  });

  it('stops after count and rejects a bad rate', () => {
    const sim = new Simulator();
    const [h1, h2] = hosts(sim, 2) as [Host, Host];
    wire(sim, h1, h2, us(1));
    startCbr(h1, { dst: '10.0.0.2', rateBps: 1e9, count: 10 });
    sim.run();
    expect(h2.sink.packets).toBe(10);
    expect(() => startCbr(h1, { dst: h2, rateBps: 0 })).toThrow(/rate must be a positive/);
  });
});

describe('short flows', () => {
  it('gives every flow a new 5-tuple with a random source port, each SYN ... FIN', () => {
    const sim = new Simulator();
    const hs = hosts(sim, 4);
    const log = hub(sim, hs, us(5));
    const rng = new RandomStreams(7).stream('traffic:short');
    const gen = startShortFlows({ rng, sources: hs, maxFlows: 300, meanInterarrivalNs: us(20) });
    sim.run();
    expect(gen.flows).toHaveLength(300);
    expect(gen.completed).toBe(300);
    const wireFlows = tcpOnWire(log);
    expect(wireFlows.size).toBe(300);
    const srcPorts = new Set(gen.flows.map((f) => f.localPort));
    expect(srcPorts.size).toBeGreaterThan(290);
    for (const p of srcPorts) expect(p).toBeGreaterThanOrEqual(32768);
    for (const flags of wireFlows.values()) {
      expect(flags[0]).toBe(SYN);
      expect(flags[1]).toBe(ACK);
      expect(flags.at(-2)).toBe(FIN | ACK);
      expect(flags.at(-1)).toBe(ACK);
      expect(flags.slice(1, -2).every((f) => f & ACK)).toBe(true);
    }
    for (const f of gen.flows) expect(f.bytes).toBeGreaterThanOrEqual(100);
    expect(gen.fcts()).toHaveLength(300);
  });

  it('arrivals are Poisson: the mean gap is near the mean asked for', () => {
    const sim = new Simulator();
    const hs = hosts(sim, 3);
    hub(sim, hs, us(1));
    const rng = new RandomStreams(1).stream('traffic:poisson');
    const gen = startFlowArrivals({ rng, sources: hs, meanInterarrivalNs: us(100), size: 0, maxFlows: 2000 });
    sim.run();
    const starts = gen.flows.map((f) => f.startNs);
    const meanGap = (starts.at(-1)! - starts[0]!) / (starts.length - 1);
    expect(meanGap).toBeGreaterThan(us(95));
    expect(meanGap).toBeLessThan(us(105));
  });
});

describe('long flows', () => {
  it('starts a few big flows that run to completion', () => {
    const sim = new Simulator();
    const hs = hosts(sim, 4);
    hub(sim, hs, us(10));
    const rng = new RandomStreams(3).stream('traffic:long');
    const gen = startLongFlows({ rng, sources: hs, count: 3, bytes: 1_000_000, tcp: { windowSegments: 64 } });
    sim.run();
    expect(gen.flows).toHaveLength(3);
    expect(gen.completed).toBe(3);
    expect(gen.flows.every((f) => f.ackedBytes === 1_000_000)).toBe(true);
  });
});

describe('port scan', () => {
  it('sweeps the ports with SYNs and sorts them into open and closed', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2', { tcpListen: [22, 80] });
    const log = wire(sim, h1, h2, us(10));
    const rng = new RandomStreams(5).stream('traffic:scan');
    const scan = startPortScan(h1, { dst: h2, ports: [1, 100], rng, intervalNs: us(100) });
    sim.run();
    expect(scan.probed).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(scan.open).toEqual([22, 80]);
    expect(scan.closed).toHaveLength(98);
    expect(scan.filtered()).toEqual([]);
    // The scanner's stack resets the half-open connections.
    const fromH1 = log.frames.filter((f) => f.from === 'h1' && f.frame[23] === 6).map((f) => f.frame[47]!);
    expect(fromH1.filter((x) => x === SYN)).toHaveLength(100);
    expect(fromH1.filter((x) => x === TCP_FLAG.RST)).toHaveLength(2);
    expect(h2.connections).toBe(0);
  });

  it('random order probes every port once', () => {
    const sim = new Simulator();
    const [h1, h2] = hosts(sim, 2) as [Host, Host];
    wire(sim, h1, h2, us(10));
    const scan = startPortScan(h1, { dst: h2, ports: [1000, 1049], order: 'random', rng: new RandomStreams(9).stream('scan') });
    sim.run();
    expect(scan.probed).not.toEqual([...scan.probed].sort((a, b) => a - b));
    expect([...scan.probed].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 1000 + i));
    expect(scan.open).toHaveLength(50);
  });
});

describe('flow-size distributions', () => {
  /** The fraction of `n` seeded draws at or below each of the table's sizes. */
  function empiricalAtTable(name: 'webSearch' | 'dataMining', table: readonly (readonly [number, number])[], n: number): number[] {
    const draw = flowSizeSampler(new RandomStreams(42).stream(`sizes:${name}`), name);
    const xs = Array.from({ length: n }, draw);
    return table.map(([v]) => xs.filter((x) => x <= v).length / n);
  }

  it('web search samples match the table at every point', () => {
    const got = empiricalAtTable('webSearch', WEB_SEARCH_CDF, 50_000);
    WEB_SEARCH_CDF.forEach(([, p], i) => {
      // Sizes at the first point are an atom: P(X <= 8760) is 0.15, not 0.
      const want = i === 0 ? 0.15 : p;
      expect(Math.abs(got[i]! - want)).toBeLessThan(0.01);
    });
  });

  it('data mining samples match the table at every point', () => {
    const got = empiricalAtTable('dataMining', DATA_MINING_CDF, 50_000);
    DATA_MINING_CDF.forEach(([, p], i) => expect(Math.abs(got[i]! - p)).toBeLessThan(0.01));
  });

  it('tables rise and end at probability 1', () => {
    for (const t of [WEB_SEARCH_CDF, DATA_MINING_CDF]) {
      expect(t.at(-1)![1]).toBe(1);
      for (let i = 1; i < t.length; i++) expect(t[i]![0]).toBeGreaterThanOrEqual(t[i - 1]![0]);
    }
    expect(() => flowSizeSampler({ uniform: () => 0.5 }, 'nope' as 'webSearch')).toThrow(/unknown flow-size distribution "nope"/);
  });

  it('flows can take their sizes from a table, capped', () => {
    const sim = new Simulator();
    const hs = hosts(sim, 3);
    hub(sim, hs, us(1));
    const gen = startFlowArrivals({
      rng: new RandomStreams(2).stream('dm'),
      sources: hs,
      meanInterarrivalNs: ms(1),
      size: 'dataMining',
      capBytes: 50_000,
      maxFlows: 50,
    });
    sim.run();
    expect(gen.completed).toBe(50);
    expect(Math.max(...gen.flows.map((f) => f.bytes))).toBeLessThanOrEqual(50_000);
  });
});

describe('determinism', () => {
  function scenario(seed: number): string {
    const sim = new Simulator();
    const hs = hosts(sim, 4);
    const log = hub(sim, hs, us(3));
    const streams = new RandomStreams(seed);
    startShortFlows({ rng: streams.stream('short'), sources: hs.slice(0, 2), destinations: hs.slice(2), maxFlows: 40 });
    startCbr(hs[3]!, { dst: hs[0]!, rateBps: 1e8, durationNs: ms(2), rng: streams.stream('cbr') });
    startPortScan(hs[1]!, { dst: hs[2]!, ports: [1, 30], order: 'random', rng: streams.stream('scan'), intervalNs: us(50) });
    startFlowArrivals({ rng: streams.stream('web'), sources: hs, meanInterarrivalNs: us(300), size: 'webSearch', capBytes: 30_000, maxFlows: 10 });
    sim.run();
    const h = createHash('sha256');
    for (const f of log.frames) h.update(`${f.from}@${f.atNs}:`).update(f.frame);
    return `${log.frames.length}:${h.digest('hex')}`;
  }

  it('the same seed gives the same frames at the same times', () => {
    expect(scenario(11)).toBe(scenario(11));
  });
  it('another seed gives other traffic', () => {
    expect(scenario(11)).not.toBe(scenario(12));
  });
});
