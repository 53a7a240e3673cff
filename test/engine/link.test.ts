import { describe, expect, it } from 'vitest';
import { ArraySink, EventLog } from '../../engine/event-log.js';
import { Link, type FrameSink, type LinkOptions, type TapInfo } from '../../engine/link.js';
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';

/** A sink that records (time, first byte) of every frame it receives. */
class Recorder implements FrameSink {
  readonly got: [atNs: number, id: number][] = [];
  receive(frame: Uint8Array, atNs: number): void {
    this.got.push([atNs, frame[0]!]);
  }
}

const frame = (id: number, bytes: number): Uint8Array => {
  const f = new Uint8Array(bytes);
  f[0] = id;
  return f;
};

function setup(opts: Partial<LinkOptions> = {}): { sim: Simulator; link: Link; atA: Recorder; atB: Recorder } {
  const sim = new Simulator();
  const link = new Link(sim, { name: 'h1-s1', latencyNs: 5000, bandwidthBps: 1e9, ...opts });
  const atA = new Recorder();
  const atB = new Recorder();
  link.a.connect(atA);
  link.b.connect(atB);
  return { sim, link, atA, atB };
}

describe('Link timing', () => {
  it('delivers after serialization (bytes × 8 / bps) plus latency', () => {
    const { sim, link, atB } = setup();
    link.a.send(frame(1, 1000)); // 8000 ns at 1 Gb/s
    sim.run();
    expect(atB.got).toEqual([[13_000, 1]]);
  });

  it('serializes back-to-back frames one after another', () => {
    const { sim, link, atB } = setup();
    for (let i = 1; i <= 3; i++) link.a.send(frame(i, 1000));
    sim.run();
    expect(atB.got).toEqual([
      [13_000, 1],
      [21_000, 2],
      [29_000, 3],
    ]);
    expect(link.a.stats.maxQueuedFrames).toBe(2);
    expect(link.a.stats.queuedFrames).toBe(0);
  });

  it('rounds serialization up to whole ns, exact quotients stay exact', () => {
    expect(Link.serializationNs(1500, 10e9)).toBe(1200);
    expect(Link.serializationNs(64, 1e9)).toBe(512);
    expect(Link.serializationNs(1, 3e9)).toBe(3); // 2.67 ns rounds up
    expect(Link.serializationNs(1500, Infinity)).toBe(0);
  });

  it('with unlimited bandwidth, delivers after latency alone and never queues', () => {
    const { sim, link, atB } = setup({ bandwidthBps: Infinity, queue: { packets: 0 } });
    for (let i = 1; i <= 3; i++) expect(link.a.send(frame(i, 1500))).toBe(true);
    sim.run();
    expect(atB.got).toEqual([
      [5000, 1],
      [5000, 2],
      [5000, 3],
    ]);
  });

  it('runs both directions independently', () => {
    const { sim, link, atA, atB } = setup();
    link.a.send(frame(1, 1000));
    link.b.send(frame(2, 500));
    sim.run();
    expect(atB.got).toEqual([[13_000, 1]]);
    expect(atA.got).toEqual([[9000, 2]]);
  });
});

describe('Link drop-tail queue', () => {
  it('drops the frame that would exceed the packet limit (the frame on the wire does not count)', () => {
    const { sim, link, atB } = setup({ queue: { packets: 1 } });
    expect(link.a.send(frame(1, 1000))).toBe(true); // on the wire
    expect(link.a.send(frame(2, 1000))).toBe(true); // queued
    expect(link.a.send(frame(3, 1000))).toBe(false); // dropped
    sim.run();
    expect(atB.got.map(([, id]) => id)).toEqual([1, 2]);
    expect(link.a.stats.drops).toEqual({ queue: 1, loss: 0, down: 0, unattached: 0 });
    expect(link.a.stats.txFrames).toBe(2);
    expect(link.a.stats.rxFrames).toBe(2);
    expect(link.a.stats.rxBytes).toBe(2000);
  });

  it('drops by byte limit', () => {
    const { sim, link, atB } = setup({ queue: { bytes: 1500 } });
    link.a.send(frame(1, 1000));
    link.a.send(frame(2, 1000)); // 1000 waiting
    expect(link.a.send(frame(3, 600))).toBe(false); // would be 1600
    expect(link.a.send(frame(4, 500))).toBe(true); // 1500 exactly
    sim.run();
    expect(atB.got.map(([, id]) => id)).toEqual([1, 2, 4]);
  });

  it('accepts new frames again once the queue drains', () => {
    const { sim, link, atB } = setup({ queue: { packets: 1 } });
    link.a.send(frame(1, 1000));
    link.a.send(frame(2, 1000));
    sim.run({ until: 8000 }); // frame 1 done, frame 2 now on the wire, queue empty
    expect(link.a.send(frame(3, 1000))).toBe(true);
    sim.run();
    expect(atB.got).toEqual([
      [13_000, 1],
      [21_000, 2],
      [29_000, 3],
    ]);
  });
});

describe('Link loss, down, unattached', () => {
  it('loses frames with the given probability, drawn from the link stream', () => {
    const n = 10_000;
    const run = (): { rx: number; lost: number } => {
      const { sim, link, atB } = setup({ loss: 0.25, random: new RandomStreams(9).stream('link:h1-s1'), bandwidthBps: Infinity });
      for (let i = 0; i < n; i++) link.a.send(frame(i & 0xff, 100));
      sim.run();
      return { rx: atB.got.length, lost: link.a.stats.drops.loss };
    };
    const first = run();
    expect(first.rx + first.lost).toBe(n);
    expect(Math.abs(first.lost / n - 0.25)).toBeLessThan(0.02);
    // Exactly the draws a bare stream with the same seed and name makes.
    const s = new RandomStreams(9).stream('link:h1-s1');
    let expected = 0;
    for (let i = 0; i < n; i++) if (s.uniform() < 0.25) expected++;
    expect(first.lost).toBe(expected);
    expect(run()).toEqual(first);
  });

  it('drops frames while the link is down, including those in flight', () => {
    const { sim, link, atB } = setup();
    link.a.send(frame(1, 1000));
    sim.run({ until: 10_000 }); // in flight, due at 13 000
    link.setUp(false);
    expect(link.a.send(frame(2, 1000))).toBe(false);
    sim.run();
    expect(atB.got).toEqual([]);
    expect(link.a.stats.drops.down).toBe(2);
    link.setUp(true);
    link.a.send(frame(3, 1000));
    sim.run();
    expect(atB.got).toEqual([[sim.now(), 3]]);
  });

  it('drops what arrives at an end nobody connected', () => {
    const sim = new Simulator();
    const link = new Link(sim, { latencyNs: 10 });
    link.a.send(frame(1, 64));
    sim.run();
    expect(link.a.stats.drops.unattached).toBe(1);
  });

  it('rejects bad options naming the link', () => {
    const sim = new Simulator();
    expect(() => new Link(sim, { name: 'x', latencyNs: -1 })).toThrow(/link x latency .* got -1/);
    expect(() => new Link(sim, { name: 'x', latencyNs: 0, bandwidthBps: 0 })).toThrow(/link x bandwidth/);
    expect(() => new Link(sim, { name: 'x', latencyNs: 0, loss: 0.1 })).toThrow(/link x has loss 0.1 but no random stream/);
    expect(() => new Link(sim, { name: 'x', latencyNs: 0, loss: 2 })).toThrow(/loss must be in \[0, 1\], got 2/);
  });
});

describe('Link taps and event log', () => {
  it('shows every frame to taps as tx, rx and drop, at the right times', () => {
    const { sim, link } = setup({ queue: { packets: 0 } });
    const seen: string[] = [];
    link.addTap({
      frame: (f: Uint8Array, at: number, info: TapInfo) =>
        void seen.push(`${at} ${info.link} ${info.from} ${info.event}${info.reason ? `:${info.reason}` : ''} #${f[0]}`),
    });
    link.a.send(frame(1, 1000));
    link.a.send(frame(2, 1000));
    sim.run();
    expect(seen).toEqual(['0 h1-s1 a tx #1', '0 h1-s1 a drop:queue #2', '13000 h1-s1 a rx #1']);
  });

  it('writes linkTx, linkRx and linkDrop records with virtual time', () => {
    const sim = new Simulator();
    const sink = new ArraySink();
    const log = new EventLog(sim, sink);
    const link = new Link(sim, { name: 'l1', latencyNs: 100, bandwidthBps: 8e9, queue: { packets: 0 }, log });
    link.b.connect(new Recorder());
    link.a.send(frame(1, 100));
    link.a.send(frame(2, 100));
    sim.run();
    expect(sink.lines).toEqual([
      '{"t":0,"c":"link","e":"linkTx","link":"l1","from":"a","bytes":100}',
      '{"t":0,"c":"link","e":"linkDrop","link":"l1","from":"a","bytes":100,"reason":"queue"}',
      '{"t":200,"c":"link","e":"linkRx","link":"l1","from":"a","bytes":100}',
    ]);
    expect(log.catalog().map((d) => d.event)).toEqual(['linkTx', 'linkRx', 'linkDrop']);
  });
});
