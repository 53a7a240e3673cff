/**
 * `ovsim ofctl` against a real Open vSwitch, side by side with Debian's ovs-ofctl: the
 * same command sequence runs once with each tool on the same bridge (tables emptied in
 * between), and the outputs must be equal once durations and idle ages are blanked.
 * Fails (never skips) without OVS: scripts/setup.sh installs it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofctlTranscript, ourOfctl, normalizeOfctl, realOfctl, type Ofctl, type OfctlResult } from '../support/ofctl-runs.js';
import { OvsSandbox } from '../support/ovs-sandbox.js';

let sb: OvsSandbox;
let mgmt: string;

const real = (args: readonly string[], stdin?: string): Promise<OfctlResult> => realOfctl(sb.dir, args, stdin);
const ours = ourOfctl;
const norm = normalizeOfctl;
const transcript = (tool: Ofctl, steps: readonly (readonly string[])[]): Promise<string> => ofctlTranscript(tool, steps, () => sb.delFlows());

beforeAll(async () => {
  sb = await OvsSandbox.start();
  await sb.setPorts([1, 2, 3]);
  mgmt = `unix:${join(sb.dir, 'br0.mgmt')}`;
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

const VERSIONS = ['OpenFlow10', 'OpenFlow13', 'OpenFlow15'] as const;

describe('ovsim ofctl matches ovs-ofctl on a real OVS', () => {
  for (const v of VERSIONS) {
    it(`show, flow mods and dumps, -O ${v}`, async () => {
      const file = join(sb.dir, `flows-${v}.txt`);
      writeFileSync(file, '# comment\npriority=1,arp,actions=NORMAL\ntable=3,actions=drop\n\ncookie=0x7,priority=20,ip,nw_src=10.0.0.0/8,actions=mod_nw_dst:1.2.3.4,output:1\n');
      const steps: string[][] = [
        ['-O', v, 'show', mgmt],
        ['-O', v, 'add-flow', mgmt, 'priority=10,tcp,tp_dst=80,actions=output:2'],
        ['-O', v, 'add-flow', mgmt, 'table=2,priority=7,ip,nw_dst=10.1.0.0/16,reg0=5,idle_timeout=60,send_flow_rem,actions=output:p2'],
        ['-O', v, 'add-flow', mgmt, 'cookie=0x10,priority=9,udp,tp_dst=53,hard_timeout=300,actions=drop'],
        ['-O', v, 'add-flows', mgmt, file],
        ['-O', v, 'dump-flows', mgmt],
        ['-O', v, 'dump-flows', mgmt, 'table=2'],
        ['-O', v, 'dump-flows', mgmt, 'udp'],
        ['-O', v, '--no-stats', 'dump-flows', mgmt],
        ['-O', v, '--names', 'dump-flows', mgmt],
        ['-O', v, 'dump-aggregate', mgmt],
        ['-O', v, 'add-flow', mgmt, 'check_overlap,priority=9,udp,actions=drop'],
        ['-O', v, 'mod-flows', mgmt, 'udp,actions=output:1'],
        ['-O', v, 'mod-flows', mgmt, 'cookie=0x10/-1,actions=output:3'],
        ['-O', v, '--strict', 'del-flows', mgmt, 'priority=10,tcp,tp_dst=80'],
        ['-O', v, 'del-flows', mgmt, 'table=3'],
        ['-O', v, '--no-stats', 'dump-flows', mgmt],
        ['-O', v, 'dump-tables', mgmt],
        ['-O', v, 'add-flow', mgmt, 'foo=bar,actions=drop'],
        ['-O', v, 'del-flows', mgmt],
        ['-O', v, 'dump-flows', mgmt],
      ];
      const theirs = await transcript(real, steps);
      const mine = await transcript(ours, steps);
      expect(mine).toBe(theirs);
      expect(theirs).toContain('OFPFMFC_OVERLAP');
    }, 120_000);
  }

  for (const v of ['OpenFlow10', 'OpenFlow13'] as const) {
    it(`dump-ports, -O ${v}`, async () => {
      const steps = [
        ['-O', v, 'dump-ports', mgmt],
        ['-O', v, 'dump-ports', mgmt, '2'],
        ['-O', v, 'dump-ports', mgmt, 'p3'],
        ['-O', v, 'dump-ports', mgmt, 'LOCAL'],
      ];
      expect(await transcript(ours, steps)).toBe(await transcript(real, steps));
    }, 60_000);
  }

  it('connection errors read as ovs-ofctl words them, exit status 1', async () => {
    const steps = [
      ['-O', 'OpenFlow13', 'dump-flows', `unix:${join(sb.dir, 'nothing.mgmt')}`],
      ['-O', 'OpenFlow13', 'dump-flows', join(sb.dir, 'nothing')],
      ['-O', 'OpenFlow13', 'add-flow', 'tcp:127.0.0.1:1', 'actions=drop'],
      ['-O', 'OpenFlow13', 'dump-flows', mgmt, 'bogus=1'],
    ];
    const theirs = await transcript(real, steps);
    expect(await transcript(ours, steps)).toBe(theirs);
    expect(theirs.match(/\[exit 1\]/g)).toHaveLength(4);
  }, 60_000);

  for (const v of ['OpenFlow10', 'OpenFlow13'] as const) {
    it(`monitor prints packet-ins from packet-out and flow-removed messages, -O ${v}`, async () => {
      await sb.delFlows();
      const pkt = 'ffffffffffff000000000001080045000028000100004006f97dc0a80001c0a8000204d2005000000000000000005002200000000000';
      const both = async (tool: 'real' | 'ours'): Promise<string> => {
        const args = ['-O', v, 'monitor', mgmt, '65535'];
        const mon = tool === 'real' ? real(['--timeout=3', ...args]) : ours([...args, '--timeout', '2.5']);
        await new Promise((r) => setTimeout(r, 700));
        await ours(['packet-out', mgmt, `in_port=1,packet=${pkt},actions=controller`]);
        await ours(['-O', 'OpenFlow13', 'packet-out', mgmt, '2', 'controller', pkt]);
        await ours(['-O', 'OpenFlow13', 'add-flow', mgmt, 'priority=5,tcp,tp_src=5,send_flow_rem,cookie=0x9,actions=drop']);
        await ours(['-O', 'OpenFlow13', '--strict', 'del-flows', mgmt, 'priority=5,tcp,tp_src=5']);
        const r = await mon;
        return norm(r.err).replace(/^.*(terminating with signal|Alarm clock).*\n?/gm, '');
      };
      const theirs = await both('real');
      const mine = await both('ours');
      expect(mine).toBe(theirs);
      expect(theirs).toContain('NXT_PACKET_IN2');
      expect(theirs).toContain('OFPT_FLOW_REMOVED');
    }, 60_000);
  }
});
