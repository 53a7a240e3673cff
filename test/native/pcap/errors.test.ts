/**
 * Bad captures: each case must be refused with a PcapError whose message names the file
 * and the byte offset of the fault — the same from the synchronous and the streaming
 * reader — and never with a stack trace, a hang, or packets silently left out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { assertLinkType, PcapError, readCapture, readCaptureSync } from '../../../native/pcap/index.js';
import { classicFile, concat, frame, IF_TSOFFSET, IF_TSRESOL, NgBuilder } from './builders.js';
import { errorOfBoth } from './read-both.js';
import { tempDir } from './tools.js';

const NAME = 'bad.cap';
const two = (little = true) =>
  classicFile({
    little,
    nano: false,
    snaplen: 2000,
    records: [
      { seconds: 1, fraction: 0, data: frame(60) },
      { seconds: 2, fraction: 0, data: frame(100) },
    ],
  });
const SECOND = 24 + 16 + 60; // offset of the second record in two()
const ng = (little = true) => new NgBuilder().section(little).iface(1, 2000);
const SHB_LEN = 28;
const IDB_LEN = 20;

async function expectError(bytes: Uint8Array, message: string, options: { requireLinkType?: number } = {}): Promise<void> {
  const err = await errorOfBoth(bytes, { name: NAME, ...options });
  expect(err.message).toBe(`${NAME}: ${message}`);
  expect(err.file).toBe(NAME);
}

describe('bad classic pcap input', () => {
  it('empty file', () => expectError(new Uint8Array(0), 'at byte offset 0: empty file: no pcap or pcapng header'));

  it('too short for a magic number', () =>
    expectError(Uint8Array.of(0xd4, 0xc3), 'at byte offset 0: truncated file header: 2 bytes, not a pcap or pcapng file'));

  it('bad magic', () =>
    expectError(new TextEncoder().encode('hello, world\n'), 'at byte offset 0: bad magic number 0x68656c6c: not a pcap or pcapng file'));

  it('gzip-compressed capture', () =>
    expectError(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0), 'at byte offset 0: the file is gzip-compressed: gunzip it first'));

  it('modified pcap magic', () =>
    expectError(
      Uint8Array.of(0x34, 0xcd, 0xb2, 0xa1, 2, 0, 4, 0),
      'at byte offset 0: modified ("Kuznetsov") pcap format is not supported: convert it with editcap -F pcap',
    ));

  it('truncated file header', () =>
    expectError(two().subarray(0, 23), 'at byte offset 0: truncated pcap file header: need 24 bytes, have 23'));

  it('unsupported version', () => {
    const b = two(false);
    b[5] = 3;
    return expectError(b, 'at byte offset 4: unsupported pcap version 3.4 (only 2.x exists)');
  });

  it('truncated record header', () =>
    expectError(two().subarray(0, SECOND + 10), `at byte offset ${SECOND}: truncated record header: need 16 bytes, have 10`));

  it('truncated last record (no packet is silently dropped)', () =>
    expectError(
      two().subarray(0, SECOND + 16 + 99),
      `at byte offset ${SECOND}: truncated record: header promises 100 bytes of packet data, the file has 99`,
    ));

  it('captured length above the snapshot length', () => {
    const b = classicFile({ little: true, nano: false, snaplen: 64, records: [{ seconds: 1, fraction: 0, data: frame(65) }] });
    return expectError(b, 'at byte offset 24: captured length 65 exceeds the file\'s snapshot length 64');
  });

  it('absurd captured length (garbage record header)', () => {
    const b = two(false);
    new DataView(b.buffer).setUint32(SECOND + 8, 0x7fff0000, false);
    return expectError(b, `at byte offset ${SECOND}: captured length ${0x7fff0000} is absurd (limit 262144): corrupt record header`);
  });

  it('link type other than the required Ethernet', () => {
    const b = classicFile({ little: true, nano: false, linkType: 113, records: [] });
    return expectError(b, 'at byte offset 20: capture has link type 113 (LINUX_SLL (Linux cooked)), expected 1 (ETHERNET)', {
      requireLinkType: 1,
    });
  });
});

describe('bad pcapng input', () => {
  it('truncated section header', () =>
    expectError(ng().bytes().subarray(0, 10), 'at byte offset 0: truncated Section Header Block: need 12 bytes, have 10'));

  it('file cut inside the first block header', () =>
    expectError(ng().bytes().subarray(0, 6), 'at byte offset 0: truncated block header: need 8 bytes, have 6'));

  it('bad byte-order magic', () => {
    const b = ng().bytes();
    b[8] = 0x99;
    return expectError(b, 'at byte offset 8: bad byte-order magic 0x993c2b1a in Section Header Block (expected 0x1a2b3c4d)');
  });

  it('unsupported version', () =>
    expectError(new NgBuilder().section(false, [], [2, 0]).bytes(), 'at byte offset 12: unsupported pcapng version 2.0 (expected 1.x)'));

  it('truncated block header', () =>
    expectError(concat(ng().bytes(), Uint8Array.of(6, 0, 0)), `at byte offset ${SHB_LEN + IDB_LEN}: truncated block header: need 8 bytes, have 3`));

  it('truncated last block (no packet is silently dropped)', () => {
    const b = ng().enhanced(0, 1n, frame(60)).enhanced(0, 2n, frame(60)).bytes();
    const second = SHB_LEN + IDB_LEN + 92;
    return expectError(
      b.subarray(0, b.length - 1),
      `at byte offset ${second}: truncated Enhanced Packet Block: its length says 92 bytes, the file has 91`,
    );
  });

  it('leading and trailing block lengths differ', () => {
    const b = ng().block(6, new Uint8Array(20), { trailing: 36 }).bytes();
    return expectError(
      b,
      `at byte offset ${SHB_LEN + IDB_LEN + 28}: Enhanced Packet Block length mismatch: 32 at its start, 36 at its end`,
    );
  });

  it('block length not a multiple of 4', () =>
    expectError(
      ng().block(5, new Uint8Array(8), { leading: 22 }).bytes(),
      `at byte offset ${SHB_LEN + IDB_LEN}: Interface Statistics Block length 22 is not a multiple of 4`,
    ));

  it('block length below the minimum', () =>
    expectError(
      ng().block(0x99, new Uint8Array(0), { leading: 8 }).bytes(),
      `at byte offset ${SHB_LEN + IDB_LEN}: block of type 0x00000099 length 8 is below the 12-byte minimum`,
    ));

  it('absurd block length', () =>
    expectError(
      concat(ng().bytes(), Uint8Array.of(6, 0, 0, 0, 0, 0, 0, 0x40)),
      `at byte offset ${SHB_LEN + IDB_LEN}: Enhanced Packet Block length 1073741824 is absurd (limit 16777216): corrupt block header`,
    ));

  it('known block too short for its fields', () =>
    expectError(
      ng().block(6, new Uint8Array(16)).bytes(),
      `at byte offset ${SHB_LEN + IDB_LEN}: Enhanced Packet Block length 28 is too short (needs at least 32)`,
    ));

  it('packet from an undeclared interface', () =>
    expectError(
      ng().enhanced(1, 0n, frame(60)).bytes(),
      `at byte offset ${SHB_LEN + IDB_LEN + 8}: Enhanced Packet Block names interface 1, but its section declares 1`,
    ));

  it('interfaces do not carry over into a new section', () => {
    const b = ng().section(true).enhanced(0, 0n, frame(60)).bytes();
    return expectError(b, `at byte offset ${SHB_LEN + IDB_LEN + SHB_LEN + 8}: Enhanced Packet Block names interface 0, but its section declares 0`);
  });

  it('captured length overruns its block', () =>
    expectError(
      ng().enhanced(0, 0n, frame(60), { capturedLength: 100 }).bytes(),
      `at byte offset ${SHB_LEN + IDB_LEN}: captured length 100 overruns the Enhanced Packet Block (room for 60 bytes)`,
    ));

  it('captured length above the interface snapshot length', () => {
    const b = new NgBuilder().section(true).iface(1, 64).enhanced(0, 0n, frame(65)).bytes();
    return expectError(b, `at byte offset ${SHB_LEN + IDB_LEN}: captured length 65 exceeds the interface's snapshot length 64`);
  });

  it('absurd captured length', () =>
    expectError(
      new NgBuilder().section(false).iface(1, 0).enhanced(0, 0n, frame(60), { capturedLength: 300_000 }).bytes(),
      `at byte offset ${SHB_LEN + IDB_LEN}: captured length 300000 is absurd (limit 262144): corrupt Enhanced Packet Block`,
    ));

  it('Simple Packet Block before any interface', () =>
    expectError(
      new NgBuilder().section(true).simple(60, frame(60)).bytes(),
      `at byte offset ${SHB_LEN}: Simple Packet Block before any Interface Description Block in its section`,
    ));

  it('Simple Packet Block whose data disagrees with its lengths', () =>
    expectError(
      ng().simple(60, frame(80)).bytes(),
      `at byte offset ${SHB_LEN + IDB_LEN}: Simple Packet Block holds 80 bytes of packet data, but its packet is 60 bytes`,
    ));

  it('option running past its block', () => {
    const b = new NgBuilder().section(true);
    const opts = b.options([{ code: 2, value: new TextEncoder().encode('eth0') }]);
    new DataView(opts.buffer).setUint16(2, 40, true);
    b.block(1, concat(new Uint8Array(8), opts));
    return expectError(b.bytes(), `at byte offset ${SHB_LEN + 16}: option 2 of length 40 runs past the end of its block`);
  });

  it('if_tsresol and if_tsoffset of the wrong size', async () => {
    await expectError(
      new NgBuilder().section(true).iface(1, 0, [{ code: IF_TSRESOL, value: Uint8Array.of(9, 9) }]).bytes(),
      `at byte offset ${SHB_LEN + 16}: if_tsresol option has length 2, expected 1`,
    );
    await expectError(
      new NgBuilder().section(true).iface(1, 0, [{ code: IF_TSOFFSET, value: new Uint8Array(4) }]).bytes(),
      `at byte offset ${SHB_LEN + 16}: if_tsoffset option has length 4, expected 8`,
    );
  });

  it('interface link type other than the required Ethernet', () => {
    const b = ng().iface(276, 0).bytes();
    return expectError(
      b,
      `at byte offset ${SHB_LEN + IDB_LEN}: interface 1 has link type 276 (LINUX_SLL2 (Linux cooked v2)), expected 1 (ETHERNET)`,
      { requireLinkType: 1 },
    );
  });
});

describe('errors outside the bytes', () => {
  const tmp = tempDir();
  afterAll(tmp.remove);

  it('names the path when reading a file', async () => {
    const path = join(tmp.dir, 'cut.pcap');
    writeFileSync(path, two().subarray(0, SECOND + 3));
    const run = async () => {
      for await (const _ of readCapture(path)) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow(`${path}: at byte offset ${SECOND}: truncated record header: need 16 bytes, have 3`);
  });

  it('reports a missing file', async () => {
    const path = join(tmp.dir, 'nope.pcap');
    const it = readCapture(path);
    await expect(it.next()).rejects.toThrow(new PcapError(path, null, 'cannot read: no such file or directory'));
  });

  it('reports a directory', async () => {
    await expect(readCapture(tmp.dir).next()).rejects.toThrow(`${tmp.dir}: cannot read: is a directory`);
  });

  it('refuses a stream of text', async () => {
    await expect(readCapture(Readable.from(['abcd']), { name: 'txt' }).next()).rejects.toThrow(
      'txt: the stream yields text, not bytes: open it without an encoding',
    );
  });

  it('reports a stream that fails', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('device unplugged'));
      },
    });
    await expect(readCapture(broken).next()).rejects.toThrow('<stream>: cannot read: device unplugged');
  });

  it('default names for buffers and streams', async () => {
    expect(() => Array.from(readCaptureSync(new Uint8Array(3)))).toThrow('<buffer>: at byte offset 0:');
    await expect(readCapture(Readable.from([Buffer.alloc(3)])).next()).rejects.toThrow('<stream>: at byte offset 0:');
  });

  it('assertLinkType names the file and the packet offset', () => {
    const b = classicFile({ little: true, nano: false, linkType: 101, records: [{ seconds: 1, fraction: 0, data: frame(40) }] });
    const [r] = Array.from(readCaptureSync(b));
    expect(() => assertLinkType(r!, 'raw.pcap')).toThrow('raw.pcap: at byte offset 24: packet has link type 101 (RAW (IP)), expected 1 (ETHERNET)');
    expect(() => assertLinkType(r!, 'raw.pcap', 101)).not.toThrow();
  });

  it('refuses a nonsense packet size limit', () => {
    expect(() => readCaptureSync(new Uint8Array(0), { maxPacketBytes: -1 }).next()).toThrow(
      '<buffer>: maxPacketBytes must be a positive integer, not -1',
    );
  });

  it('stops the stream when the loop breaks early', async () => {
    const stream = Readable.from([Buffer.from(two())]);
    let n = 0;
    for await (const _ of readCapture(stream)) {
      n++;
      break;
    }
    expect(n).toBe(1);
    expect(stream.destroyed).toBe(true);
  });
});
