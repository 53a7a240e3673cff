/**
 * The OVSDB server core: databases, sessions and locks, with no sockets. Anything that
 * delivers bytes as a `Channel` can become a session (`attach`), so the same server runs
 * behind a unix socket (listen.ts) or inside a simulation on simulated channels.
 *
 * On each commit of a database the server tells every session (monitors send their
 * updates before the committing client gets its reply, as ovsdb-server orders them), then,
 * a moment later, re-runs the transactions that were waiting for a change.
 *
 * For `monitor_cond_since` it keeps the last few commits of each database, so a client
 * that reconnects with the id of a recent transaction gets only what changed after it.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../channel.js';
import { Database } from '../database.js';
import type { Json } from '../jsonrpc.js';
import { JsonRpcPeer } from '../jsonrpc.js';
import type { CommitInfo, RowChange } from '../row.js';
import { wallClock, type ServerClock } from './clock.js';
import { LockManager } from './locks.js';
import { databaseRowOp, SERVER_DB_NAME, serverSchema } from './server-db.js';
import { Session, type SessionOptions } from './session.js';

/** Commits remembered per database for monitor_cond_since. */
const HISTORY = 100;

/** A database as the server holds it. */
export class DbEntry {
  readonly #history: CommitInfo[] = [];

  constructor(
    readonly name: string,
    readonly db: Database,
  ) {}

  remember(c: CommitInfo): void {
    this.#history.push(c);
    if (this.#history.length > HISTORY) this.#history.shift();
  }

  /**
   * The changes after transaction `txnId` merged into one commit, 'none' when `txnId` is
   * the latest, or null when it is not remembered (the client must start over).
   */
  changesSince(txnId: string): CommitInfo | 'none' | null {
    if (txnId === this.db.lastTxnId) return 'none';
    const i = this.#history.findIndex((c) => c.txnId === txnId);
    if (i < 0) return null;
    return mergeCommits(this.#history.slice(i + 1));
  }
}

/** Several commits as one: each row from its first old version to its last new one. */
function mergeCommits(commits: readonly CommitInfo[]): CommitInfo {
  const tables = new Map<string, Map<string, RowChange>>();
  for (const c of commits) {
    for (const [table, changes] of c.tables) {
      let rows = tables.get(table);
      if (rows === undefined) tables.set(table, (rows = new Map()));
      for (const ch of changes) {
        const prev = rows.get(ch.uuid);
        rows.set(ch.uuid, prev === undefined ? ch : { uuid: ch.uuid, old: prev.old, new: ch.new });
      }
    }
  }
  const out = new Map<string, RowChange[]>();
  for (const [table, rows] of tables) {
    out.set(
      table,
      [...rows.values()].filter((ch) => ch.old !== null || ch.new !== null),
    );
  }
  const last = commits[commits.length - 1];
  return { txnId: last?.txnId ?? '', tables: out, comments: [] };
}

export interface OvsdbServerOptions {
  readonly clock?: ServerClock;
  /** Warnings and connection events, one line each (default: dropped). */
  readonly log?: (line: string) => void;
  /** Limit on one incoming message (default jsonrpc.ts's). */
  readonly maxMessageBytes?: number;
}

/**
 * @example
 * const server = new OvsdbServer([Database.inMemory(schema)]);
 * const [client, serverEnd] = simulatedChannelPair(sim, { latencyNs: us(20) });
 * server.attach(serverEnd);
 */
export class OvsdbServer {
  readonly clock: ServerClock;
  readonly locks = new LockManager();
  readonly serverId = randomUUID();
  readonly #log: (line: string) => void;
  readonly #maxMessageBytes: number | undefined;
  readonly #dbs = new Map<string, DbEntry>();
  readonly #sessions = new Set<Session>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #serverDb: DbEntry;
  #retryQueued = new Set<DbEntry>();
  #closed = false;

  constructor(databases: readonly Database[], opts: OvsdbServerOptions = {}) {
    this.clock = opts.clock ?? wallClock;
    this.#log = opts.log ?? (() => {});
    this.#maxMessageBytes = opts.maxMessageBytes;
    this.#serverDb = this.#add(SERVER_DB_NAME, Database.inMemory(serverSchema()));
    for (const db of databases) this.addDatabase(db);
  }

  log(line: string): void {
    this.#log(line);
  }

  /** Serves `db` under its schema's name. */
  addDatabase(db: Database): void {
    if (this.#dbs.has(db.name)) throw new Error(`a database named ${db.name} is already served`);
    this.#add(db.name, db);
    const out = this.#serverDb.db.transact([databaseRowOp(db.name, db.schema)]);
    if (out.kind !== 'done') throw new Error('_Server: could not add a database row');
  }

  #add(name: string, db: Database): DbEntry {
    const entry = new DbEntry(name, db);
    this.#dbs.set(name, entry);
    this.#unsubscribe.push(db.onCommit((c) => this.#committed(entry, c)));
    if (name === SERVER_DB_NAME) {
      const out = db.transact([databaseRowOp(SERVER_DB_NAME, db.schema)]);
      if (out.kind !== 'done') throw new Error('_Server: could not add its own row');
    }
    return entry;
  }

  database(name: string): DbEntry | undefined {
    return this.#dbs.get(name);
  }

  /** Database names in the order ovsdb-server lists them (sorted). */
  databaseNames(): Json[] {
    return [...this.#dbs.keys()].sort();
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Serves a client connected through `channel`. */
  attach(channel: Channel, opts: SessionOptions = {}): Session {
    if (this.#closed) {
      channel.abort();
      throw new Error('the server is closed');
    }
    const peer = new JsonRpcPeer(channel, {
      log: (l) => this.#log(l),
      ...(this.#maxMessageBytes === undefined ? {} : { maxMessageBytes: this.#maxMessageBytes }),
    });
    const session = new Session(this, peer, opts);
    this.#sessions.add(session);
    peer.start(session);
    return session;
  }

  /** Called by a session when its connection is gone. */
  detach(session: Session): void {
    this.#sessions.delete(session);
  }

  #committed(entry: DbEntry, c: CommitInfo): void {
    entry.remember(c);
    const shared = new Map<string, string | null>();
    for (const s of this.#sessions) s.committed(entry, c, shared);
    // Waiting transactions re-run after the committing call has returned, never inside it.
    if (this.#retryQueued.size === 0) this.clock.defer(() => this.#retryWaiting());
    this.#retryQueued.add(entry);
  }

  #retryWaiting(): void {
    const entries = [...this.#retryQueued];
    this.#retryQueued = new Set();
    for (const e of entries) for (const s of [...this.#sessions]) s.retryTriggers(e);
  }

  /** Closes every session and stops listening for commits; the databases stay open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [...this.#sessions]) s.close();
    for (const u of this.#unsubscribe) u();
  }
}
