import { describe, expect, it } from 'vitest';
import { Link } from '../../engine/link.js';
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';
import { us } from '../../engine/time.js';
import { Host } from '../../sim/host/host.js';
import { startCbr } from '../../sim/host/traffic.js';

describe('hosts on an engine link', () => {
  it('ping over a link: RTT is twice latency plus serialization both ways', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2');
    const link = new Link(sim, { name: 'h1-eth0:h2-eth0', latencyNs: us(10), bandwidthBps: 1e9 });
    h1.plug(link.a);
    h2.plug(link.b);
    const p = h1.ping(h2.ip, { count: 2, intervalNs: us(500) });
    sim.run();
    // 98-byte echo frames take 784 ns to serialize at 1 Gbit/s.
    expect(p.rtts[1]).toBe(2 * (us(10) + 784));
  });

  it('TCP-like flows finish over a lossy link, and CBR loses what the link loses', () => {
    const sim = new Simulator();
    const streams = new RandomStreams(4);
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2');
    const link = new Link(sim, { latencyNs: us(20), bandwidthBps: 1e9, loss: 0.02, random: streams.stream('link') });
    h1.plug(link.a);
    h2.plug(link.b);
    h1.arp.learn(h2.ip, h2.mac);
    h2.arp.learn(h1.ip, h1.mac);
    const f = h1.openTcpFlow(h2.ip, { dstPort: 80, bytes: 500_000, rtoNs: us(500) });
    const cbr = startCbr(h2, { dst: h1, rateBps: 1e8, count: 1000, srcPort: 7 });
    sim.run();
    expect(f.outcome).toBe('completed');
    expect(f.retransmits).toBeGreaterThan(0);
    expect(h2.sink.flows().find((r) => r.tuple.protocol === 6)!.payloadBytes).toBe(500_000);
    const got = h1.sink.flows().find((r) => r.tuple.protocol === 17)!.packets;
    expect(cbr.sent).toBe(1000);
    expect(got).toBeLessThan(1000);
    expect(got).toBeGreaterThan(950);
    // Whatever h2 sent and the link did not lose reached h1.
    expect(h1.stats.rxFrames).toBe(link.b.stats.txFrames - link.b.stats.drops.loss);
  });
});
