/**
 * Test support: a point-to-point wire between two hosts that delivers every frame after
 * a fixed delay (no bandwidth, no loss), and optionally records what crossed it.
 */
import type { Simulator } from '../../engine/simulator.js';
import type { Host } from '../../sim/host/host.js';

export interface WireLog {
  /** Frames in the order they were sent, with the sender's name and the send time. */
  readonly frames: { from: string; atNs: number; frame: Uint8Array }[];
}

export function wire(sim: Simulator, a: Host, b: Host, delayNs: number): WireLog {
  const log: WireLog = { frames: [] };
  const join = (from: Host, to: Host) =>
    from.attach({
      send(frame) {
        log.frames.push({ from: from.name, atNs: sim.now(), frame });
        sim.schedule(delayNs, (f: Uint8Array) => to.receive(f), frame);
      },
    });
  join(a, b);
  join(b, a);
  return log;
}

/** A hub: every frame reaches every other host after `delayNs` (hosts drop what is not theirs). */
export function hub(sim: Simulator, hosts: readonly Host[], delayNs: number): WireLog {
  const log: WireLog = { frames: [] };
  for (const h of hosts) {
    h.attach({
      send(frame) {
        log.frames.push({ from: h.name, atNs: sim.now(), frame });
        for (const other of hosts) if (other !== h) sim.schedule(delayNs, (f: Uint8Array) => other.receive(f), frame);
      },
    });
  }
  return log;
}
