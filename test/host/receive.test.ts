/**
 * The host's receive path reads header fields straight from the bytes; these tests hold
 * it to what the sim/packet parsers decide for the same frame (the path it replaced).
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';
import { Host, type HostDropReason } from '../../sim/host/host.js';
import { BROADCAST_MAC, udpFrame } from '../../sim/host/frames.js';
import { FlowSink, tupleHash } from '../../sim/host/sink.js';
import { set16 } from '../../sim/packet/bytes.js';
import { PacketError } from '../../sim/packet/error.js';
import { EthernetFrame } from '../../sim/packet/ethernet.js';
import { Ipv4Packet, Ipv4Repr } from '../../sim/packet/ipv4.js';
import { UdpPacket, UdpRepr } from '../../sim/packet/udp.js';

type Outcome = 'counted' | HostDropReason | 'elsewhere';

/** What the parser-based path makes of a frame sent to `host`. */
function byParsers(frame: Uint8Array, host: Host): Outcome {
  try {
    const eth = EthernetFrame.checked(frame);
    if (eth.dst !== host.mac && eth.dst !== BROADCAST_MAC) return 'notForUs';
    if (eth.etherType !== 0x0800) return 'elsewhere';
    const ip = Ipv4Repr.parse(new Ipv4Packet(frame, 14));
    if (ip.dst !== host.ip && ip.dst !== 0xffffffff) return 'notForUs';
    if (ip.moreFrags || ip.fragOffset !== 0) return 'unsupported';
    if (ip.protocol !== 17) return 'elsewhere';
    const l4 = 14 + (frame[14]! & 0xf) * 4;
    UdpRepr.parse(new UdpPacket(frame, l4), { ip: { src: ip.src, dst: ip.dst }, end: l4 + ip.payloadLen });
    return 'counted';
  } catch (e) {
    if (e instanceof PacketError) return 'malformed';
    throw e;
  }
}

/** What the host did with one frame. */
function outcome(host: Host, frame: Uint8Array): Outcome {
  const before = { ...host.stats.drops };
  const packets = host.sink.packets;
  host.receive(frame);
  if (host.sink.packets === packets + 1) return 'counted';
  const reason = (Object.keys(before) as HostDropReason[]).find((k) => host.stats.drops[k] !== before[k]);
  return reason ?? 'elsewhere';
}

const datagram = (h1: Host, h2: Host, size = 40): Uint8Array =>
  udpFrame({ srcMac: h1.mac, dstMac: h2.mac, src: h1.ip, dst: h2.ip, ident: 99 }, { srcPort: 40000, dstPort: 53, payload: new Uint8Array(size).fill(7) });

describe('host receive path', () => {
  const sim = new Simulator();
  const h1 = new Host(sim, 'h1');
  const h2 = new Host(sim, 'h2');

  it('counts a good datagram with its payload bytes', () => {
    const f = datagram(h1, h2);
    expect(outcome(h2, f)).toBe('counted');
    const rec = h2.sink.flow({ src: h1.ip, dst: h2.ip, protocol: 17, srcPort: 40000, dstPort: 53 })!;
    expect(rec.payloadBytes).toBe(40);
    expect(rec.bytes).toBe(f.length);
  });

  it('sorts out hand-made bad frames as the parsers do', () => {
    const cases: [string, (f: Uint8Array) => Uint8Array, Outcome][] = [
      ['truncated Ethernet', (f) => f.subarray(0, 13), 'malformed'],
      ['other MAC', (f) => (f.fill(0x02, 0, 1), f), 'notForUs'],
      ['bad IP checksum', (f) => (f[24]! ^= 1, f), 'malformed'],
      ['IP total length beyond the frame', (f) => f.subarray(0, 60), 'malformed'],
      ['bad UDP checksum', (f) => (f[50]! ^= 1, f), 'malformed'],
      ['no UDP checksum', (f) => (set16(f, 40, 0), f[50]! ^= 1, f), 'counted'],
    ];
    for (const [what, spoil, want] of cases) {
      const f = spoil(datagram(h1, h2));
      expect(byParsers(f, h2), what).toBe(want);
      expect(outcome(h2, f), what).toBe(want);
    }
  });

  it('agrees with the parsers on thousands of randomly damaged frames', () => {
    const r = new RandomStreams(11).stream('damage');
    let seen = 0;
    const kinds = new Set<Outcome>();
    for (let n = 0; n < 5000; n++) {
      let f = datagram(h1, h2, r.int(0, 80));
      const hits = r.int(1, 3);
      for (let k = 0; k < hits; k++) {
        // Mostly the IP and UDP headers, where the checks are.
        const at = r.uniform() < 0.8 ? r.int(14, 41) : r.int(0, f.length - 1);
        f[at] = r.uniform() < 0.5 ? f[at]! ^ (1 << r.int(0, 7)) : r.int(0, 255);
      }
      if (r.uniform() < 0.1) f = f.subarray(0, r.int(0, f.length));
      // Damage that fixes the IP checksum up again, so the later checks get their turn.
      if (r.uniform() < 0.5 && f.length >= 34) {
        set16(f, 24, 0);
        new Ipv4Packet(f, 14).fillChecksum();
      }
      const want = byParsers(f, h2);
      if (want === 'elsewhere') continue;
      expect(outcome(h2, f), `frame ${n}`).toBe(want);
      kinds.add(want);
      seen++;
    }
    expect(seen).toBeGreaterThan(3000);
    expect([...kinds].sort()).toEqual(['counted', 'malformed', 'notForUs', 'unsupported']);
  });
});

describe('FlowSink', () => {
  it('keeps flows whose hashes collide apart', () => {
    // Birthday search for two tuples with the same 30-bit hash.
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let port = 0; pair === undefined; port++) {
      const h = tupleHash(0x0a000001, 0x0a000002, 17, port & 0xffff, port >>> 16);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, port];
      seen.set(h, port);
    }
    const sink = new FlowSink();
    const tuple = (p: number) => ({ src: 0x0a000001, dst: 0x0a000002, protocol: 17, srcPort: p & 0xffff, dstPort: p >>> 16 });
    sink.count(tuple(pair[0]), 100, 1);
    sink.count(tuple(pair[1]), 200, 2);
    sink.count(tuple(pair[1]), 200, 3);
    sink.countFields(0x0a000001, 0x0a000002, 6, pair[0] & 0xffff, pair[0] >>> 16, 50, 4); // same ports, TCP
    expect(sink.flowCount).toBe(3);
    expect(sink.flow(tuple(pair[0]))!.bytes).toBe(100);
    expect(sink.flow(tuple(pair[1]))!.packets).toBe(2);
    expect(sink.flow(tuple(pair[1]))!.lastNs).toBe(3);
    expect(sink.flows().map((f) => f.bytes)).toEqual([100, 400, 50]);
  });
});
