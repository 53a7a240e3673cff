/**
 * OVSDB errors as RFC 7047 reports them: a short tag ("constraint violation",
 * "referential integrity violation", …) plus human-readable details. A transaction puts
 * them in its result array as `{"error": tag, "details": text}`; they never escape as
 * exceptions past `Database.transact`.
 */

/** The error tags of RFC 7047 section 4.1.3 and those ovsdb-server adds. */
export type OvsdbErrorTag =
  | 'syntax error'
  | 'unknown column'
  | 'unknown mutator'
  | 'constraint violation'
  | 'referential integrity violation'
  | 'domain error'
  | 'range error'
  | 'timed out'
  | 'not supported'
  | 'aborted'
  | 'not owner'
  | 'resources exhausted'
  | 'duplicate uuid-name'
  | 'duplicate uuid'
  | 'not allowed'
  | 'I/O error';

export class OvsdbError extends Error {
  override readonly name = 'OvsdbError';
  constructor(
    readonly tag: OvsdbErrorTag,
    readonly details: string,
  ) {
    super(`${tag}: ${details}`);
  }

  /** The `<error>` object of RFC 7047. */
  toJson(): { error: string; details: string } {
    return { error: this.tag, details: this.details };
  }
}

/** Shorthand for the common "syntax error" with details. */
export function syntaxError(details: string): OvsdbError {
  return new OvsdbError('syntax error', details);
}
