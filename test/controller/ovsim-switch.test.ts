/**
 * ovsim's controller driving ovsim's own switch inside the engine: a Bridge with its
 * connection manager on one end of a simulated channel, the learning switch on the other.
 * Hosts' frames go in on bridge ports; what comes out is recorded with its virtual time,
 * so flow setup time (upcall, packet-in, the controller's round trip) is visible.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../engine/simulator.js';
import { ms, us } from '../../engine/time.js';
import { simulatedChannelPair } from '../../sim/ovsdb/channel.js';
import { simulatorClock } from '../../sim/ovsdb/server/clock.js';
import { Connmgr } from '../../sim/ofproto/connmgr.js';
import { Bridge } from '../../sim/vswitchd/bridge.js';
import { formatFlowEntry } from '../../sim/openflow/flow-format.js';
import { Controller, Firewall, hub, LearningSwitch, type ControllerApp } from '../../sim/controller/index.js';
import { icmpFrame } from '../../sim/host/frames.js';

interface Out {
  readonly t: number;
  readonly port: number;
  readonly frame: Uint8Array;
}

function ping(a: number, b: number, seq = 1): Uint8Array {
  return icmpFrame(
    { srcMac: BigInt(a), dstMac: BigInt(b), src: 0x0a000000 + a, dst: 0x0a000000 + b, ident: seq },
    { type: 8, code: 0, restOfHeader: seq, payload: new Uint8Array(16) },
  );
}

function world(apps: readonly ControllerApp[], latencyNs: number) {
  const sim = new Simulator();
  const br = new Bridge({ name: 'br0', ports: [1, 2, 3], cache: 'megaflow', scheduler: sim, random: () => 0.5 });
  const out: Out[] = [];
  for (const p of [1, 2, 3]) br.attach(p, { send: (frame) => out.push({ t: sim.now(), port: p, frame }) });
  const mgr = new Connmgr(br, { timers: sim, failMode: 'secure' });
  const [swEnd, ctlEnd] = simulatedChannelPair(sim, { latencyNs, name: 'of' });
  mgr.attach(swEnd, { kind: 'primary', probeIntervalMs: 0 });
  const ctl = new Controller(apps, { clock: simulatorClock(sim), onAppError: (e) => { throw e; } });
  const conn = ctl.attach(ctlEnd);
  const at = (t: number, fn: () => void): void => void sim.schedule(t - sim.now(), fn);
  return { sim, br, out, mgr, ctl, conn, at };
}

describe('ovsim learning switch on an ovsim switch, in the engine', () => {
  it('learns, installs the flows simple_switch_13 would, then forwards in the fast path', async () => {
    const app = new LearningSwitch();
    const w = world([app], us(500));
    w.sim.run({ until: ms(100) });
    expect(w.conn.ready).toBe(true);
    expect(w.conn.dpid).toBe(w.mgr.datapathId);

    w.at(ms(100), () => w.br.receive(1, ping(1, 2)));
    w.at(ms(110), () => w.br.receive(2, ping(2, 1)));
    w.at(ms(120), () => w.br.receive(1, ping(1, 2, 2)));
    w.at(ms(130), () => w.br.receive(1, ping(1, 2, 3)));
    w.sim.run({ until: ms(200) });

    // The first ping is flooded (to 2 and 3) one controller round trip later.
    expect(w.out.filter((o) => o.t < ms(110)).map((o) => o.port).sort()).toEqual([2, 3]);
    // Each packet that needs the controller takes at least two channel crossings; the one
    // forwarded by the learned flow does not wait for anyone.
    const byT = (t0: number) => w.out.filter((o) => o.t >= t0 && o.t < t0 + ms(10));
    expect(byT(ms(110)).map((o) => o.port)).toEqual([1]);
    expect(byT(ms(110))[0]!.t - ms(110)).toBeGreaterThanOrEqual(us(1000));
    expect(byT(ms(120)).map((o) => o.port)).toEqual([2]);
    expect(byT(ms(120))[0]!.t - ms(120)).toBeGreaterThanOrEqual(us(1000));
    expect(byT(ms(130)).map((o) => o.port)).toEqual([2]);
    expect(byT(ms(130))[0]!.t - ms(130)).toBeLessThan(us(1000));
    expect(w.conn.counters.packetIns).toBe(3);

    const flows = w.conn.dumpFlows();
    w.sim.run({ until: ms(300) });
    expect((await flows).map((f) => formatFlowEntry(f).trim()).sort()).toEqual([
      'priority=0 actions=CONTROLLER:65535',
      'priority=1,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02 actions=output:2',
      'priority=1,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:1',
    ]);
  });

  it('flow setup time grows with the control channel latency', () => {
    const setup = (latencyNs: number): number => {
      const w = world([new LearningSwitch()], latencyNs);
      w.sim.run({ until: ms(100) });
      w.at(ms(100), () => w.br.receive(1, ping(1, 2)));
      w.sim.run({ until: ms(500) });
      return w.out[0]!.t - ms(100);
    };
    const near = setup(us(100));
    const far = setup(ms(10));
    expect(far - near).toBe(2 * (ms(10) - us(100)));
  });

  it('the hub floods everything through the controller', () => {
    const w = world([hub()], us(100));
    w.sim.run({ until: ms(10) });
    w.at(ms(10), () => w.br.receive(1, ping(1, 2)));
    w.at(ms(20), () => w.br.receive(2, ping(2, 1)));
    w.sim.run({ until: ms(50) });
    const ports = (lo: number, hi: number): number[] => w.out.filter((o) => o.t >= lo && o.t < hi).map((o) => o.port).sort();
    expect([ports(ms(10), ms(20)), ports(ms(20), ms(50))]).toEqual([[2, 3], [1, 3]]);
    expect(w.conn.counters.packetIns).toBe(2);
  });

  it('the firewall lets allowed traffic through by NORMAL and logs the rest', () => {
    const fw = new Firewall({ rules: 'allow icmp src=10.0.0.1' });
    const w = world([fw], us(100));
    w.sim.run({ until: ms(10) });
    w.at(ms(10), () => w.br.receive(1, ping(1, 2)));
    w.at(ms(20), () => w.br.receive(3, ping(3, 2)));
    w.sim.run({ until: ms(50) });
    expect(w.out.map((o) => o.port).sort()).toEqual([2, 3]);
    expect(fw.denied.map((d) => [d.inPort, d.summary])).toEqual([[3, 'icmp 10.0.0.3 > 10.0.0.2 type 8 code 0']]);
  });
});
