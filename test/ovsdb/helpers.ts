/** A small schema with the shapes the engine must handle: root and non-root tables, strong and weak refs, maps, enums, ranges, an index. */
import { parseSchema } from '../../sim/ovsdb/schema.js';
import type { DbSchema } from '../../sim/ovsdb/schema.js';

export function testSchema(): DbSchema {
  return parseSchema({
    name: 'Test',
    version: '1.2.3',
    tables: {
      Root: {
        isRoot: true,
        maxRows: 1,
        columns: {
          bridges: { type: { key: { type: 'uuid', refTable: 'Bridge' }, min: 0, max: 'unlimited' } },
          next_cfg: { type: 'integer' },
          ratio: { type: 'real' },
        },
      },
      Bridge: {
        indexes: [['name']],
        columns: {
          name: { type: 'string', mutable: false },
          ports: { type: { key: { type: 'uuid', refTable: 'Port' }, min: 0, max: 'unlimited' } },
          fail_mode: { type: { key: { type: 'string', enum: ['set', ['secure', 'standalone']] }, min: 0, max: 1 } },
          vlans: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 3 } },
          other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
          status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        },
      },
      Port: {
        indexes: [['name']],
        columns: {
          name: { type: 'string' },
          interfaces: { type: { key: { type: 'uuid', refTable: 'Interface' }, min: 1, max: 'unlimited' } },
        },
      },
      Interface: { columns: { name: { type: 'string', mutable: false } } },
      Mirror: {
        isRoot: true,
        columns: {
          name: { type: 'string' },
          select_port: { type: { key: { type: 'uuid', refTable: 'Port', refType: 'weak' }, min: 0, max: 'unlimited' } },
          output_port: { type: { key: { type: 'uuid', refTable: 'Port', refType: 'weak' }, min: 1, max: 1 } },
          by_name: { type: { key: 'string', value: { type: 'uuid', refTable: 'Port', refType: 'weak' }, min: 0, max: 'unlimited' } },
        },
      },
    },
  });
}

/** Sequential UUIDs, for deterministic tests. */
export function seqUuids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}
