/**
 * Messages a switch must refuse, and the OFPT_ERROR it answers with: the error's name
 * per the spec (and Open vSwitch's choices), and reply bytes equal to what
 * `ovs-ofctl encode-error-reply NAME REQUEST` produces for the same request.
 */
import { describe, expect, it } from 'vitest';
import { Writer } from '../../../sim/openflow/wire/bytes.js';
import type { OfVersion } from '../../../sim/openflow/version.js';
import { decode, encode, negotiateVersion, OfDecodeError, SUPPORTED_VERSIONS, type OfpErrorName } from '../../../sim/openflow/wire/index.js';
import { mapLimit, ofctl } from './ovs-ofctl.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** A message with a correct length field. */
function msg(version: number, type: number, body: Uint8Array | string, xid = 0x77): Uint8Array {
  const b = typeof body === 'string' ? hex(body) : body;
  const w = new Writer();
  w.u8(version).u8(type).u16(8 + b.length).u32(xid).bytes(b);
  return w.finish();
}

/** An OpenFlow 1.3+ FLOW_MOD with raw match TLVs and raw instructions. */
function flowMod13(tlvs: string, instructions = '', o: { version?: number; command?: number; table?: number; flags?: number } = {}): Uint8Array {
  const w = new Writer();
  w.u64(0n).u64(0n).u8(o.table ?? 0).u8(o.command ?? 0).u16(0).u16(0).u16(0x8000).u32(0xffffffff).u32(0xffffffff).u32(0xffffffff).u16(o.flags ?? 0).u16(0);
  const t = hex(tlvs);
  const start = w.length;
  w.u16(1).u16(4 + t.length).bytes(t).pad(start);
  w.bytes(hex(instructions));
  return msg(o.version ?? 4, 14, w.finish());
}

function patched(b: Uint8Array, at: number, value: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[at] = value;
  return c;
}

const APPLY = (actions: string): string => {
  const a = hex(actions);
  return Buffer.from(new Writer().u16(4).u16(8 + a.length).zeros(4).bytes(a).finish()).toString('hex');
};

interface Case {
  readonly what: string;
  readonly bytes: Uint8Array;
  readonly error: OfpErrorName;
}

const ETH_IP = '80000a020800';
const PROTO_TCP = '80001401' + '06';

const CASES: readonly Case[] = [
  { what: 'non-hello in an unknown version', bytes: msg(7, 2, ''), error: 'OFPBRC_BAD_VERSION' },
  { what: 'OpenFlow 1.1 message (not spoken)', bytes: msg(2, 2, ''), error: 'OFPBRC_BAD_VERSION' },
  { what: 'length field longer than the message', bytes: hex('0402001000000077'), error: 'OFPBRC_BAD_LEN' },
  { what: 'features request with a body', bytes: msg(4, 5, '00000000'), error: 'OFPBRC_BAD_LEN' },
  { what: 'truncated flow mod', bytes: msg(4, 14, '0000000000000000'), error: 'OFPBRC_BAD_LEN' },
  { what: 'unknown message type', bytes: msg(4, 99, ''), error: 'OFPBRC_BAD_TYPE' },
  { what: 'role request in OpenFlow 1.0', bytes: msg(1, 24, '0000000200000000' + '0000000000000000'), error: 'OFPBRC_BAD_TYPE' },
  { what: 'unknown multipart type', bytes: msg(4, 18, '00630000' + '00000000'), error: 'OFPBRC_BAD_STAT' },
  { what: 'unknown vendor', bytes: msg(1, 4, '00001234' + '0000000c'), error: 'OFPBRC_BAD_VENDOR' },
  { what: 'unknown Nicira subtype', bytes: msg(1, 4, '00002320' + '000000ee'), error: 'OFPBRC_BAD_SUBTYPE' },
  { what: 'unknown OXM field', bytes: flowMod13('80007e04' + '00000001'), error: 'OFPBMC_BAD_FIELD' },
  { what: 'tcp_dst before its prerequisites', bytes: flowMod13('80001c02' + '0050'), error: 'OFPBMC_BAD_PREREQ' },
  { what: 'eth_type twice', bytes: flowMod13(ETH_IP + ETH_IP), error: 'OFPBMC_DUP_FIELD' },
  { what: 'eth_src with a wrong length', bytes: flowMod13('80000808' + '0000000000ff0000'), error: 'OFPBMC_BAD_LEN' },
  { what: 'ipv4_src value outside its mask', bytes: flowMod13(ETH_IP + '80001708' + '0a000001' + 'ffffff00'), error: 'OFPBMC_BAD_WILDCARDS' },
  { what: 'masked in_port', bytes: flowMod13('80000108' + '00000001' + '0000ffff'), error: 'OFPBMC_BAD_MASK' },
  { what: 'match of type OFPMT_STANDARD', bytes: patched(flowMod13(''), 49, 0), error: 'OFPBMC_BAD_TYPE' },
  { what: 'unknown action type', bytes: flowMod13('', APPLY('00630008' + '00000000')), error: 'OFPBAC_BAD_TYPE' },
  { what: 'action length not a multiple of 8', bytes: flowMod13('', APPLY('0000000c' + '0000000100000000' + '00000000')), error: 'OFPBAC_BAD_LEN' },
  { what: 'output to an invalid port', bytes: flowMod13('', APPLY('00000010' + 'ffffff00' + '0000' + '000000000000')), error: 'OFPBAC_BAD_OUT_PORT' },
  { what: 'experimenter action of an unknown vendor', bytes: flowMod13('', APPLY('ffff0010' + '00001234' + '000000000000' + '0000')), error: 'OFPBAC_BAD_VENDOR' },
  { what: 'unknown Nicira action', bytes: flowMod13('', APPLY('ffff0010' + '00002320' + '00ee' + '000000000000')), error: 'OFPBAC_BAD_VENDOR_TYPE' },
  { what: 'set_field of an unknown field', bytes: flowMod13('', APPLY('00190010' + '80007e04' + '00000001' + '00000000')), error: 'OFPBAC_BAD_SET_TYPE' },
  { what: 'set_field vlan_vid without the present bit', bytes: flowMod13('', APPLY('00190010' + '80000c02' + '0005' + '000000000000')), error: 'OFPBAC_BAD_SET_ARGUMENT' },
  { what: 'unknown instruction', bytes: flowMod13('', '00630008' + '00000000'), error: 'OFPBIC_UNKNOWN_INST' },
  { what: 'two goto_table instructions', bytes: flowMod13('', '00010008' + '01000000' + '00010008' + '02000000'), error: 'OFPBIC_DUP_INST' },
  { what: 'goto_table backwards', bytes: flowMod13('', '00010008' + '01000000', { table: 3 }), error: 'OFPBIC_BAD_TABLE_ID' },
  { what: 'meter instruction', bytes: flowMod13('', '00060008' + '00000001'), error: 'OFPBIC_UNSUP_INST' },
  { what: 'instruction with a bad length', bytes: flowMod13('', '00010009' + '01000000'), error: 'OFPBIC_BAD_LEN' },
  { what: 'unknown flow-mod command', bytes: flowMod13('', '', { command: 9 }), error: 'OFPFMFC_BAD_COMMAND' },
  { what: 'unknown flow-mod flags', bytes: flowMod13('', '', { flags: 0x8000 }), error: 'OFPFMFC_BAD_FLAGS' },
  { what: 'add into table 255', bytes: flowMod13('', '', { table: 255 }), error: 'OFPFMFC_BAD_TABLE_ID' },
  { what: 'packet-out from an invalid port', bytes: msg(4, 13, 'ffffffff' + 'ffffff00' + '0000' + '000000000000'), error: 'OFPBRC_BAD_PORT' },
  { what: 'unknown controller role', bytes: msg(4, 24, '00000009' + '00000000' + '0000000000000000'), error: 'OFPRRFC_BAD_ROLE' },
  { what: 'OpenFlow 1.0 action of unknown type', bytes: msg(1, 14, hex('003fffff' + '0'.repeat(72) + '0000000000000000' + '0000' + '00000000' + '8000' + 'ffffffff' + 'ffff' + '0000' + '00630008' + '00000000')), error: 'OFPBAC_BAD_TYPE' },
  { what: 'NXM match with an unknown field', bytes: msg(1, 4, hex('00002320' + '0000000d' + '0000000000000000' + '0000' + '0000' + '0000' + '8000' + 'ffffffff' + 'ffff' + '0000' + '0008' + '000000000000' + '00017e04' + '00000001')), error: 'OFPBMC_BAD_FIELD' },
];

describe('malformed messages', () => {
  for (const c of CASES) {
    it(`${c.what} → ${c.error}`, () => {
      const d = decode(c.bytes);
      expect(d).toBeInstanceOf(OfDecodeError);
      expect((d as OfDecodeError).error).toBe(c.error);
      expect((d as OfDecodeError).xid).toBe(0x77);
    });
  }

  it('error replies are byte for byte what Open vSwitch would send', async () => {
    const spoken = CASES.filter((c) => SUPPORTED_VERSIONS.some((v) => c.bytes[0] === (v === 'OpenFlow10' ? 1 : Number(v.slice(-1)) + 1)));
    const results = await mapLimit(spoken, 2, async (c) => {
      const d = decode(c.bytes) as OfDecodeError;
      const theirs = await ofctl(['encode-error-reply', c.error, Buffer.from(c.bytes).toString('hex')]);
      const bytes = theirs.stdout.split('\n').flatMap((l) => (/^[0-9a-f]{8}  /.test(l) ? l.slice(10, 58).replace(/[- ]/g, '') : []));
      return { what: c.what, ours: Buffer.from(d.reply()).toString('hex'), theirs: bytes.join('') };
    });
    // encode-error-reply refuses requests whose header it cannot parse (bad length).
    const compared = results.filter((r) => r.theirs !== '');
    for (const r of compared) expect(r.ours, r.what).toBe(r.theirs);
    expect(compared.length).toBeGreaterThan(25);
  }, 60_000);
});

describe('version negotiation', () => {
  it('picks the highest common version from bitmaps', () => {
    expect(negotiateVersion(SUPPORTED_VERSIONS, { headerVersion: 6, versions: ['OpenFlow10', 'OpenFlow13'] })).toBe('OpenFlow13');
  });
  it('without a bitmap, takes the lower of the two header versions', () => {
    expect(negotiateVersion(SUPPORTED_VERSIONS, { headerVersion: 4 })).toBe('OpenFlow13');
    expect(negotiateVersion(SUPPORTED_VERSIONS, { headerVersion: 9 })).toBe('OpenFlow15');
  });
  it('fails when nothing is common (the switch sends OFPHFC_INCOMPATIBLE)', () => {
    expect(negotiateVersion(SUPPORTED_VERSIONS, { headerVersion: 3, versions: ['OpenFlow11', 'OpenFlow12'] })).toBeUndefined();
    const hello = decode(encode({ type: 'hello', xid: 5, versions: ['OpenFlow11', 'OpenFlow12'] }, 'OpenFlow13'));
    if (hello instanceof OfDecodeError || hello.msg.type !== 'hello') throw new Error('hello');
    expect(hello.msg.versions).toEqual(['OpenFlow11', 'OpenFlow12']);
  });
  it('a hello from a newer version still decodes', () => {
    const d = decode(hex('0900000800000001'));
    if (d instanceof OfDecodeError) throw new Error(d.message);
    expect(d.wireVersion).toBe(9);
    expect(d.msg.type).toBe('hello');
  });
});

export const _versions: readonly OfVersion[] = SUPPORTED_VERSIONS;
