/**
 * A capture file as a cache-benchmark workload: its Ethernet frames, at their capture
 * times (relative to the first), all arriving on one switch port, against the flows the
 * user gives or a default table (IPv4 routed by destination prefix, everything else to
 * NORMAL).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LINKTYPE_ETHERNET, PcapError, readCaptureSync } from '../../native/pcap/index.js';
import { describeSystemError } from '../../native/pcap/error.js';
import { TraceBuilder } from './trace.js';
import type { Workload } from './workloads.js';

/** Ports 1-4; IPv4 by destination prefix, the rest switched by NORMAL. */
export const DEFAULT_PCAP_FLOWS: readonly string[] = [
  'priority=32,ip,nw_dst=10.0.0.0/8,actions=output:2',
  'priority=24,ip,nw_dst=192.168.0.0/16,actions=output:3',
  'priority=20,ip,nw_dst=172.16.0.0/12,actions=output:3',
  'priority=1,ip,actions=output:4',
  'priority=0,actions=NORMAL',
];

export interface PcapWorkloadOptions {
  /** Switch port the packets arrive on. */
  readonly inPort: number;
  /** Flow table (default DEFAULT_PCAP_FLOWS). */
  readonly flows?: readonly string[];
}

/** Reads `path` (pcap or pcapng, Ethernet only); throws PcapError naming the file on bad input. */
export function pcapWorkload(path: string, opts: PcapWorkloadOptions): Workload {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new PcapError(path, null, describeSystemError(e));
  }
  const tb = new TraceBuilder();
  let first: bigint | null = null;
  let i = 0;
  for (const rec of readCaptureSync(bytes, { name: path, requireLinkType: LINKTYPE_ETHERNET })) {
    // Records without a time (pcapng simple packets) follow one microsecond apart.
    const t = rec.hasTimestamp ? rec.timestampNs : null;
    if (t !== null && first === null) first = t;
    const at = t !== null && first !== null ? Number(t - first) : i * 1000;
    tb.add(Math.max(0, at), opts.inPort, rec.data.slice());
    i++;
  }
  if (tb.count === 0) throw new PcapError(path, null, 'the capture holds no packets');
  const flows = opts.flows ?? DEFAULT_PCAP_FLOWS;
  const maxPort = Math.max(4, opts.inPort);
  return {
    name: `pcap:${basename(path)}`,
    title: `Capture ${basename(path)}`,
    description: `${tb.count} packets of ${basename(path)}, arriving on port ${opts.inPort} at their capture times; ${opts.flows ? 'flows from the given file' : 'default table (IPv4 routed by destination prefix, the rest NORMAL)'}.`,
    flows: [...flows],
    ports: Array.from({ length: maxPort }, (_, k) => k + 1),
    trace: tb.finish(),
  };
}
