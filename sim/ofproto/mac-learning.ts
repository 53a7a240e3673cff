/**
 * The MAC learning table behind the NORMAL action: which port a source MAC address was
 * last seen on, per VLAN. Entries age out after `idleNs` of engine time (OVS: 300 s).
 */

export interface MacEntry {
  readonly port: number;
  readonly learnedAtNs: number;
}

export class MacLearning {
  readonly #entries = new Map<string, MacEntry>();
  readonly idleNs: number;

  constructor(idleNs = 300_000_000_000) {
    this.idleNs = idleNs;
  }

  static key(mac: bigint, vlan: number): string {
    return `${vlan}/${mac.toString(16)}`;
  }

  /** Records where `mac` was seen; returns true when that is news (a new or moved entry). */
  learn(mac: bigint, vlan: number, port: number, nowNs: number): boolean {
    const k = MacLearning.key(mac, vlan);
    const old = this.#entries.get(k);
    this.#entries.set(k, { port, learnedAtNs: nowNs });
    return old === undefined || old.port !== port || nowNs - old.learnedAtNs > this.idleNs;
  }

  /** The port `mac` was learned on in `vlan`, if the entry has not aged out. */
  lookup(mac: bigint, vlan: number, nowNs: number): number | undefined {
    const e = this.#entries.get(MacLearning.key(mac, vlan));
    if (!e) return undefined;
    if (nowNs - e.learnedAtNs > this.idleNs) {
      this.#entries.delete(MacLearning.key(mac, vlan));
      return undefined;
    }
    return e.port;
  }

  get size(): number {
    return this.#entries.size;
  }

  flush(): void {
    this.#entries.clear();
  }
}
