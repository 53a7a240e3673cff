/**
 * `ovsim ofctl` against an ovsim bridge (connmgr listening on punix, as br0.mgmt), side by
 * side with Debian's ovs-ofctl against the same bridge: the same command sequence runs
 * with each tool (tables emptied in between) and the outputs must agree once durations
 * and idle ages are blanked. Fails (never skips) without OVS: scripts/setup.sh.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../sim/cli/io.js';
import { run } from '../../sim/cli/program.js';
import { startLiveBridge, type LiveBridge } from '../interop/ofctl-live.js';
import { findOvs } from '../support/ovs-sandbox.js';

interface Result {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

let lb: LiveBridge;

function real(args: readonly string[]): Promise<Result> {
  const bin = findOvs().tools['ovs-ofctl'];
  return new Promise((resolve) => {
    execFile(bin, [...args], { env: { ...process.env, OVS_RUNDIR: lb.dir }, timeout: 30_000, maxBuffer: 64 << 20 }, (err, out, errText) => {
      resolve({ out, err: errText, code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1 });
    });
  });
}

async function ours(args: readonly string[]): Promise<Result> {
  const io = bufferIo();
  const code = await run(['ofctl', ...args], io);
  return { out: io.stdout, err: io.stderr, code };
}

function norm(s: string): string {
  return s
    .replace(/duration=[0-9.]+s/g, 'duration=X')
    .replace(/duration[0-9.]+s/g, 'durationX')
    .replace(/idle_age=[0-9]+/g, 'idle_age=X')
    .replace(/hard_age=[0-9]+, /g, '')
    .replace(/^ovsim: /gm, 'ovs-ofctl: ');
}

async function transcript(tool: (a: readonly string[]) => Promise<Result>, steps: readonly (readonly string[])[]): Promise<string> {
  await ours(['-O', 'OpenFlow13', 'del-flows', lb.target]);
  let t = '';
  for (const s of steps) {
    const r = await tool(s);
    t += `$ ${s.join(' ')}\n${norm(r.out)}${norm(r.err)}[exit ${r.code}]\n`;
  }
  return t;
}

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
