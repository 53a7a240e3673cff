/**
 * `ovsim vsctl`: ovs-vsctl against an OVSDB server (ovsim's or Open vSwitch's).
 *
 *   ovsim vsctl --db=unix:/tmp/db.sock --no-wait add-br br0 -- add-port br0 p1
 *
 * Everything after `vsctl` is ovs-vsctl's own command line; the default database is
 * unix:$OVS_RUNDIR/db.sock (OVS_RUNDIR defaults to /var/run/openvswitch).
 */
import type { Command } from 'commander';
import { connectChannel } from '../ovsdb/client/connect.js';
import { runVsctl } from '../vsctl/run.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';

export function registerVsctl(program: Command, io: Io, state: CommandState): void {
  program
    .command('vsctl')
    .description('configure the switch through its database, as ovs-vsctl does')
    .argument('[args...]', 'ovs-vsctl options and commands (separate commands with --)')
    .helpOption(false)
    .allowUnknownOption()
    .action(async (_args: string[], _opts: unknown, cmd: Command) => {
      // Commander drops the first "--"; ovs-vsctl needs every one, so read the raw words.
      const raw = vsctlArgv(cmd);
      const rundir = process.env.OVS_RUNDIR ?? '/var/run/openvswitch';
      state.exitCode = await runVsctl(raw, io, {
        connect: connectChannel,
        defaultDb: `unix:${rundir}/db.sock`,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
      });
    });
}

/** The words after `vsctl` exactly as given. */
function vsctlArgv(cmd: Command): string[] {
  const parent = cmd.parent as (Command & { rawArgs?: string[] }) | null;
  const raw = parent?.rawArgs ?? [];
  const at = raw.indexOf('vsctl');
  return at < 0 ? [...cmd.args] : raw.slice(at + 1);
}
