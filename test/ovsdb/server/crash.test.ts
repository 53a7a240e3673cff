/**
 * Durability through the server: a child `ovsim ovsdb-server` receiving a stream of
 * pipelined transactions is killed with SIGKILL midway; after a restart every
 * acknowledged transaction is there, and no transaction is there in part. Also the clean
 * shutdown: SIGTERM closes the server, exit status 0, unix socket removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLog } from '../../../sim/ovsdb/log.js';
import { REPO } from '../interop/harness.js';
import { SHOP_SCHEMA } from './fixture.js';
import { RawClient } from './raw-client.js';

const dir = mkdtempSync(join(tmpdir(), 'ovsim-crash-'));
const dbPath = join(dir, 'shop.db');
const sock = join(dir, 'db.sock');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the server from source and resolves once it says it is serving. */
function startServer(): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(join(REPO, 'node_modules/.bin/vite-node'), [join(REPO, 'sim/cli/main.ts'), '--', 'ovsdb-server', dbPath, `--remote=punix:${sock}`], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('serving Shop')) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${err}`));
    });
  });
}

/** One transaction of three rows: all or none of them may survive. */
function txn(i: number): string {
  const ops = ['a', 'b', 'c'].map((s) => ({ op: 'insert', table: 'Item', row: { name: `t${i}-${s}`, count: i % 100 } }));
  return JSON.stringify({ id: i, method: 'transact', params: ['Shop', ...ops] });
}

describe('ovsim ovsdb-server survives SIGKILL', () => {
  it('keeps every acknowledged transaction and no partial one', async () => {
    createLog(dbPath, [SHOP_SCHEMA]);
    const first = await startServer();
    const c = await RawClient.connect(sock);
    const acked = new Set<number>();
    let sent = 0;
    const exited = new Promise((r) => first.child.once('exit', r));
    // Keep 64 transactions in flight; kill the server once 300 are acknowledged.
    while (acked.size < 300) {
      while (sent - acked.size < 64) c.write(txn(sent++));
      await new Promise((r) => setTimeout(r, 2));
      for (const m of c.messages.splice(0)) {
        if (typeof m.id === 'number' && m.error === null) acked.add(m.id);
      }
    }
    while (sent - acked.size < 64) c.write(txn(sent++));
    first.child.kill('SIGKILL');
    await exited;
    for (const m of c.messages.splice(0)) if (typeof m.id === 'number' && m.error === null) acked.add(m.id);
    c.destroy();

    const second = await startServer();
    const d = await RawClient.connect(sock);
    const r = await d.call('transact', ['Shop', { op: 'select', table: 'Item', where: [], columns: ['name'] }]);
    const names = ((r.result as { rows: { name: string }[] }[])[0]!.rows ?? []).map((x) => x.name);
    const perTxn = new Map<number, number>();
    for (const n of names) {
      const i = Number(/^t(\d+)-/.exec(n)![1]);
      perTxn.set(i, (perTxn.get(i) ?? 0) + 1);
    }
    for (const i of acked) expect(perTxn.get(i), `acknowledged transaction ${i}`).toBe(3);
    for (const [i, n] of perTxn) expect(n, `transaction ${i} is whole`).toBe(3);
    expect(acked.size).toBeGreaterThanOrEqual(300);
    // The server still takes writes after recovery.
    expect((await d.call('transact', ['Shop', { op: 'insert', table: 'Item', row: { name: 'after' } }])).error).toBeNull();
    d.destroy();

    // SIGTERM: a clean shutdown that removes the socket. (Run as `node dist/…` the exit
    // status is 0; the vite-node wrapper used here to run from source reports 143.)
    const done = new Promise<number | null>((res) => second.child.once('exit', (code) => res(code)));
    second.child.kill('SIGTERM');
    expect([0, 143]).toContain(await done);
    expect(existsSync(sock)).toBe(false);
  }, 90_000);

  it('says clearly when the socket is taken or the database file is missing', async () => {
    const run = (args: string[]): Promise<{ code: number | null; err: string }> =>
      new Promise((res) => {
        const ch = spawn(join(REPO, 'node_modules/.bin/vite-node'), [join(REPO, 'sim/cli/main.ts'), '--', 'ovsdb-server', ...args], {
          cwd: REPO,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        children.push(ch);
        let err = '';
        ch.stderr!.on('data', (d: Buffer) => (err += d.toString()));
        ch.once('exit', (code) => res({ code, err }));
      });
    const missing = await run([join(dir, 'nope.db'), `--remote=punix:${join(dir, 'x.sock')}`]);
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toContain('nope.db');

    const live = await startServer();
    const taken = await run([dbPath, `--remote=punix:${sock}`]);
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/db\.sock is in use by another server/);
    live.child.kill('SIGTERM');
  }, 90_000);
});
