import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, DatabaseOpenError } from '../../sim/ovsdb/database.js';
import { createLog, encodeRecord, parseLog } from '../../sim/ovsdb/log.js';
import { rowToJson } from '../../sim/ovsdb/row.js';
import { seqUuids, testSchema } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovsim-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function newDb(): string {
  const path = join(dir, 'test.db');
  createLog(path, [testSchema().json]);
  return path;
}

/** Every committed row of every table, as JSON without _version (not persisted). */
function contents(db: Database): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of db.schema.tables.values()) {
    const rows = [...db.snapshot(t.name).values()].map((r) => rowToJson(r, t, ['_uuid', ...t.userColumns.filter((c) => !c.ephemeral).map((c) => c.name)]));
    out[t.name] = rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

function addBridge(db: Database, name: string): void {
  const r = db.transact([
    { op: 'insert', table: 'Interface', row: { name }, 'uuid-name': 'i' },
    { op: 'insert', table: 'Port', row: { name, interfaces: ['named-uuid', 'i'] }, 'uuid-name': 'p' },
    { op: 'insert', table: 'Bridge', row: { name, ports: ['named-uuid', 'p'], other_config: ['map', [['k', name]]], status: ['map', [['s', 'x']]] }, 'uuid-name': 'b' },
    { op: 'mutate', table: 'Root', where: [], mutations: [['bridges', 'insert', ['named-uuid', 'b']], ['next_cfg', '+=', 1]] },
    { op: 'comment', comment: `add ${name}` },
  ]);
  if (r.kind !== 'done' || r.result.length !== 5) throw new Error(JSON.stringify(r));
}

describe('log format', () => {
  it('frames records with length and checksum and reads them back', () => {
    const data = Buffer.concat([encodeRecord({ a: 1 }), encodeRecord(['x', 'é'])]);
    expect(encodeRecord({ a: 1 }).toString()).toMatch(/^OVSIM-LOG 7 [0-9a-f]{8}\n\{"a":1\}\n$/);
    const c = parseLog(data);
    expect(c.records.map((r) => r.json)).toEqual([{ a: 1 }, ['x', 'é']]);
    expect(c.goodLength).toBe(data.length);
    expect(c.problem).toBeUndefined();
  });

  it('stops at a record whose checksum fails', () => {
    const a = encodeRecord({ a: 1 });
    const b = encodeRecord({ b: 2 });
    b[b.length - 3] = 0x33; // "2" -> "3"
    const c = parseLog(Buffer.concat([a, b]));
    expect(c.records).toHaveLength(1);
    expect(c.goodLength).toBe(a.length);
    expect(c.problem).toMatch(/checksum/);
  });
});

describe('durable database', () => {
  it('replays committed transactions on open, ephemeral columns excepted', () => {
    const path = newDb();
    const db = Database.open(path);
    db.transact([{ op: 'insert', table: 'Root', row: {} }]);
    addBridge(db, 'br0');
    addBridge(db, 'br1');
    db.transact([{ op: 'update', table: 'Root', where: [], row: { bridges: ['set', []] } }]);
    addBridge(db, 'br2');
    const before = contents(db);
    const txn = db.lastTxnId;
    db.close();
    const again = Database.open(path);
    expect(contents(again)).toEqual(before);
    expect(again.lastTxnId).toBe(txn);
    expect([...again.snapshot('Bridge').values()][0]!.values.get('status')).toEqual({ keys: [], values: [] });
    // reference counts came back too: removing the bridge collects its port and interface
    again.transact([{ op: 'update', table: 'Root', where: [], row: { bridges: ['set', []] } }]);
    expect(again.snapshot('Interface').size).toBe(0);
    again.close();
  });

  it('keeps exactly the complete transactions when the last record is torn at any byte', () => {
    const path = newDb();
    const db = Database.open(path, { newUuid: seqUuids() });
    db.transact([{ op: 'insert', table: 'Root', row: {} }]);
    addBridge(db, 'br0');
    const complete = contents(db);
    const goodLength = db.logLength;
    addBridge(db, 'br1');
    const full = contents(db);
    const fullLength = db.logLength;
    db.close();
    const image = readFileSync(path);
    for (let cut = goodLength; cut <= fullLength; cut++) {
      writeFileSync(path, image.subarray(0, cut));
      const warnings: string[] = [];
      const d = Database.open(path, { warn: (m) => warnings.push(m) });
      expect(contents(d)).toEqual(cut === fullLength ? full : complete);
      expect(warnings).toHaveLength(cut === fullLength || cut === goodLength ? 0 : 1);
      // the torn tail is cut off, so the next commit lands after the last good record
      addBridge(d, 'br9');
      d.close();
      const reread = Database.open(path);
      expect(reread.snapshot('Bridge').size).toBe(cut === fullLength ? 3 : 2);
      reread.close();
    }
  });

  it('writes durable commits and refuses nothing for durable: true', () => {
    const path = newDb();
    const db = Database.open(path);
    const r = db.transact([{ op: 'insert', table: 'Root', row: {} }, { op: 'commit', durable: true }]);
    expect(r).toMatchObject({ kind: 'done', result: [{ uuid: expect.any(Array) }, {}] });
    db.close();
    expect(Database.open(path).snapshot('Root').size).toBe(1);
  });

  it('compacts to schema plus one snapshot with the same contents', () => {
    const path = newDb();
    const db = Database.open(path);
    db.transact([{ op: 'insert', table: 'Root', row: {} }]);
    for (let i = 0; i < 20; i++) addBridge(db, `br${i}`);
    db.transact([{ op: 'update', table: 'Root', where: [], row: { bridges: ['set', []] } }]);
    addBridge(db, 'last');
    const before = contents(db);
    const longBefore = db.logLength;
    db.compact();
    expect(db.logLength).toBeLessThan(longBefore);
    expect(parseLog(readFileSync(path)).records).toHaveLength(2);
    expect(existsSync(`${path}.tmp~`)).toBe(false);
    addBridge(db, 'after');
    const after = contents(db);
    db.close();
    const again = Database.open(path);
    expect(contents(again)).toEqual(after);
    expect(after.Bridge).toHaveLength(before.Bridge!.length + 1);
    again.close();
  });

  it('names the file when it cannot be opened', () => {
    expect(() => Database.open(join(dir, 'missing.db'))).toThrow(DatabaseOpenError);
    expect(() => Database.open(join(dir, 'missing.db'))).toThrow(/missing\.db: cannot read database \(ENOENT\)/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'hello world\n');
    expect(() => Database.open(junk)).toThrow(/junk\.db: not an ovsim database log/);
    const half = join(dir, 'half.db');
    createLog(half, [testSchema().json]);
    truncateSync(half, 20);
    expect(() => Database.open(half)).toThrow(/half\.db: no schema record/);
  });
});
