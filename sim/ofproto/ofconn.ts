/**
 * The switch side of one OpenFlow connection (OVS's ofconn): a controller's connection
 * ("primary") or a management client's such as `ovs-ofctl` on `br0.mgmt` ("service").
 * It answers requests against the switch the connection manager (connmgr.ts) holds:
 * features, config, flow mods, packet-outs, port mods, barriers, roles, and the
 * multipart requests; and it decides which asynchronous messages its peer gets.
 *
 * Roles follow OpenFlow 1.2+: a slave may read but not change the switch
 * (OFPBRC_IS_SECONDARY) and hears only port status; becoming master makes the other
 * masters slaves; a stale generation id is refused (OFPRRFC_STALE).
 */
import type { OfpErrorName } from '../openflow/wire/errors.js';
import type { ControllerRole, MessageOf, MultipartReplyBody, OfMessage } from '../openflow/wire/messages.js';
import { NO_BUFFER } from '../openflow/wire/ports.js';
import type { OfVersion } from '../openflow/version.js';
import { OFPP } from '../flow/layout.js';
import type { Channel } from '../ovsdb/channel.js';
import type { Connmgr } from './connmgr.js';
import { OfChannel, type OfDirection } from '../openflow/channel.js';
import { ACTIONS_10, aggregateStats, CAPABILITIES_10, CAPABILITIES_11, flowStats, portSelected, portStats, sortedPorts, switchDesc, tableFeatures, tableStats } from './ofconn-stats.js';
import { OF_N_TABLES } from './flow-mod.js';

export type OfconnKind = 'primary' | 'service';

/** OVS's default miss_send_len for controllers. */
export const DEFAULT_MISS_SEND_LEN = 128;

export interface OfconnOptions {
  readonly kind: OfconnKind;
  /** Where the peer is (`unix:…`, `tcp:…`, `sim:…`), for logs. */
  readonly target: string;
  readonly probeIntervalMs?: number;
  readonly versions?: readonly OfVersion[];
}

/** A token bucket: `rate` tokens a second, at most `burst` saved up. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  constructor(
    readonly rate: number,
    readonly burst: number,
    nowNs: number,
  ) {
    this.#tokens = burst;
    this.#last = nowNs;
  }

  take(nowNs: number): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((nowNs - this.#last) * this.rate) / 1e9);
    this.#last = nowNs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export class Ofconn {
  readonly id: number;
  readonly kind: OfconnKind;
  readonly target: string;
  readonly conn: OfChannel;
  role: Exclude<ControllerRole, 'nochange'> = 'equal';
  controllerId = 0;
  missSendLen: number;
  configFlags = 0;
  /** Packet-ins dropped by this connection's rate limit. */
  packetInsDropped = 0;
  readonly #mgr: Connmgr;
  readonly #buckets: { miss: TokenBucket; action: TokenBucket } | undefined;

  constructor(mgr: Connmgr, id: number, channel: Channel, opts: OfconnOptions) {
    this.#mgr = mgr;
    this.id = id;
    this.kind = opts.kind;
    this.target = opts.target;
    this.missSendLen = opts.kind === 'primary' ? DEFAULT_MISS_SEND_LEN : 0;
    const rate = mgr.packetInRate;
    const now = mgr.timers.now();
    this.#buckets = rate ? { miss: new TokenBucket(rate.perSecond, rate.burst, now), action: new TokenBucket(rate.perSecond, rate.burst, now) } : undefined;
    this.conn = new OfChannel(channel, {
      timers: mgr.timers,
      ...(opts.versions ? { versions: opts.versions } : {}),
      probeIntervalMs: opts.probeIntervalMs ?? 0,
      onMessage: (m, raw) => this.#guarded(m, raw),
      onReady: (v) => mgr.connReady(this, v),
      onClose: (r) => mgr.connClosed(this, r),
      onWire: (dir: OfDirection, b) => mgr.wire(this, dir, b),
      onRefused: (e, d) => mgr.refused(this, e, d),
    });
  }

  get name(): string {
    return `${this.#mgr.name}<->${this.target}`;
  }

  /** Whether this connection takes an asynchronous message of `kind`. */
  wants(kind: 'packet_in' | 'flow_removed' | 'port_status', controllerId = 0): boolean {
    if (this.conn.version === undefined || this.conn.closed) return false;
    if (this.kind === 'service' && this.missSendLen === 0) return false;
    if (kind === 'port_status') return true;
    if (this.role === 'slave') return false;
    return kind === 'flow_removed' || this.controllerId === controllerId;
  }

  /** Rate limit for packet-ins (miss and action counted apart, as OVS's pinsched). */
  admitPacketIn(miss: boolean, nowNs: number): boolean {
    if (!this.#buckets) return true;
    const ok = (miss ? this.#buckets.miss : this.#buckets.action).take(nowNs);
    if (!ok) this.packetInsDropped++;
    return ok;
  }

  send(msg: OfMessage): void {
    this.conn.send(msg);
  }

  #refuse(name: OfpErrorName, raw: Uint8Array, detail: string): void {
    this.conn.sendError(name, raw, detail);
  }

  #mayWrite(raw: Uint8Array): boolean {
    if (this.role !== 'slave') return true;
    this.#refuse('OFPBRC_IS_SECONDARY', raw, 'a slave controller may not change the switch');
    return false;
  }

  /**
   * A request that trips a bug in ovsim must not take the switch down: it is answered
   * with OFPBRC_EPERM and counted (tests assert the count stays 0).
   */
  #guarded(m: OfMessage, raw: Uint8Array): void {
    try {
      this.#handle(m, raw);
    } catch (e) {
      this.#mgr.internalErrors++;
      this.#refuse('OFPBRC_EPERM', raw, `internal error handling ${m.type}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #handle(m: OfMessage, raw: Uint8Array): void {
    const mgr = this.#mgr;
    const v = this.conn.version!;
    switch (m.type) {
      case 'features_request':
        this.send({
          type: 'features_reply',
          xid: m.xid,
          datapathId: mgr.datapathId,
          nBuffers: 0,
          nTables: OF_N_TABLES,
          auxiliaryId: 0,
          capabilities: v === 'OpenFlow10' ? CAPABILITIES_10 : CAPABILITIES_11,
          actions: v === 'OpenFlow10' ? ACTIONS_10 : 0,
          ports: v === 'OpenFlow10' ? mgr.portDescs() : [],
        });
        return;
      case 'get_config_request':
        this.send({ type: 'get_config_reply', xid: m.xid, flags: this.configFlags, missSendLen: this.missSendLen });
        return;
      case 'set_config':
        this.configFlags = m.flags;
        this.missSendLen = m.missSendLen;
        return;
      case 'flow_mod':
        if (!this.#mayWrite(raw)) return;
        {
          const r = mgr.flowMod(this, m, v);
          if (r.error) this.#refuse(r.error, raw, r.detail ?? '');
        }
        return;
      case 'packet_out':
        if (!this.#mayWrite(raw)) return;
        if (m.bufferId !== NO_BUFFER) return this.#refuse('OFPBRC_BUFFER_UNKNOWN', raw, `buffer ${m.bufferId} (this switch buffers no packets)`);
        if (m.inPort >= OFPP.MAX && m.inPort !== OFPP.CONTROLLER && m.inPort !== OFPP.LOCAL && m.inPort !== OFPP.NONE) {
          return this.#refuse('OFPBRC_BAD_PORT', raw, `packet-out in_port ${m.inPort}`);
        }
        mgr.packetOut(m);
        return;
      case 'port_mod': {
        if (!this.#mayWrite(raw)) return;
        const err = mgr.portMod(m);
        if (err) this.#refuse(err, raw, `port-mod of port ${m.portNo}`);
        return;
      }
      case 'barrier_request':
        this.send({ type: 'barrier_reply', xid: m.xid });
        return;
      case 'role_request': {
        if (m.role !== 'nochange') {
          if (m.role !== 'equal' && v !== 'OpenFlow10' && !mgr.electionIdOk(m.generationId)) {
            return this.#refuse('OFPRRFC_STALE', raw, `generation id ${m.generationId} is stale`);
          }
          if (m.role === 'master') mgr.demoteMasters(this);
          this.role = m.role;
        }
        this.send({ type: 'role_reply', xid: m.xid, role: this.role, generationId: mgr.electionId ?? 0n });
        return;
      }
      case 'multipart_request':
        return this.#multipart(m, raw);
      case 'set_flow_format':
        this.conn.encodeOptions = { ...this.conn.encodeOptions, of10Format: m.format };
        return;
      case 'flow_mod_table_id':
        this.conn.of10TableId = m.enable;
        this.conn.encodeOptions = { ...this.conn.encodeOptions, of10TableId: m.enable };
        return;
      case 'set_packet_in_format':
        // Packet-ins always go out in the standard format; accepting the request keeps Nicira-speaking tools going.
        return;
      case 'error':
        return;
      default:
        // Messages only a switch sends (replies, packet-in, port status...).
        this.#refuse('OFPBRC_BAD_TYPE', raw, `${m.type} is not a request a switch takes`);
    }
  }

  #multipart(m: MessageOf<'multipart_request'>, raw: Uint8Array): void {
    const mgr = this.#mgr;
    const now = mgr.timers.now();
    const reply = (body: MultipartReplyBody): void => this.conn.sendMultipartReply({ type: 'multipart_reply', xid: m.xid, flags: 0, body });
    const b = m.body;
    switch (b.kind) {
      case 'desc':
        return reply({ kind: 'desc', ...switchDesc(mgr.name) });
      case 'flow':
        mgr.refreshStats();
        return reply({ kind: 'flow', flows: flowStats(mgr.ofproto, b, now) });
      case 'aggregate':
        mgr.refreshStats();
        return reply({ kind: 'aggregate', ...aggregateStats(mgr.ofproto, b) });
      case 'table':
        return reply({ kind: 'table', tables: tableStats(mgr.ofproto) });
      case 'port_stats': {
        const ports = sortedPorts(mgr.ofproto).filter((p) => portSelected(b.portNo, p));
        if (ports.length === 0) return this.#refuse('OFPBRC_BAD_PORT', raw, `no port ${b.portNo}`);
        return reply({ kind: 'port_stats', ports: ports.map((p) => portStats(p, mgr.countersOf(p.odp), now - mgr.portCreatedNs(p.ofp))) });
      }
      case 'port_desc':
        return reply({ kind: 'port_desc', ports: mgr.portDescs().filter((p) => b.portNo === OFPP.NONE || b.portNo === OFPP.ALL || p.portNo === b.portNo) });
      case 'table_features':
        if (b.tables.length > 0) return this.#refuse('OFPTFFC_EPERM', raw, 'table features cannot be changed');
        return reply({ kind: 'table_features', tables: tableFeatures() });
      case 'group_desc':
        return reply({ kind: 'group_desc' });
      case 'meter_config':
        return reply({ kind: 'meter_config' });
    }
  }
}
