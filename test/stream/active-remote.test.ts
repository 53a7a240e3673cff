import { describe, expect, it } from 'vitest';
import { parseActiveRemote } from '../../sim/stream/active-remote.js';
import { OFP_TCP_PORT, OVSDB_TCP_PORT } from '../../sim/stream/passive-remote.js';

describe('active remotes (unix:, tcp:)', () => {
  it('name a socket path or an address, the port defaulting to the protocol’s', () => {
    expect(parseActiveRemote('unix:/run/openvswitch/db.sock', OVSDB_TCP_PORT)).toEqual({ kind: 'unix', path: '/run/openvswitch/db.sock' });
    expect(parseActiveRemote('tcp:127.0.0.1:6641', OVSDB_TCP_PORT)).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 6641 });
    expect(parseActiveRemote('tcp:127.0.0.1', OFP_TCP_PORT)).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 6653 });
    expect(parseActiveRemote('tcp:[::1]:6653', OVSDB_TCP_PORT)).toEqual({ kind: 'tcp', host: '::1', port: 6653 });
    expect(parseActiveRemote('tcp:[::1]', OVSDB_TCP_PORT)).toEqual({ kind: 'tcp', host: '::1', port: 6640 });
  });

  it('are null when malformed, so each caller words its own error', () => {
    for (const text of ['unix:', 'tcp:', 'tcp:1.2.3.4:0', 'tcp:1.2.3.4:70000', 'tcp:::1:6640', 'ptcp:6640', 'ssl:1.2.3.4:6640']) {
      expect(parseActiveRemote(text, OVSDB_TCP_PORT)).toBeNull();
    }
  });
});
