/**
 * The learning-switch story every interop test tells, whoever the controller and the
 * switch: h1 pings h2 (flooded), h2 answers (delivered to p1 alone), h1 pings again
 * (delivered to p2 alone), and by then the switch holds the learned flows and forwards
 * h1 → h2 without the controller.
 */
import { createServer } from 'node:net';
import { icmpFrame } from '../../sim/host/frames.js';
import { eventually } from './real-ovs.js';
import type { SwitchUnderTest } from './switches.js';

/** An ICMP echo request from host a (MAC 00:..:0a, 10.0.0.a) to host b. */
export function ping(a: number, b: number, seq = 1): Uint8Array {
  return icmpFrame(
    { srcMac: BigInt(a), dstMac: BigInt(b), src: 0x0a000000 + a, dst: 0x0a000000 + b, ident: seq },
    { type: 8, code: 0, restOfHeader: seq, payload: new Uint8Array(16) },
  );
}

/** What simple_switch_13 leaves in the table after the story (sorted as dumpFlows sorts). */
export const LEARNED_FLOWS = [
  'priority=0 actions=CONTROLLER:65535',
  'priority=1,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02 actions=output:2',
  'priority=1,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:1',
];

function counts(sw: SwitchUnderTest): number[] {
  return [1, 2, 3].map((p) => sw.sentCount(p));
}

async function expectSent(sw: SwitchUnderTest, before: number[], delta: number[], what: string): Promise<void> {
  const want = before.map((b, i) => b + delta[i]!);
  await eventually(() => counts(sw), (v) => v.every((x, i) => x === want[i]), what, 15_000);
}

/**
 * Runs the story; resolves to the switch's flows once `expectedFlows` of them are
 * installed. Throws, naming the step, when a packet goes astray.
 */
export async function learningStory(sw: SwitchUnderTest, expectedFlows = 3): Promise<string[]> {
  let c = counts(sw);
  await sw.receive(1, ping(1, 2));
  await expectSent(sw, c, [0, 1, 1], 'h1 → h2 flooded to p2 and p3');
  c = counts(sw);
  await sw.receive(2, ping(2, 1));
  await expectSent(sw, c, [1, 0, 0], 'h2 → h1 delivered to p1 only');
  c = counts(sw);
  await sw.receive(1, ping(1, 2, 2));
  await expectSent(sw, c, [0, 1, 0], 'h1 → h2 delivered to p2 only');
  const flows = await eventually(() => sw.dumpFlows(), (f) => f.length >= expectedFlows, 'the learned flows');
  c = counts(sw);
  await sw.receive(1, ping(1, 2, 3));
  await expectSent(sw, c, [0, 1, 0], 'h1 → h2 forwarded by the learned flow');
  return flows;
}

/** A TCP port nobody listens on right now (for programs that take a port number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
