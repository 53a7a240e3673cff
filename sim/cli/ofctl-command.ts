/**
 * `ovsim ofctl`: ovs-ofctl's switch commands against a bridge's management socket
 * (ovsim's or Open vSwitch's), printing what ovs-ofctl prints.
 *
 *   ovsim ofctl -O OpenFlow13 add-flow unix:/run/ovs/br0.mgmt 'priority=10,tcp,actions=output:2'
 *   ovsim ofctl -O OpenFlow13 dump-flows br0
 *   ovsim ofctl monitor br0 65535 --timeout 5
 *
 * A target without a colon is a socket path or a bridge name under $OVS_RUNDIR.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runOfctlCommand, OFCTL_COMMANDS, type OfctlCommand } from '../ofctl/commands.js';
import { OfctlError } from '../ofctl/vconn.js';
import { parseOfVersion } from '../openflow/version.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';
import { UsageError } from './usage-error.js';

interface OfctlCliOptions {
  protocols: string;
  names?: boolean;
  strict?: boolean;
  stats?: boolean;
  timeout?: string;
  count?: string;
}

function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new OfctlError(`${path}: open failed (${code === 'ENOENT' ? 'No such file or directory' : code})`);
  }
}

function positive(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${what}: "${text}" is not a non-negative number`);
  return n;
}

export function registerOfctl(program: Command, io: Io, state: CommandState): void {
  program
    .command('ofctl')
    .description("talk OpenFlow to a switch, as 'ovs-ofctl' does (show, dump-flows, add-flow, del-flows, monitor...)")
    .argument('<command>', `one of: ${OFCTL_COMMANDS.join(', ')}`)
    .argument('<target>', 'unix:PATH, tcp:IP:PORT, a socket path, or a bridge name under $OVS_RUNDIR')
    .argument('[args...]', "the command's arguments (flows, a file, a port...)")
    .option('-O, --protocols <version>', 'OpenFlow version to speak (OpenFlow10 ... OpenFlow15)', 'OpenFlow10')
    .option('--names', 'show port names instead of numbers')
    .option('--no-names', 'neither accept nor show port names (no extra connections)')
    .option('--strict', 'mod-flows/del-flows: match priority and wildcards exactly')
    .option('--no-stats', 'dump-flows: leave out statistics')
    .option('--timeout <seconds>', 'monitor: stop after this many seconds')
    .option('--count <n>', 'monitor: stop after this many messages')
    .action(async (command: string, target: string, args: string[], opts: OfctlCliOptions, cmd: Command) => {
      if (!(OFCTL_COMMANDS as readonly string[]).includes(command)) {
        throw new UsageError(`ofctl: unknown command '${command}' (known: ${OFCTL_COMMANDS.join(', ')})`);
      }
      const version = parseOfVersion(opts.protocols);
      // Commander folds --names/--no-names into one boolean that defaults to true; only an explicit flag counts.
      const src = cmd.getOptionValueSource('names');
      const names = src === 'cli' ? opts.names : undefined;
      const timeoutSec = positive(opts.timeout, '--timeout');
      const count = positive(opts.count, '--count');
      try {
        state.exitCode = await runOfctlCommand(command as OfctlCommand, target, args, {
          version,
          ...(names !== undefined ? { names } : {}),
          strict: opts.strict ?? false,
          noStats: opts.stats === false,
          rundir: process.env.OVS_RUNDIR ?? '/var/run/openvswitch',
          ...(timeoutSec !== undefined ? { timeoutSec } : {}),
          ...(count !== undefined ? { count } : {}),
          readFile: readInput,
        }, io);
      } catch (e) {
        if (e instanceof OfctlError) {
          io.err(`ovsim: ${e.message}\n`);
          state.exitCode = 1;
          return;
        }
        throw e;
      }
    });
}
