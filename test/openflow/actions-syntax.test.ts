/**
 * Expected strings come from real OVS 3.1: `ovs-ofctl -O VERSION parse-flow`, and flows
 * installed through the oracle and printed by ofproto/trace.
 */
import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../sim/flow/fields.js';
import { OFPP } from '../../sim/flow/layout.js';
import { parseMatch } from '../../sim/flow/match-syntax.js';
import { FlowSyntaxError } from '../../sim/flow/syntax-error.js';
import { formatActions } from '../../sim/openflow/actions-format.js';
import { parseActions, transcodeActions } from '../../sim/openflow/actions-syntax.js';
import { OF_VERSIONS, type OfVersion } from '../../sim/openflow/version.js';

const fmt = (text: string, match: string, version: OfVersion): string =>
  formatActions(parseActions(text, { version, match: parseMatch(match) }));

describe('parseActions across OpenFlow versions', () => {
  const ipActions = 'mod_nw_src:1.2.3.4,mod_dl_src:00:11:22:33:44:55,mod_vlan_vid:10,strip_vlan,load:0x5->reg0[0..15],goto_table:1';
  const expected: Record<OfVersion, string> = {
    OpenFlow10: 'mod_nw_src:1.2.3.4,mod_dl_src:00:11:22:33:44:55,mod_vlan_vid:10,strip_vlan,load:0x5->NXM_NX_REG0[0..15],resubmit(,1)',
    OpenFlow11: 'mod_nw_src:1.2.3.4,mod_dl_src:00:11:22:33:44:55,push_vlan:0x8100,set_vlan_vid:10,pop_vlan,load:0x5->NXM_NX_REG0[0..15],goto_table:1',
    OpenFlow12: 'set_field:1.2.3.4->ip_src,set_field:00:11:22:33:44:55->eth_src,push_vlan:0x8100,set_field:4106->vlan_vid,pop_vlan,load:0x5->NXM_NX_REG0[0..15],goto_table:1',
    OpenFlow13: 'set_field:1.2.3.4->ip_src,set_field:00:11:22:33:44:55->eth_src,push_vlan:0x8100,set_field:4106->vlan_vid,pop_vlan,load:0x5->NXM_NX_REG0[0..15],goto_table:1',
    OpenFlow14: 'set_field:1.2.3.4->ip_src,set_field:00:11:22:33:44:55->eth_src,push_vlan:0x8100,set_field:4106->vlan_vid,pop_vlan,load:0x5->NXM_NX_REG0[0..15],goto_table:1',
    OpenFlow15: 'set_field:1.2.3.4->ip_src,set_field:00:11:22:33:44:55->eth_src,push_vlan:0x8100,set_field:4106->vlan_vid,pop_vlan,set_field:0x5/0xffff->reg0,goto_table:1',
  };
  for (const v of OF_VERSIONS) {
    it(`converts IP rewrites, VLAN and goto_table under ${v}`, () => {
      expect(fmt(ipActions, 'ip', v)).toBe(expected[v]);
    });
  }

  it('converts the legacy set actions on a TCP flow', () => {
    const a = 'mod_dl_src:00:11:22:33:44:55,mod_dl_dst:00:11:22:33:44:66,mod_nw_dst:1.1.1.1,mod_nw_tos:16,mod_nw_ecn:2,mod_nw_ttl:9,mod_tp_src:1,mod_tp_dst:2';
    expect(fmt(a, 'tcp', 'OpenFlow10')).toBe(
      'mod_dl_src:00:11:22:33:44:55,mod_dl_dst:00:11:22:33:44:66,mod_nw_dst:1.1.1.1,mod_nw_tos:16,load:0x2->NXM_NX_IP_ECN[],load:0x9->NXM_NX_IP_TTL[],mod_tp_src:1,mod_tp_dst:2',
    );
    expect(fmt(a, 'tcp', 'OpenFlow11')).toBe(
      'mod_dl_src:00:11:22:33:44:55,mod_dl_dst:00:11:22:33:44:66,mod_nw_dst:1.1.1.1,mod_nw_tos:16,mod_nw_ecn:2,mod_nw_ttl:9,mod_tp_src:1,mod_tp_dst:2',
    );
    expect(fmt(a, 'tcp', 'OpenFlow13')).toBe(
      'set_field:00:11:22:33:44:55->eth_src,set_field:00:11:22:33:44:66->eth_dst,set_field:1.1.1.1->ip_dst,set_field:4->ip_dscp,set_field:2->nw_ecn,mod_nw_ttl:9,set_field:1->tcp_src,set_field:2->tcp_dst',
    );
  });

  it('keeps a tagged flow from pushing a second tag', () => {
    expect(fmt('mod_vlan_vid:10,mod_vlan_pcp:3', 'dl_vlan=5', 'OpenFlow10')).toBe('mod_vlan_vid:10,mod_vlan_pcp:3');
    expect(fmt('mod_vlan_vid:10,mod_vlan_pcp:3', 'dl_vlan=5', 'OpenFlow11')).toBe('set_vlan_vid:10,set_vlan_pcp:3');
    expect(fmt('mod_vlan_vid:10,mod_vlan_pcp:3', 'dl_vlan=5', 'OpenFlow13')).toBe('set_field:4106->vlan_vid,set_field:3->vlan_pcp');
  });

  it('splits set_field into loads where the version needs it', () => {
    const a = 'set_field:5->reg0,set_field:0x5/0xf->reg1,set_field:7->tun_id,set_field:3->metadata';
    expect(fmt(a, '', 'OpenFlow10')).toBe('load:0x5->NXM_NX_REG0[],load:0x5->NXM_NX_REG1[0..3],load:0x7->NXM_NX_TUN_ID[],load:0x3->OXM_OF_METADATA[]');
    expect(fmt(a, '', 'OpenFlow13')).toBe('set_field:0x5->reg0,load:0x5->NXM_NX_REG1[0..3],set_field:0x7->tun_id,set_field:0x3->metadata');
    expect(fmt(a, '', 'OpenFlow15')).toBe('set_field:0x5->reg0,set_field:0x5/0xf->reg1,set_field:0x7->tun_id,set_field:0x3->metadata');
    expect(fmt('set_field:::1->ipv6_src,set_field:9->nw_ttl', 'ipv6', 'OpenFlow10')).toBe(
      'load:0x1->NXM_NX_IPV6_SRC[0..63],load:0->NXM_NX_IPV6_SRC[64..127],load:0x9->NXM_NX_IP_TTL[]',
    );
    expect(fmt('set_field:1.2.3.4/255.255.0.0->ip_src', 'ip', 'OpenFlow13')).toBe('load:0x102->NXM_OF_IP_SRC[16..31]');
    expect(fmt('set_field:1.2.3.4/255.255.0.0->ip_src', 'ip', 'OpenFlow10')).toBe('mod_nw_src:1.2.3.4');
  });

  it('maps set_field back to legacy actions under OpenFlow 1.0/1.1', () => {
    expect(fmt('set_field:0x1005->vlan_tci', '', 'OpenFlow10')).toBe('mod_vlan_vid:5,mod_vlan_pcp:0');
    expect(fmt('set_field:0x1005->vlan_tci', '', 'OpenFlow11')).toBe('push_vlan:0x8100,set_vlan_vid:5,set_vlan_pcp:0');
    expect(fmt('set_field:0x1005->vlan_tci', '', 'OpenFlow13')).toBe('set_field:0x1005->vlan_tci');
    expect(fmt('set_field:0->vlan_tci', '', 'OpenFlow10')).toBe('strip_vlan');
    expect(fmt('set_field:16->nw_tos,set_field:3->ip_dscp', 'ip', 'OpenFlow10')).toBe('mod_nw_tos:16,mod_nw_tos:12');
    expect(fmt('set_field:7->sctp_src,mod_tp_dst:8', 'sctp', 'OpenFlow10')).toBe('load:0x7->OXM_OF_SCTP_SRC[],mod_tp_dst:8');
    expect(fmt('set_field:7->sctp_src,mod_tp_dst:8', 'sctp', 'OpenFlow12')).toBe('set_field:7->sctp_src,set_field:8->sctp_dst');
    expect(fmt('set_field:1->in_port,set_field:LOCAL->in_port,set_field:0x10->pkt_mark', '', 'OpenFlow10')).toBe(
      'load:0x1->NXM_OF_IN_PORT[],load:0xfffe->NXM_OF_IN_PORT[],load:0x10->NXM_NX_PKT_MARK[]',
    );
    expect(fmt('set_field:1->in_port,set_field:LOCAL->in_port', '', 'OpenFlow13')).toBe('set_field:1->in_port,set_field:LOCAL->in_port');
  });

  it('drops instructions OpenFlow 1.0 cannot carry', () => {
    expect(fmt('clear_actions', '', 'OpenFlow10')).toBe('drop');
    expect(fmt('write_actions(output:1)', '', 'OpenFlow10')).toBe('drop');
    expect(fmt('write_actions(output:1)', '', 'OpenFlow13')).toBe('write_actions(output:1)');
    expect(fmt('write_metadata:5', '', 'OpenFlow10')).toBe('write_metadata:0x5');
  });

  it('reads ports, controller, resubmit, move, dec_ttl and note', () => {
    expect(fmt('output:1,2,LOCAL,NORMAL,FLOOD,ALL,in_port,CONTROLLER,CONTROLLER:100', '', 'OpenFlow13')).toBe(
      'output:1,output:2,LOCAL,NORMAL,FLOOD,ALL,IN_PORT,CONTROLLER:65535,CONTROLLER:100',
    );
    expect(fmt('controller(reason=no_match,max_len=10,id=3,userdata=01.02,pause)', '', 'OpenFlow10')).toBe(
      'controller(reason=no_match,max_len=10,id=3,userdata=01.02,pause)',
    );
    expect(fmt('controller(id=0),controller(max_len=20)', '', 'OpenFlow10')).toBe('CONTROLLER:65535,CONTROLLER:20');
    expect(fmt('resubmit:3,resubmit(,2),resubmit(1,2),resubmit(IN_PORT,1)', '', 'OpenFlow10')).toBe('resubmit:3,resubmit(,2),resubmit(1,2),resubmit(,1)');
    expect(fmt('move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],move:reg0[0..15]->reg1[16..31],move:eth_src[0..7]->reg2[3..10]', '', 'OpenFlow15')).toBe(
      'move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],move:NXM_NX_REG0[0..15]->NXM_NX_REG1[16..31],move:NXM_OF_ETH_SRC[0..7]->NXM_NX_REG2[3..10]',
    );
    expect(fmt('dec_ttl,dec_ttl(1,2)', 'ip', 'OpenFlow13')).toBe('dec_ttl,dec_ttl(1,2)');
    expect(fmt('note:0102,note:,note:01020304050607', '', 'OpenFlow13')).toBe(
      'note:01.02.00.00.00.00,note:00.00.00.00.00.00,note:01.02.03.04.05.06.07.00.00.00.00.00.00.00',
    );
  });

  it('returns the decoded actions', () => {
    const a = parseActions('mod_nw_src:1.2.3.4,goto_table:1', { version: 'OpenFlow15', match: parseMatch('ip') });
    expect(a).toEqual([
      { type: 'set_field', field: fieldByName('ip_src'), value: 0x01020304n, mask: 0xffffffffn, raw: 'set_field' },
      { type: 'goto_table', table: 1 },
    ]);
    expect(parseActions('goto_table:3', { version: 'OpenFlow10', match: parseMatch('') })).toEqual([{ type: 'resubmit', inPort: OFPP.IN_PORT, table: 3 }]);
  });
});

describe('parseActions errors (ovs-ofctl wording)', () => {
  const err = (text: string, match = '', version: OfVersion = 'OpenFlow13'): string => {
    try {
      parseActions(text, { version, match: parseMatch(match) });
    } catch (e) {
      expect(e).toBeInstanceOf(FlowSyntaxError);
      return (e as Error).message;
    }
    throw new Error('expected an error');
  };
  it('reports what ovs-ofctl reports', () => {
    expect(err('foo')).toBe('unknown action foo');
    expect(err('output:2,goto_table:1,clear_actions')).toBe('invalid instruction ordering: clear_actions must appear before goto_table, for OpenFlow 1.1+ compatibility');
    expect(err('goto_table:1,goto_table:2')).toBe('duplicate goto_table instruction not allowed, for OpenFlow 1.1+ compatibility');
    expect(err('drop,1')).toBe('"drop" must not be accompanied by any other action or instruction');
    expect(err('apply_actions(1)')).toBe('apply_actions is the default instruction');
    expect(err('write_actions(goto_table:1)')).toBe('goto_table instruction not allowed here');
    expect(err('set_field:1.2.3.4->ip_src')).toMatch(/actions are invalid with specified match \(OFPBAC_MATCH_INCONSISTENT\)$/);
    expect(err('set_field:1->vlan_vid', 'ip')).toMatch(/\(OFPBAC_MATCH_INCONSISTENT\)$/);
    expect(err('set_field:9->tcp_flags', 'tcp')).toBe('tcp_flags is read-only');
    expect(err('set_field:1.2.3.4->foo')).toBe('foo is not a valid OXM field name');
    expect(err('set_field:1.2.3.4')).toBe("1.2.3.4: missing `->'");
    expect(err('load:0x1ff->reg0[0..7]')).toBe('0x1ff->reg0[0..7]: value 0x1ff does not fit into 8 bits');
    expect(err('move:reg0[0..7]->reg1[0..15]')).toBe('reg0[0..7]->reg1[0..15]: source field is 8 bits wide but destination is 16 bits wide');
    expect(err('mod_vlan_vid:5000')).toBe('5000: not a valid VLAN VID');
    expect(err('mod_nw_tos:3')).toBe('3: not a valid TOS');
    expect(err('mod_dl_src:zz')).toBe('invalid mac address zz');
    expect(err('note:0g')).toBe("bad hex digit in `note' argument");
    expect(err('controller(foo=1)')).toBe('unknown key "foo" parsing controller action');
    expect(err('push_vlan:0x1234')).toBe('0x1234: not a valid VLAN ethertype');
    expect(err('output:foo')).toBe('foo: output to unknown port');
    expect(err('resubmit(,)')).toBe('at least one "in_port" or "table" must be specified on resubmit');
    expect(err('output:NONE')).toBe('actions are invalid with specified match (OFPBAC_BAD_OUT_PORT)');
    expect(err('group:1')).toMatch(/not supported by ovsim/);
  });

  it('refuses what the chosen version cannot carry', () => {
    // Real add-flow: "none of the usable flow formats (OXM,OpenFlow11) is among the allowed flow formats (OpenFlow10,NXM)".
    expect(err('push_vlan:0x8100', '', 'OpenFlow10')).toBe(
      'none of the usable flow formats (OXM,OpenFlow11) is among the allowed flow formats (OpenFlow10,NXM)',
    );
    // mod_nw_src without an IP match is only "consistent" in OpenFlow 1.0.
    expect(err('mod_nw_src:1.2.3.4', '', 'OpenFlow13')).toBe(
      'none of the usable flow formats (OpenFlow10,NXM) is among the allowed flow formats (OXM-OpenFlow13)',
    );
    expect(err('set_field:5->reg0', '', 'OpenFlow11')).toBe('none of the usable flow formats (NXM,OXM) is among the allowed flow formats (OpenFlow11)');
    expect(fmt('mod_nw_src:1.2.3.4', '', 'OpenFlow10')).toBe('mod_nw_src:1.2.3.4');
  });
});

describe('transcodeActions', () => {
  it('re-encodes held actions for a dump in another version', () => {
    // Installed with OpenFlow 1.0, dumped with -O OpenFlow15 (oracle "installed" output).
    const held = parseActions('mod_nw_src:1.2.3.4,mod_nw_ttl:3,CONTROLLER:100,controller(reason=no_match,id=3),dec_ttl,dec_ttl(1,2),note:0102', {
      version: 'OpenFlow10',
      match: parseMatch('icmp'),
    });
    expect(formatActions(held)).toBe('mod_nw_src:1.2.3.4,load:0x3->NXM_NX_IP_TTL[],CONTROLLER:100,controller(reason=no_match,id=3),dec_ttl,dec_ttl(1,2),note:01.02.00.00.00.00');
    expect(formatActions(transcodeActions(held, { version: 'OpenFlow15', match: parseMatch('icmp') }))).toBe(
      'set_field:1.2.3.4->ip_src,set_field:3->nw_ttl,CONTROLLER:100,controller(reason=no_match,id=3),dec_ttl,dec_ttl(1,2),note:01.02.00.00.00.00',
    );
  });
});
