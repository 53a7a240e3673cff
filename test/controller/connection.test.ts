import { describe, expect, it } from 'vitest';
import { ms, seconds } from '../../engine/time.js';
import { formatFlowEntry } from '../../sim/openflow/flow-format.js';
import { entryFromFlowMod, type FlowStatsEntry } from '../../sim/openflow/wire/index.js';
import { parseFlow } from '../../sim/openflow/flow-syntax.js';
import { OpenFlowError, type ControllerApp } from '../../sim/controller/index.js';
import { FlowSyntaxError } from '../../sim/flow/syntax-error.js';
import { port } from './fake-switch.js';
import { addSwitch, rig } from './setup.js';
import { arpFrame } from '../../sim/host/frames.js';

/** An app that records what it is told. */
function recorder(): ControllerApp & { events: string[] } {
  const events: string[] = [];
  return {
    name: 'recorder',
    events,
    switchConnected: (sw) => events.push(`connected ${sw.dpidText}`),
    switchDisconnected: (sw, reason) => events.push(`disconnected ${sw.dpidText} ${reason ?? ''}`.trim()),
    packetIn: (_sw, ev) => events.push(`packet_in port ${ev.inPort} ${ev.ethSrc.toString(16)}>${ev.ethDst.toString(16)}`),
    flowRemoved: (_sw, m) => events.push(`flow_removed ${m.reason} prio ${m.priority}`),
    portStatus: (sw, m) => events.push(`port_status ${m.reason} ${m.port.name} (${sw.ports.size} ports)`),
    error: (_sw, m) => events.push(`error ${m.name ?? m.errType}`),
  };
}

const ARP = arpFrame({ operation: 1, srcMac: 0x0a0000000001n, dstMac: 0xffffffffffffn, sha: 0x0a0000000001n, spa: 0x0a000001, tha: 0n, tpa: 0x0a000002 });

describe('handshake', () => {
  it('OpenFlow 1.3: HELLO, FEATURES_REQUEST, PORT_DESC, SET_CONFIG, then the app hears of the switch', () => {
    const app = recorder();
    const { sim, ctl, conn, sw } = rig([app], { sw: { dpid: 0xfedcba9876543210n } });
    sim.run();
    expect(sw.version).toBe('OpenFlow13');
    expect(sw.received.map((r) => r.msg.type)).toEqual(['hello', 'features_request', 'multipart_request', 'set_config']);
    const hello = sw.of('hello')[0]!.msg;
    expect(hello.versions).toEqual(['OpenFlow13']);
    const mp = sw.of('multipart_request')[0]!.msg;
    expect(mp.body).toEqual({ kind: 'port_desc', portNo: 0xffff });
    expect(sw.of('set_config')[0]!.msg).toMatchObject({ flags: 0, missSendLen: 0xffff });
    expect(conn.ready).toBe(true);
    expect(conn.version).toBe('OpenFlow13');
    expect(conn.dpidText).toBe('fedcba9876543210');
    expect([...conn.ports.keys()]).toEqual([1, 2, 3]);
    expect(conn.nTables).toBe(254);
    expect(ctl.switches.get(0xfedcba9876543210n)).toBe(conn);
    expect(app.events).toEqual(['connected fedcba9876543210']);
  });

  it('OpenFlow 1.0: ports come in the features reply, no PORT_DESC', () => {
    const { sim, conn, sw } = rig([], { ctl: { versions: ['OpenFlow10', 'OpenFlow13'], missSendLen: 128 }, sw: { versions: ['OpenFlow10'] } });
    sim.run();
    expect(conn.version).toBe('OpenFlow10');
    expect(sw.received.map((r) => r.msg.type)).toEqual(['hello', 'features_request', 'set_config']);
    expect(sw.of('set_config')[0]!.msg.missSendLen).toBe(128);
    expect([...conn.ports.values()].map((p) => p.name)).toEqual(['p1', 'p2', 'p3']);
  });

  it('picks the highest common version (1.5 when both speak it)', () => {
    const { sim, conn } = rig([], { ctl: { versions: ['OpenFlow10', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'] } });
    sim.run();
    expect(conn.version).toBe('OpenFlow15');
  });

  it('no common version: OFPHFC_INCOMPATIBLE and the connection closes', () => {
    const app = recorder();
    const { sim, conn, sw, log } = rig([app], { ctl: { versions: ['OpenFlow13'] }, sw: { versions: ['OpenFlow10'] } });
    sim.run();
    const err = sw.of('error')[0]!.msg;
    expect(err.name).toBe('OFPHFC_INCOMPATIBLE');
    expect(new TextDecoder().decode(err.data)).toContain('OpenFlow13');
    expect(conn.closed).toBe(true);
    expect(sw.closed).toBe(true);
    expect(app.events).toEqual([]);
    expect(log.join('\n')).toContain('version negotiation failed');
  });

  it('packet-ins during the handshake wait until the app knows the switch', () => {
    const app = recorder();
    const { sim, sw } = rig([app], { latencyNs: ms(1) });
    // The switch sends a packet-in right after the features reply, before port-desc is answered.
    sim.run({ until: ms(2) });
    sw.sendPacketIn(ARP, 2);
    sim.run();
    expect(app.events).toEqual(['connected 0000000000000001', 'packet_in port 2 a0000000001>ffffffffffff']);
  });

  it('rejects unsupported or empty version lists with a clear message', () => {
    expect(() => rig([], { ctl: { versions: ['OpenFlow11'] } })).toThrow('OpenFlow11 is not supported');
    expect(() => rig([], { ctl: { versions: [] } })).toThrow('at least one OpenFlow version');
    expect(() => rig([], { ctl: { missSendLen: 70000 } })).toThrow('miss_send_len 70000');
  });
});

describe('messages', () => {
  it('answers echo requests with the same xid and data', () => {
    const { sim, sw } = rig([]);
    sim.run();
    sw.send({ type: 'echo_request', xid: 77, data: new Uint8Array([1, 2, 3]) });
    sim.run();
    expect(sw.of('echo_reply').map((r) => r.msg)).toEqual([{ type: 'echo_reply', xid: 77, data: new Uint8Array([1, 2, 3]) }]);
  });

  it('dispatches packet-in, flow-removed, port-status and unsolicited errors to apps', () => {
    const app = recorder();
    const { sim, conn, sw } = rig([app]);
    sim.run();
    sw.sendPacketIn(ARP, 3);
    const fm = parseFlow('priority=5,ip,actions=drop', { version: 'OpenFlow13' });
    sw.send({
      type: 'flow_removed', xid: 0, cookie: 0n, priority: fm.priority, reason: 'idle_timeout', table: 0, durationSec: 1, durationNsec: 0,
      idleTimeout: 10, hardTimeout: 0, packetCount: 0n, byteCount: 0n, match: fm.match,
    });
    sw.send({ type: 'port_status', xid: 0, reason: 'add', port: port(4, 'p4') });
    sw.send({ type: 'port_status', xid: 0, reason: 'delete', port: port(1, 'p1') });
    sw.send({ type: 'error', xid: 999, name: 'OFPBRC_BAD_TYPE', errType: 1, code: 1, data: new Uint8Array(0) });
    sim.run();
    expect(app.events.slice(1)).toEqual([
      'packet_in port 3 a0000000001>ffffffffffff',
      'flow_removed idle_timeout prio 5',
      'port_status add p4 (4 ports)',
      'port_status delete p1 (3 ports)',
      'error OFPBRC_BAD_TYPE',
    ]);
    expect([...conn.ports.keys()].sort()).toEqual([2, 3, 4]);
    expect(conn.counters).toMatchObject({ packetIns: 1, errors: 1 });
  });

  it('sendFlowMod reads ovs-ofctl syntax for the negotiated version; deletes go to every table', () => {
    const { sim, conn, sw } = rig([]);
    sim.run();
    const xid = conn.sendFlowMod('table=1,priority=10,tcp,tp_dst=80,actions=output:2');
    conn.sendFlowMod('tcp', { command: 'delete' });
    conn.sendFlowMod('priority=10,tcp', { command: 'delete_strict', table: 1 });
    conn.sendFlowMod('', { command: 'delete' });
    sim.run();
    const mods = sw.of('flow_mod').map((r) => r.msg);
    expect(mods[0]!.xid).toBe(xid);
    expect(formatFlowEntry(entryFromFlowMod(mods[0]!)).trim()).toBe('table=1, priority=10,tcp,tp_dst=80 actions=output:2');
    expect(mods.slice(1).map((m) => [m.command, m.table, m.priority])).toEqual([
      ['delete', 255, 0x8000],
      ['delete_strict', 1, 10],
      ['delete', 255, 0x8000],
    ]);
    expect(conn.counters.flowMods).toBe(4);
  });

  it('OpenFlow 1.0: a flow for another table turns on NXT_FLOW_MOD_TABLE_ID first', () => {
    const { sim, conn, sw } = rig([], { ctl: { versions: ['OpenFlow10'] }, sw: { versions: ['OpenFlow10'] } });
    sim.run();
    conn.sendFlowMod('priority=1,actions=drop');
    conn.sendFlowMod('table=2,priority=1,actions=drop');
    sim.run();
    const types = sw.received.map((r) => r.msg.type).slice(3);
    expect(types).toEqual(['flow_mod', 'flow_mod_table_id', 'flow_mod']);
    expect(sw.of('flow_mod').map((r) => r.msg.table)).toEqual([0, 2]);
  });

  it('bad flow text throws the flow parser error naming the text', () => {
    const { sim, conn } = rig([]);
    sim.run();
    expect(() => conn.sendFlowMod('priority=1,frobnicate=3,actions=drop')).toThrow(FlowSyntaxError);
    expect(() => conn.sendFlowMod('priority=1,frobnicate=3,actions=drop')).toThrow('frobnicate');
    expect(() => conn.packetOut(ARP, 1, 'output:banana')).toThrow('banana');
  });

  it('packetOut sends the frame with parsed actions; with a buffer id, no data', () => {
    const { sim, conn, sw } = rig([]);
    sim.run();
    conn.packetOut(ARP, 1, 'output:2,output:3');
    conn.packetOut(ARP, 1, 'FLOOD', { bufferId: 42 });
    sim.run();
    const outs = sw.of('packet_out').map((r) => r.msg);
    expect(outs[0]).toMatchObject({ inPort: 1, bufferId: 0xffffffff, data: ARP });
    expect(outs[0]!.actions).toEqual([
      { type: 'output', port: 2, maxLen: 0 },
      { type: 'output', port: 3, maxLen: 0 },
    ]);
    expect(outs[1]).toMatchObject({ bufferId: 42, data: new Uint8Array(0), actions: [{ type: 'output', port: 0xfffb, maxLen: 0 }] });
  });

  it('barrier resolves on BARRIER_REPLY; dumpFlows gathers every multipart part', async () => {
    const flows: FlowStatsEntry[] = [1, 2, 3, 4, 5].map((p) => {
      const e = parseFlow(`priority=${p},actions=drop`, { version: 'OpenFlow13' });
      return { ...e, flags: [], durationSec: 0, durationNsec: 0, packetCount: 0n, byteCount: 0n };
    });
    const { sim, conn } = rig([], { sw: { flows, flowParts: 3 } });
    sim.run();
    const b = conn.barrier();
    const d = conn.dumpFlows({ match: 'ip' });
    sim.run();
    await b;
    expect((await d).map((f) => f.priority)).toEqual([1, 2, 3, 4, 5]);
  });

  it('an error answering a pending request rejects it with OpenFlowError', async () => {
    const { sim, conn, sw } = rig([]);
    sim.run();
    // The fake switch leaves meter requests unanswered; refuse this one.
    const q = conn.request({ kind: 'meter_config', meterId: 1 });
    sim.run();
    const xid = sw.of('multipart_request').at(-1)!.msg.xid;
    sw.send({ type: 'error', xid, name: 'OFPBRC_BAD_STAT', errType: 1, code: 2, data: new Uint8Array(0) });
    sim.run();
    await expect(q).rejects.toThrow(OpenFlowError);
    await expect(q).rejects.toThrow('OFPBRC_BAD_STAT');
  });

  it('pending requests fail when the connection closes', async () => {
    const { sim, conn, sw, ctl } = rig([]);
    sim.run();
    const app = ctl.switches.get(1n);
    expect(app).toBe(conn);
    sw.close();
    const p = conn.barrier();
    sim.run();
    await expect(p).rejects.toThrow('connection closed');
    expect(ctl.switches.size).toBe(0);
  });

  it('a bad message from the switch gets an OFPT_ERROR back and the connection lives on', () => {
    const { sim, conn, sw } = rig([]);
    sim.run();
    // OpenFlow 1.3 type 200 does not exist.
    sw.writeRaw(new Uint8Array([4, 200, 0, 8, 0, 0, 0, 9]));
    sim.run();
    const errs = sw.of('error');
    expect(errs.map((e) => [e.msg.name, e.msg.xid])).toEqual([['OFPBRC_BAD_TYPE', 9]]);
    expect(conn.ready).toBe(true);
  });

  it('broken framing drops the connection', () => {
    const { sim, conn, sw, log } = rig([]);
    sim.run();
    sw.writeRaw(new Uint8Array([4, 0, 0, 4, 0, 0, 0, 9]));
    sim.run();
    expect(conn.closed).toBe(true);
    expect(log.join('\n')).toContain('message length 4');
  });
});

describe('keepalive', () => {
  it('an idle switch that answers echoes stays connected', () => {
    const { sim, conn, sw } = rig([], { probeIntervalMs: 1000 });
    sim.run({ until: seconds(10) });
    expect(conn.ready).toBe(true);
    expect(sw.of('echo_request').length).toBeGreaterThanOrEqual(4);
  });

  it('a switch that stops answering is dropped after two probe intervals', () => {
    const app = recorder();
    const { sim, conn, ctl, log } = rig([app], { probeIntervalMs: 1000, sw: { answerEcho: false } });
    sim.run({ until: seconds(10) });
    expect(conn.closed).toBe(true);
    expect(ctl.switches.size).toBe(0);
    // The app is told why: the probe went unanswered.
    expect(app.events.at(-1)).toMatch(/^disconnected 0000000000000001 no response to inactivity probe/);
    expect(log.join('\n')).toContain('inactivity probe');
  });
});

describe('several switches', () => {
  it('keeps one connection per datapath id', () => {
    const app = recorder();
    const r = rig([app], { sw: { dpid: 5n } });
    const other = addSwitch(r, { sw: { dpid: 6n } });
    r.sim.run();
    expect([...r.ctl.switches.keys()].sort()).toEqual([5n, 6n]);
    expect(r.ctl.switches.get(6n)).toBe(other.conn);
    expect(app.events.sort()).toEqual(['connected 0000000000000005', 'connected 0000000000000006']);
  });

  it('a switch that reconnects replaces its old connection, silently for apps', async () => {
    const app = recorder();
    const r = rig([app], { sw: { dpid: 5n } });
    r.sim.run();
    const again = addSwitch(r, { sw: { dpid: 5n } });
    r.sim.run();
    expect(r.ctl.switches.get(5n)).toBe(again.conn);
    expect(r.conn.closed).toBe(true);
    expect(app.events).toEqual(['connected 0000000000000005', 'connected 0000000000000005']);
    expect(await r.ctl.waitForSwitch(5n)).toBe(again.conn);
  });

  it('waitForSwitch resolves when the named switch arrives', async () => {
    const r = rig([], { sw: { dpid: 5n } });
    const w = r.ctl.waitForSwitch(6n);
    r.sim.run();
    const other = addSwitch(r, { sw: { dpid: 6n } });
    r.sim.run();
    expect(await w).toBe(other.conn);
  });
});

describe('apps', () => {
  it('an app that throws does not stop the others (default handler logs it)', () => {
    const seen: string[] = [];
    const bad: ControllerApp = { name: 'bad', packetIn: () => { throw new Error('boom'); } };
    const good: ControllerApp = { name: 'good', packetIn: (_sw, ev) => void seen.push(`in ${ev.inPort}`) };
    const log: string[] = [];
    const r = rig([bad, good], { ctl: { onAppError: undefined, log: (l) => log.push(l) } });
    r.sim.run();
    r.sw.sendPacketIn(ARP, 1);
    r.sim.run();
    expect(seen).toEqual(['in 1']);
    expect(log.join('\n')).toContain('app bad: packetIn failed: boom');
  });
});
