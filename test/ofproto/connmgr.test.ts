import { describe, expect, it } from 'vitest';
import { OFPP } from '../../sim/flow/layout.js';
import { formatFlowEntry } from '../../sim/openflow/flow-format.js';
import { encode } from '../../sim/openflow/wire/codec.js';
import { simulatedChannelPair, type Channel } from '../../sim/ovsdb/channel.js';
import { FAIL_OPEN_PRIORITY } from '../../sim/ofproto/connmgr.js';
import { connectPeer, flowMod, frame, MS, Peer, rig, SEC } from './connmgr-helpers.js';

const ALL = { table: 255, outPort: OFPP.NONE, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: { key: new Uint32Array(59), mask: new Uint32Array(59) } };

describe('handshake and basic requests', () => {
  it('negotiates the highest common version and answers features, config, barrier, desc', () => {
    const r = rig();
    const p = connectPeer(r, { versions: ['OpenFlow10', 'OpenFlow13'] });
    expect(p.conn.version).toBe('OpenFlow13');
    p.send({ type: 'features_request', xid: 2 });
    p.send({ type: 'get_config_request', xid: 3 });
    p.send({ type: 'barrier_request', xid: 4 });
    p.send({ type: 'multipart_request', xid: 5, flags: 0, body: { kind: 'desc' } });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const [f] = p.of('features_reply');
    expect(f).toMatchObject({ xid: 2, nTables: 254, nBuffers: 0, capabilities: 0x4f, datapathId: r.mgr.datapathId });
    expect(p.of('get_config_reply')[0]).toMatchObject({ xid: 3, flags: 0, missSendLen: 128 });
    expect(p.of('barrier_reply')[0]).toMatchObject({ xid: 4 });
    expect(p.of('multipart_reply')[0]!.body).toMatchObject({ kind: 'desc', mfr: 'ovsim', dp: 'br0' });
  });

  it('speaks OpenFlow 1.0 to a 1.0-only peer and lists ports in the features reply', () => {
    const r = rig();
    const p = connectPeer(r, { versions: ['OpenFlow10'] });
    expect(p.conn.version).toBe('OpenFlow10');
    p.send({ type: 'features_request', xid: 9 });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const f = p.of('features_reply')[0]!;
    expect(f.ports.map((x) => x.name)).toEqual(['p1', 'p2', 'p3', 'br0']);
    expect(f.capabilities).toBe(0xc7);
  });

  it('refuses a peer with no common version with OFPHFC_INCOMPATIBLE and hangs up', () => {
    const r = rig({ versions: ['OpenFlow13'] });
    const [a, b] = simulatedChannelPair(r.sim, { latencyNs: 1000 });
    r.mgr.attach(b);
    const p = new Peer(r.sim, a, { versions: ['OpenFlow10'] });
    r.sim.run({ until: 10 * MS });
    expect(p.closedWith).toBeDefined();
    expect(r.mgr.connections).toHaveLength(0);
  });

  it('answers an undecodable message with the spec error and keeps the connection', () => {
    const r = rig();
    const p = connectPeer(r);
    // An OpenFlow 1.3 message of type 200.
    const raw = encode({ type: 'barrier_request', xid: 77 }, 'OpenFlow13');
    raw[1] = 200;
    p.conn.channel.write(raw);
    p.send({ type: 'barrier_request', xid: 78 });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const err = p.of('error')[0]!;
    expect(err).toMatchObject({ xid: 77, name: 'OFPBRC_BAD_TYPE', errType: 1, code: 1 });
    expect(p.of('barrier_reply')[0]!.xid).toBe(78);
  });
});

describe('flow mods over the connection', () => {
  it('adds, dumps with counters, and deletes; refuses an overlap', () => {
    const r = rig();
    const p = connectPeer(r);
    p.send(flowMod('priority=5,ip,nw_dst=10.0.0.1,actions=output:2', { xid: 10 }));
    p.send(flowMod('priority=5,ip,nw_dst=10.0.0.0/8,check_overlap,actions=drop', { xid: 11 }));
    p.send({ type: 'barrier_request', xid: 12 });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('error').map((e) => [e.xid, e.name])).toEqual([[11, 'OFPFMFC_OVERLAP']]);
    p.send({ type: 'multipart_request', xid: 13, flags: 0, body: { kind: 'flow', ...ALL } });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const body = p.of('multipart_reply')[0]!.body;
    if (body.kind !== 'flow') throw new Error('not a flow reply');
    expect(body.flows.map((f) => formatFlowEntry({ ...f, flags: f.flags }).trim())).toEqual(['priority=5,ip,nw_dst=10.0.0.1 actions=output:2']);
    p.send(flowMod('ip,actions=drop', { xid: 14, command: 'delete' }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect([...r.br.ofproto.flows()]).toHaveLength(0);
  });

  it('a slave may read but not write', () => {
    const r = rig();
    const p = connectPeer(r);
    p.send({ type: 'role_request', xid: 3, role: 'slave', generationId: 0n });
    p.send(flowMod('actions=drop', { xid: 4 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('role_reply')[0]).toMatchObject({ role: 'slave' });
    expect(p.of('error')[0]).toMatchObject({ xid: 4, name: 'OFPBRC_IS_SECONDARY' });
  });

  it('a new master demotes the old one; a stale generation id is refused', () => {
    const r = rig();
    const p1 = connectPeer(r);
    const p2 = connectPeer(r);
    p1.send({ type: 'role_request', xid: 1, role: 'master', generationId: 5n });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    p2.send({ type: 'role_request', xid: 2, role: 'master', generationId: 4n });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p2.of('error')[0]).toMatchObject({ name: 'OFPRRFC_STALE' });
    p2.send({ type: 'role_request', xid: 3, role: 'master', generationId: 6n });
    p1.send({ type: 'role_request', xid: 4, role: 'nochange', generationId: 0n });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p1.of('role_reply').at(-1)).toMatchObject({ role: 'slave' });
  });
});

describe('packet-in and packet-out', () => {
  it('a table-miss controller rule sends a packet-in (no_match, table, cookie); a packet-out forwards it', () => {
    const r = rig();
    const p = connectPeer(r);
    p.send(flowMod('table=0,priority=0,cookie=0x42,actions=CONTROLLER:65535', { xid: 1 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const f = frame(1, 2);
    r.br.receive(1, f);
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const pin = p.of('packet_in')[0]!;
    expect(pin).toMatchObject({ reason: 'no_match', table: 0, cookie: 0x42n, totalLen: 60, bufferId: 0xffffffff });
    expect([...pin.data]).toEqual([...f]);
    p.send({ type: 'packet_out', xid: 2, bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port: 2, maxLen: 0 }], data: pin.data });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(r.out.get(2)).toHaveLength(1);
    expect([...r.out.get(2)![0]!]).toEqual([...f]);
  });

  it('an explicit controller action reports reason action and the table it ran in, truncated to max_len', () => {
    const r = rig();
    const p = connectPeer(r);
    p.send(flowMod('table=0,priority=1,actions=goto_table:3', { xid: 1 }));
    p.send(flowMod('table=3,priority=9,in_port=1,actions=CONTROLLER:20', { xid: 2 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    r.br.receive(1, frame(1, 2));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const pin = p.of('packet_in')[0]!;
    expect(pin).toMatchObject({ reason: 'action', table: 3, totalLen: 60 });
    expect(pin.data.length).toBe(20);
  });

  it('packet-out with output:TABLE runs the pipeline; NORMAL floods', () => {
    const r = rig();
    const p = connectPeer(r);
    p.send(flowMod('priority=1,actions=NORMAL', { xid: 1 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    p.send({ type: 'packet_out', xid: 2, bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port: OFPP.TABLE, maxLen: 0 }], data: frame(1, 9) });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(r.out.get(2)).toHaveLength(1);
    expect(r.out.get(3)).toHaveLength(1);
    expect(r.out.get(1)).toHaveLength(0);
  });

  it('rate-limits packet-ins with a token bucket', () => {
    const r = rig({ packetInRate: { perSecond: 100, burst: 10 } });
    const p = connectPeer(r);
    p.send(flowMod('priority=0,actions=CONTROLLER:65535', { xid: 1 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    for (let i = 0; i < 50; i++) r.br.receive(1, frame(1, 2, i));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('packet_in')).toHaveLength(10);
    r.sim.run({ until: r.sim.now() + 1 * SEC });
    for (let i = 0; i < 50; i++) r.br.receive(1, frame(1, 2, i));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('packet_in')).toHaveLength(20);
    expect(r.mgr.connections[0]!.packetInsDropped).toBe(80);
  });

  it('a service connection (ovs-ofctl) gets no packet-ins until it sets miss_send_len', () => {
    const r = rig();
    const p = connectPeer(r, { kind: 'service' });
    p.send(flowMod('priority=0,actions=CONTROLLER:65535', { xid: 1 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    r.br.receive(1, frame(1, 2));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('packet_in')).toHaveLength(0);
    p.send({ type: 'set_config', xid: 2, flags: 0, missSendLen: 0xffff });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    r.br.receive(1, frame(1, 2, 1));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('packet_in')).toHaveLength(1);
  });
});

describe('timeouts, flow removed, port status', () => {
  it('idle timeout: a rule kept busy by datapath hits stays, then expires with FLOW_REMOVED and its counts', () => {
    const r = rig();
    const p = connectPeer(r);
    p.send(flowMod('priority=5,in_port=1,idle_timeout=2,send_flow_rem,cookie=0x9,actions=output:2', { xid: 1 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const start = r.sim.now();
    // A packet every 500 ms for 5 s: the first is an upcall, the rest datapath hits.
    for (let i = 0; i < 10; i++) {
      r.br.receive(1, frame(1, 2));
      r.sim.run({ until: start + (i + 1) * 500 * MS });
    }
    expect(p.of('flow_removed')).toHaveLength(0);
    r.sim.run({ until: r.sim.now() + 3 * SEC });
    const fr = p.of('flow_removed');
    expect(fr).toHaveLength(1);
    expect(fr[0]).toMatchObject({ reason: 'idle_timeout', cookie: 0x9n, priority: 5, packetCount: 10n, byteCount: 600n, idleTimeout: 2 });
    expect(fr[0]!.durationSec).toBeGreaterThanOrEqual(6);
    expect(fr[0]!.durationSec).toBeLessThanOrEqual(8);
    expect(r.out.get(2)).toHaveLength(10);
  });

  it('hard timeout expires a busy rule; delete sends reason delete; no send_flow_rem, no message', () => {
    const r = rig();
    const p = connectPeer(r);
    p.send(flowMod('priority=5,in_port=1,hard_timeout=1,send_flow_rem,actions=output:2', { xid: 1 }));
    p.send(flowMod('priority=6,in_port=2,send_flow_rem,actions=output:1', { xid: 2 }));
    p.send(flowMod('priority=7,in_port=3,actions=output:1', { xid: 3 }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    for (let i = 0; i < 15; i++) {
      r.br.receive(1, frame(1, 2));
      r.sim.run({ until: r.sim.now() + 100 * MS });
    }
    const hard = p.of('flow_removed');
    expect(hard.map((m) => m.reason)).toEqual(['hard_timeout']);
    p.send(flowMod('actions=drop', { xid: 4, command: 'delete' }));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('flow_removed').map((m) => [m.reason, m.priority])).toEqual([
      ['hard_timeout', 5],
      ['delete', 6],
    ]);
  });

  it('sends PORT_STATUS when a port is added or removed, and answers port stats and port mods', () => {
    const r = rig();
    const p = connectPeer(r);
    r.br.addPort(7, 'p7');
    r.br.removePort(3);
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(p.of('port_status').map((m) => [m.reason, m.port.portNo, m.port.name])).toEqual([
      ['add', 7, 'p7'],
      ['delete', 3, 'p3'],
    ]);
    r.br.receive(1, frame(1, 2));
    p.send({ type: 'multipart_request', xid: 5, flags: 0, body: { kind: 'port_stats', portNo: 1 } });
    const desc = r.mgr.portDescs().find((d) => d.portNo === 2)!;
    p.send({ type: 'port_mod', xid: 6, portNo: 2, hwAddr: desc.hwAddr, config: 1, mask: 1, advertise: 0 });
    p.send({ type: 'port_mod', xid: 7, portNo: 99, hwAddr: 0n, config: 1, mask: 1, advertise: 0 });
    r.sim.run({ until: r.sim.now() + 10 * MS });
    const body = p.of('multipart_reply')[0]!.body;
    expect(body.kind === 'port_stats' && body.ports[0]).toMatchObject({ portNo: 1, rxPackets: 1n, rxBytes: 60n });
    expect(p.of('port_status').at(-1)).toMatchObject({ reason: 'modify', port: { portNo: 2, config: 1, state: 0 } });
    expect(p.of('error')[0]).toMatchObject({ xid: 7, name: 'OFPPMFC_BAD_PORT' });
  });
});

describe('liveness, reconnection and fail mode', () => {
  it('probes a silent peer with ECHO_REQUEST and drops it after another interval', () => {
    const r = rig();
    const [a, b] = simulatedChannelPair(r.sim, { latencyNs: 1000 });
    r.mgr.attach(b, { kind: 'primary', probeIntervalMs: 1000 });
    // A peer that says hello and then nothing, not even echo replies.
    const seen: Uint8Array[] = [];
    a.start({ data: (c) => seen.push(c.slice()), closed: () => undefined });
    a.write(encode({ type: 'hello', xid: 1, versions: ['OpenFlow13'] }, 'OpenFlow13'));
    r.sim.run({ until: 1500 * MS });
    expect(seen.some((c) => c[1] === 2)).toBe(true); // OFPT_ECHO_REQUEST
    expect(r.mgr.connections).toHaveLength(1);
    r.sim.run({ until: 2500 * MS });
    expect(r.mgr.connections).toHaveLength(0);
  });

  it('reconnects to an unreachable controller with exponential backoff up to max_backoff', () => {
    const times: number[] = [];
    const r = rig({ connector: (_t, done) => void (times.push(r.sim.now()), done('refused')) });
    r.mgr.addController('tcp:127.0.0.1:6653', { maxBackoffMs: 4000 });
    r.sim.run({ until: 20 * SEC });
    expect(times.map((t) => t / SEC)).toEqual([0, 1, 3, 7, 11, 15, 19]);
  });

  it('standalone: fails open to NORMAL when the controller stays away, and closes when it comes back', () => {
    let up = false;
    let pending: ((e: string | null, c?: Channel) => void) | null = null;
    const r = rig({
      failMode: 'standalone',
      connector: (_t, done) => {
        if (!up) return done('refused');
        pending = done;
      },
    });
    r.mgr.addController('tcp:127.0.0.1:6653', { maxBackoffMs: 2000 });
    r.sim.run({ until: 14 * SEC });
    expect(r.mgr.failOpen).toBe(false);
    r.sim.run({ until: 16 * SEC });
    expect(r.mgr.failOpen).toBe(true);
    const hidden = [...r.br.ofproto.flows(0)].filter((e) => e.priority === FAIL_OPEN_PRIORITY);
    expect(hidden).toHaveLength(1);
    r.br.receive(1, frame(1, 2));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(r.out.get(2)).toHaveLength(1); // flooded by NORMAL
    up = true;
    r.sim.run({ until: r.sim.now() + 2 * SEC });
    const [a, b] = simulatedChannelPair(r.sim, { latencyNs: 1000 });
    (pending as unknown as (e: string | null, c?: Channel) => void)(null, b);
    const ctl = new Peer(r.sim, a);
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(ctl.conn.version).toBe('OpenFlow15');
    expect(r.mgr.failOpen).toBe(false);
  });

  it('secure: never fails open', () => {
    const r = rig({ failMode: 'secure', connector: (_t, done) => done('refused') });
    r.mgr.addController('tcp:127.0.0.1:6653');
    r.sim.run({ until: 60 * SEC });
    expect(r.mgr.failOpen).toBe(false);
    r.br.receive(1, frame(1, 2));
    r.sim.run({ until: r.sim.now() + 10 * MS });
    expect(r.out.get(2)).toHaveLength(0);
  });
});
