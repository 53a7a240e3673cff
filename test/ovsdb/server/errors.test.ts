/**
 * Bad input, and the server keeps serving everyone else. What ovsdb-server 3.1 does was
 * observed with a raw client: malformed JSON and non-request messages close the
 * connection without a reply; an unknown method and bad params get error replies and
 * the connection lives on. (ovsdb-server has no message size limit; ours answers
 * "message too long" and closes.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertItem, startShop, type Fixture } from './fixture.js';
import type { RawClient } from './raw-client.js';

let f: Fixture;
let other: RawClient;
beforeEach(async () => {
  f = await startShop({ maxMessageBytes: 4096 });
  other = await f.connect();
  await other.call('monitor', ['Shop', 'm', { Item: { columns: ['name'] } }]);
});
afterEach(async () => {
  await f.stop();
});

/** The bystander still gets answers and monitor updates. */
async function otherStillServed(name: string): Promise<void> {
  const probe = await f.connect();
  const r = await probe.call('transact', ['Shop', insertItem({ name })]);
  expect(r.error).toBeNull();
  await other.waitFor((m) => m.method === 'update' && JSON.stringify(m.params).includes(`"${name}"`));
  expect((await other.call('echo', ['still here'])).result).toEqual(['still here']);
}

describe('protocol errors close only the offending connection', () => {
  it.each([
    ['malformed JSON', '{"id":1,"method":"echo","params":[}'],
    ['a bad keyword', '{bad json}'],
    ['a top-level string', '"str"'],
    ['an array', '[1,2]'],
    ['a request without params', '{"id":1,"method":"echo"}'],
    ['params not an array', '{"id":1,"method":"echo","params":{}}'],
    ['an unexpected reply', '{"id":1,"result":null,"error":null}'],
    ['an unknown member', '{"id":1,"method":"echo","params":[],"extra":1}'],
  ])('%s: closed without a reply', async (_what, text) => {
    const c = await f.connect();
    c.write(text);
    await c.waitClosed();
    expect(c.messages).toEqual([]);
    await otherStillServed('after');
  });

  it('an oversized message gets "message too long" and the connection closes', async () => {
    const c = await f.connect();
    c.write(JSON.stringify({ id: 1, method: 'echo', params: ['x'.repeat(10_000)] }));
    await c.waitClosed();
    expect(c.messages).toEqual([{ id: null, error: 'message too long' }]);
    await otherStillServed('after-big');
  });

  it('a client that vanishes mid-message disturbs no one', async () => {
    const before = f.handle.server.sessionCount;
    const c = await f.connect();
    c.write('{"id":1,"method":"transact","params":["Shop",{"op":"insert","table":"Item","row":{"name":"ha');
    await new Promise((r) => setTimeout(r, 20));
    c.destroy();
    const deadline = Date.now() + 2000;
    while (f.handle.server.sessionCount > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(f.handle.server.sessionCount).toBe(before);
    await otherStillServed('after-vanish');
    expect([...f.db.snapshot('Item').values()].map((r) => r.values.get('name')!.keys[0])).toEqual(['after-vanish']);
  });

  it('a message split across many writes is read whole', async () => {
    const c = await f.connect();
    const text = JSON.stringify({ id: 'split', method: 'echo', params: ['a}b]c"d\\"e{', { k: [1, 2] }] });
    for (const ch of text) c.write(ch);
    expect((await c.waitFor((m) => m.id === 'split')).result).toEqual(['a}b]c"d\\"e{', { k: [1, 2] }]);
  });
});

describe('request errors are answered and the connection lives on', () => {
  it('unknown method', async () => {
    const c = await f.connect();
    expect(await c.call('frobnicate', [], 3)).toEqual({ id: 3, error: 'unknown method' });
    expect((await c.call('echo', [1])).result).toEqual([1]);
  });

  it('a notification of an unknown method is ignored', async () => {
    const c = await f.connect();
    c.write('{"id":null,"method":"frobnicate","params":[]}');
    expect((await c.call('echo', [2])).result).toEqual([2]);
  });

  it('bad params: missing or unknown database', async () => {
    const c = await f.connect();
    expect((await c.call('get_schema', [], 1)).error).toEqual({
      syntax: '[]',
      details: 'get_schema request params must begin with <db-name>',
      error: 'syntax error',
    });
    expect((await c.call('transact', ['Nope'], 2)).error).toEqual({
      syntax: '["Nope"]',
      details: 'transact request specifies unknown database Nope',
      error: 'unknown database',
    });
    expect((await c.call('monitor_cond', ['Shop', 'x'], 3)).error).toMatchObject({ details: 'invalid parameters' });
    expect((await c.call('echo', [3])).result).toEqual([3]);
  });

  it('schema violations are the RFC errors inside the result', async () => {
    const c = await f.connect();
    const range = await c.call('transact', ['Shop', insertItem({ name: 'a', count: 101 })]);
    expect(range.error).toBeNull();
    expect((range.result as { error: string }[])[0]!.error).toBe('constraint violation');
    const enumBad = await c.call('transact', ['Shop', insertItem({ name: 'a', kind: 'toy' })]);
    expect((enumBad.result as { error: string }[])[0]!.error).toBe('constraint violation');
    const col = await c.call('transact', ['Shop', insertItem({ nope: 1 })]);
    expect((col.result as { error: string }[])[0]!.error).toBe('unknown column');
    await c.call('transact', ['Shop', insertItem({ name: 'u' })]);
    const dup = await c.call('transact', ['Shop', insertItem({ name: 'u' })]);
    expect((dup.result as ({ error: string } | null)[]).some((r) => r?.error === 'constraint violation')).toBe(true);
    expect((await c.call('echo', ['alive'])).result).toEqual(['alive']);
    await otherStillServed('after-violations');
  });
});
