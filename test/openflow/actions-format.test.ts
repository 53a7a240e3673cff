import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../sim/flow/fields.js';
import { OFPP } from '../../sim/flow/layout.js';
import { portMapOf } from '../../sim/flow/ports.js';
import { formatActionForTrace, formatActions } from '../../sim/openflow/actions-format.js';
import type { Ofpact } from '../../sim/openflow/ofpact.js';

describe('formatActions', () => {
  it('prints an empty list as drop', () => {
    expect(formatActions([])).toBe('drop');
  });

  it('prints reserved ports without output: and CONTROLLER with its length', () => {
    const a: Ofpact[] = [
      { type: 'output', port: 2, maxLen: 0 },
      { type: 'output', port: OFPP.NORMAL, maxLen: 0 },
      { type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff },
    ];
    expect(formatActions(a)).toBe('output:2,NORMAL,CONTROLLER:65535');
    expect(formatActions(a.slice(0, 1), { ports: portMapOf([['p2', 2]]) })).toBe('output:p2');
  });

  it('prints set_field values by field format, loads by subfield', () => {
    const reg0 = fieldByName('reg0')!;
    expect(formatActions([{ type: 'set_field', field: reg0, value: 5n, mask: 0xffffn, raw: 'set_field' }])).toBe('set_field:0x5/0xffff->reg0');
    expect(formatActions([{ type: 'set_field', field: reg0, value: 5n << 16n, mask: 0xffffn << 16n, raw: 'load' }])).toBe('load:0x5->NXM_NX_REG0[16..31]');
    const vid = fieldByName('vlan_vid')!;
    expect(formatActions([{ type: 'set_field', field: vid, value: 4106n, mask: 0x1fffn, raw: 'set_field' }])).toBe('set_field:4106->vlan_vid');
  });

  it('prints one action per trace line as ofproto/trace does', () => {
    // Lines under "0. icmp, priority 8" in a real ofproto/trace (flow installed with OpenFlow 1.0).
    const ttl = fieldByName('nw_ttl')!;
    expect(formatActionForTrace({ type: 'set_ipv4_src', ip: 0x01020304 })).toBe('mod_nw_src:1.2.3.4');
    expect(formatActionForTrace({ type: 'set_field', field: ttl, value: 3n, mask: 0xffn, raw: 'load' })).toBe('load:0x3->NXM_NX_IP_TTL[]');
    expect(formatActionForTrace({ type: 'output', port: OFPP.CONTROLLER, maxLen: 100 })).toBe('CONTROLLER:100');
    expect(formatActionForTrace({ type: 'controller', maxLen: 0xffff, controllerId: 3, reason: 'no_match', pause: false })).toBe('controller(reason=no_match,id=3)');
    expect(formatActionForTrace({ type: 'dec_ttl', controllerIds: [0] })).toBe('dec_ttl');
    expect(formatActionForTrace({ type: 'dec_ttl', controllerIds: [1, 2] })).toBe('dec_ttl(1,2)');
    expect(formatActionForTrace({ type: 'goto_table', table: 1 })).toBe('goto_table:1');
    expect(formatActionForTrace({ type: 'resubmit', inPort: OFPP.IN_PORT, table: 1 })).toBe('resubmit(,1)');
  });
});
