/**
 * `ovs-vsctl show`: the configuration as an indented tree, Open_vSwitch → Bridge → Port →
 * Interface (plus controllers and managers), each level four spaces deeper, printing a
 * column only when it differs from its default.
 */
import { defaultDatum, datumEquals } from '../ovsdb/datum.js';
import type { IdlRow } from '../ovsdb/client/replica.js';
import type { VsctlContext } from './context.js';
import type { CommandSpec } from './registry.js';
import { atomToString, datumToString } from './value.js';

interface ShowTable {
  readonly table: string;
  readonly nameColumn: string | null;
  readonly columns: readonly string[];
}

const SHOW: readonly ShowTable[] = [
  { table: 'Open_vSwitch', nameColumn: null, columns: ['manager_options', 'bridges', 'ovs_version'] },
  { table: 'Bridge', nameColumn: 'name', columns: ['controller', 'fail_mode', 'datapath_type', 'ports'] },
  { table: 'Port', nameColumn: 'name', columns: ['tag', 'trunks', 'interfaces'] },
  { table: 'Interface', nameColumn: 'name', columns: ['type', 'options', 'error', 'bfd_status'] },
  { table: 'Controller', nameColumn: 'target', columns: ['is_connected'] },
  { table: 'Manager', nameColumn: 'target', columns: ['is_connected'] },
];

function showRow(ctx: VsctlContext, row: IdlRow, level: number, shown: Set<string>): string {
  const spec = SHOW.find((s) => s.table === row.table);
  const ts = ctx.schema.tables.get(row.table)!;
  let out = ' '.repeat(level * 4);
  if (spec?.nameColumn) {
    out += `${row.table} ${datumToString(row.get(spec.nameColumn), ts.columns.get(spec.nameColumn)!.type)}\n`;
  } else {
    out += `${row.uuid}\n`;
  }
  if (spec === undefined || shown.has(spec.table)) return out;
  shown.add(spec.table);
  for (const cname of spec.columns) {
    const col = ts.columns.get(cname);
    if (col === undefined) continue;
    const d = row.get(cname);
    const keyRef = col.type.key.refTable;
    const valRef = col.type.value?.refTable;
    if (col.type.key.type === 'uuid' && keyRef !== undefined) {
      const ref = SHOW.find((s) => s.table === keyRef);
      if (ref !== undefined) {
        for (const u of d.keys) {
          const r = ctx.txn.row(keyRef, u as string);
          if (r !== undefined) out += showRow(ctx, r, level + 1, shown);
        }
        continue;
      }
    } else if (col.type.value !== undefined && col.type.value.type === 'uuid' && valRef !== undefined) {
      const ref = SHOW.find((s) => s.table === valRef);
      if (ref?.nameColumn) {
        const refType = ctx.schema.tables.get(valRef)!.columns.get(ref.nameColumn)!.type;
        out += `${' '.repeat((level + 1) * 4)}${cname}:\n`;
        d.keys.forEach((k, i) => {
          const r = ctx.txn.row(valRef, d.values![i] as string);
          const name = r === undefined ? '"<null>"' : datumToString(r.get(ref.nameColumn!), refType);
          out += `${' '.repeat((level + 2) * 4)}${atomToString(k, col.type.key)}=${name}\n`;
        });
        continue;
      }
    }
    if (!datumEquals(d, defaultDatum(col.type))) {
      out += `${' '.repeat((level + 1) * 4)}${cname}: ${datumToString(d, col.type)}\n`;
    }
  }
  shown.delete(spec.table);
  return out;
}

export const SHOW_COMMAND: CommandSpec = {
  name: 'show',
  min: 0,
  max: 0,
  options: [],
  writes: false,
  run(ctx) {
    const shown = new Set<string>();
    for (const row of ctx.txn.rows('Open_vSwitch')) ctx.output += showRow(ctx, row, 0, shown);
  },
};
