/**
 * The switch-level commands of ovs-vsctl: bridges, ports, interfaces, controllers and
 * fail modes, written against the bridge/port/interface cache so that fake (VLAN)
 * bridges and the bridge's own local port behave as in ovs-vsctl.
 */
import { datumAtom, scalarDatum, setDatum, type Datum } from '../ovsdb/datum.js';
import { VsctlContext, VsctlError, type VsBridge, type VsPort } from './context.js';
import { setColumn } from './db-commands.js';
import type { CommandSpec } from './registry.js';

function refs(ctx: VsctlContext, table: string, uuid: string, column: string): string[] {
  return ctx.uuids(table, uuid, column);
}

function withRef(d: readonly string[], add: string): Datum {
  return setDatum([...d, add]);
}

function withoutRef(d: readonly string[], drop: string): Datum {
  return setDatum(d.filter((u) => u !== drop));
}

function sortedLines(names: string[]): string {
  return names
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => `${n}\n`)
    .join('');
}

function realBridgeOf(br: VsBridge): VsBridge {
  return br.parent ?? br;
}

function delPort(ctx: VsctlContext, port: VsPort): void {
  const br = realBridgeOf(port.bridge);
  ctx.txn.write('Bridge', br.uuid!, 'ports', withoutRef(refs(ctx, 'Bridge', br.uuid!, 'ports'), port.uuid));
  for (const i of port.ifaces) ctx.txn.delete('Interface', i.uuid);
  ctx.txn.delete('Port', port.uuid);
}

function delBridge(ctx: VsctlContext, br: VsBridge): void {
  const c = ctx.cache();
  for (const child of [...c.bridges.values()]) if (child.parent === br) delBridge(ctx, child);
  for (const p of [...br.ports]) delPort(ctx, p);
  if (ctx.schema.tables.has('Flow_Sample_Collector_Set') && br.uuid !== null) {
    for (const r of ctx.txn.rows('Flow_Sample_Collector_Set')) {
      if (datumAtom(r.get('bridge')) === br.uuid) ctx.txn.delete('Flow_Sample_Collector_Set', r.uuid);
    }
  }
  if (br.uuid !== null) {
    ctx.txn.delete('Bridge', br.uuid);
    ctx.txn.write('Open_vSwitch', ctx.ovs, 'bridges', withoutRef(refs(ctx, 'Open_vSwitch', ctx.ovs, 'bridges'), br.uuid));
  }
}

function addBr(ctx: VsctlContext): void {
  const [name, parentName, vlanText] = ctx.command.args as [string, string?, string?];
  if (name === '') throw new VsctlError('bridge name must not be empty string');
  let vlan = 0;
  if (ctx.command.args.length === 3) {
    vlan = Number.parseInt(vlanText!, 10) || 0;
    if (vlan < 0 || vlan > 4095) throw new VsctlError('add-br: vlan must be between 0 and 4095');
  } else if (ctx.command.args.length !== 1) {
    throw new VsctlError("'add-br' command takes exactly 1 or 3 arguments");
  }
  if (ctx.has('--may-exist')) {
    const br = ctx.findBridge(name, false);
    if (br !== undefined) {
      if (parentName === undefined) {
        if (br.parent !== null) throw new VsctlError(`"--may-exist add-br ${name}" but ${name} is a VLAN bridge for VLAN ${br.vlan}`);
      } else if (br.parent === null) {
        throw new VsctlError(`"--may-exist add-br ${name} ${parentName} ${vlan}" but ${name} is not a VLAN bridge`);
      } else if (br.parent.name !== parentName) {
        throw new VsctlError(`"--may-exist add-br ${name} ${parentName} ${vlan}" but ${name} has the wrong parent ${br.parent.name}`);
      } else if (br.vlan !== vlan) {
        throw new VsctlError(`"--may-exist add-br ${name} ${parentName} ${vlan}" but ${name} is a VLAN bridge for the wrong VLAN ${br.vlan}`);
      }
      return;
    }
  }
  ctx.checkConflicts(name, `cannot create a bridge named ${name}`);
  const iface = ctx.txn.insert('Interface', { name: scalarDatum(name), type: scalarDatum('internal') });
  if (parentName === undefined) {
    const port = ctx.txn.insert('Port', { name: scalarDatum(name), interfaces: setDatum([iface]) });
    const br = ctx.txn.insert('Bridge', { name: scalarDatum(name), ports: setDatum([port]) });
    ctx.txn.write('Open_vSwitch', ctx.ovs, 'bridges', withRef(refs(ctx, 'Open_vSwitch', ctx.ovs, 'bridges'), br));
  } else {
    const parent = ctx.findBridge(parentName, false);
    if (parent !== undefined && parent.parent !== null) throw new VsctlError('cannot create bridge with fake bridge as parent');
    if (parent === undefined) throw new VsctlError(`parent bridge ${parentName} does not exist`);
    const conflict = [...ctx.cache().bridges.values()].find((b) => b.parent === parent && b.vlan === vlan);
    if (conflict !== undefined) throw new VsctlError(`bridge ${parentName} already has a child VLAN bridge ${conflict.name} on VLAN ${vlan}`);
    const port = ctx.txn.insert('Port', {
      name: scalarDatum(name),
      interfaces: setDatum([iface]),
      fake_bridge: scalarDatum(true),
      tag: scalarDatum(vlan),
    });
    ctx.txn.write('Bridge', parent.uuid!, 'ports', withRef(refs(ctx, 'Bridge', parent.uuid!, 'ports'), port));
  }
  ctx.invalidateCache();
}

function delBr(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.command.args[0]!, !ctx.has('--if-exists'));
  if (br !== undefined) delBridge(ctx, br);
  ctx.invalidateCache();
}

function listBr(ctx: VsctlContext): void {
  let real = ctx.has('--real');
  let fake = ctx.has('--fake');
  if (!real && !fake) real = fake = true;
  const names = [...ctx.cache().bridges.values()].filter((b) => (b.parent !== null ? fake : real)).map((b) => b.name);
  ctx.output += sortedLines(names);
}

function brExists(ctx: VsctlContext): void {
  if (ctx.findBridge(ctx.command.args[0]!, false) === undefined) throw new VsctlError('', 2);
}

function listPorts(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.command.args[0]!, true)!;
  ctx.verify('Bridge', realBridgeOf(br).uuid!, 'ports');
  ctx.output += sortedLines(br.ports.filter((p) => p.name !== br.name).map((p) => p.name));
}

function listIfaces(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.command.args[0]!, true)!;
  ctx.verifyPorts();
  ctx.output += sortedLines(br.ports.flatMap((p) => p.ifaces.map((i) => i.name)).filter((n) => n !== br.name));
}

function addPort(ctx: VsctlContext): void {
  const [brName, portName, ...settings] = ctx.command.args as [string, string, ...string[]];
  if (portName === '') throw new VsctlError('port name must not be empty string');
  if (ctx.has('--may-exist')) {
    const existing = ctx.findPort(portName, false);
    if (existing !== undefined) {
      const command = ['--may-exist', 'add-port', ...ctx.command.args].join(' ');
      if (existing.bridge.name !== brName) {
        throw new VsctlError(`"${command}" but ${portName} is actually attached to bridge ${existing.bridge.name}`);
      }
      const have = refs(ctx, 'Port', existing.uuid, 'interfaces').map((u) => ctx.str('Interface', u, 'name')).sort();
      if (have.length !== 1 || have[0] !== portName) {
        throw new VsctlError(`"${command}" but ${portName} actually has interface(s) ${have.join(', ')}`);
      }
      return;
    }
  }
  ctx.checkConflicts(portName, `cannot create a port named ${portName}`);
  ctx.checkConflicts(portName, `cannot create an interface named ${portName}`);
  const bridge = ctx.findBridge(brName, true)!;
  const iface = ctx.txn.insert('Interface', { name: scalarDatum(portName) });
  const values: Record<string, Datum> = { name: scalarDatum(portName), interfaces: setDatum([iface]) };
  if (bridge.parent !== null) values.tag = scalarDatum(bridge.vlan);
  const port = ctx.txn.insert('Port', values);
  const portTable = ctx.tableSchema('Port');
  for (const s of settings) setColumn(ctx, portTable, port, s);
  const real = realBridgeOf(bridge);
  ctx.txn.write('Bridge', real.uuid!, 'ports', withRef(refs(ctx, 'Bridge', real.uuid!, 'ports'), port));
  ctx.invalidateCache();
}

function delPortCmd(ctx: VsctlContext): void {
  const args = ctx.command.args;
  const target = args[args.length - 1]!;
  const mustExist = !ctx.has('--if-exists');
  let port: VsPort | undefined;
  if (ctx.findBridge(target, false) !== undefined) {
    if (mustExist) {
      throw new VsctlError(
        `cannot delete port ${target} because it is the local port for bridge ${target} (deleting this port requires deleting the entire bridge)`,
      );
    }
  } else if (!ctx.has('--with-iface')) {
    port = ctx.findPort(target, mustExist);
  } else {
    port = ctx.findPort(target, false) ?? ctx.findIface(target, false)?.port;
    if (mustExist && port === undefined) throw new VsctlError(`no port or interface named ${target}`);
  }
  if (port === undefined) return;
  if (args.length === 2) {
    const bridge = ctx.findBridge(args[0]!, true)!;
    if (port.bridge !== bridge) {
      if (port.bridge.parent === bridge) {
        throw new VsctlError(`bridge ${args[0]} does not have a port ${args[1]} (although its child bridge ${port.bridge.name} does)`);
      }
      throw new VsctlError(`bridge ${args[0]} does not have a port ${args[1]}`);
    }
  }
  delPort(ctx, port);
  ctx.invalidateCache();
}

function portToBr(ctx: VsctlContext): void {
  ctx.output += `${ctx.findPort(ctx.command.args[0]!, true)!.bridge.name}\n`;
}

function ifaceToBr(ctx: VsctlContext): void {
  ctx.output += `${ctx.findIface(ctx.command.args[0]!, true)!.port.bridge.name}\n`;
}

function brToVlan(ctx: VsctlContext): void {
  ctx.output += `${ctx.findBridge(ctx.command.args[0]!, true)!.vlan}\n`;
}

function brToParent(ctx: VsctlContext): void {
  ctx.output += `${realBridgeOf(ctx.findBridge(ctx.command.args[0]!, true)!).name}\n`;
}

function verifyControllers(ctx: VsctlContext, br: string): void {
  ctx.verify('Bridge', br, 'controller');
  for (const c of refs(ctx, 'Bridge', br, 'controller')) ctx.verify('Controller', c, 'target');
}

function getController(ctx: VsctlContext): void {
  const br = realBridgeOf(ctx.findBridge(ctx.command.args[0]!, true)!);
  verifyControllers(ctx, br.uuid!);
  ctx.output += sortedLines(refs(ctx, 'Bridge', br.uuid!, 'controller').map((c) => ctx.str('Controller', c, 'target')));
}

function delController(ctx: VsctlContext): void {
  const br = ctx.findRealBridge(ctx.command.args[0]!, true)!.uuid!;
  verifyControllers(ctx, br);
  const ctrls = refs(ctx, 'Bridge', br, 'controller');
  if (ctrls.length > 0) {
    for (const c of ctrls) ctx.txn.delete('Controller', c);
    ctx.txn.write('Bridge', br, 'controller', setDatum([]));
  }
}

function setController(ctx: VsctlContext): void {
  const [brName, ...targets] = ctx.command.args as [string, ...string[]];
  const br = ctx.findRealBridge(brName, true)!.uuid!;
  verifyControllers(ctx, br);
  for (const c of refs(ctx, 'Bridge', br, 'controller')) ctx.txn.delete('Controller', c);
  const probe = ctx.option('--inactivity-probe');
  const made = targets.map((t) => {
    const values: Record<string, Datum> = { target: scalarDatum(t) };
    if (probe !== undefined) values.inactivity_probe = scalarDatum(Number.parseInt(probe, 10) || 0);
    return ctx.txn.insert('Controller', values);
  });
  ctx.txn.write('Bridge', br, 'controller', setDatum(made));
}

function getFailMode(ctx: VsctlContext): void {
  const br = realBridgeOf(ctx.findBridge(ctx.command.args[0]!, true)!);
  ctx.verify('Bridge', br.uuid!, 'fail_mode');
  const mode = ctx.str('Bridge', br.uuid!, 'fail_mode');
  if (mode !== '') ctx.output += `${mode}\n`;
}

function delFailMode(ctx: VsctlContext): void {
  const br = ctx.findRealBridge(ctx.command.args[0]!, true)!;
  ctx.txn.write('Bridge', br.uuid!, 'fail_mode', setDatum([]));
}

function setFailMode(ctx: VsctlContext): void {
  const br = ctx.findRealBridge(ctx.command.args[0]!, true)!;
  const mode = ctx.command.args[1]!;
  if (mode !== 'standalone' && mode !== 'secure') throw new VsctlError('fail-mode must be "standalone" or "secure"');
  ctx.txn.write('Bridge', br.uuid!, 'fail_mode', scalarDatum(mode));
}

const INF = Number.POSITIVE_INFINITY;

export const BRIDGE_COMMANDS: readonly CommandSpec[] = [
  { name: 'init', min: 0, max: 0, options: [], writes: true, run: () => {} },
  { name: 'add-br', min: 1, max: 3, options: ['--may-exist'], writes: true, run: addBr },
  { name: 'del-br', min: 1, max: 1, options: ['--if-exists'], writes: true, run: delBr },
  { name: 'list-br', min: 0, max: 0, options: ['--real', '--fake'], writes: false, run: listBr },
  { name: 'br-exists', min: 1, max: 1, options: [], writes: false, run: brExists },
  { name: 'br-to-vlan', min: 1, max: 1, options: [], writes: false, run: brToVlan },
  { name: 'br-to-parent', min: 1, max: 1, options: [], writes: false, run: brToParent },
  { name: 'list-ports', min: 1, max: 1, options: [], writes: false, run: listPorts },
  { name: 'add-port', min: 2, max: INF, options: ['--may-exist'], writes: true, run: addPort },
  { name: 'del-port', min: 1, max: 2, options: ['--if-exists', '--with-iface'], writes: true, run: delPortCmd },
  { name: 'port-to-br', min: 1, max: 1, options: [], writes: false, run: portToBr },
  { name: 'list-ifaces', min: 1, max: 1, options: [], writes: false, run: listIfaces },
  { name: 'iface-to-br', min: 1, max: 1, options: [], writes: false, run: ifaceToBr },
  { name: 'get-controller', min: 1, max: 1, options: [], writes: false, run: getController },
  { name: 'del-controller', min: 1, max: 1, options: [], writes: true, run: delController },
  { name: 'set-controller', min: 1, max: INF, options: ['--inactivity-probe='], writes: true, run: setController },
  { name: 'get-fail-mode', min: 1, max: 1, options: [], writes: false, run: getFailMode },
  { name: 'del-fail-mode', min: 1, max: 1, options: [], writes: true, run: delFailMode },
  { name: 'set-fail-mode', min: 2, max: 2, options: [], writes: true, run: setFailMode },
];
