/**
 * An OpenFlow rule as a table holds it: what `ovs-ofctl add-flow` installs.
 */
import type { Match } from '../flow/match.js';
import type { Ofpact } from '../openflow/ofpact.js';

export interface FlowEntry {
  readonly table: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly importance: number;
  /** OFPFF_* flags given in the flow text (send_flow_rem, check_overlap, reset_counts, no_packet_counts, no_byte_counts). */
  readonly flags: readonly string[];
  readonly match: Match;
  /** The instructions/actions, in order; an empty list means drop. */
  readonly actions: readonly Ofpact[];
}

/** OVS's default priority for a flow that gives none. */
export const OFP_DEFAULT_PRIORITY = 0x8000;
