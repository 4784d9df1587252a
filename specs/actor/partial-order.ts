import type { Model } from '../model.ts';
import type { PartialOrderModel, PartialOrderSession } from '../partial-order.ts';
import type { Environment } from './environment.ts';
import type { Topology } from './topology.ts';
import type { NodeId } from './types.ts';
import { World } from './world.ts';
import type { WorldState } from './world-state.ts';
import type { ActorAction } from './protocol.ts';

/** What the actor layer hands over to build partial-order sessions. */
export interface ActorPartialOrderParts {
  topology: Topology;
  environment: Environment;
  /** The compiled model (its invariants and goals are replaced by tracked ones in a session). */
  model: Model<WorldState, ActorAction>;
  /** The protocol's invariants, reachability goals and terminal properties, over the world. */
  invariants: Record<string, (w: World) => boolean>;
  reachable: Record<string, (w: World) => boolean> | undefined;
  terminal: Record<string, (w: World) => boolean>;
  quiescent(w: WorldState): boolean;
  /** Roles whose nodes symmetry reduction treats as interchangeable (empty when it is off). */
  symmetricRoles: readonly string[];
}

/**
 * A World that records which locations (see specs/partial-order.ts) a property reads: local
 * states are handed out behind a proxy that records each field read; the raw `state` is
 * everything.
 */
class TrackedWorld extends World {
  private readonly raw: WorldState;
  private readonly proxies = new Map<NodeId, unknown>();

  constructor(
    state: WorldState,
    topology: Topology,
    environment: Environment,
    private readonly record: (location: string) => void,
    private readonly at: (id: NodeId) => string,
  ) {
    super(state, topology, environment);
    this.raw = state;
    Object.defineProperty(this, 'state', {
      get: () => {
        record('*');
        return state;
      },
      enumerable: true,
    });
  }

  override node(id: NodeId): any {
    if (!(id in this.raw.nodes)) return super.node(id); // the error names the nodes
    return this.local(id);
  }

  override nodes(role: string): any[] {
    return this.ids(role as never).map((id) => this.local(id));
  }

  override inFlight(type?: string): any[] {
    this.record('net');
    const net = this.raw.net;
    return type === undefined ? net : net.filter((e) => e.msg.type === type);
  }

  override crashed(id: NodeId): boolean {
    this.record('down');
    return this.raw.down.includes(id);
  }

  override timers(id: NodeId): string[] {
    this.record(`timers:${this.at(id)}`);
    return Object.keys(this.raw.timers[id] ?? {}).sort();
  }

  private local(id: NodeId): unknown {
    const cached = this.proxies.get(id);
    if (cached !== undefined) return cached;
    const value = this.raw.nodes[id];
    const group = `node:${this.at(id)}\t`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.record(`${group}*`);
      return value;
    }
    const record = this.record;
    const all = (): void => record(`${group}*`);
    const proxy = new Proxy(value as object, {
      get(target, key, receiver) {
        if (typeof key === 'string') record(group + key);
        else all();
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        if (typeof key === 'string') record(group + key);
        else all();
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        all();
        return Reflect.ownKeys(target);
      },
      getOwnPropertyDescriptor(target, key) {
        if (typeof key === 'string') record(group + key);
        else all();
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    this.proxies.set(id, proxy);
    return proxy;
  }
}

/** The partial-order support of an untimed, unconstrained actor protocol. */
export function actorPartialOrder(parts: ActorPartialOrderParts): PartialOrderModel<WorldState, ActorAction> {
  const { topology, environment } = parts;
  const symmetric = new Set(parts.symmetricRoles);
  const roleOf = (id: NodeId): string => topology.node.get(id)!.role;
  /** A node's name in locations: its role's, when the role is symmetric under reduction. */
  const at = (id: NodeId): string => (symmetric.has(roleOf(id)) ? `@${roleOf(id)}` : id);

  return {
    session(): PartialOrderSession<WorldState, ActorAction> {
      const read: string[] = [];
      const seen = new Set<string>();
      const record = (location: string): void => {
        if (seen.has(location)) return;
        seen.add(location);
        read.push(location);
      };
      const world = (w: WorldState): World => new TrackedWorld(w, topology, environment, record, at);
      const plain = (w: WorldState): World => new World(w, topology, environment);
      const invariants = {
        ...Object.fromEntries(Object.entries(parts.invariants).map(([name, p]) => [name, (w: WorldState) => p(world(w))])),
        ...Object.fromEntries(Object.entries(parts.terminal).map(([name, p]) => [name, (w: WorldState) => !parts.quiescent(w) || p(plain(w))])),
      };
      const reachable = parts.reachable && Object.fromEntries(Object.entries(parts.reachable).map(([name, p]) => [name, (w: WorldState) => p(world(w))]));
      const model: Model<WorldState, ActorAction> = { ...parts.model, invariants, ...(reachable ? { reachable } : {}) };
      delete model.partialOrder;

      return {
        model,
        read,
        process: (a) => (a.kind === 'deliver' ? a.envelope.to : a.kind === 'timer' ? a.node : undefined),
        step(w, a) {
          const node = a.kind === 'deliver' ? a.envelope.to : (a as { node: NodeId }).node;
          const role = roleOf(node);
          const trigger = a.kind === 'deliver' ? `${role}|msg:${a.envelope.msg.type}` : `${role}|timer:${(a as { timer: string }).timer}`;
          const after = a.result;
          const causes: string[] = [];
          if (after.net !== w.net) {
            const before = new Set(w.net);
            for (const e of after.net) if (!before.has(e)) causes.push(`${roleOf(e.to)}|msg:${e.msg.type}`);
          }
          for (const timer in after.timers[node] ?? {}) causes.push(`${role}|timer:${timer}`);
          const writes: string[] = [];
          const was = w.nodes[node];
          const is = after.nodes[node];
          if (was !== is) {
            const group = `node:${at(node)}\t`;
            if (was === null || is === null || typeof was !== 'object' || typeof is !== 'object' || Array.isArray(was) || Array.isArray(is)) writes.push(`${group}*`);
            else {
              const a0 = was as Record<string, unknown>;
              const b0 = is as Record<string, unknown>;
              for (const k in a0) if (!Object.is(a0[k], b0[k]) || !(k in b0)) writes.push(group + k);
              for (const k in b0) if (!(k in a0)) writes.push(group + k);
            }
          }
          if (after.timers[node] !== w.timers[node]) writes.push(`timers:${at(node)}`);
          if (after.net !== w.net) writes.push('net');
          if (after.history !== w.history) writes.push('history');
          if (after.down !== w.down || after.split !== w.split || after.clock !== w.clock || after.faults !== w.faults) writes.push('*');
          for (const id in after.nodes) if (id !== node && after.nodes[id] !== w.nodes[id]) writes.push('*');
          for (const id in after.timers) if (id !== node && after.timers[id] !== w.timers[id]) writes.push('*');
          return { trigger, causes, writes };
        },
        *pending(w, except) {
          for (const e of w.net) if (e.to !== except) yield `${roleOf(e.to)}|msg:${e.msg.type}`;
          for (const id in w.timers) {
            if (id === except || w.down.includes(id)) continue;
            for (const timer in w.timers[id]) yield `${roleOf(id)}|timer:${timer}`;
          }
        },
        reaches: (trigger, process) => trigger.startsWith(`${roleOf(process)}|msg:`),
      };
    },
  };
}
