/**
 * Executing datapath actions on a frame: header rewrites, VLAN push/pop, output and
 * upcalls to the controller.
 *
 * Actions are compiled once, when a flow is installed, into byte patches at fixed offsets
 * from a header (Ethernet, L3 or L4), so running them on a cache hit allocates nothing:
 * a rewrite writes bytes in place and fixes the checksums it touched (IPv4 header
 * checksum recomputed; TCP/UDP/ICMP checksums adjusted incrementally, RFC 1624; SCTP's
 * CRC32c recomputed). Only pushing or popping a VLAN tag, and sending one packet out of
 * several ports, copy the frame.
 */
import { crc32c, internetChecksum, sumBytes } from '../packet/checksum.js';
import type { OdpAction, OdpSetField } from './odp-actions.js';

type Base = 'l2' | 'l3' | 'l4' | 'nd';
/** Which checksum a patch disturbs. */
type Csum = 'none' | 'ipv4_hdr' | 'l4_pseudo' | 'l4' | 'sctp';

interface Patch {
  readonly base: Base;
  readonly off: number;
  readonly value: Uint8Array;
  readonly mask: Uint8Array;
  readonly csum: Csum;
}

export type CompiledAction =
  | { readonly kind: 'output'; readonly port: number }
  | { readonly kind: 'push_vlan'; readonly tpid: number; readonly tci: number }
  | { readonly kind: 'pop_vlan' }
  | { readonly kind: 'set'; readonly attr: string; readonly patches: readonly Patch[] }
  | { readonly kind: 'userspace'; readonly action: OdpAction };

/** Where a set field lives: its header, its byte offset there and its width in bytes. */
const FIELD_PLACES: Record<string, Record<string, { base: Base; off: number; bytes: number; csum: Csum }>> = {
  eth: { dst: { base: 'l2', off: 0, bytes: 6, csum: 'none' }, src: { base: 'l2', off: 6, bytes: 6, csum: 'none' } },
  ipv4: {
    src: { base: 'l3', off: 12, bytes: 4, csum: 'l4_pseudo' },
    dst: { base: 'l3', off: 16, bytes: 4, csum: 'l4_pseudo' },
    tos: { base: 'l3', off: 1, bytes: 1, csum: 'ipv4_hdr' },
    ttl: { base: 'l3', off: 8, bytes: 1, csum: 'ipv4_hdr' },
  },
  ipv6: {
    src: { base: 'l3', off: 8, bytes: 16, csum: 'l4_pseudo' },
    dst: { base: 'l3', off: 24, bytes: 16, csum: 'l4_pseudo' },
    hlimit: { base: 'l3', off: 7, bytes: 1, csum: 'none' },
  },
  tcp: { src: { base: 'l4', off: 0, bytes: 2, csum: 'l4' }, dst: { base: 'l4', off: 2, bytes: 2, csum: 'l4' } },
  udp: { src: { base: 'l4', off: 0, bytes: 2, csum: 'l4' }, dst: { base: 'l4', off: 2, bytes: 2, csum: 'l4' } },
  sctp: { src: { base: 'l4', off: 0, bytes: 2, csum: 'sctp' }, dst: { base: 'l4', off: 2, bytes: 2, csum: 'sctp' } },
  icmp: { type: { base: 'l4', off: 0, bytes: 1, csum: 'l4' }, code: { base: 'l4', off: 1, bytes: 1, csum: 'l4' } },
  icmpv6: { type: { base: 'l4', off: 0, bytes: 1, csum: 'l4' }, code: { base: 'l4', off: 1, bytes: 1, csum: 'l4' } },
  arp: {
    op: { base: 'l3', off: 6, bytes: 2, csum: 'none' },
    sha: { base: 'l3', off: 8, bytes: 6, csum: 'none' },
    sip: { base: 'l3', off: 14, bytes: 4, csum: 'none' },
    tha: { base: 'l3', off: 18, bytes: 6, csum: 'none' },
    tip: { base: 'l3', off: 24, bytes: 4, csum: 'none' },
  },
  nd: { target: { base: 'l4', off: 8, bytes: 16, csum: 'l4' }, sll: { base: 'nd', off: 1, bytes: 6, csum: 'l4' }, tll: { base: 'nd', off: 2, bytes: 6, csum: 'l4' } },
};

function toBytes(v: bigint, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

function compileSetField(attr: string, f: OdpSetField): Patch | null {
  if (f.mask === 0n) return null;
  if (attr === 'ipv6' && (f.name === 'label' || f.name === 'tclass')) {
    // Version, traffic class and flow label share the first 32-bit word.
    const shift = f.name === 'label' ? 0n : 20n;
    return { base: 'l3', off: 0, value: toBytes((f.value & f.mask) << shift, 4), mask: toBytes(f.mask << shift, 4), csum: 'none' };
  }
  const place = FIELD_PLACES[attr]?.[f.name];
  if (!place) return null; // read-only fields (proto, frag) are never written
  return { base: place.base, off: place.off, value: toBytes(f.value & f.mask, place.bytes), mask: toBytes(f.mask, place.bytes), csum: place.csum };
}

/** Compiled actions plus what the fast path wants to know without looking at them. */
export interface CompiledActions {
  readonly list: readonly CompiledAction[];
  /** Index of the last output or upcall (it may take the frame itself, uncopied). */
  readonly lastOutput: number;
  /** The port when the actions are exactly one output, else -1. */
  readonly singleOutput: number;
}

export function compileActions(actions: readonly OdpAction[]): CompiledActions {
  const list = compileList(actions);
  let lastOutput = -1;
  for (let i = list.length - 1; i >= 0 && lastOutput < 0; i--) {
    const k = list[i]!.kind;
    if (k === 'output' || k === 'userspace') lastOutput = i;
  }
  const only = list.length === 1 ? list[0]! : null;
  return { list, lastOutput, singleOutput: only !== null && only.kind === 'output' ? only.port : -1 };
}

function compileList(actions: readonly OdpAction[]): CompiledAction[] {
  return actions.map((a): CompiledAction => {
    switch (a.type) {
      case 'output':
        return { kind: 'output', port: a.port };
      case 'push_vlan':
        return { kind: 'push_vlan', tpid: a.tpid, tci: a.tci };
      case 'pop_vlan':
        return { kind: 'pop_vlan' };
      case 'set': {
        const patches: Patch[] = [];
        for (const f of a.fields) {
          const p = compileSetField(a.attr, f);
          if (p) patches.push(p);
        }
        return { kind: 'set', attr: a.attr, patches };
      }
      case 'userspace':
        return { kind: 'userspace', action: a };
      default: {
        const never: never = a;
        throw new Error(`cannot execute ${JSON.stringify(never)}`);
      }
    }
  });
}

/** What executing actions needs from the datapath around it. */
export interface ExecuteContext {
  output(port: number, frame: Uint8Array): void;
  userspace(frame: Uint8Array, action: OdpAction): void;
}

// Header offsets of the frame being executed, found once per set action (no allocation).
let l3 = 0;
let l4 = -1;
let ipVersion = 0;
let l4Proto = -1;
let ndOpts = -1;

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Finds the L3 and L4 headers of `frame`. */
function locate(frame: Uint8Array): void {
  let off = 12;
  let type = rd16(frame, off);
  while ((type === 0x8100 || type === 0x88a8) && off + 6 <= frame.length) {
    off += 4;
    type = rd16(frame, off);
  }
  l3 = off + 2;
  l4 = -1;
  ipVersion = 0;
  l4Proto = -1;
  ndOpts = -1;
  if (type === 0x0800 && frame.length >= l3 + 20) {
    ipVersion = 4;
    const ihl = (frame[l3]! & 0x0f) * 4;
    const fragOff = rd16(frame, l3 + 6) & 0x1fff;
    l4Proto = frame[l3 + 9]!;
    if (fragOff === 0 && frame.length >= l3 + ihl) l4 = l3 + ihl;
  } else if (type === 0x86dd && frame.length >= l3 + 40) {
    ipVersion = 6;
    let next = frame[l3 + 6]!;
    let o = l3 + 40;
    for (;;) {
      if (next === 0 || next === 43 || next === 60) {
        if (o + 8 > frame.length) return;
        next = frame[o]!;
        o += (frame[o + 1]! + 1) * 8;
      } else if (next === 51) {
        if (o + 8 > frame.length) return;
        next = frame[o]!;
        o += (frame[o + 1]! + 2) * 4;
      } else if (next === 44) {
        if (o + 8 > frame.length) return;
        if ((rd16(frame, o + 2) & 0xfff8) !== 0) return; // a later fragment has no L4 header
        next = frame[o]!;
        o += 8;
      } else break;
    }
    l4Proto = next;
    if (o <= frame.length) l4 = o;
  } else if (type === 0x0806) {
    ipVersion = 0;
  }
}

/** Finds the first ND option of type `t` (1: source, 2: target link-layer address). */
function ndOption(frame: Uint8Array, t: number): number {
  for (let o = l4 + 24; o + 8 <= frame.length; ) {
    const len = frame[o + 1]! * 8;
    if (len === 0) return -1;
    if (frame[o] === t) return o + 2;
    o += len;
  }
  return -1;
}

/** The offset of the L4 checksum field, or -1 when there is none to keep. */
function l4CsumOffset(frame: Uint8Array): number {
  if (l4 < 0) return -1;
  switch (l4Proto) {
    case 6:
      return l4 + 16 + 2 <= frame.length ? l4 + 16 : -1;
    case 17:
      // An IPv4 UDP checksum of zero means "none" and stays so.
      if (l4 + 8 > frame.length) return -1;
      return ipVersion === 4 && rd16(frame, l4 + 6) === 0 ? -1 : l4 + 6;
    case 1:
    case 58:
      return l4 + 4 <= frame.length ? l4 + 2 : -1;
    default:
      return -1;
  }
}

/** RFC 1624: adjusts the checksum at `at` for 16-bit sums going from `oldSum` to `newSum`. */
function adjustChecksum(frame: Uint8Array, at: number, oldSum: number, newSum: number): void {
  let c = (~rd16(frame, at) & 0xffff) + (~oldSum & 0xffff) + newSum;
  while (c > 0xffff) c = (c & 0xffff) + (c >>> 16);
  c = ~c & 0xffff;
  frame[at] = c >>> 8;
  frame[at + 1] = c & 0xff;
}

/** The one's-complement sum of `len` bytes at `off`, as 16-bit words aligned to `align`. */
function wordSum(frame: Uint8Array, off: number, len: number, align: number): number {
  const start = off - ((off - align) & 1);
  const end = off + len + ((off + len - align) & 1);
  return sumBytes(frame, start, end);
}

function applySet(frame: Uint8Array, patches: readonly Patch[]): void {
  locate(frame);
  let ipv4Dirty = false;
  let sctpDirty = false;
  for (let p = 0; p < patches.length; p++) {
    const patch = patches[p]!;
    let base: number;
    switch (patch.base) {
      case 'l2':
        base = 0;
        break;
      case 'l3':
        base = l3;
        break;
      case 'l4':
        base = l4;
        break;
      case 'nd':
        base = l4 < 0 ? -1 : ndOption(frame, patch.off) - patch.off;
        break;
    }
    if (base < 0 || base + patch.off + patch.value.length > frame.length) continue;
    const at = base + patch.off;
    const len = patch.value.length;
    // The checksum that covers these bytes, and their sum before the write.
    let csumAt = -1;
    let align = 0;
    if (patch.csum === 'l4_pseudo' || patch.csum === 'l4') {
      csumAt = l4CsumOffset(frame);
      align = patch.csum === 'l4' ? l4 : l3;
    }
    const before = csumAt >= 0 ? wordSum(frame, at, len, align) : 0;
    for (let i = 0; i < len; i++) frame[at + i] = (frame[at + i]! & ~patch.mask[i]!) | patch.value[i]!;
    if (csumAt >= 0) adjustChecksum(frame, csumAt, before, wordSum(frame, at, len, align));
    if (ipVersion === 4 && patch.base === 'l3') ipv4Dirty = true;
    if (patch.csum === 'sctp') sctpDirty = true;
  }
  if (ipv4Dirty) {
    const ihl = (frame[l3]! & 0x0f) * 4;
    frame[l3 + 10] = 0;
    frame[l3 + 11] = 0;
    const c = internetChecksum(frame, l3, l3 + ihl);
    frame[l3 + 10] = c >>> 8;
    frame[l3 + 11] = c & 0xff;
  }
  if (sctpDirty && l4 >= 0 && l4 + 12 <= frame.length) {
    frame[l4 + 8] = frame[l4 + 9] = frame[l4 + 10] = frame[l4 + 11] = 0;
    const crc = crc32c(frame, l4, frame.length);
    // SCTP stores its CRC32c little-endian.
    frame[l4 + 8] = crc & 0xff;
    frame[l4 + 9] = (crc >>> 8) & 0xff;
    frame[l4 + 10] = (crc >>> 16) & 0xff;
    frame[l4 + 11] = crc >>> 24;
  }
}

function pushVlan(frame: Uint8Array, tpid: number, tci: number): Uint8Array {
  const out = new Uint8Array(frame.length + 4);
  out.set(frame.subarray(0, 12), 0);
  out[12] = tpid >>> 8;
  out[13] = tpid & 0xff;
  out[14] = tci >>> 8;
  out[15] = tci & 0xff;
  out.set(frame.subarray(12), 16);
  return out;
}

function popVlan(frame: Uint8Array): Uint8Array {
  const t = rd16(frame, 12);
  if ((t !== 0x8100 && t !== 0x88a8) || frame.length < 18) return frame;
  const out = new Uint8Array(frame.length - 4);
  out.set(frame.subarray(0, 12), 0);
  out.set(frame.subarray(16), 12);
  return out;
}

/**
 * Runs compiled actions on `frame` (which it may rewrite in place). Every output but the
 * last gets its own copy, since later actions may still change the packet.
 */
export function executeActions(frame: Uint8Array, compiled: CompiledActions, ctx: ExecuteContext): void {
  if (compiled.singleOutput >= 0) {
    ctx.output(compiled.singleOutput, frame);
    return;
  }
  const actions = compiled.list;
  const lastOutput = compiled.lastOutput;
  let pkt = frame;
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    switch (a.kind) {
      case 'output':
        ctx.output(a.port, i === lastOutput ? pkt : pkt.slice());
        break;
      case 'userspace':
        ctx.userspace(i === lastOutput ? pkt : pkt.slice(), a.action);
        break;
      case 'set':
        applySet(pkt, a.patches);
        break;
      case 'push_vlan':
        pkt = pushVlan(pkt, a.tpid, a.tci);
        break;
      case 'pop_vlan':
        pkt = popVlan(pkt);
        break;
    }
  }
}
