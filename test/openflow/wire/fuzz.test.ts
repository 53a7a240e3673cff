/**
 * 100 000 seeded random and mutated messages into the decoder: it returns a message or
 * an OfDecodeError for every one — never throws, never hangs — and the error reply it
 * builds is itself a well-formed OFPT_ERROR naming the same error. The frame decoder cuts
 * a stream of the same messages, fed in random chunks, exactly where the headers say.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { FlowSyntaxError } from '../../../sim/flow/syntax-error.js';
import { parseFlow } from '../../../sim/openflow/flow-syntax.js';
import { decode, encode, flowModFromEntry, FrameDecoder, OfDecodeError, SUPPORTED_VERSIONS, WireError } from '../../../sim/openflow/wire/index.js';
import { FLOWS } from './flows.js';
import { sampleMessages } from './samples.js';

const N = 100_000;

function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const v of SUPPORTED_VERSIONS) {
    for (const m of sampleMessages(v)) out.push(encode(m, v, { of10TableId: true }));
    for (const text of FLOWS) {
      try {
        out.push(encode(flowModFromEntry(parseFlow(text, { version: v })), v));
      } catch (e) {
        if (!(e instanceof FlowSyntaxError)) throw e;
      }
    }
  }
  return out;
}

function setLength(b: Uint8Array): Uint8Array {
  if (b.length >= 4) {
    b[2] = (b.length >> 8) & 0xff;
    b[3] = b.length & 0xff;
  }
  return b;
}

/** One test input: a mutation of a corpus message, or random bytes behind a header. */
function mutate(rng: () => number, base: readonly Uint8Array[]): Uint8Array {
  const int = (n: number): number => Math.floor(rng() * n);
  const src = base[int(base.length)]!;
  let b = Uint8Array.from(src);
  const kind = int(8);
  switch (kind) {
    case 0: // flip a few bits past the header
      for (let i = 0, n = 1 + int(4); i < n; i++) {
        const at = 8 + int(Math.max(1, b.length - 8));
        if (at < b.length) b[at]! ^= 1 << int(8);
      }
      break;
    case 1: // set bytes to boundary values
      for (let i = 0, n = 1 + int(3); i < n; i++) b[int(b.length)] = [0, 0xff, 0x80, 0x7f, 1][int(5)]!;
      break;
    case 2: // truncate, length fixed up
      b = setLength(b.slice(0, 8 + int(Math.max(1, b.length - 8))));
      break;
    case 3: // extend with random bytes, length fixed up
      b = setLength(Uint8Array.from([...b, ...Array.from({ length: 1 + int(24) }, () => int(256))]));
      break;
    case 4: // corrupt the length field
      b[2] = int(256);
      b[3] = int(256);
      break;
    case 5: // another version or type
      if (rng() < 0.5) b[0] = int(8);
      else b[1] = int(40);
      break;
    case 6: { // splice two messages
      const other = base[int(base.length)]!;
      const cut = 8 + int(Math.max(1, b.length - 8));
      b = setLength(Uint8Array.from([...b.slice(0, cut), ...other.slice(8 + int(Math.max(1, other.length - 8)))]));
      break;
    }
    default: { // random body behind a plausible header
      const body = Array.from({ length: int(96) }, () => int(256));
      b = setLength(Uint8Array.from([[1, 4, 5, 6][int(4)]!, int(36), 0, 0, 0, 0, 0, 0x42, ...body]));
    }
  }
  return b;
}

describe('decoder fuzz', () => {
  it(`${N} seeded random and mutated messages`, () => {
    const rng = seedrandom('ovsim-wire-fuzz-1');
    const base = corpus();
    const seen = new Map<string, number>();
    let decoded = 0;
    for (let i = 0; i < N; i++) {
      const input = mutate(rng, base);
      let r: ReturnType<typeof decode>;
      try {
        r = decode(input, { of10TableId: i % 2 === 0 });
      } catch (e) {
        throw new Error(`input ${i} (${Buffer.from(input).toString('hex')}) threw ${String(e)}`);
      }
      if (r instanceof OfDecodeError) {
        seen.set(r.error, (seen.get(r.error) ?? 0) + 1);
        if (i % 16 === 0) {
          // The reply is a valid OFPT_ERROR that names the same error (or the nearest one the version has).
          const back = decode(r.reply());
          if (back instanceof OfDecodeError || back.msg.type !== 'error') throw new Error(`bad reply for input ${i}`);
          expect(back.msg.name).toBeDefined();
          expect(back.msg.xid).toBe(r.xid);
        }
      } else {
        decoded++;
      }
    }
    // A healthy mix: most mutations are refused, many still decode, and the refusals
    // spread over the error families.
    expect(decoded).toBeGreaterThan(N / 10);
    expect(seen.size).toBeGreaterThan(20);
    for (const name of ['OFPBRC_BAD_LEN', 'OFPBRC_BAD_VERSION', 'OFPBRC_BAD_TYPE', 'OFPBMC_BAD_FIELD', 'OFPBAC_BAD_TYPE', 'OFPBAC_BAD_LEN']) {
      expect(seen.get(name) ?? 0, name).toBeGreaterThan(0);
    }
  }, 60_000);

  it('the frame decoder splits a stream fed in random chunks', () => {
    const rng = seedrandom('ovsim-wire-fuzz-2');
    const base = corpus();
    const msgs = Array.from({ length: 2000 }, () => {
      const m = mutate(rng, base);
      return setLength(m.length >= 8 ? m : setLength(Uint8Array.from([...m, ...new Uint8Array(8 - m.length)])));
    });
    const stream = Buffer.concat(msgs);
    const fd = new FrameDecoder();
    const got: Uint8Array[] = [];
    for (let at = 0; at < stream.length; ) {
      const n = 1 + Math.floor(rng() * 300);
      got.push(...fd.push(new Uint8Array(stream.subarray(at, at + n))));
      at += n;
    }
    expect(got.length).toBe(msgs.length);
    got.forEach((g, i) => expect(Buffer.from(g).equals(Buffer.from(msgs[i]!))).toBe(true));
    expect(fd.pending).toBe(0);
  });

  it('a bad length poisons the stream once, with OFPBRC_BAD_LEN', () => {
    const fd = new FrameDecoder({ maxMessageLen: 1024 });
    const ok = encode({ type: 'echo_request', xid: 1, data: new Uint8Array(4) }, 'OpenFlow13');
    expect(fd.push(ok.subarray(0, 5))).toEqual([]);
    expect(fd.push(ok.subarray(5))).toHaveLength(1);
    let err: unknown;
    try {
      fd.push(Uint8Array.from([4, 2, 0x08, 0x00, 0, 0, 0, 1]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).error).toBe('OFPBRC_BAD_LEN');
    expect(fd.error).toBe(err);
    expect(fd.push(ok)).toEqual([]);
  });
});
