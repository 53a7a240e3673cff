/**
 * Every OpenFlow message of a session, captured as TCP on a chosen port, decodes in
 * tshark as OpenFlow 1.3 with no malformed packet — including a table-features reply
 * split over several messages and TCP segments.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLog, ArraySink } from '../../engine/event-log.js';
import { PcapWriter } from '../../native/pcap/index.js';
import { OfPcapCapture } from '../../sim/ofproto/ofconn-capture.js';
import { OFPP } from '../../sim/flow/layout.js';
import { connectPeer, flowMod, frame, MS, rig, SEC } from './connmgr-helpers.js';

const PORT = 16653;

describe('capturing OpenFlow sessions', () => {
  it('writes a pcap tshark decodes as OpenFlow 1.3 without malformed packets; the event log has every message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ovsim-ofcap-'));
    const file = join(dir, 'of.pcap');
    const writer = new PcapWriter(file);
    const tap = new OfPcapCapture(writer, { switchPort: PORT, epochNs: 1_700_000_000_000_000_000n });
    const sink = new ArraySink();
    let clock: { now(): number } = { now: () => 0 };
    const log = new EventLog({ now: () => clock.now() }, sink);
    const x = rig({ tap, log });
    clock = x.sim;
    {
      const p = connectPeer(x, { versions: ['OpenFlow13'] });
      p.send({ type: 'features_request', xid: 2 });
      p.send({ type: 'multipart_request', xid: 3, flags: 0, body: { kind: 'table_features', tables: [] } });
      p.send({ type: 'multipart_request', xid: 4, flags: 0, body: { kind: 'port_desc', portNo: OFPP.NONE } });
      p.send(flowMod('priority=0,actions=CONTROLLER:65535', { xid: 5 }));
      p.send(flowMod('priority=5,in_port=2,idle_timeout=1,send_flow_rem,actions=output:1', { xid: 6 }));
      p.send({ type: 'barrier_request', xid: 7 });
      x.sim.run({ until: x.sim.now() + 10 * MS });
      x.br.receive(1, frame(1, 2));
      x.br.receive(2, frame(2, 1));
      x.sim.run({ until: x.sim.now() + 10 * MS });
      const pin = p.of('packet_in')[0]!;
      p.send({ type: 'packet_out', xid: 8, bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port: 2, maxLen: 0 }], data: pin.data });
      p.send({ type: 'multipart_request', xid: 9, flags: 0, body: { kind: 'flow', table: 255, outPort: OFPP.NONE, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: { key: new Uint32Array(59), mask: new Uint32Array(59) } } });
      p.send({ type: 'echo_request', xid: 10, data: new Uint8Array(4) });
      x.sim.run({ until: x.sim.now() + 3 * SEC });
      expect(p.of('flow_removed')).toHaveLength(1);
      expect(p.of('multipart_reply').filter((m) => m.body.kind === 'table_features').length).toBeGreaterThan(1);
      p.conn.close();
      x.sim.run({ until: x.sim.now() + 10 * MS });
    }
    await writer.close();
    const fields = execFileSync('tshark', ['-r', file, '-d', `tcp.port==${PORT},openflow`, '-T', 'fields', '-e', 'openflow_v4.type', '-e', '_ws.malformed', '-e', '_ws.expert.severity'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = fields.split('\n').filter((l) => l.trim() !== '');
    const types = new Set(rows.flatMap((l) => l.split('\t')[0]!.split(',')).filter((t) => t !== ''));
    // hello, features, packet-in, flow-removed, port... as OpenFlow 1.3 type numbers.
    for (const t of ['0', '2', '3', '5', '6', '10', '11', '13', '14', '18', '19', '20', '21']) expect(types, `type ${t}`).toContain(t);
    const malformed = execFileSync('tshark', ['-r', file, '-d', `tcp.port==${PORT},openflow`, '-Y', '_ws.malformed || _ws.expert.severity >= "error"'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(malformed.trim()).toBe('');
    expect(sink.lines.some((l) => l.includes('"e":"ofRecv"'))).toBe(true);
    expect(sink.lines.some((l) => l.includes('"e":"ofPacketIn"'))).toBe(true);
    expect(sink.lines.some((l) => l.includes('"e":"ofFlowRemoved"') && l.includes('idle_timeout'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
