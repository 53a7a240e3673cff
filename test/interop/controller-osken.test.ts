/**
 * os-ken (Debian's python3-os-ken, run by Debian's own /usr/bin/python3) with a small
 * learning-switch app of ours (test/controller/fixtures), driving first a real OVS (to
 * validate the harness) and then an ovsim switch: both end with the flows
 * simple_switch_13 installs, and deliver every ping where it belongs.
 * Needs python3-os-ken and Open vSwitch (scripts/setup.sh).
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Child, eventually, requireProgram } from '../controller/real-ovs.js';
import { freePort, LEARNED_FLOWS, learningStory } from '../controller/learning-scenario.js';
import { LiveOvsimSwitch, RealOvsSwitch, type SwitchUnderTest } from '../controller/switches.js';

const APP = fileURLToPath(new URL('../controller/fixtures/osken_learning_switch.py', import.meta.url));

let osken: Child | undefined;
let sw: SwitchUnderTest | undefined;

afterEach(async () => {
  await sw?.stop();
  await osken?.stop();
  sw = undefined;
  osken = undefined;
});

async function startOsken(): Promise<number> {
  const manager = requireProgram('osken-manager', 'python3-os-ken');
  const python = requireProgram('python3', 'python3');
  const port = await freePort();
  osken = new Child(python, [manager, '--ofp-listen-host', '127.0.0.1', '--ofp-tcp-listen-port', String(port), APP]);
  await osken.waitFor('instantiating app');
  return port;
}

for (const make of [RealOvsSwitch.start, LiveOvsimSwitch.start]) {
  describe('os-ken learning switch', () => {
    it(`drives ${make === RealOvsSwitch.start ? 'a real OVS' : 'an ovsim switch'}`, async () => {
      const port = await startOsken();
      sw = await make();
      await sw.setController(`tcp:127.0.0.1:${port}`);
      await osken!.waitFor(`osken-test: connected ${sw.dpid.toString(16).padStart(16, '0')}`);
      // The app has sent its table-miss flow; wait until the switch holds it.
      await eventually(() => sw!.dumpFlows(), (f) => f.length >= 1, 'the table-miss flow', 15_000);
      const flows = await learningStory(sw);
      expect(flows).toEqual(LEARNED_FLOWS);
      expect(osken!.output.match(/osken-test: packet-in/g)?.length).toBe(3);
      expect(osken!.output).not.toMatch(/Traceback|Error/);
    });
  });
}
