/**
 * Where a server listens, written as OVS writes it (its "pstream" names): `punix:PATH`
 * (a unix socket) or `ptcp:[PORT][:IP]`. ovsdb-server, a bridge's OpenFlow listener and a
 * controller all take these; only the default port differs (6640 for OVSDB, 6653 for
 * OpenFlow). Unlike OVS, a TCP remote without an address binds to loopback only: ovsim
 * never opens a port to the network unless the user names an address.
 */

export type PassiveRemote =
  | { readonly kind: 'punix'; readonly path: string }
  | { readonly kind: 'ptcp'; readonly port: number; readonly host: string };

/** A remote that cannot be parsed; the message names the text. */
export class RemoteSyntaxError extends Error {
  override readonly name = 'RemoteSyntaxError';
}

export const LOOPBACK = '127.0.0.1';
export const OVSDB_TCP_PORT = 6640;
export const OFP_TCP_PORT = 6653;

/** Parses `punix:PATH` or `ptcp:[PORT][:IP]` (IPv6 addresses in brackets). */
export function parsePassiveRemote(text: string, defaultPort: number): PassiveRemote {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (kind === 'punix') {
    if (rest === '') throw new RemoteSyntaxError(`${text}: punix needs a socket path (punix:PATH)`);
    return { kind, path: rest };
  }
  if (kind === 'ptcp') {
    const m = /^(\d*)(?::(?:\[([0-9A-Fa-f:.]+)\]|([0-9A-Za-z.-]+)))?$/.exec(rest);
    if (m === null) throw new RemoteSyntaxError(`${text}: expected ptcp:[PORT][:IP]`);
    const port = m[1] === '' ? defaultPort : Number(m[1]);
    if (port > 65535) throw new RemoteSyntaxError(`${text}: bad port "${m[1]}"`);
    return { kind, port, host: m[2] ?? m[3] ?? LOOPBACK };
  }
  if (kind === 'unix' || kind === 'tcp' || kind === 'ssl' || kind === 'pssl') {
    throw new RemoteSyntaxError(`${text}: "${kind}" is not a listening remote (expected punix:PATH or ptcp:[PORT][:IP])`);
  }
  throw new RemoteSyntaxError(`${text}: unknown remote type "${kind}" (expected punix:PATH or ptcp:[PORT][:IP])`);
}

/** The text form of a remote, with the port actually bound. */
export function formatPassiveRemote(r: PassiveRemote): string {
  if (r.kind === 'punix') return `punix:${r.path}`;
  return `ptcp:${r.port}:${r.host.includes(':') ? `[${r.host}]` : r.host}`;
}
