import type { BudgetedFault } from './faults.ts';
import type { Envelope, NodeId } from './types.ts';

/**
 * The global state an actor protocol compiles to: plain data, canonical by construction
 * (sorted arrays, no empty entries), so equal worlds fingerprint equally.
 */
export interface WorldState {
  /** Each node's local state (a crashed node keeps the state it crashed with). */
  nodes: Record<NodeId, unknown>;
  /** Armed timers per node (nodes without timers are absent): a local-clock deadline, or `true` when untimed. */
  timers: Record<NodeId, Record<string, number | true>>;
  /** Crashed nodes, in node order. */
  down: NodeId[];
  /** Messages in flight: a multiset kept sorted (per link in send order when FIFO). */
  net: Envelope[];
  /** One side of the current partition (the side holding the first node); empty when whole. */
  split: NodeId[];
  /** Global time and each clocked node's offset (absent when untimed; offsets absent without skew). */
  clock?: { t: number; offsets?: Record<NodeId, number> };
  /** Client operations as they happened (absent until a handler calls `ctx.invoke`). */
  history?: HistoryEvent[];
  /** Faults taken so far, only for the kinds with a finite, non-zero budget. */
  faults: Partial<Record<BudgetedFault, number>>;
}

/** One event of a client history: an operation invoked, or its response. */
export type HistoryEvent =
  | { kind: 'invoke'; client: NodeId; input: unknown }
  | { kind: 'respond'; client: NodeId; output: unknown };
