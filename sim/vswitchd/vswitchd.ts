/**
 * vswitchd: keeps the running switch in line with the configuration in ovsdb.
 *
 * Each `apply` takes the whole desired configuration (see config.ts), brings bridges,
 * ports and controllers into line — creating what is new, removing what is gone, leaving
 * the rest running with its flows and caches — and reports the status to write back:
 * each interface's OpenFlow port number and state, and `cur_cfg`, which tells a waiting
 * `ovs-vsctl` that its change is in effect.
 *
 * OpenFlow port numbers are assigned as OVS does: the interface's `ofport_request` when it
 * is valid and free, else the lowest free number from 1; the bridge's own internal
 * interface (named like the bridge) is LOCAL.
 */
import type { CacheStrategy, DatapathOptions, Netdev } from '../datapath/datapath.js';
import { OFPP } from '../flow/layout.js';
import { formatMac } from '../flow/addr.js';
import type { EventLog } from '../../engine/event-log.js';
import { parseFlows } from '../openflow/flow-syntax.js';
import { join } from 'node:path';
import { Connmgr, type Connector } from '../ofproto/connmgr.js';
import type { OfTimers } from '../openflow/channel.js';
import type { Mirror } from '../ofproto/ofproto.js';
import { Bridge, LOCAL_ODP_PORT } from './bridge.js';
import type { BridgeConfig, InterfaceConfig, SwitchConfig } from './config.js';

export interface VswitchdOptions {
  readonly scheduler: DatapathOptions['scheduler'];
  readonly random: () => number;
  readonly cache: CacheStrategy;
  readonly datapath?: Omit<DatapathOptions, 'strategy' | 'scheduler' | 'random' | 'log' | 'name'>;
  readonly log?: EventLog;
  /**
   * Connects an interface of a type the surroundings provide (a simulated host link, a
   * pcap file, a NIC): returns where the port's frames go, and hands frames arriving from
   * outside to `deliver`. Undefined leaves the port unconnected.
   */
  readonly netdevFor?: (bridge: string, iface: InterfaceConfig, deliver: (frame: Uint8Array) => void) => Netdev | undefined;
  /** OpenFlow for each bridge: connections to its controllers, and a management socket. */
  readonly openflow?: OpenflowOptions;
}

export interface OpenflowOptions {
  readonly timers: OfTimers;
  /** Runs socket events in engine context (live mode: the real-time pacer's inject). */
  readonly inject?: (fn: () => void) => void;
  /** Each bridge listens on RUNDIR/BRIDGE.mgmt, as ovs-vswitchd does. */
  readonly rundir?: string;
  /** How controller targets are reached (default: real sockets). */
  readonly connector?: Connector;
  /** Reports a management socket that could not be opened. */
  readonly onListenError?: (bridge: string, error: string) => void;
}

export interface InterfaceStatus {
  readonly uuid: string;
  readonly name: string;
  /** -1 when the interface could not be added (see `error`). */
  readonly ofport: number;
  readonly adminState: 'up' | 'down';
  readonly linkState: 'up' | 'down';
  readonly macInUse: string;
  readonly error: string | undefined;
}

export interface SwitchStatus {
  readonly curCfg: number;
  readonly interfaces: readonly InterfaceStatus[];
  readonly bridges: readonly { readonly uuid: string; readonly name: string; readonly datapathId: string }[];
}

/** Interface types ovsim can run; others get an error, as OVS reports unknown types. */
const KNOWN_TYPES = new Set(['', 'internal', 'patch', 'dummy', 'system', 'sim']);

interface RunningPort {
  readonly ofp: number;
  readonly iface: InterfaceConfig;
}

interface RunningBridge {
  readonly bridge: Bridge;
  /** Interface uuid → its port. */
  readonly ports: Map<string, RunningPort>;
  /** The mirror configuration last applied, to skip needless revalidation. */
  mirrorsKey: string;
  readonly connmgr: Connmgr | undefined;
  /** Controller targets connected to (or being). */
  readonly controllers: Set<string>;
}

/** A stable MAC for an interface: locally administered, from its name. */
function macFor(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return formatMac((0x020000000000n | BigInt(h)) & 0xfeffffffffffn);
}

export class Vswitchd {
  readonly #opts: VswitchdOptions;
  readonly #bridges = new Map<string, RunningBridge>();

  constructor(opts: VswitchdOptions) {
    this.#opts = opts;
  }

  bridge(name: string): Bridge | undefined {
    return this.#bridges.get(name)?.bridge;
  }

  /** The OpenFlow connection manager of a bridge (when OpenFlow is on). */
  connmgr(name: string): Connmgr | undefined {
    return this.#bridges.get(name)?.connmgr;
  }

  /** Closes every bridge's OpenFlow connections and listeners. */
  async close(): Promise<void> {
    await Promise.all([...this.#bridges.values()].map((rb) => rb.connmgr?.close()));
  }

  get bridgeNames(): string[] {
    return [...this.#bridges.keys()];
  }

  /** Brings the switch in line with `cfg`; returns the status to write back. */
  apply(cfg: SwitchConfig): SwitchStatus {
    const wanted = new Map(cfg.bridges.map((b) => [b.name, b]));
    for (const [name, rb] of [...this.#bridges]) {
      if (wanted.has(name)) continue;
      void rb.connmgr?.close();
      this.#bridges.delete(name);
    }
    const interfaces: InterfaceStatus[] = [];
    const bridges: SwitchStatus['bridges'][number][] = [];
    for (const b of cfg.bridges) {
      const running = this.#bridges.get(b.name) ?? this.#createBridge(b);
      this.#reconcilePorts(running, b, interfaces);
      this.#reconcileMirrors(running, b);
      this.#reconcileControllers(running, b);
      bridges.push({ uuid: b.uuid, name: b.name, datapathId: datapathIdOf(b.name) });
    }
    return { curCfg: cfg.nextCfg, interfaces, bridges };
  }

  #createBridge(b: BridgeConfig): RunningBridge {
    const bridge = new Bridge({
      name: b.name,
      ports: [],
      cache: this.#opts.cache,
      scheduler: this.#opts.scheduler,
      random: this.#opts.random,
      ...(this.#opts.datapath ? { datapath: this.#opts.datapath } : {}),
      ...(this.#opts.log ? { log: this.#opts.log } : {}),
    });
    // A new bridge that is not in secure fail mode forwards as a learning switch until
    // someone programs it: OVS gives it the flow "priority=0, actions=NORMAL".
    if (b.failMode !== 'secure') bridge.addFlows(parseFlows('priority=0,actions=NORMAL', { version: 'OpenFlow15' }));
    const of = this.#opts.openflow;
    let connmgr: Connmgr | undefined;
    if (of) {
      connmgr = new Connmgr(bridge, {
        timers: of.timers,
        failMode: b.failMode ?? 'standalone',
        ...(of.inject ? { inject: of.inject } : {}),
        ...(of.connector ? { connector: of.connector } : {}),
        ...(this.#opts.log ? { log: this.#opts.log } : {}),
      });
      if (of.rundir) {
        connmgr.listen(`punix:${join(of.rundir, `${b.name}.mgmt`)}`).catch((e: unknown) => of.onListenError?.(b.name, e instanceof Error ? e.message : String(e)));
      }
    }
    const running: RunningBridge = { bridge, ports: new Map(), mirrorsKey: '[]', connmgr, controllers: new Set() };
    this.#bridges.set(b.name, running);
    return running;
  }

  #reconcilePorts(running: RunningBridge, b: BridgeConfig, out: InterfaceStatus[]): void {
    const wanted = new Map<string, InterfaceConfig>();
    for (const p of b.ports) for (const i of p.interfaces) wanted.set(i.uuid, i);
    // Remove what is gone, or changed in a way that needs a new port.
    for (const [uuid, port] of [...running.ports]) {
      const w = wanted.get(uuid);
      if (!w || w.type !== port.iface.type || w.name !== port.iface.name) {
        running.bridge.removePort(port.ofp);
        running.ports.delete(uuid);
      }
    }
    const used = new Set([...running.ports.values()].map((p) => p.ofp));
    for (const iface of wanted.values()) {
      const have = running.ports.get(iface.uuid);
      if (have) {
        out.push(this.#status(iface, have.ofp, undefined));
        continue;
      }
      if (!KNOWN_TYPES.has(iface.type)) {
        out.push(this.#status(iface, -1, `could not open network device ${iface.name} (No such device)`));
        continue;
      }
      const ofp = iface.name === b.name ? OFPP.LOCAL : allocOfport(iface.ofportRequest, used);
      used.add(ofp);
      const odp = ofp === OFPP.LOCAL ? LOCAL_ODP_PORT : ofp;
      const bridge = running.bridge;
      const netdev = iface.type === 'patch' ? this.#patchNetdev(iface) : this.#opts.netdevFor?.(b.name, iface, (f) => bridge.receive(odp, f));
      running.bridge.addPort(ofp, iface.name, netdev);
      running.ports.set(iface.uuid, { ofp, iface });
      out.push(this.#status(iface, ofp, undefined));
    }
  }

  /** Connects to the controllers the Bridge row lists, and drops the ones it no longer does. */
  #reconcileControllers(running: RunningBridge, b: BridgeConfig): void {
    const cm = running.connmgr;
    if (!cm) return;
    const want = new Set(b.controllers.map((c) => c.target));
    for (const t of running.controllers) if (!want.has(t)) cm.removeController(t);
    for (const t of want) if (!running.controllers.has(t)) cm.addController(t);
    running.controllers.clear();
    for (const t of want) running.controllers.add(t);
  }

  /** Mirrors name ports by their Port rows; the switch needs their OpenFlow numbers. */
  #reconcileMirrors(running: RunningBridge, b: BridgeConfig): void {
    const ofpOfPort = new Map<string, number>();
    for (const p of b.ports) {
      const first = p.interfaces[0];
      const rp = first ? running.ports.get(first.uuid) : undefined;
      if (rp) ofpOfPort.set(p.uuid, rp.ofp);
    }
    const toPorts = (uuids: readonly string[]) => new Set(uuids.map((u) => ofpOfPort.get(u)).filter((n): n is number => n !== undefined));
    const mirrors: Mirror[] = [];
    for (const m of b.mirrors) {
      const out = m.outputPort ? ofpOfPort.get(m.outputPort) : undefined;
      if (out === undefined) continue; // OVS needs an output port (or VLAN) to mirror to
      mirrors.push({ name: m.name, selectAll: m.selectAll, srcPorts: toPorts(m.selectSrcPorts), dstPorts: toPorts(m.selectDstPorts), outPort: out });
    }
    const key = JSON.stringify(mirrors, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v));
    if (key === running.mirrorsKey) return;
    running.mirrorsKey = key;
    running.bridge.ofproto.setMirrors(mirrors);
  }

  /**
   * A patch port hands frames to its peer interface (options:peer) in whichever bridge
   * holds it, looked up at send time so the peer may come and go. (OVS continues the
   * translation in the peer bridge instead; here the frame crosses into the peer's
   * datapath, which gives the same forwarding with one cache lookup per bridge.)
   */
  #patchNetdev(iface: InterfaceConfig): Netdev {
    const peer = iface.options.get('peer');
    return {
      send: (frame) => {
        if (peer === undefined) return;
        for (const rb of this.#bridges.values()) {
          for (const p of rb.ports.values()) {
            if (p.iface.name === peer && p.iface.type === 'patch' && p.iface.options.get('peer') === iface.name) {
              rb.bridge.receive(p.ofp === OFPP.LOCAL ? LOCAL_ODP_PORT : p.ofp, frame);
              return;
            }
          }
        }
      },
    };
  }

  #status(iface: InterfaceConfig, ofport: number, error: string | undefined): InterfaceStatus {
    const ok = error === undefined;
    return {
      uuid: iface.uuid,
      name: iface.name,
      ofport,
      adminState: ok ? 'up' : 'down',
      linkState: ok ? 'up' : 'down',
      macInUse: macFor(iface.name),
      error,
    };
  }
}

/** The requested OpenFlow port when valid and free, else the lowest free one from 1. */
export function allocOfport(request: number | undefined, used: ReadonlySet<number>): number {
  if (request !== undefined && request >= 1 && request < OFPP.MAX && !used.has(request)) return request;
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

/** A stable 64-bit datapath id (16 hex digits) for a bridge, from its name. */
function datapathIdOf(name: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) h = ((h ^ BigInt(name.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return (h & 0x0000ffffffffffffn).toString(16).padStart(16, '0');
}
