/** The shape of one ovs-vsctl command: argument counts, allowed options, what it runs. */
import type { VsctlContext } from './context.js';

export interface CommandSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Options it accepts; a trailing `=` means the option takes a value. */
  readonly options: readonly string[];
  /** Whether it may change the database. */
  readonly writes: boolean;
  run(ctx: VsctlContext): void;
  /** After a successful commit (create: print the row's real UUID). */
  post?(ctx: VsctlContext, inserted: ReadonlyMap<string, string>): void;
}
