/**
 * The error table against Open vSwitch's own: `ovs-ofctl print-error NAME` lists, per
 * version, the vendor/type/code an error travels as. Needs Open vSwitch (scripts/setup.sh).
 */
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, errorCodes, SUPPORTED_VERSIONS, XidAllocator } from '../../../sim/openflow/wire/index.js';
import { mapLimit, ofctl } from './ovs-ofctl.js';

describe('error codes', () => {
  it('match ovs-ofctl print-error for every name and version we speak', async () => {
    const rows = await mapLimit(ERROR_NAMES, 2, async (name) => ({ name, out: (await ofctl(['print-error', name])).stdout }));
    let compared = 0;
    for (const { name, out } of rows) {
      for (const v of SUPPORTED_VERSIONS) {
        const label = v === 'OpenFlow10' ? 'OpenFlow 1.0' : `OpenFlow 1.${v.slice(-1)}`;
        const line = out.split('\n').find((l) => l.startsWith(`${label}:`));
        const c = errorCodes(name, v);
        if (!line) {
          expect(c, `${name} in ${v}`).toBeUndefined();
          continue;
        }
        const m = /vendor (\S+), type (\d+), code (\d+)/.exec(line)!;
        const vendor = Number(m[1]);
        const ours =
          c === undefined ? 'none'
          : c.kind === 'standard' ? `0 ${c.type} ${c.code}`
          : c.kind === 'nx_vendor' ? `${0x2320} ${c.type} ${c.code}`
          : `${c.experimenter} ${c.expCode} 0`;
        expect(ours, `${name} in ${v}`).toBe(`${vendor} ${m[2]} ${m[3]}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(250);
  }, 60_000);
});

describe('xids', () => {
  it('count up from 1 and skip 0 when they wrap', () => {
    const x = new XidAllocator(0xfffffffe);
    expect([x.next(), x.next(), x.next()]).toEqual([0xfffffffe, 0xffffffff, 1]);
    expect(new XidAllocator().next()).toBe(1);
  });
});
