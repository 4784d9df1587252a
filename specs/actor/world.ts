import type { Environment } from './environment.ts';
import type { Topology } from './topology.ts';
import type { Envelope, Message, NodeId } from './types.ts';
import type { WorldState } from './world-state.ts';

/** What properties see: short questions about one global state. */
export class World {
  constructor(
    /** The raw global state. */
    readonly state: WorldState,
    private readonly topology: Topology,
    /** The environment in force (e.g. whether crashed nodes may recover). */
    readonly environment: Environment,
  ) {}

  /** The local state of node `id`. */
  node<L = any>(id: NodeId): L {
    if (!(id in this.state.nodes)) throw new Error(`no node "${id}" (nodes: ${this.topology.ids.join(', ')})`);
    return this.state.nodes[id] as L;
  }

  /** The local states of every node of `role`, crashed ones included, in node order. */
  nodes<L = any>(role: string): L[] {
    return this.ids(role).map((id) => this.state.nodes[id] as L);
  }

  /** The ids of the nodes of `role`, or of every node. */
  ids(role?: string): NodeId[] {
    if (role === undefined) return this.topology.ids;
    const ids = this.topology.byRole.get(role);
    if (!ids) throw new Error(`no role "${role}"`);
    return ids;
  }

  /** Messages in flight, optionally only those of one type. */
  inFlight<M extends Message = Message>(type?: string): Envelope<M>[] {
    const net = this.state.net as Envelope<M>[];
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
