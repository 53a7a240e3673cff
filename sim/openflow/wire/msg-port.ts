/**
 * Ports on the wire: descriptions (OpenFlow 1.0's 48-byte phy_port, 1.1–1.3's 64-byte
 * port, 1.4+'s port with an Ethernet property), port statistics and port mods.
 * Feature bits are held in 1.1+ numbering; OpenFlow 1.0 keeps its media bits lower.
 */
import { atLeast, type OfVersion } from '../version.js';
import type { Reader, Writer } from './bytes.js';
import { WireError } from './errors.js';
import type { MessageOf, PortDesc, PortStats } from './messages.js';
import { portFromOf11, portToOf11 } from './ports.js';

/** OpenFlow 1.0 feature bits 7..11 (copper…pause_asym) are 1.1's bits 11..15. */
function featuresTo10(f: number): number {
  return (f & 0x7f) | ((f >>> 11) & 0x1f) << 7;
}
function featuresFrom10(f: number): number {
  return ((f & 0x7f) | (((f >>> 7) & 0x1f) << 11)) >>> 0;
}

export function putPort(w: Writer, p: PortDesc, v: OfVersion): void {
  if (v === 'OpenFlow10') {
    w.u16(p.portNo).uint(p.hwAddr, 6).str(p.name, 16).u32(p.config).u32(p.state);
    w.u32(featuresTo10(p.curr)).u32(featuresTo10(p.advertised)).u32(featuresTo10(p.supported)).u32(featuresTo10(p.peer));
    return;
  }
  if (!atLeast(v, 'OpenFlow14')) {
    w.u32(portToOf11(p.portNo)).zeros(4).uint(p.hwAddr, 6).zeros(2).str(p.name, 16).u32(p.config).u32(p.state);
    w.u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
    return;
  }
  w.u32(portToOf11(p.portNo)).u16(72).zeros(2).uint(p.hwAddr, 6).zeros(2).str(p.name, 16).u32(p.config).u32(p.state);
  w.u16(0).u16(32).zeros(4).u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
}

function port32(r: Reader): number {
  const p = portFromOf11(r.u32());
  if (p === undefined) throw new WireError('OFPBRC_BAD_PORT', 'port number outside the OpenFlow 1.0 range');
  return p;
}

export function pullPort(r: Reader, v: OfVersion): PortDesc {
  if (v === 'OpenFlow10') {
    const portNo = r.u16();
    const hwAddr = r.uint(6);
    const name = r.str(16);
    const config = r.u32();
    const state = r.u32();
    const curr = featuresFrom10(r.u32());
    const advertised = featuresFrom10(r.u32());
    const supported = featuresFrom10(r.u32());
    const peer = featuresFrom10(r.u32());
    return { portNo, hwAddr, name, config, state, curr, advertised, supported, peer, currSpeed: 0, maxSpeed: 0 };
  }
  if (!atLeast(v, 'OpenFlow14')) {
    const portNo = port32(r);
    r.skip(4);
    const hwAddr = r.uint(6);
    r.skip(2);
    const name = r.str(16);
    return {
      portNo, hwAddr, name, config: r.u32(), state: r.u32(), curr: r.u32(), advertised: r.u32(), supported: r.u32(), peer: r.u32(),
      currSpeed: r.u32(), maxSpeed: r.u32(),
    };
  }
  const portNo = port32(r);
  const len = r.u16();
  if (len < 40) throw new WireError('OFPBRC_BAD_LEN', `port description of length ${len}`);
  r.skip(2);
  const hwAddr = r.uint(6);
  r.skip(2);
  const name = r.str(16);
  const config = r.u32();
  const state = r.u32();
  const props = r.sub(len - 40, 'port properties');
  let eth = { curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
  while (props.remaining >= 4) {
    const type = props.u16();
    const plen = props.u16();
    if (plen < 4) throw new WireError('OFPBRC_BAD_LEN', `port property of length ${plen}`);
    const body = props.sub(plen - 4, 'port property');
    props.skip(Math.min(props.remaining, ((plen + 7) & ~7) - plen));
    if (type === 0) {
      body.skip(4);
      eth = { curr: body.u32(), advertised: body.u32(), supported: body.u32(), peer: body.u32(), currSpeed: body.u32(), maxSpeed: body.u32() };
    }
  }
  return { portNo, hwAddr, name, config, state, ...eth };
}

export function putPortStats(w: Writer, s: PortStats, v: OfVersion): void {
  const common = [s.rxPackets, s.txPackets, s.rxBytes, s.txBytes, s.rxDropped, s.txDropped, s.rxErrors, s.txErrors];
  const eth = [s.rxFrameErr, s.rxOverErr, s.rxCrcErr, s.collisions];
  if (v === 'OpenFlow10') {
    w.u16(s.portNo).zeros(6);
    for (const c of [...common, ...eth]) w.u64(c);
    return;
  }
  if (!atLeast(v, 'OpenFlow14')) {
    w.u32(portToOf11(s.portNo)).zeros(4);
    for (const c of [...common, ...eth]) w.u64(c);
    w.u32(s.durationSec).u32(s.durationNsec);
    return;
  }
  w.u16(120).zeros(2).u32(portToOf11(s.portNo)).u32(s.durationSec).u32(s.durationNsec);
  for (const c of common) w.u64(c);
  w.u16(0).u16(40).zeros(4);
  for (const c of eth) w.u64(c);
}

export function pullPortStats(r: Reader, v: OfVersion): PortStats {
  const list = (n: number): bigint[] => Array.from({ length: n }, () => r.u64());
  const build = (portNo: number, c: bigint[], e: bigint[], durationSec: number, durationNsec: number): PortStats => ({
    portNo,
    rxPackets: c[0]!, txPackets: c[1]!, rxBytes: c[2]!, txBytes: c[3]!, rxDropped: c[4]!, txDropped: c[5]!, rxErrors: c[6]!, txErrors: c[7]!,
    rxFrameErr: e[0] ?? 0n, rxOverErr: e[1] ?? 0n, rxCrcErr: e[2] ?? 0n, collisions: e[3] ?? 0n,
    durationSec, durationNsec,
  });
  if (v === 'OpenFlow10') {
    const portNo = r.u16();
    r.skip(6);
    return build(portNo, list(8), list(4), 0, 0);
  }
  if (!atLeast(v, 'OpenFlow14')) {
    const portNo = port32(r);
    r.skip(4);
    const c = list(8);
    const e = list(4);
    return build(portNo, c, e, r.u32(), r.u32());
  }
  // 1.4 moved the length to the front of the entry.
  const len = r.u16();
  if (len < 80) throw new WireError('OFPBRC_BAD_LEN', `port stats of length ${len}`);
  r.skip(2);
  const portNo = port32(r);
  const ds = r.u32();
  const dn = r.u32();
  const c = list(8);
  const props = r.sub(len - 80, 'port stats properties');
  let e: bigint[] = [];
  while (props.remaining >= 4) {
    const type = props.u16();
    const plen = props.u16();
    if (plen < 4) throw new WireError('OFPBRC_BAD_LEN', `port stats property of length ${plen}`);
    const body = props.sub(plen - 4, 'port stats property');
    // Properties are padded to 8 bytes (OVS's custom-statistics property needs it).
    props.skip(Math.min(props.remaining, ((plen + 7) & ~7) - plen));
    if (type === 0) {
      body.skip(4);
      e = [body.u64(), body.u64(), body.u64(), body.u64()];
    }
  }
  return build(portNo, c, e, ds, dn);
}

type PortMod = MessageOf<'port_mod'>;

export function putPortMod(w: Writer, m: PortMod, v: OfVersion): void {
  if (v === 'OpenFlow10') {
    w.u16(m.portNo).uint(m.hwAddr, 6).u32(m.config).u32(m.mask).u32(featuresTo10(m.advertise)).zeros(4);
    return;
  }
  w.u32(portToOf11(m.portNo)).zeros(4).uint(m.hwAddr, 6).zeros(2).u32(m.config).u32(m.mask);
  if (!atLeast(v, 'OpenFlow14')) w.u32(m.advertise).zeros(4);
  else w.u16(0).u16(8).u32(m.advertise);
}

export function pullPortMod(r: Reader, xid: number, v: OfVersion): PortMod {
  if (v === 'OpenFlow10') {
    const portNo = r.u16();
    const hwAddr = r.uint(6);
    const config = r.u32();
    const mask = r.u32();
    const advertise = featuresFrom10(r.u32());
    r.skip(4);
    return { type: 'port_mod', xid, portNo, hwAddr, config, mask, advertise };
  }
  const portNo = port32(r);
  r.skip(4);
  const hwAddr = r.uint(6);
  r.skip(2);
  const config = r.u32();
  const mask = r.u32();
  let advertise = 0;
  if (!atLeast(v, 'OpenFlow14')) {
    advertise = r.u32();
    r.skip(4);
  } else {
    while (r.remaining >= 4) {
      const type = r.u16();
      const plen = r.u16();
      if (plen < 4) throw new WireError('OFPBRC_BAD_LEN', `port mod property of length ${plen}`);
      const body = r.sub(plen - 4, 'port mod property');
      if (type === 0) advertise = body.u32();
    }
  }
  return { type: 'port_mod', xid, portNo, hwAddr, config, mask, advertise };
}
