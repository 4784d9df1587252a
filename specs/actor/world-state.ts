import type { Envelope, NodeId } from './types.ts';

/**
 * The global state an actor protocol compiles to: plain data, canonical by construction
 * (sorted arrays, no empty entries), so equal worlds fingerprint equally.
 */
export interface WorldState {
  /** Each node's local state (a crashed node keeps the state it crashed with). */
  nodes: Record<NodeId, unknown>;
  /** Armed timers per node (nodes without timers are absent); the value is a deadline, 0 when untimed. */
  timers: Record<NodeId, Record<string, number>>;
  /** Crashed nodes, in node order. */
  down: NodeId[];
  /** Messages in flight: a multiset kept sorted (per link in send order when FIFO). */
  net: Envelope[];
  /** One side of the current partition (the side holding the first node); empty when whole. */
  split: NodeId[];
  /** Faults taken so far, for the kinds whose budget is finite. */
  faults: { drops: number; dups: number; crashes: number; partitions: number };
}
