/** Running Debian's ovs-ofctl from the wire tests; fails (never skips) without OVS. */
import { execFile } from 'node:child_process';
import { findOvs } from '../../support/ovs-sandbox.js';

export function ofctlPath(): string {
  return findOvs().tools['ovs-ofctl'];
}

export function ofctl(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const bin = ofctlPath();
  return new Promise((resolve, reject) => {
    execFile(bin, [...args], { timeout: 30_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code !== undefined && typeof (err as NodeJS.ErrnoException).code !== 'number') reject(err);
      else resolve({ stdout, stderr });
    });
  });
}

/** Runs `fn` over `items` with at most `n` in flight (the machine has two cores). */
export async function mapLimit<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
