/**
 * vswitchd inside the engine, on a database of the same simulation: every commit is
 * followed (after `reactNs` of virtual time, the daemon's reaction) by bringing the switch
 * in line and writing the status back — so a scenario changes the switch the way a user
 * does, with a transaction, at a virtual time of its choosing.
 */
import type { Database } from '../ovsdb/database.js';
import { readConfig, type RowSource } from './config.js';
import { statusOps } from './status-ops.js';
import type { Vswitchd } from './vswitchd.js';

export interface InProcessOptions {
  readonly schedule: (delayNs: number, fn: () => void) => unknown;
  /** Virtual time between a commit and the switch following it (default 0). */
  readonly reactNs?: number;
}

/** Keeps `vswitchd` following `db`; returns a function that stops it. */
export function runOnDatabase(vswitchd: Vswitchd, db: Database, opts: InProcessOptions): () => void {
  const src: RowSource = { rows: (table) => db.snapshot(table).values() };
  let pending = false;
  const sync = (): void => {
    pending = false;
    const cfg = readConfig(src);
    const status = vswitchd.apply(cfg);
    const ops = statusOps(src, cfg.rootUuid, status);
    if (ops.length > 0) db.transact(ops);
  };
  const stop = db.onCommit(() => {
    if (pending) return;
    pending = true;
    opts.schedule(opts.reactNs ?? 0, sync);
  });
  sync();
  return stop;
}
