/**
 * Fuzzing the switch side: well over 100 000 random and mutated messages (seeded) on
 * connections to one bridge. The switch must never throw, must answer what it refuses
 * with a well-formed OFPT_ERROR of a known type and code, and must keep serving a second
 * connection that checks in with a barrier after every batch.
 */
import { describe, expect, it } from 'vitest';
import { OFPP } from '../../sim/flow/layout.js';
import { parseFlow } from '../../sim/openflow/flow-syntax.js';
import type { OfVersion } from '../../sim/openflow/version.js';
import { decode, encode, OfDecodeError } from '../../sim/openflow/wire/codec.js';
import { flowModFromEntry } from '../../sim/openflow/wire/msg-flow.js';
import type { OfMessage } from '../../sim/openflow/wire/messages.js';
import { simulatedChannelPair, type Channel } from '../../sim/ovsdb/channel.js';
import { connectPeer, frame, MS, rig } from './connmgr-helpers.js';

/** A small seeded generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const FLOWS = [
  'priority=5,ip,nw_dst=10.0.0.1,actions=output:2',
  'table=1,cookie=0x5,idle_timeout=1,send_flow_rem,actions=drop',
  'priority=0,actions=CONTROLLER:65535',
  'priority=9,in_port=1,dl_src=02:00:00:00:00:01,actions=goto_table:1',
  'table=2,tcp,tp_dst=80,actions=set_field:10.0.0.9->ip_dst,output:3',
  'priority=3,actions=NORMAL',
  'table=1,priority=7,udp,actions=resubmit(,2),output:IN_PORT',
  'priority=4,dl_vlan=5,actions=strip_vlan,output:1',
];

function randomMessage(r: () => number, v: OfVersion, flows: ReturnType<typeof parseFlow>[]): OfMessage {
  const xid = Math.floor(r() * 0xffffffff);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const match = { key: new Uint32Array(59), mask: new Uint32Array(59) };
  switch (Math.floor(r() * 14)) {
    case 0:
    case 1:
    case 2: {
      const fm = flowModFromEntry(pick(flows), { xid, command: pick(['add', 'add', 'modify', 'modify_strict', 'delete', 'delete_strict'] as const) });
      return { ...fm, hardTimeout: r() < 0.1 ? 1 : 0, flags: r() < 0.3 ? ['send_flow_rem', 'check_overlap'] : fm.flags };
    }
    case 3:
      return { type: 'packet_out', xid, bufferId: 0xffffffff, inPort: pick([1, 2, 3, OFPP.CONTROLLER, OFPP.LOCAL]), actions: pick(flows).actions, data: frame(1 + Math.floor(r() * 4), 2, Math.floor(r() * 255)) };
    case 4:
      return { type: 'multipart_request', xid, flags: 0, body: pick([{ kind: 'desc' }, { kind: 'table' }, { kind: 'port_desc', portNo: OFPP.NONE }, { kind: 'port_stats', portNo: pick([1, 7, OFPP.NONE]) }, { kind: 'group_desc' }] as const) };
    case 5:
      return { type: 'multipart_request', xid, flags: 0, body: { kind: pick(['flow', 'aggregate'] as const), table: pick([0, 1, 255]), outPort: OFPP.NONE, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match } };
    case 6:
      return { type: 'role_request', xid, role: pick(['equal', 'master', 'slave', 'nochange'] as const), generationId: BigInt(Math.floor(r() * 10)) };
    case 7:
      return { type: 'set_config', xid, flags: 0, missSendLen: pick([0, 128, 0xffff]) };
    case 8:
      return { type: 'port_mod', xid, portNo: pick([1, 2, 9]), hwAddr: 0n, config: 1, mask: 1, advertise: 0 };
    case 9:
      return { type: 'echo_request', xid, data: new Uint8Array(Math.floor(r() * 16)) };
    case 10:
      return { type: 'features_request', xid };
    case 11:
      return { type: 'get_config_request', xid };
    case 12:
      return v === 'OpenFlow10' ? { type: 'set_flow_format', xid, format: pick(['nxm', 'openflow10'] as const) } : { type: 'barrier_request', xid };
    default:
      return { type: 'multipart_request', xid, flags: 0, body: { kind: 'table_features', tables: [] } };
  }
}

/** Mutates a message: flipped bytes, a changed type, a truncated or extended body; keeps the header length consistent most of the time. */
function mutate(r: () => number, b: Uint8Array): Uint8Array {
  let out = b.slice();
  const kind = Math.floor(r() * 6);
  if (kind === 0) {
    for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) out[8 + Math.floor(r() * Math.max(1, out.length - 8))] = Math.floor(r() * 256);
  } else if (kind === 1) {
    out[1] = Math.floor(r() * 40);
  } else if (kind === 2) {
    out = out.slice(0, 8 + Math.floor(r() * Math.max(1, out.length - 8)));
  } else if (kind === 3) {
    const more = new Uint8Array(out.length + 1 + Math.floor(r() * 24));
    more.set(out);
    for (let i = out.length; i < more.length; i++) more[i] = Math.floor(r() * 256);
    out = more;
  } else if (kind === 4) {
    out[0] = Math.floor(r() * 8);
  } else {
    // Pure noise with a valid header length.
    out = new Uint8Array(8 + Math.floor(r() * 64));
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(r() * 256);
  }
  if (out.length >= 4 && r() < 0.97) {
    out[2] = out.length >> 8;
    out[3] = out.length & 0xff;
  }
  return out;
}

describe('fuzzing the switch side', () => {
  it('survives 120 000 random and mutated messages, answering with spec errors, and keeps serving', () => {
    const r0 = rig({ packetInRate: { perSecond: 1000, burst: 100 } });
    const { sim, mgr } = r0;
    const witness = connectPeer(r0);
    const flows10 = FLOWS.map((f) => parseFlow(f, { version: 'OpenFlow10' }));
    const flows13 = FLOWS.map((f) => parseFlow(f, { version: 'OpenFlow13' }));
    const r = rng(0x5eed);
    let sent = 0;
    let errors = 0;
    let badErrors = 0;
    let reconnects = 0;
    let witnessBarrier = 1;

    let end: Channel | null = null;
    let version: OfVersion = 'OpenFlow13';
    let closed = true;
    const open = (): void => {
      const [a, b] = simulatedChannelPair(sim, { latencyNs: 1000, name: 'fuzz' });
      mgr.attach(b, { kind: r() < 0.5 ? 'primary' : 'service' });
      version = (['OpenFlow10', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'] as const)[Math.floor(r() * 4)]!;
      closed = false;
      a.start({
        data: (chunk) => {
          // Check every error the switch sends decodes as a known error.
          for (let at = 0; at + 8 <= chunk.length; ) {
            const len = (chunk[at + 2]! << 8) | chunk[at + 3]!;
            if (len < 8) break;
            const msg = chunk.subarray(at, at + len);
            if (msg[1] === 1) {
              errors++;
              const d = decode(msg);
              if (d instanceof OfDecodeError || d.msg.type !== 'error' || d.msg.name === undefined) badErrors++;
            }
            at += len;
          }
        },
        closed: () => {
          closed = true;
        },
      });
      a.write(encode({ type: 'hello', xid: 1, versions: [version] }, version));
      end = a;
      reconnects++;
    };

    while (sent < 120_000) {
      if (closed) open();
      for (let i = 0; i < 200; i++) {
        const flows = version === 'OpenFlow10' ? flows10 : flows13;
        const m = randomMessage(r, version, flows);
        let bytes = encode(m, version);
        if (r() < 0.5) bytes = mutate(r, bytes);
        end!.write(bytes);
        sent++;
      }
      // Traffic through the tables the fuzzer keeps changing.
      for (let i = 0; i < 5; i++) r0.br.receive(1 + Math.floor(r() * 3), frame(1 + Math.floor(r() * 3), 2, i));
      witness.send({ type: 'barrier_request', xid: ++witnessBarrier });
      sim.run({ until: sim.now() + 5 * MS });
      expect(witness.of('barrier_reply').at(-1)?.xid).toBe(witnessBarrier);
      if (sent % 10_000 === 0) witness.send({ type: 'flow_mod', ...flowModFromEntry(flows13[0]!, { command: 'delete' }), table: 255, xid: 1 });
    }
    expect(sent).toBeGreaterThanOrEqual(100_000);
    expect(mgr.internalErrors).toBe(0);
    expect(mgr.connections.reduce((n, c) => n + c.conn.internalErrors, 0)).toBe(0);
    expect(badErrors).toBe(0);
    expect(errors).toBeGreaterThan(1000);
    expect(reconnects).toBeGreaterThan(1);
    // The witness still gets real answers.
    witness.send({ type: 'features_request', xid: 999 });
    sim.run({ until: sim.now() + 5 * MS });
    expect(witness.of('features_reply').at(-1)?.xid).toBe(999);
  }, 120_000);
});
