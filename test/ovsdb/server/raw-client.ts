/**
 * A raw OVSDB client for tests: writes bytes as given and collects every message the
 * server sends (replies and notifications), so tests can check exact shapes and order.
 */
import { connect, type Socket } from 'node:net';
import { JsonStreamDecoder, type Json } from '../../../sim/ovsdb/jsonrpc.js';

export class RawClient {
  readonly messages: { [k: string]: Json }[] = [];
  closed = false;
  readonly #sock: Socket;
  readonly #dec = new JsonStreamDecoder();
  #nextId = 1000;

  private constructor(sock: Socket) {
    this.#sock = sock;
    sock.on('data', (d: Buffer) => this.#dec.push(d, (v) => this.messages.push(v as { [k: string]: Json })));
    sock.on('close', () => (this.closed = true));
    sock.on('error', () => (this.closed = true));
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(text: string | Buffer): void {
    this.#sock.write(text);
  }

  /** Sends a request and resolves with its reply message. */
  async call(method: string, params: Json[], id: Json = this.#nextId++): Promise<{ [k: string]: Json }> {
    this.write(JSON.stringify({ id, method, params }));
    return this.waitFor((m) => m.id !== null && JSON.stringify(m.id) === JSON.stringify(id) && m.method === undefined);
  }

  /** Resolves with the first message (received so far or later) that `pred` accepts. */
  async waitFor(pred: (m: { [k: string]: Json }) => boolean, ms = 5000): Promise<{ [k: string]: Json }> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.messages.find(pred);
      if (m !== undefined) return m;
      if (this.closed) throw new Error('connection closed while waiting');
      if (Date.now() > deadline) throw new Error(`no such message within ${ms} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async waitClosed(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  notifications(method: string): Json[][] {
    return this.messages.filter((m) => m.method === method).map((m) => m.params as Json[]);
  }

  destroy(): void {
    this.#sock.destroy();
  }
}
