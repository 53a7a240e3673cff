/**
 * Topologies as data, and the code that builds a running network from one.
 *
 * As in Mininet, a topology only names things — switches s1…, hosts h1…, links between
 * them — and the builder turns it into objects on one simulator: bridges with their flow
 * tables and caches, hosts, and links with latency, bandwidth, loss and queues. A
 * switch's ports are numbered in the order its links are listed (s1-eth1 is port 1).
 */
import { join } from 'node:path';
import { EventLog, type LogSink } from '../engine/event-log.js';
import { LinkCapture } from '../native/pcap/index.js';
import { RandomStreams } from '../engine/random.js';
import { Link } from '../engine/link.js';
import { Simulator } from '../engine/simulator.js';
import type { CacheStrategy, DatapathOptions } from '../sim/datapath/datapath.js';
import { Host } from '../sim/host/host.js';
import { parseFlows } from '../sim/openflow/flow-syntax.js';
import { Bridge } from '../sim/vswitchd/bridge.js';

export interface SwitchSpec {
  readonly name: string;
  /** Flows in ovs-ofctl syntax (OpenFlow 1.5 reading); default: one NORMAL rule. */
  readonly flows?: readonly string[];
}

export interface HostSpec {
  readonly name: string;
  readonly ip?: string;
  readonly mac?: string;
}

export interface LinkSpec {
  /** A host or switch name at each end. */
  readonly a: string;
  readonly b: string;
  readonly latencyNs?: number;
  readonly bandwidthBps?: number;
  readonly loss?: number;
  readonly queuePackets?: number;
}

export interface Topology {
  readonly switches: readonly SwitchSpec[];
  readonly hosts: readonly HostSpec[];
  readonly links: readonly LinkSpec[];
}

export interface BuildOptions {
  readonly seed: number;
  readonly cache: CacheStrategy;
  readonly datapath?: Omit<DatapathOptions, 'strategy' | 'scheduler' | 'random' | 'log' | 'name'>;
  /** Where the network's components write their events (none by default). */
  readonly logSink?: LogSink;
  /** Capture every link into DIR/<link>.pcap (frames delivered, both directions). */
  readonly captureDir?: string;
}

export interface Network {
  readonly sim: Simulator;
  readonly log: EventLog | undefined;
  readonly random: RandomStreams;
  readonly switches: ReadonlyMap<string, Bridge>;
  readonly hosts: ReadonlyMap<string, Host>;
  readonly links: readonly Link[];
  /** Switch port of each host-facing link, e.g. ports.get('h1') = { sw: 's1', port: 1 }. */
  readonly attachments: ReadonlyMap<string, { readonly sw: string; readonly port: number }>;
  /** Link captures (when asked for); close them to flush the files. */
  readonly captures: readonly LinkCapture[];
}

/** A single switch s1 with hosts h1…hN, one link each (Mininet's "single" topology). */
export function singleSwitch(n: number, link: Omit<LinkSpec, 'a' | 'b'> = {}, flows?: readonly string[]): Topology {
  const hosts = Array.from({ length: n }, (_, i) => ({ name: `h${i + 1}` }));
  return {
    switches: [{ name: 's1', ...(flows ? { flows } : {}) }],
    hosts,
    links: hosts.map((h) => ({ ...link, a: h.name, b: 's1' })),
  };
}

export function buildNetwork(topo: Topology, opts: BuildOptions): Network {
  const sim = new Simulator();
  const random = new RandomStreams(opts.seed);
  const log = opts.logSink ? new EventLog(sim, opts.logSink) : undefined;
  const names = new Set<string>();
  for (const x of [...topo.switches, ...topo.hosts]) {
    if (names.has(x.name)) throw new Error(`topology: the name ${x.name} is used twice`);
    names.add(x.name);
  }
  // Port numbers in link order.
  const portsOf = new Map<string, number[]>(topo.switches.map((s) => [s.name, []]));
  const endPort: number[][] = [];
  topo.links.forEach((l, i) => {
    for (const end of [l.a, l.b]) {
      if (!names.has(end)) throw new Error(`topology: link ${i + 1} names ${end}, which is neither a host nor a switch`);
    }
    endPort.push(
      [l.a, l.b].map((end) => {
        const list = portsOf.get(end);
        if (!list) return 0;
        list.push(list.length + 1);
        return list.length;
      }),
    );
  });
  const switches = new Map<string, Bridge>();
  for (const s of topo.switches) {
    const emc = random.stream(`${s.name}:emc`);
    const bridge = new Bridge({
      name: s.name,
      ports: portsOf.get(s.name)!,
      cache: opts.cache,
      scheduler: sim,
      random: () => emc.uniform(),
      ...(opts.datapath ? { datapath: opts.datapath } : {}),
      ...(log ? { log } : {}),
    });
    bridge.addFlows(parseFlows((s.flows ?? ['priority=0,actions=NORMAL']).join('\n'), { version: 'OpenFlow15', file: `switch ${s.name} flows` }));
    switches.set(s.name, bridge);
  }
  const hosts = new Map<string, Host>();
  for (const h of topo.hosts) {
    hosts.set(h.name, new Host(sim, h.name, { ...(h.ip ? { ip: h.ip } : {}), ...(h.mac ? { mac: h.mac } : {}), rng: random.stream(`${h.name}:rng`) }));
  }
  const links: Link[] = [];
  const captures: LinkCapture[] = [];
  const attachments = new Map<string, { sw: string; port: number }>();
  topo.links.forEach((l, i) => {
    const name = `${l.a}-${l.b}`;
    const link = new Link(sim, {
      name,
      latencyNs: l.latencyNs ?? 1_000,
      ...(l.bandwidthBps !== undefined ? { bandwidthBps: l.bandwidthBps } : {}),
      ...(l.loss ? { loss: l.loss, random: random.stream(`link:${name}:loss`) } : {}),
      ...(l.queuePackets !== undefined ? { queue: { packets: l.queuePackets } } : {}),
      ...(log ? { log } : {}),
    });
    links.push(link);
    if (opts.captureDir) {
      const cap = new LinkCapture(join(opts.captureDir, `${name}.pcap`));
      link.addTap(cap);
      captures.push(cap);
    }
    const ends = [link.a, link.b] as const;
    [l.a, l.b].forEach((node, j) => {
      const end = ends[j]!;
      const host = hosts.get(node);
      if (host) {
        host.plug(end);
        const other = [l.a, l.b][1 - j]!;
        if (switches.has(other)) attachments.set(node, { sw: other, port: endPort[i]![1 - j]! });
        return;
      }
      const bridge = switches.get(node)!;
      const port = endPort[i]![j]!;
      end.connect({ receive: (frame) => bridge.receive(port, frame) });
      bridge.attach(port, { send: (frame) => void end.send(frame) });
    });
  });
  return { sim, log, random, switches, hosts, links, attachments, captures };
}
