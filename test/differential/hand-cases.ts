/**
 * Hand-written differential cases: a small table for every match field and for every
 * action, each with traces that hit, miss and nearly miss. ovsim must agree with OVS on
 * all of them exactly (megaflow text and canonical datapath actions), apart from the
 * entries of known-differences.json.
 */
import type { DiffCase } from './generate.js';

export interface HandCase extends DiffCase {
  readonly name: string;
}

function c(name: string, flows: string[], traces: string[], opts: Partial<Pick<DiffCase, 'ports' | 'version'>> = {}): HandCase {
  return { name, ports: opts.ports ?? [1, 2, 3], version: opts.version ?? 'OpenFlow15', flows, traces };
}

export const FIELD_CASES: HandCase[] = [
  c('in_port', ['priority=10,in_port=1,actions=2', 'priority=10,in_port=LOCAL,actions=1', 'priority=0,actions=drop'], [
    'in_port=1,tcp', 'in_port=2,tcp', 'in_port=LOCAL', 'in_port=3,dl_dst=01:00:00:00:00:01',
  ]),
  c('metadata', ['priority=10,metadata=0x5,actions=2', 'priority=5,metadata=0x10/0xf0,actions=3', 'priority=0,actions=1'], [
    'in_port=1,metadata=0x5', 'in_port=1,metadata=0x15', 'in_port=1,metadata=0x4', 'in_port=1',
  ]),
  c('reg0-15', [
    'priority=10,reg0=0x1,actions=2', 'priority=9,reg7=0x10/0xf0,actions=3', 'priority=8,reg15=0xffff0000/0xffff0000,actions=1',
    'priority=7,reg3=5,reg4=6,actions=LOCAL', 'priority=0,actions=drop',
  ], [
    'in_port=1,reg0=1', 'in_port=1,reg7=0x1f', 'in_port=1,reg15=0xffff1234', 'in_port=1,reg3=5,reg4=6', 'in_port=1,reg3=5,reg4=7', 'in_port=1',
  ]),
  c('tun_id', ['priority=10,tun_id=0x5,actions=2', 'priority=5,tun_id=0x100/0xf00,actions=3', 'priority=0,actions=drop'], [
    'in_port=1,tun_id=0x5', 'in_port=1,tun_id=0x123', 'in_port=1,tun_id=0x4', 'in_port=1',
  ]),
  c('vlan_tci', ['priority=10,vlan_tci=0x1005/0x1fff,actions=2', 'priority=5,vlan_tci=0x1000/0x1000,actions=3', 'priority=4,vlan_tci=0,actions=1', 'priority=0,actions=drop'], [
    'in_port=1,vlan_tci=0x1005', 'in_port=1,vlan_tci=0xb005', 'in_port=1,vlan_tci=0x1006', 'in_port=1', 'in_port=1,vlan_tci=0x0005',
  ]),
  c('dl_vlan', ['priority=10,dl_vlan=10,actions=2', 'priority=0,actions=1'], [
    'in_port=1,dl_vlan=10', 'in_port=1,dl_vlan=11', 'in_port=1', 'in_port=1,vlan_tci=0x600a',
  ]),
  c('dl_vlan_pcp', ['priority=10,dl_vlan_pcp=5,actions=2', 'priority=0,actions=1'], [
    'in_port=1,vlan_tci=0xb001', 'in_port=1,vlan_tci=0xa001', 'in_port=1,vlan_tci=0x9001', 'in_port=1',
  ]),
  c('vlan_vid', ['priority=10,vlan_vid=0x1064,actions=2', 'priority=5,vlan_vid=0x1000/0x1000,actions=3', 'priority=0,actions=1'], [
    'in_port=1,dl_vlan=100', 'in_port=1,dl_vlan=101', 'in_port=1',
  ]),
  c('vlan_pcp', ['priority=10,vlan_pcp=3,actions=2', 'priority=0,actions=1'], [
    'in_port=1,vlan_tci=0x7064', 'in_port=1,vlan_tci=0x5064', 'in_port=1',
  ]),
  c('dl_src', ['priority=10,dl_src=00:00:00:00:00:01,actions=2', 'priority=5,dl_src=50:54:00:00:00:00/ff:ff:ff:00:00:00,actions=3', 'priority=4,dl_src=01:00:00:00:00:00/01:00:00:00:00:00,actions=LOCAL', 'priority=0,actions=1'], [
    'in_port=1,dl_src=00:00:00:00:00:01', 'in_port=1,dl_src=50:54:00:12:34:56', 'in_port=1,dl_src=ff:ff:ff:ff:ff:ff', 'in_port=1,dl_src=00:00:00:00:00:02',
  ]),
  c('dl_dst', ['priority=10,dl_dst=00:00:00:00:00:01,actions=2', 'priority=5,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=3', 'priority=0,actions=1'], [
    'in_port=1,dl_dst=00:00:00:00:00:01', 'in_port=1,dl_dst=01:00:5e:00:00:01', 'in_port=1,dl_dst=00:00:00:00:00:03',
  ]),
  c('dl_type', ['priority=10,dl_type=0x0800,actions=2', 'priority=10,dl_type=0x88cc,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ip', 'in_port=1,dl_type=0x88cc', 'in_port=1,arp', 'in_port=1,ipv6',
  ]),
  c('nw_src', [
    'priority=30,ip,nw_src=10.0.0.1,actions=2', 'priority=20,ip,nw_src=10.0.0.0/8,actions=3',
    'priority=10,ip,nw_src=192.168.0.0/255.255.0.255,actions=LOCAL', 'priority=0,actions=1',
  ], [
    'in_port=1,ip,nw_src=10.0.0.1', 'in_port=1,ip,nw_src=10.1.2.3', 'in_port=1,ip,nw_src=11.0.0.1', 'in_port=1,ip,nw_src=192.168.7.0',
    'in_port=1,ip,nw_src=192.168.7.1', 'in_port=1,tcp,nw_src=10.0.0.1',
  ]),
  c('nw_dst', ['priority=20,ip,nw_dst=192.168.1.0/24,actions=2', 'priority=10,ip,nw_dst=192.168.0.0/16,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ip,nw_dst=192.168.1.7', 'in_port=1,ip,nw_dst=192.168.2.7', 'in_port=1,ip,nw_dst=192.169.1.7', 'in_port=1,udp,nw_dst=192.168.1.1',
  ]),
  c('ipv6_src', ['priority=20,ipv6,ipv6_src=2001:db8::1,actions=2', 'priority=10,ipv6,ipv6_src=2001:db8::/32,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ipv6,ipv6_src=2001:db8::1', 'in_port=1,ipv6,ipv6_src=2001:db8:1::1', 'in_port=1,ipv6,ipv6_src=2001:db9::1', 'in_port=1,tcp6,ipv6_src=2001:db8::2',
  ]),
  c('ipv6_dst', ['priority=20,ipv6,ipv6_dst=fe80::/10,actions=2', 'priority=10,ipv6,ipv6_dst=ff02::1,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ipv6,ipv6_dst=fe80::1', 'in_port=1,ipv6,ipv6_dst=ff02::1', 'in_port=1,ipv6,ipv6_dst=fec0::1', 'in_port=1,ipv6',
  ]),
  c('ipv6_label', ['priority=20,ipv6,ipv6_label=0x12345,actions=2', 'priority=10,ipv6,ipv6_label=0x10000/0xf0000,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ipv6,ipv6_label=0x12345', 'in_port=1,ipv6,ipv6_label=0x1ffff', 'in_port=1,ipv6,ipv6_label=0x2',
  ]),
  c('nw_proto', ['priority=20,ip,nw_proto=6,actions=2', 'priority=20,ipv6,nw_proto=17,actions=3', 'priority=0,actions=1'], [
    'in_port=1,tcp', 'in_port=1,udp', 'in_port=1,udp6', 'in_port=1,tcp6', 'in_port=1,ip,nw_proto=99',
  ]),
  c('nw_tos', ['priority=20,ip,nw_tos=32,actions=2', 'priority=10,ipv6,ip_dscp=10,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ip,nw_tos=32', 'in_port=1,ip,nw_tos=36', 'in_port=1,ip,nw_tos=32,nw_ecn=3', 'in_port=1,ipv6,nw_tos=40', 'in_port=1,ipv6',
  ]),
  c('nw_ecn', ['priority=20,ip,nw_ecn=3,actions=2', 'priority=10,ipv6,nw_ecn=1,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ip,nw_ecn=3', 'in_port=1,ip,nw_ecn=2', 'in_port=1,ipv6,nw_ecn=1', 'in_port=1,ipv6,nw_tos=4',
  ]),
  c('nw_ttl', ['priority=20,ip,nw_ttl=1,actions=2', 'priority=10,ipv6,nw_ttl=255,actions=3', 'priority=0,actions=1'], [
    'in_port=1,ip,nw_ttl=1', 'in_port=1,ip,nw_ttl=64', 'in_port=1,ipv6,nw_ttl=255', 'in_port=1,ipv6,nw_ttl=0',
  ]),
  c('ip_frag', [
    'priority=50,ip,ip_frag=later,actions=LOCAL', 'priority=40,ip,ip_frag=first,actions=2', 'priority=30,ipv6,ip_frag=yes,actions=3',
    'priority=20,ip,nw_frag=not_later,actions=1', 'priority=10,ipv6,ip_frag=no,actions=2', 'priority=0,actions=drop',
  ], [
    'in_port=1,ip,nw_frag=later', 'in_port=1,ip,nw_frag=first', 'in_port=1,ip', 'in_port=1,ipv6,nw_frag=first', 'in_port=1,ipv6,nw_frag=later',
    'in_port=1,ipv6', 'in_port=1,udp,nw_frag=later',
  ]),
  c('tp_src', ['priority=20,tcp,tp_src=80,actions=2', 'priority=10,udp,tp_src=0x400/0xfc00,actions=3', 'priority=5,sctp,sctp_src=7,actions=LOCAL', 'priority=0,actions=1'], [
    'in_port=1,tcp,tcp_src=80', 'in_port=1,tcp,tcp_src=81', 'in_port=1,udp,udp_src=1025', 'in_port=1,udp,udp_src=2048', 'in_port=1,sctp,sctp_src=7',
  ]),
  c('tp_dst', [
    'priority=20,tcp,tp_dst=443,actions=2', 'priority=15,tcp6,tcp_dst=0x50/0xfff0,actions=3', 'priority=10,udp6,udp_dst=53,actions=LOCAL',
    'priority=5,sctp6,sctp_dst=9,actions=2', 'priority=0,actions=1',
  ], [
    'in_port=1,tcp,tcp_dst=443', 'in_port=1,tcp,tcp_dst=444', 'in_port=1,tcp6,tcp_dst=88', 'in_port=1,tcp6,tcp_dst=96', 'in_port=1,udp6,udp_dst=53',
    'in_port=1,sctp6,sctp_dst=9',
  ]),
  c('tcp_flags', ['priority=20,tcp,tcp_flags=+syn-ack,actions=2', 'priority=10,tcp6,tcp_flags=0x004/0x004,actions=3', 'priority=0,actions=1'], [
    'in_port=1,tcp,tcp_flags=0x002', 'in_port=1,tcp,tcp_flags=0x012', 'in_port=1,tcp6,tcp_flags=0x014', 'in_port=1,tcp6',
  ]),
  c('arp_op', ['priority=20,arp,arp_op=1,actions=2', 'priority=10,arp,arp_op=2,actions=3', 'priority=0,actions=1'], [
    'in_port=1,arp,arp_op=1', 'in_port=1,arp,arp_op=2', 'in_port=1,arp,arp_op=3',
  ]),
  c('arp_spa', ['priority=20,arp,arp_spa=10.0.0.1,actions=2', 'priority=10,arp,arp_spa=10.0.0.0/24,actions=3', 'priority=0,actions=1'], [
    'in_port=1,arp,arp_spa=10.0.0.1', 'in_port=1,arp,arp_spa=10.0.0.2', 'in_port=1,arp,arp_spa=10.0.1.1',
  ]),
  c('arp_tpa', ['priority=20,arp,arp_tpa=192.168.0.0/16,actions=2', 'priority=0,actions=1'], [
    'in_port=1,arp,arp_tpa=192.168.5.5', 'in_port=1,arp,arp_tpa=192.169.5.5',
  ]),
  c('arp_sha', ['priority=20,arp,arp_sha=00:00:00:00:00:01,actions=2', 'priority=10,arp,arp_sha=52:54:00:00:00:00/ff:ff:ff:00:00:00,actions=3', 'priority=0,actions=1'], [
    'in_port=1,arp,arp_sha=00:00:00:00:00:01', 'in_port=1,arp,arp_sha=52:54:00:01:02:03', 'in_port=1,arp,arp_sha=52:55:00:01:02:03',
  ]),
  c('arp_tha', ['priority=20,arp,arp_tha=ff:ff:ff:ff:ff:ff,actions=2', 'priority=0,actions=1'], [
    'in_port=1,arp,arp_tha=ff:ff:ff:ff:ff:ff', 'in_port=1,arp,arp_tha=00:00:00:00:00:00',
  ]),
  c('icmp_type/code', ['priority=20,icmp,icmp_type=8,icmp_code=0,actions=2', 'priority=10,icmp,icmp_type=3,actions=3', 'priority=0,actions=1'], [
    'in_port=1,icmp,icmp_type=8,icmp_code=0', 'in_port=1,icmp,icmp_type=8,icmp_code=1', 'in_port=1,icmp,icmp_type=3,icmp_code=3', 'in_port=1,icmp',
  ]),
  c('icmpv6_type/code', ['priority=20,icmp6,icmpv6_type=128,actions=2', 'priority=10,icmp6,icmpv6_type=1,icmpv6_code=4,actions=3', 'priority=0,actions=1'], [
    'in_port=1,icmp6,icmpv6_type=128', 'in_port=1,icmp6,icmpv6_type=129', 'in_port=1,icmp6,icmpv6_type=1,icmpv6_code=4', 'in_port=1,icmp6,icmpv6_type=1,icmpv6_code=3',
  ]),
  c('nd_target', [
    'priority=20,icmp6,icmpv6_type=135,icmpv6_code=0,nd_target=2001:db8::1,actions=2',
    'priority=10,icmp6,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db8::/64,actions=3', 'priority=0,actions=1',
  ], [
    'in_port=1,icmp6,icmpv6_type=135,icmpv6_code=0,nd_target=2001:db8::1', 'in_port=1,icmp6,icmpv6_type=135,icmpv6_code=0,nd_target=2001:db8::2',
    'in_port=1,icmp6,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db8::5', 'in_port=1,icmp6,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db9::5',
  ]),
  c('nd_sll/nd_tll', [
    'priority=20,icmp6,icmpv6_type=135,icmpv6_code=0,nd_sll=00:00:00:00:00:01,actions=2',
    'priority=10,icmp6,icmpv6_type=136,icmpv6_code=0,nd_tll=52:54:00:00:00:00/ff:ff:ff:00:00:00,actions=3', 'priority=0,actions=1',
  ], [
    'in_port=1,icmp6,icmpv6_type=135,icmpv6_code=0,nd_sll=00:00:00:00:00:01', 'in_port=1,icmp6,icmpv6_type=135,icmpv6_code=0,nd_sll=00:00:00:00:00:02',
    'in_port=1,icmp6,icmpv6_type=136,icmpv6_code=0,nd_tll=52:54:00:aa:bb:cc', 'in_port=1,icmp6,icmpv6_type=136,icmpv6_code=0',
  ]),
  c('priorities and overlap', [
    'priority=100,tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=2', 'priority=90,tcp,nw_src=10.1.0.0/16,actions=3', 'priority=80,ip,actions=LOCAL',
    'priority=70,actions=1',
  ], [
    'in_port=1,tcp,nw_src=10.1.0.1,tp_dst=80', 'in_port=1,tcp,nw_src=10.1.0.1,tp_dst=81', 'in_port=1,tcp,nw_src=10.2.0.1,tp_dst=81',
    'in_port=1,udp,nw_src=10.1.0.1', 'in_port=1,arp',
  ]),
  // OVS accepts these, quietly dropping what the match cannot use (no L4 without a protocol).
  c('normalized matches', ['priority=10,tp_dst=80,actions=2', 'priority=5,ip,nw_tos=3,actions=3', 'priority=0,actions=1'], [
    'in_port=1,tcp,tp_dst=80', 'in_port=1,udp', 'in_port=1,ip,nw_tos=0', 'in_port=1,ip,nw_tos=4', 'in_port=1,arp',
  ]),
  c('table miss', ['table=0,priority=10,tcp,actions=goto_table:1', 'table=1,priority=10,tp_dst=80,tcp,actions=2'], [
    'in_port=1,tcp,tp_dst=80', 'in_port=1,tcp,tp_dst=81', 'in_port=1,udp',
  ]),
];

export const ACTION_CASES: HandCase[] = [
  c('output', ['priority=10,in_port=1,actions=output:2', 'priority=10,in_port=2,actions=3,1', 'priority=10,in_port=3,actions=output:3', 'priority=0,actions=output:9'], [
    'in_port=1', 'in_port=2', 'in_port=3', 'in_port=LOCAL',
  ]),
  c('in_port', ['priority=10,in_port=1,actions=in_port', 'priority=10,in_port=2,actions=output:in_port,1', 'priority=0,actions=IN_PORT'], [
    'in_port=1', 'in_port=2', 'in_port=3', 'in_port=LOCAL',
  ]),
  c('LOCAL', ['priority=10,in_port=1,actions=LOCAL', 'priority=0,actions=output:LOCAL,2'], ['in_port=1', 'in_port=2', 'in_port=LOCAL']),
  c('NORMAL', ['actions=NORMAL'], [
    'in_port=1,dl_dst=ff:ff:ff:ff:ff:ff', 'in_port=2,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02', 'in_port=1,dl_vlan=5', 'in_port=LOCAL,tcp',
    'in_port=3,dl_src=01:00:00:00:00:01',
  ]),
  c('FLOOD', ['actions=FLOOD'], ['in_port=1', 'in_port=2,tcp', 'in_port=LOCAL']),
  c('ALL', ['actions=ALL'], ['in_port=1', 'in_port=3,udp', 'in_port=LOCAL']),
  c('CONTROLLER', ['priority=10,in_port=1,actions=CONTROLLER', 'priority=10,in_port=2,actions=CONTROLLER:128', 'priority=0,actions=CONTROLLER:0,3'], [
    'in_port=1', 'in_port=2,tcp', 'in_port=3',
  ]),
  c('controller()', [
    'priority=10,in_port=1,actions=controller(max_len=64)', 'priority=10,in_port=2,actions=controller(reason=no_match,id=3)',
    'priority=0,actions=controller(userdata=01.02.03),2',
  ], ['in_port=1', 'in_port=2', 'in_port=3']),
  c('drop', ['priority=10,tcp,actions=drop', 'priority=0,actions=2'], ['in_port=1,tcp', 'in_port=1,udp']),
  c('goto_table', [
    'table=0,priority=10,ip,actions=goto_table:2', 'table=0,priority=0,actions=goto_table:1', 'table=1,actions=2',
    'table=2,priority=10,nw_dst=10.0.0.0/8,ip,actions=3', 'table=2,priority=0,actions=LOCAL',
  ], ['in_port=1,ip,nw_dst=10.1.1.1', 'in_port=1,ip,nw_dst=11.1.1.1', 'in_port=1,arp']),
  c('resubmit', [
    'table=0,priority=10,in_port=1,actions=resubmit(,1),resubmit(,2)', 'table=0,priority=10,in_port=2,actions=resubmit(3,1)',
    'table=1,priority=10,in_port=3,actions=LOCAL', 'table=1,priority=0,actions=3', 'table=2,actions=2',
  ], ['in_port=1', 'in_port=2', 'in_port=3'], { version: 'OpenFlow10' }),
  c('set_field', [
    'priority=10,tcp,actions=set_field:10.0.0.9->ip_src,set_field:8080->tcp_dst,set_field:00:00:00:00:00:09->eth_dst,2',
    'priority=10,ipv6,actions=set_field:2001:db8::9->ipv6_dst,set_field:7->nw_ttl,2',
    'priority=5,arp,actions=set_field:2->arp_op,set_field:10.0.0.7->arp_tpa,2', 'priority=0,actions=set_field:0x5->reg0,set_field:0x7->metadata,3',
  ], ['in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80', 'in_port=1,tcp,nw_src=10.0.0.9,tp_dst=8080', 'in_port=1,ipv6', 'in_port=1,arp', 'in_port=1']),
  c('load', ['table=0,actions=load:0x5->NXM_NX_REG0[0..3],load:0x1->NXM_NX_REG1[31],load:0xab->reg2[],goto_table:1',
    'table=1,priority=10,reg0=5,reg1=0x80000000,reg2=0xab,actions=2', 'table=1,priority=0,actions=3',
  ], ['in_port=1', 'in_port=1,reg0=0xf0']),
  c('move', [
    'table=0,actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],move:NXM_OF_IN_PORT[]->reg0[0..15],goto_table:1',
    'table=1,priority=10,reg0=1,actions=2', 'table=1,priority=0,actions=3',
  ], ['in_port=1,dl_src=00:00:00:00:00:01', 'in_port=2,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:01']),
  c('mod_dl_src/dst', ['priority=10,actions=mod_dl_src:00:00:00:00:00:aa,mod_dl_dst:00:00:00:00:00:bb,2'], [
    'in_port=1', 'in_port=1,dl_src=00:00:00:00:00:aa,dl_dst=00:00:00:00:00:bb',
  ]),
  c('mod_nw_src/dst', ['priority=10,ip,actions=mod_nw_src:10.0.0.1,mod_nw_dst:10.0.0.2,2', 'priority=0,actions=3'], [
    'in_port=1,ip,nw_src=1.1.1.1', 'in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2', 'in_port=1,arp',
  ]),
  c('mod_nw_tos/ecn', ['priority=10,ip,actions=mod_nw_tos:16,2', 'priority=10,ipv6,actions=mod_nw_ecn:2,2', 'priority=0,actions=3'], [
    'in_port=1,ip', 'in_port=1,ip,nw_tos=16', 'in_port=1,ipv6,nw_ecn=1', 'in_port=1,ipv6,nw_ecn=2',
  ]),
  c('mod_tp_src/dst', ['priority=10,tcp,actions=mod_tp_src:1000,2', 'priority=10,udp6,actions=mod_tp_dst:53,2', 'priority=0,actions=3'], [
    'in_port=1,tcp,tp_src=5', 'in_port=1,udp6,udp_dst=5', 'in_port=1,udp6,udp_dst=53',
  ]),
  c('mod_vlan_vid/pcp', ['priority=10,in_port=1,actions=mod_vlan_vid:10,2', 'priority=10,in_port=2,actions=mod_vlan_pcp:5,3', 'priority=0,actions=1'], [
    'in_port=1', 'in_port=1,dl_vlan=5', 'in_port=2', 'in_port=2,vlan_tci=0x1005', 'in_port=3',
  ]),
  c('strip_vlan/pop_vlan', ['priority=10,dl_vlan=5,actions=strip_vlan,2', 'priority=10,vlan_tci=0x1000/0x1000,actions=pop_vlan,3', 'priority=0,actions=1'], [
    'in_port=1,dl_vlan=5', 'in_port=1,dl_vlan=6', 'in_port=1',
  ]),
  c('push_vlan', ['priority=10,in_port=1,actions=push_vlan:0x8100,set_field:4106->vlan_vid,2', 'priority=10,in_port=2,actions=push_vlan:0x88a8,3', 'priority=0,actions=1'], [
    'in_port=1', 'in_port=1,dl_vlan=7', 'in_port=2', 'in_port=3',
  ]),
  c('dec_ttl', ['priority=10,ip,actions=dec_ttl,2', 'priority=10,ipv6,actions=dec_ttl,3', 'priority=0,actions=1'], [
    'in_port=1,ip,nw_ttl=64', 'in_port=1,ip,nw_ttl=1', 'in_port=1,ip,nw_ttl=0', 'in_port=1,ipv6,nw_ttl=2', 'in_port=1,ipv6,nw_ttl=1',
  ]),
  c('write_metadata', [
    'table=0,actions=write_metadata:0x5/0xff,goto_table:1', 'table=1,priority=10,metadata=0x5/0xff,actions=2', 'table=1,priority=0,actions=3',
  ], ['in_port=1', 'in_port=1,metadata=0x100', 'in_port=1,metadata=0x7']),
  c('clear_actions/write_actions', [
    'table=0,priority=10,in_port=1,actions=write_actions(output:2),goto_table:1', 'table=0,priority=10,in_port=2,actions=write_actions(output:3),goto_table:2',
    'table=1,actions=clear_actions,write_actions(set_field:00:00:00:00:00:01->eth_dst,output:LOCAL)', 'table=2,actions=1',
    'table=0,priority=0,actions=write_actions(CONTROLLER)',
  ], ['in_port=1', 'in_port=2', 'in_port=3']),
  c('note', ['priority=10,actions=note:01.02.03,2,note:aa'], ['in_port=1', 'in_port=2']),
];

/** Flows OVS refuses (with -O OpenFlow15): ovsim must refuse each of them too. */
export const REJECTED_FLOWS: readonly string[] = [
  'actions=frobnicate',
  'nosuchfield=1,actions=drop',
  'table=2,actions=goto_table:1',
  'ip,actions=mod_tp_dst:5,output:3',
  'actions=set_field:4101->vlan_vid,output:1',
  'actions=strip_vlan',
  'actions=dec_ttl,output:1',
  'tcp,actions=set_field:10.0.0.1->ipv6_src',
  'udp,ip_frag=later,tp_dst=5,actions=drop',
  'ipv6,ipv6_dst=5d00::/5d09:d7c0::,actions=drop',
  'actions=push_vlan:0x8100,push_vlan:0x8100,push_vlan:0x8100,output:1',
  'actions=write_actions(controller(userdata=01.02))',
  'actions=output:1,goto_table:0',
  'priority=70000,actions=drop',
  'in_port=1/0xff,actions=drop',
];
