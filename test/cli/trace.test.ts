import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../sim/cli/io.js';
import { run } from '../../sim/cli/program.js';

const dir = mkdtempSync(join(tmpdir(), 'ovsim-trace-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const FLOWS = file(
  'flows.txt',
  [
    '# the README example',
    'table=0, priority=10, tcp, nw_src=10.0.0.0/8, tp_dst=80, actions=mod_nw_src:1.2.3.4, output:2',
    'table=0, priority=5, ip, actions=goto_table:1',
    '',
    'table=1, priority=1, udp, actions=output:3',
  ].join('\n'),
);

describe('ovsim trace', () => {
  it('prints the ofproto/trace text of one packet', async () => {
    const io = bufferIo();
    const code = await run(['trace', '--ports', '1,2,3,4', '--flows', FLOWS, 'in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80'], io);
    expect(code).toBe(0);
    expect(io.stdout).toContain(' 0. tcp,nw_src=10.0.0.0/8,tp_dst=80, priority 10\n    set_field:1.2.3.4->ip_src\n    output:2\n');
    expect(io.stdout).toContain('Megaflow: recirc_id=0,eth,tcp,in_port=1,nw_src=10.0.0.1,nw_frag=no,tp_dst=80\n');
    expect(io.stdout).toContain('Datapath actions: set(ipv4(src=1.2.3.4)),2\n');
  });

  it('prints one JSON line per trace with --traces and --json', async () => {
    const traces = file('traces.txt', 'in_port=1,icmp\n\nin_port=2,udp,udp_dst=53\n');
    const io = bufferIo();
    const code = await run(['trace', '--ports', '1,2,3,4', '--flows', FLOWS, '--traces', traces, '--json'], io);
    expect(code).toBe(0);
    const lines = io.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toEqual([
      { trace: 'in_port=1,icmp', megaflow: 'recirc_id=0,eth,icmp,in_port=1,nw_src=0.0.0.0/5,nw_frag=no', actions: 'drop' },
      { trace: 'in_port=2,udp,udp_dst=53', megaflow: 'recirc_id=0,eth,udp,in_port=2,nw_src=0.0.0.0/5,nw_frag=no', actions: '3' },
    ]);
  });

  it('reads flows as the given OpenFlow version would (OpenFlow10: goto_table becomes resubmit)', async () => {
    const io = bufferIo();
    await run(['trace', '--protocol', 'OpenFlow10', '--flows', FLOWS, 'in_port=2,udp'], io);
    expect(io.stdout).toContain('    resubmit(,1)\n');
  });

  it('names the file, line and offending text of a bad flow, and loads nothing', async () => {
    const bad = file('bad.txt', 'priority=10,tcp,actions=output:2\npriority=5,ip,actions=frobnicate:3\n');
    const io = bufferIo();
    expect(await run(['trace', '--flows', bad, 'in_port=1'], io)).toBe(1);
    expect(io.stderr).toMatch(/^ovsim: .*bad\.txt:2: .*frobnicate/);
    expect(io.stdout).toBe('');
  });

  it('rejects a bad trace string with OVS wording', async () => {
    const io = bufferIo();
    expect(await run(['trace', '--flows', FLOWS, 'in_port=1,udp,tcp_dst=80'], io)).toBe(1);
    expect(io.stderr).toBe('ovsim: Bad openflow flow syntax: in_port=1,udp,tcp_dst=80: prerequisites not met for setting tcp_dst\n');
    const io2 = bufferIo();
    expect(await run(['trace', '--flows', FLOWS, 'in_port=1,nw_srcx=1'], io2)).toBe(1);
    expect(io2.stderr).toContain('unknown field nw_srcx');
  });

  it('reports a bad trace line in JSON mode with an error and a non-zero exit', async () => {
    const traces = file('bad-traces.txt', 'in_port=1,tcp\nin_port=1,tp_dst=80\n');
    const io = bufferIo();
    expect(await run(['trace', '--flows', FLOWS, '--traces', traces, '--json'], io)).toBe(1);
    const lines = io.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string | null>);
    expect(lines[0]!.error).toBeUndefined();
    expect(lines[1]!.error).toContain('prerequisites not met for setting tp_dst');
    expect(lines[1]!.megaflow).toBeNull();
  });

  it('gives one-line errors for bad options and missing files', async () => {
    for (const [argv, msg] of [
      [['trace', '--flows', join(dir, 'missing.txt'), 'in_port=1'], 'cannot read flow file'],
      [['trace', '--protocol', 'OpenFlow99', 'in_port=1'], 'OpenFlow99'],
      [['trace', '--ports', '1,x', 'in_port=1'], '--ports: "x"'],
      [['trace'], 'give a flow string or --traces FILE'],
    ] as const) {
      const io = bufferIo();
      expect(await run(argv, io)).toBe(1);
      expect(io.stderr).toContain(msg);
      expect(io.stderr.split('\n').length).toBe(2);
    }
  });
});
