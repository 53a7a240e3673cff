import { describe, expect, test } from 'vitest';
import { ArpPacket, ArpRepr, ARP_OP } from '../../sim/packet/arp.js';
import { ARP_REQUEST } from './canned.js';

const repr: ArpRepr = { operation: ARP_OP.REQUEST, sha: 0x0a0000000001n, spa: 0x0a000001, tha: 0n, tpa: 0x0a000002 };

describe('ARP', () => {
  test('read fields', () => {
    const p = new ArpPacket(ARP_REQUEST, 14);
    expect([p.htype, p.ptype, p.hlen, p.plen, p.operation]).toEqual([1, 0x0800, 6, 4, 1]);
    expect(p.isEthernetIpv4).toBe(true);
    expect(p.sha).toBe(0x0a0000000001n);
    expect(p.spa).toBe(0x0a000001);
    expect(p.tha).toBe(0n);
    expect(p.tpa).toBe(0x0a000002);
  });
  test('write fields', () => {
    const b = ARP_REQUEST.slice(14, 42);
    const p = new ArpPacket(b);
    p.operation = ARP_OP.REPLY;
    p.tha = 0x0a0000000002n;
    p.tpa = 0xc0a80101;
    expect(b.slice(6, 8)).toEqual(Uint8Array.of(0, 2));
    expect(b.slice(18, 28)).toEqual(Uint8Array.of(0x0a, 0, 0, 0, 0, 2, 192, 168, 1, 1));
  });
  test('parse', () => {
    expect(ArpRepr.parse(new ArpPacket(ARP_REQUEST, 14))).toEqual(repr);
  });
  test('emit', () => {
    const b = new Uint8Array(ArpRepr.bufferLen(repr));
    ArpRepr.emit(repr, new ArpPacket(b));
    expect(b).toEqual(ARP_REQUEST.slice(14, 42));
  });
  test('non-Ethernet/IPv4 ARP and truncation are errors', () => {
    const b = ARP_REQUEST.slice(14, 42);
    b[1] = 6;
    expect(() => ArpRepr.parse(new ArpPacket(b))).toThrow('ARP at offset 0: unsupported hardware/protocol (htype 6, ptype 0x800, hlen 6, plen 4)');
    expect(() => ArpRepr.parse(new ArpPacket(ARP_REQUEST.slice(0, 40), 14))).toThrow('ARP at offset 14: truncated: need 28 bytes, have 26');
  });
});
