/**
 * `ovsim ofctl` against an ovsim bridge (connmgr listening on punix, as br0.mgmt), side by
 * side with Debian's ovs-ofctl against the same bridge: the same command sequence runs
 * with each tool (tables emptied in between) and the outputs must agree once durations
 * and idle ages are blanked. Fails (never skips) without OVS: scripts/setup.sh.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveBridge, type LiveBridge } from '../interop/ofctl-live.js';
import { ofctlTranscript, ourOfctl, realOfctl, type Ofctl, type OfctlResult } from '../support/ofctl-runs.js';

let lb: LiveBridge;

const real = (args: readonly string[], stdin?: string): Promise<OfctlResult> => realOfctl(lb.dir, args, stdin);
const ours = ourOfctl;
const transcript = (tool: Ofctl, steps: readonly (readonly string[])[]): Promise<string> => ofctlTranscript(tool, steps, () => ours(['-O', 'OpenFlow13', 'del-flows', lb.target]));

beforeAll(async () => {
  lb = await startLiveBridge({ ports: [1, 2, 3] });
}, 60_000);

afterAll(async () => {
  await lb?.stop();
});

describe('ovsim ofctl matches ovs-ofctl on an ovsim bridge', () => {
  for (const v of ['OpenFlow10', 'OpenFlow13', 'OpenFlow15'] as const) {
    it(`show, flow mods, dumps, -O ${v}`, async () => {
      const t = lb.target;
      const file = join(lb.dir, `flows-${v}.txt`);
      writeFileSync(file, 'priority=1,arp,actions=NORMAL\ntable=3,actions=drop\n');
      const steps: string[][] = [
        ['-O', v, 'show', t],
        ['-O', v, 'add-flow', t, 'priority=10,tcp,tp_dst=80,actions=output:2'],
        ['-O', v, 'add-flow', t, 'cookie=0x10,priority=9,udp,tp_dst=53,idle_timeout=60,send_flow_rem,actions=drop'],
        ['-O', v, 'add-flows', t, file],
        ['-O', v, 'dump-flows', t],
        ['-O', v, 'dump-flows', t, 'udp'],
        ['-O', v, '--no-stats', 'dump-flows', t],
        ['-O', v, 'dump-aggregate', t],
        ['-O', v, 'add-flow', t, 'check_overlap,priority=9,udp,actions=drop'],
        ['-O', v, 'mod-flows', t, 'udp,actions=output:1'],
        ['-O', v, '--strict', 'del-flows', t, 'priority=10,tcp,tp_dst=80'],
        ['-O', v, '--no-stats', 'dump-flows', t],
        ['-O', v, 'dump-tables', t],
        ['-O', v, 'dump-ports', t, '1'],
        ['-O', v, 'del-flows', t],
        ['-O', v, 'dump-flows', t],
      ];
      const theirs = await transcript(real, steps);
      expect(await transcript(ours, steps)).toBe(theirs);
      expect(theirs).toContain('actions=NORMAL');
    }, 120_000);
  }
});
