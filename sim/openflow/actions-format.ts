/**
 * Printing actions as OVS prints them: the `actions=` of `ovs-ofctl dump-flows`, and
 * each action line under a rule in `ofproto/trace`.
 *
 * Actions print as the switch holds them, so a flow installed with OpenFlow 1.3 shows
 * `set_field:1.2.3.4->ip_src` where one installed with 1.0 shows `mod_nw_src:1.2.3.4`.
 * (A dump in another version re-encodes them first: see `transcodeActions`.)
 */
import { formatIpv4, formatIpv6, formatMac, prefixLength } from '../flow/addr.js';
import type { Field } from '../flow/fields.js';
import { fieldAllOnes } from '../flow/key.js';
import { OFPP } from '../flow/layout.js';
import { formatTcpFlags } from '../flow/match-format.js';
import { formatPort, type PortMap } from '../flow/ports.js';
import { formatSubfield, subfieldBits } from './nxm-names.js';
import type { Ofpact } from './ofpact.js';
import { TABLE_CURRENT } from './ofpact.js';

export interface FormatActionsOptions {
  /** The bridge's port names, printed instead of numbers. */
  readonly ports?: PortMap;
}

/** C's `%#x`: 0 prints as "0", anything else with a 0x prefix. */
function cHex(v: number | bigint): string {
  return v === 0 || v === 0n ? '0' : `0x${v.toString(16)}`;
}

/**
 * Prints an action list as dump-flows does after `actions=`; an empty list is `drop`.
 *
 * @example formatActions([{ type: 'output', port: 2, maxLen: 0 }]) // 'output:2'
 */
export function formatActions(actions: readonly Ofpact[], opts: FormatActionsOptions = {}): string {
  if (actions.length === 0) return 'drop';
  return actions.map((a) => formatAction(a, opts)).join(',');
}

/** One action as ofproto/trace prints it on its own line under the rule that holds it. */
export function formatActionForTrace(a: Ofpact, opts: FormatActionsOptions = {}): string {
  return formatAction(a, opts);
}

/** One action in flow syntax. */
export function formatAction(a: Ofpact, opts: FormatActionsOptions = {}): string {
  const ports = opts.ports;
  switch (a.type) {
    case 'output': {
      const p = formatPort(a.port, ports);
      if (a.port === OFPP.CONTROLLER) return `${p}:${a.maxLen}`;
      return a.port < OFPP.MAX ? `output:${p}` : p;
    }
    case 'controller': {
      if (a.reason === 'action' && a.controllerId === 0 && !a.userdata?.length && !a.pause && a.meterId === undefined) {
        return `CONTROLLER:${a.maxLen}`;
      }
      const parts: string[] = [];
      if (a.reason !== 'action') parts.push(`reason=${a.reason}`);
      if (a.maxLen !== 0xffff) parts.push(`max_len=${a.maxLen}`);
      if (a.controllerId !== 0) parts.push(`id=${a.controllerId}`);
      if (a.userdata?.length) parts.push(`userdata=${hexBytes(a.userdata)}`);
      if (a.pause) parts.push('pause');
      if (a.meterId !== undefined) parts.push(`meter_id=${a.meterId}`);
      return `controller(${parts.join(',')})`;
    }
    case 'set_vlan_vid':
      return `${a.pushIfNeeded ? 'mod_vlan_vid' : 'set_vlan_vid'}:${a.vid}`;
    case 'set_vlan_pcp':
      return `${a.pushIfNeeded ? 'mod_vlan_pcp' : 'set_vlan_pcp'}:${a.pcp}`;
    case 'strip_vlan':
      return a.raw;
    case 'push_vlan':
      return `push_vlan:${cHex(a.ethertype)}`;
    case 'set_eth_src':
      return `mod_dl_src:${formatMac(a.mac)}`;
    case 'set_eth_dst':
      return `mod_dl_dst:${formatMac(a.mac)}`;
    case 'set_ipv4_src':
      return `mod_nw_src:${formatIpv4(a.ip)}`;
    case 'set_ipv4_dst':
      return `mod_nw_dst:${formatIpv4(a.ip)}`;
    case 'set_ip_dscp':
      return `mod_nw_tos:${a.tos}`;
    case 'set_ip_ecn':
      return `mod_nw_ecn:${a.ecn}`;
    case 'set_ip_ttl':
      return `mod_nw_ttl:${a.ttl}`;
    case 'set_l4_src_port':
      return `mod_tp_src:${a.port}`;
    case 'set_l4_dst_port':
      return `mod_tp_dst:${a.port}`;
    case 'set_field':
      if (a.raw === 'load') return formatLoad(a.field, a.value, a.mask);
      return `set_field:${formatFieldValue(a.field, a.value, a.mask, ports)}->${a.field.name}`;
    case 'move':
      return `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`;
    case 'dec_ttl':
      // A plain dec_ttl holds the single controller id 0.
      return a.controllerIds.length === 1 && a.controllerIds[0] === 0 ? 'dec_ttl' : `dec_ttl(${a.controllerIds.join(',')})`;
    case 'resubmit': {
      if (a.inPort !== OFPP.IN_PORT && a.table === TABLE_CURRENT) return `resubmit:${formatPort(a.inPort, ports)}`;
      const port = a.inPort !== OFPP.IN_PORT ? formatPort(a.inPort, ports) : '';
      const table = a.table !== TABLE_CURRENT ? String(a.table) : '';
      return `resubmit(${port},${table})`;
    }
    case 'goto_table':
      return `goto_table:${a.table}`;
    case 'write_metadata': {
      const all = (1n << 64n) - 1n;
      return `write_metadata:${cHex(a.value)}${a.mask === all ? '' : `/${cHex(a.mask)}`}`;
    }
    case 'clear_actions':
      return 'clear_actions';
    case 'write_actions':
      return `write_actions(${a.actions.map((x) => formatAction(x, opts)).join(',')})`;
    case 'note':
      return `note:${hexBytes(a.data)}`;
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

function hexBytes(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('.');
}

/** A `load` prints one `load:` per contiguous run of mask bits, as OVS splits it. */
function formatLoad(field: Field, value: bigint, mask: bigint): string {
  const width = subfieldBits(field);
  const parts: string[] = [];
  let i = 0;
  while (i < width) {
    if (((mask >> BigInt(i)) & 1n) === 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < width && j - i < 64 && ((mask >> BigInt(j)) & 1n) === 1n) j++;
    const seg = (value >> BigInt(i)) & ((1n << BigInt(j - i)) - 1n);
    parts.push(`load:${cHex(seg)}->${formatSubfield({ field, ofs: i, nBits: j - i })}`);
    i = j;
  }
  return parts.join(',');
}

/** A field value with its mask (omitted when exact), as OVS's mf_format prints it. */
export function formatFieldValue(f: Field, value: bigint, mask: bigint, ports?: PortMap): string {
  const exact = mask === fieldAllOnes(f);
  if (mask === 0n) return 'ANY';
  switch (f.format) {
    case 'port':
      if (exact) return formatPort(Number(value), ports);
      return `${value}/${cHex(mask)}`;
    case 'decimal':
      return exact ? value.toString() : `${value}/${cHex(mask)}`;
    case 'hex':
      return exact ? cHex(value) : `${cHex(value)}/${cHex(mask)}`;
    case 'mac':
      return exact ? formatMac(value) : `${formatMac(value)}/${formatMac(mask)}`;
    case 'ipv4': {
      if (exact) return formatIpv4(value);
      const plen = prefixLength(mask, 32);
      return `${formatIpv4(value)}/${plen >= 0 ? plen : formatIpv4(mask)}`;
    }
    case 'ipv6': {
      if (exact) return formatIpv6(value);
      const plen = prefixLength(mask, 128);
      return `${formatIpv6(value)}/${plen >= 0 ? plen : formatIpv6(mask)}`;
    }
    case 'frag':
      return exact ? ['no', 'first', '<error>', 'later'][Number(value & 3n)]! : `${cHex(value)}/${cHex(mask)}`;
    case 'tcp_flags':
      return formatTcpFlags(Number(value), Number(mask));
    default: {
      const never: never = f.format;
      throw new Error(`unknown field format ${String(never)}`);
    }
  }
}
