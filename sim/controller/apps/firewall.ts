/**
 * A stateless firewall (ACL) app: an ordered list of allow/deny rules over the 5-tuple
 * (protocol, source and destination address, source and destination port) and the
 * input port, plus a default. The first rule that matches decides, as in router ACLs.
 *
 * The rules are installed proactively when a switch connects, one flow each, the first
 * rule at the highest priority; the default is a priority-0 flow. Allowed traffic takes
 * `allowActions` (NORMAL by default: the switch's own L2 learning). Denied traffic is
 * dropped in the switch, or — with `logDenied`, the default — sent to the controller,
 * which logs it and lets it go no further.
 */
import { formatIpv4, formatMac } from '../../flow/addr.js';
import { fieldByName, type Field } from '../../flow/fields.js';
import { readField, matchesMasked, type FlowKey } from '../../flow/key.js';
import type { Match } from '../../flow/match.js';
import { FlowSyntaxError } from '../../flow/syntax-error.js';
import { parseFlow } from '../../openflow/flow-syntax.js';
import type { ControllerApp, PacketInEvent } from '../app.js';
import type { SwitchConnection } from '../connection.js';

export type FirewallAction = 'allow' | 'deny';
export type FirewallProto = 'ip' | 'tcp' | 'udp' | 'icmp' | 'sctp' | 'arp';
const PROTOS: readonly FirewallProto[] = ['ip', 'tcp', 'udp', 'icmp', 'sctp', 'arp'];

export interface FirewallRule {
  readonly action: FirewallAction;
  /** Default: any protocol (`ip` when addresses are given). */
  readonly proto?: FirewallProto;
  /** IPv4 address or prefix, `10.0.0.0/24`. */
  readonly src?: string;
  readonly dst?: string;
  /** Transport ports: need proto tcp, udp or sctp. */
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly inPort?: number;
}

/** A bad rule; the message names the rule as written. */
export class FirewallRuleError extends Error {
  override readonly name = 'FirewallRuleError';
}

export interface FirewallOptions {
  /** Rules in order, as values or as text for `parseFirewallRules`. */
  readonly rules: readonly FirewallRule[] | string;
  /** What matches no rule. Default 'deny'. */
  readonly defaultAction?: FirewallAction;
  /** Actions for allowed packets, ovs-ofctl syntax. Default 'NORMAL'. */
  readonly allowActions?: string;
  /** Send denied packets up to be logged (default true) instead of dropping them in the switch. */
  readonly logDenied?: boolean;
  /** Table the flows go in. Default 0. */
  readonly table?: number;
  /** Where denied packets are logged, one line each. Default: nowhere (see `denied`). */
  readonly log?: (line: string) => void;
}

/** A packet the firewall denied, as logged. */
export interface DeniedPacket {
  readonly dpid: bigint;
  readonly inPort: number;
  /** `tcp 10.0.0.1:34567 > 10.0.0.2:80` and the like. */
  readonly summary: string;
  /** Index of the deciding rule, or 'default'. */
  readonly rule: number | 'default';
}

interface Compiled {
  readonly rule: FirewallRule;
  readonly text: string;
  readonly match: Match;
}

/** Most denied packets kept in `denied`; older ones are dropped first. */
const DENIED_KEEP = 10_000;

/**
 * @example
 * const fw = new Firewall({ rules: 'allow arp\nallow icmp\nallow tcp dst=10.0.0.2 dport=80', defaultAction: 'deny' });
 * const ctl = new Controller([fw]);
 */
export class Firewall implements ControllerApp {
  readonly name = 'firewall';
  readonly denied: DeniedPacket[] = [];
  readonly #rules: readonly Compiled[];
  readonly #default: FirewallAction;
  readonly #allowActions: string;
  readonly #logDenied: boolean;
  readonly #table: number;
  readonly #log: (line: string) => void;

  constructor(opts: FirewallOptions) {
    const rules = typeof opts.rules === 'string' ? parseFirewallRules(opts.rules) : opts.rules;
    this.#rules = rules.map((rule, i) => compile(rule, i));
    this.#default = opts.defaultAction ?? 'deny';
    this.#allowActions = opts.allowActions ?? 'NORMAL';
    this.#logDenied = opts.logDenied ?? true;
    this.#table = opts.table ?? 0;
    this.#log = opts.log ?? (() => undefined);
    // Check the actions once, here, rather than on every switch.
    parseFlow(`actions=${this.#allowActions}`, { version: 'OpenFlow13' });
  }

  /** The flows installed on each switch, in ovs-ofctl syntax, highest priority first. */
  flows(): string[] {
    const n = this.#rules.length;
    const out = this.#rules.map((c, i) => {
      const match = c.text === '' ? '' : `${c.text},`;
      return `table=${this.#table},priority=${n - i + 1},cookie=${i + 1},${match}actions=${this.#actionsFor(c.rule.action)}`;
    });
    out.push(`table=${this.#table},priority=0,actions=${this.#actionsFor(this.#default)}`);
    return out;
  }

  /** What the rules say about a packet (its flow key), and which rule said it. */
  verdict(key: FlowKey): { readonly action: FirewallAction; readonly rule: number | 'default' } {
    for (let i = 0; i < this.#rules.length; i++) {
      const c = this.#rules[i]!;
      if (matchesMasked(key, c.match.key, c.match.mask)) return { action: c.rule.action, rule: i };
    }
    return { action: this.#default, rule: 'default' };
  }

  switchConnected(sw: SwitchConnection): void {
    for (const f of this.flows()) sw.sendFlowMod(f);
  }

  packetIn(sw: SwitchConnection, ev: PacketInEvent): void {
    if (ev.msg.table !== this.#table) return;
    const v = this.verdict(ev.key);
    if (v.action !== 'deny') return;
    const d: DeniedPacket = { dpid: sw.dpid, inPort: ev.inPort, summary: describePacket(ev.key), rule: v.rule };
    if (this.denied.length >= DENIED_KEEP) this.denied.shift();
    this.denied.push(d);
    const by = v.rule === 'default' ? 'default rule' : `rule ${v.rule + 1}`;
    this.#log(`firewall: ${sw.dpidText} denied ${d.summary} on port ${d.inPort} (${by})`);
  }

  #actionsFor(a: FirewallAction): string {
    if (a === 'allow') return this.#allowActions;
    return this.#logDenied ? 'CONTROLLER:128' : 'drop';
  }
}

function compile(rule: FirewallRule, index: number): Compiled {
  const text = ruleMatchText(rule, index);
  try {
    return { rule, text, match: parseFlow(`${text === '' ? '' : `${text},`}actions=drop`, { version: 'OpenFlow13' }).match };
  } catch (e) {
    if (e instanceof FlowSyntaxError) throw new FirewallRuleError(`rule ${index + 1} (${formatRule(rule)}): ${e.message}`);
    throw e;
  }
}

/** The ovs-ofctl match of one rule (empty: everything). */
function ruleMatchText(rule: FirewallRule, index: number): string {
  const bad = (why: string): FirewallRuleError => new FirewallRuleError(`rule ${index + 1} (${formatRule(rule)}): ${why}`);
  if (rule.action !== 'allow' && rule.action !== 'deny') throw bad(`action must be allow or deny`);
  if (rule.proto !== undefined && !PROTOS.includes(rule.proto)) throw bad(`unknown protocol "${String(rule.proto)}"`);
  const parts: string[] = [];
  const addrs = rule.src !== undefined || rule.dst !== undefined;
  const ports = rule.srcPort !== undefined || rule.dstPort !== undefined;
  if (ports && rule.proto !== 'tcp' && rule.proto !== 'udp' && rule.proto !== 'sctp') throw bad('ports need proto tcp, udp or sctp');
  if (rule.inPort !== undefined) parts.push(`in_port=${portNumber(rule.inPort, 'inPort', bad)}`);
  const proto = rule.proto ?? (addrs ? 'ip' : undefined);
  if (proto !== undefined) parts.push(proto);
  const [srcName, dstName] = proto === 'arp' ? ['arp_spa', 'arp_tpa'] : ['nw_src', 'nw_dst'];
  if (rule.src !== undefined) parts.push(`${srcName}=${rule.src}`);
  if (rule.dst !== undefined) parts.push(`${dstName}=${rule.dst}`);
  if (rule.srcPort !== undefined) parts.push(`tp_src=${portNumber(rule.srcPort, 'srcPort', bad)}`);
  if (rule.dstPort !== undefined) parts.push(`tp_dst=${portNumber(rule.dstPort, 'dstPort', bad)}`);
  return parts.join(',');
}

function portNumber(n: number, what: string, bad: (why: string) => FirewallRuleError): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw bad(`${what} ${n} is outside 0..65535`);
  return n;
}

/** A rule in the text syntax `parseFirewallRules` reads. */
export function formatRule(r: FirewallRule): string {
  const words: string[] = [r.action];
  if (r.proto !== undefined) words.push(r.proto);
  if (r.inPort !== undefined) words.push(`in_port=${r.inPort}`);
  if (r.src !== undefined) words.push(`src=${r.src}`);
  if (r.dst !== undefined) words.push(`dst=${r.dst}`);
  if (r.srcPort !== undefined) words.push(`sport=${r.srcPort}`);
  if (r.dstPort !== undefined) words.push(`dport=${r.dstPort}`);
  return words.join(' ');
}

/**
 * Reads rules, one per line: `allow|deny [PROTO] [in_port=N] [src=CIDR] [dst=CIDR]
 * [sport=N] [dport=N]`. `#` starts a comment; blank lines are skipped.
 *
 * @example parseFirewallRules('allow arp\ndeny tcp dst=10.0.0.2 dport=22\nallow ip')
 */
export function parseFirewallRules(text: string): FirewallRule[] {
  const out: FirewallRule[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const bad = (why: string): FirewallRuleError => new FirewallRuleError(`line ${i + 1} "${line}": ${why}`);
    const [first, ...words] = line.split(/\s+/);
    if (first !== 'allow' && first !== 'deny') throw bad(`a rule starts with allow or deny, not "${first}"`);
    const rule: { -readonly [K in keyof FirewallRule]: FirewallRule[K] } = { action: first };
    for (const w of words) {
      if ((PROTOS as readonly string[]).includes(w)) {
        if (rule.proto !== undefined) throw bad(`two protocols ("${rule.proto}" and "${w}")`);
        rule.proto = w as FirewallProto;
        continue;
      }
      const eq = w.indexOf('=');
      const key = eq < 0 ? w : w.slice(0, eq);
      const value = eq < 0 ? '' : w.slice(eq + 1);
      const num = (): number => {
        if (!/^[0-9]+$/.test(value) || Number(value) > 0xffff) throw bad(`${key} needs a number 0..65535, not "${value}"`);
        return Number(value);
      };
      switch (key) {
        case 'src':
        case 'dst':
          if (!/^[0-9.]+(\/[0-9.]+)?$/.test(value)) throw bad(`${key} needs an IPv4 address or prefix, not "${value}"`);
          rule[key] = value;
          break;
        case 'sport':
          rule.srcPort = num();
          break;
        case 'dport':
          rule.dstPort = num();
          break;
        case 'in_port':
          rule.inPort = num();
          break;
        default:
          throw bad(`unknown word "${w}" (expected a protocol, in_port=, src=, dst=, sport= or dport=)`);
      }
    }
    // Check it now, so the error names the line.
    try {
      compile(rule, out.length);
    } catch (e) {
      if (e instanceof FirewallRuleError) throw bad(e.message.replace(/^rule \d+ \([^)]*\): /, ''));
      throw e;
    }
    out.push(rule);
  });
  return out;
}

function must(name: string): Field {
  const f = fieldByName(name);
  if (f === undefined) throw new Error(`field table lacks ${name}`);
  return f;
}

const F = {
  ethSrc: must('eth_src'),
  ethDst: must('eth_dst'),
  ethType: must('eth_type'),
  nwSrc: must('nw_src'),
  nwDst: must('nw_dst'),
  nwProto: must('nw_proto'),
  tpSrc: must('tp_src'),
  tpDst: must('tp_dst'),
} as const;

const IP_PROTO_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'icmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [132, 'sctp'],
]);

/** One line about a packet for logs: protocol, addresses, ports. */
export function describePacket(key: FlowKey): string {
  const type = Number(readField(key, F.ethType));
  if (type === 0x0800) {
    const proto = Number(readField(key, F.nwProto));
    const src = formatIpv4(readField(key, F.nwSrc));
    const dst = formatIpv4(readField(key, F.nwDst));
    const name = IP_PROTO_NAMES.get(proto);
    if (proto === 6 || proto === 17 || proto === 132) {
      return `${name} ${src}:${readField(key, F.tpSrc)} > ${dst}:${readField(key, F.tpDst)}`;
    }
    if (proto === 1) return `icmp ${src} > ${dst} type ${readField(key, F.tpSrc)} code ${readField(key, F.tpDst)}`;
    return `ip proto ${proto} ${src} > ${dst}`;
  }
  if (type === 0x0806) {
    return `arp ${formatIpv4(readField(key, F.nwSrc))} > ${formatIpv4(readField(key, F.nwDst))}`;
  }
  return `eth_type 0x${type.toString(16).padStart(4, '0')} ${formatMac(readField(key, F.ethSrc))} > ${formatMac(readField(key, F.ethDst))}`;
}
