/**
 * The datapath: the switch's fast path. It parses each packet into a flow key, looks the
 * key up in its flow cache and runs the cached actions; on a miss it queues an upcall to
 * userspace (ofproto), which translates the packet and answers with actions and a mask to
 * cache. The datapath knows nothing of OpenFlow: ofproto registers the upcall handler.
 *
 * The cache strategy is chosen per run, to compare them on the same traffic:
 *   none          every packet is an upcall
 *   microflow     exact match on the whole key (OVS's first kernel datapath)
 *   megaflow      Tuple Space Search over masks (the kernel datapath since OVS 1.11)
 *   emc+megaflow  an exact-match cache in front of the megaflows (the userspace datapath)
 *
 * Time is the engine's. Upcalls wait in a bounded queue (a full queue loses them, as a
 * full netlink socket does); handlers take them in batches and each costs modeled time,
 * so flow-setup rate and overload are visible. A revalidator wakes periodically to expire
 * idle flows and keep the flow limit, and `revalidate` re-checks every flow against the
 * tables when they change, so no stale entry forwards a packet differently from them.
 */
import { disabledLog, event, type ComponentLog, type EventLog } from '../../engine/event-log.js';
import { extractFlow } from '../flow/extract.js';
import { copyKey } from '../flow/key-slab.js';
import { ETH_TYPE, FLOW_WORDS, IPPROTO, VLAN_CFI, VLAN_VID_MASK, W } from '../flow/layout.js';
import { DEFAULT_COST_MODEL, type CostModel } from './cost-model.js';
import type { DpFlow } from './dp-flow.js';
import { Dpcls } from './dpcls.js';
import { Emc } from './emc.js';
import { compileActions, executeActions, type ExecuteContext } from './execute.js';
import { MicroflowCache } from './microflow.js';
import { formatOdpActions, type OdpAction } from './odp-actions.js';

export type CacheStrategy = 'none' | 'microflow' | 'megaflow' | 'emc+megaflow';

/** The datapath's events in the event log (the slow path only: hits are counted, not logged). */
export const DATAPATH_EVENTS = {
  dpUpcall: event<{ dp: string; port: number; queued: number }>('a packet missed the flow cache and was queued for userspace'),
  dpUpcallLost: event<{ dp: string; port: number }>('a missed packet was dropped because the upcall queue was full'),
  dpFlowPut: event<{ dp: string; flow: string; actions: string; flows: number; masks: number }>('a flow was installed in the cache'),
  dpFlowDel: event<{ dp: string; flow: string; reason: 'idle' | 'revalidated' | 'flush' }>('a cached flow was deleted'),
  dpFlowLimit: event<{ dp: string; limit: number }>('an install was refused because the cache holds the flow limit'),
} as const;
export const CACHE_STRATEGIES: readonly CacheStrategy[] = ['none', 'microflow', 'megaflow', 'emc+megaflow'];

/** What the datapath needs of the engine: its clock and a way to be called back later. */
export interface Scheduler {
  now(): number;
  schedule(delayNs: number, fn: () => void): unknown;
}

/** The transmit side of a datapath port (a link, a pcap writer, a NIC). */
export interface Netdev {
  send(frame: Uint8Array): void;
}

/** What userspace answers to an upcall: the actions, and which key bits they depend on. */
export interface UpcallResult {
  readonly actions: readonly OdpAction[];
  readonly mask: Uint32Array;
}

/** Translates a missed packet (its key carries the datapath in_port). */
export type UpcallHandler = (key: Uint32Array, frame: Uint8Array) => UpcallResult;

/** Re-translates a cached flow's key after the tables changed (null: no longer valid). */
export type Revalidator = (key: Uint32Array) => UpcallResult | null;

export interface DatapathOptions {
  readonly strategy: CacheStrategy;
  readonly scheduler: Scheduler;
  /** Uniform [0,1) draws for the EMC's probabilistic insertion (a seeded stream). */
  readonly random: () => number;
  readonly emcEntries?: number;
  /** OVS's other_config:emc-insert-inv-prob (default 100; 0 disables the EMC). */
  readonly emcInsertInvProb?: number;
  /** OVS's other_config:flow-limit (default 200 000). */
  readonly flowLimit?: number;
  /** OVS's other_config:max-idle, in ms (default 10 000). */
  readonly maxIdleMs?: number;
  /** OVS's other_config:max-revalidator, in ms (default 500). */
  readonly maxRevalidatorMs?: number;
  /** Upcalls that may wait for a handler before new ones are lost. */
  readonly upcallQueueLimit?: number;
  /** Upcalls a handler takes at once (OVS: 64). */
  readonly handlerBatch?: number;
  readonly handlers?: number;
  readonly cost?: Partial<CostModel>;
  /** Where slow-path events go (see DATAPATH_EVENTS), and the name they carry. */
  readonly log?: EventLog;
  readonly name?: string;
  /** Turns a flow into text for the log (the dpctl form); only called when logging. */
  readonly describeFlow?: (flow: DpFlow) => string;
}

export interface DatapathStats {
  packets: number;
  emcHits: number;
  megaflowHits: number;
  microflowHits: number;
  misses: number;
  upcalls: number;
  lostUpcalls: number;
  flowsInstalled: number;
  duplicateInstalls: number;
  flowLimitHits: number;
  flowsExpired: number;
  flowsRevalidatedAway: number;
  subtableProbes: number;
  /** Modeled CPU time of the fast path (parse, probes, actions). */
  fastPathCostNs: number;
  /** Modeled CPU time of the slow path (upcalls, translations, installs, revalidation). */
  slowPathCostNs: number;
}

export function emptyStats(): DatapathStats {
  return {
    packets: 0,
    emcHits: 0,
    megaflowHits: 0,
    microflowHits: 0,
    misses: 0,
    upcalls: 0,
    lostUpcalls: 0,
    flowsInstalled: 0,
    duplicateInstalls: 0,
    flowLimitHits: 0,
    flowsExpired: 0,
    flowsRevalidatedAway: 0,
    subtableProbes: 0,
    fastPathCostNs: 0,
    slowPathCostNs: 0,
  };
}

interface Upcall {
  readonly key: Uint32Array;
  readonly frame: Uint8Array;
}

const ALL_ONES = new Uint32Array(FLOW_WORDS).fill(0xffffffff);
const MS = 1_000_000;

export class Datapath {
  readonly strategy: CacheStrategy;
  readonly stats: DatapathStats = emptyStats();
  readonly cost: CostModel;
  readonly #sched: Scheduler;
  readonly #ports = new Map<number, Netdev>();
  readonly #key = new Uint32Array(FLOW_WORDS);
  readonly #key32 = new Int32Array(this.#key.buffer);
  readonly #dpcls = new Dpcls();
  readonly #micro = new MicroflowCache();
  readonly #emc: Emc | null;
  readonly #flowLimit: number;
  #dynamicLimit: number;
  readonly #maxIdleNs: number;
  readonly #revalidatorNs: number;
  readonly #queue: Upcall[] = [];
  #queueHead = 0;
  readonly #queueLimit: number;
  readonly #batch: number;
  #idleHandlers: number;
  #upcallHandler: UpcallHandler | null = null;
  #packetIn: (frame: Uint8Array, action: OdpAction) => void = () => undefined;
  #revalidatorRunning = false;
  #lastRerankNs = 0;
  readonly #exec: ExecuteContext;
  readonly #log: ComponentLog<typeof DATAPATH_EVENTS>;
  readonly #name: string;
  readonly #describe: (flow: DpFlow) => string;

  constructor(opts: DatapathOptions) {
    this.#name = opts.name ?? 'dp';
    this.#log = opts.log ? opts.log.component('datapath', DATAPATH_EVENTS) : disabledLog('datapath', opts.scheduler, DATAPATH_EVENTS);
    this.#describe = opts.describeFlow ?? ((f) => `${f.packets} packets`);
    this.strategy = opts.strategy;
    this.#sched = opts.scheduler;
    this.cost = { ...DEFAULT_COST_MODEL, ...opts.cost };
    this.#emc =
      opts.strategy === 'emc+megaflow'
        ? new Emc({ random: opts.random, ...(opts.emcEntries !== undefined ? { entries: opts.emcEntries } : {}), ...(opts.emcInsertInvProb !== undefined ? { insertInvProb: opts.emcInsertInvProb } : {}) })
        : null;
    this.#flowLimit = opts.flowLimit ?? 200_000;
    this.#dynamicLimit = Math.min(this.#flowLimit, 10_000);
    this.#maxIdleNs = (opts.maxIdleMs ?? 10_000) * MS;
    this.#revalidatorNs = Math.min(opts.maxIdleMs ?? 10_000, opts.maxRevalidatorMs ?? 500) * MS;
    this.#queueLimit = opts.upcallQueueLimit ?? 4096;
    this.#batch = opts.handlerBatch ?? 64;
    this.#idleHandlers = opts.handlers ?? 1;
    this.#exec = {
      output: (port, frame) => this.#ports.get(port)?.send(frame),
      userspace: (frame, action) => this.#packetIn(frame, action),
    };
  }

  addPort(portNo: number, netdev: Netdev): void {
    this.#ports.set(portNo, netdev);
  }

  /** Removes a port: its frames are no longer received, output to it goes nowhere. */
  removePort(portNo: number): void {
    this.#ports.delete(portNo);
  }

  hasPort(portNo: number): boolean {
    return this.#ports.has(portNo);
  }

  setUpcallHandler(h: UpcallHandler): void {
    this.#upcallHandler = h;
  }

  /** Where `userspace(controller(...))` actions deliver packets. */
  setPacketInHandler(h: (frame: Uint8Array, action: OdpAction) => void): void {
    this.#packetIn = h;
  }

  /**
   * Runs datapath actions on one packet that did not come through the cache (an
   * OpenFlow packet-out): outputs and controller actions as for any packet.
   */
  execute(frame: Uint8Array, actions: readonly OdpAction[]): void {
    executeActions(frame, compileActions(actions), this.#exec);
  }

  /** Cached flows. */
  get flowCount(): number {
    return this.strategy === 'microflow' ? this.#micro.size : this.#dpcls.size;
  }

  /** Distinct megaflow masks (subtables), summed over input ports. */
  get maskCount(): number {
    return this.#dpcls.masks;
  }

  get flowLimit(): number {
    return this.#dynamicLimit;
  }

  *flows(): IterableIterator<DpFlow> {
    yield* this.strategy === 'microflow' ? this.#micro.flows() : this.#dpcls.flows();
  }

  /** The fast path: one frame arriving on datapath port `portNo`. */
  receive(portNo: number, frame: Uint8Array): void {
    const s = this.stats;
    const cost = this.cost;
    const key = this.#key;
    s.packets++;
    extractFlow(frame, portNo, key);
    let fast = cost.parseNs;
    let flow: DpFlow | null = null;
    switch (this.strategy) {
      case 'emc+megaflow': {
        const emc = this.#emc!;
        fast += cost.exactProbeNs;
        flow = emc.lookup(this.#key32);
        if (flow !== null) {
          s.emcHits++;
          break;
        }
        flow = this.#dpcls.lookup(this.#key32);
        s.subtableProbes += this.#dpcls.lastProbes;
        fast += this.#dpcls.lastProbes * cost.subtableProbeNs;
        if (flow !== null) {
          s.megaflowHits++;
          emc.maybeInsert(this.#key32, flow);
        }
        break;
      }
      case 'megaflow':
        flow = this.#dpcls.lookup(this.#key32);
        s.subtableProbes += this.#dpcls.lastProbes;
        fast += this.#dpcls.lastProbes * cost.subtableProbeNs;
        if (flow !== null) s.megaflowHits++;
        break;
      case 'microflow':
        fast += cost.exactProbeNs;
        flow = this.#micro.lookup(this.#key32);
        if (flow !== null) s.microflowHits++;
        break;
      case 'none':
        break;
    }
    if (flow === null) {
      s.fastPathCostNs += fast;
      s.misses++;
      this.#enqueueUpcall(frame);
      return;
    }
    flow.packets++;
    flow.bytes += frame.length;
    flow.usedNs = this.#sched.now();
    if (key[W.NW_PROTO] === IPPROTO.TCP && (key[W.DL_TYPE] === ETH_TYPE.IP || key[W.DL_TYPE] === ETH_TYPE.IPV6)) flow.tcpFlags |= key[W.TCP_FLAGS]!;
    s.fastPathCostNs += fast + flow.compiled.list.length * cost.actionNs;
    executeActions(frame, flow.compiled, this.#exec);
  }

  #enqueueUpcall(frame: Uint8Array): void {
    const port = this.#key[W.IN_PORT]!;
    if (this.#queue.length - this.#queueHead >= this.#queueLimit) {
      this.stats.lostUpcalls++;
      if (this.#log.enabled) this.#log.emit('dpUpcallLost', { dp: this.#name, port });
      return;
    }
    this.stats.upcalls++;
    this.#queue.push({ key: copyKey(this.#key), frame });
    if (this.#log.enabled) this.#log.emit('dpUpcall', { dp: this.#name, port, queued: this.#queue.length - this.#queueHead });
    this.#startHandlers();
    this.#startRevalidator();
  }

  #startHandlers(): void {
    while (this.#idleHandlers > 0 && this.#queue.length > this.#queueHead) {
      const end = Math.min(this.#queue.length, this.#queueHead + this.#batch);
      const batch = this.#queue.slice(this.#queueHead, end);
      this.#queueHead = end;
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      this.#idleHandlers--;
      const c = this.cost;
      const busy = batch.length * (c.upcallNs + c.xlateNs + (this.strategy === 'none' ? 0 : c.installNs));
      this.stats.slowPathCostNs += busy;
      this.#sched.schedule(busy, () => {
        this.#handleBatch(batch);
        this.#idleHandlers++;
        this.#startHandlers();
      });
    }
  }

  #handleBatch(batch: readonly Upcall[]): void {
    const handler = this.#upcallHandler;
    for (const u of batch) {
      if (!handler) continue; // no userspace attached: the packet is dropped
      const r = handler(u.key, u.frame);
      const compiled = compileActions(r.actions);
      if (this.strategy !== 'none') this.#install(u.key, r, compiled);
      executeActions(u.frame, compiled, this.#exec);
    }
  }

  #install(key: Uint32Array, r: UpcallResult, compiled: DpFlow['compiled']): void {
    if (this.flowCount >= this.#dynamicLimit) {
      this.stats.flowLimitHits++;
      if (this.#log.enabled) this.#log.emit('dpFlowLimit', { dp: this.#name, limit: this.#dynamicLimit });
      return;
    }
    const micro = this.strategy === 'microflow';
    const mask = micro ? ALL_ONES : copyKey(r.mask);
    // A datapath flow key cannot leave the presence of a VLAN tag open: like OVS's
    // userspace datapath, a megaflow that ignores the outer tag matches its VID and CFI
    // (so an untagged megaflow matches untagged frames only).
    if (!micro && (mask[W.VLAN0]! & 0xffff) === 0) mask[W.VLAN0] = (mask[W.VLAN0]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;
    const k = copyKey(key);
    if (!micro) for (let i = 0; i < FLOW_WORDS; i++) k[i] = (k[i]! & mask[i]!) >>> 0;
    const flow: DpFlow = {
      packetKey: copyKey(key),
      key: k,
      key32: new Int32Array(k.buffer, k.byteOffset, FLOW_WORDS),
      mask,
      actions: r.actions,
      compiled,
      packets: 0,
      bytes: 0,
      usedNs: -1,
      tcpFlags: 0,
      createdNs: this.#sched.now(),
      dead: false,
    };
    const ok = micro ? this.#micro.insert(flow) : this.#dpcls.insert(flow);
    if (ok) {
      this.stats.flowsInstalled++;
      if (this.#log.enabled) {
        this.#log.emit('dpFlowPut', { dp: this.#name, flow: this.#describe(flow), actions: formatOdpActions(flow.actions), flows: this.flowCount, masks: this.maskCount });
      }
    } else this.stats.duplicateInstalls++;
  }

  /** Deletes a cached flow (and so its EMC entries). */
  deleteFlow(flow: DpFlow, reason: 'idle' | 'revalidated' | 'flush' = 'flush'): void {
    if (flow.dead) return;
    if (this.#log.enabled) this.#log.emit('dpFlowDel', { dp: this.#name, flow: this.#describe(flow), reason });
    flow.dead = true;
    if (this.strategy === 'microflow') this.#micro.remove(flow);
    else this.#dpcls.remove(flow);
  }

  /** Deletes every cached flow. */
  flush(): void {
    for (const f of [...this.flows()]) this.deleteFlow(f);
    this.#emc?.clear();
  }

  /**
   * Re-checks every cached flow against userspace, after the tables changed: a flow stays
   * only if re-translating its key gives the same actions and needs no bit its mask
   * leaves out (so every packet it covers would still be treated alike).
   */
  revalidate(check: Revalidator): void {
    const exact = this.strategy === 'microflow';
    for (const f of [...this.flows()]) {
      this.stats.slowPathCostNs += this.cost.revalidateNs;
      const r = check(f.key);
      let keep = r !== null && sameActions(r.actions, f.actions);
      if (keep && !exact) {
        for (let i = 0; i < FLOW_WORDS && keep; i++) if ((r!.mask[i]! & ~f.mask[i]!) !== 0) keep = false;
      }
      if (!keep) {
        this.deleteFlow(f, 'revalidated');
        this.stats.flowsRevalidatedAway++;
      }
    }
  }

  #startRevalidator(): void {
    if (this.#revalidatorRunning || this.strategy === 'none') return;
    this.#revalidatorRunning = true;
    this.#sched.schedule(this.#revalidatorNs, () => this.#revalidatorWake());
  }

  /** OVS's revalidator round: expire idle flows, adapt the flow limit, re-rank subtables. */
  #revalidatorWake(): void {
    const now = this.#sched.now();
    const n = this.flowCount;
    const overLimit = n > this.#dynamicLimit;
    const idleNs = overLimit ? 100 * MS : this.#maxIdleNs;
    if (n > 2 * this.#dynamicLimit) {
      this.stats.flowsExpired += n;
      this.flush();
    } else {
      for (const f of [...this.flows()]) {
        const last = f.usedNs < 0 ? f.createdNs : f.usedNs;
        if (now - last >= idleNs) {
          this.deleteFlow(f, 'idle');
          this.stats.flowsExpired++;
        }
      }
    }
    // The dump took (modeled) time in proportion to the flows; OVS adapts its limit to it.
    const dumpMs = (n * this.cost.revalidateNs) / MS;
    this.stats.slowPathCostNs += n * this.cost.revalidateNs;
    if (dumpMs > 2000) this.#dynamicLimit = Math.floor(this.#dynamicLimit / (dumpMs / 1000));
    else if (dumpMs > 1300) this.#dynamicLimit = Math.floor((this.#dynamicLimit * 3) / 4);
    else if (dumpMs < 1000) this.#dynamicLimit += 1000;
    this.#dynamicLimit = Math.max(1000, Math.min(this.#flowLimit, this.#dynamicLimit));
    if (now - this.#lastRerankNs >= 1000 * MS) {
      this.#dpcls.rerank();
      this.#lastRerankNs = now;
    }
    this.#revalidatorRunning = false;
    if (this.flowCount > 0) this.#startRevalidator();
  }
}

/** Whether two action lists do the same; a controller action's recirculation id is a fresh handle each time, so it does not count. */
export function sameActions(a: readonly OdpAction[], b: readonly OdpAction[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (JSON.stringify(a[i], comparable) !== JSON.stringify(b[i], comparable)) return false;
  return true;
}

function comparable(k: string, v: unknown): unknown {
  if (k === 'recircId') return 0;
  return typeof v === 'bigint' ? v.toString() : v;
}
