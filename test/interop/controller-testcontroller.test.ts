/**
 * Debian's ovs-testcontroller (package openvswitch-testcontroller) as the controller:
 * it installs a table-miss flow to the controller on connect and exact-match flows with
 * idle_timeout=60 as it learns. Driving a real OVS records what it installs; driving an
 * ovsim switch must install the same flows and deliver the same pings.
 * Needs openvswitch-testcontroller and Open vSwitch (scripts/setup.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Child, eventually, requireProgram } from '../controller/real-ovs.js';
import { freePort, learningStory } from '../controller/learning-scenario.js';
import { LiveOvsimSwitch, RealOvsSwitch, type SwitchUnderTest } from '../controller/switches.js';

let ctl: Child | undefined;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Resolves once something accepts TCP connections on the port (the probe is closed at once). */
async function untilListening(port: number): Promise<void> {
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
    (ok) => ok,
    `ovs-testcontroller listening on port ${port}`,
  );
}
let sw: SwitchUnderTest | undefined;

afterEach(async () => {
  await sw?.stop();
  await ctl?.stop();
  sw = undefined;
  ctl = undefined;
});

async function story(make: () => Promise<SwitchUnderTest>): Promise<string[]> {
  const prog = requireProgram('ovs-testcontroller', 'openvswitch-testcontroller');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ovsim-testcontroller-'));
  dirs.push(dir);
  // It opens a control socket in OVS_RUNDIR: keep it out of the system's /var/run.
  ctl = new Child(prog, [`ptcp:${port}:127.0.0.1`], { cwd: dir, env: { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir } });
  await untilListening(port);
  sw = await make();
  await sw.setController(`tcp:127.0.0.1:${port}`);
  await eventually(() => sw!.dumpFlows(), (f) => f.length >= 1, 'the table-miss flow', 15_000);
  return learningStory(sw);
}

let realFlows: string[] | undefined;

describe('ovs-testcontroller', () => {
  it('drives a real OVS: table-miss to the controller, exact-match learned flows', async () => {
    realFlows = await story(RealOvsSwitch.start);
    expect(realFlows).toContain('priority=0 actions=CONTROLLER:128');
    const learned = realFlows.filter((f) => f.startsWith('idle_timeout=60,'));
    expect(learned.length).toBe(2);
    expect(learned.every((f) => f.includes('dl_src=00:00:00:00:00:0') && f.includes('icmp_type=8'))).toBe(true);
  });

  it('drives an ovsim switch to the same flows', async () => {
    const flows = await story(LiveOvsimSwitch.start);
    expect(realFlows).toBeDefined();
    expect(flows).toEqual(realFlows);
  });
});
