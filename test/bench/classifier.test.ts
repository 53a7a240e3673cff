import { describe, expect, it } from 'vitest';
import {
  BENCH_FIELDS,
  N_FLOW_VALUES,
  buildClassifierBench,
  lookupFlow,
  lookupsPlain,
  lookupsTracking,
  ruleMatch,
  seededRng,
  shuffledPriorities,
  wildcardPatterns,
} from '../../bench/classifier.js';
import { fieldByName } from '../../sim/flow/fields.js';
import { matchesMasked, newMask, readField } from '../../sim/flow/key.js';
import { OFPP } from '../../sim/flow/layout.js';

const f = (name: string) => fieldByName(name)!;

describe('classifier benchmark generators', () => {
  it('has ovstest\'s thirteen fields with two distinct values each', () => {
    expect(BENCH_FIELDS.map((b) => b.field.name)).toEqual([
      'tun_id', 'metadata', 'ip_src', 'ip_dst', 'in_port', 'vlan_tci', 'eth_type',
      'tcp_src', 'tcp_dst', 'eth_src', 'eth_dst', 'nw_proto', 'nw_tos',
    ]);
    for (const b of BENCH_FIELDS) expect(b.values[0]).not.toBe(b.values[1]);
    expect(N_FLOW_VALUES).toBe(4096);
  });

  it('draws distinct wildcard patterns, the same ones for the same seed', () => {
    const a = wildcardPatterns(seededRng('s'), 20);
    expect(new Set(a).size).toBe(20);
    for (const p of a) expect(p >>> 13).toBe(0);
    expect(wildcardPatterns(seededRng('s'), 20)).toEqual(a);
    expect(wildcardPatterns(seededRng('t'), 20)).not.toEqual(a);
    expect(() => wildcardPatterns(seededRng('s'), 8193)).toThrow(/at most 8192/);
  });

  it('shuffles the priorities 0, 129, 258…', () => {
    const p = shuffledPriorities(seededRng('p'), 10);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i * 129));
    expect(shuffledPriorities(seededRng('p'), 1)).toEqual([0]);
  });

  it('builds ovstest-shape rules exact on every field, whatever the pattern', () => {
    const m = ruleMatch(0x1fff, 0, 'ovstest');
    expect(readField(m.key, f('ip_src'))).toBe(0xc0a80001n);
    expect(readField(m.key, f('in_port'))).toBe(1n);
    expect(readField(m.key, f('tun_id'))).toBe(0n);
    for (const b of BENCH_FIELDS) expect(readField(m.mask, b.field)).toBeGreaterThan(0n);
    const all = ruleMatch(0, 0x1fff, 'ovstest');
    expect(readField(all.key, f('in_port'))).toBe(BigInt(OFPP.LOCAL));
    expect(readField(all.key, f('eth_dst'))).toBe(0xffffffffffffn);
    expect(readField(all.key, f('tun_id'))).toBe(0xfedcba9876543210n);
    expect(readField(all.key, f('nw_tos'))).toBe(0n);
    expect(readField(all.mask, f('nw_tos'))).toBe(0xfcn);
  });

  it('leaves out the fields whose pattern bit is set in the wildcarded shape', () => {
    const wcf = 0b1_0000_0000_0101; // tun_id, ip_src, nw_tos
    const m = ruleMatch(wcf, 0x1fff, 'wildcarded');
    BENCH_FIELDS.forEach((b, i) => {
      expect(readField(m.mask, b.field) === 0n).toBe(((wcf >> i) & 1) === 1);
    });
    expect(readField(m.key, f('tun_id'))).toBe(0n);
  });

  it('builds lookup flows bit by bit in ovstest\'s order, nw_tos always its first value', () => {
    const k0 = lookupFlow(0);
    expect(readField(k0, f('ip_src'))).toBe(0xc0a80001n);
    expect(readField(k0, f('nw_tos'))).toBe(48n);
    const k1 = lookupFlow(1);
    expect(readField(k1, f('ip_src'))).toBe(0xc0a04455n);
    expect(readField(k1, f('ip_dst'))).toBe(0xc0a80002n);
    for (let x = 0; x < N_FLOW_VALUES; x += 97) expect(readField(lookupFlow(x), f('nw_tos'))).toBe(48n);
    // Flow 0 takes every field's first value: the rule of value pattern 0 matches it.
    const r = ruleMatch(5, 0, 'ovstest');
    expect(matchesMasked(k0, r.key, r.mask)).toBe(true);
    expect(matchesMasked(k1, r.key, r.mask)).toBe(false);
  });

  it('fills one subtable in the ovstest shape and one per pattern in the wildcarded shape', () => {
    const o = buildClassifierBench({ nRules: 300, nPriorities: 1, nSubtables: 20, shape: 'ovstest' });
    expect(o.cls.subtableCount).toBe(1);
    expect(o.nRules).toBe(o.cls.size);
    expect(o.nRules).toBeLessThanOrEqual(300);
    expect(o.flows).toHaveLength(2 * N_FLOW_VALUES);
    const w = buildClassifierBench({ nRules: 1000, nPriorities: 1, nSubtables: 20, shape: 'wildcarded' });
    expect(w.cls.subtableCount).toBe(20);
    expect(w.nRules).toBeLessThan(1000); // many wildcarded rules coincide
    const again = buildClassifierBench({ nRules: 1000, nPriorities: 1, nSubtables: 20, shape: 'wildcarded' });
    expect(again.nRules).toBe(w.nRules);
    expect(Array.from(again.order.subarray(0, 50))).toEqual(Array.from(w.order.subarray(0, 50)));
  });

  it('finds, for each lookup, a rule of the highest priority that matches', () => {
    const b = buildClassifierBench({ nRules: 200, nPriorities: 8, nSubtables: 10, shape: 'wildcarded', seed: 'check' });
    const rules = [...b.cls.rules()];
    const wc = newMask();
    for (let i = 0; i < 300; i++) {
      const key = b.flows[b.order[i]!]!;
      const best = rules.filter((r) => matchesMasked(key, r.match.key, r.match.mask)).reduce((m, r) => Math.max(m, r.priority), -1);
      const got = b.cls.lookup(key, wc);
      expect(got ? got.priority : -1).toBe(best);
    }
  });

  it('counts the same hits with and without wildcard tracking', () => {
    const b = buildClassifierBench({ nRules: 1000, nPriorities: 4, nSubtables: 20, shape: 'ovstest' });
    const hits = lookupsPlain(b, 5000);
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThan(5000);
    expect(lookupsTracking(b, 5000, newMask())).toBe(hits);
  });
});
