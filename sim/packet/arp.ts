/**
 * ARP (RFC 826). The view reads any hardware/protocol sizes; the Repr covers the one
 * combination switches care about, Ethernet addresses over IPv4 (28 bytes), and rejects
 * the others.
 */
import { get16, get32, getMac, set16, set32, setMac } from './bytes.js';
import { PacketError, requireBytes } from './error.js';

const F = Object.freeze({ HTYPE: 0, PTYPE: 2, HLEN: 4, PLEN: 5, OPER: 6, SHA: 8, SPA: 14, THA: 18, TPA: 24 });
/** Length of an Ethernet/IPv4 ARP packet. */
export const ARP_ETH_IPV4_LEN = 28;
const HTYPE_ETHERNET = 1;
const PTYPE_IPV4 = 0x0800;

export const ARP_OP = { REQUEST: 1, REPLY: 2 } as const;

export class ArpPacket {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  /** A view checked to hold the fixed 8-byte part. */
  static checked(buffer: Uint8Array, offset = 0): ArpPacket {
    requireBytes('ARP', buffer.length, offset, 8);
    return new ArpPacket(buffer, offset);
  }

  get htype(): number {
    return get16(this.buffer, this.offset + F.HTYPE);
  }
  set htype(v: number) {
    set16(this.buffer, this.offset + F.HTYPE, v);
  }
  get ptype(): number {
    return get16(this.buffer, this.offset + F.PTYPE);
  }
  set ptype(v: number) {
    set16(this.buffer, this.offset + F.PTYPE, v);
  }
  get hlen(): number {
    return this.buffer[this.offset + F.HLEN]!;
  }
  set hlen(v: number) {
    this.buffer[this.offset + F.HLEN] = v;
  }
  get plen(): number {
    return this.buffer[this.offset + F.PLEN]!;
  }
  set plen(v: number) {
    this.buffer[this.offset + F.PLEN] = v;
  }
  get operation(): number {
    return get16(this.buffer, this.offset + F.OPER);
  }
  set operation(v: number) {
    set16(this.buffer, this.offset + F.OPER, v);
  }
  /** True for Ethernet hardware addresses and IPv4 protocol addresses. */
  get isEthernetIpv4(): boolean {
    return this.htype === HTYPE_ETHERNET && this.ptype === PTYPE_IPV4 && this.hlen === 6 && this.plen === 4;
  }
  // The address getters assume the Ethernet/IPv4 layout.
  get sha(): bigint {
    return getMac(this.buffer, this.offset + F.SHA);
  }
  set sha(v: bigint) {
    setMac(this.buffer, this.offset + F.SHA, v);
  }
  get spa(): number {
    return get32(this.buffer, this.offset + F.SPA);
  }
  set spa(v: number) {
    set32(this.buffer, this.offset + F.SPA, v);
  }
  get tha(): bigint {
    return getMac(this.buffer, this.offset + F.THA);
  }
  set tha(v: bigint) {
    setMac(this.buffer, this.offset + F.THA, v);
  }
  get tpa(): number {
    return get32(this.buffer, this.offset + F.TPA);
  }
  set tpa(v: number) {
    set32(this.buffer, this.offset + F.TPA, v);
  }
}

export interface ArpRepr {
  operation: number;
  sha: bigint;
  spa: number;
  tha: bigint;
  tpa: number;
}

export const ArpRepr = {
  parse(p: ArpPacket): ArpRepr {
    requireBytes('ARP', p.buffer.length, p.offset, 8);
    if (!p.isEthernetIpv4) {
      throw new PacketError(
        'ARP',
        p.offset,
        `unsupported hardware/protocol (htype ${p.htype}, ptype 0x${p.ptype.toString(16)}, hlen ${p.hlen}, plen ${p.plen})`,
      );
    }
    requireBytes('ARP', p.buffer.length, p.offset, ARP_ETH_IPV4_LEN);
    return { operation: p.operation, sha: p.sha, spa: p.spa, tha: p.tha, tpa: p.tpa };
  },
  bufferLen(_repr: ArpRepr): number {
    return ARP_ETH_IPV4_LEN;
  },
  emit(repr: ArpRepr, p: ArpPacket): void {
    requireBytes('ARP', p.buffer.length, p.offset, ARP_ETH_IPV4_LEN);
    p.htype = HTYPE_ETHERNET;
    p.ptype = PTYPE_IPV4;
    p.hlen = 6;
    p.plen = 4;
    p.operation = repr.operation;
    p.sha = repr.sha;
    p.spa = repr.spa;
    p.tha = repr.tha;
    p.tpa = repr.tpa;
  },
};
