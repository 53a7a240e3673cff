/**
 * Printing a rule as one line of `ovs-ofctl dump-flows`:
 * ` cookie=0x0, duration=1.5s, table=0, n_packets=0, n_bytes=0, priority=10,tcp actions=drop`
 * (without statistics, as `--no-stats` prints it: cookie and table only when nonzero).
 */
import { formatMatch } from '../flow/match-format.js';
import type { PortMap } from '../flow/ports.js';
import type { FlowEntry } from '../ofproto/rule.js';
import { formatActions } from './actions-format.js';

export interface FlowStats {
  readonly durationSec: number;
  readonly packets: number;
  readonly bytes: number;
  /** Seconds since the rule last matched; printed when given (OpenFlow 1.0/NXM dumps carry it). */
  readonly idleAgeSec?: number;
}

export interface FormatFlowOptions {
  readonly ports?: PortMap;
  readonly stats?: FlowStats;
}

/** Flags a switch keeps on a rule (check_overlap and reset_counts only act on the flow-mod). */
const KEPT_FLAGS = new Set(['send_flow_rem', 'no_packet_counts', 'no_byte_counts']);

/** One dump-flows line for a rule, with its leading space. */
export function formatFlowEntry(e: FlowEntry, opts: FormatFlowOptions = {}): string {
  const s = opts.stats;
  let out = ' ';
  if (s || e.cookie !== 0n) out += `cookie=0x${e.cookie.toString(16)}, `;
  if (s) out += `duration=${formatDuration(s.durationSec)}, `;
  if (s || e.table !== 0) out += `table=${e.table}, `;
  if (s) out += `n_packets=${s.packets}, n_bytes=${s.bytes}, `;
  if (e.idleTimeout !== 0) out += `idle_timeout=${e.idleTimeout}, `;
  if (e.hardTimeout !== 0) out += `hard_timeout=${e.hardTimeout}, `;
  for (const f of e.flags) if (KEPT_FLAGS.has(f)) out += `${f} `;
  if (e.importance !== 0) out += `importance=${e.importance}, `;
  if (s?.idleAgeSec !== undefined) out += `idle_age=${Math.floor(s.idleAgeSec)}, `;
  const match = formatMatch(e.match, { priority: e.priority, ...(opts.ports ? { ports: opts.ports } : {}) });
  if (match !== '') out += `${match} `;
  return `${out}actions=${formatActions(e.actions, opts.ports ? { ports: opts.ports } : {})}`;
}

/** Seconds with milliseconds, as OVS prints durations ("1.005s"). */
function formatDuration(sec: number): string {
  const ms = Math.floor(sec * 1000);
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}s`;
}
