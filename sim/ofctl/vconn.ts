/**
 * One OpenFlow client connection as ovs-ofctl makes it: connect to a target (unix
 * socket, `tcp:IP:PORT`, a bare socket path or a bridge name under the run directory),
 * exchange HELLOs offering only the version `-O` allows, then send requests and wait for
 * their replies by xid.
 *
 * ovs-ofctl numbers xids with one counter for the whole run, HELLOs included, across all
 * the connections a command opens; the printed replies show those xids, so `Xids` is
 * shared between connections to print the same `(xid=0x…)`.
 */
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { OfVersion } from '../openflow/version.js';
import { wireVersion } from '../openflow/version.js';
import {
  decode, encode, FrameDecoder, negotiateVersion, OfDecodeError,
  type EncodeOptions, type OfMessage,
} from '../openflow/wire/index.js';

/** A failure ovs-ofctl reports and exits on; the message is worded as ovs-ofctl words it. */
export class OfctlError extends Error {
  override readonly name = 'OfctlError';
}

/** The run-wide xid counter (ovs-ofctl starts at 1 with the first HELLO). */
export class Xids {
  #next = 1;
  next(): number {
    return this.#next++;
  }
}

/** A message as received: decoded, or the raw bytes of one the codec does not read. */
export interface Received {
  readonly msg: OfMessage | undefined;
  readonly bytes: Uint8Array;
  /** The header's type byte and xid, for messages the codec could not decode. */
  readonly type: number;
  readonly xid: number;
}

export type Endpoint = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  ENOTSOCK: 'Socket operation on non-socket',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
};

function errnoText(e: NodeJS.ErrnoException): string {
  return (e.code !== undefined ? ERRNO_TEXT[e.code] : undefined) ?? e.message;
}

/**
 * Where a target names: `unix:PATH` and `tcp:IP:PORT` as given; a word without a colon
 * is tried as a socket path, then as `RUNDIR/NAME.mgmt` (a bridge name).
 */
export function resolveTarget(target: string, rundir: string): Endpoint {
  if (target.startsWith('unix:')) return { kind: 'unix', path: target.slice(5) };
  const tcp = /^tcp:(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
  if (tcp) return { kind: 'tcp', host: tcp[1] ?? tcp[2]!, port: Number(tcp[3]) };
  if (target.includes(':')) throw new OfctlError(`${target}: unknown or malformed OpenFlow target (use unix:PATH, tcp:IP:PORT or a bridge)`);
  if (existsSync(target)) return { kind: 'unix', path: target };
  const mgmt = `${rundir}/${target}.mgmt`;
  if (existsSync(mgmt)) return { kind: 'unix', path: mgmt };
  throw new OfctlError(`${target} is not a bridge or a socket`);
}

export interface OpenOptions {
  readonly version: OfVersion;
  readonly xids: Xids;
  /** Printed in errors, as the user typed it. */
  readonly name: string;
  readonly timeoutMs?: number;
}

/** An open, negotiated OpenFlow connection. */
export class Vconn {
  readonly #sock: Socket;
  readonly #frames = new FrameDecoder();
  readonly #queue: Received[] = [];
  #waiter: ((r: Received | Error) => void) | null = null;
  #closed: Error | null = null;
  #encodeOpts: EncodeOptions = {};

  private constructor(
    sock: Socket,
    readonly name: string,
    readonly version: OfVersion,
    readonly xids: Xids,
  ) {
    this.#sock = sock;
  }

  /** Connects and negotiates `opts.version` (the only one offered, as with one `-O`). */
  static async open(target: Endpoint, opts: OpenOptions): Promise<Vconn> {
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = target.kind === 'unix' ? connect(target.path) : connect(target.port, target.host);
      s.once('error', (e: NodeJS.ErrnoException) => reject(new OfctlError(`connecting to ${opts.name} (${errnoText(e)})`)));
      s.once('connect', () => {
        s.removeAllListeners('error');
        resolve(s);
      });
    });
    const v = new Vconn(sock, opts.name, opts.version, opts.xids);
    v.#start();
    v.send({ type: 'hello', xid: opts.xids.next(), versions: [opts.version] });
    const hello = await v.recv();
    if (hello.msg?.type !== 'hello') {
      v.close();
      throw new OfctlError(`${opts.name}: failed to connect to socket (Protocol error)`);
    }
    const headerVersion = hello.bytes[0]!;
    const agreed = negotiateVersion([opts.version], { headerVersion, versions: hello.msg.versions });
    if (!agreed) {
      v.close();
      throw new OfctlError(
        `${opts.name}: failed to connect to socket (Protocol error): version negotiation failed (we support version 0x${wireVersion(opts.version).toString(16).padStart(2, '0')}, peer supports version 0x${headerVersion.toString(16).padStart(2, '0')})`,
      );
    }
    return v;
  }

  #start(): void {
    this.#sock.setNoDelay(true);
    this.#sock.on('data', (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = this.#frames.push(new Uint8Array(chunk));
      } catch (e) {
        this.#fail(new OfctlError(`${this.name}: OpenFlow packet receive failed (${(e as Error).message})`));
        return;
      }
      for (const bytes of frames) this.#deliver(bytes);
    });
    this.#sock.on('error', (e: NodeJS.ErrnoException) => this.#fail(new OfctlError(`OpenFlow receive failed (${errnoText(e)})`)));
    this.#sock.on('close', () => this.#fail(new OfctlError('OpenFlow receive failed (End of file)')));
  }

  #deliver(bytes: Uint8Array): void {
    const d = decode(bytes, { of10TableId: this.#encodeOpts.of10TableId ?? false });
    const xid = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
    const r: Received = { msg: d instanceof OfDecodeError ? undefined : d.msg, bytes, type: bytes[1]!, xid };
    // Keepalives are answered here; nothing waits for them.
    if (r.msg?.type === 'echo_request') {
      this.send({ type: 'echo_reply', xid: r.msg.xid, data: r.msg.data });
      return;
    }
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w(r);
    } else this.#queue.push(r);
  }

  #fail(e: Error): void {
    if (this.#closed) return;
    this.#closed = e;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w(e);
    }
  }

  /** NXM/table-id state that changes how OpenFlow 1.0 flow messages are encoded. */
  setEncodeOptions(opts: EncodeOptions): void {
    this.#encodeOpts = { ...this.#encodeOpts, ...opts };
  }

  get encodeOptions(): EncodeOptions {
    return this.#encodeOpts;
  }

  /** Encodes and sends; returns the bytes sent (error replies carry them back). */
  send(msg: OfMessage, opts?: EncodeOptions): Uint8Array {
    const bytes = encode(msg, this.version, opts ?? this.#encodeOpts);
    this.#sock.write(bytes);
    return bytes;
  }

  /** The next message from the switch; rejects when the connection ends. */
  recv(timeoutMs?: number): Promise<Received> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.#waiter = (r) => {
        if (timer) clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiter = null;
          reject(new TimeoutError());
        }, timeoutMs);
      }
    });
  }

  /** The next message whose xid is `xid` (others are dropped, as ovs-ofctl drops them). */
  async recvXid(xid: number): Promise<Received> {
    for (;;) {
      const r = await this.recv();
      if (r.xid === xid) return r;
    }
  }

  close(): void {
    this.#closed ??= new OfctlError('connection closed');
    this.#sock.destroy();
  }
}

/** `recv` gave up waiting (monitor's --timeout). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}
