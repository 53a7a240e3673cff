/**
 * 802.1Q / 802.1ad VLAN tags. A tag is the TPID (0x8100 for a customer tag, 0x88a8 for
 * a service tag) where the EtherType would be, then the 16-bit TCI and the EtherType of
 * what follows. The view covers the 4 bytes after the TPID (TCI and inner EtherType),
 * since the TPID belongs to the header before it.
 */
import { get16, set16 } from './bytes.js';
import { PacketError, requireBytes } from './error.js';

const F = Object.freeze({ TCI: 0, ETHERTYPE: 2 });
export const VLAN_TAG_LEN = 4;
export const TPID_8021Q = 0x8100;
export const TPID_8021AD = 0x88a8;

export function isVlanTpid(etherType: number): boolean {
  return etherType === TPID_8021Q || etherType === TPID_8021AD;
}

export class VlanTag {
  constructor(
    readonly buffer: Uint8Array,
    readonly offset = 0,
  ) {}

  static checked(buffer: Uint8Array, offset = 0): VlanTag {
    requireBytes('VLAN', buffer.length, offset, VLAN_TAG_LEN);
    return new VlanTag(buffer, offset);
  }

  get tci(): number {
    return get16(this.buffer, this.offset + F.TCI);
  }
  set tci(v: number) {
    set16(this.buffer, this.offset + F.TCI, v);
  }
  /** Priority code point (3 bits). */
  get pcp(): number {
    return this.tci >>> 13;
  }
  set pcp(v: number) {
    this.tci = (this.tci & 0x1fff) | ((v & 7) << 13);
  }
  /** Drop eligible indicator (the old CFI bit). */
  get dei(): boolean {
    return (this.tci & 0x1000) !== 0;
  }
  set dei(v: boolean) {
    this.tci = (this.tci & ~0x1000) | (v ? 0x1000 : 0);
  }
  get vid(): number {
    return this.tci & 0x0fff;
  }
  set vid(v: number) {
    this.tci = (this.tci & 0xf000) | (v & 0x0fff);
  }
  get etherType(): number {
    return get16(this.buffer, this.offset + F.ETHERTYPE);
  }
  set etherType(v: number) {
    set16(this.buffer, this.offset + F.ETHERTYPE, v);
  }
  get payloadOffset(): number {
    return this.offset + VLAN_TAG_LEN;
  }
}

export interface VlanRepr {
  pcp: number;
  dei: boolean;
  vid: number;
  /** EtherType of what follows the tag (another TPID for a double-tagged frame). */
  etherType: number;
}

export const VlanRepr = {
  parse(tag: VlanTag): VlanRepr {
    requireBytes('VLAN', tag.buffer.length, tag.offset, VLAN_TAG_LEN);
    return { pcp: tag.pcp, dei: tag.dei, vid: tag.vid, etherType: tag.etherType };
  },
  bufferLen(_repr: VlanRepr): number {
    return VLAN_TAG_LEN;
  },
  emit(repr: VlanRepr, tag: VlanTag): void {
    requireBytes('VLAN', tag.buffer.length, tag.offset, VLAN_TAG_LEN);
    if (repr.vid < 0 || repr.vid > 0xfff) throw new PacketError('VLAN', tag.offset, `VID ${repr.vid} out of range 0..4095`);
    if (repr.pcp < 0 || repr.pcp > 7) throw new PacketError('VLAN', tag.offset, `PCP ${repr.pcp} out of range 0..7`);
    tag.tci = (repr.pcp << 13) | (repr.dei ? 0x1000 : 0) | repr.vid;
    tag.etherType = repr.etherType;
  },
};
