/**
 * The `_Server` database that ovsdb-server serves beside the user's databases: one row
 * per database in its `Database` table, saying what model it runs (always "standalone"
 * here), that it is connected and the leader, and carrying its schema as JSON text.
 * Clients such as `ovs-vsctl` read it first (monitor_cond on Database) and take the
 * schema from it. Clients may read it but not write it.
 *
 * The schema below is our own text; its table and column names follow ovsdb-server's, so
 * clients find what they look for.
 */
import { parseSchema, type DbSchema } from '../schema.js';

export const SERVER_DB_NAME = '_Server';

export const SERVER_SCHEMA_JSON = {
  name: SERVER_DB_NAME,
  version: '1.2.0',
  tables: {
    Database: {
      columns: {
        name: { type: 'string' },
        model: { type: { key: { type: 'string', enum: ['set', ['clustered', 'relay', 'standalone']] } } },
        connected: { type: 'boolean' },
        leader: { type: 'boolean' },
        schema: { type: { key: 'string', min: 0 } },
        sid: { type: { key: 'uuid', min: 0 } },
        cid: { type: { key: 'uuid', min: 0 } },
        index: { type: { key: 'integer', min: 0 } },
      },
      isRoot: true,
    },
  },
} as const;

export function serverSchema(): DbSchema {
  return parseSchema(SERVER_SCHEMA_JSON);
}

/** Operations that change rows, which `_Server` refuses. */
export const WRITE_OPS: ReadonlySet<string> = new Set(['insert', 'update', 'mutate', 'delete']);

/** The `insert` of one database's row. */
export function databaseRowOp(name: string, schema: DbSchema): Record<string, unknown> {
  return {
    op: 'insert',
    table: 'Database',
    row: { name, model: 'standalone', connected: true, leader: true, schema: JSON.stringify(schema.json) },
  };
}
