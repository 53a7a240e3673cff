#!/usr/bin/env node
/**
 * The `ovsim` command line. Each subcommand lives in its own module; this file only wires
 * them to commander and turns user errors into one clear line on stderr and a non-zero
 * exit status (never a stack trace).
 */
import { Command, CommanderError } from 'commander';
import { FlowSyntaxError } from '../flow/syntax-error.js';
import { UsageError } from './usage-error.js';
import { registerTrace } from './trace-command.js';

const program = new Command();
program
  .name('ovsim')
  .description('A testbed of an Open vSwitch-style virtual switch')
  .showHelpAfterError()
  .exitOverride();

registerTrace(program);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (e instanceof FlowSyntaxError || e instanceof UsageError) {
      process.stderr.write(`ovsim: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

await main();
