import type { Environment, NodeId, Params } from '../specs/index.ts';

/** What the supervisor tells a node process first (over its IPC channel). */
export interface UdpNodeInit {
  spec: string;
  params: Params;
  environment?: Partial<Environment>;
  node: NodeId;
  /** The node's first sequence number. */
  firstSeq: number;
  /** 0 at start, then 1, 2, … per restart (seeds its random choices). */
  incarnation: number;
  /** True when restarting after a crash: recover from the durable store instead of onStart. */
  recover: boolean;
  /** The durable store's file. */
  store: string;
  /** The node's own log file, appended to line by line (its lines survive a kill). */
  log: string;
  /** The port to bind (a restart binds the port it had), or undefined for any. */
  port?: number;
  /** Every node's port, when known (restarts). */
  ports?: Record<NodeId, number>;
  seed: number;
  tickMs: number;
  untimedTimerTicks: number;
  dropRate: number;
  dupRate: number;
  /** The node's clock offset in ticks (clock skew). */
  offset: number;
}

/** Supervisor → node, after init. */
export type UdpSupervisorMessage = { type: 'peers'; ports: Record<NodeId, number> } | { type: 'go'; /** The run's start, `Date.now()` in the supervisor: every process's log times count from it. */ startEpoch: number } | { type: 'stop' };

/** Node → supervisor. */
export type UdpNodeReply =
  | { type: 'ready'; port: number }
  | { type: 'error'; message: string }
  | { type: 'stopped'; local: unknown };
