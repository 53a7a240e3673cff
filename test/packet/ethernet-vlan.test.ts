import { describe, expect, test } from 'vitest';
import { EthernetFrame, EthernetRepr } from '../../sim/packet/ethernet.js';
import { PacketError } from '../../sim/packet/error.js';
import { VlanRepr, VlanTag, isVlanTpid } from '../../sim/packet/vlan.js';
import { TCP_VLAN } from './canned.js';

describe('Ethernet', () => {
  test('read fields', () => {
    const f = new EthernetFrame(TCP_VLAN);
    expect(f.dst).toBe(0x0a0000000002n);
    expect(f.src).toBe(0x0a0000000001n);
    expect(f.etherType).toBe(0x8100);
    expect(f.payloadOffset).toBe(14);
  });
  test('write fields', () => {
    const b = new Uint8Array(14);
    const f = new EthernetFrame(b);
    f.dst = 0xffffffffffffn;
    f.src = 0x001122334455n;
    f.etherType = 0x0806;
    expect(Array.from(b)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06]);
  });
  test('parse', () => {
    expect(EthernetRepr.parse(new EthernetFrame(TCP_VLAN))).toEqual({ dst: 0x0a0000000002n, src: 0x0a0000000001n, etherType: 0x8100 });
  });
  test('emit', () => {
    const repr = { dst: 0x0a0000000002n, src: 0x0a0000000001n, etherType: 0x8100 };
    const b = new Uint8Array(EthernetRepr.bufferLen(repr));
    EthernetRepr.emit(repr, new EthernetFrame(b));
    expect(b).toEqual(TCP_VLAN.slice(0, 14));
  });
  test('a truncated header is an error naming layer and offset', () => {
    expect(() => EthernetRepr.parse(new EthernetFrame(TCP_VLAN.slice(0, 13)))).toThrow(
      new PacketError('Ethernet', 0, 'truncated: need 14 bytes, have 13'),
    );
    expect(() => EthernetFrame.checked(TCP_VLAN.slice(0, 13))).toThrow('Ethernet at offset 0: truncated');
  });
});

describe('VLAN tag', () => {
  test('read fields', () => {
    const t = new VlanTag(TCP_VLAN, 14);
    expect(t.tci).toBe(0xa00a);
    expect(t.pcp).toBe(5);
    expect(t.dei).toBe(false);
    expect(t.vid).toBe(10);
    expect(t.etherType).toBe(0x0800);
    expect(t.payloadOffset).toBe(18);
    expect(isVlanTpid(0x8100) && isVlanTpid(0x88a8) && !isVlanTpid(0x0800)).toBe(true);
  });
  test('write fields', () => {
    const b = new Uint8Array(4);
    const t = new VlanTag(b);
    t.vid = 4095;
    t.pcp = 7;
    t.dei = true;
    t.etherType = 0x86dd;
    expect(Array.from(b)).toEqual([0xff, 0xff, 0x86, 0xdd]);
    t.dei = false;
    t.vid = 1;
    expect(t.tci).toBe(0xe001);
  });
  test('parse', () => {
    expect(VlanRepr.parse(new VlanTag(TCP_VLAN, 14))).toEqual({ pcp: 5, dei: false, vid: 10, etherType: 0x0800 });
  });
  test('emit', () => {
    const b = new Uint8Array(4);
    VlanRepr.emit({ pcp: 5, dei: false, vid: 10, etherType: 0x0800 }, new VlanTag(b));
    expect(b).toEqual(TCP_VLAN.slice(14, 18));
    expect(() => VlanRepr.emit({ pcp: 0, dei: false, vid: 4096, etherType: 0 }, new VlanTag(b))).toThrow('VLAN at offset 0: VID 4096 out of range 0..4095');
  });
});
