/**
 * Translations per second: how fast ofproto turns one packet's flow key into datapath
 * actions and a megaflow (the work of one upcall), and how fast the whole
 * `ofproto/trace` text path (parse a flow string, translate with a trace, format) runs.
 *
 * The bridge is a small but realistic four-table pipeline — port classification, an ACL
 * on prefixes and transport ports, a longest-prefix routing table that rewrites MACs and
 * decrements the TTL, then L2 forwarding — and the packets vary in port, protocol,
 * addresses and transport ports, so lookups hit, miss and stop in different tables.
 */
import { parseTraceFlow } from '../sim/flow/match-syntax.js';
import type { FlowKey } from '../sim/flow/key.js';
import type { Ofproto } from '../sim/ofproto/ofproto.js';
import { bridgePortMap, buildBridge, traceFlow } from '../sim/ofproto/trace.js';
import { xlate } from '../sim/ofproto/xlate.js';
import { bestRate, formatRate, roundRate, type BenchOptions, type SectionReport } from './measure.js';
import { randomRange, seededRng, type Rng } from './classifier.js';

export const BENCH_PORTS = [1, 2, 3, 4] as const;

/** Router MACs of the routing table: next hops by subnet. */
const NEXT_HOPS: readonly (readonly [string, string, number])[] = [
  // [prefix, next-hop MAC, priority = prefix length]
  ['10.0.1.1', '00:00:00:00:01:01', 32],
  ['10.0.2.1', '00:00:00:00:02:01', 32],
  ['10.0.1.0/24', '00:00:00:00:01:fe', 24],
  ['10.0.2.0/24', '00:00:00:00:02:fe', 24],
  ['10.0.3.0/24', '00:00:00:00:03:fe', 24],
  ['10.1.0.0/16', '00:00:00:00:10:fe', 16],
  ['10.2.0.0/16', '00:00:00:00:20:fe', 16],
  ['172.16.0.0/12', '00:00:00:00:ac:fe', 12],
  ['10.0.0.0/8', '00:00:00:00:0a:fe', 8],
];

/** The benchmark's flow table, in ovs-ofctl syntax. */
export function benchFlows(): string[] {
  const flows: string[] = [];
  // Table 0: which port a packet came in on, kept in metadata for the later tables.
  for (const p of BENCH_PORTS) flows.push(`table=0,priority=100,in_port=${p},actions=write_metadata:0x${p}/0xff,goto_table:1`);
  flows.push('table=0,priority=0,actions=drop');
  // Table 1: the ACL.
  flows.push(
    'table=1,priority=300,tcp,nw_dst=10.0.0.0/24,tp_dst=22,actions=drop',
    'table=1,priority=250,tcp,nw_src=192.168.0.0/16,tp_dst=80,actions=goto_table:2',
    'table=1,priority=250,tcp,nw_src=192.168.0.0/16,tp_dst=443,actions=goto_table:2',
    'table=1,priority=240,tcp,metadata=0x4/0xff,actions=goto_table:2',
    'table=1,priority=200,udp,tp_dst=53,actions=goto_table:2',
    'table=1,priority=200,udp,tp_src=53,actions=goto_table:2',
    'table=1,priority=200,icmp,actions=goto_table:2',
    'table=1,priority=150,ip,nw_src=10.0.0.0/8,actions=goto_table:2',
    'table=1,priority=100,arp,actions=goto_table:3',
    'table=1,priority=0,actions=drop',
  );
  // Table 2: routing, longest prefix first; a source NAT for one subnet.
  for (const [prefix, mac, pri] of NEXT_HOPS) {
    flows.push(`table=2,priority=${pri},ip,nw_dst=${prefix},actions=set_field:00:00:00:00:00:fe->eth_src,set_field:${mac}->eth_dst,dec_ttl,goto_table:3`);
  }
  flows.push(
    'table=2,priority=20,ip,nw_src=192.168.7.0/24,nw_dst=10.0.0.0/8,actions=set_field:10.255.0.1->ip_src,set_field:00:00:00:00:0a:fe->eth_dst,dec_ttl,goto_table:3',
    'table=2,priority=1,ip,actions=set_field:00:00:00:00:ff:fe->eth_dst,dec_ttl,goto_table:3',
  );
  // Table 3: L2 forwarding.
  const l2: readonly (readonly [string, number])[] = [
    ['00:00:00:00:01:01', 1], ['00:00:00:00:02:01', 2], ['00:00:00:00:01:fe', 1], ['00:00:00:00:02:fe', 2],
    ['00:00:00:00:03:fe', 3], ['00:00:00:00:10:fe', 3], ['00:00:00:00:20:fe', 3], ['00:00:00:00:ac:fe', 4],
    ['00:00:00:00:0a:fe', 4],
  ];
  for (const [mac, port] of l2) flows.push(`table=3,priority=50,dl_dst=${mac},actions=output:${port}`);
  flows.push(
    'table=3,priority=40,udp,tp_dst=53,actions=set_field:5353->udp_dst,output:4',
    'table=3,priority=10,dl_dst=ff:ff:ff:ff:ff:ff,actions=output:1,output:2,output:3,output:4',
    'table=3,priority=0,actions=output:4',
  );
  return flows;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[randomRange(rng, xs.length)]!;
}

function randomIp(rng: Rng): string {
  const nets = ['10.0.1', '10.0.2', '10.0.3', '10.0.0', '10.1.4', '10.2.9', '172.16.5', '172.20.1', '192.168.7', '192.168.1', '8.8.8', '203.0.113'];
  return `${pick(rng, nets)}.${1 + randomRange(rng, 254)}`;
}

function randomMac(rng: Rng): string {
  const b = Array.from({ length: 5 }, () => randomRange(rng, 256).toString(16).padStart(2, '0'));
  return `02:${b.join(':')}`;
}

/** `n` varied packets as ofproto/trace flow strings (TCP, UDP, ICMP, ARP, broadcast). */
export function benchPackets(n: number, seed = 'ovsim-bench-xlate'): string[] {
  const rng = seededRng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const inPort = pick(rng, BENCH_PORTS);
    const l2 = `in_port=${inPort},dl_src=${randomMac(rng)},dl_dst=${randomRange(rng, 8) === 0 ? 'ff:ff:ff:ff:ff:ff' : '00:00:00:00:00:fe'}`;
    const ip = `nw_src=${randomIp(rng)},nw_dst=${randomIp(rng)},nw_ttl=64`;
    const kind = randomRange(rng, 10);
    if (kind < 5) {
      const dport = pick(rng, [22, 80, 443, 8080, 1 + randomRange(rng, 65535)]);
      out.push(`tcp,${l2},${ip},tp_src=${1024 + randomRange(rng, 60000)},tp_dst=${dport}`);
    } else if (kind < 8) {
      const [s, d] = randomRange(rng, 2) ? [1024 + randomRange(rng, 60000), 53] : [53, 1024 + randomRange(rng, 60000)];
      out.push(`udp,${l2},${ip},udp_src=${s},udp_dst=${d}`);
    } else if (kind < 9) {
      out.push(`icmp,${l2},${ip},icmp_type=8,icmp_code=0`);
    } else {
      out.push(`arp,${l2},arp_spa=${randomIp(rng)},arp_tpa=${randomIp(rng)},arp_op=1`);
    }
  }
  return out;
}

export interface XlateBench {
  readonly ofproto: Ofproto;
  readonly packets: readonly string[];
  readonly keys: readonly FlowKey[];
}

export function buildXlateBench(nPackets: number): XlateBench {
  const ofproto = buildBridge({ ports: [...BENCH_PORTS], flows: benchFlows(), version: 'OpenFlow15' });
  const packets = benchPackets(nPackets);
  const ports = bridgePortMap(ofproto);
  const keys = packets.map((p) => parseTraceFlow(p, { ports }));
  return { ofproto, packets, keys };
}

/** `n` translations (no trace), cycling over the packets; returns the datapath actions emitted. */
export function runXlates(b: XlateBench, n: number): number {
  const { ofproto, keys } = b;
  let actions = 0;
  for (let i = 0; i < n; i++) actions += xlate(ofproto, keys[i % keys.length]!).actions.length;
  return actions;
}

/** `n` full ofproto/trace runs from text to text; returns the characters produced. */
export function runTraces(b: XlateBench, n: number): number {
  const { ofproto, packets } = b;
  let chars = 0;
  for (let i = 0; i < n; i++) chars += traceFlow(ofproto, packets[i % packets.length]!).text.length;
  return chars;
}

const N_PACKETS = 1024;

export function xlateSection(opts: BenchOptions): SectionReport {
  const b = buildXlateBench(N_PACKETS);
  const rate = bestRate((n) => runXlates(b, n), opts.quick ? { ops: 20_000, reps: 2, warmupOps: 5_000 } : { ops: 200_000, reps: 5, warmupOps: 50_000 });
  const nRules = b.ofproto.tableIds().reduce((s, id) => s + b.ofproto.table(id).size, 0);
  return {
    name: 'xlate',
    title: 'Translation (xlate, no trace): flow key → datapath actions + megaflow',
    table: [['rules', 'tables', 'packets', 'xlate'], [String(nRules), String(b.ofproto.tableIds().length), String(N_PACKETS), formatRate(rate)]],
    notes: ['Pipeline: port classification → ACL → longest-prefix routing with MAC rewrite and dec_ttl → L2 forwarding.'],
    figures: { xlate_per_s: roundRate(rate) },
  };
}

export function traceSection(opts: BenchOptions): SectionReport {
  const b = buildXlateBench(N_PACKETS);
  const rate = bestRate((n) => runTraces(b, n), opts.quick ? { ops: 5_000, reps: 2, warmupOps: 1_000 } : { ops: 50_000, reps: 5, warmupOps: 10_000 });
  return {
    name: 'trace',
    title: 'ofproto/trace text path: parse flow string → xlate with trace → format text',
    table: [['packets', 'traces'], [String(N_PACKETS), formatRate(rate)]],
    notes: ['Same bridge and packets as the xlate section.'],
    figures: { trace_text_per_s: roundRate(rate) },
  };
}
