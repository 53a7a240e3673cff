/**
 * Frames whose flow keys are checked against real Open vSwitch (`ofproto/trace br0
 * in_port=1 HEX` prints the extracted flow on its `Flow:` line). Each exercises one
 * corner of extraction; `vlanLimit` 2 runs with other_config:vlan-limit=2.
 */
import { fromHex } from '../../sim/packet/bytes.js';
import { arp, bytes, concat, eth, icmp, icmpv6, ip6, ipv4, ipv6, mac, sctp, tcp, udp } from './frames.js';

export interface CorpusFrame {
  name: string;
  frame: Uint8Array;
  vlanLimit?: number;
}

const v6pair = { src: ip6('2001:db8::1'), dst: ip6('2001:db8::2') };
const v6 = { src: '2001:db8::1', dst: '2001:db8::2' };
const ll = { src: 'fe80::1', dst: 'fe80::2' };
const SYN = 0x002;
const ACK = 0x010;

function pad(f: Uint8Array, len = 60): Uint8Array {
  return f.length >= len ? f : concat(f, new Uint8Array(len - f.length));
}

export const CORPUS: CorpusFrame[] = [
  { name: 'tcp syn', frame: concat(eth(0x0800), ipv4({ proto: 6 }, tcp({ src: 1024, dst: 80, flags: SYN }))) },
  {
    name: 'tcp in a vlan, ip options, psh|ack with data',
    frame: concat(
      eth(0x0800, { tags: [[0x8100, 0xa00a]] }),
      ipv4(
        { proto: 6, tos: 0xb9, ttl: 3, options: Uint8Array.of(0x94, 0x04, 0, 0) },
        tcp({ src: 443, dst: 55000, flags: ACK | 0x008, options: [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }], payload: bytes(20) }),
      ),
    ),
  },
  {
    name: 'tcp fin|rst|urg|ece|cwr|ns',
    frame: concat(eth(0x0800), ipv4({ proto: 6 }, tcp({ src: 1, dst: 2, flags: 0x001 | 0x004 | 0x020 | 0x040 | 0x080 | 0x100 }))),
  },
  {
    name: 'tcp with a data offset below 5',
    frame: (() => {
      const f = concat(eth(0x0800), ipv4({ proto: 6 }, tcp({ src: 7, dst: 8, flags: SYN })));
      f[14 + 20 + 12] = 0x40;
      return f;
    })(),
  },
  { name: 'vlan 0 with priority only', frame: concat(eth(0x0800, { tags: [[0x8100, 0x6000]] }), ipv4({ proto: 17 }, udp({ src: 53, dst: 5353 }))) },
  { name: 'qinq, default vlan limit', frame: concat(eth(0x0800, { tags: [[0x88a8, 0x2064], [0x8100, 0x00c8]] }), ipv4({ proto: 17 }, udp({ src: 1, dst: 2 }))) },
  { name: 'qinq, vlan limit 2', vlanLimit: 2, frame: concat(eth(0x0800, { tags: [[0x88a8, 0x2064], [0x8100, 0xe0c8]] }), ipv4({ proto: 17 }, udp({ src: 1, dst: 2 }))) },
  { name: '802.1ad single tag', frame: concat(eth(0x0806, { tags: [[0x88a8, 0x0fff]] }), arp({ op: 1, sha: '0a:00:00:00:00:01', spa: '10.0.0.1', tha: '00:00:00:00:00:00', tpa: '10.0.0.2' })) },
  { name: 'arp request', frame: pad(concat(eth(0x0806, { dst: 'ff:ff:ff:ff:ff:ff' }), arp({ op: 1, sha: '0a:00:00:00:00:01', spa: '10.0.0.1', tha: '00:00:00:00:00:00', tpa: '10.0.0.2' }))) },
  { name: 'arp reply', frame: concat(eth(0x0806), arp({ op: 2, sha: '0a:00:00:00:00:02', spa: '10.0.0.2', tha: '0a:00:00:00:00:01', tpa: '10.0.0.1' })) },
  { name: 'rarp', frame: concat(eth(0x8035), arp({ op: 3, sha: '0a:00:00:00:00:02', spa: '0.0.0.0', tha: '0a:00:00:00:00:02', tpa: '0.0.0.0' })) },
  { name: 'arp opcode above 255', frame: concat(eth(0x0806), arp({ op: 0x0101, sha: '0a:00:00:00:00:02', spa: '10.0.0.2', tha: '0a:00:00:00:00:01', tpa: '10.0.0.1' })) },
  {
    name: 'arp over a non-ethernet hardware type',
    frame: (() => {
      const f = concat(eth(0x0806), arp({ op: 1, sha: '0a:00:00:00:00:01', spa: '10.0.0.1', tha: '00:00:00:00:00:00', tpa: '10.0.0.2' }));
      f[15] = 6;
      return f;
    })(),
  },
  { name: 'ipv4 first fragment, udp', frame: concat(eth(0x0800), ipv4({ proto: 17, mf: true }, udp({ src: 4000, dst: 4001, payload: bytes(64) }))) },
  { name: 'ipv4 later fragment', frame: concat(eth(0x0800), ipv4({ proto: 17, fragOffset: 1480 }, bytes(40))) },
  { name: 'ipv4 dscp/ecn, ttl 1, icmp echo', frame: concat(eth(0x0800), ipv4({ proto: 1, tos: 0x2b, ttl: 1 }, icmp(8, 0))) },
  { name: 'icmp port unreachable', frame: concat(eth(0x0800), ipv4({ proto: 1 }, icmp(3, 3, bytes(28)))) },
  { name: 'sctp', frame: concat(eth(0x0800), ipv4({ proto: 132 }, sctp({ src: 2905, dst: 2906 }))) },
  { name: 'igmp', frame: concat(eth(0x0800), ipv4({ proto: 2, ttl: 1 }, Uint8Array.of(0x16, 0, 0xfa, 0xfd, 239, 1, 1, 1))) },
  { name: 'udp with ethernet padding', frame: pad(concat(eth(0x0800), ipv4({ proto: 17 }, udp({ src: 67, dst: 68, payload: bytes(2) })))) },
  {
    name: 'ipv4 total length beyond the frame',
    frame: (() => {
      const f = concat(eth(0x0800), ipv4({ proto: 17 }, udp({ src: 67, dst: 68 })));
      f[16] = 0x05;
      return f;
    })(),
  },
  {
    name: 'ipv6 tcp behind hop-by-hop, routing and destination options',
    frame: concat(
      eth(0x86dd),
      ipv6(
        {
          ...v6,
          nh: 6,
          tc: 0x8a,
          label: 0x12345,
          exts: [
            { kind: 'hopopts', nextHeader: 43, data: Uint8Array.of(1, 4, 0, 0, 0, 0) },
            { kind: 'routing', nextHeader: 60, data: Uint8Array.of(0, 0, 0, 0, 0, 0, ...bytes(16)) },
            { kind: 'dstopts', nextHeader: 6, data: new Uint8Array(6) },
          ],
        },
        tcp({ src: 5000, dst: 22, flags: SYN | ACK }, v6pair),
      ),
    ),
  },
  {
    name: 'ipv6 ah then udp',
    frame: concat(
      eth(0x86dd),
      ipv6({ ...v6, nh: 17, exts: [{ kind: 'ah', nextHeader: 17, data: new Uint8Array(22) }] }, udp({ src: 500, dst: 500 }, v6pair)),
    ),
  },
  {
    name: 'ipv6 first fragment, udp',
    frame: concat(
      eth(0x86dd),
      ipv6({ ...v6, nh: 17, exts: [{ kind: 'fragment', nextHeader: 17, fragOffset: 0, moreFrags: true, ident: 7 }] }, udp({ src: 9, dst: 10 }, v6pair)),
    ),
  },
  {
    name: 'ipv6 later fragment',
    frame: concat(eth(0x86dd), ipv6({ ...v6, nh: 17, exts: [{ kind: 'fragment', nextHeader: 17, fragOffset: 1232, moreFrags: false, ident: 7 }] }, bytes(24))),
  },
  {
    name: 'ipv6 truncated extension header',
    frame: concat(eth(0x86dd), ipv6({ ...v6, nh: 0, exts: [{ kind: 'hopopts', nextHeader: 6, data: new Uint8Array(6) }] }, new Uint8Array(0))).map(
      (x, i) => (i === 14 + 40 + 1 ? 3 : x),
    ),
  },
  {
    name: 'icmpv6 neighbor solicitation with source link-layer address',
    frame: concat(
      eth(0x86dd, { dst: '33:33:ff:00:00:02' }),
      ipv6(
        { src: 'fe80::1', dst: 'ff02::1:ff00:2', nh: 58, hlim: 255 },
        icmpv6({ kind: 'ns', router: false, solicited: false, override: false, target: ip6('fe80::2'), options: [{ kind: 'sll', mac: mac('0a:00:00:00:00:01') }] }, { src: ip6('fe80::1'), dst: ip6('ff02::1:ff00:2') }),
      ),
    ),
  },
  {
    name: 'icmpv6 neighbor advertisement with tll then sll',
    frame: concat(
      eth(0x86dd),
      ipv6(
        { ...ll, nh: 58, hlim: 255 },
        icmpv6({
          kind: 'na',
          router: true,
          solicited: true,
          override: true,
          target: ip6('fe80::2'),
          options: [
            { kind: 'tll', mac: mac('0a:00:00:00:00:02') },
            { kind: 'sll', mac: mac('0a:00:00:00:00:03') },
          ],
        }),
      ),
    ),
  },
  {
    name: 'icmpv6 neighbor solicitation with a repeated sll option',
    frame: concat(
      eth(0x86dd),
      ipv6(
        { ...ll, nh: 58, hlim: 255 },
        icmpv6({
          kind: 'ns',
          router: false,
          solicited: false,
          override: false,
          target: ip6('fe80::2'),
          options: [
            { kind: 'sll', mac: mac('0a:00:00:00:00:01') },
            { kind: 'sll', mac: mac('0a:00:00:00:00:04') },
          ],
        }),
      ),
    ),
  },
  {
    name: 'icmpv6 neighbor solicitation without target',
    frame: concat(eth(0x86dd), ipv6({ ...ll, nh: 58, hlim: 255 }, Uint8Array.of(135, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4))),
  },
  {
    name: 'icmpv6 echo request with traffic class and label',
    frame: concat(eth(0x86dd), ipv6({ ...v6, nh: 58, tc: 0xff, label: 0xfffff }, icmpv6({ kind: 'other', type: 128, code: 0, data: 0x00010001, payload: bytes(16) }, v6pair))),
  },
  { name: '802.2 llc (stp)', frame: concat(eth(0x0026, { dst: '01:80:c2:00:00:00' }), fromHex('424203'), new Uint8Array(35)) },
  { name: '802.2 snap carrying ipv4', frame: concat(eth(0x0030), fromHex('aaaa03000000 0800'), ipv4({ proto: 6 }, tcp({ src: 1, dst: 2, flags: SYN }))) },
  { name: 'lldp', frame: concat(eth(0x88cc, { dst: '01:80:c2:00:00:0e' }), bytes(30)) },
  { name: 'ipv6 unknown next header', frame: concat(eth(0x86dd), ipv6({ ...v6, nh: 253 }, bytes(12))) },
];
