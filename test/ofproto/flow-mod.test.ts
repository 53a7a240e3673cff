import { describe, expect, it } from 'vitest';
import { Simulator } from '../../engine/simulator.js';
import { OFPP } from '../../sim/flow/layout.js';
import { formatFlowEntry } from '../../sim/openflow/flow-format.js';
import { applyFlowMod } from '../../sim/ofproto/flow-mod.js';
import { Bridge } from '../../sim/vswitchd/bridge.js';
import { flowMod, frame, MS, SEC } from './connmgr-helpers.js';

function setup(): { sim: Simulator; br: Bridge; sent: Uint8Array[] } {
  const sim = new Simulator();
  const br = new Bridge({ name: 'br0', ports: [1, 2, 3], cache: 'megaflow', scheduler: sim, random: () => 0.5 });
  const sent: Uint8Array[] = [];
  br.attach(2, { send: (f) => sent.push(f) });
  return { sim, br, sent };
}

function dump(br: Bridge): string[] {
  return [...br.ofproto.flows()].map((e) => formatFlowEntry(e).trim());
}

describe('flow-mod semantics', () => {
  it('add replaces an identical rule, keeping its counts unless reset_counts', () => {
    const { sim, br } = setup();
    applyFlowMod(br.ofproto, flowMod('priority=5,in_port=1,actions=output:2'));
    br.receive(1, frame(1, 2));
    sim.run({ until: 10 * MS });
    br.ofprotoDpif.pullStats();
    const first = [...br.ofproto.flows()][0]!;
    expect(br.ofproto.ruleStats.of(first).packets).toBe(1);
    let r = applyFlowMod(br.ofproto, flowMod('priority=5,in_port=1,actions=output:3'));
    expect(r).toMatchObject({ added: 0, modified: 1 });
    const second = [...br.ofproto.flows()][0]!;
    expect(br.ofproto.ruleStats.of(second).packets).toBe(1);
    r = applyFlowMod(br.ofproto, flowMod('priority=5,in_port=1,reset_counts,actions=output:2'));
    expect(br.ofproto.ruleStats.of([...br.ofproto.flows()][0]!).packets).toBe(0);
    expect(r.modified).toBe(1);
  });

  it('check_overlap refuses an overlapping rule of the same priority only', () => {
    const { br } = setup();
    applyFlowMod(br.ofproto, flowMod('priority=5,ip,nw_dst=10.0.0.1,actions=output:2'));
    expect(applyFlowMod(br.ofproto, flowMod('priority=5,ip,nw_dst=10.0.0.0/8,check_overlap,actions=drop')).error).toBe('OFPFMFC_OVERLAP');
    expect(applyFlowMod(br.ofproto, flowMod('priority=6,ip,nw_dst=10.0.0.0/8,check_overlap,actions=drop')).error).toBeUndefined();
    expect(applyFlowMod(br.ofproto, flowMod('priority=5,ip,nw_dst=11.0.0.0/8,check_overlap,actions=drop')).error).toBeUndefined();
    // The identical rule is replaced even with check_overlap, as OVS does.
    expect(applyFlowMod(br.ofproto, flowMod('priority=5,ip,nw_dst=10.0.0.1,check_overlap,actions=drop')).error).toBeUndefined();
  });

  it('modify changes actions of covered rules, keeps timeouts and cookie (OpenFlow 1.3), never adds', () => {
    const { br } = setup();
    applyFlowMod(br.ofproto, flowMod('priority=5,ip,nw_dst=10.0.0.1,idle_timeout=9,cookie=0x3,actions=output:2'));
    applyFlowMod(br.ofproto, flowMod('priority=6,ip,nw_dst=10.0.0.2,cookie=0x4,actions=output:2'));
    applyFlowMod(br.ofproto, flowMod('priority=7,arp,actions=output:2'));
    const r = applyFlowMod(br.ofproto, flowMod('ip,cookie=0x3,actions=output:3', { command: 'modify', cookieMask: 0xffn }));
    expect(r.modified).toBe(1);
    expect(dump(br)).toEqual([
      'priority=7,arp actions=output:2',
      'cookie=0x4, priority=6,ip,nw_dst=10.0.0.2 actions=output:2',
      'cookie=0x3, idle_timeout=9, priority=5,ip,nw_dst=10.0.0.1 actions=output:3',
    ]);
    expect(applyFlowMod(br.ofproto, flowMod('udp,actions=drop', { command: 'modify' }))).toMatchObject({ added: 0, modified: 0 });
    expect(applyFlowMod(br.ofproto, flowMod('priority=6,ip,actions=drop', { command: 'modify_strict' }))).toMatchObject({ modified: 0 });
    expect(applyFlowMod(br.ofproto, flowMod('priority=6,ip,nw_dst=10.0.0.2,actions=drop', { command: 'modify_strict' }))).toMatchObject({ modified: 1 });
  });

  it('an OpenFlow 1.0 modify that finds nothing adds, and sets the cookie', () => {
    const { br } = setup();
    const r = applyFlowMod(br.ofproto, flowMod('priority=5,udp,cookie=0x7,actions=output:2', { command: 'modify', version: 'OpenFlow10' }), { version: 'OpenFlow10' });
    expect(r.added).toBe(1);
    applyFlowMod(br.ofproto, flowMod('udp,cookie=0x8,actions=drop', { command: 'modify', version: 'OpenFlow10' }), { version: 'OpenFlow10' });
    expect(dump(br)).toEqual(['cookie=0x8, priority=5,udp actions=drop']);
  });

  it('delete filters by table, cookie mask and out_port; strict needs the exact match and priority', () => {
    const { br } = setup();
    for (const f of ['priority=5,in_port=1,cookie=0x11,actions=output:2', 'priority=5,in_port=2,cookie=0x12,actions=output:3', 'table=1,priority=5,in_port=1,cookie=0x21,actions=CONTROLLER:64', 'table=1,priority=6,cookie=0x22,actions=drop']) {
      applyFlowMod(br.ofproto, flowMod(f));
    }
    expect(applyFlowMod(br.ofproto, flowMod('in_port=1,actions=drop', { command: 'delete_strict' })).removed).toHaveLength(0);
    expect(applyFlowMod(br.ofproto, flowMod('actions=drop', { command: 'delete', outPort: OFPP.CONTROLLER })).removed.map((e) => e.cookie)).toEqual([0x21n]);
    expect(applyFlowMod(br.ofproto, flowMod('cookie=0x10,actions=drop', { command: 'delete', cookieMask: 0xf0n, outPort: 3 })).removed.map((e) => e.cookie)).toEqual([0x12n]);
    expect(applyFlowMod(br.ofproto, flowMod('priority=5,in_port=1,actions=drop', { command: 'delete_strict' })).removed.map((e) => e.cookie)).toEqual([0x11n]);
    expect(dump(br)).toEqual(['cookie=0x22, table=1, priority=6 actions=drop']);
  });

  it('refuses bad tables, backward goto_table and buffered packets', () => {
    const { br } = setup();
    expect(applyFlowMod(br.ofproto, { ...flowMod('actions=drop'), table: 255 }).error).toBe('OFPFMFC_BAD_TABLE_ID');
    expect(applyFlowMod(br.ofproto, { ...flowMod('actions=drop'), table: 254 }).error).toBe('OFPBRC_BAD_TABLE_ID');
    expect(applyFlowMod(br.ofproto, { ...flowMod('table=3,actions=drop'), actions: [{ type: 'goto_table', table: 2 }] }).error).toBe('OFPBIC_BAD_TABLE_ID');
    expect(applyFlowMod(br.ofproto, { ...flowMod('actions=drop'), bufferId: 5 }).error).toBe('OFPBRC_BUFFER_UNKNOWN');
    expect(dump(br)).toEqual([]);
  });
});

describe('packet-out execution in ofproto-dpif', () => {
  it('runs the given actions on the packet through the datapath, crediting rules reached by output:TABLE', () => {
    const { sim, br, sent } = setup();
    applyFlowMod(br.ofproto, flowMod('priority=5,in_port=1,actions=output:2'));
    const r = br.ofprotoDpif.executePacket(frame(1, 2), { inPort: 1, actions: [{ type: 'output', port: OFPP.TABLE, maxLen: 0 }] });
    expect(r.error).toBeNull();
    expect(sent).toHaveLength(1);
    expect(br.ofproto.ruleStats.of([...br.ofproto.flows()][0]!).packets).toBe(1);
    br.ofprotoDpif.executePacket(frame(1, 2), { inPort: OFPP.CONTROLLER, actions: [{ type: 'output', port: 2, maxLen: 0 }] });
    expect(sent).toHaveLength(2);
    sim.run({ until: SEC });
  });
});
