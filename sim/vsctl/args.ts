/**
 * ovs-vsctl's command line: global options, then commands separated by `--`, each with
 * its own leading options (`--may-exist add-br br0 -- set bridge br0 …`).
 */
import { BRIDGE_COMMANDS } from './bridge-commands.js';
import type { Command } from './context.js';
import { VsctlError } from './context.js';
import { DB_COMMANDS } from './db-commands.js';
import type { CommandSpec } from './registry.js';
import { SHOW_COMMAND } from './show.js';
import type { CellFormat, TableFormat, TableStyle } from './table-format.js';

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  [...BRIDGE_COMMANDS, ...DB_COMMANDS, SHOW_COMMAND].map((c) => [c.name, c] as const),
);

const LOCAL_OPTIONS = new Set([...COMMANDS.values()].flatMap((c) => c.options.map((o) => o.replace(/=$/, ''))));

export interface VsctlArgs {
  db: string | null;
  noWait: boolean;
  /** Seconds; 0: wait forever. */
  timeout: number;
  dryRun: boolean;
  oneline: boolean;
  style: TableStyle;
  commands: (Command & { readonly spec: CommandSpec })[];
  /** The command text for the transaction comment. */
  text: string;
}

function splitOpt(arg: string): [string, string | null] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, null] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

function parseFormat(v: string): TableFormat {
  const f = ['list', 'table', 'csv', 'json'].find((x) => x.startsWith(v.toLowerCase()) && v !== '');
  if (f === undefined) throw new VsctlError(`unknown output format "${v}"`);
  return f as TableFormat;
}

function parseData(v: string): CellFormat {
  const f = ['string', 'bare', 'json'].find((x) => x.startsWith(v.toLowerCase()) && v !== '');
  if (f === undefined) throw new VsctlError(`unknown data format "${v}"`);
  return f as CellFormat;
}

export function parseVsctlArgs(argv: readonly string[]): VsctlArgs {
  const out: VsctlArgs = {
    db: null,
    noWait: false,
    timeout: 0,
    dryRun: false,
    oneline: false,
    style: { format: 'list', cells: 'string', headings: true },
    commands: [],
    text: argv.join(' '),
  };
  let i = 0;
  const firstLocal = new Map<string, string | null>();
  const value = (name: string, inline: string | null): string => {
    if (inline !== null) return inline;
    const v = argv[++i];
    if (v === undefined) throw new VsctlError(`option '${name}' requires an argument`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const [name, inline] = splitOpt(a);
    switch (name) {
      case '--db':
        out.db = value(name, inline);
        break;
      case '--no-wait':
        out.noWait = true;
        break;
      case '--timeout':
      case '-t': {
        const v = value(name, inline);
        if (!/^\d+$/.test(v)) throw new VsctlError(`value ${v} on -t or --timeout is invalid`);
        out.timeout = Number(v);
        break;
      }
      case '--format':
      case '-f':
        out.style.format = parseFormat(value(name, inline));
        break;
      case '--data':
      case '-d':
        out.style.cells = parseData(value(name, inline));
        break;
      case '--bare':
        out.style = { format: 'list', cells: 'bare', headings: false };
        break;
      case '--no-headings':
        out.style.headings = false;
        break;
      case '--oneline':
        out.oneline = true;
        break;
      case '--dry-run':
        out.dryRun = true;
        break;
      case '--retry':
      case '--no-syslog':
      case '--pretty':
        break;
      default:
        if (name.startsWith('-v') || name.startsWith('--verbose') || name.startsWith('--log-file')) break;
        if (LOCAL_OPTIONS.has(name)) {
          if (firstLocal.has(name)) throw new VsctlError(`'${name}' option specified multiple times`);
          firstLocal.set(name, inline);
          break;
        }
        throw new VsctlError(`unrecognized option '${a}'`);
    }
  }
  const rest = argv.slice(i);
  const segments: string[][] = [[]];
  for (const a of rest) {
    if (a === '--') segments.push([]);
    else segments[segments.length - 1]!.push(a);
  }
  segments.forEach((seg, n) => {
    if (seg.length === 0) return;
    const options = new Map<string, string | null>(n === 0 ? firstLocal : []);
    let j = 0;
    for (; j < seg.length && seg[j]!.startsWith('--'); j++) {
      const [name, v] = splitOpt(seg[j]!);
      if (options.has(name)) throw new VsctlError(`'${name}' option specified multiple times`);
      options.set(name, v);
    }
    const name = seg[j];
    if (name === undefined) throw new VsctlError('missing command name (use --help for help)');
    const spec = COMMANDS.get(name);
    if (spec === undefined) throw new VsctlError(`unknown command '${name}'; use --help for help`);
    for (const [o, v] of options) {
      const allowed = spec.options.find((x) => x.replace(/=$/, '') === o);
      if (allowed === undefined) throw new VsctlError(`'${spec.name}' command has no '${o}' option`);
      if (allowed.endsWith('=') && v === null) throw new VsctlError(`missing argument to '${o}' option on '${spec.name}' command`);
      if (!allowed.endsWith('=') && v !== null) throw new VsctlError(`'${o}' option on '${spec.name}' does not accept an argument`);
    }
    const args = seg.slice(j + 1);
    if (args.length < spec.min) throw new VsctlError(`'${spec.name}' command requires at least ${spec.min} arguments`);
    if (args.length > spec.max) {
      const note = args.some((a) => a.startsWith('-')) ? ' (note that options must precede command names and follow a "--" argument)' : '';
      throw new VsctlError(`'${spec.name}' command takes at most ${spec.max} arguments${note}`);
    }
    out.commands.push({ name: spec.name, args, options, spec });
  });
  if (out.commands.length === 0) throw new VsctlError('missing command name (use --help for help)');
  return out;
}
