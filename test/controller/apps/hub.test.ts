import { describe, expect, it } from 'vitest';
import { formatFlowEntry } from '../../../sim/openflow/flow-format.js';
import { entryFromFlowMod } from '../../../sim/openflow/wire/index.js';
import { hub } from '../../../sim/controller/index.js';
import { ethFrame } from '../frames.js';
import { rig } from '../setup.js';

describe('hub', () => {
  it('installs the table-miss flow and floods every packet-in, learning nothing', () => {
    const { sim, sw } = rig([hub()]);
    sim.run();
    expect(sw.of('flow_mod').map((r) => formatFlowEntry(entryFromFlowMod(r.msg)).trim())).toEqual(['priority=0 actions=CONTROLLER:65535']);
    const f1 = ethFrame(2n, 1n);
    const f2 = ethFrame(1n, 2n);
    sw.sendPacketIn(f1, 1);
    sw.sendPacketIn(f2, 2);
    sw.sendPacketIn(f1, 1, { bufferId: 3 });
    sim.run();
    expect(sw.of('flow_mod').length).toBe(1);
    expect(sw.of('packet_out').map((r) => [r.msg.inPort, r.msg.bufferId, r.msg.data.length, r.msg.actions])).toEqual([
      [1, 0xffffffff, 60, [{ type: 'output', port: 0xfffb, maxLen: 0 }]],
      [2, 0xffffffff, 60, [{ type: 'output', port: 0xfffb, maxLen: 0 }]],
      [1, 3, 0, [{ type: 'output', port: 0xfffb, maxLen: 0 }]],
    ]);
  });
});
