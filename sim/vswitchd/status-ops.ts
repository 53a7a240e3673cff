/**
 * The OVSDB operations that write vswitchd's status back: each interface's ofport,
 * states, MAC in use and error, each bridge's datapath id, and `cur_cfg`. Only values that
 * differ from the database's are written, so writing back settles instead of looping.
 */
import { datumAtom, type Datum } from '../ovsdb/datum.js';
import { rowGet, type Row } from '../ovsdb/row.js';
import type { RowSource } from './config.js';
import type { SwitchStatus } from './vswitchd.js';

function atomOf(d: Datum): unknown {
  return datumAtom(d);
}

/** OVSDB `update` ops bringing the database's status columns to `st` (empty when nothing differs). */
export function statusOps(src: RowSource, rootUuid: string | undefined, st: SwitchStatus): unknown[] {
  const ops: unknown[] = [];
  const ifaces = new Map<string, Row>();
  for (const r of src.rows('Interface')) ifaces.set(r.uuid, r);
  for (const s of st.interfaces) {
    const row = ifaces.get(s.uuid);
    if (!row) continue;
    const want: Record<string, unknown> = {
      ofport: s.ofport,
      admin_state: s.adminState,
      link_state: s.linkState,
      mac_in_use: s.macInUse,
    };
    const set: Record<string, unknown> = {};
    for (const [col, v] of Object.entries(want)) if (atomOf(rowGet(row, col)) !== v) set[col] = v;
    const err = atomOf(rowGet(row, 'error'));
    if (s.error !== undefined && err !== s.error) set.error = s.error;
    if (s.error === undefined && err !== undefined) set.error = ['set', []];
    if (Object.keys(set).length > 0) ops.push({ op: 'update', table: 'Interface', where: [['_uuid', '==', ['uuid', s.uuid]]], row: set });
  }
  const bridges = new Map<string, Row>();
  for (const r of src.rows('Bridge')) bridges.set(r.uuid, r);
  for (const b of st.bridges) {
    const row = bridges.get(b.uuid);
    if (row && atomOf(rowGet(row, 'datapath_id')) !== b.datapathId) {
      ops.push({ op: 'update', table: 'Bridge', where: [['_uuid', '==', ['uuid', b.uuid]]], row: { datapath_id: b.datapathId } });
    }
  }
  if (rootUuid !== undefined) {
    const root = [...src.rows('Open_vSwitch')].find((r) => r.uuid === rootUuid);
    if (root && atomOf(rowGet(root, 'cur_cfg')) !== st.curCfg) {
      ops.push({ op: 'update', table: 'Open_vSwitch', where: [['_uuid', '==', ['uuid', rootUuid]]], row: { cur_cfg: st.curCfg } });
    }
  }
  return ops;
}
