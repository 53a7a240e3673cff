import { describe, expect, it } from 'vitest';
import { W } from '../../sim/flow/layout.js';
import { catchAllMatch } from '../../sim/flow/match.js';
import { formatMatch, formatTcpFlags } from '../../sim/flow/match-format.js';
import { parseMatch } from '../../sim/flow/match-syntax.js';
import { portMapOf } from '../../sim/flow/ports.js';
import { DUMPED_MATCHES } from './fixtures/ovs-dumped-matches.js';

describe('formatMatch reproduces ovs-ofctl dump-flows', () => {
  for (const [text, priority, want] of DUMPED_MATCHES) {
    it(`${priority === undefined ? '' : `priority=${priority},`}${text}`, () => {
      expect(formatMatch(parseMatch(text), { priority })).toBe(want);
    });
  }
});

describe('formatMatch', () => {
  it('prints the catch-all match as an empty string', () => {
    expect(formatMatch(catchAllMatch())).toBe('');
    expect(formatMatch(catchAllMatch(), { priority: 0x8000 })).toBe('');
    expect(formatMatch(catchAllMatch(), { priority: 0 })).toBe('priority=0');
  });

  it('prints megaflows as the Megaflow: line of ofproto/trace', () => {
    // Megaflow lines from OVS 3.1's ofproto/trace.
    const tcp = parseMatch('tcp,in_port=1,nw_src=10.0.0.1,nw_frag=no,tp_dst=80');
    expect(formatMatch(tcp, { megaflow: true })).toBe('recirc_id=0,eth,tcp,in_port=1,nw_src=10.0.0.1,nw_frag=no,tp_dst=80');
    const icmp = parseMatch('icmp,in_port=1,nw_src=0.0.0.0/5,nw_frag=no');
    expect(formatMatch(icmp, { megaflow: true })).toBe('recirc_id=0,eth,icmp,in_port=1,nw_src=0.0.0.0/5,nw_frag=no');
    expect(formatMatch(parseMatch('in_port=1,dl_type=0x0000'), { megaflow: true })).toBe('recirc_id=0,eth,in_port=1,dl_type=0x0000');
    expect(formatMatch(parseMatch('arp,in_port=1'), { megaflow: true })).toBe('recirc_id=0,eth,arp,in_port=1');
    const recirc = parseMatch('ip,in_port=1,nw_frag=no');
    recirc.key[W.RECIRC_ID] = 0xffffffff;
    expect(formatMatch(recirc, { megaflow: true })).toBe('recirc_id=0xffffffff,eth,ip,in_port=1,nw_frag=no');
  });

  it('prints pkt_mark and skb_priority before the packet type', () => {
    const m = parseMatch('tcp,pkt_mark=7');
    m.mask[W.SKB_PRIORITY] = 0xffffffff;
    m.key[W.SKB_PRIORITY] = 3;
    expect(formatMatch(m, { megaflow: true })).toBe('pkt_mark=0x7,recirc_id=0,skb_priority=0x3,eth,tcp');
  });

  it('prints ports by name when given a port map', () => {
    const ports = portMapOf([['p1', 1], ['eth-0', 2]]);
    expect(formatMatch(parseMatch('in_port=1'), { ports })).toBe('in_port=p1');
    expect(formatMatch(parseMatch('in_port=2'), { ports })).toBe('in_port="eth-0"');
    expect(formatMatch(parseMatch('in_port=3'), { ports })).toBe('in_port=3');
  });

  it('prints partial VLAN masks as vlan_tci', () => {
    const m = catchAllMatch();
    m.key[W.VLAN0] = 0x1005;
    m.mask[W.VLAN0] = 0x1fff;
    expect(formatMatch(m)).toBe('dl_vlan=5');
    m.mask[W.VLAN0] = 0x1f0f;
    expect(formatMatch(m)).toBe('vlan_tci=0x1005/0x1f0f');
    m.mask[W.VLAN0] = 0x1fff | 0xe000;
    expect(formatMatch(m)).toBe('dl_vlan=5,dl_vlan_pcp=0');
  });

  it('prints an ICMPv6 tcp_flags word as nd_options_type', () => {
    const m = parseMatch('icmp6');
    m.mask[W.TCP_FLAGS] = 0xffff;
    m.key[W.TCP_FLAGS] = 1;
    expect(formatMatch(m)).toBe('icmp6,nd_options_type=1');
  });
});

describe('formatTcpFlags', () => {
  it('names flags like OVS', () => {
    expect(formatTcpFlags(0x12, 0xfff)).toBe('syn|ack');
    expect(formatTcpFlags(0, 0xfff)).toBe('0');
    expect(formatTcpFlags(0x2, 0x12)).toBe('+syn-ack');
    expect(formatTcpFlags(0x800, 0x800)).toBe('+[800]');
    expect(formatTcpFlags(0, 0)).toBe('0/0');
  });
});
