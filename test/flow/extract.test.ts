/**
 * Unit checks of extractFlow beyond the corpus compared with OVS (extract-ovs.test.ts):
 * word layout details, options and edge lengths.
 */
import { describe, expect, test } from 'vitest';
import { extractFlow, DL_TYPE_NONE } from '../../sim/flow/extract.js';
import { newKey } from '../../sim/flow/key.js';
import { FRAG_ANY, FRAG_LATER, VLAN_CFI, W } from '../../sim/flow/layout.js';
import { concat, eth, icmpv6, ip6, ipv4, ipv6, mac, tcp, udp } from './frames.js';

const tagged = concat(eth(0x0800, { tags: [[0x88a8, 0x2064], [0x8100, 0x00c8]] }), ipv4({ proto: 17 }, udp({ src: 1, dst: 2 })));

describe('extractFlow', () => {
  test('fills the words of an untagged TCP frame', () => {
    const key = newKey();
    extractFlow(concat(eth(0x0800), ipv4({ proto: 6, tos: 0x2b, ttl: 9 }, tcp({ src: 1024, dst: 80, flags: 0x012 }))), 7, key);
    expect(key[W.IN_PORT]).toBe(7);
    expect([key[W.DL_DST], key[W.DL_DST + 1], key[W.DL_SRC], key[W.DL_SRC + 1]]).toEqual([0x0a00, 0x00000002, 0x0a00, 0x00000001]);
    expect([key[W.DL_TYPE], key[W.VLAN0], key[W.VLAN1]]).toEqual([0x0800, 0, 0]);
    expect([key[W.NW_SRC], key[W.NW_DST], key[W.NW_TOS], key[W.NW_TTL], key[W.NW_PROTO], key[W.NW_FRAG]]).toEqual([0x0a000001, 0x0a000002, 0x2b, 9, 6, 0]);
    expect([key[W.TCP_FLAGS], key[W.TP_SRC], key[W.TP_DST]]).toEqual([0x012, 1024, 80]);
  });

  test('zeroes the key first', () => {
    const key = newKey().fill(0xffffffff);
    extractFlow(new Uint8Array(10), 3, key);
    expect(Array.from(key).filter((w) => w !== 0)).toEqual([3]);
  });

  test('a VLAN word is TPID << 16 | TCI with CFI set; one tag by default', () => {
    const key = newKey();
    extractFlow(tagged, 1, key);
    expect(key[W.VLAN0]).toBe(((0x88a8 << 16) | 0x2064 | VLAN_CFI) >>> 0);
    expect(key[W.VLAN1]).toBe(0);
    expect(key[W.DL_TYPE]).toBe(0x8100);
    expect(key[W.NW_SRC]).toBe(0);
  });

  test('vlanLimit 2 (or 0, "all") reads the inner tag', () => {
    for (const vlanLimit of [2, 0]) {
      const key = newKey();
      extractFlow(tagged, 1, key, { vlanLimit });
      expect(key[W.VLAN1]).toBe(((0x8100 << 16) | 0x00c8 | VLAN_CFI) >>> 0);
      expect([key[W.DL_TYPE], key[W.TP_SRC], key[W.TP_DST]]).toEqual([0x0800, 1, 2]);
    }
  });

  test('a tag without room for the EtherType after it is not read', () => {
    const key = newKey();
    extractFlow(eth(0x0800, { tags: [[0x8100, 5]] }).slice(0, 17), 1, key);
    expect([key[W.VLAN0], key[W.DL_TYPE]]).toEqual([0, 0x8100]);
  });

  test('802.3 frames without SNAP get dl_type 0x05ff', () => {
    const key = newKey();
    extractFlow(concat(eth(0x0010), Uint8Array.of(0xaa, 0xaa, 0x03, 0, 0, 0, 0x01, 0x00)), 1, key);
    expect(key[W.DL_TYPE]).toBe(DL_TYPE_NONE); // a SNAP type below 0x600
    extractFlow(concat(eth(0x0010), Uint8Array.of(0xaa, 0xaa, 0x03)), 1, key);
    expect(key[W.DL_TYPE]).toBe(DL_TYPE_NONE); // too short for SNAP
  });

  test('IPv4 fragments: ports only in the first', () => {
    const key = newKey();
    extractFlow(concat(eth(0x0800), ipv4({ proto: 17, mf: true }, udp({ src: 5, dst: 6 }))), 1, key);
    expect([key[W.NW_FRAG], key[W.TP_SRC]]).toEqual([FRAG_ANY, 5]);
    extractFlow(concat(eth(0x0800), ipv4({ proto: 17, fragOffset: 8 }, udp({ src: 5, dst: 6 }))), 1, key);
    expect([key[W.NW_FRAG], key[W.NW_PROTO], key[W.TP_SRC]]).toEqual([FRAG_ANY | FRAG_LATER, 17, 0]);
  });

  test('IPv6: traffic class, label, hop limit; ports after a first-fragment header', () => {
    const key = newKey();
    const v6pair = { src: ip6('::1'), dst: ip6('::2') };
    extractFlow(
      concat(
        eth(0x86dd),
        ipv6(
          { src: '::1', dst: '::2', nh: 17, tc: 0xa5, label: 0xabcde, hlim: 7, exts: [{ kind: 'fragment', nextHeader: 17, fragOffset: 0, moreFrags: true, ident: 1 }] },
          udp({ src: 11, dst: 12 }, v6pair),
        ),
      ),
      1,
      key,
    );
    expect([key[W.IPV6_SRC + 3], key[W.IPV6_DST + 3], key[W.NW_TOS], key[W.IPV6_LABEL], key[W.NW_TTL]]).toEqual([1, 2, 0xa5, 0xabcde, 7]);
    expect([key[W.NW_FRAG], key[W.NW_PROTO], key[W.TP_SRC], key[W.TP_DST]]).toEqual([FRAG_ANY, 17, 11, 12]);
  });

  test('ND: target, addresses and the type of the first option', () => {
    const key = newKey();
    const frame = concat(
      eth(0x86dd),
      ipv6(
        { src: 'fe80::1', dst: 'fe80::2', nh: 58 },
        icmpv6({
          kind: 'na',
          router: false,
          solicited: true,
          override: false,
          target: ip6('fe80::9'),
          options: [
            { kind: 'other', type: 14, data: new Uint8Array(6) },
            { kind: 'tll', mac: mac('00:00:00:00:00:07') },
          ],
        }),
      ),
    );
    extractFlow(frame, 1, key);
    expect([key[W.TP_SRC], key[W.TP_DST], key[W.ND_TARGET], key[W.ND_TARGET + 3]]).toEqual([136, 0, 0xfe800000, 9]);
    expect([key[W.ARP_SHA + 1], key[W.ARP_THA + 1], key[W.TCP_FLAGS]]).toEqual([0, 7, 2]);
  });

  test('ARP fields go to nw_src/nw_dst/nw_proto and arp_sha/arp_tha', () => {
    const key = newKey();
    const frame = concat(eth(0x0806), Uint8Array.of(0, 1, 8, 0, 6, 4, 0, 2, 1, 2, 3, 4, 5, 6, 10, 0, 0, 1, 7, 8, 9, 10, 11, 12, 10, 0, 0, 2));
    extractFlow(frame, 1, key);
    expect([key[W.NW_SRC], key[W.NW_DST], key[W.NW_PROTO]]).toEqual([0x0a000001, 0x0a000002, 2]);
    expect([key[W.ARP_SHA], key[W.ARP_SHA + 1], key[W.ARP_THA], key[W.ARP_THA + 1]]).toEqual([0x0102, 0x03040506, 0x0708, 0x090a0b0c]);
    extractFlow(frame.slice(0, 41), 1, key); // one byte short
    expect([key[W.DL_TYPE], key[W.NW_SRC], key[W.NW_PROTO]]).toEqual([0x0806, 0, 0]);
  });

  test('every truncation of a frame extracts without throwing', () => {
    const frames = [
      tagged,
      concat(eth(0x0800), ipv4({ proto: 6 }, tcp({ src: 1, dst: 2, flags: 2 }))),
      concat(eth(0x86dd), ipv6({ nh: 6, exts: [{ kind: 'hopopts', nextHeader: 6, data: new Uint8Array(6) }] }, tcp({ src: 1, dst: 2, flags: 2 }, { src: ip6('fe80::1'), dst: ip6('fe80::2') }))),
    ];
    const key = newKey();
    for (const f of frames) for (let n = 0; n <= f.length; n++) extractFlow(f.subarray(0, n), 1, key, { vlanLimit: 2 });
    expect(key[W.TP_DST]).toBe(2);
  });
});
