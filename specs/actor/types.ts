import type { Params } from '../model.ts';
import type { Environment } from './environment.ts';
import type { World } from './world.ts';
import type { ConsensusDeclaration, LivenessProperty } from './liveness.ts';

/** A node's id: the role name for a single node (`coordinator`), else `role-i` (`participant-2`). */
export type NodeId = string;

/** A message: plain data with a `type` naming the handler that receives it. */
export interface Message {
  type: string;
}

/** A message in flight. */
export interface Envelope<M extends Message = Message> {
  from: NodeId;
  to: NodeId;
  msg: M;
  /** Ticks in flight, when the environment bounds message delay. */
  age?: number;
}

/** What a handler may do besides changing its own state. */
export interface Context<M extends Message = Message> {
  /** This node's id. */
  readonly self: NodeId;
  /** This node's role. */
  readonly role: string;
  /** This node's index within its role, from 1. */
  readonly index: number;
  /** The sender of the message being handled (undefined outside message handlers). */
  readonly sender: NodeId | undefined;
  /** Sends `msg` to node `to`. A message to a crashed node is lost. */
  send(to: NodeId, msg: M): void;
  /** Sends `msg` to every node of `role` except this one. */
  broadcast(role: string, msg: M): void;
  /** Sends `msg` to the sender of the message being handled. */
  reply(msg: M): void;
  /**
   * Arms timer `name`. Without `delay` it may fire at any moment; with `delay` it fires once
   * this node's local clock reaches now() + delay (needs clocks). Re-arming resets it.
   */
  setTimer(name: string, delay?: number): void;
  /** Disarms timer `name`. */
  cancelTimer(name: string): void;
  /** This node's local clock: global time plus its offset (needs clocks). */
  now(): number;
  /**
   * Records that this node, as a client, invoked operation `input` (for history properties
   * such as linearizability). A node has at most one operation in flight.
   */
  invoke(input: unknown): void;
  /** Records the response to this node's operation in flight. */
  respond(input: unknown, output: unknown): void;
  /** Nondeterministic choice: the checker explores every option. No options: this branch does not happen. */
  choose<T>(options: readonly T[]): T;
  /** The ids of the nodes of `role`, this one excluded. */
  peers(role: string): NodeId[];
  /** The ids of every node of `role`. */
  nodes(role: string): NodeId[];
}

/** Who a node is: what an initial local state may depend on. */
export interface NodeInfo {
  self: NodeId;
  role: string;
  index: number;
}

/** The initial local state of a node: plain data, or a function of who the node is. */
export type LocalInit = ((node: NodeInfo) => unknown) | object | string | number | boolean | null;

/** A role: what every node of it starts with and how it reacts. */
export interface RoleDefinition<L = any, M extends Message = Message> {
  /** The initial local state. */
  init: LocalInit;
  /** Fields that survive a crash; everything else restarts from `init` on recovery. */
  persistent?: readonly (keyof L & string)[];
  /** Runs once for every node, in node order, to build the initial states. */
  onStart?: (state: L, ctx: Context<M>) => L | void;
  /** One handler per message type this role receives. */
  on?: { [type: string]: (state: L, msg: any, ctx: Context<M>) => L | void };
  /** One handler per timer name. */
  timers?: { [name: string]: (state: L, ctx: Context<M>) => L | void };
  /** False for nodes whose time never matters (no skew is chosen for them); default true. */
  clock?: boolean;
  /** Runs when a crashed node recovers, after its volatile state was reset. */
  onRecover?: (state: L, ctx: Context<M>) => L | void;
}

/** Per role, a count of nodes or the list of their names. */
export type NodeCounts = Record<string, number | readonly string[]>;

/** A property over the world. */
export type WorldPredicate = (world: World) => boolean;

/** A protocol: roles, their counts, and the properties of the world. */
export interface ProtocolDefinition<M extends Message = Message> {
  /** A short name for headers and traces. */
  name: string;
  /** How many nodes of each role, or their names (order: roles in this order, then by index). */
  nodes: NodeCounts | ((params: Params) => NodeCounts);
  /** The roles. */
  roles: Record<string, RoleDefinition<any, M>>;
  /** Must hold in every reachable state. */
  invariants?: Record<string, WorldPredicate>;
  /** Must hold in every quiescent state: nothing but faults enabled (how blocking is expressed). */
  terminal?: Record<string, WorldPredicate>;
  /** TLC's CONSTRAINT over the world: a state where it is false is checked but not expanded. */
  constraint?: WorldPredicate;
  /** The environment's defaults for this protocol; CLI flags override them. */
  environment?: Partial<Environment>;
  /** `eventually(p)` / `leadsTo(p, q)` over the world, checked under weak fairness (lasso counterexamples). */
  liveness?: Record<string, LivenessProperty<World>>;
  /** For `faultline flp`: each node's decision (and input) in a consensus protocol. */
  consensus?: ConsensusDeclaration;
  /**
   * Roles whose nodes are interchangeable (symmetry reduction, like TLC's SYMMETRY over model
   * values): exhaustive searches count a world once per renaming of these nodes within their
   * roles. Their ids are renamed wherever they appear as strings, in local state, messages
   * and history. Sound only if the protocol treats those ids as opaque names: no handler
   * depends on `ctx.index` or on an id's place in the role's node order, no state is indexed
   * by node position, the ids never double as ordinary strings, and every invariant and
   * terminal property gives the same answer for renamed worlds. None of this is checked.
   * Keep sets of ids as objects keyed by id: a list kept in node order is renamed in place,
   * out of node order, so fewer worlds merge.
   */
  symmetric?: readonly string[];
}
