/**
 * A scripted switch end for controller tests: on any Channel (simulated or socket) it
 * says HELLO, answers the handshake (features, port-desc), echoes, barriers and flow
 * dumps, and records every message it gets with the time it arrived. It is not the
 * switch side — only enough of one to watch what a controller sends and when.
 */
import type { Channel } from '../../sim/ovsdb/channel.js';
import type { OfVersion } from '../../sim/openflow/version.js';
import { catchAllMatch } from '../../sim/flow/match.js';
import { W } from '../../sim/flow/layout.js';
import {
  decode, encode, FrameDecoder, negotiateVersion, NO_BUFFER, OfDecodeError, SUPPORTED_VERSIONS,
  type FlowStatsEntry, type MessageOf, type OfMessage, type OfMessageType, type PacketIn, type PortDesc,
} from '../../sim/openflow/wire/index.js';

export interface Received {
  /** When it arrived, on the clock given (ns in the engine). */
  readonly t: number;
  readonly msg: OfMessage;
}

export interface FakeSwitchOptions {
  readonly dpid?: bigint;
  readonly versions?: readonly OfVersion[];
  readonly ports?: readonly PortDesc[];
  readonly now?: () => number;
  /** Answer echo requests (default true). */
  readonly answerEcho?: boolean;
  /** Flows for flow-stats replies, sent as `flowParts` multipart messages. */
  readonly flows?: readonly FlowStatsEntry[];
  readonly flowParts?: number;
  /** Answer features requests (default true). */
  readonly answerFeatures?: boolean;
}

export function port(no: number, name: string): PortDesc {
  return {
    portNo: no, hwAddr: 0xaa0000000000n + BigInt(no), name, config: 0, state: 4, curr: 0x2008, advertised: 0, supported: 0, peer: 0,
    currSpeed: 10_000_000, maxSpeed: 0,
  };
}

export class FakeSwitch {
  readonly received: Received[] = [];
  readonly decodeErrors: OfDecodeError[] = [];
  version: OfVersion | undefined;
  closed = false;
  readonly #ch: Channel;
  readonly #opts: FakeSwitchOptions;
  readonly #frames = new FrameDecoder();
  #xid = 0x1000;
  #tableId = false;

  constructor(ch: Channel, opts: FakeSwitchOptions = {}) {
    this.#ch = ch;
    this.#opts = opts;
  }

  start(): this {
    this.#ch.start({ data: (c) => this.#data(c), closed: () => (this.closed = true) });
    const versions = this.#opts.versions ?? SUPPORTED_VERSIONS;
    const newest = versions[versions.length - 1]!;
    this.#ch.write(encode({ type: 'hello', xid: this.#xid++, versions }, newest));
    return this;
  }

  get dpid(): bigint {
    return this.#opts.dpid ?? 1n;
  }

  /** Every message of a type received so far. */
  of<T extends OfMessageType>(type: T): (Received & { msg: MessageOf<T> })[] {
    return this.received.filter((r): r is Received & { msg: MessageOf<T> } => r.msg.type === type);
  }

  send(msg: OfMessage): void {
    this.#ch.write(encode(msg, this.version!));
  }

  sendPacketIn(frame: Uint8Array, inPort: number, opts: Partial<Pick<PacketIn, 'bufferId' | 'reason' | 'table' | 'cookie'>> = {}): void {
    const match = catchAllMatch();
    match.key[W.IN_PORT] = inPort;
    match.mask[W.IN_PORT] = 0xffffffff;
    this.send({
      type: 'packet_in', xid: 0, bufferId: opts.bufferId ?? NO_BUFFER, totalLen: frame.length, reason: opts.reason ?? 'no_match',
      table: opts.table ?? 0, cookie: opts.cookie ?? 0n, match, data: frame,
    });
  }

  /** Bytes as they are, framing and all. */
  writeRaw(bytes: Uint8Array): void {
    this.#ch.write(bytes);
  }

  close(): void {
    this.#ch.close();
  }

  #now(): number {
    return this.#opts.now?.() ?? 0;
  }

  #data(chunk: Uint8Array): void {
    for (const bytes of this.#frames.push(chunk)) {
      const d = decode(bytes, { of10TableId: this.#tableId });
      if (d instanceof OfDecodeError) {
        this.decodeErrors.push(d);
        continue;
      }
      const m = d.msg;
      this.received.push({ t: this.#now(), msg: m });
      switch (m.type) {
        case 'hello':
          this.version = negotiateVersion(this.#opts.versions ?? SUPPORTED_VERSIONS, { headerVersion: d.wireVersion, versions: m.versions });
          break;
        case 'echo_request':
          if (this.#opts.answerEcho ?? true) this.send({ type: 'echo_reply', xid: m.xid, data: m.data });
          break;
        case 'flow_mod_table_id':
          this.#tableId = m.enable;
          break;
        case 'barrier_request':
          this.send({ type: 'barrier_reply', xid: m.xid });
          break;
        case 'features_request':
          if (!(this.#opts.answerFeatures ?? true)) break;
          this.send({
            type: 'features_reply', xid: m.xid, datapathId: this.dpid, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f,
            actions: 0xfff, ports: this.version === 'OpenFlow10' ? (this.#opts.ports ?? []) : [],
          });
          break;
        case 'multipart_request':
          if (m.body.kind === 'port_desc') {
            this.send({ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'port_desc', ports: this.#opts.ports ?? [] } });
          } else if (m.body.kind === 'flow') {
            const flows = this.#opts.flows ?? [];
            const parts = Math.max(1, this.#opts.flowParts ?? 1);
            const per = Math.ceil(flows.length / parts) || 1;
            for (let i = 0; i < parts; i++) {
              const slice = flows.slice(i * per, (i + 1) * per);
              this.send({ type: 'multipart_reply', xid: m.xid, flags: i < parts - 1 ? 1 : 0, body: { kind: 'flow', flows: slice } });
            }
          }
          break;
        default:
          break;
      }
    }
  }
}
