/**
 * `ovsim ovsdb-tool`: create, compact and inspect database log files, as OVS's ovsdb-tool
 * does for its own format.
 *
 *   ovsim ovsdb-tool create DB [SCHEMA]   (default SCHEMA: our Open_vSwitch schema)
 *   ovsim ovsdb-tool compact DB
 *   ovsim ovsdb-tool show-log DB
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Database, DatabaseOpenError } from '../ovsdb/database.js';
import { createLog, readLog, LogFormatError } from '../ovsdb/log.js';
import { parseSchema, SchemaError } from '../ovsdb/schema.js';
import { vswitchSchemaPath } from '../ovsdb/vswitch-schema.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';
import { UsageError } from './usage-error.js';

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** Creates database `dbPath` from the schema file `schemaPath`. */
export function createDatabase(dbPath: string, schemaPath: string): void {
  let text: string;
  try {
    text = readFileSync(schemaPath, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read schema file ${schemaPath}: ${errCode(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`schema file ${schemaPath} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    parseSchema(json);
  } catch (e) {
    if (e instanceof SchemaError) throw new UsageError(`schema file ${schemaPath}: ${e.message}`);
    throw e;
  }
  try {
    createLog(dbPath, [json]);
  } catch (e) {
    const code = errCode(e);
    if (code === 'EEXIST') throw new UsageError(`${dbPath}: database file exists`);
    throw new UsageError(`cannot create ${dbPath}: ${code}`);
  }
}

function openDb(path: string, io: Io): Database {
  try {
    return Database.open(path, { warn: (m) => io.err(`ovsim: warning: ${m}\n`) });
  } catch (e) {
    if (e instanceof DatabaseOpenError) throw new UsageError(e.message);
    throw e;
  }
}

/** One line per log record: its number, offset, and what it holds. */
export function showLog(path: string): string {
  let contents;
  try {
    contents = readLog(path);
  } catch (e) {
    if (e instanceof LogFormatError) throw new UsageError(`${path}: ${e.message}`);
    throw new UsageError(`cannot read ${path}: ${errCode(e)}`);
  }
  let out = '';
  contents.records.forEach((rec, i) => {
    const json = rec.json as Record<string, unknown>;
    if (i === 0) {
      out += `record 0: offset ${rec.offset}: schema "${String(json.name)}" version "${String(json.version)}"\n`;
      return;
    }
    const parts: string[] = [];
    if (json._snapshot === true) parts.push('snapshot');
    if (typeof json._date === 'number') parts.push(`date ${new Date(json._date).toISOString()}`);
    if (typeof json._txn === 'string') parts.push(`txn ${json._txn}`);
    out += `record ${i}: offset ${rec.offset}:${parts.length ? ` ${parts.join(', ')}` : ''}\n`;
    if (typeof json._comment === 'string') out += `\t"${json._comment}"\n`;
    for (const [table, rows] of Object.entries(json)) {
      if (table.startsWith('_') || typeof rows !== 'object' || rows === null) continue;
      out += `\ttable ${table}:\n`;
      for (const [uuid, row] of Object.entries(rows as Record<string, unknown>)) {
        if (row === null) {
          out += `\t\trow ${uuid}: delete\n`;
          continue;
        }
        const cols = Object.entries(row as Record<string, unknown>).map(([c, v]) => `${c}=${JSON.stringify(v)}`);
        out += `\t\trow ${uuid}:${cols.length ? ` ${cols.join(', ')}` : ''}\n`;
      }
    }
  });
  if (contents.problem) out += `(${contents.problem}; ${contents.fileLength - contents.goodLength} bytes not shown)\n`;
  return out;
}

export function registerOvsdbTool(program: Command, io: Io, state: CommandState): void {
  const tool = program.command('ovsdb-tool').description('create, compact and show ovsdb database files');
  tool
    .command('create')
    .description('create a database file from a schema (default: the Open_vSwitch schema)')
    .argument('<db>', 'database file to create')
    .argument('[schema]', 'schema file (.ovsschema JSON)')
    .action((db: string, schema: string | undefined) => {
      createDatabase(db, schema ?? vswitchSchemaPath());
      state.exitCode = 0;
    });
  tool
    .command('compact')
    .description('rewrite a database file as its schema plus one snapshot record')
    .argument('<db>', 'database file')
    .action((db: string) => {
      const d = openDb(db, io);
      try {
        d.compact();
      } finally {
        d.close();
      }
    });
  tool
    .command('show-log')
    .description("print a database file's records")
    .argument('<db>', 'database file')
    .action((db: string) => {
      io.out(showLog(db));
    });
}
