/**
 * The error every packet view and Repr parser throws for malformed or truncated bytes.
 * Its message names the layer and the byte offset (from the start of the buffer handed
 * in), so a reader can find the bad byte in a hex dump.
 */
export class PacketError extends Error {
  override readonly name = 'PacketError';

  constructor(
    readonly layer: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${layer} at offset ${offset}: ${detail}`);
  }
}

/** Throws unless `need` bytes are available at `offset` of a buffer of `len` bytes. */
export function requireBytes(layer: string, len: number, offset: number, need: number): void {
  if (offset < 0 || offset + need > len) {
    const have = Math.max(0, len - offset);
    throw new PacketError(layer, offset, `truncated: need ${need} bytes, have ${have}`);
  }
}
