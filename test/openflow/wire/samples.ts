/** One sample of every message type, for round-trip and real-OVS tests. */
import { parseMatch } from '../../../sim/flow/match-syntax.js';
import { catchAllMatch } from '../../../sim/flow/match.js';
import { W } from '../../../sim/flow/layout.js';
import { parseFlow } from '../../../sim/openflow/flow-syntax.js';
import type { OfVersion } from '../../../sim/openflow/version.js';
import { errorMessage, flowModFromEntry, type OfMessage, type PortDesc } from '../../../sim/openflow/wire/index.js';

/** OpenFlow 1.0 ports have no speeds. */
const portOf = (of10: boolean) => (n: number, name: string): PortDesc => ({
  portNo: n, hwAddr: 0x0a0000000000n + BigInt(n), name, config: 0, state: 4, curr: 0x2820, advertised: 0, supported: 0, peer: 0, currSpeed: of10 ? 0 : 10000000, maxSpeed: 0,
});

function inPortMatch(p: number) {
  const m = catchAllMatch();
  m.key[W.IN_PORT] = p;
  m.mask[W.IN_PORT] = 0xffffffff;
  return m;
}

const FRAME = Uint8Array.from(Buffer.from('ffffffffffff0a000000000108060001080006040001' + '0a00000000010a0000010000000000000a000002', 'hex'));

/** Every message type we encode, as it would be sent in `version`. */
export function sampleMessages(version: OfVersion): OfMessage[] {
  const of10 = version === 'OpenFlow10';
  const port = portOf(of10);
  const flow = parseFlow('table=0,cookie=0x5,priority=10,tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=output:2', { version });
  const nxFlow = parseFlow('priority=20,reg0=0x5,actions=resubmit(,1)', { version });
  const msgs: OfMessage[] = [
    { type: 'hello', xid: 1, versions: ['OpenFlow10', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'] },
    { type: 'echo_request', xid: 2, data: Uint8Array.from([1, 2, 3]) },
    { type: 'echo_reply', xid: 3, data: new Uint8Array() },
    errorMessage('OFPBRC_BAD_TYPE', version, { xid: 4, data: Uint8Array.from(Buffer.from('0405000800000004', 'hex')) }),
    errorMessage('OFPBMC_BAD_FIELD', version, { xid: 5, data: Uint8Array.from(Buffer.from('0105000800000005', 'hex')) }),
    { type: 'features_request', xid: 6 },
    { type: 'features_reply', xid: 7, datapathId: 0x1234n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, actions: of10 ? 0xfff : 0, ports: of10 ? [port(1, 'p1'), port(0xfffe, 'br0')] : [] },
    { type: 'get_config_request', xid: 8 },
    { type: 'get_config_reply', xid: 9, flags: 0, missSendLen: 128 },
    { type: 'set_config', xid: 10, flags: 0, missSendLen: 0xffff },
    { ...flowModFromEntry(flow, { xid: 11 }) },
    { ...flowModFromEntry(nxFlow, { xid: 12, command: 'delete' }), table: 255 },
    {
      type: 'packet_in', xid: 13, bufferId: 0xffffffff, totalLen: FRAME.length, reason: 'no_match', table: 0, cookie: 0n,
      match: inPortMatch(3), data: FRAME,
    },
    { type: 'packet_out', xid: 14, bufferId: 0xffffffff, inPort: 0xfffd, actions: [{ type: 'output', port: 2, maxLen: 0 }], data: FRAME },
    {
      type: 'flow_removed', xid: 15, cookie: 0x5n, priority: 10, reason: 'idle_timeout', table: 0, durationSec: 3, durationNsec: 500000000,
      idleTimeout: 60, hardTimeout: 0, packetCount: 7n, byteCount: 700n, match: parseMatch('tcp,tp_dst=80'),
    },
    { type: 'port_status', xid: 16, reason: 'add', port: port(5, 'p5') },
    { type: 'port_mod', xid: 17, portNo: 5, hwAddr: 0x0a0000000005n, config: 1, mask: 1, advertise: 0 },
    { type: 'barrier_request', xid: 18 },
    { type: 'barrier_reply', xid: 19 },
    { type: 'role_request', xid: 20, role: 'master', generationId: of10 ? 0n : 3n },
    { type: 'role_reply', xid: 21, role: 'slave', generationId: of10 ? 0n : 3n },
    { type: 'multipart_request', xid: 22, flags: 0, body: { kind: 'desc' } },
    { type: 'multipart_reply', xid: 23, flags: 0, body: { kind: 'desc', mfr: 'ovsim', hw: 'simulated', sw: '0.1.0', serial: 'None', dp: 'br0' } },
    { type: 'multipart_request', xid: 24, flags: 0, body: { kind: 'flow', table: 255, outPort: 0xffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: catchAllMatch() } },
    {
      type: 'multipart_reply', xid: 25, flags: 0,
      body: {
        kind: 'flow',
        flows: [{
          table: 0, durationSec: 1, durationNsec: 0, priority: flow.priority, idleTimeout: 0, hardTimeout: 0, flags: [], importance: 0,
          cookie: flow.cookie, packetCount: 2n, byteCount: 120n, match: flow.match, actions: flow.actions,
        }],
      },
    },
    { type: 'multipart_request', xid: 26, flags: 0, body: { kind: 'aggregate', table: 255, outPort: 0xffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: catchAllMatch() } },
    { type: 'multipart_reply', xid: 27, flags: 0, body: { kind: 'aggregate', packetCount: 10n, byteCount: 1000n, flowCount: 3 } },
    { type: 'multipart_request', xid: 28, flags: 0, body: { kind: 'table' } },
    { type: 'multipart_reply', xid: 29, flags: 0, body: { kind: 'table', tables: [{ tableId: 0, name: of10 ? 'classifier' : '', maxEntries: of10 ? 1000000 : 0, activeCount: 2, lookupCount: 10n, matchedCount: 8n }] } },
    { type: 'multipart_request', xid: 30, flags: 0, body: { kind: 'port_stats', portNo: 0xffff } },
    {
      type: 'multipart_reply', xid: 31, flags: 0,
      body: {
        kind: 'port_stats',
        ports: [{ portNo: 1, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 0n, txDropped: 0n, rxErrors: 0n, txErrors: 0n, rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: of10 ? 0 : 5, durationNsec: 0 }],
      },
    },
    { type: 'multipart_request', xid: 32, flags: 0, body: { kind: 'port_desc', portNo: 0xffff } },
    { type: 'multipart_reply', xid: 33, flags: 0, body: { kind: 'port_desc', ports: [port(1, 'p1')] } },
  ];
  if (!of10) {
    msgs.push(
      { type: 'multipart_request', xid: 34, flags: 0, body: { kind: 'table_features', tables: [] } },
      {
        type: 'multipart_reply', xid: 35, flags: 0,
        body: {
          kind: 'table_features',
          tables: [{
            tableId: 0, name: 'table0', metadataMatch: (1n << 64n) - 1n, metadataWrite: (1n << 64n) - 1n, config: 0, maxEntries: 1000000,
            properties: [
              { kind: 'instructions', ids: [1, 2, 3, 4, 5] },
              { kind: 'next_tables', ids: [1, 2] },
              { kind: 'write_actions', ids: [0, 17, 18, 25] },
              { kind: 'apply_actions', ids: [0, 17, 18, 25] },
              { kind: 'match', ids: [0x80000004, 0x80000a02] },
              { kind: 'wildcards', ids: [0x80000004, 0x80000a02] },
              { kind: 'write_setfield', ids: [0x80000606] },
              { kind: 'apply_setfield', ids: [0x80000606] },
            ],
          }],
        },
      },
      { type: 'multipart_request', xid: 36, flags: 0, body: { kind: 'group_desc' } },
      { type: 'multipart_reply', xid: 37, flags: 0, body: { kind: 'group_desc' } },
    );
  } else {
    msgs.push(
      { type: 'set_flow_format', xid: 38, format: 'nxm' },
      { type: 'flow_mod_table_id', xid: 39, enable: true },
      { type: 'set_packet_in_format', xid: 40, format: 'standard' },
    );
  }
  return msgs;
}
