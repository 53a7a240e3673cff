/**
 * OpenFlow messages as typed values: one discriminated union over every message the
 * codec reads and writes, independent of the version it travels in. Numbers that
 * differ between versions (port numbers, reasons, flags) are held in one form — ports
 * in OpenFlow 1.0's 16-bit numbering, reasons and flags by name — and converted at
 * the wire.
 */
import type { Match } from '../../flow/match.js';
import type { ControllerReason, Ofpact } from '../ofpact.js';
import type { OfVersion } from '../version.js';
import type { OfpErrorName } from './errors.js';

export type FlowModCommand = 'add' | 'modify' | 'modify_strict' | 'delete' | 'delete_strict';
export const FLOW_MOD_COMMANDS: readonly FlowModCommand[] = ['add', 'modify', 'modify_strict', 'delete', 'delete_strict'];

/** Flow-mod flags by name: OpenFlow 1.0's emerg shares bit 2 with 1.3's reset_counts. */
export type FlowModFlag = 'send_flow_rem' | 'check_overlap' | 'emerg' | 'reset_counts' | 'no_packet_counts' | 'no_byte_counts';

export interface FlowMod {
  readonly type: 'flow_mod';
  readonly xid: number;
  readonly command: FlowModCommand;
  /** 255 (OFPTT_ALL) in a delete means every table. */
  readonly table: number;
  readonly priority: number;
  readonly cookie: bigint;
  /** Restricts modify/delete to matching cookies (OpenFlow 1.1+, NXM). */
  readonly cookieMask: bigint;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  /** OpenFlow 1.4+. */
  readonly importance: number;
  readonly flags: readonly FlowModFlag[];
  /** 0xffffffff: no buffered packet. */
  readonly bufferId: number;
  /** Delete only flows that output here (OFPP.NONE: any). */
  readonly outPort: number;
  /** Delete only flows that use this group (0xffffffff: any). */
  readonly outGroup: number;
  readonly match: Match;
  readonly actions: readonly Ofpact[];
}

export type PacketInReason = ControllerReason;

export interface PacketIn {
  readonly type: 'packet_in';
  readonly xid: number;
  readonly bufferId: number;
  readonly totalLen: number;
  readonly reason: PacketInReason;
  readonly table: number;
  readonly cookie: bigint;
  /** in_port and the pipeline metadata (metadata, registers, tun_id…). */
  readonly match: Match;
  readonly data: Uint8Array;
}

export interface PacketOut {
  readonly type: 'packet_out';
  readonly xid: number;
  readonly bufferId: number;
  readonly inPort: number;
  readonly actions: readonly Ofpact[];
  readonly data: Uint8Array;
}

export type FlowRemovedReason = 'idle_timeout' | 'hard_timeout' | 'delete' | 'group_delete' | 'meter_delete' | 'eviction';
export const FLOW_REMOVED_REASONS: readonly FlowRemovedReason[] = ['idle_timeout', 'hard_timeout', 'delete', 'group_delete', 'meter_delete', 'eviction'];

export interface FlowRemoved {
  readonly type: 'flow_removed';
  readonly xid: number;
  readonly cookie: bigint;
  readonly priority: number;
  readonly reason: FlowRemovedReason;
  readonly table: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: Match;
}

/** A port as features replies, port-desc replies and port-status messages describe it. */
export interface PortDesc {
  readonly portNo: number;
  readonly hwAddr: bigint;
  readonly name: string;
  /** OFPPC_* bits (PORT_DOWN 1, NO_RECV 4, NO_FWD 32, NO_PACKET_IN 64). */
  readonly config: number;
  /** OFPPS_* bits (LINK_DOWN 1, BLOCKED 2, LIVE 4). */
  readonly state: number;
  /** OFPPF_* bits, in OpenFlow 1.1+ numbering. */
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  /** kbps. */
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

export interface PortStats {
  readonly portNo: number;
  readonly rxPackets: bigint;
  readonly txPackets: bigint;
  readonly rxBytes: bigint;
  readonly txBytes: bigint;
  readonly rxDropped: bigint;
  readonly txDropped: bigint;
  readonly rxErrors: bigint;
  readonly txErrors: bigint;
  readonly rxFrameErr: bigint;
  readonly rxOverErr: bigint;
  readonly rxCrcErr: bigint;
  readonly collisions: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}

/** One flow in a flow-stats reply. */
export interface FlowStatsEntry {
  readonly table: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: readonly FlowModFlag[];
  readonly importance: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  /** Seconds since last hit / last modification (NXST only; undefined otherwise). */
  readonly idleAge?: number;
  readonly hardAge?: number;
  readonly match: Match;
  readonly actions: readonly Ofpact[];
}

export interface TableStats {
  readonly tableId: number;
  /** OpenFlow 1.0 only. */
  readonly name: string;
  readonly maxEntries: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
}

/** A table-features property: a list of ids (instruction or action types, table ids, OXM headers) or raw bytes. */
export type TableFeatureProp =
  | { readonly kind: 'instructions' | 'instructions_miss'; readonly ids: readonly number[] }
  | { readonly kind: 'next_tables' | 'next_tables_miss'; readonly ids: readonly number[] }
  | { readonly kind: 'write_actions' | 'write_actions_miss' | 'apply_actions' | 'apply_actions_miss'; readonly ids: readonly number[] }
  | {
      readonly kind: 'match' | 'wildcards' | 'write_setfield' | 'write_setfield_miss' | 'apply_setfield' | 'apply_setfield_miss';
      /** 32-bit OXM headers (experimenter headers are kept in `raw` props). */
      readonly ids: readonly number[];
    }
  | { readonly kind: 'raw'; readonly propType: number; readonly data: Uint8Array };

export interface TableFeatures {
  readonly tableId: number;
  readonly name: string;
  readonly metadataMatch: bigint;
  readonly metadataWrite: bigint;
  /** OFPTC_* (1.3–1.4: config; 1.5: capabilities). */
  readonly config: number;
  readonly maxEntries: number;
  readonly properties: readonly TableFeatureProp[];
}

export interface Desc {
  readonly mfr: string;
  readonly hw: string;
  readonly sw: string;
  readonly serial: string;
  readonly dp: string;
}

export interface FlowStatsRequest {
  readonly table: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: Match;
}

export type MultipartRequestBody =
  | { readonly kind: 'desc' }
  | ({ readonly kind: 'flow' | 'aggregate' } & FlowStatsRequest)
  | { readonly kind: 'table' }
  | { readonly kind: 'port_stats'; readonly portNo: number }
  | { readonly kind: 'port_desc'; readonly portNo: number }
  | { readonly kind: 'table_features'; readonly tables: readonly TableFeatures[] }
  | { readonly kind: 'group_desc' }
  | { readonly kind: 'meter_config'; readonly meterId: number };

export type MultipartReplyBody =
  | ({ readonly kind: 'desc' } & Desc)
  | { readonly kind: 'flow'; readonly flows: readonly FlowStatsEntry[] }
  | { readonly kind: 'aggregate'; readonly packetCount: bigint; readonly byteCount: bigint; readonly flowCount: number }
  | { readonly kind: 'table'; readonly tables: readonly TableStats[] }
  | { readonly kind: 'port_stats'; readonly ports: readonly PortStats[] }
  | { readonly kind: 'port_desc'; readonly ports: readonly PortDesc[] }
  | { readonly kind: 'table_features'; readonly tables: readonly TableFeatures[] }
  /** Only empty lists: ovsim has no groups or meters yet. */
  | { readonly kind: 'group_desc' }
  | { readonly kind: 'meter_config' };

export type ControllerRole = 'nochange' | 'equal' | 'master' | 'slave';

export type OfMessage =
  | { readonly type: 'hello'; readonly xid: number; readonly versions: readonly OfVersion[] }
  | {
      readonly type: 'error';
      readonly xid: number;
      /** The error's name when it is one we know. */
      readonly name?: OfpErrorName;
      readonly errType: number;
      readonly code: number;
      /** For experimenter (1.2+) and Nicira vendor (1.0) errors. */
      readonly experimenter?: number;
      readonly data: Uint8Array;
    }
  | { readonly type: 'echo_request' | 'echo_reply'; readonly xid: number; readonly data: Uint8Array }
  | { readonly type: 'features_request'; readonly xid: number }
  | {
      readonly type: 'features_reply';
      readonly xid: number;
      readonly datapathId: bigint;
      readonly nBuffers: number;
      readonly nTables: number;
      readonly auxiliaryId: number;
      readonly capabilities: number;
      /** OpenFlow 1.0's supported-actions bitmap. */
      readonly actions: number;
      /** OpenFlow 1.0 lists ports here; later versions use a port-desc multipart. */
      readonly ports: readonly PortDesc[];
    }
  | { readonly type: 'get_config_request'; readonly xid: number }
  | { readonly type: 'get_config_reply' | 'set_config'; readonly xid: number; readonly flags: number; readonly missSendLen: number }
  | FlowMod
  | PacketIn
  | PacketOut
  | FlowRemoved
  | { readonly type: 'port_status'; readonly xid: number; readonly reason: 'add' | 'delete' | 'modify'; readonly port: PortDesc }
  | {
      readonly type: 'port_mod';
      readonly xid: number;
      readonly portNo: number;
      readonly hwAddr: bigint;
      readonly config: number;
      readonly mask: number;
      readonly advertise: number;
    }
  | { readonly type: 'barrier_request' | 'barrier_reply'; readonly xid: number }
  | { readonly type: 'role_request' | 'role_reply'; readonly xid: number; readonly role: ControllerRole; readonly generationId: bigint }
  | { readonly type: 'multipart_request'; readonly xid: number; readonly flags: number; readonly body: MultipartRequestBody }
  | { readonly type: 'multipart_reply'; readonly xid: number; readonly flags: number; readonly body: MultipartReplyBody }
  /** NXT_SET_FLOW_FORMAT: OpenFlow 1.0 matches or NXM from now on. */
  | { readonly type: 'set_flow_format'; readonly xid: number; readonly format: 'openflow10' | 'nxm' }
  /** NXT_FLOW_MOD_TABLE_ID: the high byte of an OpenFlow 1.0 flow-mod command names the table. */
  | { readonly type: 'flow_mod_table_id'; readonly xid: number; readonly enable: boolean }
  /** NXT_SET_PACKET_IN_FORMAT. */
  | { readonly type: 'set_packet_in_format'; readonly xid: number; readonly format: 'standard' | 'nxt_packet_in' | 'nxt_packet_in2' };

export type OfMessageType = OfMessage['type'];

/** The message of a given type. */
export type MessageOf<T extends OfMessageType> = Extract<OfMessage, { type: T }>;

/** OFPMPF_REPLY_MORE / OFPMPF_REQ_MORE. */
export const MULTIPART_MORE = 1;
