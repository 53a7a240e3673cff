import { describe, expect, it } from 'vitest';
import { ArraySink } from '../../engine/event-log.js';
import { formatComparison, runAll, runStrategy } from '../../scenarios/cache-comparison.js';

const SHORT = { seed: 3, durationNs: 60_000_000 };

describe('the default scenario', () => {
  const results = runAll(SHORT);
  const by = Object.fromEntries(results.map((r) => [r.strategy, r]));

  it('tells the story of the caches: megaflows serve what microflows miss', () => {
    expect(by.none!.hitRate).toBe(0);
    expect(by.none!.upcalls).toBeGreaterThan(by.none!.packets * 0.8);
    expect(by.megaflow!.hitRate).toBeGreaterThan(0.95);
    expect(by.microflow!.hitRate).toBeLessThan(by.megaflow!.hitRate - 0.1);
    expect(by.microflow!.upcalls).toBeGreaterThan(10 * by.megaflow!.upcalls);
    expect(by['emc+megaflow']!.emcHits).toBeGreaterThan(0);
    expect(by.megaflow!.costNsPerPacket).toBeLessThan(by.microflow!.costNsPerPacket);
    expect(by.megaflow!.webFlowsCompleted).toBe(by.megaflow!.webFlowsStarted);
  });

  it('sees the same network whatever the cache: the ACL lets the scan find ports 80 and 443', () => {
    // The scan sweeps 1024 ports at 100 us each, so it only ends in this short run where
    // the cache keeps up; no strategy may ever find a port the ACL drops.
    for (const r of results) expect(r.scanOpen, r.strategy).toBeLessThanOrEqual(2);
    expect(by.megaflow!.scanOpen).toBe(2);
    // Once ARP is resolved, a ping crosses two 5 us links each way (plus serialization and
    // the odd wait behind other frames).
    for (const rtt of by.megaflow!.pingRttsUs.slice(1)) {
      expect(rtt).toBeGreaterThan(20);
      expect(rtt).toBeLessThan(25);
    }
  });

  it('prints byte-identical reports and event logs for the same seed', () => {
    expect(formatComparison(runAll(SHORT), SHORT)).toBe(formatComparison(results, SHORT));
    const logOf = () => {
      const sink = new ArraySink();
      runStrategy('emc+megaflow', { ...SHORT, logSink: sink });
      return sink.text();
    };
    const a = logOf();
    expect(a).toContain('"e":"dpFlowPut"');
    expect(a).toContain('"e":"linkTx"');
    expect(logOf()).toBe(a);
    const other = new ArraySink();
    runStrategy('emc+megaflow', { ...SHORT, seed: 4, logSink: other });
    expect(other.text()).not.toBe(a);
  });
});
