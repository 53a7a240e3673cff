/**
 * Datapath actions: what a cached flow does to a packet, in the datapath's own terms
 * (datapath port numbers, header rewrites, VLAN push/pop, upcalls). This is the language
 * ofproto translates OpenFlow into; the datapath executes it without knowing OpenFlow.
 *
 * `formatOdpActions` prints them as OVS does after `Datapath actions:` and in
 * `ovs-dpctl dump-flows`.
 */
import { formatIpv4, formatIpv6, formatMac } from '../flow/addr.js';

/** One field of a set action: its name in OVS's key syntax, value, mask and text form. */
export interface OdpSetField {
  readonly name: string;
  readonly kind: 'ipv4' | 'ipv6' | 'mac' | 'u8dec' | 'u8hex' | 'u16dec' | 'u32hex' | 'frag';
  readonly value: bigint;
  /** Mask over the field's bits; all ones for an exact set. */
  readonly mask: bigint;
  readonly bits: number;
}

export type OdpKeyAttr = 'eth' | 'ipv4' | 'ipv6' | 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmpv6' | 'arp' | 'nd' | 'skb_priority' | 'skb_mark';

export interface UserspaceController {
  readonly reason: number;
  readonly dontSend: boolean;
  readonly continuation: boolean;
  readonly recircId: number;
  readonly ruleCookie: bigint;
  readonly controllerId: number;
  readonly maxLen: number;
}

export type OdpAction =
  | { readonly type: 'output'; readonly port: number }
  | { readonly type: 'push_vlan'; readonly tpid: number; readonly tci: number }
  | { readonly type: 'pop_vlan' }
  /**
   * A header rewrite. `masked` sets carry only the changed fields (the userspace
   * datapath supports masked sets); an unmasked set carries every field of the header.
   */
  | { readonly type: 'set'; readonly attr: OdpKeyAttr; readonly masked: boolean; readonly fields: readonly OdpSetField[] }
  | { readonly type: 'userspace'; readonly pid: number; readonly controller: UserspaceController };

function hex(v: bigint | number): string {
  const n = BigInt(v);
  return n === 0n ? '0' : `0x${n.toString(16)}`;
}

function allOnes(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

const FRAG_NAMES = ['no', 'first', 'later'];

function formatSetField(f: OdpSetField): string {
  const full = f.mask === allOnes(f.bits);
  let v: string;
  let m: string;
  switch (f.kind) {
    case 'ipv4':
      v = formatIpv4(f.value);
      m = formatIpv4(f.mask);
      break;
    case 'ipv6':
      v = formatIpv6(f.value);
      m = formatIpv6(f.mask);
      break;
    case 'mac':
      v = formatMac(f.value);
      m = formatMac(f.mask);
      break;
    case 'u8dec':
    case 'u16dec':
      v = f.value.toString();
      m = hex(f.mask);
      break;
    case 'u8hex':
    case 'u32hex':
      v = hex(f.value);
      m = hex(f.mask);
      break;
    case 'frag':
      return `${f.name}=${FRAG_NAMES[Number(f.value)] ?? 'error'}`;
  }
  return full ? `${f.name}=${v}` : `${f.name}=${v}/${m}`;
}

export function formatOdpAction(a: OdpAction): string {
  switch (a.type) {
    case 'output':
      return String(a.port);
    case 'pop_vlan':
      return 'pop_vlan';
    case 'push_vlan': {
      const parts: string[] = [];
      if (a.tpid !== 0x8100) parts.push(`tpid=0x${a.tpid.toString(16).padStart(4, '0')}`);
      parts.push(`vid=${a.tci & 0xfff}`, `pcp=${a.tci >>> 13}`);
      if (!(a.tci & 0x1000)) parts.push('cfi=0');
      return `push_vlan(${parts.join(',')})`;
    }
    case 'set': {
      const shown = a.masked ? a.fields.filter((f) => f.mask !== 0n) : a.fields;
      return `set(${a.attr}(${shown.map(formatSetField).join(',')}))`;
    }
    case 'userspace': {
      const c = a.controller;
      return (
        `userspace(pid=${a.pid},controller(reason=${c.reason},dont_send=${c.dontSend ? 1 : 0},` +
        `continuation=${c.continuation ? 1 : 0},recirc_id=${c.recircId},rule_cookie=${hex(c.ruleCookie)},` +
        `controller_id=${c.controllerId},max_len=${c.maxLen}))`
      );
    }
    default: {
      const never: never = a;
      throw new Error(`unknown datapath action ${JSON.stringify(never)}`);
    }
  }
}

/** The `Datapath actions:` text; an empty list is `drop`. */
export function formatOdpActions(actions: readonly OdpAction[]): string {
  if (actions.length === 0) return 'drop';
  return actions.map(formatOdpAction).join(',');
}
