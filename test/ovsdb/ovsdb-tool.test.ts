import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferIo } from '../../sim/cli/io.js';
import { run } from '../../sim/cli/program.js';
import { Database } from '../../sim/ovsdb/database.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovsim-tool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function ovsim(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await run(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('ovsim ovsdb-tool', () => {
  it('creates an Open_vSwitch database by default that ovs-vsctl-style transactions work on', async () => {
    const db = join(dir, 'conf.db');
    expect(await ovsim('ovsdb-tool', 'create', db)).toEqual({ code: 0, out: '', err: '' });
    const d = Database.open(db);
    expect(d.name).toBe('Open_vSwitch');
    expect(d.schema.version).toBe('8.3.1');
    const r = d.transact([
      { op: 'wait', table: 'Open_vSwitch', where: [], columns: ['_uuid'], until: '==', rows: [], timeout: 0 },
      { op: 'insert', table: 'Open_vSwitch', row: {}, 'uuid-name': 'o' },
      { op: 'insert', table: 'Interface', row: { name: 'br0', type: 'internal' }, 'uuid-name': 'i' },
      { op: 'insert', table: 'Port', row: { name: 'br0', interfaces: ['named-uuid', 'i'] }, 'uuid-name': 'p' },
      { op: 'insert', table: 'Bridge', row: { name: 'br0', ports: ['named-uuid', 'p'], fail_mode: 'secure' }, 'uuid-name': 'b' },
      { op: 'update', table: 'Open_vSwitch', where: [], row: { bridges: ['named-uuid', 'b'] } },
      { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] },
      { op: 'comment', comment: 'ovs-vsctl: add-br br0' },
    ]);
    expect(r.kind === 'done' && r.result.every((x) => x !== null && !('error' in (x as object)))).toBe(true);
    d.close();
    const shown = await ovsim('ovsdb-tool', 'show-log', db);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('record 0: offset 0: schema "Open_vSwitch" version "8.3.1"');
    expect(shown.out).toContain('"ovs-vsctl: add-br br0"');
    expect(shown.out).toMatch(/table Bridge:\n\t\trow [0-9a-f-]+: name="br0", ports=\["uuid","[0-9a-f-]+"\], fail_mode="secure"/);
    expect(await ovsim('ovsdb-tool', 'compact', db)).toEqual({ code: 0, out: '', err: '' });
    const after = await ovsim('ovsdb-tool', 'show-log', db);
    expect(after.out).toMatch(/record 1: offset \d+: snapshot, txn/);
    expect(after.out).not.toContain('record 2');
    expect(Database.open(db).snapshot('Bridge').size).toBe(1);
  });

  it('refuses to overwrite a database', async () => {
    const db = join(dir, 'conf.db');
    await ovsim('ovsdb-tool', 'create', db);
    expect(await ovsim('ovsdb-tool', 'create', db)).toEqual({ code: 1, out: '', err: `ovsim: ${db}: database file exists\n` });
  });

  it('names a bad schema file', async () => {
    const bad = join(dir, 'bad.ovsschema');
    writeFileSync(bad, '{"name": "X", "tables": {"T": {"columns": {"c": {"type": "float"}}}}}');
    const r = await ovsim('ovsdb-tool', 'create', join(dir, 'x.db'), bad);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`ovsim: schema file ${bad}: table T column c: unknown atomic type "float"\n`);
    writeFileSync(bad, '{"name": ');
    expect((await ovsim('ovsdb-tool', 'create', join(dir, 'x.db'), bad)).err).toMatch(new RegExp(`schema file ${bad} is not valid JSON`));
    expect((await ovsim('ovsdb-tool', 'create', join(dir, 'x.db'), join(dir, 'none'))).err).toMatch(/cannot read schema file .*none: ENOENT/);
  });

  it('names a missing or foreign database file', async () => {
    expect(await ovsim('ovsdb-tool', 'compact', join(dir, 'none.db'))).toMatchObject({ code: 1, err: expect.stringMatching(/none\.db: cannot read database \(ENOENT\)/) });
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'OVSDB JSON 2 0\n{}\n');
    expect(await ovsim('ovsdb-tool', 'show-log', junk)).toMatchObject({ code: 1, err: expect.stringMatching(/junk\.db: not an ovsim database log/) });
  });
});
