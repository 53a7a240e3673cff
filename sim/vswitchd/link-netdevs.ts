/**
 * Interfaces of type "sim": ports on simulated links. An interface's `options:link`
 * names the link end it is plugged into (e.g. `ovs-vsctl add-port br0 p1 -- set
 * interface p1 type=sim options:link=h1-s1`), so a scenario's topology and its ovsdb
 * configuration meet by name.
 */
import type { LinkEnd } from '../../engine/link.js';
import type { VswitchdOptions } from './vswitchd.js';

export function linkNetdevs(ends: ReadonlyMap<string, LinkEnd>): NonNullable<VswitchdOptions['netdevFor']> {
  return (_bridge, iface, deliver) => {
    if (iface.type !== 'sim') return undefined;
    const end = ends.get(iface.options.get('link') ?? '');
    if (!end) return undefined;
    end.connect({ receive: (frame) => deliver(frame) });
    return { send: (frame) => void end.send(frame) };
  };
}
