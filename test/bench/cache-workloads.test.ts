import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../engine/random.js';
import { extractFlow } from '../../sim/flow/extract.js';
import { FLOW_WORDS, W } from '../../sim/flow/layout.js';
import { aclFlows, generateAcl, headerIn, prefixOf, rangeToMasks } from '../../bench/cache/classbench.js';
import { buildWorkload, WORKLOAD_NAMES } from '../../bench/cache/workloads.js';
import { withoutAttack } from '../../bench/cache/trace.js';
import { parseFlows } from '../../sim/openflow/flow-syntax.js';

describe('ClassBench-style rules', () => {
  it('splits a port range into the prefix blocks that cover exactly it', () => {
    expect(rangeToMasks([0, 65535])).toEqual([[0, 0]]);
    expect(rangeToMasks([80, 80])).toEqual([[80, 0xffff]]);
    expect(rangeToMasks([1024, 65535])).toEqual([
      [1024, 0xfc00], [2048, 0xf800], [4096, 0xf000], [8192, 0xe000], [16384, 0xc000], [32768, 0x8000],
    ]);
    // Every port of [1000, 1100] is covered once, and nothing else.
    const blocks = rangeToMasks([1000, 1100]);
    for (let p = 990; p <= 1110; p++) {
      const n = blocks.filter(([v, m]) => (p & m) === v).length;
      expect(n).toBe(p >= 1000 && p <= 1100 ? 1 : 0);
    }
  });

  it('writes flows ovs-ofctl syntax accepts, first rule highest', () => {
    const rules = generateAcl(new RandomStreams(7).stream('acl'), { rules: 60 });
    expect(rules).toHaveLength(60);
    const flows = aclFlows(rules);
    const entries = parseFlows(flows.join('\n'), { version: 'OpenFlow15' });
    expect(entries.length).toBe(flows.length);
    expect(entries[0]!.priority).toBe(61);
    expect(flows[flows.length - 1]).toBe('priority=0,actions=drop');
  });

  it('draws headers inside the rule', () => {
    const rng = new RandomStreams(3).stream('t');
    for (const r of generateAcl(rng, { rules: 50 })) {
      const h = headerIn(rng, r);
      expect(prefixOf(h.src, r.srcLen)).toBe(r.srcAddr);
      expect(prefixOf(h.dst, r.dstLen)).toBe(r.dstAddr);
      if (r.proto === 6 || r.proto === 17) {
        expect(h.dport).toBeGreaterThanOrEqual(r.dport[0]);
        expect(h.dport).toBeLessThanOrEqual(r.dport[1]);
      }
    }
  });
});

describe('workloads', () => {
  it.each(WORKLOAD_NAMES)('%s is the same bytes from the same seed, other bytes from another', (name) => {
    const a = buildWorkload(name, { seed: 5, quick: true });
    const b = buildWorkload(name, { seed: 5, quick: true });
    const c = buildWorkload(name, { seed: 6, quick: true });
    expect(a.flows).toEqual(b.flows);
    expect(a.trace.count).toBe(b.trace.count);
    expect(Array.from(a.trace.times)).toEqual(Array.from(b.trace.times));
    expect(Array.from(a.trace.ports)).toEqual(Array.from(b.trace.ports));
    for (let i = 0; i < a.trace.count; i += 97) expect(a.trace.frames[i]).toEqual(b.trace.frames[i]);
    const differs = c.trace.count !== a.trace.count || a.trace.frames.some((f, i) => Buffer.compare(f, c.trace.frames[i]!) !== 0) || a.flows.join() !== c.flows.join();
    expect(differs).toBe(true);
  });

  it('traces are in time order and their frames parse as IPv4', () => {
    const w = buildWorkload('short_flows', { seed: 1, quick: true });
    const key = new Uint32Array(FLOW_WORDS);
    for (let i = 1; i < w.trace.count; i++) expect(w.trace.times[i]!).toBeGreaterThanOrEqual(w.trace.times[i - 1]!);
    for (let i = 0; i < w.trace.count; i += 500) {
      extractFlow(w.trace.frames[i]!, 1, key);
      expect(key[W.DL_TYPE]).toBe(0x0800);
    }
  });

  it('tuple_space_explosion marks its crafted packets, and withoutAttack keeps only the rest', () => {
    const w = buildWorkload('tuple_space_explosion', { seed: 1, quick: true });
    const attack = w.trace.tags.reduce((n, t) => n + t, 0);
    expect(attack).toBe(2 * 2000);
    expect(withoutAttack(w.trace).count).toBe(w.trace.count - attack);
  });
});
