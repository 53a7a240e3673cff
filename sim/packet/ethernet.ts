/**
 * Ethernet II frames (and the 802.3 length form): a view over the 14-byte header and a
 * Repr. An EtherType below 0x0600 is a length, and the payload then starts with an
 * 802.2 LLC header (possibly followed by SNAP).
 */
import { get16, getMac, set16, setMac } from './bytes.js';
import { requireBytes } from './error.js';

const F = Object.freeze({ DST: 0, SRC: 6, ETHERTYPE: 12 });
export const ETHERNET_HEADER_LEN = 14;
/** Smallest value of the type/length field that is an EtherType rather than a length. */
export const ETH_TYPE_MIN = 0x0600;

export class EthernetFrame {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  /** A view that has been checked to hold a whole header. */
  static checked(buffer: Uint8Array, offset = 0): EthernetFrame {
    requireBytes('Ethernet', buffer.length, offset, ETHERNET_HEADER_LEN);
    return new EthernetFrame(buffer, offset);
  }

  get dst(): bigint {
    return getMac(this.buffer, this.offset + F.DST);
  }
  set dst(v: bigint) {
    setMac(this.buffer, this.offset + F.DST, v);
  }
  get src(): bigint {
    return getMac(this.buffer, this.offset + F.SRC);
  }
  set src(v: bigint) {
    setMac(this.buffer, this.offset + F.SRC, v);
  }
  get etherType(): number {
    return get16(this.buffer, this.offset + F.ETHERTYPE);
  }
  set etherType(v: number) {
    set16(this.buffer, this.offset + F.ETHERTYPE, v);
  }
  get payloadOffset(): number {
    return this.offset + ETHERNET_HEADER_LEN;
  }
}

export interface EthernetRepr {
  dst: bigint;
  src: bigint;
  etherType: number;
}

export const EthernetRepr = {
  parse(frame: EthernetFrame): EthernetRepr {
    requireBytes('Ethernet', frame.buffer.length, frame.offset, ETHERNET_HEADER_LEN);
    return { dst: frame.dst, src: frame.src, etherType: frame.etherType };
  },
  bufferLen(_repr: EthernetRepr): number {
    return ETHERNET_HEADER_LEN;
  },
  emit(repr: EthernetRepr, frame: EthernetFrame): void {
    requireBytes('Ethernet', frame.buffer.length, frame.offset, ETHERNET_HEADER_LEN);
    frame.dst = repr.dst;
    frame.src = repr.src;
    frame.etherType = repr.etherType;
  },
};
