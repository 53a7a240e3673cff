/**
 * The switch under test, real or simulated, behind one small interface, so one scenario
 * runs a controller against Debian's OVS and against ovsim's bridge alike:
 *  - `RealOvsSwitch`: real-ovs.ts's sandbox;
 *  - `LiveOvsimSwitch`: an ovsim Bridge and connection manager on a wall-clock engine
 *    (test/interop/ofctl-live.ts), fail-mode secure, connecting out to the controller
 *    over TCP like ovs-vswitchd.
 * Both are dumped with Debian's ovs-ofctl, so their flows print the same way.
 */
import type { Simulator } from '../../engine/simulator.js';
import { startLiveBridge, type LiveBridge } from '../interop/ofctl-live.js';
import { RealOvs, run } from './real-ovs.js';

export interface SwitchUnderTest {
  readonly kind: 'real OVS' | 'ovsim';
  readonly dpid: bigint;
  setController(target: string): Promise<void>;
  receive(port: number, frame: Uint8Array): Promise<void>;
  /** How many frames port N has sent. */
  sentCount(port: number): number;
  /** `ovs-ofctl -O OpenFlow13 --no-stats dump-flows`, sorted. */
  dumpFlows(): Promise<string[]>;
  stop(): Promise<void>;
}

function flowLines(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(OFPST|NXST|OFPT)_/.test(l))
    .sort();
}

export class RealOvsSwitch implements SwitchUnderTest {
  readonly kind = 'real OVS';
  readonly dpid = 0xfedcba9876543210n;
  private constructor(readonly ovs: RealOvs) {}

  static async start(ports: readonly number[] = [1, 2, 3]): Promise<RealOvsSwitch> {
    return new RealOvsSwitch(await RealOvs.start(ports));
  }

  setController(target: string): Promise<void> {
    return this.ovs.setController(target);
  }

  receive(port: number, frame: Uint8Array): Promise<void> {
    return this.ovs.receive(port, frame);
  }

  sentCount(port: number): number {
    return this.ovs.sent(port).length;
  }

  async dumpFlows(): Promise<string[]> {
    return (await this.ovs.dumpFlows()).sort();
  }

  stop(): Promise<void> {
    return this.ovs.stop();
  }
}

export class LiveOvsimSwitch implements SwitchUnderTest {
  readonly kind = 'ovsim';
  readonly #sent = new Map<number, number>();
  private constructor(readonly live: LiveBridge) {}

  static async start(ports: readonly number[] = [1, 2, 3]): Promise<LiveOvsimSwitch> {
    const live = await startLiveBridge({ ports: [...ports], failMode: 'secure' });
    const sw = new LiveOvsimSwitch(live);
    await live.inEngine(() => {
      for (const p of ports) live.br.attach(p, { send: () => void sw.#sent.set(p, (sw.#sent.get(p) ?? 0) + 1) });
    });
    return sw;
  }

  get dpid(): bigint {
    return this.live.mgr.datapathId;
  }

  get sim(): Simulator {
    return this.live.sim;
  }

  setController(target: string): Promise<void> {
    return this.live.inEngine(() => this.live.mgr.addController(target, { maxBackoffMs: 1000 }));
  }

  receive(port: number, frame: Uint8Array): Promise<void> {
    return this.live.inEngine(() => this.live.br.receive(port, frame));
  }

  sentCount(port: number): number {
    return this.#sent.get(port) ?? 0;
  }

  async dumpFlows(): Promise<string[]> {
    const r = await run('ovs-ofctl', ['-O', 'OpenFlow13', '--no-stats', 'dump-flows', this.live.target]);
    if (r.code !== 0) throw new Error(`ovs-ofctl dump-flows ${this.live.target} failed: ${r.stderr.trim()}`);
    return flowLines(r.stdout);
  }

  stop(): Promise<void> {
    return this.live.stop();
  }
}
