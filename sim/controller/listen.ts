/**
 * Where a controller waits for switches, written as OVS writes it: `ptcp:[PORT][:IP]`
 * (OpenFlow's port 6653 by default, loopback unless an address is named) or
 * `punix:PATH`. Each accepted socket becomes a Channel handed to the controller.
 */
import { unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { socketChannel, type Channel } from '../ovsdb/channel.js';
import { formatPassiveRemote, OFP_TCP_PORT, parsePassiveRemote, type PassiveRemote } from '../stream/passive-remote.js';

/** Reads `ptcp:[PORT][:IP]` (port 6653 by default) or `punix:PATH`. */
export function parseListenRemote(text: string): PassiveRemote {
  return parsePassiveRemote(text, OFP_TCP_PORT);
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
  const bound = formatPassiveRemote(r.kind === 'punix' ? r : { ...r, port });
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
