/**
 * ofproto/trace: the teaching view of one packet's way through a bridge, in the text of
 * `ovs-appctl ofproto/trace` — the flow, every table visited with the rule that matched
 * and its actions, the final flow, the megaflow and the datapath actions.
 */
import { formatOdpActions } from '../datapath/odp-actions.js';
import { ETH_TYPE, W } from '../flow/layout.js';
import { keysEqual, type FlowKey } from '../flow/key.js';
import { formatFlow } from '../flow/flow-format.js';
import { formatMatch } from '../flow/match-format.js';
import { matchFromKeyAndMask } from '../flow/match.js';
import { parseTraceFlow } from '../flow/match-syntax.js';
import { portMapOf, type PortMap } from '../flow/ports.js';
import { formatActionForTrace } from '../openflow/actions-format.js';
import { parseFlows } from '../openflow/flow-syntax.js';
import type { OfVersion } from '../openflow/version.js';
import { Ofproto } from './ofproto.js';
import { OFP_DEFAULT_PRIORITY } from './rule.js';
import { xlate, type TraceNode, type XlateResult } from './xlate.js';

export interface TraceCase {
  readonly ports: readonly number[];
  readonly flows: readonly string[];
  /** How the flows are read, as `ovs-ofctl -O VERSION add-flows` would (default OpenFlow15). */
  readonly version?: OfVersion;
}

export interface TraceOutcome {
  readonly trace: string;
  /** The text after `Megaflow: `, or null when the trace failed. */
  readonly megaflow: string | null;
  /** The text after `Datapath actions: `, or null when the trace failed. */
  readonly actions: string | null;
  /** Why the trace could not run (a bad flow string), else null. */
  readonly error: string | null;
  /** The whole ofproto/trace text. */
  readonly text: string;
}

/** Builds the default test bridge (br0, ports pN = OpenFlow N = datapath N, LOCAL = 100) with flows. */
export function buildBridge(c: TraceCase, file?: string): Ofproto {
  const ofproto = new Ofproto({ name: 'br0', ports: c.ports });
  const entries = parseFlows(c.flows.join('\n'), { version: c.version ?? 'OpenFlow15', ports: bridgePortMap(ofproto), ...(file ? { file } : {}) });
  for (const e of entries) ofproto.addFlow(e);
  return ofproto;
}

export function bridgePortMap(ofproto: Ofproto): PortMap {
  return portMapOf([...ofproto.ports.values()].map((p) => [p.name, p.ofp] as const));
}

/** Runs each trace string through a bridge built from the case; a bad flow throws FlowSyntaxError. */
export function runTraces(c: TraceCase, traces: readonly string[]): TraceOutcome[] {
  const ofproto = buildBridge(c);
  return traces.map((t) => traceFlow(ofproto, t));
}

/** Traces one flow string; a bad flow string gives an outcome with `error` set. */
export function traceFlow(ofproto: Ofproto, text: string): TraceOutcome {
  let key: FlowKey;
  try {
    key = parseTraceFlow(text, { ports: bridgePortMap(ofproto) });
  } catch (e) {
    // OVS's own prefix, so the message reads as ofproto/trace's.
    const msg = `Bad openflow flow syntax: ${e instanceof Error ? e.message : String(e)}`;
    return { trace: text, megaflow: null, actions: null, error: msg, text: `${msg}\n` };
  }
  // As OVS does for a flow given as text: a non-zero outer TCI without a TPID is 802.1Q.
  const v0 = key[W.VLAN0]!;
  if ((v0 & 0xffff) !== 0 && v0 >>> 16 === 0) key[W.VLAN0] = ((ETH_TYPE.VLAN_8021Q << 16) | v0) >>> 0;
  const r = xlate(ofproto, key, { trace: true });
  const megaflow = formatMatch(matchFromKeyAndMask(key, r.mask), { megaflow: true });
  const actions = formatOdpActions(r.actions);
  return { trace: text, megaflow, actions, error: null, text: formatTrace(ofproto, key, r, megaflow, actions) };
}

function formatTrace(ofproto: Ofproto, key: FlowKey, r: XlateResult, megaflow: string, actions: string): string {
  const lines: string[] = [`Flow: ${formatFlow(key)}`, ''];
  const title = `bridge("${ofproto.name}")`;
  lines.push(title, '-'.repeat(title.length));
  printNodes(lines, r.trace, 0);
  lines.push('');
  lines.push(`Final flow: ${keysEqual(key, r.finalFlow) ? 'unchanged' : formatFlow(r.finalFlow)}`);
  lines.push(`Megaflow: ${megaflow}`);
  lines.push(`Datapath actions: ${actions}`);
  if (r.error) lines.push(`Translation failed (${r.error}), packet is dropped.`);
  return `${lines.join('\n')}\n`;
}

function isTerminal(n: TraceNode): boolean {
  return n.type !== 'table' && n.type !== 'action_set';
}

/** OVS's layout: a node is indented one step more when siblings follow it or it is a leaf. */
function printNodes(out: string[], nodes: readonly TraceNode[], level: number): void {
  nodes.forEach((n, i) => {
    const more = i < nodes.length - 1 || isTerminal(n) ? 1 : 0;
    const pad = ' '.repeat((level + more) * 4);
    out.push(pad + nodeText(n));
    if (n.type === 'table' || n.type === 'action_set') printNodes(out, n.subs, level + 2 * more);
  });
}

function nodeText(n: TraceNode): string {
  switch (n.type) {
    case 'table': {
      let s = `${String(n.tableId).padStart(2)}. `;
      if (!n.rule) return `${s}No match.`;
      s += formatMatch(n.rule.match, { priority: OFP_DEFAULT_PRIORITY });
      if (!s.endsWith(' ')) s += ', ';
      s += `priority ${n.rule.priority}`;
      if (n.rule.cookie !== 0n) s += `, cookie 0x${n.rule.cookie.toString(16)}`;
      return s;
    }
    case 'action_set':
      return '--. Executing action set:';
    case 'action':
      return n.action ? formatActionForTrace(n.action) : 'drop';
    case 'detail':
      return ` -> ${n.text}`;
    case 'warn':
      return ` >> ${n.text}`;
    case 'error':
      return ` >>>> ${n.text} <<<<`;
    default: {
      const never: never = n;
      throw new Error(`unknown trace node ${JSON.stringify(never)}`);
    }
  }
}
