/**
 * NXT_PACKET_IN2, the Nicira packet-in that `ovs-ofctl monitor` asks Open vSwitch for:
 * a list of properties (packet, full length, buffer id, table, cookie, reason, pipeline
 * metadata as NXM). The codec does not read it, so the monitor reads it here.
 */
import type { ControllerReason } from '../openflow/ofpact.js';
import { Reader } from '../openflow/wire/bytes.js';
import { pullMatchTlvs } from '../openflow/wire/nxm.js';
import { catchAllMatch } from '../flow/match.js';
import type { PacketIn } from '../openflow/wire/index.js';

const NX_VENDOR_ID = 0x00002320;
const NXT_PACKET_IN2 = 30;
const REASONS: readonly ControllerReason[] = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];

/** Whether `bytes` is an NXT_PACKET_IN2 (vendor message, Nicira, subtype 30). */
export function isNxPacketIn2(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || bytes[1] !== 4) return false;
  const r = new Reader(bytes);
  r.skip(8);
  return r.u32() === NX_VENDOR_ID && r.u32() === NXT_PACKET_IN2;
}

/** Reads an NXT_PACKET_IN2; throws a WireError on malformed properties. */
export function decodeNxPacketIn2(bytes: Uint8Array): PacketIn {
  const r = new Reader(bytes);
  r.skip(4);
  const xid = r.u32();
  r.skip(8);
  let data: Uint8Array = new Uint8Array();
  let totalLen: number | undefined;
  let bufferId = 0xffffffff;
  let table = 0;
  let cookie = 0xffffffffffffffffn;
  let reason: ControllerReason = 'no_match';
  let match = catchAllMatch();
  while (r.remaining >= 4) {
    const type = r.u16();
    const len = r.u16();
    const body = r.sub(Math.max(0, len - 4), 'packet-in2 property');
    r.skip(Math.min(r.remaining, ((len + 7) & ~7) - len));
    switch (type) {
      case 0:
        data = body.rest();
        break;
      case 1:
        totalLen = body.u32();
        break;
      case 2:
        bufferId = body.u32();
        break;
      case 3:
        table = body.u8();
        break;
      case 4:
        body.skip(4);
        cookie = body.u64();
        break;
      case 5:
        reason = REASONS[body.u8()] ?? 'no_match';
        break;
      case 6:
        match = pullMatchTlvs(body, body.remaining).match;
        break;
      default:
        break;
    }
  }
  return { type: 'packet_in', xid, bufferId, totalLen: totalLen ?? data.length, reason, table, cookie, match, data };
}
