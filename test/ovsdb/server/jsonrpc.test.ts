/** JSON-RPC framing and classification, and the simulated channel, without sockets. */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../../engine/simulator.js';
import { simulatedChannelPair } from '../../../sim/ovsdb/channel.js';
import {
  classifyMessage,
  encodeMessage,
  JsonRpcPeer,
  JsonRpcProtocolError,
  JsonStreamDecoder,
  type Json,
} from '../../../sim/ovsdb/jsonrpc.js';

const enc = new TextEncoder();

function decodeAll(chunks: readonly string[], max?: number): Json[] {
  const dec = new JsonStreamDecoder(max === undefined ? {} : { maxMessageBytes: max });
  const out: Json[] = [];
  for (const c of chunks) dec.push(enc.encode(c), (v) => out.push(v));
  return out;
}

describe('JsonStreamDecoder', () => {
  it('splits back-to-back texts and skips whitespace between them', () => {
    expect(decodeAll(['{"a":1}{"b":[2]} \n[3]'])).toEqual([{ a: 1 }, { b: [2] }, [3]]);
  });

  it('reassembles a text cut anywhere, brackets and quotes inside strings included', () => {
    const text = JSON.stringify({ s: 'x}]"\\{[', n: [1, { m: 'é' }] });
    const whole = [{ s: 'x}]"\\{[', n: [1, { m: 'é' }] }];
    for (let cut = 1; cut < text.length; cut++) {
      expect(decodeAll([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    // UTF-8 split inside a multibyte character.
    const bytes = enc.encode('{"m":"é€"}');
    const dec = new JsonStreamDecoder();
    const out: Json[] = [];
    for (const b of bytes) dec.push(Uint8Array.of(b), (v) => out.push(v));
    expect(out).toEqual([{ m: 'é€' }]);
  });

  it.each([
    ['a bare string', '"x"'],
    ['a number', '12'],
    ['mismatched brackets', '{"a":[}'],
    ['bad JSON inside', '{bad}'],
  ])('refuses %s', (_what, text) => {
    expect(() => decodeAll([text])).toThrow(JsonRpcProtocolError);
  });

  it('refuses a message over the limit before it ends, and stays failed', () => {
    const dec = new JsonStreamDecoder({ maxMessageBytes: 100 });
    dec.push(enc.encode('{"a":"'), () => {});
    expect(() => dec.push(enc.encode('x'.repeat(200)), () => {})).toThrow(/too long/);
    expect(() => dec.push(enc.encode('"}'), () => {})).toThrow(/too long/);
  });
});

describe('classifyMessage and encodeMessage', () => {
  it('sorts requests, notifications, replies and errors', () => {
    expect(classifyMessage({ id: 1, method: 'echo', params: [] })).toEqual({ kind: 'request', id: 1, method: 'echo', params: [] });
    expect(classifyMessage({ id: null, method: 'update', params: [1] })).toEqual({ kind: 'notify', method: 'update', params: [1] });
    expect(classifyMessage({ id: 2, result: [], error: null })).toEqual({ kind: 'reply', id: 2, result: [] });
    expect(classifyMessage({ id: 3, error: 'x' })).toEqual({ kind: 'error', id: 3, error: 'x' });
    expect(() => classifyMessage([1])).toThrow(/not a JSON object/);
    expect(() => classifyMessage({ id: 1, method: 'echo' })).toThrow(/must have "params"/);
  });

  it('writes what ovsdb-server writes', () => {
    expect(encodeMessage({ kind: 'reply', id: 1, result: ['a'] })).toBe('{"id":1,"result":["a"],"error":null}');
    expect(encodeMessage({ kind: 'error', id: 2, error: 'unknown method' })).toBe('{"id":2,"error":"unknown method"}');
    expect(encodeMessage({ kind: 'notify', method: 'locked', params: ['L'] })).toBe('{"id":null,"method":"locked","params":["L"]}');
  });
});

describe('JsonRpcPeer over a simulated channel', () => {
  it('calls, answers echo by itself, and delivers after the latency', async () => {
    const sim = new Simulator();
    const [a, b] = simulatedChannelPair(sim, { latencyNs: 1_000 });
    const client = new JsonRpcPeer(a);
    const server = new JsonRpcPeer(b);
    const seen: string[] = [];
    server.start({
      request: (id, method, params) => {
        seen.push(`${method}@${sim.now()}`);
        server.reply(id, params);
      },
      notify: () => {},
      closed: () => {},
    });
    client.start({ request: () => {}, notify: () => {}, closed: () => {} });
    const r1 = client.call('double', [21]);
    const r2 = client.call('echo', ['e']);
    sim.run();
    expect(await r1).toEqual([21]);
    expect(await r2).toEqual(['e']);
    expect(seen).toEqual(['double@1000']);
    expect(sim.now()).toBe(2_000);
    client.close();
    sim.run();
    expect(server.isClosed).toBe(true);
  });
});
