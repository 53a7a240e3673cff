import { describe, expect, it } from 'vitest';
import { extractFlow } from '../../../sim/flow/extract.js';
import { newKey } from '../../../sim/flow/key.js';
import { formatFlowEntry } from '../../../sim/openflow/flow-format.js';
import { entryFromFlowMod } from '../../../sim/openflow/wire/index.js';
import { describePacket, Firewall, FirewallRuleError, parseFirewallRules } from '../../../sim/controller/index.js';
import { ethFrame, ping, tcp, udp } from '../frames.js';
import { rig } from '../setup.js';

const RULES = `
# web server on 10.0.0.2, no ssh to it, pings allowed
allow arp
deny tcp dst=10.0.0.2 dport=22
allow tcp src=10.0.0.0/24 dst=10.0.0.2 dport=80
allow icmp
`;

function key(frame: Uint8Array, inPort = 1): Uint32Array {
  const k = newKey();
  extractFlow(frame, inPort, k);
  return k;
}

describe('firewall rules', () => {
  it('reads the rule text', () => {
    expect(parseFirewallRules(RULES)).toEqual([
      { action: 'allow', proto: 'arp' },
      { action: 'deny', proto: 'tcp', dst: '10.0.0.2', dstPort: 22 },
      { action: 'allow', proto: 'tcp', src: '10.0.0.0/24', dst: '10.0.0.2', dstPort: 80 },
      { action: 'allow', proto: 'icmp' },
    ]);
  });

  it('bad rules fail naming the line and the word', () => {
    expect(() => parseFirewallRules('allow tcp\npermit udp')).toThrow('line 2 "permit udp": a rule starts with allow or deny, not "permit"');
    expect(() => parseFirewallRules('allow tcp dport=http')).toThrow('dport needs a number 0..65535, not "http"');
    expect(() => parseFirewallRules('deny icmp dport=3')).toThrow('line 1 "deny icmp dport=3": ports need proto tcp, udp or sctp');
    expect(() => parseFirewallRules('deny tcp udp')).toThrow('two protocols');
    expect(() => parseFirewallRules('deny ip src=10.0.0.300')).toThrow('10.0.0.300');
    expect(() => parseFirewallRules('deny ip color=red')).toThrow('unknown word "color=red"');
    expect(() => new Firewall({ rules: [{ action: 'deny', proto: 'udp', srcPort: 70000 }] })).toThrow(FirewallRuleError);
    expect(() => new Firewall({ rules: [], allowActions: 'output:banana' })).toThrow('banana');
  });

  it('compiles to one flow per rule, first rule highest, and a default', () => {
    const fw = new Firewall({ rules: RULES });
    expect(fw.flows()).toEqual([
      'table=0,priority=5,cookie=1,arp,actions=NORMAL',
      'table=0,priority=4,cookie=2,tcp,nw_dst=10.0.0.2,tp_dst=22,actions=CONTROLLER:128',
      'table=0,priority=3,cookie=3,tcp,nw_src=10.0.0.0/24,nw_dst=10.0.0.2,tp_dst=80,actions=NORMAL',
      'table=0,priority=2,cookie=4,icmp,actions=NORMAL',
      'table=0,priority=0,actions=CONTROLLER:128',
    ]);
    const quiet = new Firewall({ rules: 'deny udp', defaultAction: 'allow', logDenied: false, allowActions: 'goto_table:1' });
    expect(quiet.flows()).toEqual(['table=0,priority=2,cookie=1,udp,actions=drop', 'table=0,priority=0,actions=goto_table:1']);
  });

  it('the first matching rule decides', () => {
    const fw = new Firewall({ rules: RULES });
    expect(fw.verdict(key(tcp('10.0.0.1', '10.0.0.2', 40000, 80)))).toEqual({ action: 'allow', rule: 2 });
    expect(fw.verdict(key(tcp('10.0.0.1', '10.0.0.2', 40000, 22)))).toEqual({ action: 'deny', rule: 1 });
    expect(fw.verdict(key(tcp('192.168.1.1', '10.0.0.2', 40000, 80)))).toEqual({ action: 'deny', rule: 'default' });
    expect(fw.verdict(key(udp('10.0.0.1', '10.0.0.2', 53, 53)))).toEqual({ action: 'deny', rule: 'default' });
    expect(fw.verdict(key(ping('10.0.0.1', '10.0.0.3')))).toEqual({ action: 'allow', rule: 3 });
    const byPort = new Firewall({ rules: [{ action: 'deny', inPort: 3 }], defaultAction: 'allow' });
    expect(byPort.verdict(key(ping('10.0.0.1', '10.0.0.3'), 3)).action).toBe('deny');
    expect(byPort.verdict(key(ping('10.0.0.1', '10.0.0.3'), 2)).action).toBe('allow');
  });

  it('describes packets for the log', () => {
    expect(describePacket(key(tcp('10.0.0.1', '10.0.0.2', 40000, 22)))).toBe('tcp 10.0.0.1:40000 > 10.0.0.2:22');
    expect(describePacket(key(udp('10.0.0.1', '10.0.0.2', 5, 53)))).toBe('udp 10.0.0.1:5 > 10.0.0.2:53');
    expect(describePacket(key(ping('10.0.0.1', '10.0.0.2')))).toBe('icmp 10.0.0.1 > 10.0.0.2 type 8 code 0');
    expect(describePacket(key(ethFrame(2n, 1n, 0x88cc)))).toBe('eth_type 0x88cc 00:00:00:00:00:01 > 00:00:00:00:00:02');
  });
});

describe('firewall app', () => {
  it('installs its flows on connect and logs denied packet-ins', () => {
    const lines: string[] = [];
    const fw = new Firewall({ rules: RULES, log: (l) => lines.push(l) });
    const { sim, sw } = rig([fw], { sw: { dpid: 0xabn } });
    sim.run();
    expect(sw.of('flow_mod').map((r) => formatFlowEntry(entryFromFlowMod(r.msg)).trim())).toEqual([
      'cookie=0x1, priority=5,arp actions=NORMAL',
      'cookie=0x2, priority=4,tcp,nw_dst=10.0.0.2,tp_dst=22 actions=CONTROLLER:128',
      'cookie=0x3, priority=3,tcp,nw_src=10.0.0.0/24,nw_dst=10.0.0.2,tp_dst=80 actions=NORMAL',
      'cookie=0x4, priority=2,icmp actions=NORMAL',
      'priority=0 actions=CONTROLLER:128',
    ]);
    sw.sendPacketIn(tcp('10.0.0.1', '10.0.0.2', 40000, 22), 1, { reason: 'action', cookie: 2n });
    sw.sendPacketIn(udp('10.0.0.9', '10.0.0.2', 1, 53), 4, { reason: 'action' });
    // A packet-in from some other table is none of the firewall's business.
    sw.sendPacketIn(udp('10.0.0.9', '10.0.0.2', 1, 53), 4, { table: 3 });
    sim.run();
    expect(fw.denied).toEqual([
      { dpid: 0xabn, inPort: 1, summary: 'tcp 10.0.0.1:40000 > 10.0.0.2:22', rule: 1 },
      { dpid: 0xabn, inPort: 4, summary: 'udp 10.0.0.9:1 > 10.0.0.2:53', rule: 'default' },
    ]);
    expect(lines).toEqual([
      'firewall: 00000000000000ab denied tcp 10.0.0.1:40000 > 10.0.0.2:22 on port 1 (rule 2)',
      'firewall: 00000000000000ab denied udp 10.0.0.9:1 > 10.0.0.2:53 on port 4 (default rule)',
    ]);
    // Denied packets go nowhere.
    expect(sw.of('packet_out').length).toBe(0);
  });
});
