/**
 * The server embedded in a simulation: sessions on simulated channels, time from the
 * engine. A `wait` times out in virtual time, and a monitor's update arrives one channel
 * latency after the commit.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../../engine/simulator.js';
import { NS_PER_MS } from '../../../engine/time.js';
import { simulatedChannelPair } from '../../../sim/ovsdb/channel.js';
import { Database } from '../../../sim/ovsdb/database.js';
import { JsonRpcPeer, type Json } from '../../../sim/ovsdb/jsonrpc.js';
import { parseSchema } from '../../../sim/ovsdb/schema.js';
import { simulatorClock } from '../../../sim/ovsdb/server/clock.js';
import { OvsdbServer } from '../../../sim/ovsdb/server/server.js';
import { SHOP_SCHEMA } from './fixture.js';

function setup(): { sim: Simulator; server: OvsdbServer; client: () => { peer: JsonRpcPeer; notes: [string, Json[], number][] } } {
  const sim = new Simulator();
  const server = new OvsdbServer([Database.inMemory(parseSchema(SHOP_SCHEMA))], { clock: simulatorClock(sim) });
  const client = (): { peer: JsonRpcPeer; notes: [string, Json[], number][] } => {
    const [a, b] = simulatedChannelPair(sim, { latencyNs: 100_000 });
    server.attach(b);
    const peer = new JsonRpcPeer(a);
    const notes: [string, Json[], number][] = [];
    peer.start({ request: () => {}, notify: (m, p) => notes.push([m, p, sim.now()]), closed: () => {} });
    return { peer, notes };
  };
  return { sim, server, client };
}

/** Runs the simulation and lets promise callbacks run, until `p` settles. */
async function settle<T>(sim: Simulator, p: Promise<T>): Promise<T> {
  let done = false;
  void p.finally(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) {
    sim.run();
    await new Promise((r) => setImmediate(r));
  }
  return p;
}

describe('OvsdbServer on simulated channels', () => {
  it('times a wait out in virtual time', async () => {
    const { sim, client } = setup();
    const c = client();
    const wait = { op: 'wait', table: 'Item', where: [], columns: ['name'], until: '==', rows: [{ name: 'x' }], timeout: 5000 };
    const r = (await settle(sim, c.peer.call('transact', ['Shop', wait]))) as { error: string }[];
    expect(r[0]!.error).toBe('timed out');
    // 5 s of virtual time (plus the 1 ms the timer rounds up and two channel crossings).
    expect(sim.now()).toBeGreaterThanOrEqual(5000 * NS_PER_MS);
    expect(sim.now()).toBeLessThan(5010 * NS_PER_MS);
  });

  it('a waiting transaction completes when another session commits, and monitors see the commit', async () => {
    const { sim, client } = setup();
    const a = client();
    const b = client();
    await settle(sim, b.peer.call('monitor_cond', ['Shop', 'm', { Item: [{ columns: ['name'] }] }]));
    const wait = { op: 'wait', table: 'Item', where: [], columns: ['name'], until: '==', rows: [{ name: 'x' }], timeout: 60_000 };
    const waiting = a.peer.call('transact', ['Shop', wait]);
    sim.run({ until: sim.now() + 10 * NS_PER_MS });
    const insertAt = sim.now();
    await settle(sim, b.peer.call('transact', ['Shop', { op: 'insert', table: 'Item', row: { name: 'x' } }]));
    expect(await settle(sim, waiting)).toEqual([{}]);
    expect(sim.now()).toBeLessThan(insertAt + 10 * NS_PER_MS);
    expect(b.notes.map(([m]) => m)).toEqual(['update2']);
    // Sent when the insert arrived (one latency after insertAt), received one latency later.
    expect(b.notes[0]![2]).toBe(insertAt + 200_000);
  });
});
