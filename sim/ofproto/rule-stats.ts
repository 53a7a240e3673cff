/**
 * Rule statistics and timeouts: what `dump-flows` reports for each OpenFlow rule
 * (duration, n_packets, n_bytes, idle_age) and what makes a rule with idle_timeout or
 * hard_timeout expire.
 *
 * Rules (`FlowEntry`) are immutable values, so the counters live beside them, keyed by
 * the entry. A flow mod that replaces a rule (modify, or an add of an identical rule)
 * either hands its counters on to the successor or starts them over (reset_counts);
 * packets still arriving on datapath flows translated with the old rule follow the
 * successor link, as OVS's rule_insert forwards counts from the rule it replaces.
 *
 * Expiry runs on the engine clock: one timer, armed for the earliest deadline any rule
 * with a timeout could reach. An idle deadline may move (the rule was used meanwhile),
 * so when the timer fires the owner first pulls fresh counts from the datapath, expires
 * what is really due, and re-arms for the next deadline. Nothing is scheduled while no
 * rule has a timeout, so a simulation without timeouts still runs dry.
 */
import type { Ofproto } from './ofproto.js';
import type { FlowEntry } from './rule.js';

const NS_PER_SEC = 1_000_000_000;

export interface RuleCounters {
  /** Engine time the rule was added (kept across modify). */
  createdNs: number;
  /** Engine time of the last add/modify that touched it (hard_age). */
  modifiedNs: number;
  /** Engine time a packet last used it (idle_age); the creation time before any. */
  usedNs: number;
  packets: number;
  bytes: number;
}

export class RuleStatsTable {
  readonly #stats = new WeakMap<FlowEntry, RuleCounters>();
  /** Where a replaced rule's packets now count. */
  readonly #successor = new WeakMap<FlowEntry, FlowEntry>();
  /** Rules removed: late credit for them is dropped. */
  readonly #dead = new WeakSet<FlowEntry>();
  #clock: () => number;

  constructor(clock: () => number = () => 0) {
    this.#clock = clock;
  }

  setClock(clock: () => number): void {
    this.#clock = clock;
  }

  now(): number {
    return this.#clock();
  }

  /** The counters of `e` (created now when the rule has none yet). */
  of(e: FlowEntry): RuleCounters {
    let s = this.#stats.get(e);
    if (!s) {
      const t = this.#clock();
      s = { createdNs: t, modifiedNs: t, usedNs: t, packets: 0, bytes: 0 };
      this.#stats.set(e, s);
    }
    return s;
  }

  /** A new rule entered a table. */
  added(e: FlowEntry): void {
    this.#dead.delete(e);
    this.of(e);
  }

  /** `next` replaced `prev`; `keepCounts` hands the counters on, `keepCreated` the creation time. */
  replaced(prev: FlowEntry, next: FlowEntry, opts: { keepCounts: boolean; keepCreated: boolean }): void {
    const p = this.of(prev);
    const t = this.#clock();
    const n: RuleCounters = {
      createdNs: opts.keepCreated ? p.createdNs : t,
      modifiedNs: t,
      usedNs: opts.keepCounts ? p.usedNs : t,
      packets: opts.keepCounts ? p.packets : 0,
      bytes: opts.keepCounts ? p.bytes : 0,
    };
    this.#stats.set(next, n);
    if (prev !== next) {
      this.#successor.set(prev, next);
      this.#dead.delete(next);
    }
  }

  /** The rule left its table for good. */
  removed(e: FlowEntry): void {
    this.#dead.add(e);
  }

  /** Whether `e` is still in its table (neither removed nor replaced). */
  isCurrent(e: FlowEntry): boolean {
    return !this.#dead.has(e) && !this.#successor.has(e);
  }

  /** Counts `packets`/`bytes` used at `usedNs` against `e` (or whatever replaced it). */
  credit(e: FlowEntry, packets: number, bytes: number, usedNs: number): void {
    let r = e;
    for (let hops = 0; hops < 64; hops++) {
      const next = this.#successor.get(r);
      if (next === undefined) break;
      r = next;
    }
    if (this.#dead.has(r)) return;
    const s = this.of(r);
    s.packets += packets;
    s.bytes += bytes;
    if (usedNs > s.usedNs) s.usedNs = usedNs;
  }
}

/**
 * Whole seconds and leftover nanoseconds of a duration, as OpenFlow reports it: to the
 * millisecond, since OVS keeps rule times in milliseconds (dump-flows prints 0.037s).
 */
export function splitDuration(ns: number): { sec: number; nsec: number } {
  const ms = Math.floor(Math.max(0, ns) / 1_000_000);
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1_000_000 };
}

export type ExpiryReason = 'idle_timeout' | 'hard_timeout';

/** When `e` expires given its counters, and why; undefined when it has no timeout. */
export function expiryOf(e: FlowEntry, s: RuleCounters): { atNs: number; reason: ExpiryReason } | undefined {
  let best: { atNs: number; reason: ExpiryReason } | undefined;
  if (e.hardTimeout > 0) best = { atNs: s.modifiedNs + e.hardTimeout * NS_PER_SEC, reason: 'hard_timeout' };
  if (e.idleTimeout > 0) {
    const at = s.usedNs + e.idleTimeout * NS_PER_SEC;
    if (!best || at < best.atNs) best = { atNs: at, reason: 'idle_timeout' };
  }
  return best;
}

/** What the expirer needs of the engine. */
export interface ExpiryScheduler {
  now(): number;
  schedule(delayNs: number, fn: () => void): unknown;
}

export interface RuleExpirerOptions {
  readonly scheduler: ExpiryScheduler;
  /** Brings rule counters up to date (pulls datapath flow statistics) before a check. */
  readonly refresh?: () => void;
  /** Least engine time between two checks (OVS checks about once a second). Default 100 ms. */
  readonly minIntervalNs?: number;
}

/**
 * Expires the rules of one ofproto whose idle or hard timeout has passed, removing them
 * with that reason (so FLOW_REMOVED goes out where asked for).
 */
export class RuleExpirer {
  readonly #ofproto: Ofproto;
  readonly #sched: ExpiryScheduler;
  readonly #refresh: () => void;
  readonly #minNs: number;
  readonly #timed = new Set<FlowEntry>();
  /** Deadline the pending check is armed for (Infinity: none armed). */
  #armedAt = Infinity;
  #generation = 0;
  #lastCheck = -Infinity;
  expired = 0;

  constructor(ofproto: Ofproto, opts: RuleExpirerOptions) {
    this.#ofproto = ofproto;
    this.#sched = opts.scheduler;
    this.#refresh = opts.refresh ?? (() => undefined);
    this.#minNs = opts.minIntervalNs ?? 100_000_000;
    ofproto.onRuleAdded((e) => {
      if (e.idleTimeout > 0 || e.hardTimeout > 0) {
        this.#timed.add(e);
        const x = expiryOf(e, ofproto.ruleStats.of(e));
        if (x) this.#arm(x.atNs);
      }
    });
    ofproto.onRuleRemoved((e) => this.#timed.delete(e));
    for (const e of ofproto.flows()) if (e.idleTimeout > 0 || e.hardTimeout > 0) this.#timed.add(e);
    this.#rearm();
  }

  /** Rules with a timeout still in their tables. */
  get timedRules(): number {
    return this.#timed.size;
  }

  #arm(atNs: number): void {
    const at = Math.max(atNs, this.#lastCheck + this.#minNs, this.#sched.now());
    if (at >= this.#armedAt) return;
    this.#armedAt = at;
    const gen = ++this.#generation;
    this.#sched.schedule(at - this.#sched.now(), () => {
      if (gen !== this.#generation) return; // superseded by an earlier deadline
      this.#armedAt = Infinity;
      this.check();
    });
  }

  #rearm(): void {
    const stats = this.#ofproto.ruleStats;
    let next = Infinity;
    for (const e of this.#timed) {
      const x = expiryOf(e, stats.of(e));
      if (x && x.atNs < next) next = x.atNs;
    }
    if (next < Infinity) this.#arm(next);
  }

  /** Expires what is due now and re-arms for the next deadline. */
  check(): void {
    const now = this.#sched.now();
    this.#lastCheck = now;
    this.#refresh();
    const stats = this.#ofproto.ruleStats;
    const due: { e: FlowEntry; reason: ExpiryReason }[] = [];
    for (const e of this.#timed) {
      if (!stats.isCurrent(e)) {
        this.#timed.delete(e);
        continue;
      }
      const x = expiryOf(e, stats.of(e));
      if (x && x.atNs <= now) due.push({ e, reason: x.reason });
    }
    for (const reason of ['hard_timeout', 'idle_timeout'] as const) {
      const rules = due.filter((d) => d.reason === reason).map((d) => d.e);
      if (rules.length > 0) this.expired += this.#ofproto.removeFlows(rules, reason);
    }
    this.#rearm();
  }
}
