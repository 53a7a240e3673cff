/**
 * tshark and editcap for the cross-checks, and a temp dir per test file. Missing tools
 * make the tests fail with the fix (run scripts/setup.sh), never skip them.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SEARCH_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin', '/bin'];

export function findTool(name: 'tshark' | 'editcap' | 'mergecap'): string {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d !== ''), ...SEARCH_DIRS];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} not found: run scripts/setup.sh (as root) to install tshark (with editcap and mergecap)`);
}

export interface TsharkFrame {
  /** frame.time_epoch as ns, or null when the frame has no time (Simple Packet Block). */
  readonly timestampNs: bigint | null;
  readonly length: number;
  readonly capturedLength: number;
}

/** Exact ns from tshark's decimal seconds ("1700000000.123456789"). */
function epochToNs(text: string): bigint | null {
  if (text === '') return null;
  const [sec, frac = ''] = text.split('.');
  return BigInt(sec!) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
}

/** What tshark sees in a capture file: time, wire length and captured length per frame. */
export function tsharkFrames(file: string): TsharkFrame[] {
  const out = execFileSync(
    findTool('tshark'),
    ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } },
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [t, len, cap] = l.split('\t');
      return { timestampNs: epochToNs(t!), length: Number(len), capturedLength: Number(cap) };
    });
}

/** editcap -F FORMAT in out, plus any extra arguments before the file names. */
export function editcap(args: readonly string[]): void {
  execFileSync(findTool('editcap'), [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ovsim-pcap-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
