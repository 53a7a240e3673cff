/**
 * OpenFlow actions and instructions as a switch holds them once decoded ("ofpacts", in
 * OVS's word): the form translation (xlate) reads and dump-flows prints.
 *
 * The same text can mean different actions depending on the OpenFlow version a flow was
 * installed with: `mod_nw_src` stays a `set_ipv4_src` under OpenFlow 1.0 but arrives as a
 * `set_field` of ip_src under 1.2+, and the two translate differently (set_field checks
 * the field's prerequisites against the packet). The flow syntax parser therefore returns
 * the ofpacts that `ovs-ofctl -O VERSION add-flow` would leave in the switch, and each
 * action keeps the name it was written with (`raw`) where OVS prints that back.
 */
import type { Field } from '../flow/fields.js';

/** A bit range of a field: `NXM_OF_IP_SRC[0..15]`, `reg0[]`. */
export interface Subfield {
  readonly field: Field;
  /** Lowest bit of the range, 0 = least significant. */
  readonly ofs: number;
  readonly nBits: number;
}

export type ControllerReason = 'no_match' | 'action' | 'invalid_ttl' | 'action_set' | 'group' | 'packet_out';

export type Ofpact =
  /** Output to a port: a physical port number or a reserved one (OFPP.*: IN_PORT, NORMAL, FLOOD, ALL, LOCAL, CONTROLLER). */
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  /** Send to the controller as a packet-in. */
  | {
      readonly type: 'controller';
      readonly maxLen: number;
      readonly controllerId: number;
      readonly reason: ControllerReason;
      readonly userdata?: Uint8Array;
      readonly pause: boolean;
      readonly meterId?: number;
    }
  /** mod_vlan_vid / set_vlan_vid; pushes a tag first when `pushIfNeeded` and the packet has none. */
  | { readonly type: 'set_vlan_vid'; readonly vid: number; readonly pushIfNeeded: boolean }
  /** mod_vlan_pcp / set_vlan_pcp. */
  | { readonly type: 'set_vlan_pcp'; readonly pcp: number; readonly pushIfNeeded: boolean }
  /** strip_vlan (OpenFlow 1.0) or pop_vlan (1.1+); `raw` is the name it prints as. */
  | { readonly type: 'strip_vlan'; readonly raw: 'strip_vlan' | 'pop_vlan' }
  | { readonly type: 'push_vlan'; readonly ethertype: number }
  | { readonly type: 'set_eth_src'; readonly mac: bigint }
  | { readonly type: 'set_eth_dst'; readonly mac: bigint }
  | { readonly type: 'set_ipv4_src'; readonly ip: number }
  | { readonly type: 'set_ipv4_dst'; readonly ip: number }
  /** mod_nw_tos: the DSCP bits, given as a TOS byte (low 2 bits zero). */
  | { readonly type: 'set_ip_dscp'; readonly tos: number }
  | { readonly type: 'set_ip_ecn'; readonly ecn: number }
  | { readonly type: 'set_ip_ttl'; readonly ttl: number }
  | { readonly type: 'set_l4_src_port'; readonly port: number }
  | { readonly type: 'set_l4_dst_port'; readonly port: number }
  /**
   * set_field (and load, which OVS holds as a masked set_field): writes `value` into the
   * bits of `field` selected by `mask`. `raw` is how it was written, for printing.
   */
  | { readonly type: 'set_field'; readonly field: Field; readonly value: bigint; readonly mask: bigint; readonly raw: 'set_field' | 'load' }
  | { readonly type: 'move'; readonly src: Subfield; readonly dst: Subfield }
  | { readonly type: 'dec_ttl'; readonly controllerIds: readonly number[] }
  /** resubmit(port,table): `inPort` OFPP.IN_PORT keeps the packet's in_port; `table` 255 = this table. */
  | { readonly type: 'resubmit'; readonly inPort: number; readonly table: number }
  | { readonly type: 'goto_table'; readonly table: number }
  | { readonly type: 'write_metadata'; readonly value: bigint; readonly mask: bigint }
  | { readonly type: 'clear_actions' }
  | { readonly type: 'write_actions'; readonly actions: readonly Ofpact[] }
  | { readonly type: 'note'; readonly data: Uint8Array };

export type OfpactType = Ofpact['type'];

/** resubmit's "this table" marker. */
export const TABLE_CURRENT = 255;
