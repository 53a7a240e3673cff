import { describe, expect, it } from 'vitest';
import { W } from '../../sim/flow/layout.js';
import { newKey } from '../../sim/flow/key.js';
import { formatFlow } from '../../sim/flow/flow-format.js';
import { parseTraceFlow } from '../../sim/flow/match-syntax.js';
import { portMapOf } from '../../sim/flow/ports.js';
import { FlowSyntaxError } from '../../sim/flow/syntax-error.js';
import { TRACE_ERRORS, TRACE_FLOWS } from './fixtures/ovs-trace-flows.js';

// The oracle's bridge: ports p1..p3 and br0 (LOCAL).
const ports = portMapOf([['p1', 1], ['p2', 2], ['p3', 3], ['br0', 0xfffe]]);

describe('formatFlow reproduces the Flow: line of ofproto/trace', () => {
  for (const [trace, want] of TRACE_FLOWS) {
    it(trace, () => expect(formatFlow(parseTraceFlow(trace, { ports }))).toBe(want));
  }
});

describe('parseTraceFlow rejects what ofproto/trace rejects, with its words', () => {
  for (const [trace, want] of TRACE_ERRORS) {
    it(trace, () => {
      let got = 'no error';
      try {
        parseTraceFlow(trace, { ports });
      } catch (e) {
        expect(e).toBeInstanceOf(FlowSyntaxError);
        got = `Bad openflow flow syntax: ${(e as Error).message}`;
      }
      expect(got).toBe(want);
    });
  }
});

describe('formatFlow', () => {
  it('prints both tags of a double-tagged frame', () => {
    const k = parseTraceFlow('in_port=1,dl_vlan=10,tcp');
    k[W.VLAN0] = (0x88a8 << 16) | 0x100a;
    k[W.VLAN1] = (0x8100 << 16) | 0x3014;
    expect(formatFlow(k)).toBe(
      'tcp,in_port=1,dl_vlan=10,dl_vlan_pcp=0,dl_vlan1=20,dl_vlan_pcp1=1,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,' +
        'nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=0,tcp_flags=0',
    );
  });
  it('leaves zero metadata out and prints in_port 0 as nothing', () => {
    const k = newKey();
    expect(formatFlow(k)).toBe('vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,dl_type=0x0000');
  });
  it('uses port names when given a map', () => {
    expect(formatFlow(parseTraceFlow('in_port=1', { ports }), { ports })).toBe(
      'in_port=p1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,dl_type=0x0000',
    );
  });
});
