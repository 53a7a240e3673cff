/**
 * The L2 learning switch, as the classic `simple_switch_13` controller app behaves:
 *
 * - on connect, a table-miss flow `priority=0, actions=CONTROLLER:65535`;
 * - on each packet-in, remember source MAC → in_port for that datapath; LLDP is ignored;
 * - a known destination gets a flow `priority=1, in_port, dl_src, dl_dst → output:PORT`
 *   (with the packet's buffer id when the switch buffered it, which then forwards it)
 *   and the packet is sent out that port; an unknown one is flooded, with no flow.
 *
 * The flow matches the source too, so each direction of each pair of hosts costs one
 * packet-in before it is forwarded by the switch alone.
 */
import { formatMac } from '../../flow/addr.js';
import { NO_BUFFER } from '../../openflow/wire/index.js';
import type { ControllerApp, PacketInEvent } from '../app.js';
import type { SwitchConnection } from '../connection.js';
import { TABLE_MISS_TO_CONTROLLER } from './table-miss.js';

const ETH_TYPE_LLDP = 0x88cc;

export interface LearningSwitchOptions {
  /** Priority of learned flows. Default 1. */
  readonly priority?: number;
  /** idle_timeout of learned flows, s (default 0: never, as simple_switch_13). */
  readonly idleTimeout?: number;
  /** hard_timeout of learned flows, s (default 0). */
  readonly hardTimeout?: number;
}

/**
 * @example
 * const app = new LearningSwitch();
 * const ctl = new Controller([app]);
 * // later: app.macTable(1n).get(0x000000000001n) → the port host 1 is on
 */
export class LearningSwitch implements ControllerApp {
  readonly name = 'learning';
  readonly #tables = new Map<bigint, Map<bigint, number>>();
  readonly #flowPrefix: string;

  constructor(opts: LearningSwitchOptions = {}) {
    const priority = opts.priority ?? 1;
    const idle = opts.idleTimeout ?? 0;
    const hard = opts.hardTimeout ?? 0;
    this.#flowPrefix = `priority=${priority}${idle ? `,idle_timeout=${idle}` : ''}${hard ? `,hard_timeout=${hard}` : ''}`;
  }

  /** What the app learned for one datapath: MAC → port. */
  macTable(dpid: bigint): ReadonlyMap<bigint, number> {
    return this.#tables.get(dpid) ?? new Map();
  }

  switchConnected(sw: SwitchConnection): void {
    sw.sendFlowMod(TABLE_MISS_TO_CONTROLLER);
  }

  packetIn(sw: SwitchConnection, ev: PacketInEvent): void {
    if (ev.frame.length < 14 || ev.ethType === ETH_TYPE_LLDP) return;
    const src = ev.ethSrc;
    const dst = ev.ethDst;
    let table = this.#tables.get(sw.dpid);
    if (table === undefined) {
      table = new Map();
      this.#tables.set(sw.dpid, table);
    }
    table.set(src, ev.inPort);

    const known = table.get(dst);
    const out = known === undefined ? 'FLOOD' : `output:${known}`;
    const bufferId = ev.msg.bufferId;
    if (known !== undefined) {
      sw.sendFlowMod(`${this.#flowPrefix},in_port=${ev.inPort},dl_src=${formatMac(src)},dl_dst=${formatMac(dst)},actions=${out}`, { bufferId });
      // The switch applies the new flow to its buffered copy: nothing more to send.
      if (bufferId !== NO_BUFFER) return;
    }
    sw.packetOut(ev.frame, ev.inPort, out, { bufferId });
  }
}

/** A learning switch app with default options. */
export function learningSwitch(opts: LearningSwitchOptions = {}): LearningSwitch {
  return new LearningSwitch(opts);
}
