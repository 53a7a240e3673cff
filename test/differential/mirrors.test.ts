/**
 * Port mirrors against real OVS: the same Mirror row (select-src-port p1, select-dst-port
 * p2, output-port p3) in OVS's database and in ovsim's ofproto give the same datapath
 * actions (mirror copies and their place among the outputs) and megaflows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridge, traceFlow } from '../../sim/ofproto/trace.js';
import { OvsSandbox } from '../support/ovs-sandbox.js';
import { compareTrace } from './compare.js';

const FLOWS = [
  'priority=10,in_port=1,actions=output:2',
  'priority=10,in_port=4,actions=mod_dl_src:00:00:00:00:00:09,output:2,output:1',
  'priority=10,in_port=2,tcp,actions=output:4,output:3',
  'priority=5,actions=NORMAL',
];
const TRACES = ['in_port=1,tcp', 'in_port=4,udp', 'in_port=2,arp', 'in_port=2,tcp,tp_dst=80', 'in_port=3,ip', 'in_port=1,arp,dl_dst=ff:ff:ff:ff:ff:ff'];

describe('mirrors: ovsim equals real OVS', () => {
  let ovs: OvsSandbox;
  beforeAll(async () => {
    ovs = await OvsSandbox.start();
    await ovs.setPorts([1, 2, 3, 4]);
  });
  afterAll(async () => {
    await ovs?.stop();
  });

  it('mirrors ingress on p1 and egress on p2 to p3, and keeps p3 out of floods', async () => {
    const set = await ovs.vsctl(
      '--no-wait', '--', '--id=@p1', 'get', 'port', 'p1', '--', '--id=@p2', 'get', 'port', 'p2', '--', '--id=@p3', 'get', 'port', 'p3',
      '--', '--id=@m', 'create', 'mirror', 'name=m0', 'select-src-port=@p1', 'select-dst-port=@p2', 'output-port=@p3',
      '--', 'set', 'bridge', 'br0', 'mirrors=@m',
    );
    expect(set.code).toBe(0);
    await ovs.delFlows();
    expect(await ovs.addFlows(FLOWS)).toEqual([]);
    const theirs = await ovs.traceMany(TRACES);

    const ofproto = buildBridge({ ports: [1, 2, 3, 4], flows: FLOWS });
    ofproto.setMirrors([{ name: 'm0', selectAll: false, srcPorts: new Set([1]), dstPorts: new Set([2]), outPort: 3 }]);
    const ours = TRACES.map((t) => traceFlow(ofproto, t));
    for (let i = 0; i < TRACES.length; i++) {
      const c = compareTrace(theirs[i]!, ours[i]!);
      expect({ trace: TRACES[i], ...c, ovs: [theirs[i]!.megaflow, theirs[i]!.actions], ovsim: [ours[i]!.megaflow, ours[i]!.actions] }).toMatchObject({
        actionsEqual: true,
        megaflowEqual: true,
      });
    }
  });
});
