/**
 * `ovsim demo` (what `npm start` runs): the default scenario on the embedded defaults —
 * hosts on a switch, a traffic mix, each cache strategy in turn — and a readable comparison.
 */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { streamSink } from '../../engine/event-log.js';
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
    .option('--log <file>', 'write the event log (JSON lines) of every run to this file')
    .option('--capture <dir>', 'write a pcap of every link of every run into DIR/<strategy>/<link>.pcap')
    .action(async (opts: { seed: string; duration: string; log?: string; capture?: string }) => {
      if (!/^\d+$/.test(opts.seed)) throw new UsageError(`--seed: "${opts.seed}" is not a non-negative integer`);
      const ms = Number(opts.duration);
      if (!(ms > 0) || !Number.isFinite(ms)) throw new UsageError(`--duration: "${opts.duration}" is not a positive number of milliseconds`);
      const scenario = { seed: Number(opts.seed), durationNs: Math.round(ms * 1e6), ...(opts.capture ? { captureDir: opts.capture } : {}) };
      if (!opts.log) {
        const results = runAll(scenario);
        await Promise.all(results.map((r) => r.captured));
        io.out(formatComparison(results, scenario));
        return;
      }
      const file = createWriteStream(opts.log);
      const opened = new Promise<void>((resolve, reject) => {
        file.once('open', () => resolve());
        file.once('error', reject);
      });
      try {
        await opened;
      } catch (e) {
        throw new UsageError(`--log: cannot write ${opts.log}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const results = runAll({ ...scenario, logSink: streamSink(file) });
      await Promise.all(results.map((r) => r.captured));
      await new Promise<void>((resolve) => file.end(resolve));
      io.out(formatComparison(results, scenario));
    });
}
