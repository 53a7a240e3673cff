/**
 * The controller application API: what a lesson writes to program switches. An app is a
 * plain object with a few optional callbacks; the controller calls them for every switch
 * it talks to, in the order the switch's messages arrived.
 */
import { fieldByName, type Field } from '../flow/fields.js';
import { extractFlow } from '../flow/extract.js';
import { newKey, readField, type FlowKey } from '../flow/key.js';
import { W } from '../flow/layout.js';
import type { FlowRemoved, MessageOf, PacketIn } from '../openflow/wire/index.js';
import type { SwitchConnection } from './connection.js';

/**
 * A controller application. Every callback is optional except `name`.
 *
 * @example
 * // A hub: flood every packet the switch does not know what to do with.
 * const hub: ControllerApp = {
 *   name: 'hub',
 *   switchConnected(sw) {
 *     sw.sendFlowMod('priority=0,actions=CONTROLLER:65535');
 *   },
 *   packetIn(sw, ev) {
 *     sw.packetOut(ev.frame, ev.inPort, 'FLOOD');
 *   },
 * };
 * const ctl = new Controller([hub]);
 * await ctl.listen('ptcp:6653:127.0.0.1');
 */
export interface ControllerApp {
  /** Names the app in logs. */
  readonly name: string;
  /** The switch finished the handshake: its datapath id and ports are known. */
  switchConnected?(sw: SwitchConnection): void;
  /** The connection to a switch that had connected is gone. */
  switchDisconnected?(sw: SwitchConnection, reason: string | null): void;
  /** A PACKET_IN: a table miss or a controller action. */
  packetIn?(sw: SwitchConnection, ev: PacketInEvent): void;
  /** A flow that asked for it (send_flow_rem) expired or was deleted. */
  flowRemoved?(sw: SwitchConnection, msg: FlowRemoved): void;
  /** A port was added, removed or changed (`sw.ports` is already updated). */
  portStatus?(sw: SwitchConnection, msg: MessageOf<'port_status'>): void;
  /** An OFPT_ERROR that answers no pending request of the connection's own (barrier, dump). */
  error?(sw: SwitchConnection, msg: MessageOf<'error'>): void;
}

/** A PACKET_IN with the fields every app reads already taken out. */
export class PacketInEvent {
  readonly msg: PacketIn;
  /** The port the packet came in on (OpenFlow 1.0 numbering: LOCAL is 0xfffe). */
  readonly inPort: number;
  #key: FlowKey | undefined;

  constructor(msg: PacketIn) {
    this.msg = msg;
    this.inPort = msg.match.key[W.IN_PORT]!;
  }

  /** The packet's bytes (possibly cut to the controller action's max_len). */
  get frame(): Uint8Array {
    return this.msg.data;
  }

  /** The packet's flow key, as the switch's datapath would extract it. */
  get key(): FlowKey {
    if (this.#key === undefined) {
      this.#key = newKey();
      extractFlow(this.msg.data, this.inPort, this.#key);
    }
    return this.#key;
  }

  get ethSrc(): bigint {
    return readField(this.key, FIELD.eth_src);
  }

  get ethDst(): bigint {
    return readField(this.key, FIELD.eth_dst);
  }

  get ethType(): number {
    return Number(readField(this.key, FIELD.eth_type));
  }

  /**
   * A field of the packet by its ovs-ofctl name (`ip_src`, `tcp_dst`...); throws for a
   * name no field has.
   */
  field(name: string): bigint {
    const f = fieldByName(name);
    if (f === undefined) throw new Error(`unknown field "${name}"`);
    return readField(this.key, f);
  }
}

function mustField(name: string): Field {
  const f = fieldByName(name);
  if (f === undefined) throw new Error(`field table lacks ${name}`);
  return f;
}

const FIELD = {
  eth_src: mustField('eth_src'),
  eth_dst: mustField('eth_dst'),
  eth_type: mustField('eth_type'),
} as const;
