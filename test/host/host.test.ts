import { describe, expect, it } from 'vitest';
import { Simulator } from '../../engine/simulator.js';
import { ms, us } from '../../engine/time.js';
import { Host } from '../../sim/host/host.js';
import { ETH_TYPE_ARP } from '../../sim/host/frames.js';
import { wire } from './wire.js';

function pair(delayNs = us(50)) {
  const sim = new Simulator();
  const h1 = new Host(sim, 'h1');
  const h2 = new Host(sim, 'h2');
  const log = wire(sim, h1, h2, delayNs);
  return { sim, h1, h2, log };
}

describe('Host addressing', () => {
  it('derives addresses from the name, Mininet style', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    expect(h1.ipText).toBe('10.0.0.1');
    expect(h1.macText).toBe('00:00:00:00:00:01');
    expect(h1.ifName).toBe('h1-eth0');
    expect(new Host(sim, 'h256').ipText).toBe('10.0.1.0');
    expect(new Host(sim, 'h300').macText).toBe('00:00:00:00:01:2c');
  });
  it('takes given addresses', () => {
    const h = new Host(new Simulator(), 'web', { ip: '192.168.1.10', mac: '02:00:00:00:00:aa' });
    expect(h.ipText).toBe('192.168.1.10');
    expect(h.macText).toBe('02:00:00:00:00:aa');
  });
  it('names bad input in its errors', () => {
    const sim = new Simulator();
    expect(() => new Host(sim, 'web')).toThrow(/host name "web" ends in no number/);
    expect(() => new Host(sim, 'h1', { ip: '10.0.0.300' })).toThrow(/"10.0.0.300" is not an IPv4 address/);
    expect(() => new Host(sim, 'h1', { mac: 'zz' })).toThrow(/"zz" is not a MAC/);
    expect(() => new Host(sim, 'h1').ping('10.0.0.1')).toThrow(/own address/);
  });
});

describe('ARP and ping', () => {
  it('resolves with a request and a reply, then pings with RTT = 2 x delay', () => {
    const d = us(50);
    const { sim, h1, h2, log } = pair(d);
    const p = h1.ping(h2.ip, { count: 3, intervalNs: ms(1) });
    sim.run();
    const types = log.frames.slice(0, 2).map((f) => (f.frame[12]! << 8) | f.frame[13]!);
    expect(types).toEqual([ETH_TYPE_ARP, ETH_TYPE_ARP]);
    expect(log.frames[0]!.frame.subarray(0, 6)).toEqual(new Uint8Array(6).fill(0xff));
    // The first request waited for ARP (one more round trip); the others did not.
    expect(p.rtts).toEqual([4 * d, 2 * d, 2 * d]);
    expect(p.received).toBe(3);
    expect(p.lost).toBe(0);
    expect(p.done).toBe(true);
    expect(h1.arp.lookup(h2.ip)).toBe(h2.mac);
    // h2 learned h1 from the request addressed to it, so it never asked.
    expect(h2.arp.lookup(h1.ip)).toBe(h1.mac);
    expect(log.frames.filter((f) => f.frame[13] === 0x06)).toHaveLength(2);
  });

  it('counts losses when nobody answers, and drops frames after ARP gives up', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const sent: Uint8Array[] = [];
    h1.attach({ send: (f) => sent.push(f) });
    const p = h1.ping('10.0.0.9', { count: 2, intervalNs: ms(10) });
    sim.run();
    expect(p.received).toBe(0);
    expect(p.lost).toBe(2);
    expect(p.rtts).toEqual([undefined, undefined]);
    expect(sent).toHaveLength(3); // three ARP requests, one per second
    expect(h1.stats.drops.arpUnresolved).toBe(2);
  });

  it('bounds the queue of frames waiting for resolution', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1', { arp: { queueLimit: 4 } });
    h1.attach({ send: () => {} });
    for (let i = 0; i < 10; i++) h1.sendUdp('10.0.0.2', { srcPort: 1000, dstPort: 2000, size: 10 });
    expect(h1.stats.drops.arpQueueFull).toBe(6);
  });

  it('expires cache entries and resolves again', () => {
    const { sim, h1, h2, log } = pair(us(10));
    h1.sendUdp(h2.ip, { srcPort: 1, dstPort: 2 });
    sim.run();
    sim.run({ until: sim.now() + 61_000_000_000 });
    expect(h1.arp.lookup(h2.ip)).toBeUndefined();
    h1.sendUdp(h2.ip, { srcPort: 1, dstPort: 2 });
    sim.run();
    expect(log.frames.filter((f) => f.frame[13] === 0x06 && f.from === 'h1')).toHaveLength(2);
    expect(h2.sink.packets).toBe(2);
  });

  it('drops frames for other MACs and malformed frames', () => {
    const { h1 } = pair();
    const f = new Uint8Array(60);
    f[5] = 9;
    h1.receive(f);
    h1.receive(new Uint8Array(5));
    expect(h1.stats.drops.notForUs).toBe(1);
    expect(h1.stats.drops.malformed).toBe(1);
  });
});

describe('UDP', () => {
  it('counts datagrams per flow in the sink', () => {
    const { sim, h1, h2 } = pair(us(5));
    for (let i = 0; i < 5; i++) h1.sendUdp(h2.ip, { srcPort: 5000, dstPort: 9, size: 100 });
    h1.sendUdp(h2.ip, { srcPort: 5001, dstPort: 9, size: 1 });
    sim.run();
    expect(h2.sink.packets).toBe(6);
    expect(h2.sink.flowCount).toBe(2);
    const f = h2.sink.flow({ src: h1.ip, dst: h2.ip, protocol: 17, srcPort: 5000, dstPort: 9 })!;
    expect(f.packets).toBe(5);
    expect(f.payloadBytes).toBe(500);
    expect(f.bytes).toBe(5 * (14 + 20 + 8 + 100));
    // All five waited for ARP, so they arrive together.
    expect(f.firstNs).toBe(us(15));
    expect(f.lastNs).toBe(us(15));
    // Short frames are padded to Ethernet's minimum.
    expect(h2.sink.flow({ src: h1.ip, dst: h2.ip, protocol: 17, srcPort: 5001, dstPort: 9 })!.bytes).toBe(60);
  });
});
