import { describe, expect, it } from 'vitest';
import { formatFlowEntry } from '../../../sim/openflow/flow-format.js';
import { entryFromFlowMod, type FlowMod } from '../../../sim/openflow/wire/index.js';
import { LearningSwitch } from '../../../sim/controller/index.js';
import { ethFrame } from '../frames.js';
import { addSwitch, rig } from '../setup.js';

const H1 = 0x000000000001n;
const H2 = 0x000000000002n;
const H3 = 0x000000000003n;

function text(fm: FlowMod): string {
  return formatFlowEntry(entryFromFlowMod(fm)).trim();
}

describe('learning switch (simple_switch_13)', () => {
  it('installs the table-miss flow on connect', () => {
    const { sim, sw } = rig([new LearningSwitch()]);
    sim.run();
    expect(sw.of('flow_mod').map((r) => text(r.msg))).toEqual(['priority=0 actions=CONTROLLER:65535']);
    expect(sw.of('flow_mod')[0]!.msg).toMatchObject({ command: 'add', table: 0, idleTimeout: 0, hardTimeout: 0, bufferId: 0xffffffff });
  });

  it('floods unknown destinations, then installs in_port+dl_src+dl_dst flows for known ones', () => {
    const app = new LearningSwitch();
    const { sim, sw } = rig([app]);
    sim.run();
    const h1h2 = ethFrame(H2, H1);
    const h2h1 = ethFrame(H1, H2);
    sw.sendPacketIn(h1h2, 1);
    sim.run();
    expect(sw.of('flow_mod').length).toBe(1);
    const flood = sw.of('packet_out')[0]!.msg;
    expect(flood).toMatchObject({ inPort: 1, bufferId: 0xffffffff, data: h1h2, actions: [{ type: 'output', port: 0xfffb, maxLen: 0 }] });

    sw.sendPacketIn(h2h1, 2);
    sim.run();
    const mods = sw.of('flow_mod').map((r) => text(r.msg));
    expect(mods[1]).toBe('priority=1,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:1');
    const out = sw.of('packet_out')[1]!.msg;
    expect(out).toMatchObject({ inPort: 2, data: h2h1, actions: [{ type: 'output', port: 1, maxLen: 0 }] });
    expect(app.macTable(1n)).toEqual(new Map([[H1, 1], [H2, 2]]));
  });

  it('a host that moves is learned on its new port', () => {
    const app = new LearningSwitch();
    const { sim, sw } = rig([app]);
    sim.run();
    sw.sendPacketIn(ethFrame(H2, H1), 1);
    sw.sendPacketIn(ethFrame(H2, H1), 3);
    sw.sendPacketIn(ethFrame(H1, H2), 2);
    sim.run();
    expect(text(sw.of('flow_mod')[1]!.msg)).toBe('priority=1,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:3');
  });

  it('a buffered packet goes with the flow-mod and needs no packet-out', () => {
    const { sim, sw } = rig([new LearningSwitch()]);
    sim.run();
    sw.sendPacketIn(ethFrame(H2, H1), 1);
    sw.sendPacketIn(ethFrame(H1, H2), 2, { bufferId: 9 });
    sim.run();
    expect(sw.of('flow_mod')[1]!.msg.bufferId).toBe(9);
    expect(sw.of('packet_out').length).toBe(1);
  });

  it('buffered unknown destinations are flooded by buffer id', () => {
    const { sim, sw } = rig([new LearningSwitch()]);
    sim.run();
    sw.sendPacketIn(ethFrame(H2, H1), 1, { bufferId: 4 });
    sim.run();
    expect(sw.of('packet_out')[0]!.msg).toMatchObject({ bufferId: 4, data: new Uint8Array(0) });
  });

  it('ignores LLDP and runt frames', () => {
    const { sim, sw } = rig([new LearningSwitch()]);
    sim.run();
    sw.sendPacketIn(ethFrame(0x0180c200000en, H1, 0x88cc), 1);
    sw.sendPacketIn(new Uint8Array(10), 1);
    sim.run();
    expect(sw.of('packet_out').length).toBe(0);
  });

  it('learns per datapath', () => {
    const app = new LearningSwitch();
    const r = rig([app], { sw: { dpid: 1n } });
    const s2 = addSwitch(r, { sw: { dpid: 2n } });
    r.sim.run();
    r.sw.sendPacketIn(ethFrame(H2, H1), 1);
    s2.sw.sendPacketIn(ethFrame(H1, H3), 3);
    r.sim.run();
    // On switch 2, H1 was never seen: flood, no flow.
    expect(s2.sw.of('flow_mod').length).toBe(1);
    expect(s2.sw.of('packet_out')[0]!.msg.actions).toEqual([{ type: 'output', port: 0xfffb, maxLen: 0 }]);
    expect(app.macTable(1n).get(H1)).toBe(1);
    expect(app.macTable(2n).get(H3)).toBe(3);
    expect(app.macTable(2n).has(H1)).toBe(false);
  });

  it('timeouts and priority are options', () => {
    const { sim, sw } = rig([new LearningSwitch({ idleTimeout: 60, hardTimeout: 300, priority: 7 })]);
    sim.run();
    sw.sendPacketIn(ethFrame(H2, H1), 1);
    sw.sendPacketIn(ethFrame(H1, H2), 2);
    sim.run();
    expect(sw.of('flow_mod')[1]!.msg).toMatchObject({ priority: 7, idleTimeout: 60, hardTimeout: 300 });
  });

  it('works the same over OpenFlow 1.0 (in_port in the packet-in header)', () => {
    const { sim, sw } = rig([new LearningSwitch()], { ctl: { versions: ['OpenFlow10'] }, sw: { versions: ['OpenFlow10'] } });
    sim.run();
    sw.sendPacketIn(ethFrame(H2, H1), 1);
    sw.sendPacketIn(ethFrame(H1, H2), 2);
    sim.run();
    expect(sw.of('flow_mod').map((r) => text(r.msg))).toEqual([
      'priority=0 actions=CONTROLLER:65535',
      'priority=1,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:1',
    ]);
  });
});
