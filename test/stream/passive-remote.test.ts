import { describe, expect, it } from 'vitest';
import { formatPassiveRemote, OFP_TCP_PORT, OVSDB_TCP_PORT, parsePassiveRemote, RemoteSyntaxError } from '../../sim/stream/passive-remote.js';

describe('passive remotes (punix:, ptcp:)', () => {
  it('take the default port of their protocol and bind to loopback unless an address is named', () => {
    expect(parsePassiveRemote('ptcp:', OVSDB_TCP_PORT)).toEqual({ kind: 'ptcp', port: 6640, host: '127.0.0.1' });
    expect(parsePassiveRemote('ptcp', OFP_TCP_PORT)).toEqual({ kind: 'ptcp', port: 6653, host: '127.0.0.1' });
    expect(parsePassiveRemote('ptcp:0:0.0.0.0', OFP_TCP_PORT)).toEqual({ kind: 'ptcp', port: 0, host: '0.0.0.0' });
    expect(parsePassiveRemote('ptcp::[::1]', OVSDB_TCP_PORT)).toEqual({ kind: 'ptcp', port: 6640, host: '::1' });
    expect(parsePassiveRemote('punix:/run/db.sock', OVSDB_TCP_PORT)).toEqual({ kind: 'punix', path: '/run/db.sock' });
  });

  it('print back as OVS writes them, IPv6 addresses in brackets', () => {
    for (const text of ['ptcp:6640:127.0.0.1', 'ptcp:6653:[::1]', 'punix:/tmp/br0.mgmt']) {
      expect(formatPassiveRemote(parsePassiveRemote(text, OVSDB_TCP_PORT))).toBe(text);
    }
  });

  it('refuse what cannot be listened on, naming the text', () => {
    const bad: [string, string][] = [
      ['punix:', 'punix:: punix needs a socket path'],
      ['ptcp:70000', 'ptcp:70000: bad port "70000"'],
      ['ptcp:x', 'ptcp:x: expected ptcp:[PORT][:IP]'],
      ['tcp:127.0.0.1:6640', 'tcp:127.0.0.1:6640: "tcp" is not a listening remote'],
      ['udp:1', 'udp:1: unknown remote type "udp"'],
    ];
    for (const [text, message] of bad) {
      expect(() => parsePassiveRemote(text, OVSDB_TCP_PORT)).toThrow(RemoteSyntaxError);
      expect(() => parsePassiveRemote(text, OVSDB_TCP_PORT)).toThrow(message);
    }
  });
});
