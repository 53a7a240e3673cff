import { describe, expect, it } from 'vitest';
import { Classifier } from '../../sim/ofproto/classifier.js';
import { ETH_TYPE, IPPROTO, W } from '../../sim/flow/layout.js';
import { newKey, newMask } from '../../sim/flow/key.js';
import type { Match } from '../../sim/flow/match.js';
import { parseIpv4 } from '../../sim/flow/addr.js';

/** A small builder of matches over a few words, so the tests read like flow text. */
function m(fields: Partial<Record<'dl_type' | 'nw_proto' | 'in_port' | 'tp_dst' | 'tp_src', number>> & { nw_src?: string; nw_dst?: string }): Match {
  const key = newKey();
  const mask = newMask();
  const set = (w: number, v: number, bits = 0xffffffff) => {
    key[w] = v;
    mask[w] = bits;
  };
  if (fields.dl_type !== undefined) set(W.DL_TYPE, fields.dl_type, 0xffff);
  if (fields.nw_proto !== undefined) set(W.NW_PROTO, fields.nw_proto, 0xff);
  if (fields.in_port !== undefined) set(W.IN_PORT, fields.in_port);
  if (fields.tp_dst !== undefined) set(W.TP_DST, fields.tp_dst, 0xffff);
  if (fields.tp_src !== undefined) set(W.TP_SRC, fields.tp_src, 0xffff);
  for (const [name, w] of [['nw_src', W.NW_SRC], ['nw_dst', W.NW_DST]] as const) {
    const cidr = fields[name];
    if (cidr === undefined) continue;
    const [ip, len] = cidr.split('/');
    const plen = len === undefined ? 32 : Number(len);
    set(w, parseIpv4(ip!)!, plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0);
  }
  for (let i = 0; i < key.length; i++) key[i] = (key[i]! & mask[i]!) >>> 0;
  return { key, mask };
}

function packet(fields: Parameters<typeof m>[0]): Uint32Array {
  return m(fields).key;
}

describe('Classifier (Tuple Space Search)', () => {
  it('returns the highest-priority matching rule across subtables', () => {
    const c = new Classifier<string>();
    c.insert(m({ dl_type: ETH_TYPE.IP }), 10, 'ip');
    c.insert(m({ dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 80 }), 20, 'web');
    c.insert(m({}), 0, 'miss');
    expect(c.subtableCount).toBe(3);
    expect(c.lookup(packet({ dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 80 }))?.data).toBe('web');
    expect(c.lookup(packet({ dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 81 }))?.data).toBe('ip');
    expect(c.lookup(packet({ dl_type: ETH_TYPE.ARP }))?.data).toBe('miss');
  });

  it('stops early: a subtable whose best rule cannot win is not examined', () => {
    const c = new Classifier<string>();
    c.insert(m({ in_port: 1 }), 100, 'port1');
    c.insert(m({ dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 80 }), 50, 'web');
    const wc = newMask();
    expect(c.lookup(packet({ in_port: 1, dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 80 }), wc)?.data).toBe('port1');
    // Only in_port was looked at: the priority-50 subtable was never probed.
    expect(wc[W.IN_PORT]).toBe(0xffffffff);
    expect(wc[W.TP_DST]).toBe(0);
    expect(wc[W.DL_TYPE]).toBe(0);
  });

  it('staged lookup: a miss in the L2 stage leaves L3 and L4 wildcarded', () => {
    const c = new Classifier<string>();
    c.insert(m({ dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 80 }), 10, 'web');
    const wc = newMask();
    expect(c.lookup(packet({ dl_type: ETH_TYPE.ARP }), wc)).toBeNull();
    expect(wc[W.DL_TYPE]).toBe(0xffff);
    expect(wc[W.NW_PROTO]).toBe(0);
    expect(wc[W.TP_DST]).toBe(0);
  });

  it('prefix tracking: skipping a subtable matches only the bits that decided it', () => {
    const c = new Classifier<string>();
    c.insert(m({ dl_type: ETH_TYPE.IP, nw_src: '10.0.0.0/8' }), 10, 'ten');
    const wc = newMask();
    expect(c.lookup(packet({ dl_type: ETH_TYPE.IP, nw_src: '0.0.0.0' }), wc)).toBeNull();
    // 10 = 00001010: the address 0.0.0.0 differs at bit 5, so /5 suffices (OVS prints nw_src=0.0.0.0/5).
    expect(wc[W.NW_SRC]).toBe(0xf8000000);
  });

  it('ports trie: an L4 miss matches only the leading port bits needed', () => {
    const c = new Classifier<string>();
    c.insert(m({ dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 0x8000 }), 10, 'high');
    const wc = newMask();
    expect(c.lookup(packet({ dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, tp_dst: 80 }), wc)).toBeNull();
    expect(wc[W.TP_DST]).toBe(0x8000);
    expect(wc[W.NW_PROTO]).toBe(0xff);
  });

  it('removes rules and their subtables', () => {
    const c = new Classifier<string>();
    const r = c.insert(m({ dl_type: ETH_TYPE.IP }), 10, 'ip');
    c.insert(m({}), 0, 'miss');
    c.remove(r);
    expect(c.size).toBe(1);
    expect(c.subtableCount).toBe(1);
    expect(c.lookup(packet({ dl_type: ETH_TYPE.IP }))?.data).toBe('miss');
  });
});
