import { describe, expect, it } from 'vitest';
import { benchFlows, benchPackets, buildXlateBench, runTraces, runXlates } from '../../bench/xlate.js';
import { traceFlow } from '../../sim/ofproto/trace.js';

describe('translation benchmark generators', () => {
  it('builds a four-table bridge from its flows', () => {
    const b = buildXlateBench(16);
    expect(b.ofproto.tableIds()).toEqual([0, 1, 2, 3]);
    const n = b.ofproto.tableIds().reduce((s, id) => s + b.ofproto.table(id).size, 0);
    expect(n).toBe(benchFlows().length);
  });

  it('makes the same varied packets for the same seed', () => {
    const p = benchPackets(200);
    expect(benchPackets(200)).toEqual(p);
    expect(benchPackets(200, 'other')).not.toEqual(p);
    for (const proto of ['tcp,', 'udp,', 'icmp,', 'arp,']) expect(p.some((s) => s.startsWith(proto))).toBe(true);
  });

  it('gives packets that translate without error to several different outcomes', () => {
    const b = buildXlateBench(200);
    const actions = new Set<string>();
    for (const p of b.packets) {
      const t = traceFlow(b.ofproto, p);
      expect(t.error).toBeNull();
      expect(t.text).not.toMatch(/Translation failed/);
      actions.add(t.actions!);
    }
    expect(actions.has('drop')).toBe(true);
    // Routed packets get their MACs rewritten and TTL decremented before output.
    expect([...actions].some((a) => /^set\(eth\(src=00:00:00:00:00:fe,dst=.*\)\),set\(ipv4\(ttl=63\)\),\d$/.test(a))).toBe(true);
    expect(actions.size).toBeGreaterThanOrEqual(5);
  });

  it('runs the timed loops', () => {
    const b = buildXlateBench(8);
    expect(runXlates(b, 16)).toBeGreaterThan(0);
    expect(runTraces(b, 4)).toBeGreaterThan(100);
  });
});
