/**
 * OVSDB locks (RFC 7047 §4.1.8–4.1.10): named, server-wide, one owner at a time, the other
 * sessions waiting in arrival order. `steal` takes a lock at once; the old owner is told
 * "stolen" and stays out of the queue. Transactions `assert` a lock by name, so the
 * manager answers "which locks does this session own".
 *
 * The manager knows sessions only as opaque holders with a callback for notifications,
 * so it is testable without sockets.
 */

/** Someone who can hold or wait for a lock. */
export interface LockHolder {
  /** The lock was granted later ("locked") or taken away by a steal ("stolen"). */
  lockNotify(kind: 'locked' | 'stolen', lockName: string): void;
}

/** Lock names are OVSDB <id>s. */
const LOCK_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isLockName(name: string): boolean {
  return LOCK_ID.test(name);
}

interface Waiter {
  readonly holder: LockHolder;
  readonly mode: 'lock' | 'steal';
}

export class LockManager {
  /** Per lock: the owner first, then the waiters in order. */
  readonly #queues = new Map<string, Waiter[]>();
  /**
   * Per holder: the locks it has asked for and not unlocked. A holder whose steal was in
   * turn stolen is out of the queue but still here: it must unlock before locking again.
   */
  readonly #asked = new Map<LockHolder, Set<string>>();

  /** True when `holder` owns `name`. */
  owns(holder: LockHolder, name: string): boolean {
    return this.#queues.get(name)?.[0]?.holder === holder;
  }

  /** True when `holder` has a lock or steal on `name` not yet undone by unlock. */
  hasAsked(holder: LockHolder, name: string): boolean {
    return this.#asked.get(holder)?.has(name) ?? false;
  }

  /** The names of the locks `holder` owns. */
  ownedBy(holder: LockHolder): Set<string> {
    const out = new Set<string>();
    for (const name of this.#asked.get(holder) ?? []) if (this.owns(holder, name)) out.add(name);
    return out;
  }

  /**
   * Asks for `name`: `lock` queues behind the others, `steal` takes it at once. Returns
   * whether `holder` owns it now and, for a steal, the previous owner to tell "stolen".
   * That owner keeps its place as the next waiter, unless it had itself stolen the lock.
   */
  request(holder: LockHolder, name: string, mode: 'lock' | 'steal'): { owner: boolean; victim: LockHolder | null } {
    let asked = this.#asked.get(holder);
    if (asked === undefined) this.#asked.set(holder, (asked = new Set()));
    asked.add(name);
    let q = this.#queues.get(name);
    if (q === undefined) this.#queues.set(name, (q = []));
    if (mode === 'lock') {
      q.push({ holder, mode });
      return { owner: q[0]?.holder === holder, victim: null };
    }
    const prev = q[0];
    q.unshift({ holder, mode });
    if (prev !== undefined && prev.mode === 'steal') q.splice(1, 1);
    return { owner: true, victim: prev === undefined ? null : prev.holder };
  }

  /** Undoes a lock or steal; returns the new owner if ownership passed on. */
  unlock(holder: LockHolder, name: string): LockHolder | null {
    this.#asked.get(holder)?.delete(name);
    if (this.#asked.get(holder)?.size === 0) this.#asked.delete(holder);
    const q = this.#queues.get(name);
    if (q === undefined) return null;
    const i = q.findIndex((w) => w.holder === holder);
    if (i < 0) return null;
    q.splice(i, 1);
    if (q.length === 0) {
      this.#queues.delete(name);
      return null;
    }
    return i === 0 ? q[0]!.holder : null;
  }

  /** Drops every lock and wait of `holder` (its session ended), telling new owners. */
  releaseAll(holder: LockHolder): void {
    for (const name of [...(this.#asked.get(holder) ?? [])]) {
      this.unlock(holder, name)?.lockNotify('locked', name);
    }
  }
}
