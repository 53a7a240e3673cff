/**
 * A tiny OpenFlow listener for tests: accepts `ovs-ofctl` on a Unix socket, negotiates a
 * version, answers what ovs-ofctl waits for (echo, features, barrier, port-desc, flow
 * dumps from a given list) and records every message it decoded. Not the switch side —
 * only enough of one to watch the real client's bytes.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  decode, encode, encodeMultipartReply, FrameDecoder, negotiateVersion, OfDecodeError, SUPPORTED_VERSIONS,
  type FlowStatsEntry, type OfMessage,
} from '../../../sim/openflow/wire/index.js';
import type { OfVersion } from '../../../sim/openflow/version.js';

export interface Recorded {
  readonly version: OfVersion;
  readonly msg: OfMessage;
  readonly bytes: Uint8Array;
}

export class FakeSwitch {
  readonly received: Recorded[] = [];
  readonly errors: OfDecodeError[] = [];
  #server: Server;
  #sockets = new Set<Socket>();

  constructor(
    readonly path: string,
    readonly flows: readonly FlowStatsEntry[] = [],
  ) {
    this.#server = createServer((s) => this.#serve(s));
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.#server.listen(this.path, resolve));
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #serve(sock: Socket): void {
    this.#sockets.add(sock);
    sock.on('close', () => this.#sockets.delete(sock));
    sock.on('error', () => undefined);
    const frames = new FrameDecoder();
    let version: OfVersion | undefined;
    let tableId = false;
    sock.write(encode({ type: 'hello', xid: 1, versions: SUPPORTED_VERSIONS }, 'OpenFlow15'));
    const send = (m: OfMessage): void => {
      sock.write(encode(m, version!, { of10TableId: tableId }));
    };
    sock.on('data', (chunk: Buffer) => {
      for (const bytes of frames.push(new Uint8Array(chunk))) {
        const d = decode(bytes, { of10TableId: tableId });
        if (d instanceof OfDecodeError) {
          this.errors.push(d);
          sock.write(d.reply(version));
          continue;
        }
        this.received.push({ version: d.version, msg: d.msg, bytes });
        const m = d.msg;
        switch (m.type) {
          case 'hello':
            version = negotiateVersion(SUPPORTED_VERSIONS, { headerVersion: d.wireVersion, versions: m.versions });
            break;
          case 'echo_request':
            send({ type: 'echo_reply', xid: m.xid, data: m.data });
            break;
          case 'barrier_request':
            send({ type: 'barrier_reply', xid: m.xid });
            break;
          case 'flow_mod_table_id':
            tableId = m.enable;
            break;
          case 'features_request':
            send({ type: 'features_reply', xid: m.xid, datapathId: 1n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x47, actions: 0xfff, ports: [] });
            break;
          case 'multipart_request':
            if (m.body.kind === 'port_desc') send({ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'port_desc', ports: [] } });
            if (m.body.kind === 'flow') {
              for (const part of encodeMultipartReply({ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'flow', flows: this.flows } }, version!)) sock.write(part);
            }
            break;
          default:
            break;
        }
      }
    });
  }
}
