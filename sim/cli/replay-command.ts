/**
 * `ovsim replay`: every packet of a capture through the switch, in virtual time, and what
 * became of it — cache hits, misses, upcalls, flows, packets out per port; with --out-dir
 * one pcap per output port. `ovsim dpctl dump-flows` runs the same replay and prints the
 * datapath flows it left, as `ovs-appctl dpctl/dump-flows` does.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Simulator } from '../../engine/simulator.js';
import { RandomStreams } from '../../engine/random.js';
import { readCapture, PcapError, PcapWriter, LINKTYPE_ETHERNET } from '../../native/pcap/index.js';
import { CACHE_STRATEGIES, type CacheStrategy } from '../datapath/datapath.js';
import { formatOdpActions } from '../datapath/odp-actions.js';
import { formatDpctlFlow } from '../datapath/odp-flow-format.js';
import { parseFlows } from '../openflow/flow-syntax.js';
import { parseOfVersion } from '../openflow/version.js';
import { Bridge, LOCAL_ODP_PORT } from '../vswitchd/bridge.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';
import { readText, parsePortList } from './trace-command.js';
import { UsageError } from './usage-error.js';

interface ReplayOptions {
  flows?: string;
  ports: string;
  inPort: string;
  cache: string;
  outDir?: string;
  json?: boolean;
  speed: string;
  protocol: string;
  seed: string;
  dumpFlows?: boolean;
}

export interface ReplaySummary {
  readonly file: string;
  readonly cache: CacheStrategy;
  readonly packets: number;
  readonly bytes: number;
  readonly duration_ns: number;
  readonly hits: { emc: number; megaflow: number; microflow: number };
  readonly hit_rate: number;
  readonly misses: number;
  readonly upcalls: number;
  readonly lost_upcalls: number;
  readonly flows: number;
  readonly masks: number;
  readonly modeled_cost_ns_per_packet: number;
  readonly out: Record<string, { packets: number; bytes: number }>;
}

function parseCache(text: string): CacheStrategy {
  const c = CACHE_STRATEGIES.find((s) => s === text);
  if (!c) throw new UsageError(`--cache: "${text}" is not one of ${CACHE_STRATEGIES.join(', ')}`);
  return c;
}

function parseSpeed(text: string): number {
  if (text === 'max') return Infinity;
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`--speed: "${text}" is not a positive number or "max"`);
  return v;
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--seed: "${text}" is not a non-negative integer`);
  return Number(text);
}

/** Replays `file` into the bridge; returns the summary and the bridge (for flow dumps). */
export async function replay(file: string, opts: ReplayOptions): Promise<{ summary: ReplaySummary; bridge: Bridge; sim: Simulator }> {
  const cache = parseCache(opts.cache);
  const speed = parseSpeed(opts.speed);
  const seed = parseSeed(opts.seed);
  const ports = parsePortList(opts.ports);
  const inPort = opts.inPort === 'LOCAL' ? LOCAL_ODP_PORT : parsePortList(opts.inPort)[0];
  if (inPort === undefined || (inPort !== LOCAL_ODP_PORT && !ports.includes(inPort))) {
    throw new UsageError(`--in-port: "${opts.inPort}" is not one of the bridge ports (${ports.join(',')})`);
  }
  const version = parseOfVersion(opts.protocol);
  const flowsText = opts.flows ? readText(opts.flows, 'flow file') : 'priority=0,actions=NORMAL';
  const entries = parseFlows(flowsText, { version, ...(opts.flows ? { file: opts.flows } : {}) });

  const sim = new Simulator();
  const random = new RandomStreams(seed).stream('datapath:emc');
  const bridge = new Bridge({ name: 'br0', ports, cache, scheduler: sim, random: () => random.uniform() });
  bridge.addFlows(entries);

  let t0: bigint | null = null;
  const writers = new Map<number, PcapWriter>();
  if (opts.outDir) {
    try {
      mkdirSync(opts.outDir, { recursive: true });
    } catch (e) {
      throw new UsageError(`--out-dir: cannot create ${opts.outDir}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    for (const p of [...ports, LOCAL_ODP_PORT]) {
      const w = new PcapWriter(join(opts.outDir, `port${p === LOCAL_ODP_PORT ? 'LOCAL' : p}.pcap`), { resolution: 'ns' });
      writers.set(p, w);
      bridge.attach(p, { send: (frame) => w.write((t0 ?? 0n) + BigInt(sim.now()), frame) });
    }
  }

  let packets = 0;
  let bytes = 0;
  let lastNs = 0;
  try {
    for await (const rec of readCapture(file, { requireLinkType: LINKTYPE_ETHERNET })) {
      if (t0 === null) t0 = rec.timestampNs;
      const gap = speed === Infinity ? 0 : Number(rec.timestampNs - t0) / speed;
      // Capture times can step backwards (clock changes): never schedule into the past.
      const at = Math.max(lastNs, Math.round(gap));
      lastNs = at;
      sim.run({ until: at });
      const frame = rec.data;
      packets++;
      bytes += frame.length;
      sim.scheduleAt(at, () => bridge.receive(inPort, frame));
      for (const w of writers.values()) if (w.bytesWritten > 0) await maybeDrain(w);
    }
  } catch (e) {
    if (e instanceof PcapError) throw new UsageError(e.message);
    throw e;
  }
  // Let the last upcalls finish (a second of virtual time is far more than any handler takes).
  sim.run({ until: lastNs + 1_000_000_000 });
  for (const w of writers.values()) await w.close();

  const s = bridge.datapath.stats;
  const hits = s.emcHits + s.megaflowHits + s.microflowHits;
  const out: Record<string, { packets: number; bytes: number }> = {};
  for (const [p, c] of bridge.counters) {
    if (c.txPackets > 0) out[p === LOCAL_ODP_PORT ? 'LOCAL' : String(p)] = { packets: c.txPackets, bytes: c.txBytes };
  }
  const summary: ReplaySummary = {
    file,
    cache,
    packets,
    bytes,
    duration_ns: lastNs,
    hits: { emc: s.emcHits, megaflow: s.megaflowHits, microflow: s.microflowHits },
    hit_rate: packets === 0 ? 0 : hits / packets,
    misses: s.misses,
    upcalls: s.upcalls,
    lost_upcalls: s.lostUpcalls,
    flows: bridge.datapath.flowCount,
    masks: bridge.datapath.maskCount,
    modeled_cost_ns_per_packet: packets === 0 ? 0 : (s.fastPathCostNs + s.slowPathCostNs) / packets,
    out,
  };
  return { summary, bridge, sim };
}

async function maybeDrain(w: PcapWriter): Promise<void> {
  await w.drain();
}

function formatSummary(s: ReplaySummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `replayed ${s.packets} packets (${s.bytes} bytes) from ${s.file} over ${(s.duration_ns / 1e9).toFixed(6)} s of capture time`,
    `cache: ${s.cache}`,
    `  hits: ${s.hits.emc + s.hits.megaflow + s.hits.microflow} (${pct(s.hit_rate)}): emc ${s.hits.emc}, megaflow ${s.hits.megaflow}, microflow ${s.hits.microflow}`,
    `  misses: ${s.misses}, upcalls: ${s.upcalls}, lost upcalls: ${s.lost_upcalls}`,
    `  datapath flows: ${s.flows}, masks: ${s.masks}`,
    `  modeled CPU cost: ${s.modeled_cost_ns_per_packet.toFixed(1)} ns/packet`,
    'packets out:',
  ];
  const ports = Object.keys(s.out);
  if (ports.length === 0) lines.push('  (none)');
  for (const p of ports) lines.push(`  port ${p}: ${s.out[p]!.packets} packets, ${s.out[p]!.bytes} bytes`);
  return `${lines.join('\n')}\n`;
}

function addReplayOptions(cmd: Command): Command {
  return cmd
    .argument('<capture>', 'a pcap or pcapng file (Ethernet)')
    .option('--flows <file>', 'flow table, one flow per line as ovs-ofctl add-flows reads it (default: NORMAL)')
    .option('--ports <list>', 'OpenFlow port numbers of the bridge ports p1..pN', '1,2,3,4')
    .option('--in-port <port>', 'the port the packets arrive on (a number or LOCAL)', '1')
    .option('--cache <strategy>', `flow cache: ${CACHE_STRATEGIES.join(', ')}`, 'megaflow')
    .option('--speed <factor>', 'replay at this multiple of the capture\'s own timing, or "max" for back to back', '1')
    .option('--protocol <version>', 'read the flows as ovs-ofctl -O VERSION would', 'OpenFlow15')
    .option('--seed <n>', 'seed of the random streams (EMC insertion)', '1');
}

export function registerReplay(program: Command, io: Io, _state: CommandState): void {
  addReplayOptions(program.command('replay').description('replay a capture through the switch and report what became of every packet'))
    .option('--out-dir <dir>', 'write one pcap per output port here')
    .option('--json', 'print the summary as one JSON line')
    .option('--dump-flows', 'print the datapath flows left after the replay')
    .action(async (file: string, opts: ReplayOptions) => {
      const { summary, bridge, sim } = await replay(file, opts);
      io.out(opts.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
      if (opts.dumpFlows) io.out(dumpFlows(bridge, sim.now()));
    });
  const dpctl = program.command('dpctl').description('datapath commands, as ovs-dpctl');
  addReplayOptions(dpctl.command('dump-flows').description('replay a capture, then print the datapath flows as ovs-appctl dpctl/dump-flows does')).action(
    async (file: string, opts: ReplayOptions) => {
      const { bridge, sim } = await replay(file, opts);
      io.out(dumpFlows(bridge, sim.now()));
    },
  );
}

export function dumpFlows(bridge: Bridge, nowNs: number): string {
  const lines: string[] = [];
  for (const f of bridge.datapath.flows()) {
    const match = { key: f.packetKey, mask: f.mask };
    const stats = { packets: f.packets, bytes: f.bytes, usedMs: f.usedNs < 0 ? null : f.usedNs / 1e6, tcpFlags: f.tcpFlags };
    lines.push(formatDpctlFlow(match, stats, formatOdpActions(f.actions), nowNs / 1e6));
  }
  return lines.map((l) => `${l}\n`).join('');
}
