import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { socketChannel } from '../../sim/ovsdb/channel.js';
import { Controller, LearningSwitch, parseListenRemote } from '../../sim/controller/index.js';
import { FakeSwitch } from './fake-switch.js';
import { DEFAULT_PORTS } from './setup.js';
import { ethFrame } from './frames.js';

const dir = mkdtempSync(join(tmpdir(), 'ovsim-ctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('listening remotes', () => {
  it('reads ptcp and punix as OVS writes them', () => {
    expect(parseListenRemote('ptcp:')).toEqual({ kind: 'ptcp', port: 6653, host: '127.0.0.1' });
    expect(parseListenRemote('ptcp:0:127.0.0.1')).toEqual({ kind: 'ptcp', port: 0, host: '127.0.0.1' });
    expect(parseListenRemote('ptcp:6633:[::1]')).toEqual({ kind: 'ptcp', port: 6633, host: '::1' });
    expect(parseListenRemote('punix:/tmp/c.sock')).toEqual({ kind: 'punix', path: '/tmp/c.sock' });
    expect(() => parseListenRemote('tcp:1.2.3.4:6653')).toThrow('tcp:1.2.3.4:6653: "tcp" is not a listening remote');
    expect(() => parseListenRemote('ptcp:99999')).toThrow('bad port "99999"');
    expect(() => parseListenRemote('ptcp:abc')).toThrow('expected ptcp:[PORT][:IP]');
    expect(() => parseListenRemote('punix:')).toThrow('punix needs a socket path');
  });
});

describe('controller on real sockets', () => {
  for (const kind of ['ptcp', 'punix'] as const) {
    it(`${kind}: switches connect, handshake and get flows`, async () => {
      const app = new LearningSwitch();
      const ctl = new Controller([app]);
      const l = await ctl.listen(kind === 'ptcp' ? 'ptcp:0:127.0.0.1' : `punix:${join(dir, 'c.sock')}`);
      try {
        const sws = [7n, 8n].map((dpid) => {
          const sock = kind === 'ptcp' ? connect(l.port, '127.0.0.1') : connect(join(dir, 'c.sock'));
          return new FakeSwitch(socketChannel(sock, `sw${dpid}`), { dpid, ports: DEFAULT_PORTS }).start();
        });
        const [a, b] = await Promise.all([ctl.waitForSwitch(7n), ctl.waitForSwitch(8n)]);
        expect([a.dpidText, b.dpidText]).toEqual(['0000000000000007', '0000000000000008']);
        sws[0]!.sendPacketIn(ethFrame(2n, 1n), 1);
        sws[0]!.sendPacketIn(ethFrame(1n, 2n), 2);
        await until(() => sws[0]!.of('flow_mod').length === 2, 'the learned flow');
        await a.barrier();
        expect(sws[0]!.of('packet_out').length).toBe(2);
        expect(sws[1]!.of('flow_mod').length).toBe(1);
      } finally {
        await ctl.close();
      }
      expect(ctl.switches.size).toBe(0);
    });
  }

  it('sends echo probes on an idle TCP connection', async () => {
    const ctl = new Controller([], { probeIntervalMs: 50 });
    const l = await ctl.listen('ptcp:0');
    try {
      const sw = new FakeSwitch(socketChannel(connect(l.port, '127.0.0.1'), 'sw'), { ports: DEFAULT_PORTS }).start();
      await ctl.waitForSwitch();
      await until(() => sw.of('echo_request').length >= 2, 'two echo requests');
    } finally {
      await ctl.close();
    }
  });
});
