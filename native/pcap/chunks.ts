/**
 * Exact-length reads over the chunks a Readable yields, for the streaming reader. Only
 * what the decoder has not consumed yet is held, so memory stays near one record plus
 * one chunk whatever the size of the capture.
 */
import type { Readable } from 'node:stream';
import { describeSystemError, PcapError } from './error.js';

export class ChunkReader {
  readonly #name: string;
  readonly #iterator: AsyncIterator<unknown>;
  #chunks: Uint8Array[] = [];
  /** Bytes of #chunks[0] already consumed. */
  #head = 0;
  #buffered = 0;
  #ended = false;

  constructor(stream: Readable, name: string) {
    this.#name = name;
    this.#iterator = stream[Symbol.asyncIterator]();
  }

  /** Exactly `length` fresh bytes, or fewer only when the stream has ended. */
  async read(length: number): Promise<Uint8Array> {
    while (this.#buffered < length && !this.#ended) await this.#pull();
    const out = new Uint8Array(Math.min(length, this.#buffered));
    let filled = 0;
    while (filled < out.length) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(chunk.length - this.#head, out.length - filled);
      out.set(chunk.subarray(this.#head, this.#head + take), filled);
      filled += take;
      this.#head += take;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    this.#buffered -= out.length;
    return out;
  }

  /** Stops the stream (destroying it) when the reader is left early or fails. */
  async close(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      await this.#iterator.return?.();
    }
  }

  async #pull(): Promise<void> {
    let next: IteratorResult<unknown>;
    try {
      next = await this.#iterator.next();
    } catch (err) {
      this.#ended = true;
      throw new PcapError(this.#name, null, `cannot read: ${describeSystemError(err)}`);
    }
    if (next.done === true) {
      this.#ended = true;
      return;
    }
    const chunk = next.value;
    if (!(chunk instanceof Uint8Array)) {
      throw new PcapError(this.#name, null, 'the stream yields text, not bytes: open it without an encoding');
    }
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
  }
}
