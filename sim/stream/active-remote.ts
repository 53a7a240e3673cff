/**
 * Where a client connects, written as OVS writes it (its "stream" names): `unix:PATH` or
 * `tcp:IP[:PORT]` (`tcp:[IPv6][:PORT]` too). ovsdb clients and a bridge's controller
 * connections take these; the port defaults to the protocol's (6640 for OVSDB, 6653 for
 * OpenFlow).
 */

export type ActiveRemote =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** Parses `unix:PATH` or `tcp:IP[:PORT]`; null when the text is neither (callers word the error). */
export function parseActiveRemote(text: string, defaultPort: number): ActiveRemote | null {
  if (text.startsWith('unix:') && text.length > 5) return { kind: 'unix', path: text.slice(5) };
  const m = /^tcp:(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(text);
  if (m === null) return null;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { kind: 'tcp', host: m[1] ?? m[2]!, port };
}
