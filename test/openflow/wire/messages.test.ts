/** Every message type, encoded and decoded back, in every version we speak. */
import { describe, expect, it } from 'vitest';
import { formatMatch } from '../../../sim/flow/match-format.js';
import type { Match } from '../../../sim/flow/match.js';
import { decode, encode, encodeMultipartReply, OfDecodeError, SUPPORTED_VERSIONS, type OfMessage } from '../../../sim/openflow/wire/index.js';
import { sampleMessages } from './samples.js';

/** A comparable form: matches as text, byte arrays as hex. */
function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
  if (x instanceof Uint32Array) return Array.from(x);
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if ('key' in o && 'mask' in o && o.key instanceof Uint32Array) return formatMatch(x as Match);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]));
  }
  return x;
}

function decodeOk(bytes: Uint8Array): OfMessage {
  const d = decode(bytes, { of10TableId: true });
  if (d instanceof OfDecodeError) throw new Error(d.message);
  return d.msg;
}

describe('message round trips', () => {
  for (const version of SUPPORTED_VERSIONS) {
    for (const msg of sampleMessages(version)) {
      const label = msg.type === 'multipart_request' || msg.type === 'multipart_reply' ? `${msg.type} ${msg.body.kind}` : msg.type;
      it(`${version} ${label}`, () => {
        const bytes = encode(msg, version, { of10TableId: true });
        expect(bytes[0]).toBe(SUPPORTED_VERSIONS.indexOf(version) === 0 ? 1 : SUPPORTED_VERSIONS.indexOf(version) + 3);
        expect((bytes[2]! << 8) | bytes[3]!).toBe(bytes.length);
        const back = decodeOk(bytes);
        if (msg.type === 'error') {
          expect(back).toMatchObject({ type: 'error', name: msg.name, xid: msg.xid });
          return;
        }
        expect(plain(back)).toEqual(plain(msg));
      });
    }
  }
});

describe('multipart replies that do not fit one message', () => {
  it('split into parts flagged "more", all but the last', () => {
    const [sample] = sampleMessages('OpenFlow13').filter((m) => m.type === 'multipart_reply' && m.body.kind === 'flow');
    if (!sample || sample.type !== 'multipart_reply' || sample.body.kind !== 'flow') throw new Error('no sample');
    const flows = Array.from({ length: 3000 }, (_, i) => ({ ...sample.body.kind === 'flow' ? sample.body.flows[0]! : undefined!, priority: i }));
    const parts = encodeMultipartReply({ ...sample, body: { kind: 'flow', flows } }, 'OpenFlow13');
    expect(parts.length).toBeGreaterThan(3);
    let total = 0;
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(0xffff);
      const m = decodeOk(p);
      if (m.type !== 'multipart_reply' || m.body.kind !== 'flow') throw new Error('bad part');
      expect(m.flags).toBe(i < parts.length - 1 ? 1 : 0);
      total += m.body.flows.length;
    });
    expect(total).toBe(3000);
  });
});
