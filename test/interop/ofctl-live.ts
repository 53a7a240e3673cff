/**
 * An ovsim bridge served live for real OpenFlow tools: a Simulator paced by the wall
 * clock (engine/realtime.ts), a Bridge with ports p1.., and a connection manager
 * listening on `punix:DIR/br0.mgmt` as ovs-vswitchd does. Socket events enter the engine
 * through `inject`, so the switch runs in engine context throughout.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealtimeSimulator } from '../../engine/realtime.js';
import { Simulator } from '../../engine/simulator.js';
import { MAX_TIME_NS } from '../../engine/time.js';
import { Connmgr, type ConnmgrOptions } from '../../sim/ofproto/connmgr.js';
import { Bridge } from '../../sim/vswitchd/bridge.js';
import { findOvs } from '../support/ovs-sandbox.js';

export interface LiveBridge {
  readonly dir: string;
  readonly sim: Simulator;
  readonly rt: RealtimeSimulator;
  readonly br: Bridge;
  readonly mgr: Connmgr;
  /** `unix:DIR/br0.mgmt`, what ovs-ofctl is given. */
  readonly target: string;
  /** Runs `fn` in engine context and resolves with its result. */
  inEngine<T>(fn: () => T): Promise<T>;
  stop(): Promise<void>;
}

export async function startLiveBridge(opts: Partial<Omit<ConnmgrOptions, 'timers' | 'inject'>> & { ports?: number[] } = {}): Promise<LiveBridge> {
  findOvs(); // fails naming scripts/setup.sh when OVS is missing
  const dir = mkdtempSync(join(tmpdir(), 'ovsim-of-'));
  const sim = new Simulator();
  const rt = new RealtimeSimulator(sim, { sleep: (ns) => new Promise((r) => setTimeout(r, Math.max(0, Math.min(ns / 1e6, 200)))) });
  const br = new Bridge({ name: 'br0', ports: opts.ports ?? [1, 2], cache: 'megaflow', scheduler: sim, random: () => 0.5 });
  const inject = (fn: () => void): void => void rt.inject((f: () => void) => f(), fn);
  const mgr = new Connmgr(br, { timers: sim, inject, ...opts });
  const path = join(dir, 'br0.mgmt');
  await mgr.listen(`punix:${path}`);
  const running = rt.run({ until: MAX_TIME_NS });
  return {
    dir,
    sim,
    rt,
    br,
    mgr,
    target: `unix:${path}`,
    inEngine<T>(fn: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) =>
        inject(() => {
          try {
            resolve(fn());
          } catch (e) {
            reject(e);
          }
        }),
      );
    },
    async stop() {
      await mgr.close();
      rt.stop();
      await running;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs Debian's ovs-ofctl. */
export function ofctl(args: readonly string[], stdin?: string): Promise<RunResult> {
  const tool = findOvs().tools['ovs-ofctl'];
  return new Promise((resolve) => {
    const child = execFile(tool, [...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** Makes ovs-ofctl output comparable between two switches: durations, ages and addresses vary. */
export function normalize(text: string): string {
  return text
    .replace(/duration=[0-9.]+s/g, 'duration=Xs')
    .replace(/idle_age=\d+/g, 'idle_age=X')
    .replace(/hard_age=\d+/g, 'hard_age=X')
    .replace(/addr:[0-9a-f:]{17}/g, 'addr:X')
    .replace(/\n$/, '');
}

/** Port-stats blocks come in hash order from OVS: sort them. */
export function sortPortBlocks(text: string): string {
  const lines = text.split('\n');
  const head = lines[0] ?? '';
  const blocks: string[] = [];
  for (const l of lines.slice(1)) {
    if (/^\s+port /.test(l)) blocks.push(l);
    else if (blocks.length > 0) blocks[blocks.length - 1] += `\n${l}`;
  }
  return [head, ...blocks.sort()].join('\n');
}
