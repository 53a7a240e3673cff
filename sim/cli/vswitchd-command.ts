/**
 * `ovsim vswitchd DATABASE`: the switch daemon, following an ovsdb-server's configuration
 * as ovs-vswitchd does (DATABASE is unix:PATH or tcp:127.0.0.1:PORT).
 */
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { CACHE_STRATEGIES, type CacheStrategy } from '../datapath/datapath.js';
import { runVswitchd } from '../vswitchd/daemon.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';
import { UsageError } from './usage-error.js';

export function registerVswitchd(program: Command, io: Io, _state: CommandState): void {
  program
    .command('vswitchd')
    .description('run the switch daemon against an ovsdb-server, as ovs-vswitchd does')
    .argument('<database>', 'unix:PATH or tcp:IP:PORT of the ovsdb-server')
    .option('--cache <strategy>', `flow cache: ${CACHE_STRATEGIES.join(', ')}`, 'emc+megaflow')
    .option('--rundir <dir>', 'put each bridge\'s OpenFlow management socket at DIR/BRIDGE.mgmt')
    .action(async (remote: string, opts: { cache: string; rundir?: string }) => {
      const cache = CACHE_STRATEGIES.find((s) => s === opts.cache) as CacheStrategy | undefined;
      if (!cache) throw new UsageError(`--cache: "${opts.cache}" is not one of ${CACHE_STRATEGIES.join(', ')}`);
      let handle;
      try {
        if (opts.rundir) mkdirSync(opts.rundir, { recursive: true });
        handle = await runVswitchd(remote, { cache, ...(opts.rundir ? { rundir: opts.rundir } : {}) });
      } catch (e) {
        throw new UsageError(`vswitchd: ${remote}: ${e instanceof Error ? e.message : String(e)}`);
      }
      io.err(`ovsim vswitchd: following ${remote}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void handle.close().then(resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
