import { describe, expect, test } from 'vitest';
import { TcpPacket, TcpRepr, TCP_FLAG } from '../../sim/packet/tcp.js';
import { TCP_VLAN } from './canned.js';

const OFF = 42;
const ip = { src: 0x0a000001, dst: 0x0a000002 };
const repr: TcpRepr = {
  srcPort: 443,
  dstPort: 55000,
  seq: 1000,
  ack: 0,
  flags: TCP_FLAG.PSH | TCP_FLAG.ACK,
  window: 8192,
  urgent: 0,
  options: [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }],
  payload: Uint8Array.from({ length: 20 }, (_, i) => i),
};

describe('TCP', () => {
  test('read fields', () => {
    const p = new TcpPacket(TCP_VLAN, OFF);
    expect([p.srcPort, p.dstPort, p.seq, p.ack, p.headerLen, p.flags, p.window, p.checksum, p.urgent]).toEqual([
      443, 55000, 1000, 0, 28, 0x018, 8192, 0x190c, 0,
    ]);
    expect(p.payloadOffset).toBe(70);
    expect(p.verifyChecksum(ip)).toBe(true);
  });
  test('write fields', () => {
    const b = TCP_VLAN.slice(OFF);
    const p = new TcpPacket(b);
    p.flags = TCP_FLAG.SYN | TCP_FLAG.NS;
    expect(Array.from(b.slice(12, 14))).toEqual([0x71, 0x02]);
    p.srcPort = 1;
    p.ack = 0xffffffff;
    expect(p.ack).toBe(0xffffffff);
    expect(p.verifyChecksum(ip)).toBe(false);
    p.fillChecksum(ip);
    expect(p.verifyChecksum(ip)).toBe(true);
  });
  test('parse', () => {
    expect(TcpRepr.parse(new TcpPacket(TCP_VLAN, OFF), { ip })).toEqual(repr);
  });
  test('emit', () => {
    const b = new Uint8Array(TcpRepr.bufferLen(repr));
    TcpRepr.emit(repr, new TcpPacket(b), ip);
    expect(b).toEqual(TCP_VLAN.slice(OFF));
  });
  test('options round-trip, padded to 4 bytes', () => {
    const r: TcpRepr = {
      ...repr,
      options: [
        { kind: 'sackPermitted' },
        { kind: 'timestamp', tsval: 1, tsecr: 2 },
        { kind: 'sack', blocks: [[10, 20]] },
        { kind: 'unknown', type: 30, data: Uint8Array.of(9) },
      ],
      payload: new Uint8Array(0),
    };
    expect(TcpRepr.headerLen(r)).toBe(20 + 28);
    const b = new Uint8Array(TcpRepr.bufferLen(r));
    TcpRepr.emit(r, new TcpPacket(b), ip);
    expect(TcpRepr.parse(new TcpPacket(b), { ip })).toEqual(r);
  });
  test('errors', () => {
    expect(() => TcpRepr.parse(new TcpPacket(TCP_VLAN, OFF), { ip: { src: 1, dst: 2 } })).toThrow('TCP at offset 58: bad checksum 0x190c');
    const short = TCP_VLAN.slice(OFF);
    short[12] = 0x40;
    expect(() => TcpRepr.parse(new TcpPacket(short))).toThrow('TCP at offset 12: data offset 16 is below 20');
    const badOpt = TCP_VLAN.slice(OFF);
    badOpt[21] = 5;
    expect(() => TcpRepr.parse(new TcpPacket(badOpt))).toThrow('TCP option at offset 21: option 2 has length 5, want 4');
  });
});
