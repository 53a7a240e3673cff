import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../engine/random.js';
import { FrameSlab } from '../../sim/host/frame-slab.js';
import { UdpTemplate, udpFrame } from '../../sim/host/frames.js';
import { getMac } from '../../sim/packet/bytes.js';
import { Ipv4Packet, Ipv4Repr } from '../../sim/packet/ipv4.js';
import { UdpPacket, UdpRepr } from '../../sim/packet/udp.js';

const H1 = { mac: 0x000000000001n, ip: 0x0a000001 };
const H2 = { mac: 0x0000000000a2n, ip: 0x0a000002 };

describe('UdpTemplate', () => {
  it('builds the frames udpFrame builds, byte for byte, whatever the ident, size and tos', () => {
    const r = new RandomStreams(7).stream('idents');
    for (const size of [0, 1, 17, 64, 1000]) {
      for (const tos of [0, 0xb8]) {
        const spec = { srcMac: H1.mac, src: H1.ip, dst: H2.ip, srcPort: 40000, dstPort: 5001, size, tos };
        const tpl = new UdpTemplate(spec);
        const idents = [0, 1, 0xfffe, 0xffff, 0x10000, 0x12345, ...Array.from({ length: 50 }, () => r.int(0, 0xffffffff))];
        for (const ident of idents) {
          const want = udpFrame(
            { srcMac: H1.mac, dstMac: H2.mac, src: H1.ip, dst: H2.ip, ident, tos },
            { srcPort: 40000, dstPort: 5001, payload: new Uint8Array(size) },
          );
          expect(tpl.build(ident, H2.mac), `size ${size} tos ${tos} ident ${ident}`).toEqual(want);
        }
      }
    }
  });

  it('writes checksums that the parsers accept, and follows a changed destination MAC', () => {
    const tpl = new UdpTemplate({ srcMac: H1.mac, src: H1.ip, dst: H2.ip, srcPort: 1, dstPort: 2, size: 33, tos: 0 });
    for (const [ident, mac] of [
      [7, H2.mac],
      [8, 0x0200000000ffn],
      [9, 0n],
    ] as const) {
      const f = tpl.build(ident, mac);
      const ip = Ipv4Repr.parse(new Ipv4Packet(f, 14));
      expect(ip.ident).toBe(ident);
      const udp = UdpRepr.parse(new UdpPacket(f, 34), { ip: { src: ip.src, dst: ip.dst } });
      expect(udp.payload).toHaveLength(33);
      expect(getMac(f, 0)).toBe(mac);
    }
  });

  it('hands out independent frames: changing one leaves the next alone', () => {
    const tpl = new UdpTemplate({ srcMac: H1.mac, src: H1.ip, dst: H2.ip, srcPort: 1, dstPort: 2, size: 10, tos: 0 });
    const a = tpl.build(1, H2.mac);
    a.fill(0xee);
    const b = tpl.build(1, H2.mac);
    expect(b).toEqual(udpFrame({ srcMac: H1.mac, dstMac: H2.mac, src: H1.ip, dst: H2.ip, ident: 1 }, { srcPort: 1, dstPort: 2, payload: new Uint8Array(10) }));
  });
});

describe('FrameSlab', () => {
  it('carves zero-filled, 8-byte aligned, non-overlapping buffers, and gives big ones their own', () => {
    const slab = new FrameSlab();
    const frames = Array.from({ length: 400 }, (_, i) => slab.alloc(60 + (i % 50)));
    for (const f of frames) {
      expect(f.byteOffset % 8).toBe(0);
      expect(f.every((b) => b === 0)).toBe(true);
      f.fill(0xff);
    }
    // Filling each one did not spill into another: all were zero when looked at.
    expect(frames[0]!.buffer).not.toBe(frames[399]!.buffer);
    const big = slab.alloc(9000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(9000);
  });
});
