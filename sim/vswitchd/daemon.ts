/**
 * vswitchd as a daemon, as ovs-vswitchd runs: connected to an ovsdb-server, holding the
 * "ovs_vswitchd" lock, following every change to the configuration and writing status
 * and `cur_cfg` back — so `ovs-vsctl` without `--no-wait` returns once its change is in
 * effect. The switch runs on the engine paced by the wall clock.
 */
import { RealtimeSimulator } from '../../engine/realtime.js';
import { RandomStreams } from '../../engine/random.js';
import { Simulator } from '../../engine/simulator.js';
import { MAX_TIME_NS } from '../../engine/time.js';
import type { CacheStrategy } from '../datapath/datapath.js';
import { socketConnector } from '../ofproto/connmgr.js';
import { connectChannel } from '../ovsdb/client/connect.js';
import { OvsdbIdl, type IdlRow } from '../ovsdb/client/idl.js';
import type { Json } from '../ovsdb/jsonrpc.js';
import type { Row } from '../ovsdb/row.js';
import { readConfig, type RowSource } from './config.js';
import { statusOps } from './status-ops.js';
import { Vswitchd } from './vswitchd.js';

export interface DaemonOptions {
  readonly cache?: CacheStrategy;
  /** Each bridge's OpenFlow management socket goes to RUNDIR/BRIDGE.mgmt. */
  readonly rundir?: string;
  readonly seed?: number;
  /** Called with each status transaction's outcome, for logs and tests. */
  readonly onSync?: (info: { curCfg: number; ops: number }) => void;
}

export interface DaemonHandle {
  readonly vswitchd: Vswitchd;
  readonly idl: OvsdbIdl;
  close(): Promise<void>;
}

function asRow(r: IdlRow): Row {
  return { uuid: r.uuid, version: '', values: r.columns };
}

/** Connects to the database at `remote` ("unix:PATH" or "tcp:IP:PORT") and runs the switch. */
export async function runVswitchd(remote: string, opts: DaemonOptions = {}): Promise<DaemonHandle> {
  const sim = new Simulator();
  const rt = new RealtimeSimulator(sim);
  const random = new RandomStreams(opts.seed ?? 1).stream('vswitchd:emc');
  const inject = (fn: () => void): void => void rt.inject(fn, undefined);
  const vswitchd = new Vswitchd({
    scheduler: sim,
    random: () => random.uniform(),
    cache: opts.cache ?? 'emc+megaflow',
    openflow: {
      timers: sim,
      inject,
      ...(opts.rundir ? { rundir: opts.rundir } : {}),
      connector: socketConnector(inject),
      onListenError: (bridge, error) => process.stderr.write(`ovsim vswitchd: ${bridge}: ${error}\n`),
    },
  });
  const timers = {
    every(ms: number, fn: () => void): () => void {
      const t = setInterval(fn, ms);
      t.unref();
      return () => clearInterval(t);
    },
  };
  const idl = await OvsdbIdl.connect(await connectChannel(remote), { db: 'Open_vSwitch', tables: 'all', timers, probeIntervalMs: 5000 });
  await idl.lock('ovs_vswitchd');
  await idl.call('set_db_change_aware', [true]);
  const src: RowSource = { rows: (table) => idl.rows(table).map(asRow) };

  let syncing = false;
  let again = false;
  const sync = async (): Promise<void> => {
    if (syncing) {
      again = true;
      return;
    }
    syncing = true;
    try {
      do {
        again = false;
        const cfg = readConfig(src);
        const status = vswitchd.apply(cfg);
        const ops = statusOps(src, cfg.rootUuid, status);
        if (ops.length > 0) await idl.call('transact', ['Open_vSwitch', ...ops] as Json[]);
        opts.onSync?.({ curCfg: status.curCfg, ops: ops.length });
      } while (again);
    } finally {
      syncing = false;
    }
  };
  const stopWatching = idl.onChange(() => inject(() => void sync()));
  // Until the end of time: an idle live run waits for injected events rather than returning.
  const running = rt.run({ until: MAX_TIME_NS });
  await sync();
  return {
    vswitchd,
    idl,
    async close() {
      stopWatching();
      await new Promise<void>((resolve) => inject(() => void vswitchd.close().then(resolve)));
      rt.stop();
      await running;
      idl.close();
    },
  };
}
