/**
 * The one error the capture reader and writer throw for bad input or a failed file. Its
 * message names the capture (a path, or the name the caller gave a stream) and, when the
 * fault sits at a place in the bytes, the byte offset from the start of the file, so a
 * user can find it with `xxd -s OFFSET`.
 */
export class PcapError extends Error {
  override readonly name = 'PcapError';

  constructor(
    /** The file path, or the name given for a stream or buffer. */
    readonly file: string,
    /** Byte offset in the capture of the bad header or record; null when not about bytes. */
    readonly offset: number | null,
    readonly detail: string,
  ) {
    super(offset === null ? `${file}: ${detail}` : `${file}: at byte offset ${offset}: ${detail}`);
  }
}

/** Words a Node system error (ENOENT, EACCES...) for a user, without its stack. */
export function describeSystemError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
