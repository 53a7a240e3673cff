import { describe, expect, it } from 'vitest';
import { ArraySink, EventLog, disabledLog, event, streamSink } from '../../engine/event-log.js';
import { Link, type FrameSink } from '../../engine/link.js';
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';

const DEMO_EVENTS = {
  demoStart: event<{ port: number }>('the demo component started'),
  demoEmpty: event<Record<string, never>>('an event without payload'),
} as const;

describe('EventLog', () => {
  it('writes one JSON line per event with time, component and event first', () => {
    let now = 42;
    const sink = new ArraySink();
    const log = new EventLog({ now: () => now }, sink).component('demo', DEMO_EVENTS);
    expect(log.enabled).toBe(true);
    log.emit('demoStart', { port: 3 });
    now = 43;
    log.emit('demoEmpty', {});
    expect(sink.lines).toEqual(['{"t":42,"c":"demo","e":"demoStart","port":3}', '{"t":43,"c":"demo","e":"demoEmpty"}']);
    expect(sink.text()).toBe(`${sink.lines[0]}\n${sink.lines[1]}\n`);
    expect(sink.lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { t: 42, c: 'demo', e: 'demoStart', port: 3 },
      { t: 43, c: 'demo', e: 'demoEmpty' },
    ]);
  });

  it('is disabled without a sink and records nothing', () => {
    const log = new EventLog({ now: () => 0 });
    const c = log.component('demo', DEMO_EVENTS);
    expect(log.enabled).toBe(false);
    expect(c.enabled).toBe(false);
    c.emit('demoStart', { port: 1 });
    expect(disabledLog('demo', { now: () => 0 }, DEMO_EVENTS).enabled).toBe(false);
  });

  it('lists declared events with their descriptions once', () => {
    const log = new EventLog({ now: () => 0 }, new ArraySink());
    log.component('demo', DEMO_EVENTS);
    log.component('demo', DEMO_EVENTS);
    expect(log.catalog()).toEqual([
      { component: 'demo', event: 'demoStart', doc: 'the demo component started' },
      { component: 'demo', event: 'demoEmpty', doc: 'an event without payload' },
    ]);
  });

  it('writes newline-terminated lines to a stream', () => {
    const chunks: string[] = [];
    const log = new EventLog({ now: () => 7 }, streamSink({ write: (c: string) => chunks.push(c) }));
    log.component('demo', DEMO_EVENTS).emit('demoStart', { port: 9 });
    expect(chunks).toEqual(['{"t":7,"c":"demo","e":"demoStart","port":9}\n']);
  });
});

/** A small lossy two-link scenario driven by seeded streams; returns its event log. */
function scenario(seed: number): string {
  const sim = new Simulator();
  const sink = new ArraySink();
  const log = new EventLog(sim, sink);
  const rng = new RandomStreams(seed);
  const l1 = new Link(sim, { name: 'h1-s1', latencyNs: 2000, bandwidthBps: 1e9, loss: 0.1, random: rng.stream('link:h1-s1'), queue: { packets: 4 }, log });
  const l2 = new Link(sim, { name: 's1-h2', latencyNs: 3000, bandwidthBps: 1e8, queue: { packets: 8 }, log });
  const forward: FrameSink = { receive: (f) => void l2.a.send(f) };
  l1.b.connect(forward);
  l2.b.connect({ receive: () => undefined });
  const traffic = rng.stream('host:h1');
  const send = (): void => {
    l1.a.send(new Uint8Array(traffic.int(64, 1500)));
    if (sim.now() < 2_000_000) sim.schedule(Math.round(traffic.exponential(10_000)), send);
  };
  sim.schedule(0, send);
  sim.run();
  return sink.text();
}

describe('determinism', () => {
  it('gives a byte-identical event log for the same seed, a different one for another', () => {
    const a = scenario(1);
    expect(a.split('\n').length).toBeGreaterThan(300);
    expect(a).toMatch(/"reason":"loss"/);
    expect(a).toMatch(/"reason":"queue"/);
    expect(scenario(1)).toBe(a);
    expect(scenario(2)).not.toBe(a);
  });
});
