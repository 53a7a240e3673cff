/**
 * text → FlowEntry → FLOW_MOD bytes → FlowEntry → text, for every flow and every version
 * the flow parses in: the wire must carry exactly what `ovs-ofctl -O VERSION add-flow`
 * leaves in the switch.
 */
import { describe, expect, it } from 'vitest';
import { FlowSyntaxError } from '../../../sim/flow/syntax-error.js';
import { formatFlowEntry } from '../../../sim/openflow/flow-format.js';
import { parseFlow } from '../../../sim/openflow/flow-syntax.js';
import { decode, encode, entryFromFlowMod, flowModFromEntry, OfDecodeError, SUPPORTED_VERSIONS } from '../../../sim/openflow/wire/index.js';
import { FLOWS } from './flows.js';

function parseOrSkip(text: string, version: (typeof SUPPORTED_VERSIONS)[number]) {
  try {
    return parseFlow(text, { version });
  } catch (e) {
    if (e instanceof FlowSyntaxError) return undefined;
    throw e;
  }
}

describe('flow mod round trip', () => {
  let count = 0;
  for (const version of SUPPORTED_VERSIONS) {
    for (const text of FLOWS) {
      const entry = parseOrSkip(text, version);
      if (!entry) continue;
      count++;
      it(`${version}: ${text}`, () => {
        for (const command of ['add', 'modify_strict', 'delete'] as const) {
          const bytes = encode(flowModFromEntry(entry, { command, xid: 9 }), version, { of10TableId: true });
          expect(bytes.length % 8).toBe(0);
          const d = decode(bytes, { of10TableId: true });
          if (d instanceof OfDecodeError) throw new Error(d.message);
          expect(d.version).toBe(version);
          if (d.msg.type !== 'flow_mod') throw new Error(`decoded ${d.msg.type}`);
          expect(d.msg.command).toBe(command);
          expect(d.msg.xid).toBe(9);
          expect(formatFlowEntry(entryFromFlowMod(d.msg))).toBe(formatFlowEntry(entry));
        }
      });
    }
  }
  it('covers most flows in every version', () => {
    expect(count).toBeGreaterThan(FLOWS.length * 3);
  });
});
