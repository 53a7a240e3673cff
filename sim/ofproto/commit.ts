/**
 * Committing header changes: turning the difference between the flow as translation has
 * rewritten it and the flow as the datapath last saw it (the "base" flow) into datapath
 * set / push_vlan / pop_vlan actions, just before an output or an upcall needs the packet
 * as it stands.
 *
 * The megaflow mask follows the rule OVS uses: a set action only carries the fields that
 * changed, and a field that changed was un-wildcarded by the action that changed it, so
 * committing leaves the mask alone — except where the datapath cannot take a masked set
 * (ICMP type/code), in which case the whole header is written and so matched.
 */
import type { OdpAction, OdpKeyAttr, OdpSetField } from '../datapath/odp-actions.js';
import { ETH_TYPE, IPPROTO, VLAN_CFI, W } from '../flow/layout.js';
import type { FlowKey, FlowMask } from '../flow/key.js';

type Kind = OdpSetField['kind'];

/** One field of a datapath key header, located in the flow key. */
interface KeyField {
  readonly name: string;
  readonly kind: Kind;
  readonly word: number;
  readonly nWords: number;
  readonly bits: number;
  /** Mask bits of the single word that belong to the field. */
  readonly wordMask: number;
  /** Fields the datapath cannot rewrite (IP proto and frag): never set, never compared. */
  readonly readOnly?: boolean;
}

const f = (name: string, kind: Kind, word: number, nWords: number, bits: number, wordMask = 0xffffffff, readOnly = false): KeyField => ({
  name,
  kind,
  word,
  nWords,
  bits,
  wordMask,
  readOnly,
});

const ETH: readonly KeyField[] = [f('src', 'mac', W.DL_SRC, 2, 48), f('dst', 'mac', W.DL_DST, 2, 48)];
const IPV4: readonly KeyField[] = [
  f('src', 'ipv4', W.NW_SRC, 1, 32),
  f('dst', 'ipv4', W.NW_DST, 1, 32),
  f('proto', 'u8dec', W.NW_PROTO, 1, 8, 0xff, true),
  f('tos', 'u8hex', W.NW_TOS, 1, 8, 0xff),
  f('ttl', 'u8dec', W.NW_TTL, 1, 8, 0xff),
  f('frag', 'frag', W.NW_FRAG, 1, 8, 0xff, true),
];
const IPV6: readonly KeyField[] = [
  f('src', 'ipv6', W.IPV6_SRC, 4, 128),
  f('dst', 'ipv6', W.IPV6_DST, 4, 128),
  f('label', 'u32hex', W.IPV6_LABEL, 1, 20, 0xfffff),
  f('proto', 'u8dec', W.NW_PROTO, 1, 8, 0xff, true),
  f('tclass', 'u8hex', W.NW_TOS, 1, 8, 0xff),
  f('hlimit', 'u8dec', W.NW_TTL, 1, 8, 0xff),
  f('frag', 'frag', W.NW_FRAG, 1, 8, 0xff, true),
];
const PORTS: readonly KeyField[] = [f('src', 'u16dec', W.TP_SRC, 1, 16, 0xffff), f('dst', 'u16dec', W.TP_DST, 1, 16, 0xffff)];
const ICMP: readonly KeyField[] = [f('type', 'u8dec', W.TP_SRC, 1, 8, 0xff), f('code', 'u8dec', W.TP_DST, 1, 8, 0xff)];
const ARP: readonly KeyField[] = [
  f('sip', 'ipv4', W.NW_SRC, 1, 32),
  f('tip', 'ipv4', W.NW_DST, 1, 32),
  f('op', 'u16dec', W.NW_PROTO, 1, 8, 0xff),
  f('sha', 'mac', W.ARP_SHA, 2, 48),
  f('tha', 'mac', W.ARP_THA, 2, 48),
];
const ND: readonly KeyField[] = [f('target', 'ipv6', W.ND_TARGET, 4, 128), f('sll', 'mac', W.ARP_SHA, 2, 48), f('tll', 'mac', W.ARP_THA, 2, 48)];

function wordsOf(k: KeyField): number {
  return k.nWords;
}

function fieldMaskOfWord(k: KeyField, i: number): number {
  if (k.nWords === 1) return k.wordMask;
  return i === 0 && k.bits % 32 !== 0 ? (1 << (k.bits % 32)) - 1 : 0xffffffff;
}

function read(key: Uint32Array, k: KeyField): bigint {
  let v = 0n;
  for (let i = 0; i < wordsOf(k); i++) v = (v << 32n) | BigInt((key[k.word + i]! & fieldMaskOfWord(k, i)) >>> 0);
  return v;
}

function equalIn(a: Uint32Array, b: Uint32Array, k: KeyField): boolean {
  for (let i = 0; i < wordsOf(k); i++) {
    const m = fieldMaskOfWord(k, i);
    if (((a[k.word + i]! ^ b[k.word + i]!) & m) !== 0) return false;
  }
  return true;
}

function copyField(dst: Uint32Array, src: Uint32Array, k: KeyField): void {
  for (let i = 0; i < wordsOf(k); i++) {
    const m = fieldMaskOfWord(k, i);
    dst[k.word + i] = ((dst[k.word + i]! & ~m) | (src[k.word + i]! & m)) >>> 0;
  }
}

function setAllOnes(mask: Uint32Array, k: KeyField): void {
  for (let i = 0; i < wordsOf(k); i++) mask[k.word + i] = (mask[k.word + i]! | fieldMaskOfWord(k, i)) >>> 0;
}

function allOnes(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/**
 * OVS's commit() for one header: when some writable field differs between `flow` and
 * `base`, emits a set action (masked when allowed and not every field changed), updates
 * `base`, and returns true.
 */
function commitHeader(
  attr: OdpKeyAttr,
  fields: readonly KeyField[],
  flow: FlowKey,
  base: FlowKey,
  wc: FlowMask,
  useMasked: boolean,
  out: OdpAction[],
): boolean {
  let differ = false;
  const masks = fields.map((k) => {
    if (k.readOnly || equalIn(flow, base, k)) return 0n;
    differ = true;
    return read(wc, k);
  });
  if (!differ) return false;
  const fullyMasked = masks.every((m, i) => m === allOnes(fields[i]!.bits));
  if (useMasked && !fullyMasked) {
    const setFields = fields.map((k, i) => ({ name: k.name, kind: k.kind, value: read(flow, k) & masks[i]!, mask: masks[i]!, bits: k.bits }));
    out.push({ type: 'set', attr, masked: true, fields: setFields });
  } else {
    const setFields = fields.map((k) => ({ name: k.name, kind: k.kind, value: read(flow, k), mask: allOnes(k.bits), bits: k.bits }));
    out.push({ type: 'set', attr, masked: false, fields: setFields });
    if (!fullyMasked) for (const k of fields) setAllOnes(wc, k);
  }
  for (const k of fields) if (!k.readOnly) copyField(base, flow, k);
  return true;
}

function vlanCount(key: Uint32Array): number {
  let n = 0;
  while (n < 2 && (key[W.VLAN0 + n]! & VLAN_CFI) !== 0) n++;
  return n;
}

function commitVlans(flow: FlowKey, base: FlowKey, wc: FlowMask, out: OdpAction[]): void {
  let baseN = vlanCount(base) - 1;
  let flowN = vlanCount(flow) - 1;
  // Tags are compared from the innermost out; only the differing outer ones change.
  for (; baseN >= 0 && flowN >= 0; baseN--, flowN--) {
    if (base[W.VLAN0 + baseN] !== flow[W.VLAN0 + flowN]) break;
  }
  for (; baseN >= 0; baseN--) {
    out.push({ type: 'pop_vlan' });
    wc[W.VLAN0 + baseN] = 0xffffffff;
  }
  for (; flowN >= 0; flowN--) {
    const v = flow[W.VLAN0 + flowN]!;
    out.push({ type: 'push_vlan', tpid: v >>> 16, tci: v & 0xffff });
  }
  base[W.VLAN0] = flow[W.VLAN0]!;
  base[W.VLAN0 + 1] = flow[W.VLAN0 + 1]!;
}

/**
 * Emits the actions that bring the packet from `base` to `flow`, in OVS's order:
 * Ethernet, L3, L4 ports, ICMP, VLAN.
 */
export function commitOdpActions(flow: FlowKey, base: FlowKey, wc: FlowMask, out: OdpAction[]): void {
  commitHeader('eth', ETH, flow, base, wc, true, out);
  const proto = flow[W.NW_PROTO]!;
  const baseType = base[W.DL_TYPE]!;
  // A zero nw_proto stands for "no L3 header" in OVS's flow, so nothing is committed.
  if (proto !== 0) {
    if (baseType === ETH_TYPE.IP) commitHeader('ipv4', IPV4, flow, base, wc, true, out);
    else if (baseType === ETH_TYPE.IPV6) {
      commitHeader('ipv6', IPV6, flow, base, wc, true, out);
      if (base[W.NW_PROTO] === IPPROTO.ICMPV6) commitHeader('nd', ND, flow, base, wc, true, out);
    } else if (baseType === ETH_TYPE.ARP) commitHeader('arp', ARP, flow, base, wc, true, out);
    const baseIp = baseType === ETH_TYPE.IP || baseType === ETH_TYPE.IPV6;
    if (baseIp) {
      const attr = proto === IPPROTO.TCP ? 'tcp' : proto === IPPROTO.UDP ? 'udp' : proto === IPPROTO.SCTP ? 'sctp' : null;
      if (attr) commitHeader(attr, PORTS, flow, base, wc, true, out);
    }
  }
  const dlType = flow[W.DL_TYPE]!;
  if (dlType === ETH_TYPE.IP && proto === IPPROTO.ICMP) commitHeader('icmp', ICMP, flow, base, wc, false, out);
  else if (dlType === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6) commitHeader('icmpv6', ICMP, flow, base, wc, false, out);
  commitVlans(flow, base, wc, out);
}
