/**
 * The server on real sockets: listens on each remote (`punix:PATH`, `ptcp:PORT[:IP]`),
 * turns every accepted connection into a session, and shuts down cleanly — listeners
 * closed, sessions ended, the unix socket files removed, the databases' logs closed.
 *
 * A unix socket path that exists is reused only when nothing answers on it (a leftover
 * from a crash); a live server there, or a file that is not a socket, is an error.
 */
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { socketChannel } from '../channel.js';
import type { Database } from '../database.js';
import { formatPassiveRemote, OVSDB_TCP_PORT, parsePassiveRemote, type PassiveRemote } from '../../stream/passive-remote.js';
import { OvsdbServer, type OvsdbServerOptions } from './server.js';

/** A remote that cannot be opened (address in use, path taken); one clear line. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

export interface OvsdbServerHandle {
  readonly server: OvsdbServer;
  /** The remotes as bound (a `ptcp:0` remote shows its real port). */
  readonly remotes: readonly string[];
  /** Stops listening, ends every session, removes unix sockets, closes the databases. */
  close(): Promise<void>;
}

export interface StartOptions extends OvsdbServerOptions {
  /** Inactivity probe on TCP connections, as ovsdb-server's default (ms; 0: off). */
  readonly tcpProbeIntervalMs?: number;
  /** Leave the databases open on close (the caller owns them). Default: close them. */
  readonly keepDatabasesOpen?: boolean;
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function prepareUnixPath(remote: PassiveRemote & { kind: 'punix' }): Promise<void> {
  if (!existsSync(remote.path)) return;
  const st = lstatSync(remote.path);
  if (!st.isSocket()) throw new ListenError(`${formatPassiveRemote(remote)}: ${remote.path} exists and is not a socket`);
  if (await socketAnswers(remote.path)) {
    throw new ListenError(`${formatPassiveRemote(remote)}: ${remote.path} is in use by another server`);
  }
  unlinkSync(remote.path);
}

function listenOn(net: NetServer, remote: PassiveRemote): Promise<PassiveRemote> {
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException): void => {
      const what = formatPassiveRemote(remote);
      if (e.code === 'EADDRINUSE') reject(new ListenError(`${what}: address already in use`));
      else if (e.code === 'EACCES') reject(new ListenError(`${what}: permission denied`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new ListenError(`${what}: address not available on this host`));
      else reject(new ListenError(`${what}: ${e.message}`));
    };
    net.once('error', fail);
    const done = (): void => {
      net.off('error', fail);
      const addr = net.address();
      resolve(remote.kind === 'ptcp' && addr !== null && typeof addr === 'object' ? { ...remote, port: addr.port } : remote);
    };
    if (remote.kind === 'punix') net.listen(remote.path, done);
    else net.listen(remote.port, remote.host, done);
  });
}

/**
 * Serves `databases` on `remotes` until `close()`.
 *
 * @example
 * const h = await startOvsdbServer([Database.open('conf.db')], ['punix:/tmp/db.sock', 'ptcp:0']);
 * ...
 * await h.close();
 */
export async function startOvsdbServer(
  databases: Database | readonly Database[],
  remotes: readonly string[],
  opts: StartOptions = {},
): Promise<OvsdbServerHandle> {
  const dbs = Array.isArray(databases) ? (databases as readonly Database[]) : [databases as Database];
  const parsed = remotes.map((r) => parsePassiveRemote(r, OVSDB_TCP_PORT));
  const server = new OvsdbServer(dbs, opts);
  const listeners: NetServer[] = [];
  const bound: PassiveRemote[] = [];
  const sockets = new Set<Socket>();
  let counter = 0;
  const probe = opts.tcpProbeIntervalMs ?? 5_000;

  const closeListeners = async (): Promise<void> => {
    await Promise.all(listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
    for (const r of bound) {
      if (r.kind === 'punix') {
        try {
          unlinkSync(r.path);
        } catch {
          // already gone
        }
      }
    }
  };

  try {
    for (const remote of parsed) {
      if (remote.kind === 'punix') await prepareUnixPath(remote);
      const net = createServer((sock) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        const name = remote.kind === 'punix' ? `unix#${++counter}` : `tcp:${sock.remoteAddress}:${sock.remotePort}`;
        server.log(`${name}: connected`);
        server.attach(socketChannel(sock, name), { probeIntervalMs: remote.kind === 'ptcp' ? probe : 0 });
      });
      listeners.push(net);
      bound.push(await listenOn(net, remote));
    }
  } catch (e) {
    await closeListeners();
    server.close();
    throw e;
  }

  let closing: Promise<void> | null = null;
  return {
    server,
    remotes: bound.map(formatPassiveRemote),
    close() {
      closing ??= (async () => {
        const done = closeListeners();
        server.close();
        for (const s of sockets) s.destroy();
        await done;
        if (opts.keepDatabasesOpen !== true) for (const db of dbs) db.close();
      })();
      return closing;
    },
  };
}
