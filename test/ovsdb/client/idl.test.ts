/**
 * The IDL against ovsim's own ovsdb-server over simulated channels: bootstrap through
 * `_Server` and monitor_cond_since, change notifications, transactions with named-uuid
 * inserts, "try again" when a verified column changed, locks, the fallbacks to older
 * monitor methods, and ovsim vsctl waiting for cur_cfg.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulatedChannelPair, type Channel, type ChannelScheduler } from '../../../sim/ovsdb/channel.js';
import { Database } from '../../../sim/ovsdb/database.js';
import { datumAtom, scalarDatum, setDatum } from '../../../sim/ovsdb/datum.js';
import { JsonRpcPeer, type Json } from '../../../sim/ovsdb/jsonrpc.js';
import { OvsdbIdl, type RowChange } from '../../../sim/ovsdb/client/idl.js';
import { parseSchema } from '../../../sim/ovsdb/schema.js';
import { OvsdbServer } from '../../../sim/ovsdb/server/server.js';
import { runVsctl } from '../../../sim/vsctl/run.js';

const SCHEMA_JSON: unknown = JSON.parse(readFileSync(new URL('../../../sim/ovsdb/schemas/vswitch.ovsschema.json', import.meta.url), 'utf8'));

/** Delivers each write on the next macrotask: enough for a test without an engine. */
const sched: ChannelScheduler = {
  now: () => 0,
  schedule: (_d, fn, arg) => setImmediate(() => fn(arg)),
};

function serverWithClients(): { server: OvsdbServer; client(): Channel } {
  const server = new OvsdbServer([Database.inMemory(parseSchema(SCHEMA_JSON))]);
  return {
    server,
    client() {
      const [c, s] = simulatedChannelPair(sched);
      server.attach(s);
      return c;
    },
  };
}

const TABLES = { Open_vSwitch: ['bridges', 'next_cfg', 'cur_cfg'], Bridge: ['name', 'ports', 'other_config'], Port: ['name', 'interfaces'], Interface: ['name', 'type'] } as const;

async function addBridge(idl: OvsdbIdl, name: string): Promise<string> {
  const txn = idl.transaction();
  let ovs = idl.first('Open_vSwitch')?.uuid;
  if (ovs === undefined) ovs = txn.insert('Open_vSwitch');
  const iface = txn.insert('Interface', { name: scalarDatum(name), type: scalarDatum('internal') });
  const port = txn.insert('Port', { name: scalarDatum(name), interfaces: setDatum([iface]) });
  const br = txn.insert('Bridge', { name: scalarDatum(name), ports: setDatum([port]) });
  txn.write('Open_vSwitch', ovs, 'bridges', setDatum([...txn.read('Open_vSwitch', ovs, 'bridges').keys, br]));
  const r = await txn.commit();
  expect(r.status).toBe('success');
  return r.inserted.get(br)!;
}

describe('OvsdbIdl on ovsim ovsdb-server', () => {
  it('reads the schema from _Server, monitors with monitor_cond_since and replicates commits', async () => {
    const { client } = serverWithClients();
    const a = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: TABLES });
    const b = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: 'all' });
    expect(a.usedServerDb).toBe(true);
    expect(a.monitorMethod).toBe('monitor_cond_since');
    const seen: RowChange[] = [];
    b.onChange((c) => seen.push(...c));
    const seq = b.seqno;
    const br = await addBridge(a, 'br0');
    while (b.row('Bridge', br) === undefined) await b.whenChanged(seq);
    expect(datumAtom(b.row('Bridge', br)!.get('name'))).toBe('br0');
    expect(seen.filter((c) => c.old === null).map((c) => c.table).sort()).toEqual(['Bridge', 'Interface', 'Open_vSwitch', 'Port']);
    // The port row is reachable from the bridge by its server-assigned UUID.
    const port = b.row('Bridge', br)!.get('ports').keys[0] as string;
    expect(datumAtom(b.row('Port', port)!.get('name'))).toBe('br0');
    a.close();
    b.close();
  });

  it('a transaction whose verified column changed underneath it reports try-again', async () => {
    const { client } = serverWithClients();
    const a = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: TABLES });
    const b = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: TABLES });
    const br = await addBridge(a, 'br0');
    while (b.row('Bridge', br) === undefined) await b.whenChanged();
    const stale = b.transaction();
    stale.verify('Bridge', br, 'other_config');
    stale.write('Bridge', br, 'other_config', { keys: ['k'], values: ['from-b'] });
    const first = a.transaction();
    first.write('Bridge', br, 'other_config', { keys: ['k'], values: ['from-a'] });
    expect((await first.commit()).status).toBe('success');
    expect((await stale.commit()).status).toBe('try-again');
    a.close();
    b.close();
  });

  it('reads see the transaction’s own writes; a read-only transaction sends nothing', async () => {
    const { client } = serverWithClients();
    const a = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: TABLES });
    const br = await addBridge(a, 'br0');
    const txn = a.transaction();
    txn.write('Bridge', br, 'other_config', { keys: ['x'], values: ['1'] });
    expect(txn.row('Bridge', br)!.get('other_config').values).toEqual(['1']);
    expect(txn.rows('Bridge').map((r) => r.uuid)).toEqual([br]);
    const ro = a.transaction();
    ro.verify('Bridge', br, 'name');
    expect((await ro.commit()).status).toBe('unchanged');
    a.close();
  });

  it('locks: one holder, the waiter is told when it gets the lock, transactions assert it', async () => {
    const { client } = serverWithClients();
    const a = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: TABLES });
    const b = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: TABLES });
    expect(await a.lock('ovs_vswitchd')).toBe(true);
    expect(await b.lock('ovs_vswitchd')).toBe(false);
    const got = new Promise<string>((resolve) => b.onLockChange((name, ev) => resolve(`${ev} ${name}`)));
    await a.unlock('ovs_vswitchd');
    expect(await got).toBe('locked ovs_vswitchd');
    expect(b.hasLock('ovs_vswitchd')).toBe(true);
    const txn = b.transaction();
    txn.insert('Open_vSwitch');
    expect(txn.buildOps().ops[0]).toEqual({ op: 'assert', lock: 'ovs_vswitchd' });
    expect((await txn.commit()).status).toBe('success');
    a.close();
    b.close();
  });
});

describe('OvsdbIdl fallbacks', () => {
  /** A server that knows only get_schema and plain monitor, as an old ovsdb-server. */
  function oldServer(): { channel: Channel; methods: string[] } {
    const [c, s] = simulatedChannelPair(sched);
    const peer = new JsonRpcPeer(s);
    const methods: string[] = [];
    peer.start({
      request(id, method, params) {
        methods.push(method);
        if (method === 'get_schema' && params[0] === 'Open_vSwitch') peer.reply(id, SCHEMA_JSON as Json);
        else if (method === 'monitor') peer.reply(id, { Bridge: { '2f7b3a51-1c2d-4e5f-8a9b-0c1d2e3f4a5b': { new: { name: 'br9' } } } });
        else peer.replyError(id, { error: 'unknown method' });
      },
      notify() {},
      closed() {},
    });
    return { channel: c, methods };
  }

  it('without _Server and monitor_cond it uses get_schema and monitor', async () => {
    const { channel, methods } = oldServer();
    const idl = await OvsdbIdl.connect(channel, { db: 'Open_vSwitch', tables: { Bridge: ['name'] } });
    expect(methods).toEqual(['get_schema', 'get_schema', 'monitor_cond_since', 'monitor_cond', 'monitor']);
    expect(idl.monitorMethod).toBe('monitor');
    expect(idl.rows('Bridge').map((r) => datumAtom(r.get('name')))).toEqual(['br9']);
    idl.close();
  });
});

describe('ovsim vsctl on ovsim ovsdb-server', () => {
  function deps(client: () => Channel, sleepMs?: number) {
    return {
      connect: async () => client(),
      defaultDb: 'unix:/nonexistent',
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, sleepMs ?? ms)),
    };
  }

  it('without --no-wait it waits until cur_cfg reaches next_cfg', async () => {
    const { client } = serverWithClients();
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t) };
    expect(await runVsctl(['--no-wait', 'init'], io, deps(client))).toBe(0);
    // A stand-in for ovs-vswitchd: copies next_cfg into cur_cfg.
    const vswitchd = await OvsdbIdl.connect(client(), { db: 'Open_vSwitch', tables: { Open_vSwitch: ['next_cfg', 'cur_cfg'] } });
    vswitchd.onChange(() => {
      const row = vswitchd.first('Open_vSwitch')!;
      if (datumAtom(row.get('cur_cfg')) === datumAtom(row.get('next_cfg'))) return;
      const txn = vswitchd.transaction();
      txn.write('Open_vSwitch', row.uuid, 'cur_cfg', row.get('next_cfg'));
      txn.commit().catch(() => {}); // the connection may close first
    });
    expect(await runVsctl(['add-br', 'br0', '--', 'list-br'], io, deps(client))).toBe(0);
    expect(out).toBe('br0\n');
    vswitchd.close();
  });

  it('a --timeout with nobody applying the change fails with a clear error', async () => {
    const { client } = serverWithClients();
    let err = '';
    const io = { out: () => {}, err: (t: string) => (err += t) };
    expect(await runVsctl(['--timeout=1', 'add-br', 'br0'], io, deps(client, 50))).toBe(142);
    err = '';
    expect(await runVsctl(['--timeout=1', 'add-br', 'br1'], io, deps(client, 50))).toBe(142);
    expect(err).toMatch(/^ovs-vsctl: timed out after 1 seconds .*cur_cfg/);
  });

  it('chained commands, --id=@name references and create print as ovs-vsctl', async () => {
    const { client } = serverWithClients();
    let out = '';
    let err = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
    const d = deps(client);
    expect(await runVsctl(['--no-wait', 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy'], io, d)).toBe(0);
    expect(await runVsctl(['--no-wait', '--', '--id=@c', 'create', 'controller', 'target="tcp:127.0.0.1:6653"', '--', 'set', 'bridge', 'br0', 'controller=@c'], io, d)).toBe(0);
    expect(out).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/);
    out = '';
    expect(await runVsctl(['--no-wait', 'get-controller', 'br0', '--', 'list-ports', 'br0', '--', 'get', 'interface', 'p1', 'type'], io, d)).toBe(0);
    expect(out).toBe('tcp:127.0.0.1:6653\np1\ndummy\n');
    expect(await runVsctl(['--no-wait', 'add-br', 'br0'], io, d)).toBe(1);
    expect(err).toBe('ovs-vsctl: cannot create a bridge named br0 because a bridge named br0 already exists\n');
  });
});
