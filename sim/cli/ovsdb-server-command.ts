/**
 * `ovsim ovsdb-server`: serves database files over unix sockets and loopback TCP, as
 * ovsdb-server does, until SIGTERM or SIGINT (then it closes its listeners, removes its
 * unix sockets and closes the logs).
 *
 *   ovsim ovsdb-server conf.db --remote=punix:/tmp/db.sock --remote=ptcp:6640:127.0.0.1
 *
 * When it is ready it prints one line on stderr naming what it serves and where.
 */
import type { Command } from 'commander';
import { Database, DatabaseOpenError } from '../ovsdb/database.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../ovsdb/jsonrpc.js';
import { ListenError, startOvsdbServer } from '../ovsdb/server/listen.js';
import { RemoteSyntaxError } from '../stream/passive-remote.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';
import { UsageError } from './usage-error.js';

interface ServerOptions {
  remote: string[];
  maxMessageBytes: string;
  verbose?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function openAll(paths: readonly string[], io: Io): Database[] {
  const dbs: Database[] = [];
  try {
    for (const p of paths) {
      dbs.push(Database.open(p, { warn: (m) => io.err(`ovsim ovsdb-server: ${m}\n`), now: () => Date.now() }));
    }
  } catch (e) {
    for (const db of dbs) db.close();
    if (e instanceof DatabaseOpenError) throw new UsageError(e.message);
    throw e;
  }
  const names = new Set<string>();
  for (const db of dbs) {
    if (names.has(db.name)) {
      for (const d of dbs) d.close();
      throw new UsageError(`two database files hold a database named ${db.name}`);
    }
    names.add(db.name);
  }
  return dbs;
}

/** Resolves on the first SIGTERM or SIGINT. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export function registerOvsdbServer(program: Command, io: Io, state: CommandState): void {
  program
    .command('ovsdb-server')
    .description('serve OVSDB database files (RFC 7047) on unix sockets and TCP, as ovsdb-server does')
    .argument('<db...>', 'database files (made by ovsim ovsdb-tool create or ovsdb-tool create)')
    .option('--remote <remote>', 'listen on punix:PATH or ptcp:PORT[:IP] (IP defaults to 127.0.0.1); repeatable', collect, [])
    .option('--max-message-bytes <n>', 'close a connection that sends a longer message', String(DEFAULT_MAX_MESSAGE_BYTES))
    .option('-v, --verbose', 'log connections and protocol errors on stderr')
    .action(async (paths: string[], opts: ServerOptions) => {
      if (opts.remote.length === 0) throw new UsageError('ovsdb-server: give at least one --remote=punix:PATH or --remote=ptcp:PORT[:IP]');
      const maxBytes = Number(opts.maxMessageBytes);
      if (!Number.isInteger(maxBytes) || maxBytes < 1024) {
        throw new UsageError(`--max-message-bytes: "${opts.maxMessageBytes}" is not a byte count of at least 1024`);
      }
      const dbs = openAll(paths, io);
      let handle;
      try {
        handle = await startOvsdbServer(dbs, opts.remote, {
          maxMessageBytes: maxBytes,
          ...(opts.verbose ? { log: (l: string) => io.err(`ovsim ovsdb-server: ${l}\n`) } : {}),
        });
      } catch (e) {
        for (const db of dbs) db.close();
        if (e instanceof ListenError || e instanceof RemoteSyntaxError) throw new UsageError(e.message);
        throw e;
      }
      const stop = untilSignal();
      io.err(`ovsim ovsdb-server: serving ${dbs.map((d) => d.name).join(', ')} on ${handle.remotes.join(', ')}\n`);
      await stop;
      await handle.close();
      state.exitCode = 0;
    });
}
