/**
 * Where a controller waits for switches, written as OVS writes it: `ptcp:[PORT][:IP]`
 * (OpenFlow's port 6653 by default, loopback unless an address is named) or
 * `punix:PATH`. Each accepted socket becomes a Channel handed to the controller.
 */
import { unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { socketChannel, type Channel } from '../ovsdb/channel.js';

export const OFP_TCP_PORT = 6653;

export type ListenRemote =
  | { readonly kind: 'ptcp'; readonly port: number; readonly host: string }
  | { readonly kind: 'punix'; readonly path: string };

/** A remote that cannot be read; the message quotes it. */
export class RemoteSyntaxError extends Error {
  override readonly name = 'RemoteSyntaxError';
}

/** Reads `ptcp:[PORT][:IP]` or `punix:PATH`. */
export function parseListenRemote(text: string): ListenRemote {
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
    const port = m[1] === '' ? OFP_TCP_PORT : Number(m[1]);
    if (port > 65535) throw new RemoteSyntaxError(`${text}: bad port "${m[1]}"`);
    return { kind, port, host: m[2] ?? m[3] ?? '127.0.0.1' };
  }
  throw new RemoteSyntaxError(`${text}: unknown listening remote "${kind}" (expected ptcp:[PORT][:IP] or punix:PATH)`);
}

export interface ControllerListener {
  /** The remote as bound: `ptcp:PORT:IP` with the real port, or `punix:PATH`. */
  readonly remote: string;
  /** The TCP port bound (0 for punix). */
  readonly port: number;
  /** Stops accepting and drops the connections it accepted that are still open. */
  close(): Promise<void>;
}

/** Listens on `remote`, handing each accepted connection to `accept`. */
export async function listenOn(remote: string, accept: (ch: Channel) => void): Promise<ControllerListener> {
  const r = parseListenRemote(remote);
  const sockets = new Set<Socket>();
  const server = createServer((sock: Socket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const name = r.kind === 'punix' ? `unix:${r.path}` : `tcp:${sock.remoteAddress}:${sock.remotePort}`;
    accept(socketChannel(sock, name));
  });
  if (r.kind === 'punix') {
    try {
      unlinkSync(r.path);
    } catch {
      // no stale socket to remove
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (r.kind === 'punix') server.listen(r.path, resolve);
    else server.listen(r.port, r.host, resolve);
  });
  const addr = server.address();
  const port = r.kind === 'ptcp' && addr !== null && typeof addr === 'object' ? addr.port : 0;
  const bound = r.kind === 'punix' ? `punix:${r.path}` : `ptcp:${port}:${r.host.includes(':') ? `[${r.host}]` : r.host}`;
  let closing: Promise<void> | undefined;
  return {
    remote: bound,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
