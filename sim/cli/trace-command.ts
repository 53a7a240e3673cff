/**
 * `ovsim trace`: ofproto/trace for a bridge built from a flow file.
 *
 *   ovsim trace --ports 1,2,3,4 --flows FLOWS.txt 'in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80'
 *   ovsim trace --ports 1,2,3,4 --flows FLOWS.txt --traces TRACES.txt --json
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseOfVersion, type OfVersion } from '../openflow/version.js';
import { buildBridge, traceFlow } from '../ofproto/trace.js';
import type { Io } from './io.js';
import type { CommandState } from './program.js';
import { UsageError } from './usage-error.js';

interface TraceOptions {
  ports: string;
  flows?: string;
  traces?: string;
  json?: boolean;
  protocol: string;
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${what} ${path}: ${code}`);
  }
}

export function parsePortList(text: string): number[] {
  const ports: number[] = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) >= 0xff00) {
      throw new UsageError(`--ports: "${t}" is not an OpenFlow port number (1 to 65279)`);
    }
    ports.push(Number(t));
  }
  return ports;
}

export function registerTrace(program: Command, io: Io, state: CommandState): void {
  program
    .command('trace')
    .description("trace a packet through a bridge, as 'ovs-appctl ofproto/trace' does")
    .argument('[flow]', "the packet, as an OpenFlow flow string (e.g. 'in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80')")
    .option('--ports <list>', 'OpenFlow port numbers of the bridge ports p1..pN', '1,2,3,4')
    .option('--flows <file>', 'flow table, one flow per line as ovs-ofctl add-flows reads it')
    .option('--traces <file>', 'trace every flow string in this file, one per line')
    .option('--json', 'print one JSON line per trace: {"trace","megaflow","actions"}')
    .option('--protocol <version>', 'read the flows as ovs-ofctl -O VERSION would', 'OpenFlow15')
    .action((flow: string | undefined, opts: TraceOptions) => {
      const version: OfVersion = parseOfVersion(opts.protocol);
      const ports = parsePortList(opts.ports);
      const flows = opts.flows ? readText(opts.flows, 'flow file').split('\n') : [];
      const ofproto = buildBridge({ ports, flows, version }, opts.flows);
      let traces: string[];
      if (opts.traces) {
        traces = readText(opts.traces, 'trace file')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#'));
      } else if (flow !== undefined) {
        traces = [flow];
      } else {
        throw new UsageError('trace: give a flow string or --traces FILE');
      }
      let failed = false;
      for (const t of traces) {
        const r = traceFlow(ofproto, t);
        if (r.error) failed = true;
        if (opts.json) {
          const line: Record<string, string | null> = { trace: r.trace, megaflow: r.megaflow, actions: r.actions };
          if (r.error) line.error = r.error;
          io.out(`${JSON.stringify(line)}\n`);
        } else if (r.error) {
          io.err(`ovsim: ${r.error}\n`);
        } else {
          io.out(r.text);
        }
      }
      if (failed) state.exitCode = 1;
    });
}
