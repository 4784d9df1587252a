import type { NodeId } from '../specs/index.ts';

/** The version of the JSON-lines run log this faultline writes and reads. */
export const LOG_VERSION = 1;

/** The first line of a run log: what ran, how. */
export interface RunHeader {
  v: typeof LOG_VERSION;
  kind: 'run';
  /** The protocol's name (`TwoPhaseCommit(n=2)`). */
  protocol: string;
  /** The spec file as given to `faultline run`, when run from a file. */
  spec?: string;
  /** The spec's parameters. */
  params: Record<string, unknown>;
  /** Every node, in node order. */
  nodes: NodeId[];
  transport: string;
  /** Milliseconds per model tick (timers and `now()`). */
  tickMs: number;
  seed: number;
  dropRate: number;
  dupRate: number;
  /** The clock skew bound in ticks, when the run skewed its nodes' clocks (each node's offset is within ±skew; the offsets themselves are not logged). */
  skew?: number;
}

/** Fields every event line carries. */
interface EventBase {
  v: typeof LOG_VERSION;
  /** The node the event happened at (for drops and duplicates: the sender, whose transport decided them). */
  node: NodeId;
  /** The node's local sequence number: 1, 2, 3, … across crashes and restarts. */
  seq: number;
  /** Milliseconds since the run started (wall clock; used only to prefer an order when merging). */
  t: number;
}

/** A handler ran: the node's local state (or a projection of it) and armed timers after it. */
interface HandlerEventBase extends EventBase {
  /** The node's local state after the event; fields left out are not compared (a projection). */
  state?: Record<string, unknown> | unknown;
  /** The names of the timers armed afterwards, sorted. */
  timers?: string[];
  /** The values picked by `choose`, in order. */
  chose?: unknown[];
  /** The node's local clock in ticks when the handler ran (timed protocols). */
  now?: number;
}

/** One event of a run log. Effects (send, invoke, respond) follow the handler event that made them. */
export type LogEvent =
  | (HandlerEventBase & { kind: 'start' })
  | (HandlerEventBase & { kind: 'deliver'; from: NodeId; msg: { type: string }; mid?: string })
  | (HandlerEventBase & { kind: 'timer'; timer: string })
  | (HandlerEventBase & { kind: 'recover' })
  | (EventBase & { kind: 'crash' })
  | (EventBase & { kind: 'send'; to: NodeId; msg: { type: string }; mid: string })
  | (EventBase & { kind: 'drop' | 'duplicate'; to: NodeId; msg: { type: string }; mid?: string })
  | (EventBase & { kind: 'invoke'; input: unknown })
  | (EventBase & { kind: 'respond'; output: unknown });

/** The kinds of handler events: each may be followed by its effects. */
export const HANDLER_KINDS = ['start', 'deliver', 'timer', 'recover'] as const;

/** The kinds of effect lines: they belong to the handler event before them at their node. */
export const EFFECT_KINDS = ['send', 'invoke', 'respond'] as const;

/** Every kind of event line. */
export const EVENT_KINDS = [...HANDLER_KINDS, ...EFFECT_KINDS, 'crash', 'drop', 'duplicate'] as const;

/** One line of JSON for an event or header (no newline). */
export function formatLogLine(entry: LogEvent | RunHeader): string {
  return JSON.stringify(entry);
}
