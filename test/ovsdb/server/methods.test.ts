/**
 * The server's methods over a real unix socket: shapes of replies and notifications as
 * Debian's ovsdb-server 3.1 sends them (observed with a raw client against it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Json } from '../../../sim/ovsdb/jsonrpc.js';
import { insertItem, startShop, type Fixture } from './fixture.js';

const ZERO = '00000000-0000-0000-0000-000000000000';

let f: Fixture;
beforeEach(async () => {
  f = await startShop();
});
afterEach(async () => {
  await f.stop();
});

function uuidOf(reply: { [k: string]: Json }, i = 0): string {
  return ((reply.result as Json[])[i] as { uuid: [string, string] }).uuid[1];
}

describe('list_dbs, get_schema, echo, _Server', () => {
  it('lists the database and _Server, returns schemas, echoes', async () => {
    const c = await f.connect();
    expect((await c.call('list_dbs', [])).result).toEqual(['Shop', '_Server']);
    const schema = (await c.call('get_schema', ['Shop'])).result as { name: string };
    expect(schema.name).toBe('Shop');
    expect(await c.call('echo', ['a', 1], 7)).toEqual({ id: 7, result: ['a', 1], error: null });
  });

  it('serves _Server.Database with the schema text, and refuses writes to it', async () => {
    const c = await f.connect();
    const r = await c.call('monitor_cond', ['_Server', ['monid', '_Server'], { Database: [{ columns: ['name', 'model', 'connected', 'leader', 'schema'] }] }]);
    const rows = Object.values((r.result as { Database: Record<string, { initial: Record<string, Json> }> }).Database).map((x) => x.initial);
    const shop = rows.find((x) => x.name === 'Shop')!;
    expect(shop).toMatchObject({ model: 'standalone', connected: true, leader: true });
    expect(JSON.parse(shop.schema as string).name).toBe('Shop');
    const w = await c.call('transact', ['_Server', insertItem({})]);
    expect(w.result).toEqual([
      { error: 'not allowed', details: 'insert operation not allowed on table in reserved database _Server' },
    ]);
  });
});

describe('monitor (update)', () => {
  it('sends initial rows, then new/old for insert, modify (old has changed columns only) and delete', async () => {
    const c = await f.connect();
    const ins = await c.call('transact', ['Shop', insertItem({ name: 'a', count: 1 })]);
    const a = uuidOf(ins);
    const init = await c.call('monitor', ['Shop', 'm1', { Item: { columns: ['name', 'count', 'tags'] } }]);
    expect(init.result).toEqual({ Item: { [a]: { new: { name: 'a', count: 1, tags: ['set', []] } } } });
    await c.call('transact', ['Shop', { op: 'update', table: 'Item', where: [['name', '==', 'a']], row: { count: 2 } }]);
    await c.call('transact', ['Shop', { op: 'delete', table: 'Item', where: [] }]);
    expect(c.notifications('update')).toEqual([
      ['m1', { Item: { [a]: { new: { name: 'a', count: 2, tags: ['set', []] }, old: { count: 1 } } } }],
      ['m1', { Item: { [a]: { old: { name: 'a', count: 2, tags: ['set', []] } } } }],
    ]);
  });

  it('sends the update before the reply to the transaction that caused it', async () => {
    const c = await f.connect();
    await c.call('monitor', ['Shop', null, { Item: {} }]);
    const n = c.messages.length;
    await c.call('transact', ['Shop', insertItem({ name: 'x' })], 'tx');
    expect(c.messages[n]!.method).toBe('update');
    expect(c.messages[n + 1]!.id).toBe('tx');
  });

  it('monitors _version by default, never _uuid', async () => {
    const c = await f.connect();
    await c.call('transact', ['Shop', insertItem({ name: 'a' })]);
    const init = (await c.call('monitor', ['Shop', 1, { Item: {} }])).result as { Item: Record<string, { new: Record<string, Json> }> };
    const cols = Object.keys(Object.values(init.Item)[0]!.new).sort();
    expect(cols).toEqual(['_version', 'attrs', 'count', 'kind', 'name', 'tags']);
  });

  it('rejects duplicate ids and unknown tables and columns; monitor_cancel', async () => {
    const c = await f.connect();
    await c.call('monitor', ['Shop', 'm', { Item: {} }]);
    expect((await c.call('monitor', ['Shop', 'm', { Item: {} }])).error).toEqual({ syntax: '"m"', details: 'duplicate monitor ID', error: 'syntax error' });
    expect((await c.call('monitor', ['Shop', 'n', { Nope: {} }])).error).toMatchObject({ details: 'no table named Nope', error: 'syntax error' });
    expect((await c.call('monitor', ['Shop', 'n', { Item: { columns: ['bogus'] } }])).error).toMatchObject({ details: 'bogus is not a valid column name' });
    expect(await c.call('monitor_cancel', ['m'], 5)).toEqual({ id: 5, result: {}, error: null });
    expect(await c.call('monitor_cancel', ['m'], 6)).toEqual({ id: 6, error: 'unknown monitor' });
  });
});

describe('monitor_cond (update2) and monitor_cond_since (update3)', () => {
  it('initial and insert carry non-default columns; modify carries diffs; delete is null', async () => {
    const c = await f.connect();
    const init = await c.call('monitor_cond', ['Shop', 'm2', { Item: [{ columns: ['name', 'count', 'tags', 'attrs', 'kind'] }] }]);
    expect(init.result).toEqual({});
    const a = uuidOf(
      await c.call('transact', ['Shop', insertItem({ name: 'a', tags: ['set', ['x', 'y']], attrs: ['map', [['k1', 'v1'], ['k2', 'v2']]] })]),
    );
    await c.call('transact', [
      'Shop',
      { op: 'update', table: 'Item', where: [], row: { count: 3, kind: 'food', tags: ['set', ['y', 'z']], attrs: ['map', [['k2', 'v9'], ['k3', 'v3']]] } },
    ]);
    await c.call('transact', ['Shop', { op: 'delete', table: 'Item', where: [] }]);
    expect(c.notifications('update2')).toEqual([
      ['m2', { Item: { [a]: { insert: { name: 'a', tags: ['set', ['x', 'y']], attrs: ['map', [['k1', 'v1'], ['k2', 'v2']]] } } } }],
      [
        'm2',
        {
          Item: {
            [a]: { modify: { count: 3, tags: ['set', ['x', 'z']], attrs: ['map', [['k1', 'v1'], ['k2', 'v9'], ['k3', 'v3']]], kind: 'food' } },
          },
        },
      ],
      ['m2', { Item: { [a]: { delete: null } } }],
    ]);
  });

  it('a condition turns rows entering and leaving it into insert and delete; monitor_cond_change too', async () => {
    const c = await f.connect();
    const a = uuidOf(await c.call('transact', ['Shop', insertItem({ name: 'a', count: 1 })]));
    const b = uuidOf(await c.call('transact', ['Shop', insertItem({ name: 'b', count: 5 })]));
    const init = await c.call('monitor_cond', ['Shop', 'm', { Item: [{ columns: ['name', 'count'], where: [['count', '>', 2]] }] }]);
    expect(init.result).toEqual({ Item: { [b]: { initial: { name: 'b', count: 5 } } } });
    await c.call('transact', ['Shop', { op: 'update', table: 'Item', where: [['name', '==', 'a']], row: { count: 9 } }]);
    await c.call('transact', ['Shop', { op: 'update', table: 'Item', where: [['name', '==', 'b']], row: { count: 0 } }]);
    expect(c.notifications('update2')).toEqual([
      ['m', { Item: { [a]: { insert: { name: 'a', count: 9 } } } }],
      ['m', { Item: { [b]: { delete: null } } }],
    ]);
    const ch = await c.call('monitor_cond_change', ['m', 'm-new', { Item: [{ where: [['name', '==', 'b']] }] }], 'cc');
    expect(ch).toEqual({ id: 'cc', result: {}, error: null });
    expect(c.notifications('update2').slice(2)).toEqual([['m-new', { Item: { [a]: { delete: null }, [b]: { insert: { name: 'b' } } } }]]);
    expect((await c.call('monitor_cond_change', ['zz', 'zz', {}])).error).toEqual({ syntax: '"zz"', details: 'unknown monitor session', error: 'syntax error' });
  });

  it('monitor_cond_since: the zero id gets everything, a known id only what came after it', async () => {
    const c = await f.connect();
    await c.call('transact', ['Shop', insertItem({ name: 'a' })]);
    const first = (await c.call('monitor_cond_since', ['Shop', 'm', { Item: [{ columns: ['name'] }] }, ZERO])).result as Json[];
    expect(first[0]).toBe(false);
    const last = first[1] as string;
    expect(last).toBe(f.db.lastTxnId);
    expect(Object.keys((first[2] as { Item: object }).Item)).toHaveLength(1);
    const b = uuidOf(await c.call('transact', ['Shop', insertItem({ name: 'b' })]));
    const upd3 = c.notifications('update3');
    expect(upd3).toEqual([['m', f.db.lastTxnId, { Item: { [b]: { insert: { name: 'b' } } } }]]);

    // A second client that saw `last` catches up with only the insert of b.
    const d = await f.connect();
    const since = (await d.call('monitor_cond_since', ['Shop', 'm', { Item: [{ columns: ['name'] }] }, last])).result as Json[];
    expect(since).toEqual([true, f.db.lastTxnId, { Item: { [b]: { insert: { name: 'b' } } } }]);
    const unknown = (await d.call('monitor_cond_since', ['Shop', 'm2', { Item: [{ columns: ['name'] }] }, '11111111-2222-3333-4444-555555555555'])).result as Json[];
    expect(unknown[0]).toBe(false);
    expect(Object.keys((unknown[2] as { Item: object }).Item)).toHaveLength(2);
    expect((await d.call('monitor_cond_since', ['Shop', 'm3', {}, 'nope'])).error).toMatchObject({ details: 'last-txn-id must be UUID format.' });
  });
});

describe('transact waits, cancel', () => {
  it('a wait that cannot be met times out with the RFC error', async () => {
    const c = await f.connect();
    const t0 = Date.now();
    const r = await c.call('transact', [
      'Shop',
      { op: 'wait', table: 'Item', where: [], columns: ['name'], until: '==', rows: [{ name: 'never' }], timeout: 150 },
    ]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect((r.result as { error: string }[])[0]!.error).toBe('timed out');
  });

  it('a blocked wait completes when another client commits what it waits for', async () => {
    const c = await f.connect();
    const other = await f.connect();
    c.write(
      JSON.stringify({
        id: 'w',
        method: 'transact',
        params: ['Shop', { op: 'wait', table: 'Item', where: [], columns: ['name'], until: '==', rows: [{ name: 'z' }], timeout: 10000 }],
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(c.messages).toHaveLength(0);
    await other.call('transact', ['Shop', insertItem({ name: 'z' })]);
    expect((await c.waitFor((m) => m.id === 'w')).result).toEqual([{}]);
  });

  it('cancel answers the waiting transaction with "canceled"; a duplicate id is refused', async () => {
    const c = await f.connect();
    const wait = { op: 'wait', table: 'Item', where: [], columns: ['name'], until: '==', rows: [{ name: 'z' }], timeout: 10000 };
    c.write(JSON.stringify({ id: 9, method: 'transact', params: ['Shop', wait] }));
    const dup = await c.call('transact', ['Shop', wait], 9);
    expect(dup.error).toMatchObject({ details: 'transact: duplicate request ID', error: 'syntax error' });
    c.write(JSON.stringify({ id: null, method: 'cancel', params: [9] }));
    expect(await c.waitFor((m) => m.id === 9 && m.error === 'canceled')).toEqual({ id: 9, error: 'canceled' });
  });
});

describe('locks', () => {
  it('lock, contention, steal, unlock and the locked/stolen notifications; assert', async () => {
    const a = await f.connect();
    const b = await f.connect();
    expect((await a.call('lock', ['L'])).result).toEqual({ locked: true });
    expect((await b.call('lock', ['L'])).result).toEqual({ locked: false });
    expect((await a.call('lock', ['L'])).error).toMatchObject({ details: 'must issue "unlock" before new "lock"' });
    expect((await a.call('transact', ['Shop', { op: 'assert', lock: 'L' }])).result).toEqual([{}]);
    expect((await b.call('transact', ['Shop', { op: 'assert', lock: 'L' }])).result).toEqual([
      { error: 'not owner', details: expect.any(String) },
    ]);
    await a.call('unlock', ['L']);
    expect(await b.waitFor((m) => m.method === 'locked')).toEqual({ id: null, method: 'locked', params: ['L'] });
    // a steals it back: b is told, and gets it again when a unlocks.
    expect((await a.call('steal', ['L'])).result).toEqual({ locked: true });
    await b.waitFor((m) => m.method === 'stolen');
    await a.call('unlock', ['L']);
    await b.waitFor(() => b.notifications('locked').length === 2);
    expect(b.notifications('stolen')).toEqual([['L']]);
    expect((await b.call('unlock', ['M'])).error).toMatchObject({ details: 'unlock: "unlock" without "lock" or "steal"' });
    expect((await b.call('lock', ['1bad'])).error).toMatchObject({ details: 'lock request params must be <id>' });
  });

  it("a session's locks pass on when it disconnects", async () => {
    const a = await f.connect();
    const b = await f.connect();
    await a.call('lock', ['L']);
    await b.call('lock', ['L']);
    a.destroy();
    expect(await b.waitFor((m) => m.method === 'locked')).toMatchObject({ params: ['L'] });
  });
});

describe('set_db_change_aware, get_server_id', () => {
  it('accepts a boolean only', async () => {
    const c = await f.connect();
    expect((await c.call('set_db_change_aware', [true])).result).toEqual({});
    expect((await c.call('set_db_change_aware', [1])).error).toEqual({
      syntax: '[1]',
      details: 'set_db_change_aware: true or false parameter expected',
      error: 'syntax error',
    });
    expect(typeof (await c.call('get_server_id', [])).result).toBe('string');
  });
});
