import { describe, expect, it } from 'vitest';
import { FlowSyntaxError } from '../../sim/flow/syntax-error.js';
import { formatFlowEntry } from '../../sim/openflow/flow-format.js';
import { parseFlow, parseFlows } from '../../sim/openflow/flow-syntax.js';

describe('parseFlow', () => {
  it('reads flow-mod keywords, match and actions', () => {
    const e = parseFlow('table=1,priority=5,cookie=0x10,idle_timeout=50,hard_timeout=70,importance=3,send_flow_rem,check_overlap,ip,actions=drop', {
      version: 'OpenFlow15',
    });
    expect(e).toMatchObject({ table: 1, priority: 5, cookie: 0x10n, idleTimeout: 50, hardTimeout: 70, importance: 3, actions: [] });
    expect(e.flags).toEqual(['send_flow_rem', 'check_overlap']);
    expect(formatFlowEntry(e)).toBe(' cookie=0x10, table=1, idle_timeout=50, hard_timeout=70, send_flow_rem importance=3, priority=5,ip actions=drop');
  });

  it('defaults like ovs-ofctl: table 0, priority 32768, and no importance before OpenFlow 1.4', () => {
    const e = parseFlow('importance=3,actions=1', { version: 'OpenFlow13' });
    expect(e).toMatchObject({ table: 0, priority: 0x8000, cookie: 0n, importance: 0 });
    expect(formatFlowEntry(e)).toBe(' actions=output:1');
  });

  it('accepts dump-flows columns so dumps read back', () => {
    const e = parseFlow('cookie=0x0, duration=1.5s, table=0, n_packets=3, n_bytes=180, idle_age=1, priority=10,tcp,tp_dst=80 actions=output:2', {
      version: 'OpenFlow10',
    });
    expect(formatFlowEntry(e)).toBe(' priority=10,tcp,tp_dst=80 actions=output:2');
  });

  it('drops match fields whose prerequisites are missing, as ovs-ofctl does', () => {
    expect(formatFlowEntry(parseFlow('tp_dst=80,actions=drop', { version: 'OpenFlow13' }))).toBe(' actions=drop');
  });

  it('turns goto_table into resubmit under OpenFlow 1.0', () => {
    expect(formatFlowEntry(parseFlow('priority=5,ip,actions=mod_nw_src:1.2.3.4,goto_table:1', { version: 'OpenFlow10' }))).toBe(
      ' priority=5,ip actions=mod_nw_src:1.2.3.4,resubmit(,1)',
    );
    expect(formatFlowEntry(parseFlow('priority=5,ip,actions=mod_nw_src:1.2.3.4,goto_table:1', { version: 'OpenFlow15' }))).toBe(
      ' priority=5,ip actions=set_field:1.2.3.4->ip_src,goto_table:1',
    );
  });

  it('prints statistics columns', () => {
    const e = parseFlow('priority=10,tcp,actions=drop', { version: 'OpenFlow13' });
    expect(formatFlowEntry(e, { stats: { durationSec: 2.5, packets: 3, bytes: 180 } })).toBe(
      ' cookie=0x0, duration=2.500s, table=0, n_packets=3, n_bytes=180, priority=10,tcp actions=drop',
    );
  });

  it('reports errors in ovs-ofctl words', () => {
    const err = (t: string, v: 'OpenFlow10' | 'OpenFlow13' = 'OpenFlow13'): string => {
      try {
        parseFlow(t, { version: v });
      } catch (e) {
        expect(e).toBeInstanceOf(FlowSyntaxError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err('priority=1')).toBe('must specify an action');
    expect(err('cookie=1/1,actions=1')).toBe('flow additions cannot use a cookie mask');
    expect(err('out_port=1,actions=1')).toBe('unknown keyword out_port');
    expect(err('priority=70000,actions=1')).toBe('invalid priority "70000"');
    expect(err('table=3,actions=goto_table:2')).toBe('actions are invalid with specified match (OFPBIC_BAD_TABLE_ID)');
    expect(err('actions=goto_table:0')).toMatch(/OFPBIC_BAD_TABLE_ID/);
    // Real add-flow messages (oracle, `-O OpenFlow10`).
    expect(err('reset_counts,actions=1', 'OpenFlow10')).toBe('none of the usable flow formats (OXM) is among the allowed flow formats (OpenFlow10,NXM)');
    expect(err('no_packet_counts,actions=1', 'OpenFlow10')).toBe(
      'none of the usable flow formats (OXM-OpenFlow13,OXM-OpenFlow14,OXM-OpenFlow15) is among the allowed flow formats (OpenFlow10,NXM)',
    );
    expect(err('actions=strip_vlan')).toBe('none of the usable flow formats (OpenFlow10,NXM) is among the allowed flow formats (OXM-OpenFlow13)');
  });
});

describe('parseFlows', () => {
  it('skips comments and blank lines and accepts a leading "add"', () => {
    const text = '# table 0\n\npriority=1,actions=drop  # trailing\nadd priority=2,ip,actions=output:1\n   \n';
    const flows = parseFlows(text, { version: 'OpenFlow13', file: 'FLOWS.txt' });
    expect(flows.map((f) => formatFlowEntry(f))).toEqual([' priority=1 actions=drop', ' priority=2,ip actions=output:1']);
  });

  it('names the file and line of a bad flow and loads nothing', () => {
    const text = 'priority=1,actions=drop\n\npriority=2,actions=foo\n';
    expect(() => parseFlows(text, { version: 'OpenFlow13', file: 'FLOWS.txt' })).toThrow('FLOWS.txt:3: unknown action foo');
    expect(() => parseFlows('actions=bar', { version: 'OpenFlow13' })).toThrow('-:1: unknown action bar');
  });
});
