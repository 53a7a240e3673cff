/** A small schema and an in-process server on a unix socket, for the server tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../../sim/ovsdb/database.js';
import { parseSchema } from '../../../sim/ovsdb/schema.js';
import { startOvsdbServer, type OvsdbServerHandle, type StartOptions } from '../../../sim/ovsdb/server/listen.js';
import { RawClient } from './raw-client.js';

export const SHOP_SCHEMA = {
  name: 'Shop',
  version: '1.0.0',
  tables: {
    Item: {
      columns: {
        name: { type: 'string' },
        count: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 100 } } },
        tags: { type: { key: 'string', min: 0, max: 'unlimited' } },
        attrs: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        kind: { type: { key: { type: 'string', enum: ['set', ['food', 'tool']] }, min: 0, max: 1 } },
      },
      isRoot: true,
      indexes: [['name']],
    },
  },
};

export interface Fixture {
  readonly handle: OvsdbServerHandle;
  readonly db: Database;
  readonly sock: string;
  connect(): Promise<RawClient>;
  stop(): Promise<void>;
}

export async function startShop(opts: StartOptions = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ovsim-srv-'));
  const db = Database.inMemory(parseSchema(SHOP_SCHEMA));
  const sock = join(dir, 'db.sock');
  const handle = await startOvsdbServer(db, [`punix:${sock}`], opts);
  const clients: RawClient[] = [];
  return {
    handle,
    db,
    sock,
    async connect() {
      const c = await RawClient.connect(sock);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function insertItem(row: Record<string, unknown>): Record<string, unknown> {
  return { op: 'insert', table: 'Item', row };
}
