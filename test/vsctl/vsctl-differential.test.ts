/**
 * ovsim vsctl against Debian's ovs-vsctl, both talking to Debian's ovsdb-server:
 * the same command lines on two fresh databases give the same outputs, errors and exit
 * codes (UUIDs hidden, records sorted) and the same database contents; read commands on
 * one shared database give identical text.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../sim/ovsdb/database.js';
import { parseSchema } from '../../sim/ovsdb/schema.js';
import { startOvsdbServer } from '../../sim/ovsdb/server/listen.js';
import { findOvsTools, normalize, normalizeDump, normalizeTree, OvsdbOracle, sortRecords } from './ovsdb-oracle.js';

const SEQUENCE: readonly (readonly string[])[] = [
  ['init'],
  ['add-br', 'br0'],
  ['add-br', 'br1', '--', 'set', 'bridge', 'br1', 'fail-mode=secure', 'other-config:datapath-id=0000000000000001'],
  ['add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1'],
  ['add-port', 'br0', 'p2', 'tag=10', '--', 'set', 'interface', 'p2', 'type=internal', 'options:key=val'],
  ['--may-exist', 'add-br', 'br0'],
  ['--may-exist', 'add-port', 'br0', 'p1'],
  ['list-br'],
  ['list-ports', 'br0'],
  ['list-ifaces', 'br0'],
  ['port-to-br', 'p1'],
  ['iface-to-br', 'p2'],
  ['br-exists', 'br0'],
  ['add-br', 'fake10', 'br0', '10'],
  ['list-br'],
  ['list-br', '--fake'],
  ['list-ports', 'fake10'],
  ['br-to-vlan', 'fake10'],
  ['br-to-parent', 'fake10'],
  ['set', 'bridge', 'br0', 'other_config:a=1', 'external_ids:owner=me'],
  ['get', 'bridge', 'br0', 'other_config'],
  ['get', 'bridge', 'br0', 'other_config:a', 'name', '_uuid'],
  ['get', 'interface', 'p1', 'ofport_request', 'type', 'name'],
  ['add', 'bridge', 'br0', 'protocols', 'OpenFlow13', 'OpenFlow10'],
  ['get', 'bridge', 'br0', 'protocols'],
  ['remove', 'bridge', 'br0', 'protocols', 'OpenFlow10'],
  ['remove', 'bridge', 'br0', 'other_config', 'a'],
  ['add', 'bridge', 'br0', 'external_ids', 'x=1', 'owner=other'],
  ['get', 'bridge', 'br0', 'external_ids'],
  ['clear', 'bridge', 'br0', 'external_ids'],
  ['set-controller', 'br0', 'tcp:127.0.0.1:6653', 'ptcp:6654'],
  ['get-controller', 'br0'],
  ['set-fail-mode', 'br0', 'standalone'],
  ['get-fail-mode', 'br0'],
  ['del-fail-mode', 'br0'],
  ['get-fail-mode', 'br0'],
  ['find', 'interface', 'type=dummy'],
  ['--columns=name,ofport_request', 'find', 'interface', 'type=dummy'],
  ['--columns=name,type', 'list', 'interface', 'p1', 'p2'],
  ['--bare', '--columns=name', 'find', 'port', 'tag=10'],
  ['--format=table', '--columns=name,type', 'list', 'interface', 'p1'],
  ['--format=csv', '--columns=name,type,options', 'list', 'interface', 'p2'],
  ['list', 'bridge', 'br0'],
  ['list', 'controller'],
  ['show'],
  ['--id=@m', 'create', 'mirror', 'name=m0', '--', 'add', 'bridge', 'br1', 'mirrors', '@m'],
  ['list', 'mirror'],
  ['--if-exists', 'get', 'bridge', 'nope', 'name'],
  ['del-controller', 'br0'],
  ['del-port', 'br0', 'p2'],
  ['del-port', 'p1'],
  ['--if-exists', 'del-port', 'nope'],
  ['del-br', 'fake10'],
  ['del-br', 'br1'],
  ['--if-exists', 'del-br', 'br1'],
  ['show'],
  ['list-br'],
];

const ERRORS: readonly (readonly string[])[] = [
  ['add-br', 'br0'],
  ['del-br', 'nosuch'],
  ['add-port', 'nosuch', 'p9'],
  ['add-port', 'br0', 'br0'],
  ['del-port', 'br0', 'br0'],
  ['del-port', 'br0', 'p9'],
  ['get', 'bridge', 'br0', 'nosuchcol'],
  ['get', 'bridge', 'br0', 'other_config:zz'],
  ['get', 'bridge', 'nosuch', 'name'],
  ['list', 'nosuchtable'],
  ['frobnicate'],
  ['add-br'],
  ['list-br', 'extra'],
  ['set-fail-mode', 'br0', 'wrong'],
  ['br-exists', 'nope'],
  ['set', 'bridge', 'br0', 'name'],
  ['set', 'bridge', 'br0', 'stp_enable=maybe'],
  ['set', 'interface', 'br0', 'ofport_request=x'],
  ['clear', 'bridge', 'br0', 'name'],
  ['--may-exist', 'add-port', 'br1', 'p1'],
  ['port-to-br', 'nope'],
  ['add', 'bridge', 'br0', 'name', 'x'],
];

describe('ovsim vsctl vs Debian ovs-vsctl (on Debian ovsdb-server)', () => {
  let real: OvsdbOracle;
  let ours: OvsdbOracle;

  beforeAll(async () => {
    real = await OvsdbOracle.start();
    ours = await OvsdbOracle.start();
  });
  afterAll(async () => {
    await real?.stop();
    await ours?.stop();
  });

  it('the same command sequence gives the same outputs and the same database', async () => {
    for (const args of SEQUENCE) {
      const r = await real.real(args);
      const o = await ours.ours(args);
      const what = args.join(' ');
      const norm = args[0] === 'show' ? normalizeTree : normalize;
      expect({ what, code: o.code, stderr: o.stderr, stdout: norm(o.stdout) }).toEqual({
        what,
        code: r.code,
        stderr: r.stderr,
        stdout: norm(r.stdout),
      });
    }
    expect(normalizeDump(await ours.dump())).toEqual(normalizeDump(await real.dump()));
  }, 120_000);

  it('reads of one shared database print the same text', async () => {
    const shared = await OvsdbOracle.start();
    try {
      await readsMatch(shared);
    } finally {
      await shared.stop();
    }
  }, 60_000);

  async function readsMatch(real: OvsdbOracle): Promise<void> {
    const reads: (readonly string[])[] = [
      ['init'],
      ['add-br', 'br2', '--', 'add-port', 'br2', 'q1', '--', 'set', 'interface', 'q1', 'type=dummy'],
      ['set', 'bridge', 'br2', 'other_config:hwaddr="aa:55:aa:55:00:01"', 'protocols=OpenFlow10,OpenFlow13'],
    ];
    for (const w of reads) expect((await real.real(w)).code).toBe(0);
    for (const args of [['show'], ['list', 'bridge'], ['list', 'port'], ['list', 'interface'], ['list', 'open_vswitch'], ['get', 'bridge', 'br2', 'ports', 'other_config']]) {
      const r = await real.real(args);
      const o = await ours.ours(args, real.db);
      expect({ args, out: sortRecords(o.stdout), code: o.code }).toEqual({ args, out: sortRecords(r.stdout), code: r.code });
    }
  }

  it('errors read as ovs-vsctl words them, with the same exit codes', async () => {
    await real.real(['--may-exist', 'add-br', 'br0']);
    await ours.ours(['--may-exist', 'add-br', 'br0']);
    await real.real(['--may-exist', 'add-br', 'br1', '--', '--may-exist', 'add-port', 'br0', 'p1']);
    await ours.ours(['--may-exist', 'add-br', 'br1', '--', '--may-exist', 'add-port', 'br0', 'p1']);
    for (const args of ERRORS) {
      const r = await real.real(args);
      const o = await ours.ours(args);
      expect({ args, code: o.code, stderr: o.stderr, stdout: normalize(o.stdout) }).toEqual({
        args,
        code: r.code,
        stderr: r.stderr,
        stdout: normalize(r.stdout),
      });
    }
    expect(normalizeDump(await ours.dump())).toEqual(normalizeDump(await real.dump()));
  }, 60_000);
});

describe('ovsim vsctl on ovsim ovsdb-server vs Debian ovs-vsctl on Debian ovsdb-server', () => {
  it('the same command sequence gives the same outputs and the same table listings', async () => {
    const { schema } = findOvsTools();
    const dir = mkdtempSync(join(tmpdir(), 'ovsim-vsctl-own-'));
    const sock = join(dir, 'db.sock');
    const handle = await startOvsdbServer(Database.inMemory(parseSchema(JSON.parse(readFileSync(schema, 'utf8')))), [`punix:${sock}`]);
    const real = await OvsdbOracle.start();
    try {
      for (const args of SEQUENCE) {
        const r = await real.real(args);
        const o = await real.ours(args, `unix:${sock}`);
        const what = args.join(' ');
        const norm = args[0] === 'show' ? normalizeTree : normalize;
        expect({ what, code: o.code, stderr: o.stderr, stdout: norm(o.stdout) }).toEqual({ what, code: r.code, stderr: r.stderr, stdout: norm(r.stdout) });
      }
      const mine = await real.ours(['--format=csv', 'list', 'bridge', '--', '--format=csv', 'list', 'port', '--', 'list', 'interface'], `unix:${sock}`);
      const theirs = await real.real(['--format=csv', 'list', 'bridge', '--', '--format=csv', 'list', 'port', '--', 'list', 'interface']);
      expect(normalize(mine.stdout)).toEqual(normalize(theirs.stdout));
    } finally {
      await real.stop();
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
