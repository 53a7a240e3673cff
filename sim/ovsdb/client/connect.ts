/**
 * Opens a client channel to an OVSDB server named the way OVS tools name it:
 * `unix:PATH` or `tcp:IP[:PORT]` (see stream/active-remote.ts).
 */
import { connect, type Socket } from 'node:net';
import { parseActiveRemote, type ActiveRemote } from '../../stream/active-remote.js';
import { OVSDB_TCP_PORT } from '../../stream/passive-remote.js';
import { socketChannel, type Channel } from '../channel.js';

/** A connection that could not be made; the message reads like ovs-vsctl's. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
}

function parseRemote(text: string): ActiveRemote {
  const r = parseActiveRemote(text, OVSDB_TCP_PORT);
  if (r === null) throw new ConnectError(`${text}: unknown or malformed database remote (use unix:PATH or tcp:IP[:PORT])`);
  return r;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
};

/** Connects; rejects with ConnectError naming the remote and the reason. */
export function connectChannel(remoteText: string): Promise<Channel> {
  const remote = parseRemote(remoteText);
  return new Promise((resolve, reject) => {
    const sock: Socket = remote.kind === 'unix' ? connect(remote.path) : connect(remote.port, remote.host);
    const onError = (e: NodeJS.ErrnoException): void => {
      const why = (e.code !== undefined ? ERRNO_TEXT[e.code] : undefined) ?? e.message;
      reject(new ConnectError(`${remoteText}: database connection failed (${why})`));
    };
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.off('error', onError);
      resolve(socketChannel(sock, remoteText));
    });
  });
}
