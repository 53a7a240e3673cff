/**
 * Running an ofctl both ways for side-by-side tests: Debian's ovs-ofctl as a process,
 * ovsim's `ofctl` command in-process, and a transcript of a command sequence with what
 * changes between runs (durations, ages, the program's name in errors) blanked.
 */
import { execFile } from 'node:child_process';
import { bufferIo } from '../../sim/cli/io.js';
import { run } from '../../sim/cli/program.js';
import { findOvs } from './ovs-sandbox.js';

export interface OfctlResult {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

export type Ofctl = (args: readonly string[]) => Promise<OfctlResult>;

/** Debian's ovs-ofctl with OVS_RUNDIR=`rundir` (where it finds BRIDGE.mgmt), optionally fed `stdin`. */
export function realOfctl(rundir: string, args: readonly string[], stdin?: string): Promise<OfctlResult> {
  const bin = findOvs().tools['ovs-ofctl'];
  return new Promise((resolve) => {
    const child = execFile(bin, [...args], { env: { ...process.env, OVS_RUNDIR: rundir }, timeout: 30_000, maxBuffer: 64 << 20 }, (err, out, errText) => {
      resolve({ out, err: errText, code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1 });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** `ovsim ofctl ARGS`, run in-process. */
export async function ourOfctl(args: readonly string[]): Promise<OfctlResult> {
  const io = bufferIo();
  const code = await run(['ofctl', ...args], io);
  return { out: io.stdout, err: io.stderr, code };
}

/** Blanks what changes between two runs: durations, idle ages, log lines of ovs-ofctl itself. */
export function normalizeOfctl(s: string): string {
  return s
    .replace(/duration=[0-9.]+s/g, 'duration=X')
    .replace(/duration[0-9.]+s/g, 'durationX')
    .replace(/idle_age=[0-9]+/g, 'idle_age=X')
    .replace(/hard_age=[0-9]+, /g, '')
    .replace(/^ovsim: /gm, 'ovs-ofctl: ')
    .split('\n')
    .filter((l) => !/\|fatal_signal\|/.test(l))
    .join('\n');
}

/** Runs `steps` with one tool after `reset`, each step's output normalized and labelled. */
export async function ofctlTranscript(tool: Ofctl, steps: readonly (readonly string[])[], reset: () => Promise<unknown>): Promise<string> {
  await reset();
  let t = '';
  for (const s of steps) {
    const r = await tool(s);
    t += `$ ${s.join(' ')}\n${normalizeOfctl(r.out)}${normalizeOfctl(r.err)}[exit ${r.code}]\n`;
  }
  return t;
}
