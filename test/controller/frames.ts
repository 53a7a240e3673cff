/** Small frames for controller tests. */
import { tcpFrame, udpFrame, icmpFrame } from '../../sim/host/frames.js';
import { parseIpv4 } from '../../sim/flow/addr.js';

/** A minimum-size Ethernet frame with the given addresses and EtherType, zero payload. */
export function ethFrame(dst: bigint, src: bigint, type = 0x0800): Uint8Array {
  const b = new Uint8Array(60);
  for (let i = 0; i < 6; i++) {
    b[i] = Number((dst >> BigInt(8 * (5 - i))) & 0xffn);
    b[6 + i] = Number((src >> BigInt(8 * (5 - i))) & 0xffn);
  }
  b[12] = type >> 8;
  b[13] = type & 0xff;
  return b;
}

function ip(s: string): number {
  const v = parseIpv4(s);
  if (v === undefined) throw new Error(`bad IPv4 ${s}`);
  return v;
}

export function tcp(src: string, dst: string, sport: number, dport: number): Uint8Array {
  return tcpFrame(
    { srcMac: 0x0a0000000001n, dstMac: 0x0a0000000002n, src: ip(src), dst: ip(dst), ident: 1 },
    { srcPort: sport, dstPort: dport, seq: 1, ack: 0, flags: 0x02, window: 1000, payloadLen: 0 },
  );
}

export function udp(src: string, dst: string, sport: number, dport: number): Uint8Array {
  return udpFrame(
    { srcMac: 0x0a0000000001n, dstMac: 0x0a0000000002n, src: ip(src), dst: ip(dst), ident: 1 },
    { srcPort: sport, dstPort: dport, payload: new Uint8Array(4) },
  );
}

export function ping(src: string, dst: string): Uint8Array {
  return icmpFrame(
    { srcMac: 0x0a0000000001n, dstMac: 0x0a0000000002n, src: ip(src), dst: ip(dst), ident: 1 },
    { type: 8, code: 0, restOfHeader: 0x00010001, payload: new Uint8Array(8) },
  );
}
