/**
 * A bridge as ovs-vswitchd runs it: an OpenFlow switch (ofproto) on a datapath with a
 * flow cache, and ports that move frames in and out — simulated links, pcap files, NICs.
 *
 * Ports are numbered as in OVS's test layout: port pN is OpenFlow port N and datapath
 * port N; the bridge's LOCAL port is datapath port 100.
 */
import { Datapath, type CacheStrategy, type DatapathOptions, type Netdev } from '../datapath/datapath.js';
import type { EventLog } from '../../engine/event-log.js';
import { formatOdpFlow } from '../datapath/odp-flow-format.js';
import { OFPP } from '../flow/layout.js';
import { Ofproto } from '../ofproto/ofproto.js';
import { OfprotoDpif } from '../ofproto/ofproto-dpif.js';
import type { FlowEntry } from '../ofproto/rule.js';

export const LOCAL_ODP_PORT = 100;

export interface BridgeOptions {
  readonly name: string;
  readonly ports: readonly number[];
  readonly cache: CacheStrategy;
  readonly scheduler: DatapathOptions['scheduler'];
  readonly random: () => number;
  /** Further datapath settings (EMC size, flow limit, cost model...). */
  readonly datapath?: Omit<DatapathOptions, 'strategy' | 'scheduler' | 'random' | 'log' | 'name'>;
  readonly log?: EventLog;
}

/** Per-port counters of frames the bridge sent out. */
export interface PortCounters {
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
}

export class Bridge {
  readonly name: string;
  readonly ofproto: Ofproto;
  readonly datapath: Datapath;
  readonly ofprotoDpif: OfprotoDpif;
  readonly counters = new Map<number, PortCounters>();

  constructor(opts: BridgeOptions) {
    this.name = opts.name;
    this.ofproto = new Ofproto({ name: opts.name, ports: opts.ports, localOdp: LOCAL_ODP_PORT });
    this.datapath = new Datapath({
      ...opts.datapath,
      strategy: opts.cache,
      scheduler: opts.scheduler,
      random: opts.random,
      name: opts.name,
      ...(opts.log ? { log: opts.log } : {}),
      describeFlow: (f) => formatOdpFlow({ key: f.packetKey, mask: f.mask }),
    });
    this.ofprotoDpif = new OfprotoDpif(this.ofproto, this.datapath, opts.scheduler);
    for (const p of [...opts.ports, LOCAL_ODP_PORT]) {
      this.counters.set(p, { txPackets: 0, txBytes: 0, rxPackets: 0, rxBytes: 0 });
      this.attach(p, { send: () => undefined });
    }
  }

  addFlows(entries: readonly FlowEntry[]): void {
    for (const e of entries) this.ofproto.addFlow(e);
  }

  /** Adds a port (OpenFlow number `ofp`, datapath number the same, LOCAL excepted). */
  addPort(ofp: number, name: string, netdev?: Netdev): void {
    const odp = ofp === OFPP.LOCAL ? LOCAL_ODP_PORT : ofp;
    this.attach(odp, netdev ?? { send: () => undefined });
    this.ofproto.addPort({ ofp, odp, name });
    this.ofprotoDpif.mapPort(odp, ofp);
  }

  removePort(ofp: number): void {
    const odp = ofp === OFPP.LOCAL ? LOCAL_ODP_PORT : ofp;
    this.ofproto.removePort(ofp);
    this.datapath.removePort(odp);
    this.counters.delete(odp);
  }

  /** Connects datapath port `port` to where its frames go. */
  attach(port: number, netdev: Netdev): void {
    const c = this.#countersOf(port);
    this.datapath.addPort(port, {
      send(frame) {
        c.txPackets++;
        c.txBytes += frame.length;
        netdev.send(frame);
      },
    });
  }

  /** A frame arriving on datapath port `port`. */
  receive(port: number, frame: Uint8Array): void {
    const c = this.#countersOf(port);
    c.rxPackets++;
    c.rxBytes += frame.length;
    this.datapath.receive(port, frame);
  }

  #countersOf(port: number): PortCounters {
    let c = this.counters.get(port);
    if (!c) this.counters.set(port, (c = { txPackets: 0, txBytes: 0, rxPackets: 0, rxBytes: 0 }));
    return c;
  }
}

/** OpenFlow port number of a datapath port (LOCAL differs). */
export function ofpPortOf(odp: number): number {
  return odp === LOCAL_ODP_PORT ? OFPP.LOCAL : odp;
}
