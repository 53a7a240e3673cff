/**
 * Debian's real `ovs-ofctl -O OpenFlow13` against an ovsim bridge on a unix socket,
 * compared command by command with the same commands against a real Open vSwitch
 * (userspace, dummy datapath). Needs OVS installed: without it these tests fail naming
 * scripts/setup.sh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OvsSandbox } from '../support/ovs-sandbox.js';
import { normalize, ofctl, sortPortBlocks, startLiveBridge, type LiveBridge } from './ofctl-live.js';

let ovs: OvsSandbox;
let sim: LiveBridge;
let real: string;

beforeAll(async () => {
  sim = await startLiveBridge({ datapathId: 0xfedcba9876543210n, hwAddr: 0xaa55aa550000n, failMode: 'secure' });
  ovs = await OvsSandbox.start();
  await ovs.setPorts([1, 2]);
  real = `unix:${ovs.dir}/br0.mgmt`;
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  await ovs?.stop();
});

const O13 = ['-O', 'OpenFlow13'];

/** Runs one ovs-ofctl command against both switches and returns both results. */
async function both(cmd: string, ...args: string[]): Promise<{ ours: { code: number; out: string; err: string }; theirs: { code: number; out: string; err: string } }> {
  const a = await ofctl([...O13, cmd, sim.target, ...args]);
  const b = await ofctl([...O13, cmd, real, ...args]);
  const f = (r: { code: number; stdout: string; stderr: string }): { code: number; out: string; err: string } => ({ code: r.code, out: normalize(r.stdout), err: normalize(r.stderr.split('\n')[0] ?? '') });
  return { ours: f(a), theirs: f(b) };
}

describe('ovs-ofctl -O OpenFlow13 against ovsim and real OVS', () => {
  it('show', async () => {
    const { ours, theirs } = await both('show');
    expect(ours.code).toBe(0);
    expect(ours.out).toBe(theirs.out);
  });

  it('add-flow, dump-flows, mod-flows, del-flows, check_overlap', async () => {
    const adds = [
      'priority=5,ip,nw_dst=10.0.0.1,actions=output:2',
      'table=1,cookie=0x5,idle_timeout=30,actions=drop',
      'table=1,priority=7,cookie=0x6,tcp,tp_dst=80,send_flow_rem,actions=output:1',
      'priority=9,in_port=1,dl_src=02:00:00:00:00:01,actions=goto_table:1',
    ];
    for (const f of adds) {
      const { ours, theirs } = await both('add-flow', f);
      expect([ours.code, ours.err]).toEqual([theirs.code, theirs.err]);
    }
    let r = await both('dump-flows');
    expect(r.ours.out).toBe(sortFlows(r.theirs.out));
    expect(r.ours.out.split('\n')).toHaveLength(1 + adds.length);
    r = await both('dump-flows', 'table=1');
    expect(r.ours.out.split('\n')).toHaveLength(3);
    expect(r.ours.out).toBe(sortFlows(r.theirs.out));
    r = await both('mod-flows', 'ip,nw_dst=10.0.0.1,actions=output:1');
    expect(r.ours.code).toBe(0);
    r = await both('del-flows', '--strict', 'table=1,priority=7,tcp,tp_dst=80');
    expect(r.ours.code).toBe(0);
    r = await both('dump-flows');
    expect(r.ours.out).toBe(sortFlows(r.theirs.out));
    r = await both('add-flow', 'priority=9,in_port=1,check_overlap,actions=drop');
    expect(r.ours.code).toBe(1);
    expect(r.ours.err).toBe(r.theirs.err);
    expect(r.ours.err).toContain('OFPFMFC_OVERLAP');
    r = await both('del-flows', 'cookie=0x5/-1');
    r = await both('dump-flows');
    expect(r.ours.out).toBe(sortFlows(r.theirs.out));
    expect(r.ours.out).toContain('priority=5,ip,nw_dst=10.0.0.1 actions=output:1');
    expect(r.ours.out).not.toContain('cookie=0x5');
    r = await both('del-flows');
    r = await both('dump-flows');
    expect(r.ours.out).toBe(r.theirs.out);
  });

  it('dump-ports and dump-ports-desc', async () => {
    let r = await both('dump-ports');
    expect(r.ours.code).toBe(0);
    expect(sortPortBlocks(r.ours.out)).toBe(sortPortBlocks(r.theirs.out));
    r = await both('dump-ports', '2');
    expect(r.ours.out).toBe(r.theirs.out);
    r = await both('dump-ports-desc');
    expect(r.ours.out).toBe(r.theirs.out);
  });

  it('refuses a bad request the way OVS does', async () => {
    const r = await both('add-flow', 'table=1,actions=goto_table:1');
    expect(r.ours.code).toBe(r.theirs.code);
    expect(r.ours.err).toBe(r.theirs.err);
  });
});

describe('ovs-ofctl sees what traffic did in ovsim', () => {
  it('dump-flows counts datapath hits; dump-ports counts frames; add-flows from a file', async () => {
    const add = await ofctl([...O13, 'add-flows', sim.target, '-'], 'priority=5,in_port=1,actions=output:2\npriority=5,in_port=2,actions=output:1\n');
    expect(add.code).toBe(0);
    await sim.inEngine(() => {
      const f = new Uint8Array(64);
      f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5]);
      for (let i = 0; i < 5; i++) sim.br.receive(1, f);
    });
    await new Promise((r) => setTimeout(r, 50));
    const flows = await ofctl([...O13, 'dump-flows', sim.target, 'in_port=1']);
    expect(flows.stdout).toContain('n_packets=5, n_bytes=320, priority=5,in_port=1 actions=output:2');
    const ports = await ofctl([...O13, 'dump-ports', sim.target, '1']);
    expect(ports.stdout).toContain('rx pkts=5, bytes=320');
    const agg = await ofctl([...O13, 'dump-aggregate', sim.target]);
    expect(agg.stdout).toContain('packet_count=5 byte_count=320 flow_count=2');
    const del = await ofctl([...O13, 'del-flows', sim.target]);
    expect(del.code).toBe(0);
  });

  it('speaks OpenFlow 1.0 with Nicira extensions (ovs-ofctl default protocol)', async () => {
    const add = await ofctl(['add-flow', sim.target, 'table=2,priority=3,reg0=5,actions=drop']);
    expect(add.stderr).toBe('');
    const dump = await ofctl(['dump-flows', sim.target]);
    expect(normalize(dump.stdout)).toBe('NXST_FLOW reply (xid=0x4):\n cookie=0x0, duration=Xs, table=2, n_packets=0, n_bytes=0, idle_age=X, priority=3,reg0=0x5 actions=drop');
  });
});

/** OVS dumps in classifier order; ovsim by table and priority. Sort both the same way. */
function sortFlows(text: string): string {
  const [head, ...lines] = text.split('\n');
  const key = (l: string): [number, number] => [Number(/table=(\d+)/.exec(l)?.[1] ?? 0), -Number(/priority=(\d+)/.exec(l)?.[1] ?? 32768)];
  lines.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka[0] - kb[0] || ka[1] - kb[1];
  });
  return [head, ...lines].join('\n');
}
