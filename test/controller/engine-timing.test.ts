/**
 * Inside the engine a controller sits behind a simulated channel with latency, so the
 * packet-in → flow-mod round trip takes virtual time: two channel crossings plus the
 * controller's processing delay.
 */
import { describe, expect, it } from 'vitest';
import { ms, us } from '../../engine/time.js';
import { LearningSwitch } from '../../sim/controller/index.js';
import { ethFrame } from './frames.js';
import { rig } from './setup.js';

describe('controller round trips in virtual time', () => {
  it('handshake: the app hears of the switch after HELLO, FEATURES and PORT_DESC round trips', () => {
    const r = rig([new LearningSwitch()], { latencyNs: ms(1) });
    r.sim.run();
    // hello (both sides at t=0, arrive 1 ms) → features request → reply (2..3 ms) → port desc (3..5 ms)
    // → set_config and the table-miss flow-mod leave at 5 ms and arrive at 6 ms.
    expect(r.sw.of('features_request')[0]!.t).toBe(ms(2));
    expect(r.sw.of('multipart_request')[0]!.t).toBe(ms(4));
    expect(r.sw.of('flow_mod')[0]!.t).toBe(ms(6));
  });

  it('packet-in at t arrives back as flow-mod and packet-out at t + 2 × latency', () => {
    const r = rig([new LearningSwitch()], { latencyNs: us(250) });
    r.sim.run();
    r.sim.schedule(ms(10) - r.sim.now(), () => r.sw.sendPacketIn(ethFrame(2n, 1n), 1));
    r.sim.schedule(ms(20) - r.sim.now(), () => r.sw.sendPacketIn(ethFrame(1n, 2n), 2));
    r.sim.run();
    expect(r.sw.of('packet_out').map((x) => x.t)).toEqual([ms(10) + us(500), ms(20) + us(500)]);
    expect(r.sw.of('flow_mod').slice(1).map((x) => x.t)).toEqual([ms(20) + us(500)]);
  });

  it('a controller processing delay adds to the round trip, and messages keep their order', () => {
    const r = rig([new LearningSwitch()], { latencyNs: us(250), ctl: { processingDelayMs: 2 } });
    r.sim.run();
    const t0 = r.sim.now();
    r.sw.sendPacketIn(ethFrame(2n, 1n), 1);
    r.sw.sendPacketIn(ethFrame(1n, 2n), 2);
    r.sim.run();
    expect(r.sw.of('packet_out').map((x) => x.t - t0)).toEqual([ms(2) + us(500), ms(2) + us(500)]);
    expect(r.sw.of('packet_out').map((x) => x.msg.inPort)).toEqual([1, 2]);
  });

  it('same seed, same run: message times are deterministic', () => {
    const times = (): number[] => {
      const r = rig([new LearningSwitch()], { latencyNs: us(100) });
      for (let i = 0; i < 50; i++) r.sim.schedule(us(1000 + 37 * i), () => r.sw.sendPacketIn(ethFrame(BigInt(1 + (i % 5)), BigInt(1 + ((i + 1) % 5))), 1 + (i % 3)));
      r.sim.run();
      return r.sw.received.map((x) => x.t);
    };
    expect(times()).toEqual(times());
  });
});
