/**
 * The error every text parser of ovsim throws for bad input: flows, actions, packets and
 * trace strings. Its message is meant for the user as it stands (as ovs-ofctl words it);
 * the CLI prints it, prefixed with the file and line when it knows them, and exits
 * non-zero. Anything else that escapes a parser is a bug.
 */
export class FlowSyntaxError extends Error {
  override readonly name = 'FlowSyntaxError';
}

