import { describe, expect, it } from 'vitest';
import { W, OFPP } from '../../sim/flow/layout.js';
import { catchAllMatch } from '../../sim/flow/match.js';
import { fieldByName } from '../../sim/flow/fields.js';
import {
  applyMatchToken,
  checkMatchPrereqs,
  dropUnmetPrereqs,
  parseFieldValue,
  parseMatch,
  parseTraceFlow,
  splitKeyValues,
} from '../../sim/flow/match-syntax.js';
import { portMapOf } from '../../sim/flow/ports.js';

const field = (n: string) => fieldByName(n)!;
const errOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('splitKeyValues', () => {
  it('splits on commas and spaces, keeps parentheses together', () => {
    expect(splitKeyValues('tcp, nw_src=10.0.0.1 tp_dst:80,actions=output(port=1,max_len=2)')).toEqual([
      { name: 'tcp', value: undefined },
      { name: 'nw_src', value: '10.0.0.1' },
      { name: 'tp_dst', value: '80' },
      { name: 'actions', value: 'output(port=1,max_len=2)' },
    ]);
  });
});

describe('applyMatchToken', () => {
  it('applies protocol shorthands', () => {
    const m = catchAllMatch();
    expect(applyMatchToken(m, 'tcp6', undefined)).toBe(true);
    expect(m.key[W.DL_TYPE]).toBe(0x86dd);
    expect(m.key[W.NW_PROTO]).toBe(6);
    expect(m.mask[W.NW_PROTO]).toBe(0xff);
  });
  it('returns false for flow-mod keywords', () => {
    expect(applyMatchToken(catchAllMatch(), 'priority', '5')).toBe(false);
  });
  it('reads CIDR and dotted masks', () => {
    const m = parseMatch('ip,nw_src=10.1.2.3/8,nw_dst=10.0.0.0/255.0.255.0');
    expect(m.key[W.NW_SRC]).toBe(0x0a000000);
    expect(m.mask[W.NW_SRC]).toBe(0xff000000);
    expect(m.mask[W.NW_DST]).toBe(0xff00ff00);
  });
  it('sets the VLAN-present bit for dl_vlan and dl_vlan_pcp', () => {
    const m = parseMatch('dl_vlan=5,dl_vlan_pcp=3');
    expect(m.key[W.VLAN0]! & 0xffff).toBe(0x7005);
    expect(m.mask[W.VLAN0]! & 0xffff).toBe(0xffff);
    // ovs-ofctl's own match has mask 0xffff; over OpenFlow 1.5 it becomes 0x1fff.
    const m0 = catchAllMatch();
    applyMatchToken(m0, 'dl_vlan', '0xffff');
    expect(m0.mask[W.VLAN0]).toBe(0xffff);
    const none = parseMatch('dl_vlan=0xffff');
    expect(none.mask[W.VLAN0]).toBe(0x1fff);
    expect(none.key[W.VLAN0]).toBe(0);
  });
  it('reads vlan_vid with OpenFlow 1.2 semantics', () => {
    const m = parseMatch('vlan_vid=0x1005');
    expect(m.key[W.VLAN0]).toBe(0x1005);
    expect(m.mask[W.VLAN0]).toBe(0x1fff);
  });
  it('keeps ECN out of nw_tos', () => {
    const m = parseMatch('ip,nw_tos=3');
    expect(m.key[W.NW_TOS]).toBe(0);
    expect(m.mask[W.NW_TOS]).toBe(0xfc);
    const d = parseMatch('ip,ip_dscp=0x3f,nw_ecn=5');
    expect(d.key[W.NW_TOS]).toBe(0xfd);
    expect(d.mask[W.NW_TOS]).toBe(0xff);
  });
  it('matches icmp_type over the whole port word', () => {
    const m = parseMatch('icmp,icmp_type=3');
    expect(m.mask[W.TP_SRC]).toBe(0xffff);
    expect(m.key[W.TP_SRC]).toBe(3);
  });
  it('reads frag words', () => {
    expect(parseMatch('ip,nw_frag=yes').mask[W.NW_FRAG]).toBe(1);
    expect(parseMatch('ip,nw_frag=later').key[W.NW_FRAG]).toBe(3);
    expect(parseMatch('ip,nw_frag=not_later').mask[W.NW_FRAG]).toBe(2);
  });
  it('reads tcp_flags', () => {
    const m = parseMatch('tcp,tcp_flags=+syn-ack');
    expect(m.key[W.TCP_FLAGS]).toBe(2);
    expect(m.mask[W.TCP_FLAGS]).toBe(0x12);
    expect(parseMatch('tcp,tcp_flags=syn|ack').mask[W.TCP_FLAGS]).toBe(0xfff);
    expect(parseMatch('tcp,tcp_flags=0x2/0x12').mask[W.TCP_FLAGS]).toBe(0x12);
  });
  it('reads ports by number and by name', () => {
    const ports = portMapOf([['p1', 1]]);
    expect(parseMatch('in_port=p1', { ports }).key[W.IN_PORT]).toBe(1);
    expect(parseMatch('in_port=LOCAL').key[W.IN_PORT]).toBe(OFPP.LOCAL);
    expect(parseMatch('in_port=4294967294').key[W.IN_PORT]).toBe(OFPP.LOCAL);
  });
  it('treats * and an empty value as a wildcard', () => {
    expect(parseMatch('dl_src=*').mask[W.DL_SRC]).toBe(0);
    expect(parseMatch('reg0').mask[W.REG0]).toBe(0);
  });
  it('reads subfields', () => {
    const m = parseMatch('reg0[0..3]=5,reg0[8]=1');
    expect(m.key[W.REG0]).toBe(0x105);
    expect(m.mask[W.REG0]).toBe(0x10f);
  });
});

describe('value errors use ovs-ofctl wording', () => {
  const cases: [string, string][] = [
    ['tcp,tp_dst=65536', '65536: value too large for 2-byte field tcp_dst'],
    ['tcp,tp_dst=080', '080: bad syntax for tcp_dst value'],
    ['icmp,icmp_type=3/0xf', '3/0xf: invalid mask for field icmp_type'],
    ['in_port=1/0xf', '1/0xf: invalid or unknown port for in_port'],
    ['dl_type=0x800/0xff00', '0x800/0xff00: invalid mask for field eth_type'],
    ['dl_src', '0/0: invalid Ethernet address'],
    ['nw_src', '0/0: invalid IP address'],
    ['ip,nw_src=10.0.0.0/33', '10.0.0.0/33: IPv4 network prefix bits not between 0 and 32, inclusive'],
    ['ipv6,ipv6_src=2001:db8::/129', '2001:db8::/129: IPv6 network prefix bits not between 0 and 128, inclusive'],
    ['ip,nw_frag=bogus', 'bogus: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"'],
    ['tcp,tcp_flags=+syn+bogus', 'bogus: unknown TCP flag(s)'],
    ['tcp,tcp_flags=+syn+syn', 'syn: Each TCP flag can be specified only once'],
    ['in_port=65536', '65536: invalid or unknown port for in_port'],
    ['in_port=0xfffe', '0xfffe: invalid or unknown port for in_port'],
    ['bogus=1', 'unknown keyword bogus'],
  ];
  for (const [flow, msg] of cases) {
    it(flow, () => expect(errOf(() => parseMatch(flow))).toBe(msg));
  }
});

describe('prerequisites', () => {
  it('drops fields whose prerequisites are unmet, as ovs-ofctl does', () => {
    const m = parseMatch('tp_dst=80');
    expect(m.mask[W.TP_DST]).toBe(0);
    expect(parseMatch('nw_src=10.0.0.1').mask[W.NW_SRC]).toBe(0);
    // udp with tcp_dst is the same storage and is kept.
    expect(parseMatch('udp,tcp_dst=81').key[W.TP_DST]).toBe(81);
  });
  it('checkMatchPrereqs names the field', () => {
    const m = catchAllMatch();
    applyMatchToken(m, 'tp_dst', '80');
    expect(errOf(() => checkMatchPrereqs(m))).toBe('prerequisites not met for setting tp_dst');
    expect(dropUnmetPrereqs(m)).toBe(true);
    expect(() => checkMatchPrereqs(m)).not.toThrow();
  });
});

describe('parseFieldValue', () => {
  it('gives the field-wide mask for exact values', () => {
    expect(parseFieldValue(field('tcp_dst'), '80')).toEqual({ value: 80n, mask: 0xffffn });
    expect(parseFieldValue(field('eth_src'), '00:11:22:33:44:55/ff:ff:ff:00:00:00')).toEqual({
      value: 0x001122334455n,
      mask: 0xffffff000000n,
    });
    expect(parseFieldValue(field('reg0'), '0x5/0xff')).toEqual({ value: 5n, mask: 0xffn });
    expect(parseFieldValue(field('ipv6_src'), '2001:db8::/32').mask).toBe(0xffffffffn << 96n);
    expect(parseFieldValue(field('metadata'), '-1').value).toBe((1n << 64n) - 1n);
    expect(parseFieldValue(field('tcp_dst'), '010').value).toBe(8n);
  });
});

// Error texts from OVS 3.1's ofproto/trace (after "Bad openflow flow syntax: ").
describe('parseTraceFlow', () => {
  it('parses an exact flow', () => {
    const k = parseTraceFlow('in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80');
    expect(k[W.IN_PORT]).toBe(1);
    expect(k[W.NW_SRC]).toBe(0x0a000001);
    expect(k[W.TP_DST]).toBe(80);
    expect(parseTraceFlow('tcp')[W.IN_PORT]).toBe(OFPP.NONE);
  });
  const cases: [string, string][] = [
    ['in_port=1,udp,tcp_dst=80', 'prerequisites not met for setting tcp_dst'],
    ['in_port=1,tp_dst=80', 'prerequisites not met for setting tp_dst'],
    ['in_port=1,foo=1', 'unknown field foo'],
    ['in_port=1,tcp,tcp,nw_src=1.2.3.4', 'Ethernet type set multiple times'],
    ['in_port=1,icmp6,icmp_type=128', 'prerequisites not met for setting icmp_type'],
    ['in_port=1,udp6,tp_src=53', 'prerequisites not met for setting tp_src'],
    ['in_port=1,tcp,nw_frag=later,tp_dst=80', 'prerequisites not met for setting tp_dst'],
    ['in_port=1,tcp,tcp_flags=+syn', 'bad value for tcp_flags (+syn: wildcards not allowed here)'],
    ['in_port=1,tcp,nw_src=10.0.0.0/8', 'bad value for nw_src (10.0.0.0/8: wildcards not allowed here)'],
    ['in_port=1,tcp,nw_src=10.0.0.1,nw_src=10.0.0.2', 'field nw_src set multiple times'],
    ['in_port=1,ip,ip_frag=yes', 'bad value for ip_frag (yes: wildcards not allowed here)'],
    ['in_port=1,tcp,tp_dst=-1', 'bad value for tp_dst (-1: value too large for 2-byte field tcp_dst)'],
    ['in_port=1,tcp,tp_dst=abc', 'bad value for tp_dst (abc: bad syntax for tcp_dst value)'],
    ['in_port=1,tcp,nw_src=1.2.3', 'bad value for nw_src (1.2.3: invalid IP address)'],
    ['in_port=1,dl_src=00:11:22:33:44', 'bad value for dl_src (00:11:22:33:44: invalid Ethernet address)'],
    ['in_port=1,tcp,tcp_flags=0x1000', 'bad value for tcp_flags (0x1000: unknown TCP flag(s))'],
    ['in_port=1,tcp,nw_proto=17', 'field nw_proto set multiple times'],
    ['in_port=1,ip,tcp', 'Ethernet type set multiple times'],
    ['in_port=foo,tcp', 'bad value for in_port (foo: invalid or unknown port for in_port)'],
    ['in_port=1,reg0', 'bad value for reg0 (: bad syntax for reg0 value)'],
    ['in_port=1,tcp,reg0=0x5/0xff', 'bad value for reg0 (0x5/0xff: wildcards not allowed here)'],
  ];
  for (const [flow, msg] of cases) {
    it(flow, () => expect(errOf(() => parseTraceFlow(flow))).toBe(`${flow}: ${msg}`));
  }
  it('keeps only what fits, as OVS does', () => {
    expect(parseTraceFlow('in_port=1,dl_vlan=4096')[W.VLAN0]).toBe(0x1000);
    expect(parseTraceFlow('in_port=1,arp,arp_op=256')[W.NW_PROTO]).toBe(0);
    expect(parseTraceFlow('in_port=1,tcp,ip_dscp=10')[W.NW_TOS]).toBe(40);
    expect(parseTraceFlow('in_port=1,dl_vlan=0xffff')[W.VLAN0]).toBe(0);
  });
});
