/**
 * One client connection: the OVSDB methods of RFC 7047 and ovsdb-server(7) on top of a
 * JsonRpcPeer. A session owns its monitors, its waiting transactions (triggers) and its
 * locks; the server owns the databases and tells sessions about commits.
 *
 * Errors follow ovsdb-server: a malformed message or an unexpected reply closes the
 * connection with no answer; an unknown method gets `"unknown method"`; bad parameters
 * get an `<error>` object with `error`, `details` and, where known, `syntax` (the
 * offending JSON as text). A transaction's own failures are inside its result array and
 * leave the connection as it was.
 */
import { OvsdbError } from '../errors.js';
import type { Json, JsonRpcHandler, JsonRpcPeer } from '../jsonrpc.js';
import { Monitor, MonitorRequestError, type MonitorVersion, type TableUpdates } from '../monitor.js';
import type { CommitInfo } from '../row.js';
import { isLockName, type LockHolder } from './locks.js';
import type { DbEntry, OvsdbServer } from './server.js';
import { SERVER_DB_NAME, WRITE_OPS } from './server-db.js';

const ZERO_TXN = '00000000-0000-0000-0000-000000000000';
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An `<error>` object as ovsdb-server sends it. */
function errorJson(tag: string, details: string, syntax?: Json): Json {
  return syntax === undefined ? { error: tag, details } : { syntax: JSON.stringify(syntax), details, error: tag };
}

/** A request that fails before it starts: the error reply to send. */
class RequestError extends Error {
  constructor(readonly json: Json) {
    super(typeof json === 'string' ? json : JSON.stringify(json));
  }
}

function syntax(params: Json, details: string, tag = 'syntax error'): RequestError {
  return new RequestError(errorJson(tag, details, params));
}

interface SessionMonitor {
  readonly id: Json;
  readonly entry: DbEntry;
  readonly monitor: Monitor;
}

/** A transaction that blocked on a `wait`: re-run after each commit until it completes. */
interface Trigger {
  readonly id: Json;
  readonly entry: DbEntry;
  readonly ops: Json[];
  readonly startMs: number;
  cancelTimer: (() => void) | null;
}

export interface SessionOptions {
  /** Send an echo after this long without input, close after as long again (0: never). */
  readonly probeIntervalMs?: number;
}

export class Session implements JsonRpcHandler, LockHolder {
  readonly #server: OvsdbServer;
  readonly peer: JsonRpcPeer;
  readonly #monitors = new Map<string, SessionMonitor>();
  readonly #triggers = new Map<string, Trigger>();
  #dbChangeAware = false;
  #closed = false;
  #probeCancel: (() => void) | null = null;
  #lastReceived = -1;
  #probeSent = false;

  constructor(server: OvsdbServer, peer: JsonRpcPeer, opts: SessionOptions = {}) {
    this.#server = server;
    this.peer = peer;
    const probe = opts.probeIntervalMs ?? 0;
    if (probe > 0) this.#armProbe(probe);
  }

  get name(): string {
    return this.peer.name;
  }

  get monitorCount(): number {
    return this.#monitors.size;
  }

  // ------------------------------------------------------------ JsonRpcHandler

  request(id: Json, method: string, params: Json[]): void {
    if (this.#closed) return;
    try {
      this.#dispatch(id, method, params);
    } catch (e) {
      if (e instanceof RequestError) this.peer.replyError(id, e.json);
      else if (e instanceof OvsdbError) this.peer.replyError(id, errorJson(e.tag, e.details));
      else throw e;
    }
  }

  notify(method: string, params: Json[]): void {
    if (method !== 'cancel' || params.length !== 1) return;
    const key = JSON.stringify(params[0]);
    const t = this.#triggers.get(key);
    if (t === undefined) return;
    this.#dropTrigger(key, t);
    this.peer.replyError(t.id, 'canceled');
  }

  closed(reason: string | null): void {
    if (this.#closed) return;
    this.#closed = true;
    if (reason !== null) this.#server.log(`${this.name}: connection dropped (${reason})`);
    this.#probeCancel?.();
    for (const [key, t] of this.#triggers) this.#dropTrigger(key, t);
    this.#monitors.clear();
    this.#server.locks.releaseAll(this);
    this.#server.detach(this);
  }

  lockNotify(kind: 'locked' | 'stolen', lockName: string): void {
    this.peer.notify(kind, [lockName]);
  }

  /** Ends the connection (server shutdown). */
  close(): void {
    this.peer.close();
  }

  // ------------------------------------------------------------ methods

  #dispatch(id: Json, method: string, params: Json[]): void {
    switch (method) {
      case 'list_dbs':
        this.peer.reply(id, this.#server.databaseNames());
        return;
      case 'get_schema':
        this.peer.reply(id, this.#lookupDb(method, params).db.schema.json as Json);
        return;
      case 'get_server_id':
        this.peer.reply(id, this.#server.serverId);
        return;
      case 'transact':
        this.#transact(id, params);
        return;
      case 'monitor':
        this.#monitor(id, params, 1);
        return;
      case 'monitor_cond':
        this.#monitor(id, params, 2);
        return;
      case 'monitor_cond_since':
        this.#monitor(id, params, 3);
        return;
      case 'monitor_cond_change':
        this.#monitorCondChange(id, params);
        return;
      case 'monitor_cancel':
        this.#monitorCancel(id, params);
        return;
      case 'lock':
      case 'steal':
        this.#lock(id, method, params);
        return;
      case 'unlock':
        this.#unlock(id, params);
        return;
      case 'set_db_change_aware':
        if (params.length !== 1 || typeof params[0] !== 'boolean') {
          throw syntax(params, 'set_db_change_aware: true or false parameter expected');
        }
        this.#dbChangeAware = params[0];
        this.peer.reply(id, {});
        return;
      case 'echo':
        this.peer.reply(id, params);
        return;
      default:
        this.peer.replyError(id, 'unknown method');
    }
  }

  #lookupDb(method: string, params: Json[]): DbEntry {
    const name = params[0];
    if (typeof name !== 'string') throw syntax(params, `${method} request params must begin with <db-name>`);
    const entry = this.#server.database(name);
    if (entry === undefined) throw syntax(params, `${method} request specifies unknown database ${name}`, 'unknown database');
    return entry;
  }

  // ------------------------------------------------------------ transact

  #transact(id: Json, params: Json[]): void {
    const entry = this.#lookupDb('transact', params);
    const key = JSON.stringify(id);
    if (this.#triggers.has(key)) throw syntax(params, 'transact: duplicate request ID');
    const trigger: Trigger = { id, entry, ops: params.slice(1), startMs: this.#server.clock.nowMs(), cancelTimer: null };
    if (!this.#tryTrigger(trigger)) {
      this.#triggers.set(key, trigger);
      this.#armTrigger(trigger);
    }
  }

  /** Runs a trigger's transaction; true when it completed (and was answered). */
  #tryTrigger(t: Trigger): boolean {
    const elapsedMs = Math.floor(this.#server.clock.nowMs() - t.startMs);
    const locks = this.#server.locks.ownedBy(this);
    let ops = t.ops;
    let refused: Json | null = null;
    if (t.entry.name === SERVER_DB_NAME) {
      // _Server is read-only: run the reads before the first write, then refuse it.
      const i = ops.findIndex((op) => typeof op === 'object' && op !== null && !Array.isArray(op) && WRITE_OPS.has(String(op.op)));
      if (i >= 0) {
        const op = ops[i] as { [k: string]: Json };
        refused = errorJson('not allowed', `${String(op.op)} operation not allowed on table in reserved database ${SERVER_DB_NAME}`);
        ops = ops.slice(0, i);
      }
    }
    const out = t.entry.db.transact(ops, { locks, elapsedMs });
    if (out.kind === 'blocked') return false;
    let result = out.result as Json[];
    if (refused !== null) {
      const failed = result.some((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && 'error' in r);
      if (!failed) result = [...result, refused];
    }
    this.peer.reply(t.id, result);
    return true;
  }

  /** Sets a timer for the next `wait` timeout the trigger could reach. */
  #armTrigger(t: Trigger): void {
    t.cancelTimer?.();
    t.cancelTimer = null;
    const elapsed = this.#server.clock.nowMs() - t.startMs;
    let next = Infinity;
    for (const op of t.ops) {
      if (typeof op !== 'object' || op === null || Array.isArray(op) || op.op !== 'wait') continue;
      const timeout = op.timeout;
      if (typeof timeout === 'number' && timeout > elapsed && timeout < next) next = timeout;
    }
    if (next === Infinity) return;
    t.cancelTimer = this.#server.clock.setTimer(next - elapsed + 1, () => {
      t.cancelTimer = null;
      this.#retry(t);
    });
  }

  #retry(t: Trigger): void {
    const key = JSON.stringify(t.id);
    if (this.#triggers.get(key) !== t) return;
    if (this.#tryTrigger(t)) this.#dropTrigger(key, t);
    else this.#armTrigger(t);
  }

  #dropTrigger(key: string, t: Trigger): void {
    t.cancelTimer?.();
    t.cancelTimer = null;
    this.#triggers.delete(key);
  }

  /** A database committed: pending transactions on it may now go through. */
  retryTriggers(entry: DbEntry): void {
    for (const t of [...this.#triggers.values()]) if (t.entry === entry) this.#retry(t);
  }

  // ------------------------------------------------------------ monitors

  #monitor(id: Json, params: Json[], version: MonitorVersion): void {
    const method = version === 1 ? 'monitor' : version === 2 ? 'monitor_cond' : 'monitor_cond_since';
    const entry = this.#lookupDb(method, params);
    if ((version === 2 && params.length !== 3) || (version === 3 && params.length !== 4) || params.length < 3) {
      throw syntax(params, 'invalid parameters');
    }
    const monitorId = params[1]!;
    const key = JSON.stringify(monitorId);
    if (this.#monitors.has(key)) throw new RequestError(errorJson('syntax error', 'duplicate monitor ID', monitorId));
    let monitor: Monitor;
    try {
      monitor = Monitor.create(entry.db.schema, params[2]!, version);
    } catch (e) {
      if (e instanceof MonitorRequestError) throw new RequestError(errorJson(e.tag, e.details, e.syntax));
      throw e;
    }
    let found = false;
    let updates: TableUpdates | null = null;
    if (version === 3) {
      const last = params[3];
      if (typeof last !== 'string') throw new RequestError(errorJson('syntax error', 'last-txn-id must be string', last ?? null));
      if (!UUID_RE.test(last)) throw new RequestError(errorJson('syntax error', 'last-txn-id must be UUID format.', last));
      if (last.toLowerCase() !== ZERO_TXN) {
        const since = entry.changesSince(last.toLowerCase());
        if (since !== null) {
          found = true;
          updates = since === 'none' ? {} : (monitor.update(since) ?? {});
        }
      }
    }
    updates ??= monitor.initial((t) => entry.db.snapshot(t));
    this.#monitors.set(key, { id: monitorId, entry, monitor });
    this.peer.reply(id, version === 3 ? [found, entry.db.lastTxnId, updates] : updates);
  }

  #monitorCondChange(id: Json, params: Json[]): void {
    if (params.length !== 3) throw syntax(params, 'invalid parameters');
    const oldKey = JSON.stringify(params[0]);
    const m = this.#monitors.get(oldKey);
    if (m === undefined) throw new RequestError(errorJson('syntax error', 'unknown monitor session', params[0]!));
    const newId = params[1]!;
    const newKey = JSON.stringify(newId);
    if (newKey !== oldKey && this.#monitors.has(newKey)) {
      throw new RequestError(errorJson('syntax error', 'duplicate monitor ID', newId));
    }
    if (m.monitor.version === 1) throw new RequestError(errorJson('syntax error', 'monitor_cond_change on a plain monitor', params[0]!));
    let updates: TableUpdates | null;
    try {
      updates = m.monitor.changeConditions(params[2]!, (t) => m.entry.db.snapshot(t));
    } catch (e) {
      if (e instanceof MonitorRequestError) throw new RequestError(errorJson(e.tag, e.details, e.syntax));
      throw e;
    }
    const moved: SessionMonitor = { ...m, id: newId };
    this.#monitors.delete(oldKey);
    this.#monitors.set(newKey, moved);
    if (updates !== null) this.#sendUpdate(moved, updates, m.entry.db.lastTxnId);
    this.peer.reply(id, {});
  }

  #monitorCancel(id: Json, params: Json[]): void {
    if (params.length !== 1) {
      this.peer.replyError(id, 'invalid parameters');
      return;
    }
    const key = JSON.stringify(params[0]);
    if (!this.#monitors.delete(key)) {
      this.peer.replyError(id, 'unknown monitor');
      return;
    }
    this.peer.reply(id, {});
  }

  #sendUpdate(m: SessionMonitor, updates: TableUpdates, txnId: string): void {
    const v = m.monitor.version;
    if (v === 1) this.peer.notify('update', [m.id, updates]);
    else if (v === 2) this.peer.notify('update2', [m.id, updates]);
    else this.peer.notify('update3', [m.id, txnId, updates]);
  }

  /**
   * A commit on `entry`: send each monitor of this session what it is owed. `shared`
   * holds, per monitor signature, the update already encoded for another session (null:
   * nothing to send), so identical monitors cost one computation per commit.
   */
  committed(entry: DbEntry, commit: CommitInfo, shared: Map<string, string | null>): void {
    for (const m of this.#monitors.values()) {
      if (m.entry !== entry) continue;
      const sig = m.monitor.signature;
      let text = shared.get(sig);
      if (text === undefined) {
        const updates = m.monitor.update(commit);
        text = updates === null ? null : JSON.stringify(updates);
        shared.set(sig, text);
      }
      if (text === null) continue;
      const v = m.monitor.version;
      const id = JSON.stringify(m.id);
      if (v === 1) this.peer.notifyEncoded('update', `[${id},${text}]`);
      else if (v === 2) this.peer.notifyEncoded('update2', `[${id},${text}]`);
      else this.peer.notifyEncoded('update3', `[${id},${JSON.stringify(commit.txnId)},${text}]`);
    }
  }

  // ------------------------------------------------------------ locks

  #lock(id: Json, method: 'lock' | 'steal', params: Json[]): void {
    const name = params.length === 1 ? params[0] : undefined;
    if (typeof name !== 'string' || !isLockName(name)) throw syntax(params, `${method} request params must be <id>`);
    const locks = this.#server.locks;
    if (locks.hasAsked(this, name)) throw syntax(params, `must issue "unlock" before new "${method}"`);
    const { owner, victim } = locks.request(this, name, method);
    victim?.lockNotify('stolen', name);
    this.peer.reply(id, { locked: owner });
  }

  #unlock(id: Json, params: Json[]): void {
    const name = params.length === 1 ? params[0] : undefined;
    if (typeof name !== 'string' || !isLockName(name)) throw syntax(params, 'unlock request params must be <id>');
    const locks = this.#server.locks;
    if (!locks.hasAsked(this, name)) throw syntax(params, 'unlock: "unlock" without "lock" or "steal"');
    const next = locks.unlock(this, name);
    this.peer.reply(id, {});
    next?.lockNotify('locked', name);
  }

  // ------------------------------------------------------------ inactivity probe

  #armProbe(intervalMs: number): void {
    this.#probeCancel = this.#server.clock.setTimer(intervalMs, () => {
      if (this.#closed) return;
      const seen = this.peer.received;
      if (seen !== this.#lastReceived || this.peer.midMessage) {
        this.#lastReceived = seen;
        this.#probeSent = false;
      } else if (!this.#probeSent) {
        this.peer.probe();
        this.#probeSent = true;
      } else {
        this.#server.log(`${this.name}: no response to inactivity probe after ${(2 * intervalMs) / 1000} seconds, disconnecting`);
        this.peer.close();
        return;
      }
      this.#armProbe(intervalMs);
    });
  }
}
