/**
 * Extraction against real Open vSwitch: for every frame of the corpus, the key our
 * extractor builds must agree with the `Flow:` line ofproto/trace prints for the same
 * bytes, and formatFlow must print that very line. The lines are recorded in
 * fixtures/extract-ovs.json (so the test runs without OVS); when OVS is installed the
 * recording is checked against a live run, and `OVSIM_UPDATE_FIXTURES=1` rewrites it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { extractFlow } from '../../sim/flow/extract.js';
import { formatFlow } from '../../sim/flow/flow-format.js';
import { newKey, type FlowKey } from '../../sim/flow/key.js';
import { FLOW_WORDS, VLAN_CFI, W } from '../../sim/flow/layout.js';
import { parseMatch } from '../../sim/flow/match-syntax.js';
import { fromHex, toHex } from '../../sim/packet/bytes.js';
import { parseMac } from '../../sim/flow/addr.js';
import { CORPUS } from './extract-corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, 'fixtures', 'extract-ovs.json');
const ORACLE = '/work/shared/tools/ovs-oracle/oracle';

interface Recorded {
  name: string;
  hex: string;
  vlanLimit?: number;
  flow: string;
}

function ovsAvailable(): boolean {
  if (!existsSync(ORACLE)) return false;
  try {
    execFileSync('ovs-vswitchd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs the corpus through real OVS; returns each frame's `Flow:` line. */
function traceWithOvs(): Recorded[] {
  const cases = CORPUS.map((c) => ({
    ports: [1, 2],
    flows: [],
    setup: c.vlanLimit ? [{ tool: 'ovs-vsctl', args: ['set', 'Open_vSwitch', '.', `other_config:vlan-limit=${c.vlanLimit}`] }] : [],
    traces: [['br0', 'in_port=1', toHex(c.frame)]],
  }));
  const out = execFileSync(ORACLE, ['--batch', '-'], { input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n', encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line, i) => {
      const raw: string = JSON.parse(line).results[0].raw;
      const flow = raw.split('\n')[0]!.replace(/^Flow: /, '');
      const c = CORPUS[i]!;
      return { name: c.name, hex: toHex(c.frame), ...(c.vlanLimit ? { vlanLimit: c.vlanLimit } : {}), flow };
    });
}

/** Words holding a MAC, as two key words (16 + 32 bits). */
function macWords(text: string): [number, number] {
  const v = parseMac(text)!;
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/**
 * Checks a key against an OVS flow line: every field the line shows must agree, and the
 * key must hold nothing the line does not show. Most fields go through our flow parser;
 * a few it cannot take from a Flow: line are checked by hand: the inner VLAN (no field of
 * ours), tp_src/tp_dst of IGMP and nd_sll/nd_tll of either ND message (a flow-mod parser
 * drops them for their prerequisites, but OVS prints them).
 */
function expectKeyMatchesOvs(key: FlowKey, flow: string, frame: Uint8Array): void {
  const tokens = flow.split(',');
  const byHand = new Map<string, string>();
  const rest: string[] = [];
  for (const t of tokens) {
    const [name, value] = t.split('=') as [string, string | undefined];
    if (value !== undefined && /^(vlan_tci1|dl_vlan1|dl_vlan_pcp1|tp_src|tp_dst|nd_sll|nd_tll)$/.test(name)) byHand.set(name, value);
    else rest.push(t);
  }
  const m = parseMatch(rest.join(','));
  const mask = m.mask.slice();
  const expectWord = (w: number, v: number, what: string) => {
    expect.soft(key[w], `${what} in "${flow}"`).toBe(v >>> 0);
    mask[w] = 0xffffffff;
  };
  if (byHand.has('tp_src')) expectWord(W.TP_SRC, Number(byHand.get('tp_src')), 'tp_src');
  if (byHand.has('tp_dst')) expectWord(W.TP_DST, Number(byHand.get('tp_dst')), 'tp_dst');
  for (const [name, w] of [['nd_sll', W.ARP_SHA], ['nd_tll', W.ARP_THA]] as const) {
    const text = byHand.get(name);
    if (text === undefined) continue;
    const [hi, lo] = macWords(text);
    expectWord(w, hi, name);
    expectWord(w + 1, lo, name);
  }
  const vid1 = byHand.get('dl_vlan1');
  const innerTci = vid1 === undefined ? 0 : VLAN_CFI | (Number(byHand.get('dl_vlan_pcp1')) << 13) | Number(vid1);
  expect.soft(key[W.VLAN1]! & 0xffff, `inner VLAN in "${flow}"`).toBe(innerTci);
  mask[W.VLAN1] = 0xffff;
  // The TPID halves of the VLAN words are not printed: compare them with the frame.
  if (key[W.VLAN0]! & VLAN_CFI) expect(key[W.VLAN0]! >>> 16).toBe((frame[12]! << 8) | frame[13]!);
  if (key[W.VLAN1]! & VLAN_CFI) expect(key[W.VLAN1]! >>> 16).toBe((frame[16]! << 8) | frame[17]!);
  mask[W.VLAN0] = (mask[W.VLAN0]! | 0xffff0000) >>> 0;
  mask[W.VLAN1] = 0xffffffff;
  // The ND option type OVS keeps in the tcp_flags word is not printed either.
  if (/^icmp6/.test(flow)) mask[W.TCP_FLAGS] = 0xffffffff;

  for (let i = 0; i < FLOW_WORDS; i++) {
    expect.soft((key[i]! & m.mask[i]!) >>> 0, `word ${i} differs from OVS in "${flow}"`).toBe(m.key[i]);
    expect.soft((key[i]! & ~mask[i]!) >>> 0, `word ${i} holds bits OVS does not show in "${flow}"`).toBe(0);
  }
}

const recorded: Recorded[] = existsSync(FIXTURE) ? JSON.parse(readFileSync(FIXTURE, 'utf8')) : [];
const live = ovsAvailable();

describe('extractFlow against real OVS', () => {
  test('the recording covers the corpus as it stands', () => {
    if (live && process.env.OVSIM_UPDATE_FIXTURES === '1') writeFileSync(FIXTURE, JSON.stringify(traceWithOvs(), null, 1) + '\n');
    const now: Recorded[] = existsSync(FIXTURE) ? JSON.parse(readFileSync(FIXTURE, 'utf8')) : [];
    expect(now.map((r) => [r.name, r.hex])).toEqual(CORPUS.map((c) => [c.name, toHex(c.frame)]));
  });

  test.skipIf(!live)('the recording agrees with a live OVS', () => {
    expect(traceWithOvs()).toEqual(recorded);
  });

  test.each(recorded.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    const key = newKey();
    const frame = fromHex(r.hex);
    extractFlow(frame, 1, key, { vlanLimit: r.vlanLimit ?? 1 });
    expectKeyMatchesOvs(key, r.flow, frame);
  });

  test('formatFlow prints the same Flow: line as OVS', () => {
    for (const r of recorded) {
      const key = newKey();
      extractFlow(fromHex(r.hex), 1, key, { vlanLimit: r.vlanLimit ?? 1 });
      expect.soft(formatFlow(key), r.name).toBe(r.flow);
    }
  });
});
