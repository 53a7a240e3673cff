/**
 * How a trace result of ovsim is compared with real OVS's.
 *
 * Datapath actions are compared after canonicalisation: OVS emits the outputs of NORMAL,
 * FLOOD and ALL in hash order, which changes from run to run, so within each run of
 * consecutive plain output ports the order is ignored; and the recirc_id inside a
 * controller userspace action is an id OVS allocates from sandbox history, so it is
 * masked. Megaflows are compared as text, exactly.
 */

/** Splits on commas that are not inside parentheses. */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const RECIRC_IN_CONTROLLER = /(controller\([^)]*?recirc_id=)(\d+)/g;

/** Datapath actions in a form where equal behaviour gives equal text. */
export function canonActions(actions: string | null): string | null {
  if (actions === null) return null;
  const masked = actions.replace(RECIRC_IN_CONTROLLER, '$1X');
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    out.push(...run.sort((a, b) => Number(a) - Number(b)));
    run = [];
  };
  for (const t of splitTop(masked)) {
    if (/^\d+$/.test(t)) {
      run.push(t);
      continue;
    }
    flush();
    out.push(t);
  }
  flush();
  return out.join(',');
}

export interface TraceSides {
  readonly megaflow: string | null;
  readonly actions: string | null;
  readonly error: string | null;
}

export interface TraceVerdict {
  readonly actionsEqual: boolean;
  readonly megaflowEqual: boolean;
}

/**
 * Compares one trace. A trace both sides refuse (bad trace string) counts as equal; one
 * refused by a single side is a mismatch of both actions and megaflow.
 */
export function compareTrace(ovs: TraceSides, sim: TraceSides): TraceVerdict {
  const ovsFailed = ovs.error !== null;
  const simFailed = sim.error !== null;
  if (ovsFailed || simFailed) {
    const same = ovsFailed && simFailed;
    return { actionsEqual: same, megaflowEqual: same };
  }
  return {
    actionsEqual: canonActions(ovs.actions) === canonActions(sim.actions),
    megaflowEqual: ovs.megaflow === sim.megaflow,
  };
}
