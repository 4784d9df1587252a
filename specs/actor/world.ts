import type { Environment } from './environment.ts';
import type { Topology } from './topology.ts';
import type { Envelope, Message, MessageOfType, NodeId, RoleName } from './types.ts';
import type { WorldState } from './world-state.ts';

/** The ids of a protocol's nodes, as far as types know them: `role` or `role-…`. */
export type NodeIdOf<L> = { [R in RoleName<L>]: R | `${R}-${string}` }[RoleName<L>];

/** The local state type of the node with id `K`: that of its role (`acceptor-2` → `L['acceptor']`). */
export type LocalOfNode<L, K extends string> = { [R in RoleName<L>]: K extends R | `${R}-${string}` ? L[R] : never }[RoleName<L>];

/**
 * What properties see: short questions about one global state. `L` maps each role to its
 * nodes' local state and `M` is the union of messages (both inferred by `protocol`).
 */
export class World<L = any, M extends Message = Message> {
  constructor(
    /** The raw global state. */
    readonly state: WorldState,
    private readonly topology: Topology,
    /** The environment in force (e.g. whether crashed nodes may recover). */
    readonly environment: Environment,
  ) {}

  /**
   * The local state of node `id`, typed by its role when `id` is a literal (`'acceptor-1'`);
   * `w.node<T>(id)` for an id computed at run time (else the union of the roles' states).
   */
  node<K extends NodeIdOf<L>>(id: K): LocalOfNode<L, K>;
  node<T = L[keyof L]>(id: NodeId): T;
  node(id: NodeId): unknown {
    if (!(id in this.state.nodes)) throw new Error(`no node "${id}" (nodes: ${this.topology.ids.join(', ')})`);
    return this.state.nodes[id];
  }

  /** The local states of every node of `role`, crashed ones included, in node order. */
  nodes<R extends RoleName<L>>(role: R): L[R][];
  nodes<T>(role: RoleName<L>): T[];
  nodes(role: string): unknown[] {
    return this.ids(role as RoleName<L>).map((id) => this.state.nodes[id]);
  }

  /** The ids of the nodes of `role`, or of every node. */
  ids(role?: RoleName<L>): NodeId[] {
    if (role === undefined) return this.topology.ids;
    const ids = this.topology.byRole.get(role);
    if (!ids) throw new Error(`no role "${role}"`);
    return ids;
  }

  /** Messages in flight, optionally only those of one type. */
  inFlight(): Envelope<M>[];
  inFlight<K extends M['type']>(type: K): Envelope<MessageOfType<M, K>>[];
  inFlight<T extends Message>(type?: string): Envelope<T>[];
  inFlight(type?: string): Envelope[] {
    const net = this.state.net;
    return type === undefined ? net : net.filter((e) => e.msg.type === type);
  }

  /** True when node `id` is crashed. */
  crashed(id: NodeId): boolean {
    return this.state.down.includes(id);
  }

  /** True when node `id` is running. */
  live(id: NodeId): boolean {
    return !this.crashed(id);
  }

  /** The timers armed at node `id`. */
  timers(id: NodeId): string[] {
    return Object.keys(this.state.timers[id] ?? {}).sort();
  }
}
