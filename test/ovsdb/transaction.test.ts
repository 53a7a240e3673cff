import { describe, expect, it } from 'vitest';
import { Database, type TransactOutcome } from '../../sim/ovsdb/database.js';
import { seqUuids, testSchema } from './helpers.js';

type Json = Record<string, unknown>;

function done(o: TransactOutcome): unknown[] {
  if (o.kind !== 'done') throw new Error('blocked');
  return o.result;
}

function setup(): { db: Database; root: string; tx: (...ops: unknown[]) => unknown[] } {
  const db = Database.inMemory(testSchema(), { newUuid: seqUuids() });
  const r = done(db.transact([{ op: 'insert', table: 'Root', row: {} }]));
  const root = ((r[0] as Json).uuid as string[])[1]!;
  return { db, root, tx: (...ops) => done(db.transact(ops)) };
}

const whereUuid = (u: string): unknown[] => [['_uuid', '==', ['uuid', u]]];

/** Adds bridge `name` with one port and interface named `${name}p`; returns their UUIDs. */
function addBridge(tx: (...ops: unknown[]) => unknown[], root: string, name: string): string[] {
  const r = tx(
    { op: 'insert', table: 'Interface', row: { name: `${name}p` }, 'uuid-name': 'i' },
    { op: 'insert', table: 'Port', row: { name: `${name}p`, interfaces: ['named-uuid', 'i'] }, 'uuid-name': 'p' },
    { op: 'insert', table: 'Bridge', row: { name, ports: ['named-uuid', 'p'] }, 'uuid-name': 'b' },
    { op: 'mutate', table: 'Root', where: whereUuid(root), mutations: [['bridges', 'insert', ['set', [['named-uuid', 'b']]]]] },
  );
  expect(r).toHaveLength(4);
  return r.slice(0, 3).map((x) => ((x as Json).uuid as string[])[1]!);
}

describe('insert and select', () => {
  it('links rows by named-uuid and reads them back with _uuid and _version', () => {
    const { tx, root } = setup();
    const [iface, port, br] = addBridge(tx, root, 'br0');
    const rows = (tx({ op: 'select', table: 'Bridge', where: [] })[0] as Json).rows as Json[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!._uuid).toEqual(['uuid', br]);
    expect(rows[0]!.ports).toEqual(['uuid', port]);
    expect(rows[0]!.fail_mode).toEqual(['set', []]);
    expect(rows[0]!.other_config).toEqual(['map', []]);
    expect(Object.keys(rows[0]!)).toEqual(['_uuid', '_version', 'name', 'ports', 'fail_mode', 'vlans', 'other_config', 'status']);
    const p = tx({ op: 'select', table: 'Port', where: [['name', '==', 'br0p']], columns: ['interfaces'] });
    expect(p).toEqual([{ rows: [{ interfaces: ['uuid', iface] }] }]);
  });

  it('accepts a forward reference to a later insert', () => {
    const { tx, db } = setup();
    const r = tx(
      { op: 'mutate', table: 'Root', where: [], mutations: [['bridges', 'insert', ['named-uuid', 'b']]] },
      { op: 'insert', table: 'Bridge', row: { name: 'fw' }, 'uuid-name': 'b' },
    );
    expect(r).toEqual([{ count: 1 }, { uuid: expect.any(Array) }]);
    expect(db.snapshot('Bridge').size).toBe(1);
  });

  it('takes the row UUID from "uuid" and refuses a duplicate', () => {
    const { tx } = setup();
    const u = '12345678-1234-4234-8234-123456789abc';
    expect(tx({ op: 'insert', table: 'Mirror', uuid: u, row: { name: 'm', output_port: ['set', []] } })).toEqual([
      { error: 'syntax error', details: expect.stringContaining('must have 1 to 1 members') },
    ]);
    expect(tx({ op: 'insert', table: 'Interface', uuid: u, row: { name: 'x' } }, { op: 'insert', table: 'Interface', uuid: u, row: { name: 'y' } })[1]).toMatchObject({
      error: 'duplicate uuid',
    });
  });

  it('reports a duplicate uuid-name', () => {
    const { tx } = setup();
    const r = tx(
      { op: 'insert', table: 'Interface', row: { name: 'a' }, 'uuid-name': 'x' },
      { op: 'insert', table: 'Interface', row: { name: 'b' }, 'uuid-name': 'x' },
      { op: 'comment', comment: 'never run' },
    );
    expect(r[1]).toMatchObject({ error: 'duplicate uuid-name' });
    expect(r[2]).toBeNull();
  });

  it('checks types, enums, ranges and column names', () => {
    const { tx } = setup();
    expect(tx({ op: 'insert', table: 'Bridge', row: { name: 7 } })[0]).toMatchObject({ error: 'syntax error' });
    expect(tx({ op: 'insert', table: 'Bridge', row: { name: 'x', fail_mode: 'loose' } })[0]).toMatchObject({ error: 'constraint violation' });
    expect(tx({ op: 'insert', table: 'Bridge', row: { name: 'x', vlans: 5000 } })[0]).toMatchObject({ error: 'constraint violation' });
    expect(tx({ op: 'insert', table: 'Bridge', row: { name: 'x', vlans: ['set', [1, 2, 3, 4]] } })[0]).toMatchObject({ error: 'syntax error' });
    expect(tx({ op: 'insert', table: 'Bridge', row: { nmae: 'x' } })[0]).toEqual({ error: 'unknown column', details: 'No column nmae in table Bridge.' });
    expect(tx({ op: 'insert', table: 'Nope', row: {} })[0]).toMatchObject({ error: 'syntax error', details: expect.stringContaining('No table named Nope') });
    expect(tx({ op: 'frobnicate' })[0]).toMatchObject({ error: 'syntax error', details: expect.stringContaining('No operation "frobnicate"') });
    expect(tx({ op: 'insert', table: 'Bridge', row: { name: 'x'.repeat((1 << 24) + 1) } })[0]).toMatchObject({ error: 'resources exhausted' });
  });
});

describe('update, mutate, delete', () => {
  it('updates whole values and counts matched rows', () => {
    const { tx, root } = setup();
    const [, , br] = addBridge(tx, root, 'br0');
    expect(tx({ op: 'update', table: 'Bridge', where: whereUuid(br!), row: { fail_mode: 'secure', other_config: ['map', [['a', '1']]] } })).toEqual([{ count: 1 }]);
    const row = (tx({ op: 'select', table: 'Bridge', where: [['fail_mode', '==', 'secure']], columns: ['other_config'] })[0] as Json).rows;
    expect(row).toEqual([{ other_config: ['map', [['a', '1']]] }]);
    expect(tx({ op: 'update', table: 'Bridge', where: [], row: { name: 'y' } })[0]).toMatchObject({ error: 'constraint violation', details: expect.stringContaining('immutable column name') });
    expect(tx({ op: 'update', table: 'Bridge', where: [], row: { _uuid: ['uuid', br] } })[0]).toMatchObject({ error: 'constraint violation' });
  });

  it('applies every mutator with the RFC errors', () => {
    const { tx, root } = setup();
    const m = (mutations: unknown[]): unknown => tx({ op: 'mutate', table: 'Root', where: whereUuid(root), mutations })[0];
    expect(m([['next_cfg', '+=', 10], ['next_cfg', '*=', 3], ['next_cfg', '-=', 2], ['next_cfg', '/=', 4], ['next_cfg', '%=', 4]])).toEqual({ count: 1 });
    expect((tx({ op: 'select', table: 'Root', where: [], columns: ['next_cfg'] })[0] as Json).rows).toEqual([{ next_cfg: 3 }]);
    expect(m([['next_cfg', '/=', 0]])).toMatchObject({ error: 'domain error' });
    expect(m([['next_cfg', '%=', 0]])).toMatchObject({ error: 'domain error' });
    expect(m([['next_cfg', '*=', Number.MAX_SAFE_INTEGER]])).toMatchObject({ error: 'range error' });
    expect(m([['ratio', '%=', 2]])).toMatchObject({ error: 'syntax error' });
    expect(m([['bridges', '+=', 1]])).toMatchObject({ error: 'syntax error' });
    expect(m([['next_cfg', 'insert', 1]])).toMatchObject({ error: 'syntax error' });
    expect(m([['next_cfg', '^=', 1]])).toMatchObject({ error: 'unknown mutator' });
    expect(m([['_uuid', 'insert', 1]])).toMatchObject({ error: 'constraint violation' });
    expect(m([['nope', '+=', 1]])).toMatchObject({ error: 'unknown column' });
  });

  it('inserts into and deletes from sets and maps, keeping set limits', () => {
    const { tx, root } = setup();
    const [, , br] = addBridge(tx, root, 'br0');
    const m = (mutations: unknown[]): unknown => tx({ op: 'mutate', table: 'Bridge', where: whereUuid(br!), mutations })[0];
    const get = (c: string): unknown => ((tx({ op: 'select', table: 'Bridge', where: [], columns: [c] })[0] as Json).rows as Json[])[0]![c];
    expect(m([['vlans', 'insert', ['set', [3, 1]]], ['vlans', 'insert', 2]])).toEqual({ count: 1 });
    expect(get('vlans')).toEqual(['set', [1, 2, 3]]);
    expect(m([['vlans', 'insert', 4]])).toMatchObject({ error: 'constraint violation' });
    expect(m([['vlans', '+=', 4094]])).toMatchObject({ error: 'constraint violation' });
    expect(m([['vlans', '*=', 0]])).toMatchObject({ error: 'constraint violation', details: expect.stringContaining('duplicates') });
    expect(m([['vlans', 'delete', ['set', [1, 9]]], ['vlans', '+=', 10]])).toEqual({ count: 1 });
    expect(get('vlans')).toEqual(['set', [12, 13]]);
    expect(m([['other_config', 'insert', ['map', [['a', '1'], ['b', '2']]]]])).toEqual({ count: 1 });
    // insert keeps an existing key's value
    expect(m([['other_config', 'insert', ['map', [['a', 'x'], ['c', '3']]]]])).toEqual({ count: 1 });
    expect(get('other_config')).toEqual(['map', [['a', '1'], ['b', '2'], ['c', '3']]]);
    // delete by pair needs the value to match; delete by key does not
    expect(m([['other_config', 'delete', ['map', [['a', 'x'], ['b', '2']]]]])).toEqual({ count: 1 });
    expect(m([['other_config', 'delete', ['set', ['c']]]])).toEqual({ count: 1 });
    expect(get('other_config')).toEqual(['map', [['a', '1']]]);
  });

  it('matches rows with every condition function', () => {
    const { tx, root } = setup();
    tx({ op: 'mutate', table: 'Root', where: [], mutations: [['next_cfg', '+=', 5]] });
    addBridge(tx, root, 'a');
    const [, , b] = addBridge(tx, root, 'b');
    tx({ op: 'update', table: 'Bridge', where: whereUuid(b!), row: { vlans: ['set', [1, 2]], other_config: ['map', [['k', 'v']]] } });
    const count = (table: string, where: unknown[]): unknown => ((tx({ op: 'select', table, where, columns: ['_uuid'] })[0] as Json).rows as unknown[]).length;
    expect(count('Root', [['next_cfg', '<', 6], ['next_cfg', '<=', 5], ['next_cfg', '>', 4], ['next_cfg', '>=', 5]])).toBe(1);
    expect(count('Root', [['next_cfg', '>', 5]])).toBe(0);
    expect(count('Bridge', [['vlans', 'includes', 1]])).toBe(1);
    expect(count('Bridge', [['vlans', 'includes', ['set', []]]])).toBe(2);
    expect(count('Bridge', [['vlans', 'excludes', ['set', [2, 7]]]])).toBe(1);
    expect(count('Bridge', [['other_config', 'includes', ['map', [['k', 'v']]]]])).toBe(1);
    expect(count('Bridge', [['other_config', 'includes', ['map', [['k', 'w']]]]])).toBe(0);
    expect(count('Bridge', [['name', '!=', 'a']])).toBe(1);
    expect(count('Bridge', [true])).toBe(2);
    expect(count('Bridge', [false])).toBe(0);
    expect(tx({ op: 'select', table: 'Bridge', where: [['name', '<', 'a']] })[0]).toMatchObject({ error: 'syntax error' });
    expect(tx({ op: 'select', table: 'Bridge', where: [['nope', '==', 'a']] })[0]).toMatchObject({ error: 'unknown column' });
    expect(tx({ op: 'select', table: 'Bridge', where: [], columns: ['nope'] })[0]).toMatchObject({ error: 'unknown column' });
  });

  it('deletes rows and refuses to delete a referenced one', () => {
    const { tx, root, db } = setup();
    const [iface] = addBridge(tx, root, 'br0');
    const r = tx({ op: 'delete', table: 'Interface', where: whereUuid(iface!) });
    expect(r).toEqual([{ count: 1 }, { error: 'referential integrity violation', details: expect.stringContaining('remaining reference') }]);
    expect(db.snapshot('Interface').size).toBe(1);
    expect(tx({ op: 'delete', table: 'Mirror', where: [] })).toEqual([{ count: 0 }]);
  });
});

describe('wait, commit, abort, comment, assert', () => {
  it('waits until == or != with columns and rows', () => {
    const { db, root, tx } = setup();
    const wait = (until: string, rows: unknown[], timeout?: number): TransactOutcome =>
      db.transact([{ op: 'wait', table: 'Root', where: whereUuid(root), columns: ['next_cfg'], until, rows, ...(timeout === undefined ? {} : { timeout }) }]);
    expect(done(wait('==', [{ next_cfg: 0 }], 0))).toEqual([{}]);
    expect(done(wait('!=', [{ next_cfg: 1 }], 0))).toEqual([{}]);
    expect(done(wait('==', [{ next_cfg: 1 }], 0))).toEqual([{ error: 'timed out', details: '"where" clause test failed' }]);
    expect(wait('==', [{ next_cfg: 1 }], 1000).kind).toBe('blocked');
    expect(wait('==', [{ next_cfg: 1 }]).kind).toBe('blocked');
    const late = db.transact([{ op: 'wait', table: 'Root', where: [], columns: ['next_cfg'], until: '==', rows: [{ next_cfg: 1 }], timeout: 1000 }], { elapsedMs: 1000 });
    expect(done(late)).toEqual([{ error: 'timed out', details: '"wait" timed out after 1000 ms' }]);
    tx({ op: 'mutate', table: 'Root', where: [], mutations: [['next_cfg', '+=', 1]] });
    expect(done(wait('==', [{ next_cfg: 1 }], 1000))).toEqual([{}]);
    expect(tx({ op: 'wait', table: 'Root', where: [], until: '<', rows: [] })[0]).toMatchObject({ error: 'syntax error' });
    // ovs-vsctl's init: wait for an empty table
    expect(tx({ op: 'wait', table: 'Interface', where: [], columns: ['_uuid'], until: '==', rows: [], timeout: 0 })).toEqual([{}]);
  });

  it('aborts on request, leaving nothing behind', () => {
    const { tx, db } = setup();
    const r = tx({ op: 'mutate', table: 'Root', where: [], mutations: [['next_cfg', '+=', 1]] }, { op: 'abort' }, { op: 'comment', comment: 'x' });
    expect(r).toEqual([{ count: 1 }, { error: 'aborted', details: 'aborted by request' }, null]);
    expect([...db.snapshot('Root').values()][0]!.values.get('next_cfg')).toEqual({ keys: [0] });
  });

  it('refuses a durable commit in memory', () => {
    const { tx } = setup();
    expect(tx({ op: 'commit', durable: false })).toEqual([{}]);
    expect(tx({ op: 'commit', durable: true })[0]).toMatchObject({ error: 'not supported' });
  });

  it('passes comments on and checks locks', () => {
    const { db } = setup();
    const seen: string[] = [];
    const ok = db.transact([{ op: 'comment', comment: 'ovs-vsctl: add-br' }, { op: 'assert', lock: 'ovs_vswitchd' }], { locks: new Set(['ovs_vswitchd']), comment: (s) => seen.push(s) });
    expect(done(ok)).toEqual([{}, {}]);
    expect(seen).toEqual(['ovs-vsctl: add-br']);
    expect(done(db.transact([{ op: 'assert', lock: 'ovs_vswitchd' }]))).toEqual([{ error: 'not owner', details: 'Asserted lock ovs_vswitchd not held.' }]);
  });
});

describe('integrity at commit', () => {
  it('collects unreferenced non-root rows (del-port, del-br)', () => {
    const { tx, root, db } = setup();
    const [, port, br] = addBridge(tx, root, 'br0');
    addBridge(tx, root, 'br1');
    const changes: string[] = [];
    db.onCommit((c) => {
      for (const [t, list] of c.tables) for (const ch of list) changes.push(`${t}:${ch.old ? 'o' : '-'}${ch.new ? 'n' : '-'}`);
    });
    tx({ op: 'mutate', table: 'Bridge', where: whereUuid(br!), mutations: [['ports', 'delete', ['uuid', port]]] });
    expect(changes.sort()).toEqual(['Bridge:on', 'Interface:o-', 'Port:o-']);
    expect(db.snapshot('Port').size).toBe(1);
    tx({ op: 'update', table: 'Root', where: [], row: { bridges: ['set', []] } });
    expect(db.snapshot('Bridge').size).toBe(0);
    expect(db.snapshot('Port').size).toBe(0);
    expect(db.snapshot('Interface').size).toBe(0);
  });

  it('drops an unreferenced insert into a non-root table at once', () => {
    const { tx, db } = setup();
    expect(tx({ op: 'insert', table: 'Interface', row: { name: 'lonely' } })).toHaveLength(1);
    expect(db.snapshot('Interface').size).toBe(0);
  });

  it('refuses a strong reference to a missing row', () => {
    const { tx } = setup();
    const r = tx({ op: 'update', table: 'Root', where: [], row: { bridges: ['uuid', '11111111-1111-4111-8111-111111111111'] } });
    expect(r).toEqual([{ count: 1 }, { error: 'referential integrity violation', details: expect.stringContaining('nonexistent row') }]);
  });

  it('drops weak references when their target goes, and checks the minimum', () => {
    const { tx, root, db } = setup();
    const [, p0] = addBridge(tx, root, 'br0');
    const [, p1, b1] = addBridge(tx, root, 'br1');
    tx({ op: 'insert', table: 'Mirror', row: { name: 'm', select_port: ['set', [['uuid', p0], ['uuid', p1]]], output_port: ['uuid', p0], by_name: ['map', [['x', ['uuid', p1]]]] } });
    // a weak reference written to a missing row is dropped silently
    tx({ op: 'mutate', table: 'Mirror', where: [], mutations: [['select_port', 'insert', ['uuid', '22222222-2222-4222-8222-222222222222']]] });
    tx({ op: 'update', table: 'Bridge', where: whereUuid(b1!), row: { ports: ['set', []] } });
    const m = [...db.snapshot('Mirror').values()][0]!;
    expect(m.values.get('select_port')).toEqual({ keys: [p0] });
    expect(m.values.get('by_name')).toEqual({ keys: [], values: [] });
    // output_port must hold one port: losing it violates the constraint
    const r = tx({ op: 'update', table: 'Root', where: [], row: { bridges: ['set', []] } });
    expect(r[1]).toMatchObject({ error: 'constraint violation', details: expect.stringContaining('weak reference') });
  });

  it('enforces unique indexes and maxRows', () => {
    const { tx, root } = setup();
    addBridge(tx, root, 'br0');
    const dup = tx(
      { op: 'insert', table: 'Bridge', row: { name: 'br0' }, 'uuid-name': 'b' },
      { op: 'mutate', table: 'Root', where: [], mutations: [['bridges', 'insert', ['named-uuid', 'b']]] },
    );
    expect(dup[2]).toMatchObject({ error: 'constraint violation', details: expect.stringContaining('identical values') });
    // renaming a port to a name another port gives up in the same transaction is fine
    const [, pa] = addBridge(tx, root, 'x');
    const [, pb] = addBridge(tx, root, 'y');
    expect(tx(
      { op: 'update', table: 'Port', where: whereUuid(pa!), row: { name: 'yp' } },
      { op: 'update', table: 'Port', where: whereUuid(pb!), row: { name: 'xp' } },
    )).toEqual([{ count: 1 }, { count: 1 }]);
    expect(tx({ op: 'update', table: 'Port', where: whereUuid(pa!), row: { name: 'xp' } })[1]).toMatchObject({ error: 'constraint violation' });
    expect(tx({ op: 'insert', table: 'Root', row: {} })[1]).toMatchObject({ error: 'constraint violation', details: expect.stringContaining('limit of 1 row') });
  });

  it('reports modified columns and txn ids to commit listeners', () => {
    const { db, root } = setup();
    const seen: { id: string; changed?: readonly string[] }[] = [];
    db.onCommit((c) => seen.push({ id: c.txnId, changed: c.tables.get('Root')?.[0]?.changed }));
    done(db.transact([{ op: 'mutate', table: 'Root', where: whereUuid(root), mutations: [['next_cfg', '+=', 1]] }]));
    done(db.transact([{ op: 'update', table: 'Root', where: whereUuid(root), row: { next_cfg: 1 } }]));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.changed).toEqual(['next_cfg']);
    expect(db.lastTxnId).toBe(seen[0]!.id);
  });
});
