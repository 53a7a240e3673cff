import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OvsSandbox } from './ovs-sandbox.js';

// Without OVS these fail (OvsMissingError names scripts/setup.sh): they never skip.
let sbPromise: Promise<OvsSandbox> | undefined;
const sandbox = (): Promise<OvsSandbox> => (sbPromise ??= OvsSandbox.start());

afterAll(async () => {
  const sb = await sbPromise?.catch(() => undefined);
  await sb?.stop();
});

describe('OvsSandbox', () => {
  it('lays out pN as OpenFlow and datapath port N, LOCAL as datapath port 100', async () => {
    const sb = await sandbox();
    await sb.setPorts([1, 2, 3]);
    await sb.delFlows();
    expect(await sb.addFlows(['actions=FLOOD'])).toEqual([]);
    const t = await sb.trace('in_port=2');
    expect(t.error).toBeNull();
    expect(t.actions?.split(',').sort()).toEqual(['1', '100', '3']);
    expect(t.megaflow).toBe('recirc_id=0,eth,in_port=2,dl_type=0x0000');
  });

  it('changes ports, and reports the flows OVS refuses with their index and error', async () => {
    const sb = await sandbox();
    await sb.setPorts([1, 4]);
    await sb.delFlows();
    const rejected = await sb.addFlows(['priority=5,in_port=1,actions=output:4', 'actions=frobnicate', 'priority=1,actions=drop']);
    expect(rejected.map((r) => r.index)).toEqual([1]);
    expect(rejected[0]?.error).toContain('unknown action frobnicate');
    expect(await sb.dumpFlows()).toHaveLength(2);
    const [hit, bad] = await sb.traceMany(['in_port=1,tcp', 'in_port=1,nosuchfield=1']);
    expect(hit?.actions).toBe('4');
    expect(bad?.actions).toBeNull();
    expect(bad?.error).toContain('nosuchfield');
  });

  it('stop() removes its directory', async () => {
    const sb = await OvsSandbox.start();
    const dir = sb.dir;
    expect(existsSync(dir)).toBe(true);
    await sb.stop();
    expect(existsSync(dir)).toBe(false);
  });
});
