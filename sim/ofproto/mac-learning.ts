/**
 * The MAC learning table behind the NORMAL action: which port a source MAC address was
 * last seen on, per VLAN. Entries age out after `idleNs` of engine time (OVS: 300 s).
 */

export interface MacEntry {
  readonly port: number;
  readonly learnedAtNs: bigint;
}

export class MacLearning {
  readonly #entries = new Map<string, MacEntry>();
  readonly idleNs: bigint;

  constructor(idleNs = 300_000_000_000n) {
    this.idleNs = idleNs;
  }

  static key(mac: bigint, vlan: number): string {
    return `${vlan}/${mac.toString(16)}`;
  }

  learn(mac: bigint, vlan: number, port: number, nowNs: bigint): void {
    this.#entries.set(MacLearning.key(mac, vlan), { port, learnedAtNs: nowNs });
  }

  /** The port `mac` was learned on in `vlan`, if the entry has not aged out. */
  lookup(mac: bigint, vlan: number, nowNs: bigint): number | undefined {
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
