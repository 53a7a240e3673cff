/**
 * OXS, OpenFlow 1.5's TLV format for flow statistics (flow-removed, flow and aggregate
 * stats): duration, idle time, packet, byte and flow counts, each optional.
 */
import type { Reader, Writer } from './bytes.js';
import { WireError } from './errors.js';

const OXS_CLASS = 0x8002;
const DURATION = 0;
const IDLE_TIME = 1;
const FLOW_COUNT = 3;
const PACKET_COUNT = 4;
const BYTE_COUNT = 5;

export interface OxsStats {
  durationSec?: number;
  durationNsec?: number;
  idleAgeSec?: number;
  packetCount?: bigint;
  byteCount?: bigint;
  flowCount?: number;
}

function put64(w: Writer, field: number, v: bigint): void {
  w.u32(((OXS_CLASS << 16) | (field << 9) | 8) >>> 0).u64(v);
}

export function putOxsStats(w: Writer, s: OxsStats): void {
  const start = w.length;
  w.u16(0).u16(0);
  if (s.durationSec !== undefined) put64(w, DURATION, (BigInt(s.durationSec) << 32n) | BigInt(s.durationNsec ?? 0));
  if (s.idleAgeSec !== undefined) put64(w, IDLE_TIME, BigInt(s.idleAgeSec) << 32n);
  if (s.packetCount !== undefined) put64(w, PACKET_COUNT, s.packetCount);
  if (s.byteCount !== undefined) put64(w, BYTE_COUNT, s.byteCount);
  if (s.flowCount !== undefined) w.u32(((OXS_CLASS << 16) | (FLOW_COUNT << 9) | 4) >>> 0).u32(s.flowCount);
  w.setU16(start + 2, w.length - start);
  w.pad(start);
}

export function pullOxsStats(r: Reader): OxsStats {
  r.skip(2);
  const len = r.u16('ofp_oxs_stat length');
  if (len < 4) throw new WireError('OFPBRC_BAD_LEN', `OXS stats length ${len}`);
  const sub = r.sub(len - 4, 'OXS stats');
  r.skip(((len + 7) & ~7) - len, 'OXS padding');
  const out: OxsStats = {};
  while (sub.remaining > 0) {
    const hdr = sub.u32('OXS header');
    const cls = hdr >>> 16;
    const field = (hdr >>> 9) & 0x7f;
    const n = hdr & 0xff;
    const body = sub.sub(n, 'OXS value');
    if (cls !== OXS_CLASS) continue;
    const need = field === FLOW_COUNT ? 4 : 8;
    if (n !== need) throw new WireError('OFPBRC_BAD_LEN', `OXS field ${field} with length ${n}`);
    switch (field) {
      case DURATION:
        out.durationSec = body.u32();
        out.durationNsec = body.u32();
        break;
      case IDLE_TIME:
        out.idleAgeSec = body.u32();
        break;
      case PACKET_COUNT:
        out.packetCount = body.u64();
        break;
      case BYTE_COUNT:
        out.byteCount = body.u64();
        break;
      case FLOW_COUNT:
        out.flowCount = body.u32();
        break;
      default:
        break;
    }
  }
  return out;
}
