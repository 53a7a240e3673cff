/**
 * The cache benchmark's workloads: a flow table and a trace of packets each, built from a
 * seed alone, so every cache strategy can be run on exactly the same packets and two runs
 * with one seed see the same bytes.
 *
 *   classbench             ClassBench-style ACL; flows picked uniformly among its rules,
 *                          Pareto-sized (the trace generator's locality knob)
 *   short_flows            the same kind of ACL; a new 5-tuple every flow, 1–3 packets
 *                          each, popular rules drawing most flows — what megaflows are for
 *   long_flows             a few dozen flows of thousands of packets
 *   port_scan              one scanner sweeping destination ports of two servers with SYNs,
 *                          over a little background traffic
 *   tuple_space_explosion  allow-few/deny-rest policy, plus crafted packets that each
 *                          differ from the allowed flow at another bit (Csikor et al.,
 *                          CoNEXT 2019), over the allowed flow's own traffic
 *   datacenter             hosts on their own ports behind an ACL and /32 routes; flow
 *                          sizes from the web-search and data-mining CDFs, Poisson arrivals
 */
import { RandomStreams, type RandomStream } from '../../engine/random.js';
import { formatIpv4 } from '../../sim/flow/addr.js';
import { flowSizeSampler } from '../../sim/host/distributions.js';
import { aclFlows, generateAcl, headerIn, networkHosts, PROTO, type AclRule, type FiveTuple } from './classbench.js';
import { TraceBuilder, type Trace } from './trace.js';

export const WORKLOAD_NAMES = ['classbench', 'short_flows', 'long_flows', 'port_scan', 'tuple_space_explosion', 'datacenter'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface Workload {
  readonly name: string;
  readonly title: string;
  /** One paragraph for the report: traffic, rules, sizes. */
  readonly description: string;
  /** The flow table, as ovs-ofctl add-flows reads it (OpenFlow 1.5). */
  readonly flows: readonly string[];
  /** OpenFlow (= datapath) port numbers of the bridge. */
  readonly ports: readonly number[];
  readonly trace: Trace;
}

export interface WorkloadOptions {
  readonly seed: number;
  /** A smaller version of every workload, for smoke runs and tests. */
  readonly quick: boolean;
}

const US = 1_000;
const MS = 1_000_000;

/** Sizes of the full and quick versions. */
function sizes(quick: boolean) {
  return quick
    ? { aclRules: 200, packets: 30_000, longFlows: 20, scanPorts: 6_000, tseCrafted: 2_000, dcHosts: 16 }
    : { aclRules: 500, packets: 100_000, longFlows: 50, scanPorts: 30_000, tseCrafted: 6_000, dcHosts: 32 };
}

export function buildWorkload(name: WorkloadName, opts: WorkloadOptions): Workload {
  const streams = new RandomStreams(`${opts.seed}/${name}`);
  const s = sizes(opts.quick);
  switch (name) {
    case 'classbench':
      return classbench(streams, s);
    case 'short_flows':
      return shortFlows(streams, s);
    case 'long_flows':
      return longFlows(streams, s);
    case 'port_scan':
      return portScan(streams, s);
    case 'tuple_space_explosion':
      return tupleSpaceExplosion(streams, s);
    case 'datacenter':
      return datacenter(streams, s);
    default: {
      const never: never = name;
      throw new Error(`unknown workload ${String(never)}`);
    }
  }
}

type Sizes = ReturnType<typeof sizes>;

function acl(streams: RandomStreams, n: number): { rules: AclRule[]; flows: string[] } {
  const rules = generateAcl(streams.stream('acl'), { rules: n });
  return { rules, flows: aclFlows(rules) };
}

/** A Pareto draw ≥ 1 (shape `alpha`), capped: most flows are tiny, a few are huge. */
function pareto(rng: RandomStream, alpha: number, cap: number): number {
  return Math.min(cap, Math.floor(1 / Math.pow(1 - rng.uniform(), 1 / alpha)));
}

function classbench(streams: RandomStreams, s: Sizes): Workload {
  const { rules, flows } = acl(streams, s.aclRules);
  const rng = streams.stream('traffic');
  const tb = new TraceBuilder();
  let t = 0;
  while (tb.count < s.packets) {
    t += rng.exponential(50 * US);
    const packets = Math.min(pareto(rng, 1.1, 2_000), s.packets - tb.count);
    tb.addFlow({ tuple: headerIn(rng, rng.pick(rules)), startNs: t, packets, gapNs: 50 * US });
  }
  return {
    name: 'classbench',
    title: 'ClassBench-style ACL',
    description:
      `${rules.length} ACL rules (${flows.length} flows after range expansion): prefix pairs, protocols and port classes ` +
      `drawn ClassBench-style. Flows pick a rule uniformly and a header inside it; sizes Pareto(1.1) up to 2 000 packets; ` +
      `arrivals Poisson, one every 50 µs on average; 50 µs between a flow's packets.`,
    flows,
    ports: [1, 2],
    trace: tb.finish(),
  };
}

function shortFlows(streams: RandomStreams, s: Sizes): Workload {
  const { rules, flows } = acl(streams, s.aclRules);
  const rng = streams.stream('traffic');
  // Popularity: rule k of a random order is chosen with weight 1/(k+1) (Zipf), so a few
  // services draw most clients, as on a real network.
  const order = rules.map((r, i) => ({ r, k: rng.uniform(), i })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.r);
  const cum: number[] = [];
  let total = 0;
  order.forEach((_, k) => cum.push((total += 1 / (k + 1))));
  const pickRule = (): AclRule => {
    const u = rng.uniform() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return order[lo]!;
  };
  const tb = new TraceBuilder();
  let t = 0;
  while (tb.count < s.packets) {
    t += rng.exponential(20 * US);
    const packets = Math.min(rng.int(1, 5), s.packets - tb.count);
    tb.addFlow({ tuple: headerIn(rng, pickRule()), startNs: t, packets, gapNs: 100 * US });
  }
  return {
    name: 'short_flows',
    title: 'Many short flows',
    description:
      `${rules.length} ClassBench-style ACL rules. A new flow (fresh 5-tuple, ephemeral source port) every 20 µs on average, ` +
      `1–5 packets each, 100 µs apart; rules chosen with Zipf popularity, headers drawn inside the chosen rule.`,
    flows,
    ports: [1, 2],
    trace: tb.finish(),
  };
}

function longFlows(streams: RandomStreams, s: Sizes): Workload {
  const { rules, flows } = acl(streams, s.aclRules);
  const rng = streams.stream('traffic');
  const tb = new TraceBuilder();
  const per = Math.floor(s.packets / s.longFlows);
  for (let i = 0; i < s.longFlows; i++) {
    // Every flow sends `per` packets over the same second, so they interleave throughout.
    tb.addFlow({ tuple: headerIn(rng, rng.pick(rules)), startNs: rng.uniform() * MS, packets: per, gapNs: Math.floor(1e9 / per) });
  }
  return {
    name: 'long_flows',
    title: 'A few long flows',
    description: `${rules.length} ClassBench-style ACL rules; ${s.longFlows} flows of ${per} packets each, all running during the same second.`,
    flows,
    ports: [1, 2],
    trace: tb.finish(),
  };
}

function portScan(streams: RandomStreams, s: Sizes): Workload {
  const { rules, flows } = acl(streams, s.aclRules);
  const rng = streams.stream('traffic');
  const tb = new TraceBuilder();
  // Targets: the destinations of two rules that name a host or a /24, so the ACL has
  // something to say about them.
  const hostRules = rules.filter((r) => r.dstLen >= 24);
  const targets = [0, 1].map(() => headerIn(rng, rng.pick(hostRules.length > 0 ? hostRules : rules)).dst);
  const scanner = (0xc6336400 | rng.int(1, 254)) >>> 0; // 198.51.100.x, outside the ACL's networks
  const sport = rng.int(32768, 60999);
  let t = 0;
  for (const dst of targets) {
    for (let p = 1; p <= s.scanPorts / 2; p++) {
      t += 20 * US;
      tb.addFlow({ tuple: { src: scanner, dst, proto: PROTO.TCP, sport, dport: p }, startNs: t, packets: 1, gapNs: 0 });
    }
  }
  // Background: a few ongoing flows through the whole scan.
  const span = t;
  const background = Math.floor(s.scanPorts / 4);
  for (let i = 0; i < 10; i++) {
    const n = Math.floor(background / 10);
    tb.addFlow({ tuple: headerIn(rng, rng.pick(rules)), startNs: rng.uniform() * 10 * US, packets: n, gapNs: Math.floor(span / n) });
  }
  return {
    name: 'port_scan',
    title: 'Port scan',
    description:
      `${rules.length} ClassBench-style ACL rules. One scanner (${formatIpv4(scanner)}) sends a SYN to each of ports 1–${s.scanPorts / 2} ` +
      `on two servers (${targets.map((a) => formatIpv4(a)).join(', ')}), one every 20 µs, over ${background} packets of 10 ongoing flows.`,
    flows,
    ports: [1, 2],
    trace: tb.finish(),
  };
}

/** The tuple-space-explosion policy's trusted client, server and open port. */
const TSE_CLIENT = 0x0a000001; // 10.0.0.1
const TSE_SERVER = 0x0a000002; // 10.0.0.2
const TSE_PORT = 80;

/**
 * A value that agrees with `base` on its leading `k` bits and differs at the next (the
 * rest random); k = width gives `base` itself. The classifier must look at exactly k + 1
 * leading bits to tell such a packet from the rule, so each k asks for another mask.
 */
function craft(base: number, width: number, k: number, rng: RandomStream): number {
  if (k >= width) return base;
  const flip = 2 ** (width - 1 - k);
  const below = flip - 1;
  const low = rng.int(0, 2 ** Math.min(width, 31) - 1);
  return ((((base ^ flip) & ~below) | (low & below)) >>> 0) % 2 ** width;
}

function tupleSpaceExplosion(streams: RandomStreams, s: Sizes): Workload {
  const rng = streams.stream('traffic');
  // Allow few, deny the rest: each allow rule looks at one field, so a packet that matches
  // none is checked against all three and its megaflow un-wildcards a prefix of each.
  const flows = [
    `priority=100,ip,nw_src=${formatIpv4(TSE_CLIENT)},actions=output:2`,
    `priority=100,ip,nw_dst=${formatIpv4(TSE_SERVER)},actions=output:2`,
    `priority=100,tcp,tp_dst=${TSE_PORT},actions=output:2`,
    'priority=0,actions=drop',
  ];
  // Every combination of first differing bit in nw_src (0-32, 32: none), nw_dst (0-32)
  // and tp_dst (0-15), shuffled; the attacker sends the first `tseCrafted`, each once a round.
  const combos: [number, number, number][] = [];
  for (let a = 0; a <= 32; a++) for (let b = 0; b <= 32; b++) for (let c = 0; c < 16; c++) combos.push([a, b, c]);
  for (let i = combos.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [combos[i], combos[j]] = [combos[j]!, combos[i]!];
  }
  const crafted: FiveTuple[] = combos.slice(0, s.tseCrafted).map(([a, b, c]) => ({
    src: craft(TSE_CLIENT, 32, a, rng),
    dst: craft(TSE_SERVER, 32, b, rng),
    proto: PROTO.TCP,
    sport: rng.int(32768, 60999),
    dport: craft(TSE_PORT, 16, c, rng),
  }));
  const tb = new TraceBuilder();
  const rounds = 2;
  const attackGap = 25 * US;
  crafted.forEach((tuple, i) => tb.addFlow({ tuple, startNs: i * attackGap, packets: rounds, gapNs: crafted.length * attackGap, tag: 1 }));
  const span = crafted.length * attackGap * rounds;
  // Legitimate traffic through the attack: new web connections from clients anywhere
  // (3 packets each), and the trusted client's long session.
  const benign = Math.max(0, s.packets - tb.count);
  const session: FiveTuple = { src: TSE_CLIENT, dst: TSE_SERVER, proto: PROTO.TCP, sport: 40000, dport: 22 };
  tb.addFlow({ tuple: session, startNs: US, packets: Math.floor(benign / 2), gapNs: Math.floor(span / Math.floor(benign / 2)) });
  const webFlows = Math.floor(benign / 6);
  for (let i = 0; i < webFlows; i++) {
    const tuple: FiveTuple = { src: (0xc0000000 | rng.int(0, 0x3fffffff)) >>> 0, dst: (0x0a000000 | rng.int(3, 0xffff)) >>> 0, proto: PROTO.TCP, sport: rng.int(32768, 60999), dport: TSE_PORT };
    tb.addFlow({ tuple, startNs: rng.uniform() * span, packets: 3, gapNs: 200 * US });
  }
  return {
    name: 'tuple_space_explosion',
    title: 'Tuple space explosion',
    description:
      `Allow-few/deny-rest: from ${formatIpv4(TSE_CLIENT)}, to ${formatIpv4(TSE_SERVER)}, and TCP to port ${TSE_PORT} pass; the rest is dropped. ` +
      `The attacker sends ${crafted.length} crafted TCP packets, ${rounds} rounds, one every 25 µs (40 000 packets/s, 19 Mbit/s of 60-byte frames): ` +
      `each agrees with the allowed values on the leading bits of nw_src, nw_dst and tp_dst up to a chosen position and differs at that bit ` +
      `(Csikor et al., CoNEXT 2019). Legitimate traffic alongside: ${webFlows} new 3-packet web connections and one long session.`,
    flows,
    ports: [1, 2],
    trace: tb.finish(),
  };
}

function datacenter(streams: RandomStreams, s: Sizes): Workload {
  const aclRng = streams.stream('acl');
  const all = networkHosts(aclRng);
  const hosts = all.slice(0, s.dcHosts);
  const rules = generateAcl(aclRng, { rules: Math.floor(s.aclRules / 2), hosts: all, allowFraction: 0.85 });
  const flows = [...aclFlows(rules, { allowAction: 'goto_table:1' })];
  hosts.forEach((h, i) => flows.push(`table=1,priority=100,ip,nw_dst=${formatIpv4(h)},actions=output:${i + 1}`));
  flows.push('table=1,priority=0,actions=drop');
  const rng = streams.stream('traffic');
  const webSearch = flowSizeSampler(rng, 'webSearch');
  const dataMining = flowSizeSampler(rng, 'dataMining');
  const tb = new TraceBuilder();
  let t = 0;
  let nFlows = 0;
  while (tb.count < s.packets) {
    t += rng.exponential(1 * MS);
    const a = rng.int(0, hosts.length - 1);
    let b = rng.int(0, hosts.length - 2);
    if (b >= a) b++;
    const bytes = rng.bernoulli(0.5) ? webSearch() : dataMining();
    const packets = Math.min(Math.ceil(bytes / 1460), 2_000, s.packets - tb.count);
    const proto = rng.bernoulli(0.9) ? PROTO.TCP : PROTO.UDP;
    const dport = rng.pick([80, 443, 8080, 9000, 3306, 6379, 11211, 2049]);
    const tuple: FiveTuple = { src: hosts[a]!, dst: hosts[b]!, proto, sport: rng.int(32768, 60999), dport };
    const mac = (i: number) => 0x020000000000n | BigInt(i + 1);
    tb.addFlow({ tuple, startNs: t, packets, gapNs: 50 * US, port: a + 1, srcMac: mac(a), dstMac: mac(b) });
    nFlows++;
  }
  return {
    name: 'datacenter',
    title: 'Data centre',
    description:
      `${hosts.length} hosts, each on its own port, behind a ${rules.length}-rule ClassBench-style ACL (table 0) and /32 routes (table 1). ` +
      `${nFlows} flows between random host pairs, Poisson arrivals every 1 ms on average; sizes from the DCTCP web-search or the VL2 data-mining ` +
      `CDF (half each), 1 460 bytes a packet, at most 2 000 packets replayed per flow, 50 µs apart; one direction only.`,
    flows,
    ports: hosts.map((_, i) => i + 1),
    trace: tb.finish(),
  };
}
