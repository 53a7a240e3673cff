/**
 * Real `ovs-ofctl` talking to a listener of ours: what it sends must decode to the flows
 * it was given (add-flows, del-flows), and what we answer to dump-flows must print, in
 * ovs-ofctl's own words, as the flows we hold. Needs Open vSwitch (scripts/setup.sh).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowSyntaxError } from '../../../sim/flow/syntax-error.js';
import { formatFlowEntry } from '../../../sim/openflow/flow-format.js';
import { parseFlow } from '../../../sim/openflow/flow-syntax.js';
import { entryFromFlowMod, SUPPORTED_VERSIONS, type FlowStatsEntry } from '../../../sim/openflow/wire/index.js';
import type { FlowEntry } from '../../../sim/ofproto/rule.js';
import { FakeSwitch } from './fake-switch.js';
import { FLOWS } from './flows.js';
import { ofctl } from './ovs-ofctl.js';

const dir = mkdtempSync(join(tmpdir(), 'ovsim-wire-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parseable(version: (typeof SUPPORTED_VERSIONS)[number]): { text: string; entry: FlowEntry }[] {
  return FLOWS.flatMap((text) => {
    try {
      return [{ text, entry: parseFlow(text, { version }) }];
    } catch (e) {
      if (e instanceof FlowSyntaxError) return [];
      throw e;
    }
  });
}

async function withSwitch<T>(name: string, flows: readonly FlowStatsEntry[], fn: (sw: FakeSwitch) => Promise<T>): Promise<T> {
  const sw = new FakeSwitch(join(dir, `${name}.sock`), flows);
  await sw.listen();
  try {
    return await fn(sw);
  } finally {
    await sw.close();
  }
}

describe('ovs-ofctl add-flows / del-flows decode as the flows given', () => {
  for (const version of SUPPORTED_VERSIONS) {
    it(version, async () => {
      const flows = parseable(version);
      const file = join(dir, `flows-${version}.txt`);
      writeFileSync(file, flows.map((f) => f.text).join('\n') + '\n');
      await withSwitch(`add-${version}`, [], async (sw) => {
        const r = await ofctl(['-O', version, '--no-names', 'add-flows', `unix:${sw.path}`, file]);
        expect(r.stderr).toBe('');
        expect(sw.errors.map((e) => e.message)).toEqual([]);
        const mods = sw.received.flatMap((x) => (x.msg.type === 'flow_mod' ? [x.msg] : []));
        expect(mods.map((m) => m.command)).toEqual(flows.map(() => 'add'));
        expect(mods.map((m) => formatFlowEntry(entryFromFlowMod(m)))).toEqual(flows.map((f) => formatFlowEntry(f.entry)));
        expect(sw.received.every((x) => x.version === version)).toBe(true);
      });
      await withSwitch(`del-${version}`, [], async (sw) => {
        const r = await ofctl(['-O', version, '--no-names', 'del-flows', `unix:${sw.path}`, 'tcp,tp_dst=80']);
        expect(r.stderr).toBe('');
        const del = sw.received.find((x) => x.msg.type === 'flow_mod')?.msg;
        if (del?.type !== 'flow_mod') throw new Error('no flow mod');
        expect(del.command).toBe('delete');
        expect(del.table).toBe(255);
        expect(formatFlowEntry(entryFromFlowMod({ ...del, priority: 0x8000 }))).toBe(' tcp,tp_dst=80 actions=drop');
      });
    }, 30_000);
  }
});

describe('ovs-ofctl dump-flows reads our flow-stats replies', () => {
  for (const version of SUPPORTED_VERSIONS) {
    it(version, async () => {
      const held = parseable(version).map((f, i): FlowStatsEntry => ({
        table: f.entry.table, durationSec: i, durationNsec: 0, priority: f.entry.priority, idleTimeout: f.entry.idleTimeout,
        hardTimeout: f.entry.hardTimeout, flags: f.entry.flags.filter((x) => x === 'send_flow_rem' || x === 'no_packet_counts' || x === 'no_byte_counts') as FlowStatsEntry['flags'],
        importance: f.entry.importance, cookie: f.entry.cookie, packetCount: BigInt(i), byteCount: BigInt(64 * i), match: f.entry.match, actions: f.entry.actions,
      }));
      await withSwitch(`dump-${version}`, held, async (sw) => {
        const r = await ofctl(['-O', version, '--no-names', 'dump-flows', `unix:${sw.path}`]);
        expect(r.stderr).toBe('');
        const lines = r.stdout.split('\n').filter((l) => l.startsWith(' cookie='));
        expect(lines).toHaveLength(held.length);
        // ovs-ofctl prints the stats we sent and the flow as we hold it.
        const strip = (l: string): string => l.replace(/duration=[^,]*, /, '').replace(/n_packets=\d+, n_bytes=\d+, /, '').replace(/ idle_age=\d+,/, '');
        // OpenFlow 1.0 flow stats carry no flags.
        const shown = (e: FlowEntry): FlowEntry => (version === 'OpenFlow10' ? { ...e, flags: [] } : e);
        const want = held.map((h, i) => formatFlowEntry(shown(parseable(version)[i]!.entry), { stats: { durationSec: h.durationSec, packets: Number(h.packetCount), bytes: Number(h.byteCount) } }));
        expect(lines.map(strip)).toEqual(want.map(strip));
      });
    }, 30_000);
  }
});
