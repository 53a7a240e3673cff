/**
 * Reading the switch's configuration out of the Open_vSwitch database: what bridges,
 * ports, interfaces and controllers the user asked for. ovsdb knows no switch; this is
 * vswitchd's view of the rows, as OVS's bridge.c reads them.
 */
import { datumAtom, datumToMap, type Atom, type Datum } from '../ovsdb/datum.js';
import { rowGet, type Row } from '../ovsdb/row.js';

/** Anything holding a replica of the database's rows (the IDL, or a Database directly). */
export interface RowSource {
  rows(table: string): Iterable<Row>;
}

export interface InterfaceConfig {
  readonly uuid: string;
  readonly name: string;
  /** "" (a system/sim interface), "internal", "patch", "dummy"... */
  readonly type: string;
  readonly ofportRequest: number | undefined;
  readonly options: ReadonlyMap<string, string>;
}

export interface PortConfig {
  readonly uuid: string;
  readonly name: string;
  readonly tag: number | undefined;
  readonly trunks: readonly number[];
  readonly interfaces: readonly InterfaceConfig[];
}

export interface ControllerConfig {
  readonly uuid: string;
  readonly target: string;
}

export interface MirrorConfig {
  readonly uuid: string;
  readonly name: string;
  readonly selectAll: boolean;
  /** Port uuids. */
  readonly selectSrcPorts: readonly string[];
  readonly selectDstPorts: readonly string[];
  readonly outputPort: string | undefined;
}

export interface BridgeConfig {
  readonly uuid: string;
  readonly name: string;
  readonly failMode: 'secure' | 'standalone' | undefined;
  readonly datapathType: string;
  readonly protocols: readonly string[];
  readonly controllers: readonly ControllerConfig[];
  readonly ports: readonly PortConfig[];
  readonly mirrors: readonly MirrorConfig[];
}

export interface SwitchConfig {
  /** The Open_vSwitch row's uuid (status is written there), or undefined before `init`. */
  readonly rootUuid: string | undefined;
  readonly nextCfg: number;
  readonly bridges: readonly BridgeConfig[];
}

function str(d: Datum): string {
  const a = datumAtom(d);
  return typeof a === 'string' ? a : '';
}

function num(d: Datum): number | undefined {
  const a = datumAtom(d);
  return typeof a === 'number' ? a : undefined;
}

function strings(d: Datum): string[] {
  return d.keys.filter((k): k is string => typeof k === 'string');
}

function stringMap(d: Datum): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of datumToMap(d)) out.set(String(k), String(v as Atom));
  return out;
}

function byUuid(src: RowSource, table: string): Map<string, Row> {
  const m = new Map<string, Row>();
  for (const r of src.rows(table)) m.set(r.uuid, r);
  return m;
}

export function readConfig(src: RowSource): SwitchConfig {
  const root = [...src.rows('Open_vSwitch')][0];
  if (!root) return { rootUuid: undefined, nextCfg: 0, bridges: [] };
  const bridgesByUuid = byUuid(src, 'Bridge');
  const ports = byUuid(src, 'Port');
  const ifaces = byUuid(src, 'Interface');
  const controllers = byUuid(src, 'Controller');
  const mirrors = byUuid(src, 'Mirror');
  const bridges: BridgeConfig[] = [];
  for (const bu of strings(rowGet(root, 'bridges'))) {
    const b = bridgesByUuid.get(bu);
    if (!b) continue;
    const fail = str(rowGet(b, 'fail_mode'));
    const portCfgs: PortConfig[] = [];
    for (const pu of strings(rowGet(b, 'ports'))) {
      const p = ports.get(pu);
      if (!p) continue;
      const ifCfgs: InterfaceConfig[] = [];
      for (const iu of strings(rowGet(p, 'interfaces'))) {
        const i = ifaces.get(iu);
        if (!i) continue;
        ifCfgs.push({
          uuid: i.uuid,
          name: str(rowGet(i, 'name')),
          type: str(rowGet(i, 'type')),
          ofportRequest: num(rowGet(i, 'ofport_request')),
          options: stringMap(rowGet(i, 'options')),
        });
      }
      portCfgs.push({
        uuid: p.uuid,
        name: str(rowGet(p, 'name')),
        tag: num(rowGet(p, 'tag')),
        trunks: rowGet(p, 'trunks').keys.filter((k): k is number => typeof k === 'number'),
        interfaces: ifCfgs,
      });
    }
    bridges.push({
      uuid: b.uuid,
      name: str(rowGet(b, 'name')),
      failMode: fail === 'secure' || fail === 'standalone' ? fail : undefined,
      datapathType: str(rowGet(b, 'datapath_type')),
      protocols: strings(rowGet(b, 'protocols')),
      controllers: strings(rowGet(b, 'controller'))
        .map((cu) => controllers.get(cu))
        .filter((c): c is Row => c !== undefined)
        .map((c) => ({ uuid: c.uuid, target: str(rowGet(c, 'target')) })),
      ports: portCfgs,
      mirrors: strings(rowGet(b, 'mirrors'))
        .map((mu) => mirrors.get(mu))
        .filter((m): m is Row => m !== undefined)
        .map((m) => ({
          uuid: m.uuid,
          name: str(rowGet(m, 'name')),
          selectAll: datumAtom(rowGet(m, 'select_all')) === true,
          selectSrcPorts: strings(rowGet(m, 'select_src_port')),
          selectDstPorts: strings(rowGet(m, 'select_dst_port')),
          outputPort: strings(rowGet(m, 'output_port'))[0],
        })),
    });
  }
  return { rootUuid: root.uuid, nextCfg: num(rowGet(root, 'next_cfg')) ?? 0, bridges };
}
