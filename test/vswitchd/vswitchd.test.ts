import { describe, expect, it } from 'vitest';
import { Database } from '../../sim/ovsdb/database.js';
import { vswitchSchema } from '../../sim/ovsdb/vswitch-schema.js';
import { OFPP } from '../../sim/flow/layout.js';
import { readConfig, type RowSource } from '../../sim/vswitchd/config.js';
import { allocOfport, Vswitchd } from '../../sim/vswitchd/vswitchd.js';
import { FakeScheduler } from '../datapath/fake-scheduler.js';

function source(db: Database): RowSource {
  return { rows: (table) => db.snapshot(table).values() };
}

function ok(db: Database, ops: unknown[]): unknown[] {
  const r = db.transact(ops);
  if (r.kind !== 'done') throw new Error('blocked');
  for (const x of r.result) if (x && typeof x === 'object' && 'error' in x) throw new Error(JSON.stringify(r.result));
  return r.result;
}

/** What `ovs-vsctl init -- add-br br0 -- add-port br0 p1 -- set interface p1 ofport_request=5 -- add-port br0 p2` writes. */
function setUp(db: Database): string {
  ok(db, [{ op: 'insert', table: 'Open_vSwitch', row: { next_cfg: 1 } }]);
  const [root] = [...db.snapshot('Open_vSwitch').keys()];
  ok(db, [
    { op: 'insert', table: 'Interface', row: { name: 'br0', type: 'internal' }, 'uuid-name': 'ibr' },
    { op: 'insert', table: 'Port', row: { name: 'br0', interfaces: ['named-uuid', 'ibr'] }, 'uuid-name': 'pbr' },
    { op: 'insert', table: 'Interface', row: { name: 'p1', ofport_request: 5 }, 'uuid-name': 'i1' },
    { op: 'insert', table: 'Port', row: { name: 'p1', interfaces: ['named-uuid', 'i1'] }, 'uuid-name': 'p1' },
    { op: 'insert', table: 'Interface', row: { name: 'p2' }, 'uuid-name': 'i2' },
    { op: 'insert', table: 'Port', row: { name: 'p2', interfaces: ['named-uuid', 'i2'] }, 'uuid-name': 'p2' },
    {
      op: 'insert',
      table: 'Bridge',
      row: { name: 'br0', fail_mode: 'secure', ports: ['set', [['named-uuid', 'pbr'], ['named-uuid', 'p1'], ['named-uuid', 'p2']]] },
      'uuid-name': 'b',
    },
    { op: 'update', table: 'Open_vSwitch', where: [['_uuid', '==', ['uuid', root]]], row: { bridges: ['named-uuid', 'b'], next_cfg: 2 } },
  ]);
  return root!;
}

describe('vswitchd', () => {
  it('assigns OpenFlow ports as OVS does: the request when free, else the lowest free; the bridge port is LOCAL', () => {
    expect(allocOfport(5, new Set([1]))).toBe(5);
    expect(allocOfport(5, new Set([5]))).toBe(1);
    expect(allocOfport(undefined, new Set([1, 2]))).toBe(3);
    expect(allocOfport(0xff00, new Set())).toBe(1);
  });

  it('builds bridges and ports from the database and reports status and cur_cfg', () => {
    const db = Database.inMemory(vswitchSchema());
    setUp(db);
    const vs = new Vswitchd({ scheduler: new FakeScheduler(), random: () => 0.5, cache: 'megaflow' });
    const st = vs.apply(readConfig(source(db)));
    expect(st.curCfg).toBe(2);
    const ofports = Object.fromEntries(st.interfaces.map((i) => [i.name, i.ofport]));
    expect(ofports).toEqual({ br0: OFPP.LOCAL, p1: 5, p2: 1 });
    expect(vs.bridgeNames).toEqual(['br0']);
    expect([...vs.bridge('br0')!.ofproto.ports.keys()].sort((a, b) => a - b)).toEqual([1, 5, OFPP.LOCAL]);
    expect(st.interfaces.every((i) => i.adminState === 'up' && i.error === undefined)).toBe(true);
  });

  it('follows changes: a removed port goes, a bridge that is gone goes, an unknown type is an error', () => {
    const db = Database.inMemory(vswitchSchema());
    const root = setUp(db);
    const vs = new Vswitchd({ scheduler: new FakeScheduler(), random: () => 0.5, cache: 'megaflow' });
    vs.apply(readConfig(source(db)));
    const [b] = [...db.snapshot('Bridge').keys()];
    const p2 = [...db.snapshot('Port').values()].find((r) => r.values.get('name')!.keys[0] === 'p2')!.uuid;
    // del-port p2 (the row goes by garbage collection) and add a port of a type ovsim does not run.
    ok(db, [
      { op: 'mutate', table: 'Bridge', where: [['_uuid', '==', ['uuid', b]]], mutations: [['ports', 'delete', ['uuid', p2]]] },
      { op: 'insert', table: 'Interface', row: { name: 'gre0', type: 'gre' }, 'uuid-name': 'ig' },
      { op: 'insert', table: 'Port', row: { name: 'gre0', interfaces: ['named-uuid', 'ig'] }, 'uuid-name': 'pg' },
      { op: 'mutate', table: 'Bridge', where: [['_uuid', '==', ['uuid', b]]], mutations: [['ports', 'insert', ['named-uuid', 'pg']]] },
    ]);
    let st = vs.apply(readConfig(source(db)));
    expect(st.interfaces.map((i) => i.name).sort()).toEqual(['br0', 'gre0', 'p1']);
    expect(st.interfaces.find((i) => i.name === 'gre0')).toMatchObject({ ofport: -1, error: 'could not open network device gre0 (No such device)' });
    expect([...vs.bridge('br0')!.ofproto.ports.keys()].sort((a, b) => a - b)).toEqual([5, OFPP.LOCAL]);
    ok(db, [{ op: 'update', table: 'Open_vSwitch', where: [['_uuid', '==', ['uuid', root]]], row: { bridges: ['set', []], next_cfg: 3 } }]);
    st = vs.apply(readConfig(source(db)));
    expect(vs.bridgeNames).toEqual([]);
    expect(st.curCfg).toBe(3);
  });
});
