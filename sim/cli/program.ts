/**
 * The `ovsim` command line, as a function of argv and an Io so tests can run it in-process.
 * Each subcommand lives in its own module; user errors become one clear line on stderr and
 * exit status 1 (never a stack trace).
 */
import { Command, CommanderError } from 'commander';
import { FlowSyntaxError } from '../flow/syntax-error.js';
import { registerBench } from './bench-command.js';
import type { Io } from './io.js';
import { registerDemo } from './demo-command.js';
import { registerOfctl } from './ofctl-command.js';
import { registerOvsdbServer } from './ovsdb-server-command.js';
import { registerReplay } from './replay-command.js';
import { registerTrace } from './trace-command.js';
import { registerOvsdbTool } from './ovsdb-tool-command.js';
import { UsageError } from './usage-error.js';
import { registerVsctl } from './vsctl-command.js';
import { registerVswitchd } from './vswitchd-command.js';

/** Exit status of a command: 0 on success. */
export interface CommandState {
  exitCode: number;
}

function buildProgram(io: Io, state: CommandState): Command {
  const program = new Command();
  program
    .name('ovsim')
    .description('A testbed of an Open vSwitch-style virtual switch')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerTrace(program, io, state);
  registerBench(program, io, state);
  registerReplay(program, io, state);
  registerDemo(program, io, state);
  registerOvsdbTool(program, io, state);
  registerOvsdbServer(program, io, state);
  registerVsctl(program, io, state);
  registerVswitchd(program, io, state);
  registerOfctl(program, io, state);
  return program;
}

/** Runs ovsim with `argv` (without node and script), returning the exit status. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const state: CommandState = { exitCode: 0 };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof FlowSyntaxError || e instanceof UsageError) {
      io.err(`ovsim: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return state.exitCode;
}
