/**
 * A controller and a scripted switch joined by a simulated channel on a fresh engine.
 */
import { Simulator } from '../../engine/simulator.js';
import { simulatedChannelPair } from '../../sim/ovsdb/channel.js';
import { simulatorClock } from '../../sim/ovsdb/server/clock.js';
import { Controller, type ControllerApp, type ControllerOptions, type SwitchConnection } from '../../sim/controller/index.js';
import { FakeSwitch, port, type FakeSwitchOptions } from './fake-switch.js';

export interface Rig {
  readonly sim: Simulator;
  readonly ctl: Controller;
  readonly conn: SwitchConnection;
  readonly sw: FakeSwitch;
  readonly log: string[];
}

export const DEFAULT_PORTS = [port(1, 'p1'), port(2, 'p2'), port(3, 'p3')];

export function rig(
  apps: readonly ControllerApp[],
  opts: { latencyNs?: number; ctl?: ControllerOptions; sw?: FakeSwitchOptions; probeIntervalMs?: number } = {},
): Rig {
  const sim = new Simulator();
  const log: string[] = [];
  const [a, b] = simulatedChannelPair(sim, { latencyNs: opts.latencyNs ?? 0 });
  const ctl = new Controller(apps, {
    clock: simulatorClock(sim),
    log: (l) => log.push(l),
    onAppError: (e) => {
      throw e;
    },
    ...opts.ctl,
  });
  const conn = ctl.attach(a, { probeIntervalMs: opts.probeIntervalMs ?? 0 });
  const sw = new FakeSwitch(b, { now: () => sim.now(), ports: DEFAULT_PORTS, ...opts.sw }).start();
  return { sim, ctl, conn, sw, log };
}

/** Another switch into the same controller, on its own simulated channel. */
export function addSwitch(r: Rig, opts: { latencyNs?: number; sw?: FakeSwitchOptions } = {}): { conn: SwitchConnection; sw: FakeSwitch } {
  const [a, b] = simulatedChannelPair(r.sim, { latencyNs: opts.latencyNs ?? 0 });
  const conn = r.ctl.attach(a);
  const sw = new FakeSwitch(b, { now: () => r.sim.now(), ports: DEFAULT_PORTS, ...opts.sw }).start();
  return { conn, sw };
}
