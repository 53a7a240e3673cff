/**
 * Buffers for the frames hosts send, carved out of shared 16 KB ArrayBuffers.
 *
 * A `new Uint8Array(n)` above 64 bytes gets an ArrayBuffer of its own outside the JS
 * heap, which costs several hundred ns to make and to collect: more than the rest of
 * sending a datagram. A view into a slab costs a small heap object. Every frame is a
 * separate, zero-filled region that is never handed out again, so frames stay
 * independent as before; the price is that a frame kept alive keeps its whole slab
 * alive, and that `frame.buffer` is the slab (use `byteOffset`, as for any view).
 */
const SLAB_BYTES = 16 * 1024;
/** Larger frames get a buffer of their own. */
const MAX_CARVED = 2048;

export class FrameSlab {
  #slab = new ArrayBuffer(0);
  #used = 0;

  /** A zero-filled buffer of `len` bytes. */
  alloc(len: number): Uint8Array {
    if (len > MAX_CARVED) return new Uint8Array(len);
    if (this.#used + len > this.#slab.byteLength) {
      this.#slab = new ArrayBuffer(SLAB_BYTES);
      this.#used = 0;
    }
    const frame = new Uint8Array(this.#slab, this.#used, len);
    // 8-byte steps keep every frame aligned for wider views over its bytes.
    this.#used += (len + 7) & ~7;
    return frame;
  }
}

/** The slab every host allocates from (one thread, so one is enough). */
export const frameSlab = new FrameSlab();
