/**
 * OvsdbIdl: a client's live replica of one database, as OVS's IDL keeps it.
 *
 * Connecting follows what Debian's clients do: read the `_Server` database when the
 * server has it (schema from its Database table), else `get_schema`; then monitor the
 * wanted tables and columns with the richest method the server accepts
 * (`monitor_cond_since` → update3, `monitor_cond` → update2, `monitor` → update).
 * Notifications that race the monitor reply are held back until the snapshot is in.
 *
 * Writers call `transaction()` (see transaction.ts). Locks, `echo` probes and change
 * listeners are here; time comes from injected timers so the same code runs on the
 * engine's clock or on real time.
 *
 * @example
 * const idl = await OvsdbIdl.connect(channel, { db: 'Open_vSwitch', tables: { Bridge: ['name', 'ports'] } });
 * const txn = idl.transaction();
 * txn.write('Bridge', uuid, 'name', scalarDatum('br1'));
 * const r = await txn.commit();
 */
import type { Channel } from '../channel.js';
import { JsonRpcCallError, JsonRpcPeer, type Json } from '../jsonrpc.js';
import { parseSchema, type ColumnSchema, type DbSchema } from '../schema.js';
import { IdlRow, Replica, type RowChange } from './replica.js';
import { IdlTransaction, type TxnHost } from './transaction.js';

export type MonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

/** Periodic timers for echo probes (engine or real time). */
export interface IdlTimers {
  every(ms: number, fn: () => void): () => void;
}

export interface OvsdbIdlOptions {
  readonly db: string;
  /** Tables to monitor, each with its columns ('all': every column); 'all': every table. */
  readonly tables: 'all' | Readonly<Record<string, readonly string[] | 'all'>>;
  /** Read the `_Server` database first (default true). */
  readonly useServerDb?: boolean;
  /** Send an echo after this long without input; give up after twice as long (0: never). */
  readonly probeIntervalMs?: number;
  readonly timers?: IdlTimers;
  /** Provisional UUIDs for inserted rows (default: a counter). */
  readonly newUuid?: () => string;
  readonly log?: (line: string) => void;
}

/** Connecting failed: no such database, a refused request, a lost connection. */
export class IdlConnectError extends Error {
  override readonly name = 'IdlConnectError';
}

export type LockEvent = 'locked' | 'stolen';

function isObject(j: Json | undefined): j is { [key: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

function counterUuids(): () => string {
  let n = 0;
  return () => {
    n++;
    return `${n.toString(16).padStart(8, '0')}-0000-4000-8000-00000000c11d`;
  };
}

export class OvsdbIdl {
  readonly db: string;
  readonly peer: JsonRpcPeer;
  readonly schema: DbSchema;
  readonly replica: Replica;
  readonly monitorMethod: MonitorMethod;
  /** Whether the schema came from the `_Server` database. */
  readonly usedServerDb: boolean;
  /** The last transaction id seen with update3 (for monitor_cond_since). */
  lastTxnId: string | null = null;
  #seqno = 0;
  readonly #changeFns = new Set<(changes: readonly RowChange[]) => void>();
  readonly #lockFns = new Set<(name: string, event: LockEvent) => void>();
  readonly #closeFns = new Set<(reason: string | null) => void>();
  readonly #waiters: (() => void)[] = [];
  readonly #locks = new Map<string, boolean>();
  #assertLock: string | null = null;
  readonly #newUuid: () => string;
  readonly #log: (line: string) => void;
  #stopProbe: (() => void) | null = null;
  #closed = false;
  #closeReason: string | null = null;

  private constructor(init: {
    db: string;
    peer: JsonRpcPeer;
    schema: DbSchema;
    replica: Replica;
    monitorMethod: MonitorMethod;
    usedServerDb: boolean;
    opts: OvsdbIdlOptions;
  }) {
    this.db = init.db;
    this.peer = init.peer;
    this.schema = init.schema;
    this.replica = init.replica;
    this.monitorMethod = init.monitorMethod;
    this.usedServerDb = init.usedServerDb;
    this.#newUuid = init.opts.newUuid ?? counterUuids();
    this.#log = init.opts.log ?? (() => {});
  }

  /** Connects, reads the schema, monitors, and resolves once the first snapshot is in. */
  static async connect(channel: Channel, opts: OvsdbIdlOptions): Promise<OvsdbIdl> {
    const peer = new JsonRpcPeer(channel, opts.log === undefined ? {} : { log: opts.log });
    // Until the IDL exists, notifications are queued; closing is remembered.
    const early: { method: string; params: Json[] }[] = [];
    let idl: OvsdbIdl | null = null;
    let closedEarly: string | null | undefined;
    peer.start({
      request: (id, method) => peer.replyError(id, `unknown method ${method}`),
      notify: (method, params) => {
        if (idl === null || idl.#holding) early.push({ method, params });
        else idl.#notify(method, params);
      },
      closed: (reason) => {
        if (idl === null) closedEarly = reason;
        else idl.#onClosed(reason);
      },
    });
    try {
      const { schema, usedServerDb } = await OvsdbIdl.#readSchema(peer, opts);
      const monitored = OvsdbIdl.#monitoredColumns(schema, opts);
      const replica = new Replica(schema, monitored);
      const requests = OvsdbIdl.#monitorRequests(monitored);
      const monid: Json = ['monid', opts.db];
      let method: MonitorMethod = 'monitor_cond_since';
      let reply: Json;
      try {
        reply = await peer.call(method, [opts.db, monid, requests.cond, '00000000-0000-0000-0000-000000000000']);
      } catch (e) {
        if (!(e instanceof JsonRpcCallError)) throw e;
        method = 'monitor_cond';
        try {
          reply = await peer.call(method, [opts.db, monid, requests.cond]);
        } catch (e2) {
          if (!(e2 instanceof JsonRpcCallError)) throw e2;
          method = 'monitor';
          reply = await peer.call(method, [opts.db, monid, requests.plain]);
        }
      }
      const made = new OvsdbIdl({ db: opts.db, peer, schema, replica, monitorMethod: method, usedServerDb, opts });
      idl = made;
      if (method === 'monitor_cond_since') {
        if (!Array.isArray(reply) || reply.length !== 3) throw new IdlConnectError(`bad monitor_cond_since reply ${JSON.stringify(reply)}`);
        made.lastTxnId = typeof reply[1] === 'string' ? reply[1] : null;
        made.#apply(replica.applyUpdate2(reply[2] ?? {}));
      } else if (method === 'monitor_cond') {
        made.#apply(replica.applyUpdate2(reply));
      } else {
        made.#apply(replica.applyUpdate(reply));
      }
      made.#holding = false;
      for (const n of early) made.#notify(n.method, n.params);
      if (closedEarly !== undefined) made.#onClosed(closedEarly);
      made.#startProbe(opts);
      return made;
    } catch (e) {
      peer.close();
      if (e instanceof JsonRpcCallError) throw new IdlConnectError(`${e.method}: ${JSON.stringify(e.error)}`);
      if (e instanceof Error && !(e instanceof IdlConnectError)) throw new IdlConnectError(e.message);
      throw e;
    }
  }

  /** True while the first snapshot is being applied: notifications wait. */
  #holding = true;

  static async #readSchema(peer: JsonRpcPeer, opts: OvsdbIdlOptions): Promise<{ schema: DbSchema; usedServerDb: boolean }> {
    if (opts.useServerDb !== false) {
      try {
        await peer.call('get_schema', ['_Server']);
        const reply = await peer.call('monitor_cond', [
          '_Server',
          ['monid', '_Server'],
          { Database: [{ columns: ['name', 'model', 'connected', 'leader', 'schema', 'cid', 'index'] }] },
        ]);
        const rows = isObject(reply) && isObject(reply.Database) ? Object.values(reply.Database) : [];
        for (const r of rows) {
          const row = isObject(r) ? (r.initial ?? r.insert) : undefined;
          if (!isObject(row) || row.name !== opts.db) continue;
          const text = row.schema;
          if (typeof text === 'string') return { schema: parseSchema(JSON.parse(text)), usedServerDb: true };
          // A ["set", []] schema: the server does not hold it yet; ask directly.
          break;
        }
        if (!rows.some((r) => isObject(r) && isObject(r.initial) && r.initial.name === opts.db)) {
          throw new IdlConnectError(`database ${opts.db} does not exist`);
        }
      } catch (e) {
        if (!(e instanceof JsonRpcCallError)) throw e;
      }
    }
    try {
      return { schema: parseSchema(await peer.call('get_schema', [opts.db])), usedServerDb: false };
    } catch (e) {
      if (e instanceof JsonRpcCallError) throw new IdlConnectError(`database ${opts.db} does not exist (get_schema: ${JSON.stringify(e.error)})`);
      throw e;
    }
  }

  static #monitoredColumns(schema: DbSchema, opts: OvsdbIdlOptions): Map<string, ColumnSchema[]> {
    const out = new Map<string, ColumnSchema[]>();
    const want = opts.tables === 'all' ? Object.fromEntries([...schema.tables.keys()].map((t) => [t, 'all' as const])) : opts.tables;
    for (const [t, cols] of Object.entries(want)) {
      const ts = schema.tables.get(t);
      if (ts === undefined) throw new IdlConnectError(`database ${schema.name} has no table ${t}`);
      if (cols === 'all') {
        out.set(t, [...ts.userColumns]);
        continue;
      }
      const list: ColumnSchema[] = [];
      for (const c of cols) {
        const cs = ts.columns.get(c);
        if (cs === undefined || c.startsWith('_')) throw new IdlConnectError(`table ${t} has no column ${c}`);
        list.push(cs);
      }
      out.set(t, list);
    }
    return out;
  }

  static #monitorRequests(monitored: ReadonlyMap<string, readonly ColumnSchema[]>): { cond: Json; plain: Json } {
    const cond: { [t: string]: Json } = {};
    const plain: { [t: string]: Json } = {};
    for (const [t, cols] of monitored) {
      const columns = cols.map((c) => c.name);
      cond[t] = [{ columns }];
      plain[t] = { columns };
    }
    return { cond, plain };
  }

  #apply(changes: readonly RowChange[]): void {
    this.#seqno++;
    if (changes.length > 0) for (const fn of [...this.#changeFns]) fn(changes);
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w();
  }

  #notify(method: string, params: Json[]): void {
    const mine = JSON.stringify(params[0]) === JSON.stringify(['monid', this.db]);
    try {
      switch (method) {
        case 'update3':
          if (!mine) return;
          if (typeof params[1] === 'string') this.lastTxnId = params[1];
          this.#apply(this.replica.applyUpdate2(params[2] ?? {}));
          return;
        case 'update2':
          if (mine) this.#apply(this.replica.applyUpdate2(params[1] ?? {}));
          return;
        case 'update':
          if (mine) this.#apply(this.replica.applyUpdate(params[1] ?? {}));
          return;
        case 'locked':
        case 'stolen': {
          const name = params[0];
          if (typeof name !== 'string') return;
          this.#locks.set(name, method === 'locked');
          for (const fn of [...this.#lockFns]) fn(name, method);
          return;
        }
        default:
          this.#log(`${this.peer.name}: ignoring notification ${method}`);
      }
    } catch (e) {
      this.#log(`${this.peer.name}: bad ${method}: ${(e as Error).message}`);
      this.peer.close();
    }
  }

  #startProbe(opts: OvsdbIdlOptions): void {
    const ms = opts.probeIntervalMs ?? 0;
    if (ms <= 0 || opts.timers === undefined) return;
    let seen = this.peer.received;
    let probed = false;
    this.#stopProbe = opts.timers.every(ms, () => {
      if (this.peer.received !== seen) {
        seen = this.peer.received;
        probed = false;
        return;
      }
      if (probed) {
        this.#log(`${this.peer.name}: no response to inactivity probe after ${(2 * ms) / 1000} seconds, disconnecting`);
        this.peer.close();
        return;
      }
      probed = true;
      this.peer.probe();
    });
  }

  #onClosed(reason: string | null): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.#stopProbe?.();
    for (const fn of [...this.#closeFns]) fn(reason);
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w();
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  get closeReason(): string | null {
    return this.#closeReason;
  }

  /** Rises by one for every update applied (snapshot included). */
  get seqno(): number {
    return this.#seqno;
  }

  /** Resolves after the next update past `seqno` (at once if already past, or when closed). */
  whenChanged(seqno: number = this.#seqno): Promise<void> {
    if (this.#seqno > seqno || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  rows(table: string): IdlRow[] {
    return [...this.replica.rows(table).values()];
  }

  row(table: string, uuid: string): IdlRow | undefined {
    return this.replica.row(table, uuid);
  }

  /** The first row of a table (e.g. the single Open_vSwitch row), or undefined. */
  first(table: string): IdlRow | undefined {
    return this.replica.rows(table).values().next().value;
  }

  /** Calls `fn` with each batch of row changes; returns an unsubscribe function. */
  onChange(fn: (changes: readonly RowChange[]) => void): () => void {
    this.#changeFns.add(fn);
    return () => this.#changeFns.delete(fn);
  }

  onLockChange(fn: (name: string, event: LockEvent) => void): () => void {
    this.#lockFns.add(fn);
    return () => this.#lockFns.delete(fn);
  }

  onClose(fn: (reason: string | null) => void): () => void {
    this.#closeFns.add(fn);
    return () => this.#closeFns.delete(fn);
  }

  /** A provisional UUID for a row a transaction will insert (`txn.insert(t, v, { uuid })`). */
  newUuid(): string {
    return this.#newUuid();
  }

  transaction(): IdlTransaction {
    const host: TxnHost = {
      db: this.db,
      schema: this.schema,
      replica: this.replica,
      newUuid: this.#newUuid,
      assertLock: this.#assertLock,
      transact: (ops) => this.peer.call('transact', [this.db, ...ops]),
    };
    return new IdlTransaction(host);
  }

  /**
   * Asks for a lock (`lock`, or `steal` with `steal: true`); resolves with whether it is
   * held now. Later `locked`/`stolen` notifications go to onLockChange. While held, every
   * transaction asserts it, as ovs-vswitchd's do.
   */
  async lock(name: string, opts: { steal?: boolean } = {}): Promise<boolean> {
    const reply = await this.peer.call(opts.steal === true ? 'steal' : 'lock', [name]);
    const locked = isObject(reply) && reply.locked === true;
    this.#locks.set(name, locked);
    this.#assertLock = name;
    return locked;
  }

  async unlock(name: string): Promise<void> {
    await this.peer.call('unlock', [name]);
    this.#locks.delete(name);
    if (this.#assertLock === name) this.#assertLock = null;
  }

  hasLock(name: string): boolean {
    return this.#locks.get(name) === true;
  }

  /** Raw access for methods the IDL does not wrap (set_db_change_aware, …). */
  call(method: string, params: Json[]): Promise<Json> {
    return this.peer.call(method, params);
  }

  close(): void {
    this.#stopProbe?.();
    this.peer.close();
  }
}

export { IdlRow };
export type { RowChange };
