/**
 * The link computes each frame's start, end of serialization and arrival when it is
 * sent, and schedules only its arrival. These tests pin what that must not change: the
 * counters as of any instant, the queue dropped by a link that goes down, the times taps
 * see, and the order of the loss draws.
 */
import { describe, expect, it } from 'vitest';
import { Link, type LinkOptions, type TapInfo } from '../../engine/link.js';
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';

const frame = (id: number, bytes = 1000): Uint8Array => {
  const f = new Uint8Array(bytes);
  f[0] = id;
  return f;
};

/** 1000-byte frames take 8000 ns at 1 Gb/s; the wire adds 5000 ns. */
function setup(opts: Partial<LinkOptions> = {}) {
  const sim = new Simulator();
  const link = new Link(sim, { name: 'l', latencyNs: 5000, bandwidthBps: 1e9, ...opts });
  const got: string[] = [];
  link.a.connect({ receive: (f, at) => void got.push(`${at} a<-#${f[0]}`) });
  link.b.connect({ receive: (f, at) => void got.push(`${at} b<-#${f[0]}`) });
  const seen: string[] = [];
  const tap = {
    frame: (f: Uint8Array, at: number, info: TapInfo) => void seen.push(`${at} ${info.from} ${info.event}${info.reason ? `:${info.reason}` : ''} #${f[0]}`),
  };
  return { sim, link, got, seen, tap };
}

describe('Link events', () => {
  it('runs one event per frame when nobody watches', () => {
    const { sim, link, got } = setup();
    for (let i = 0; i < 100; i++) link.a.send(frame(i));
    expect(sim.run()).toBe(100);
    expect(got).toHaveLength(100);
    expect(got[99]).toBe(`${100 * 8000 + 5000} b<-#99`);
  });

  it('keeps the counters current between events', () => {
    const { sim, link } = setup();
    for (let i = 1; i <= 3; i++) link.a.send(frame(i));
    const at = (t: number) => {
      sim.run({ until: t });
      const s = link.a.stats;
      return [s.txFrames, s.queuedFrames, s.queuedBytes, s.rxFrames];
    };
    expect(at(0)).toEqual([1, 2, 2000, 0]);
    expect(at(7999)).toEqual([1, 2, 2000, 0]);
    expect(at(8000)).toEqual([2, 1, 1000, 0]);
    expect(at(13_000)).toEqual([2, 1, 1000, 1]);
    expect(at(16_000)).toEqual([3, 0, 0, 1]);
    expect(at(29_000)).toEqual([3, 0, 0, 3]);
    expect(link.a.stats.maxQueuedFrames).toBe(2);
  });
});

describe('Link going down', () => {
  it('drops the queue when the frame on the wire ends, and that frame when it would arrive', () => {
    const { sim, link, seen, tap } = setup();
    link.addTap(tap);
    for (let i = 1; i <= 3; i++) link.a.send(frame(i));
    sim.run({ until: 4000 });
    link.setUp(false);
    sim.run();
    expect(seen).toEqual(['0 a tx #1', '8000 a drop:down #2', '8000 a drop:down #3', '13000 a drop:down #1']);
    expect(link.a.stats).toMatchObject({ txFrames: 1, queuedFrames: 0, queuedBytes: 0, drops: { down: 3 } });
  });

  it('keeps the queue if the link is back up before the frame on the wire ends', () => {
    const { sim, link, got } = setup();
    for (let i = 1; i <= 3; i++) link.a.send(frame(i));
    sim.run({ until: 4000 });
    link.setUp(false);
    sim.run({ until: 6000 });
    link.setUp(true);
    sim.run();
    expect(got).toEqual(['13000 b<-#1', '21000 b<-#2', '29000 b<-#3']);
  });

  it('drops what was queued meanwhile too, and then sends at once', () => {
    const { sim, link, got, seen, tap } = setup();
    link.addTap(tap);
    link.a.send(frame(1));
    link.a.send(frame(2));
    sim.run({ until: 4000 });
    link.setUp(false);
    sim.run({ until: 6000 });
    link.setUp(true);
    link.a.send(frame(3)); // behind frame 2
    sim.run({ until: 7000 });
    link.setUp(false);
    sim.run({ until: 9000 });
    link.setUp(true);
    link.a.send(frame(4)); // the transmitter is idle again
    sim.run();
    expect(seen).toEqual([
      '0 a tx #1',
      '8000 a drop:down #2',
      '8000 a drop:down #3',
      '9000 a tx #4',
      '13000 a rx #1',
      '22000 a rx #4',
    ]);
    expect(got).toEqual(['13000 b<-#1', '22000 b<-#4']);
  });
});

describe('Link loss and taps', () => {
  it('shows taps a waiting frame at its start and a loss when serialization ends', () => {
    const { sim, link, seen, tap } = setup({ loss: 1, random: new RandomStreams(1).stream('l') });
    link.addTap(tap);
    link.a.send(frame(1));
    link.a.send(frame(2));
    sim.run();
    expect(seen).toEqual(['0 a tx #1', '8000 a drop:loss #1', '8000 a tx #2', '16000 a drop:loss #2']);
  });

  it('draws for both directions in order of end of serialization', () => {
    // A seed whose first two draws disagree, so their order shows.
    let seed = 1;
    let draws: number[];
    for (;;) {
      const s = new RandomStreams(seed).stream('l');
      draws = [s.uniform(), s.uniform()];
      if (draws[0]! < 0.5 !== draws[1]! < 0.5) break;
      seed++;
    }
    for (const watched of [false, true]) {
      const { sim, link, tap } = setup({ loss: 0.5, random: new RandomStreams(seed).stream('l') });
      if (watched) link.addTap(tap);
      link.a.send(frame(1)); // serialized by 8000
      sim.run({ until: 5000 });
      link.b.send(frame(2, 100)); // serialized by 5800: drawn first
      sim.run();
      expect(link.b.stats.drops.loss, `watched ${watched}`).toBe(draws[0]! < 0.5 ? 1 : 0);
      expect(link.a.stats.drops.loss, `watched ${watched}`).toBe(draws[1]! < 0.5 ? 1 : 0);
    }
  });
});
