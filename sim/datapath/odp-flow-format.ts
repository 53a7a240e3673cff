/**
 * Datapath flows as text: a megaflow (key + mask) in the attribute syntax that
 * `ovs-appctl dpctl/dump-flows` prints for the userspace datapath, e.g.
 * `recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth_type(0x0800),ipv4(src=10.0.0.1/255.0.0.0,proto=6,frag=no),tcp(dst=80)`.
 *
 * How OVS arrives at that text, and what this module reproduces:
 * - The flow is first serialized as a list of datapath key attributes chosen from the
 *   packet's key alone (which headers it has), and the mask is serialized the same way.
 *   So which attributes exist depends on the key; the mask only decides what is shown.
 * - By default an attribute whose mask is all zero is left out, and inside an attribute
 *   a sub-field with a zero mask is left out; a partial mask prints as `value/mask`. The
 *   `verbose` form (`dump-flows -m`) shows everything, zero masks included.
 * - Nested attributes (`encap(...)` after an 802.1Q tag) are always shown.
 * - The userspace datapath keeps the whole key of the packet that caused the upcall, so
 *   bits outside the mask still show in a value (`src=10.0.0.1/255.0.0.0`). Pass that
 *   unmasked key to get OVS's text; a normalized match prints `src=10.0.0.0/255.0.0.0`.
 * - Quirks kept on purpose: ND fields show only when the ICMPv6 type and code masks are
 *   both exactly 0xff; transport attributes are absent for later fragments; a frame
 *   without an Ethernet II type ends with `eth_type(0/0xffff)`.
 *
 * The in_port word must already hold the datapath port number (LOCAL is a datapath
 * number such as 100, not OpenFlow's 0xfffe). Tunnels, conntrack, dp_hash and MPLS
 * labels are not in ovsim's flow key and are never printed (conntrack and dp_hash show as
 * all-wildcarded in the verbose form, as for any flow that does not match them).
 */
import { formatIpv4, formatIpv6, formatMac } from '../flow/addr.js';
import { ETH_TYPE, FLOW_WORDS, FRAG_ANY, FRAG_LATER, IPPROTO, W } from '../flow/layout.js';
import type { Match } from '../flow/match.js';

export interface FormatOdpFlowOptions {
  /** The `dpctl/dump-flows -m` form: every attribute and sub-field, zero masks included. */
  readonly verbose?: boolean;
  /** Names for datapath ports (the verbose form prints `in_port(p1)`); unnamed ports print as numbers. */
  readonly portName?: (odpPort: number) => string | undefined;
}

/** Counters of a datapath flow, as `dpctl/dump-flows` shows them. */
export interface DpFlowStats {
  readonly packets: number;
  readonly bytes: number;
  /** When the flow last matched a packet (engine milliseconds), or null if never. */
  readonly usedMs: number | null;
  /** OR of the TCP flags of the packets counted. */
  readonly tcpFlags?: number;
}

// --- values as OVS's printf formats write them ---

/** printf's `%#x`: zero has no 0x prefix. */
function altHex(v: number | bigint): string {
  return v === 0 || v === 0n ? '0' : `0x${v.toString(16)}`;
}

function u32(v: number): number {
  return v >>> 0;
}

function wordsBig(a: Uint32Array, word: number, n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 32n) | BigInt(a[word + i]!);
  return v;
}

function macAt(a: Uint32Array, word: number): bigint {
  return wordsBig(a, word, 2) & 0xffff_ffff_ffffn;
}

const MAC_ONES = 0xffff_ffff_ffffn;
const IN6_ONES = (1n << 128n) - 1n;

/** One sub-field of an attribute: its text, or null when it is not shown. */
type Part = string | null;

function ipv4Part(name: string, key: number, mask: number, verbose: boolean): Part {
  if (!verbose && mask === 0) return null;
  return mask === 0xffffffff ? `${name}=${formatIpv4(key)}` : `${name}=${formatIpv4(key)}/${formatIpv4(mask)}`;
}

function ipv6Part(name: string, key: bigint, mask: bigint, verbose: boolean): Part {
  if (!verbose && mask === 0n) return null;
  return mask === IN6_ONES ? `${name}=${formatIpv6(key)}` : `${name}=${formatIpv6(key)}/${formatIpv6(mask)}`;
}

function macPart(name: string, key: bigint, mask: bigint, verbose: boolean): Part {
  if (!verbose && mask === 0n) return null;
  return mask === MAC_ONES ? `${name}=${formatMac(key)}` : `${name}=${formatMac(key)}/${formatMac(mask)}`;
}

/** A number printed in decimal (`%u`), its partial mask in hex. */
function decPart(name: string, key: number, mask: number, full: number, verbose: boolean): Part {
  if (!verbose && mask === 0) return null;
  return mask === full ? `${name}=${key}` : `${name}=${key}/${altHex(mask)}`;
}

/** A number printed in hex (`%#x`), its partial mask too. */
function hexPart(name: string, key: number, mask: number, full: number, verbose: boolean): Part {
  if (!verbose && mask === 0) return null;
  return mask === full ? `${name}=${altHex(key)}` : `${name}=${altHex(key)}/${altHex(mask)}`;
}

const FRAG_NAMES = ['no', 'first', 'later'] as const;

/** The datapath's frag is an enumeration, shown only under a full mask (even when verbose). */
function fragPart(nwFrag: number, maskFrag: number): Part {
  if (!(maskFrag & FRAG_ANY)) return null;
  const v = !(nwFrag & FRAG_ANY) ? 0 : nwFrag & FRAG_LATER ? 2 : 1;
  return `frag=${FRAG_NAMES[v]}`;
}

function joinParts(parts: readonly Part[]): string {
  return parts.filter((p): p is string => p !== null).join(',');
}

// --- TCP flags ---

const TCP_FLAG_NAMES: readonly string[] = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns', '[200]', '[400]', '[800]'];
const TCP_FLAGS_ALL = 0x0fff;

/** Flags as `syn|ack`, lowest bit first; no flags is `0`. */
function tcpFlagsExact(flags: number): string {
  const names: string[] = [];
  for (let i = 0; i < 12; i++) if (flags & (1 << i)) names.push(TCP_FLAG_NAMES[i]!);
  return names.length === 0 ? '0' : names.join('|');
}

/** Flags under a partial mask as `+syn-ack`, lowest bit first. */
function tcpFlagsMasked(flags: number, mask: number): string {
  if (mask === 0) return '0/0';
  let s = '';
  for (let i = 0; i < 12; i++) {
    const bit = 1 << i;
    if (mask & bit) s += `${flags & bit ? '+' : '-'}${TCP_FLAG_NAMES[i]!}`;
  }
  return s;
}

/** The `flags:` text of flow statistics, as tcpdump abbreviates them (`S.` = SYN+ACK). */
export function formatStatsTcpFlags(flags: number): string {
  if (flags === 0) return 'none';
  const order: readonly [number, string][] = [
    [0x002, 'S'], [0x001, 'F'], [0x008, 'P'], [0x004, 'R'], [0x020, 'U'], [0x010, '.'],
    [0x040, 'E'], [0x080, 'C'], [0x100, 'N'], [0x200, '[200]'], [0x400, '[400]'], [0x800, '[800]'],
  ];
  return order.filter(([bit]) => flags & bit).map(([, s]) => s).join('');
}

// --- attributes ---

/**
 * One datapath key attribute: its name, whether its mask is all zero (then the default
 * form leaves it out) and the text between its parentheses. `nested` attributes (encap)
 * are printed whatever their mask.
 */
interface Attr {
  readonly name: string;
  readonly wildcard: boolean;
  readonly nested?: boolean;
  body(verbose: boolean): string;
}

interface AttrList {
  readonly attrs: Attr[];
  /** A frame without an Ethernet II type has no eth_type attribute but a masked one. */
  trailingEthTypeMask: number | null;
}

function simple(name: string, wildcard: boolean, body: (verbose: boolean) => string): Attr {
  return { name, wildcard, body };
}

/** A 32-bit metadata value: `%#x`, with `/%#x` unless the mask is exact. */
function u32Attr(name: string, key: number, mask: number): Attr {
  return simple(name, mask === 0, () => (mask === 0xffffffff ? altHex(key) : `${altHex(key)}/${altHex(mask)}`));
}

/** Attributes ovsim's key does not hold; the verbose form shows them all-wildcarded. */
function constAttr(name: string, body: string): Attr {
  return simple(name, true, () => body);
}

function vlanBody(tci: number, mask: number, verbose: boolean): string {
  const parts: string[] = [];
  const vid = tci & 0x0fff;
  const vidMask = mask & 0x0fff;
  if (verbose || vid !== 0 || vidMask !== 0) parts.push(vidMask === 0x0fff ? `vid=${vid}` : `vid=${vid}/0x${vidMask.toString(16)}`);
  const pcp = (tci >>> 13) & 7;
  const pcpMask = (mask >>> 13) & 7;
  if (verbose || pcp !== 0 || pcpMask !== 0) parts.push(pcpMask === 7 ? `pcp=${pcp}` : `pcp=${pcp}/0x${pcpMask.toString(16)}`);
  if (!(tci & 0x1000)) parts.push('cfi=0');
  return parts.join(',');
}

function isVlanType(t: number): boolean {
  return t === ETH_TYPE.VLAN_8021Q || t === ETH_TYPE.VLAN_8021AD;
}

/** The attributes after the VLAN tags: ethertype, L3 and L4. */
function l3Attrs(key: Uint32Array, mask: Uint32Array, out: AttrList): void {
  const dlType = key[W.DL_TYPE]! & 0xffff;
  if (dlType < 0x600) {
    out.trailingEthTypeMask = 0xffff;
    return;
  }
  const typeMask = mask[W.DL_TYPE]! & 0xffff;
  const hex4 = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;
  out.attrs.push(simple('eth_type', typeMask === 0, () => (typeMask === 0xffff ? hex4(dlType) : `${hex4(dlType)}/${hex4(typeMask)}`)));
  if (isVlanType(dlType)) return;

  const proto = key[W.NW_PROTO]! & 0xff;
  const m = (w: number, bits = 0xffffffff) => u32(mask[w]! & bits);
  const k = (w: number, bits = 0xffffffff) => u32(key[w]! & bits);
  if (dlType === ETH_TYPE.IP) {
    const wild = m(W.NW_SRC) === 0 && m(W.NW_DST) === 0 && m(W.NW_PROTO, 0xff) === 0 && m(W.NW_TOS, 0xff) === 0 && m(W.NW_TTL, 0xff) === 0 && !(m(W.NW_FRAG) & FRAG_ANY);
    out.attrs.push(
      simple('ipv4', wild, (v) =>
        joinParts([
          ipv4Part('src', k(W.NW_SRC), m(W.NW_SRC), v),
          ipv4Part('dst', k(W.NW_DST), m(W.NW_DST), v),
          decPart('proto', proto, m(W.NW_PROTO, 0xff), 0xff, v),
          hexPart('tos', k(W.NW_TOS, 0xff), m(W.NW_TOS, 0xff), 0xff, v),
          decPart('ttl', k(W.NW_TTL, 0xff), m(W.NW_TTL, 0xff), 0xff, v),
          fragPart(k(W.NW_FRAG), m(W.NW_FRAG)),
        ]),
      ),
    );
  } else if (dlType === ETH_TYPE.IPV6) {
    const src = wordsBig(key, W.IPV6_SRC, 4);
    const srcM = wordsBig(mask, W.IPV6_SRC, 4);
    const dst = wordsBig(key, W.IPV6_DST, 4);
    const dstM = wordsBig(mask, W.IPV6_DST, 4);
    const label = k(W.IPV6_LABEL);
    const labelM = m(W.IPV6_LABEL);
    const wild = srcM === 0n && dstM === 0n && (labelM & 0xfffff) === 0 && m(W.NW_PROTO, 0xff) === 0 && m(W.NW_TOS, 0xff) === 0 && m(W.NW_TTL, 0xff) === 0 && !(m(W.NW_FRAG) & FRAG_ANY);
    out.attrs.push(
      simple('ipv6', wild, (v) =>
        joinParts([
          ipv6Part('src', src, srcM, v),
          ipv6Part('dst', dst, dstM, v),
          // A label mask counts as full when its 20 label bits are set.
          !v && labelM === 0 ? null : (labelM & 0xfffff) === 0xfffff ? `label=${altHex(label)}` : `label=${altHex(label)}/${altHex(labelM)}`,
          decPart('proto', proto, m(W.NW_PROTO, 0xff), 0xff, v),
          hexPart('tclass', k(W.NW_TOS, 0xff), m(W.NW_TOS, 0xff), 0xff, v),
          decPart('hlimit', k(W.NW_TTL, 0xff), m(W.NW_TTL, 0xff), 0xff, v),
          fragPart(k(W.NW_FRAG), m(W.NW_FRAG)),
        ]),
      ),
    );
  } else if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    // The opcode lives in nw_proto's 8 bits; a full byte stands for a full 16-bit opcode.
    const op = proto === 0xff ? 0xffff : proto;
    const opM = m(W.NW_PROTO, 0xff) === 0xff ? 0xffff : m(W.NW_PROTO, 0xff);
    const sha = macAt(key, W.ARP_SHA);
    const shaM = macAt(mask, W.ARP_SHA);
    const tha = macAt(key, W.ARP_THA);
    const thaM = macAt(mask, W.ARP_THA);
    const wild = m(W.NW_SRC) === 0 && m(W.NW_DST) === 0 && opM === 0 && shaM === 0n && thaM === 0n;
    out.attrs.push(
      simple('arp', wild, (v) =>
        joinParts([
          ipv4Part('sip', k(W.NW_SRC), m(W.NW_SRC), v),
          ipv4Part('tip', k(W.NW_DST), m(W.NW_DST), v),
          decPart('op', op, opM, 0xffff, v),
          macPart('sha', sha, shaM, v),
          macPart('tha', tha, thaM, v),
        ]),
      ),
    );
  }

  const ipAny = dlType === ETH_TYPE.IP || dlType === ETH_TYPE.IPV6;
  if (!ipAny || k(W.NW_FRAG) & FRAG_LATER) return;
  const tpSrc = k(W.TP_SRC, 0xffff);
  const tpDst = k(W.TP_DST, 0xffff);
  const tpSrcM = m(W.TP_SRC, 0xffff);
  const tpDstM = m(W.TP_DST, 0xffff);
  if (proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP) {
    const name = proto === IPPROTO.TCP ? 'tcp' : proto === IPPROTO.UDP ? 'udp' : 'sctp';
    out.attrs.push(
      simple(name, tpSrcM === 0 && tpDstM === 0, (v) =>
        joinParts([decPart('src', tpSrc, tpSrcM, 0xffff, v), decPart('dst', tpDst, tpDstM, 0xffff, v)]),
      ),
    );
    const flags = k(W.TCP_FLAGS, TCP_FLAGS_ALL);
    const flagsM = m(W.TCP_FLAGS, TCP_FLAGS_ALL);
    if (proto === IPPROTO.TCP && (flags !== 0 || flagsM !== 0)) {
      out.attrs.push(
        simple('tcp_flags', flagsM === 0, () => (flagsM === TCP_FLAGS_ALL ? tcpFlagsExact(flags) : tcpFlagsMasked(flags, flagsM))),
      );
    }
  } else if ((dlType === ETH_TYPE.IP && proto === IPPROTO.ICMP) || (dlType === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6)) {
    // ICMP type and code ride in the port words; the datapath keeps their low bytes.
    const t = tpSrc & 0xff;
    const c = tpDst & 0xff;
    const tM = tpSrcM & 0xff;
    const cM = tpDstM & 0xff;
    out.attrs.push(
      simple(dlType === ETH_TYPE.IP ? 'icmp' : 'icmpv6', tM === 0 && cM === 0, (v) =>
        joinParts([decPart('type', t, tM, 0xff, v), decPart('code', c, cM, 0xff, v)]),
      ),
    );
    const isNd = dlType === ETH_TYPE.IPV6 && tpDst === 0 && (tpSrc === 135 || tpSrc === 136);
    if (isNd) {
      // The mask carries ND fields only when type and code are matched exactly (0xff);
      // otherwise OVS shows the ND attribute as all-wildcarded.
      const ndMasked = tpSrcM === 0xff && tpDstM === 0xff;
      const target = wordsBig(key, W.ND_TARGET, 4);
      const targetM = ndMasked ? wordsBig(mask, W.ND_TARGET, 4) : 0n;
      const sll = macAt(key, W.ARP_SHA);
      const sllM = ndMasked ? macAt(mask, W.ARP_SHA) : 0n;
      const tll = macAt(key, W.ARP_THA);
      const tllM = ndMasked ? macAt(mask, W.ARP_THA) : 0n;
      out.attrs.push(
        simple('nd', targetM === 0n && sllM === 0n && tllM === 0n, (v) =>
          joinParts([ipv6Part('target', target, targetM, v), macPart('sll', sll, sllM, v), macPart('tll', tll, tllM, v)]),
        ),
      );
    }
  }
}

/** The attribute list OVS builds for a userspace-datapath flow, in its order. */
function buildAttrs(key: Uint32Array, mask: Uint32Array, portName: FormatOdpFlowOptions['portName']): AttrList {
  const top: AttrList = { attrs: [], trailingEthTypeMask: null };
  const a = top.attrs;
  a.push(u32Attr('skb_priority', key[W.SKB_PRIORITY]!, mask[W.SKB_PRIORITY]!));
  a.push(u32Attr('skb_mark', key[W.PKT_MARK]!, mask[W.PKT_MARK]!));
  a.push(constAttr('ct_state', '0/0'), constAttr('ct_zone', '0/0'), constAttr('ct_mark', '0/0'), constAttr('ct_label', '0/0'));
  a.push(u32Attr('recirc_id', key[W.RECIRC_ID]!, mask[W.RECIRC_ID]!));
  a.push(constAttr('dp_hash', '0/0'));
  const port = key[W.IN_PORT]!;
  const portMask = mask[W.IN_PORT]!;
  a.push(
    simple('in_port', portMask === 0, () =>
      portMask === 0xffffffff ? (portName?.(port) ?? String(port)) : `${port}/${altHex(portMask)}`,
    ),
  );
  // The userspace datapath always matches the packet type exactly; ovsim has only Ethernet.
  a.push(simple('packet_type', false, () => 'ns=0,id=0'));

  const src = macAt(key, W.DL_SRC);
  const srcM = macAt(mask, W.DL_SRC);
  const dst = macAt(key, W.DL_DST);
  const dstM = macAt(mask, W.DL_DST);
  a.push(simple('eth', srcM === 0n && dstM === 0n, (v) => joinParts([macPart('src', src, srcM, v), macPart('dst', dst, dstM, v)])));

  // 802.1Q tags, outermost first, each opening an encap(...) around the rest. A tag is
  // present when its TCI is non-zero (the CFI bit is forced on for real tags).
  let level = top;
  for (let i = 0; i < 2; i++) {
    const word = key[W.VLAN0 + i]!;
    let tpid = word >>> 16;
    const tci = word & 0xffff;
    const dlType = key[W.DL_TYPE]! & 0xffff;
    if (tci === 0) {
      if (!isVlanType(dlType)) break;
      tpid = dlType; // a truncated tag: its TPID is all the frame had
    }
    const tciMask = mask[W.VLAN0 + i]! & 0xffff;
    const hex4 = `0x${tpid.toString(16).padStart(4, '0')}`;
    level.attrs.push(simple('eth_type', false, () => hex4));
    level.attrs.push(simple('vlan', tciMask === 0, (v) => vlanBody(tci, tciMask, v)));
    const inner: AttrList = { attrs: [], trailingEthTypeMask: null };
    level.attrs.push({ name: 'encap', wildcard: false, nested: true, body: (v) => formatAttrs(inner, v) });
    level = inner;
    if (tci === 0) return top;
  }
  l3Attrs(key, mask, level);
  return top;
}

function formatAttrs(list: AttrList, verbose: boolean): string {
  const out: string[] = [];
  for (const at of list.attrs) {
    if (verbose || !at.wildcard || at.nested) out.push(`${at.name}(${at.body(verbose)})`);
  }
  if (list.trailingEthTypeMask !== null) out.push(`eth_type(0/0x${list.trailingEthTypeMask.toString(16).padStart(4, '0')})`);
  return out.join(',');
}

function checkMatch(match: Match): void {
  if (match.key.length !== FLOW_WORDS || match.mask.length !== FLOW_WORDS) {
    throw new RangeError(
      `datapath flow: a key and mask of ${FLOW_WORDS} words each are expected, got ${match.key.length} and ${match.mask.length}`,
    );
  }
}

/**
 * The key/mask text of a datapath flow as `ovs-appctl dpctl/dump-flows` prints it for the
 * userspace datapath (`verbose`: as `dpctl/dump-flows -m` does, without its `ufid:`).
 *
 * @example
 * formatOdpFlow({ key, mask }) // 'recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80)'
 */
export function formatOdpFlow(match: Match, opts: FormatOdpFlowOptions = {}): string {
  checkMatch(match);
  return formatAttrs(buildAttrs(match.key, match.mask, opts.portName), opts.verbose ?? false);
}

/** `used:` of flow statistics: `never`, or seconds since last use with three decimals. */
export function formatUsed(usedMs: number | null, nowMs: number): string {
  return usedMs === null ? 'never' : `${((nowMs - usedMs) / 1000).toFixed(3)}s`;
}

/**
 * One line of `ovs-appctl dpctl/dump-flows` (default form):
 * `<key>, packets:N, bytes:N, used:0.123s[, flags:S.], actions:<actions>`.
 * `flags:` appears when the packets counted carried TCP flags.
 */
export function formatDpctlFlow(match: Match, stats: DpFlowStats, actionsText: string, nowMs: number): string {
  let s = `${formatOdpFlow(match)}, packets:${stats.packets}, bytes:${stats.bytes}, used:${formatUsed(stats.usedMs, nowMs)}`;
  if (stats.tcpFlags) s += `, flags:${formatStatsTcpFlags(stats.tcpFlags)}`;
  return `${s}, actions:${actionsText}`;
}
