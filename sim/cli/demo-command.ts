/**
 * `ovsim demo` (what `npm start` runs): the default scenario on the embedded defaults —
 * hosts on a switch, a traffic mix, each cache strategy in turn — and a readable comparison.
 */
import type { Command } from 'commander';
import { DEFAULT_SCENARIO, formatComparison, runAll } from '../../scenarios/cache-comparison.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';
import { UsageError } from './usage-error.js';

export function registerDemo(program: Command, io: Io, _state: CommandState): void {
  program
    .command('demo')
    .description('run the default scenario under each cache strategy and compare them')
    .option('--seed <n>', 'seed of every random stream', String(DEFAULT_SCENARIO.seed))
    .option('--duration <ms>', 'milliseconds of simulated traffic', String(DEFAULT_SCENARIO.durationNs / 1e6))
    .action((opts: { seed: string; duration: string }) => {
      if (!/^\d+$/.test(opts.seed)) throw new UsageError(`--seed: "${opts.seed}" is not a non-negative integer`);
      const ms = Number(opts.duration);
      if (!(ms > 0) || !Number.isFinite(ms)) throw new UsageError(`--duration: "${opts.duration}" is not a positive number of milliseconds`);
      const scenario = { seed: Number(opts.seed), durationNs: Math.round(ms * 1e6) };
      io.out(formatComparison(runAll(scenario), scenario));
    });
}
