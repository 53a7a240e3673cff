/**
 * Test fixtures for the switch side of OpenFlow: a bridge on a simulator with a
 * connection manager, and a scripted controller on the other end of a simulated channel.
 */
import { Simulator } from '../../engine/simulator.js';
import { OFPP } from '../../sim/flow/layout.js';
import { parseFlow } from '../../sim/openflow/flow-syntax.js';
import type { OfVersion } from '../../sim/openflow/version.js';
import { flowModFromEntry } from '../../sim/openflow/wire/msg-flow.js';
import type { FlowMod, OfMessage } from '../../sim/openflow/wire/messages.js';
import { simulatedChannelPair, type Channel } from '../../sim/ovsdb/channel.js';
import { Connmgr, type ConnmgrOptions } from '../../sim/ofproto/connmgr.js';
import { OfChannel } from '../../sim/openflow/channel.js';
import { Bridge } from '../../sim/vswitchd/bridge.js';

export const MS = 1_000_000;
export const SEC = 1_000_000_000;

export interface Rig {
  readonly sim: Simulator;
  readonly br: Bridge;
  readonly mgr: Connmgr;
  /** Frames each port sent, by OpenFlow port. */
  readonly out: Map<number, Uint8Array[]>;
}

export function rig(opts: Partial<Omit<ConnmgrOptions, 'timers'>> & { ports?: number[] } = {}): Rig {
  const sim = new Simulator();
  const ports = opts.ports ?? [1, 2, 3];
  const br = new Bridge({ name: 'br0', ports, cache: 'megaflow', scheduler: sim, random: () => 0.5 });
  const out = new Map<number, Uint8Array[]>();
  for (const p of ports) {
    out.set(p, []);
    br.attach(p, { send: (f) => out.get(p)!.push(f) });
  }
  const mgr = new Connmgr(br, { timers: sim, ...opts });
  return { sim, br, mgr, out };
}

/** A controller-side peer that records what it receives. */
export class Peer {
  readonly got: OfMessage[] = [];
  readonly conn: OfChannel;
  closedWith: string | null | undefined;
  constructor(sim: Simulator, ch: Channel, opts: { versions?: readonly OfVersion[]; probeIntervalMs?: number } = {}) {
    this.conn = new OfChannel(ch, {
      timers: sim,
      ...(opts.versions ? { versions: opts.versions } : {}),
      probeIntervalMs: opts.probeIntervalMs ?? 0,
      onMessage: (m) => this.got.push(m),
      onClose: (r) => {
        this.closedWith = r;
      },
    });
  }

  send(m: OfMessage): void {
    if (!this.conn.send(m)) throw new Error(`cannot send ${m.type}: not connected`);
  }

  of<T extends OfMessage['type']>(type: T): Extract<OfMessage, { type: T }>[] {
    return this.got.filter((m): m is Extract<OfMessage, { type: T }> => m.type === type);
  }

  take(): OfMessage[] {
    return this.got.splice(0, this.got.length);
  }
}

/** Connects a peer to the rig over a simulated channel and runs the handshake. */
export function connectPeer(r: Rig, opts: { kind?: 'primary' | 'service'; versions?: readonly OfVersion[]; latencyNs?: number; probeIntervalMs?: number } = {}): Peer {
  const [a, b] = simulatedChannelPair(r.sim, { latencyNs: opts.latencyNs ?? 10_000, name: 'c0' });
  r.mgr.attach(b, { kind: opts.kind ?? 'primary', target: 'sim:c0', probeIntervalMs: opts.probeIntervalMs ?? 0 });
  const p = new Peer(r.sim, a, opts.versions ? { versions: opts.versions } : {});
  r.sim.run({ until: r.sim.now() + 10 * MS });
  return p;
}

export function flowMod(text: string, opts: { command?: FlowMod['command']; xid?: number; version?: OfVersion; cookieMask?: bigint; outPort?: number } = {}): FlowMod {
  const e = parseFlow(text, { version: opts.version ?? 'OpenFlow13' });
  const fm = flowModFromEntry(e, { xid: opts.xid ?? 7, command: opts.command ?? 'add' });
  return { ...fm, cookieMask: opts.cookieMask ?? 0n, outPort: opts.outPort ?? OFPP.NONE, table: opts.command?.startsWith('delete') && !/table=/.test(text) ? 255 : fm.table };
}

/** An Ethernet frame from `src` to `dst` (MACs as numbers) with a 46-byte IPv4-ish payload. */
export function frame(src: number, dst: number, fill = 0): Uint8Array {
  const f = new Uint8Array(60).fill(fill);
  for (let i = 0; i < 6; i++) {
    f[i] = i === 5 ? dst : 0x02;
    f[6 + i] = i === 5 ? src : 0x02;
  }
  f[12] = 0x88;
  f[13] = 0xb5;
  return f;
}
