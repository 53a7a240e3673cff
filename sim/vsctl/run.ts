/**
 * Runs one ovs-vsctl command line against a server: connect, replicate, run the commands
 * on a transaction, commit (rerunning everything on "try again"), print the outputs, and,
 * unless --no-wait, wait for ovs-vswitchd to report `cur_cfg` ≥ the new `next_cfg`.
 */
import type { Channel } from '../ovsdb/channel.js';
import { IdlConnectError, OvsdbIdl } from '../ovsdb/client/idl.js';
import { parseVsctlArgs, type VsctlArgs } from './args.js';
import { SymbolTable, VsctlContext, VsctlError } from './context.js';
import { TablePrinter, type OutTable } from './table-format.js';

export interface VsctlIo {
  out(text: string): void;
  err(text: string): void;
}

export interface VsctlDeps {
  /** Opens a channel to the server named by --db (or the default). */
  connect(remote: string): Promise<Channel>;
  /** The database remote when --db is not given. */
  readonly defaultDb: string;
  /** Resolves after `ms` (for --timeout); real or engine time. */
  sleep(ms: number): Promise<void>;
}

interface Outcome {
  readonly outputs: { text: string; table: OutTable | null }[];
  readonly nextCfg: number | undefined;
  readonly changed: boolean;
}

async function attempt(idl: OvsdbIdl, args: VsctlArgs): Promise<Outcome | 'try-again'> {
  const txn = idl.transaction();
  txn.comment(`ovs-vsctl: ${args.text}`);
  let ovs = idl.first('Open_vSwitch')?.uuid;
  if (ovs === undefined) {
    txn.wait({ table: 'Open_vSwitch', where: [], until: '==', rows: [] });
    ovs = txn.insert('Open_vSwitch');
  }
  if (!args.noWait) txn.increment('Open_vSwitch', ovs, 'next_cfg');
  const symbols = new SymbolTable(() => idl.newUuid());
  const ctx = new VsctlContext({ idl, txn, ovs, symbols });
  const outputs: { text: string; table: OutTable | null }[] = [];
  for (const c of args.commands) {
    ctx.command = c;
    ctx.output = '';
    ctx.table = null;
    c.spec.run(ctx);
    outputs.push({ text: ctx.output, table: ctx.table });
  }
  for (const [name, e] of symbols.entries) {
    if (!e.created) throw new VsctlError(`row id "${name}" is referenced but never created (e.g. with "-- --id=${name} create ...")`);
  }
  if (args.dryRun) return { outputs, nextCfg: undefined, changed: false };
  const seq = idl.seqno;
  const r = await txn.commit();
  switch (r.status) {
    case 'try-again':
      await idl.whenChanged(seq);
      return 'try-again';
    case 'error':
      throw new VsctlError(`transaction error: ${r.error}`);
    case 'not-locked':
      throw new VsctlError('database not locked');
    case 'success':
    case 'unchanged':
      break;
  }
  args.commands.forEach((c, i) => {
    if (c.spec.post === undefined) return;
    ctx.command = c;
    ctx.output = outputs[i]!.text;
    c.spec.post(ctx, r.inserted);
    outputs[i]!.text = ctx.output;
  });
  return { outputs, nextCfg: r.increment, changed: r.status === 'success' };
}

function printOutputs(args: VsctlArgs, outcome: Outcome, io: VsctlIo): void {
  const printer = new TablePrinter(args.style);
  for (const o of outcome.outputs) {
    if (o.table !== null) io.out(printer.print(o.table));
    else if (args.oneline) io.out(`${o.text.replace(/\n$/, '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`);
    else io.out(o.text);
  }
}

async function waitForCurCfg(idl: OvsdbIdl, nextCfg: number): Promise<void> {
  for (;;) {
    const seq = idl.seqno;
    for (const row of idl.rows('Open_vSwitch')) {
      const cur = row.get('cur_cfg').keys[0];
      if (typeof cur === 'number' && cur >= nextCfg) return;
    }
    if (idl.isClosed) throw new VsctlError(`connection to the database closed while waiting for ovs-vswitchd to apply the change (next_cfg ${nextCfg})`);
    await idl.whenChanged(seq);
  }
}

async function session(args: VsctlArgs, io: VsctlIo, deps: VsctlDeps, holder: { idl: OvsdbIdl | null }): Promise<number> {
  const remote = args.db ?? deps.defaultDb;
  const channel = await deps.connect(remote);
  const idl = await OvsdbIdl.connect(channel, { db: 'Open_vSwitch', tables: 'all' });
  holder.idl = idl;
  let outcome: Outcome | 'try-again';
  do outcome = await attempt(idl, args);
  while (outcome === 'try-again');
  printOutputs(args, outcome, io);
  if (!args.noWait && outcome.changed && outcome.nextCfg !== undefined) await waitForCurCfg(idl, outcome.nextCfg);
  return 0;
}

class Timeout extends Error {}

/** Runs `ovs-vsctl ARGV`; returns the exit status (0, 1 on error, 2 for br-exists on a missing bridge). */
export async function runVsctl(argv: readonly string[], io: VsctlIo, deps: VsctlDeps): Promise<number> {
  const holder: { idl: OvsdbIdl | null } = { idl: null };
  let args: VsctlArgs | undefined;
  try {
    args = parseVsctlArgs(argv);
    const work = session(args, io, deps, holder);
    if (args.timeout <= 0) return await work;
    const secs = args.timeout;
    const limit = deps.sleep(secs * 1000).then(() => {
      throw new Timeout(`timed out after ${secs} seconds${args!.noWait ? '' : ' (is ovs-vswitchd running? it must update cur_cfg; or use --no-wait)'}`);
    });
    return await Promise.race([work, limit]);
  } catch (e) {
    if (e instanceof VsctlError) {
      if (e.message !== '') io.err(`ovs-vsctl: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof Timeout) {
      io.err(`ovs-vsctl: ${e.message}\n`);
      return 142;
    }
    if (e instanceof IdlConnectError || (e instanceof Error && e.name === 'ConnectError') || (e instanceof Error && e.name === 'IdlTxnError')) {
      io.err(`ovs-vsctl: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    holder.idl?.close();
  }
}
