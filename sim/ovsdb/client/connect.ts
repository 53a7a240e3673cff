/**
 * Opens a client channel to an OVSDB server named the way OVS tools name it:
 * `unix:PATH` or `tcp:IP:PORT` (`tcp:[IPv6]:PORT` too).
 */
import { connect, type Socket } from 'node:net';
import { socketChannel, type Channel } from '../channel.js';

/** A connection that could not be made; the message reads like ovs-vsctl's. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
}

export type Remote = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export function parseRemote(text: string): Remote {
  if (text.startsWith('unix:') && text.length > 5) return { kind: 'unix', path: text.slice(5) };
  const m = /^tcp:(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  if (m !== null) {
    const port = Number(m[3]);
    if (port > 0 && port < 65536) return { kind: 'tcp', host: m[1] ?? m[2]!, port };
  }
  throw new ConnectError(`${text}: unknown or malformed database remote (use unix:PATH or tcp:IP:PORT)`);
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
