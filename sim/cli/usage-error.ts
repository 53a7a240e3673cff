/** A mistake in how ovsim was called (a missing file, a bad option): printed as one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
