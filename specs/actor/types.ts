import type { Params } from '../model.ts';
import type { Environment } from './environment.ts';
import type { World } from './world.ts';
import type { ConsensusDeclaration, LivenessProperty } from './liveness.ts';
import type { GeneralsDeclaration } from './generals.ts';

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

/**
 * The message of type `K` in the union `M` (`Extract<M, { type: K }>`, also for members whose
 * `type` is itself a union). For an untyped protocol (`M` is {@link Message}) it is `any`.
 */
export type MessageOfType<M extends Message, K extends string> = string extends M['type']
  ? any
  : M extends { type: infer T } ? (K extends T ? M : never) : never;

/** The role names of a protocol whose roles' local states are `L` (any string when untyped). */
export type RoleName<L> = keyof L & string;

/** What a handler may do besides changing its own state. */
export interface Context<M extends Message = Message, R extends string = string> {
  /** This node's id. */
  readonly self: NodeId;
  /** This node's role. */
  readonly role: R;
  /** This node's index within its role, from 1. */
  readonly index: number;
  /** The sender of the message being handled (undefined outside message handlers). */
  readonly sender: NodeId | undefined;
  /** Sends `msg` to node `to`. A message to a crashed node is lost. */
  send(to: NodeId, msg: M): void;
  /** Sends `msg` to every node of `role` except this one. */
  broadcast(role: R, msg: M): void;
  /** Sends `msg` to the sender of the message being handled (message handlers only). */
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
  peers(role: R): NodeId[];
  /** The ids of every node of `role`. */
  nodes(role: R): NodeId[];
}

/** The context of a message handler: the sender is known. */
export interface MessageContext<M extends Message = Message, R extends string = string> extends Context<M, R> {
  /** The sender of the message being handled. */
  readonly sender: NodeId;
}

/** Who a node is: what an initial local state may depend on. */
export interface NodeInfo {
  self: NodeId;
  role: string;
  index: number;
}

/** The initial local state of a node: plain data, or a function of who the node is. */
export type LocalInit<L = unknown> = L | ((node: NodeInfo) => L);

/** What a handler returns: nothing (it mutated its draft) or the node's new state. */
export type HandlerResult<L> = NoInfer<L> | void;

/**
 * A role: what every node of it starts with and how it reacts. `L` is its nodes' local
 * state (inferred from `init`), `M` the protocol's messages, `R` its role names.
 */
export interface RoleDefinition<L = any, M extends Message = Message, R extends string = string> {
  /**
   * The initial local state, or a function of the node (`(node: NodeInfo) => …`; annotate
   * its parameter, or declare the type with a return annotation `(): State => ({ … })`).
   */
  init: LocalInit<L>;
  /** Fields that survive a crash; everything else restarts from `init` on recovery. */
  persistent?: readonly NoInfer<keyof L & string>[];
  /** Runs once for every node, in node order, to build the initial states. */
  onStart?: (state: NoInfer<L>, ctx: Context<M, R>) => HandlerResult<L>;
  /** One handler per message type this role receives; `msg` is the message of that type. */
  on?: { [K in M['type']]?: (state: NoInfer<L>, msg: MessageOfType<M, K>, ctx: MessageContext<M, R>) => HandlerResult<L> };
  /** One handler per timer name. */
  timers?: { [name: string]: (state: NoInfer<L>, ctx: Context<M, R>) => HandlerResult<L> };
  /** False for nodes whose time never matters (no skew is chosen for them); default true. */
  clock?: boolean;
  /** Runs when a crashed node recovers, after its volatile state was reset. */
  onRecover?: (state: NoInfer<L>, ctx: Context<M, R>) => HandlerResult<L>;
}

/** Per role, a count of nodes or the list of their names. */
export type NodeCounts = Record<string, number | readonly string[]>;

/** `eventually` and `leadsTo` fixed to one type, so a predicate's parameter is typed without annotation. */
export interface Temporal<T> {
  eventually(goal: (value: T) => boolean): LivenessProperty<T>;
  leadsTo(p: (value: T) => boolean, q: (value: T) => boolean): LivenessProperty<T>;
}

/** A property over the world. */
export type WorldPredicate<L = any, M extends Message = Message> = (world: World<L, M>) => boolean;

/** Per role of `L`, a count of nodes or the list of their names. */
export type RoleCounts<L> = { [R in keyof L]?: number | readonly string[] };

/**
 * A protocol: roles, their counts, and the properties of the world. `M` is the union of its
 * messages; `L` maps each role to its nodes' local state (inferred from the roles' `init`).
 */
export interface ProtocolDefinition<M extends Message = Message, L = any> {
  /** A short name for headers and traces. */
  name: string;
  /**
   * The protocol's message types (optional): then every `on` key must be one of them and
   * every message sent must be of one of them, checked when the protocol is built (for
   * plain-JavaScript specs; TypeScript checks `M` at compile time).
   */
  messages?: readonly NoInfer<M['type']>[];
  /** How many nodes of each role, or their names (order: roles in this order, then by index). */
  nodes: NoInfer<RoleCounts<L>> | ((params: Params) => NoInfer<RoleCounts<L>>);
  /** The roles: each role's local state type is inferred from its `init`. */
  roles: { [R in keyof L]: RoleDefinition<L[R], M, RoleName<L>> };
  /** Must hold in every reachable state. */
  invariants?: Record<string, WorldPredicate<NoInfer<L>, M>>;
  /** Must hold in every quiescent state: nothing but faults enabled (how blocking is expressed). */
  terminal?: Record<string, WorldPredicate<NoInfer<L>, M>>;
  /**
   * Reachability goals ("sometimes"): each must hold in some reachable world, or a complete
   * search fails with "never reached" — the proof that a pass is not vacuous (a value is
   * chosen, a leader is elected). A reached goal has a witness trace.
   */
  reachable?: Record<string, WorldPredicate<NoInfer<L>, M>>;
  /** TLC's CONSTRAINT over the world: a state where it is false is checked but not expanded. */
  constraint?: WorldPredicate<NoInfer<L>, M>;
  /** The environment's defaults for this protocol; CLI flags override them. */
  environment?: Partial<Environment>;
  /**
   * `eventually(p)` / `leadsTo(p, q)` over the world, checked under weak fairness (lasso
   * counterexamples). Write `liveness: ({ eventually, leadsTo }) => ({ Name: eventually((w) => …) })`
   * for a world typed like the invariants'; in the plain record form
   * (`{ Name: eventually((w) => …) }`) node states are untyped (`w.node<T>(id)`), because
   * TypeScript types a generic call nested here before it has inferred the roles' states.
   */
  liveness?: Record<string, LivenessProperty<World<any, M>>> | ((temporal: Temporal<World<NoInfer<L>, M>>) => Record<string, LivenessProperty<World<NoInfer<L>, M>>>);
  /** For `faultline flp`: each node's decision (and input) in a consensus protocol. */
  consensus?: ConsensusDeclaration<NoInfer<L[keyof L]>>;
  /** For `faultline generals`: the two nodes that must agree over a lossy link, what each does, and the property saying they agree. */
  generals?: GeneralsDeclaration<NoInfer<L[keyof L]>>;
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
  symmetric?: readonly NoInfer<RoleName<L>>[];
}
