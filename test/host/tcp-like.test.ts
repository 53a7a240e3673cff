import { describe, expect, it } from 'vitest';
import { Simulator } from '../../engine/simulator.js';
import { ms, us } from '../../engine/time.js';
import { Host } from '../../sim/host/host.js';
import { TCP_FLAG } from '../../sim/packet/tcp.js';
import { wire, type WireLog } from './wire.js';

const { FIN, SYN, RST, PSH, ACK } = TCP_FLAG;

/** TCP frames on the wire as [sender, flags, payload length]. */
function tcpFrames(log: WireLog): [string, number, number][] {
  return log.frames
    .filter((f) => f.frame[12] === 0x08 && f.frame[13] === 0x00 && f.frame[23] === 6)
    .map((f) => {
      const b = f.frame;
      const ipLen = (b[16]! << 8) | b[17]!;
      const tcpHdr = (b[46]! >> 4) * 4;
      return [f.from, ((b[46]! & 0x0f) << 8) | b[47]!, ipLen - 20 - tcpHdr];
    });
}

describe('TCP-like flows', () => {
  it('handshake, data in a window, FIN exchange; completion time from virtual time', () => {
    const d = us(100);
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2');
    const log = wire(sim, h1, h2, d);
    h1.arp.learn(h2.ip, h2.mac);
    h2.arp.learn(h1.ip, h1.mac);
    const flow = h1.openTcpFlow(h2.ip, { dstPort: 80, bytes: 4000, mss: 1000, windowSegments: 2 });
    let done = 0;
    flow.onDone = () => done++;
    sim.run();
    expect(tcpFrames(log)).toEqual([
      ['h1', SYN, 0],
      ['h2', SYN | ACK, 0],
      ['h1', ACK, 0],
      ['h1', ACK, 1000],
      ['h1', ACK, 1000],
      ['h2', ACK, 0],
      ['h2', ACK, 0],
      ['h1', ACK, 1000],
      ['h1', ACK | PSH, 1000],
      ['h2', ACK, 0],
      ['h2', ACK, 0],
      ['h1', FIN | ACK, 0],
      ['h2', FIN | ACK, 0],
      ['h1', ACK, 0],
    ]);
    expect(flow.outcome).toBe('completed');
    expect(done).toBe(1);
    // Handshake 1 RTT, two windows of data 2 RTTs, FIN exchange 1 RTT.
    expect(flow.fctNs).toBe(8 * d);
    expect(flow.ackedBytes).toBe(4000);
    const rec = h2.sink.flow({ src: h1.ip, dst: h2.ip, protocol: 6, srcPort: flow.localPort, dstPort: 80 })!;
    expect(rec.payloadBytes).toBe(4000);
    expect(rec.synNs).toBe(d);
    expect(rec.finNs).toBe(7 * d);
    expect(h2.sink.completionTimes()).toEqual([6 * d]);
    // TIME_WAIT ends, both sides forget the connection.
    expect(h1.connections).toBe(0);
    expect(h2.connections).toBe(0);
  });

  it('sequence numbers rise by the bytes sent and ACKs acknowledge them', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2');
    wire(sim, h1, h2, us(10));
    const segs: { seq: number; ack: number; flags: number; len: number; src: number }[] = [];
    h2.on('tcp', (s) => segs.push({ seq: s.seq, ack: s.ack, flags: s.flags, len: s.payloadLen, src: s.src }));
    h1.openTcpFlow('10.0.0.2', { dstPort: 443, bytes: 3000 });
    sim.run();
    const isn = segs[0]!.seq;
    const data = segs.filter((s) => s.len > 0);
    expect(data.map((s) => (s.seq - isn) >>> 0)).toEqual([1, 1461, 2921]);
    expect(data.map((s) => s.len)).toEqual([1460, 1460, 80]);
    const fin = segs.find((s) => s.flags & FIN)!;
    expect((fin.seq - isn) >>> 0).toBe(3001);
  });

  it('zero-byte flows still open and close', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2');
    const log = wire(sim, h1, h2, us(10));
    const f = h1.openTcpFlow(h2.ip, { dstPort: 22, bytes: 0 });
    sim.run();
    expect(f.outcome).toBe('completed');
    expect(tcpFrames(log).map((x) => x[1])).toEqual([SYN, SYN | ACK, ACK, FIN | ACK, FIN | ACK, ACK]);
  });

  it('a closed port answers RST|ACK and the flow ends reset', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2', { tcpListen: [80] });
    const log = wire(sim, h1, h2, us(10));
    const f = h1.openTcpFlow(h2.ip, { dstPort: 81, bytes: 100 });
    sim.run();
    expect(f.outcome).toBe('reset');
    expect(tcpFrames(log).map((x) => x[1])).toEqual([SYN, RST | ACK]);
    expect(h1.connections).toBe(0);
  });

  it('recovers from a lost data segment by going back to the first unacknowledged byte', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    const h2 = new Host(sim, 'h2');
    h1.arp.learn(h2.ip, h2.mac);
    h2.arp.learn(h1.ip, h1.mac);
    let n = 0;
    h1.attach({
      send(f) {
        // Lose h1's fifth frame: SYN, ACK, data 1, data 2, *data 3*.
        if (++n === 5) return;
        sim.schedule(us(10), (x: Uint8Array) => h2.receive(x), f);
      },
    });
    h2.attach({ send: (f) => sim.schedule(us(10), (x: Uint8Array) => h1.receive(x), f) });
    const flow = h1.openTcpFlow(h2.ip, { dstPort: 80, bytes: 5000, mss: 1000, rtoNs: ms(5) });
    sim.run();
    expect(flow.outcome).toBe('completed');
    expect(flow.retransmits).toBe(1);
    expect(h2.sink.flows()[0]!.payloadBytes).toBe(5000);
    expect(flow.fctNs).toBeGreaterThan(ms(5));
  });

  it('a SYN to an address that never answers times out', () => {
    const sim = new Simulator();
    const h1 = new Host(sim, 'h1');
    h1.attach({ send: () => {} });
    h1.arp.learn(0x0a000063, 0x63n);
    const f = h1.openTcpFlow('10.0.0.99', { dstPort: 80, bytes: 10, rtoNs: ms(1) });
    sim.run();
    expect(f.outcome).toBe('timedOut');
    expect(f.segmentsSent).toBe(4);
  });
});
