/**
 * A host's neighbour table for IPv4 over Ethernet: IP → MAC entries that expire, and for
 * each address being resolved a bounded queue of frames waiting for the answer.
 *
 * Behaviour follows Linux closely enough for a switch to see the usual pattern: the
 * first packet to a new address sends a broadcast request; packets sent meanwhile wait
 * (the oldest is dropped when the queue is full); the request is repeated every
 * `retryNs` up to `retries` times, after which the waiting packets are dropped. An entry
 * is trusted for `timeoutNs` after it was learned; then the next packet resolves again.
 * Frames wait with a blank destination MAC, filled in when the reply comes.
 */
import type { Simulator, EventHandle } from '../../engine/simulator.js';
import { setMac } from '../packet/bytes.js';

export interface ArpCacheOptions {
  /** How long a learned entry is used (default 60 s). */
  readonly timeoutNs?: number;
  /** Time between requests for an address that has not answered (default 1 s). */
  readonly retryNs?: number;
  /** Requests sent before giving up (default 3, as Linux's mcast_solicit). */
  readonly retries?: number;
  /** Frames held per unresolved address (default 64). */
  readonly queueLimit?: number;
}

export type ArpDropReason = 'arpQueueFull' | 'arpUnresolved';

/** What the cache asks of its host. */
export interface ArpCacheHooks {
  /** Broadcast a request for `ip`. */
  request(ip: number): void;
  /** Send a frame whose destination MAC has just been filled in. */
  transmit(frame: Uint8Array): void;
  /** A waiting frame was given up. */
  drop(reason: ArpDropReason, frame: Uint8Array): void;
}

export interface ArpEntry {
  readonly ip: number;
  readonly mac: bigint;
  readonly learnedNs: number;
}

interface Pending {
  readonly ip: number;
  readonly frames: Uint8Array[];
  tries: number;
  timer: EventHandle;
}

export class ArpCache {
  readonly #sim: Simulator;
  readonly #hooks: ArpCacheHooks;
  readonly #timeoutNs: number;
  readonly #retryNs: number;
  readonly #retries: number;
  readonly #queueLimit: number;
  readonly #entries = new Map<number, ArpEntry>();
  readonly #pending = new Map<number, Pending>();

  constructor(sim: Simulator, hooks: ArpCacheHooks, opts: ArpCacheOptions = {}) {
    this.#sim = sim;
    this.#hooks = hooks;
    this.#timeoutNs = opts.timeoutNs ?? 60_000_000_000;
    this.#retryNs = opts.retryNs ?? 1_000_000_000;
    this.#retries = opts.retries ?? 3;
    this.#queueLimit = opts.queueLimit ?? 64;
    if (!(this.#retries >= 1)) throw new RangeError(`ARP retries must be at least 1, got ${this.#retries}`);
    if (!(this.#queueLimit >= 1)) throw new RangeError(`ARP queue limit must be at least 1, got ${this.#queueLimit}`);
  }

  /** The MAC for `ip` if a live entry holds it. */
  lookup(ip: number): bigint | undefined {
    const e = this.#entries.get(ip);
    if (!e) return undefined;
    if (this.#sim.now() - e.learnedNs >= this.#timeoutNs) {
      this.#entries.delete(ip);
      return undefined;
    }
    return e.mac;
  }

  /** Records `ip` → `mac` and sends whatever was waiting for it. */
  learn(ip: number, mac: bigint): void {
    this.#entries.set(ip, { ip, mac, learnedNs: this.#sim.now() });
    const p = this.#pending.get(ip);
    if (!p) return;
    this.#pending.delete(ip);
    this.#sim.cancel(p.timer);
    for (const f of p.frames) {
      setMac(f, 0, mac);
      this.#hooks.transmit(f);
    }
  }

  /**
   * Updates `ip` only if it is known or being resolved (RFC 826's merge step, for ARP
   * overheard but not addressed to us). Returns whether it did.
   */
  refresh(ip: number, mac: bigint): boolean {
    if (!this.#entries.has(ip) && !this.#pending.has(ip)) return false;
    this.learn(ip, mac);
    return true;
  }

  /** Holds `frame` until `ip` resolves, asking for it if nobody has yet. */
  enqueue(ip: number, frame: Uint8Array): void {
    let p = this.#pending.get(ip);
    if (!p) {
      p = { ip, frames: [], tries: 0, timer: 0 as EventHandle };
      this.#pending.set(ip, p);
      this.#ask(p);
    }
    if (p.frames.length >= this.#queueLimit) this.#hooks.drop('arpQueueFull', p.frames.shift()!);
    p.frames.push(frame);
  }

  /** Live entries, oldest first. */
  entries(): ArpEntry[] {
    const now = this.#sim.now();
    return [...this.#entries.values()].filter((e) => now - e.learnedNs < this.#timeoutNs);
  }

  /** Addresses being resolved. */
  get resolving(): number {
    return this.#pending.size;
  }

  #ask(p: Pending): void {
    p.tries++;
    this.#hooks.request(p.ip);
    p.timer = this.#sim.schedule(this.#retryNs, this.#onRetry, p);
  }

  readonly #onRetry = (p: Pending): void => {
    if (this.#pending.get(p.ip) !== p) return;
    if (p.tries < this.#retries) {
      this.#ask(p);
      return;
    }
    this.#pending.delete(p.ip);
    for (const f of p.frames) this.#hooks.drop('arpUnresolved', f);
  };
}
