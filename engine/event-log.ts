/**
 * The event log: what happened, when, as JSON lines.
 *
 * Each component declares its events once, as a catalog mapping event names to payload
 * types with a one-line description (ns-3 declares its trace sources the same way):
 *
 *   export const LINK_EVENTS = {
 *     linkDrop: event<{ link: string; reason: string }>('a frame was dropped on a link'),
 *   } as const;
 *   const log = eventLog.component('link', LINK_EVENTS);
 *   if (log.enabled) log.emit('linkDrop', { link: 's1-h1', reason: 'queue' });
 *
 * The compiler then checks every event name and payload. Each record is one line,
 * `{"t":<virtual ns>,"c":<component>,"e":<event>,...payload}`, with no wall-clock value in
 * it, so the same seed and scenario give a byte-identical log. With no sink the log is
 * disabled: `emit` returns at once, and callers that test `enabled` first do not even
 * build the payload.
 */
import type { Clock } from './time.js';

/** A value that survives JSON.stringify unchanged. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** An event's payload: a flat JSON object. `t`, `c` and `e` are the record's own keys. */
export type Payload = { readonly [k: string]: JsonValue } & { readonly t?: never; readonly c?: never; readonly e?: never };

/** Declares one event: its payload type (compile time only) and when it fires. */
export interface EventType<P extends Payload> {
  readonly doc: string;
  /** Never set; carries P for the type checker. */
  readonly payload?: P;
}

/** Declares an event with payload type P and a one-line description. */
export function event<P extends Payload>(doc: string): EventType<P> {
  return { doc };
}

/** A component's declared events, by name. */
export type EventCatalog = { readonly [name: string]: EventType<Payload> };

/** The payload type an event was declared with. */
export type PayloadOf<E> = E extends EventType<infer P> ? P : never;

/** Where log lines go. */
export interface LogSink {
  write(line: string): void;
}

/** Keeps lines in memory (tests, the viz server). */
export class ArraySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  /** Everything written, one record per line, each ending in a newline. */
  text(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
}

/** Writes lines to anything with `write(string)`, e.g. `fs.createWriteStream(path)`. */
export function streamSink(stream: { write(chunk: string): unknown }): LogSink {
  return { write: (line) => void stream.write(`${line}\n`) };
}

/** One row of the catalog of every declared event, for docs and viewers. */
export interface EventDoc {
  readonly component: string;
  readonly event: string;
  readonly doc: string;
}

export class EventLog {
  readonly #clock: Clock;
  readonly #sink: LogSink | undefined;
  readonly #docs: EventDoc[] = [];

  /** A log stamping records with `clock`'s time; without a sink it is disabled. */
  constructor(clock: Clock, sink?: LogSink) {
    this.#clock = clock;
    this.#sink = sink;
  }

  get enabled(): boolean {
    return this.#sink !== undefined;
  }

  /** The typed emitter for one component's declared events. */
  component<C extends EventCatalog>(name: string, catalog: C): ComponentLog<C> {
    for (const [ev, type] of Object.entries(catalog)) {
      if (!this.#docs.some((d) => d.component === name && d.event === ev)) this.#docs.push({ component: name, event: ev, doc: type.doc });
    }
    return new ComponentLog(name, this.#clock, this.#sink);
  }

  /** Every event declared by the components registered so far. */
  catalog(): readonly EventDoc[] {
    return this.#docs;
  }
}

/** Emits one component's events; obtained from `EventLog.component`. */
export class ComponentLog<C extends EventCatalog> {
  /** False when nothing listens: skip building payloads. */
  readonly enabled: boolean;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #sink: LogSink | undefined;

  constructor(name: string, clock: Clock, sink: LogSink | undefined) {
    this.enabled = sink !== undefined;
    this.#prefix = `,"c":${JSON.stringify(name)},"e":`;
    this.#clock = clock;
    this.#sink = sink;
  }

  emit<K extends keyof C & string>(event: K, payload: PayloadOf<C[K]>): void {
    if (this.#sink === undefined) return;
    const body = JSON.stringify(payload);
    const rest = body.length > 2 ? `,${body.slice(1)}` : '}';
    this.#sink.write(`{"t":${this.#clock.now()}${this.#prefix}${JSON.stringify(event)}${rest}`);
  }
}

/** A log that records nothing, for components built without one. */
export function disabledLog<C extends EventCatalog>(name: string, clock: Clock, _catalog: C): ComponentLog<C> {
  return new ComponentLog<C>(name, clock, undefined);
}
