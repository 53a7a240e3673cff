/**
 * Printing a packet's flow key as OVS's flow_format does: the `Flow:` and `Final flow:`
 * lines of ofproto/trace.
 *
 * OVS prints a flow as a match on every header the packet has: the Ethernet header and
 * first VLAN tag always, the L3 fields its eth_type brings, the L4 fields its IP
 * protocol brings (none for later fragments), ND fields for neighbor discovery. Metadata
 * (in_port, registers, marks...) appears only when non-zero, to keep the line short.
 */
import { ETH_TYPE, FRAG_LATER, FRAG_MASK, IPPROTO, N_REGS, W } from './layout.js';
import type { FlowKey } from './key.js';
import { formatMatch } from './match-format.js';
import type { PortMap } from './ports.js';

const IPPROTO_IGMP = 2;
const ALL = 0xffffffff;

function maskWords(mask: Uint32Array, at: number, n: number, bits = ALL): void {
  for (let i = 0; i < n; i++) mask[at + i] = bits;
}

/** Neighbor solicitation or advertisement (ICMPv6 type 135/136, code 0). */
function isNd(key: FlowKey): boolean {
  return (
    key[W.DL_TYPE] === ETH_TYPE.IPV6 &&
    key[W.NW_PROTO] === IPPROTO.ICMPV6 &&
    key[W.TP_DST] === 0 &&
    (key[W.TP_SRC] === 135 || key[W.TP_SRC] === 136)
  );
}

/** The mask of the fields flow_format shows for a packet (OVS's view of "the whole packet"). */
export function packetFieldsMask(key: FlowKey): Uint32Array {
  const m = new Uint32Array(key.length);
  const ifSet = (word: number, n = 1): void => {
    for (let i = 0; i < n; i++) if (key[word + i] !== 0) return maskWords(m, word, n);
  };
  if (key[W.TUN_DST] !== 0) {
    maskWords(m, W.TUN_SRC, 1);
    maskWords(m, W.TUN_DST, 1);
  } else {
    ifSet(W.TUN_ID, 2);
  }
  ifSet(W.SKB_PRIORITY);
  ifSet(W.PKT_MARK);
  ifSet(W.RECIRC_ID);
  ifSet(W.IN_PORT);
  for (let i = 0; i < N_REGS; i++) ifSet(W.REG0 + i);
  ifSet(W.METADATA, 2);

  maskWords(m, W.DL_DST, 2);
  maskWords(m, W.DL_SRC, 2);
  maskWords(m, W.DL_TYPE, 1);
  // The first tag always shows (as vlan_tci=0x0000 when untagged); the inner one only
  // when there is an outer one.
  for (const word of [W.VLAN0, W.VLAN1]) {
    m[word] = ALL;
    if ((key[word]! & 0xffff) === 0) break;
  }

  const dl = key[W.DL_TYPE]!;
  if (dl === ETH_TYPE.IP) {
    maskWords(m, W.NW_SRC, 1);
    maskWords(m, W.NW_DST, 1);
  } else if (dl === ETH_TYPE.IPV6) {
    maskWords(m, W.IPV6_SRC, 4);
    maskWords(m, W.IPV6_DST, 4);
    maskWords(m, W.IPV6_LABEL, 1);
    if (isNd(key)) {
      maskWords(m, W.ARP_SHA, 2);
      maskWords(m, W.ARP_THA, 2);
      maskWords(m, W.ND_TARGET, 4);
    }
  } else if (dl === ETH_TYPE.ARP || dl === ETH_TYPE.RARP) {
    maskWords(m, W.NW_SRC, 1);
    maskWords(m, W.NW_DST, 1);
    m[W.NW_PROTO] = 0xff;
    maskWords(m, W.ARP_SHA, 2);
    maskWords(m, W.ARP_THA, 2);
    return m;
  } else {
    return m;
  }

  m[W.NW_FRAG] = FRAG_MASK;
  m[W.NW_TOS] = 0xff;
  m[W.NW_TTL] = 0xff;
  m[W.NW_PROTO] = 0xff;
  const proto = key[W.NW_PROTO]!;
  const hasL4 =
    proto === IPPROTO.ICMP ||
    proto === IPPROTO.ICMPV6 ||
    proto === IPPROTO.TCP ||
    proto === IPPROTO.UDP ||
    proto === IPPROTO.SCTP ||
    proto === IPPROTO_IGMP;
  if (!(key[W.NW_FRAG]! & FRAG_LATER) && hasL4) {
    m[W.TP_SRC] = 0xffff;
    m[W.TP_DST] = 0xffff;
    if (proto === IPPROTO.TCP) m[W.TCP_FLAGS] = 0xfff;
  }
  return m;
}

/**
 * Prints a flow key as ofproto/trace prints `Flow:`, e.g.
 * `tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,...,tp_dst=80,tcp_flags=0`.
 */
export function formatFlow(key: FlowKey, opts: { ports?: PortMap } = {}): string {
  const mask = packetFieldsMask(key);
  const k = new Uint32Array(key.length);
  for (let i = 0; i < key.length; i++) k[i] = key[i]! & mask[i]!;
  const text = formatMatch({ key: k, mask }, { ports: opts.ports, tunnel: 'packet' });
  const dl = key[W.DL_TYPE];
  if (dl === ETH_TYPE.MPLS || dl === ETH_TYPE.MPLS_MCAST) {
    // OVS shows the MPLS label stack of such packets; our keys do not hold one, so it
    // prints as the all-zero stack ofproto/trace shows for a flow given as text.
    return `${text},mpls_label=0,mpls_tc=0,mpls_ttl=0,mpls_bos=0,mpls_lse1=0,mpls_lse2=0`;
  }
  return text;
}
