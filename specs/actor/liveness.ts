/**
 * Liveness for the actor DSL and the kernel: `eventually(p)` and `leadsTo(p, q)` (checked
 * under weak fairness, counterexamples are lassos), the weak fairness of an actor protocol,
 * and the consensus declaration `faultline flp` reads.
 */
import { canonicalJson } from '../canonical.ts';
import { faultStep } from './faults.ts';
import type { ActorAction } from './protocol.ts';
import type { Topology } from './topology.ts';
import type { NodeId } from './types.ts';
import type { WorldState } from './world-state.ts';

/**
 * A liveness property over values of type T (a World in a protocol, a state in a kernel
 * model). `eventually(q)`: every fair run reaches a q-state. `leadsTo(p, q)`: from every
 * p-state, every fair run reaches a q-state (p ~> q, i.e. [](p => <>q)).
 */
export type LivenessProperty<T> =
  | { kind: 'eventually'; goal: (value: T) => boolean }
  | { kind: 'leadsTo'; trigger: (value: T) => boolean; goal: (value: T) => boolean };

/** `<>goal`: every fair run eventually reaches a state where `goal` holds. */
export function eventually<T>(goal: (value: T) => boolean): LivenessProperty<T> {
  return { kind: 'eventually', goal };
}

/** `p ~> q`: whenever `p` holds, every fair run from there eventually reaches a state where `q` holds. */
export function leadsTo<T>(p: (value: T) => boolean, q: (value: T) => boolean): LivenessProperty<T> {
  return { kind: 'leadsTo', trigger: p, goal: q };
}

/** The same property over another type: `view` turns the new type into the old one. */
export function mapLiveness<T, U>(property: LivenessProperty<T>, view: (value: U) => T): LivenessProperty<U> {
  return property.kind === 'eventually'
    ? { kind: 'eventually', goal: (u) => property.goal(view(u)) }
    : { kind: 'leadsTo', trigger: (u) => property.trigger(view(u)), goal: (u) => property.goal(view(u)) };
}

/**
 * Weak fairness of an actor protocol: a message in flight to a live node is eventually
 * delivered (or dropped, while the drop budget lasts: a drop discharges the delivery but
 * is never forced); an enabled timer of a live node eventually fires; time eventually
 * advances (no Zeno runs); a partition eventually heals. Duplicates, crashes, recoveries
 * and partitions are faults: never forced. Crashed nodes take no steps (the model enables
 * none), so nothing is owed to them.
 */
export const actorFairness = {
  fair(a: ActorAction): string | undefined {
    switch (a.kind) {
      case 'deliver':
        return `deliver ${messageKey(a.envelope)}`;
      case 'timer':
        return `timer ${a.node} ${a.timer}`;
      case 'tick':
        return 'tick';
      default:
        return faultStep(a.kind)?.fairness === 'fair' ? a.kind : undefined;
    }
  },
  fulfils(a: ActorAction): string | undefined {
    return 'envelope' in a && faultStep(a.kind)?.fairness === 'discharges-delivery' ? `deliver ${messageKey(a.envelope)}` : actorFairness.fair(a);
  },
  owner(a: ActorAction): string | undefined {
    return actingNode(a);
  },
};

function messageKey(e: { from: NodeId; to: NodeId; msg: unknown }): string {
  return canonicalJson({ from: e.from, to: e.to, msg: e.msg });
}

/** The node whose step an action is: the receiver of a delivery, the node of a timer, crash or recovery. */
export function actingNode(a: ActorAction): NodeId | undefined {
  switch (a.kind) {
    case 'deliver':
      return a.envelope.to;
    case 'timer':
      return a.node;
    default:
      return faultStep(a.kind)?.subject === 'node' ? (a as { node: NodeId }).node : undefined;
  }
}

/**
 * A consensus protocol's declaration, for `faultline flp`: what each node decided (undefined
 * while undecided) and, optionally, its input (undefined until it has one). Agreement: no
 * two nodes decide differently; termination: every live node decides; validity: a decided
 * value is some node's input.
 */
export interface ConsensusDeclaration<L = any> {
  decided(local: L, node: NodeId): unknown;
  input?(local: L, node: NodeId): unknown;
  /** The role whose nodes decide (default: every node). */
  role?: string;
}

/** A consensus declaration compiled against a protocol's nodes: what the valency explorer reads. */
export interface ConsensusView<S, A> {
  /** The deciding nodes. */
  nodes: NodeId[];
  decision(state: S, node: NodeId): unknown;
  input?(state: S, node: NodeId): unknown;
  crashed(state: S, node: NodeId): boolean;
  /** The node whose step an action is. */
  actor(action: A): NodeId | undefined;
  /** The protocol uses clocks: a crashed node is then told apart from a slow one by timeouts. */
  timed: boolean;
}

/** Compiles a consensus declaration for a protocol's topology. */
export function consensusView(
  declaration: ConsensusDeclaration,
  topology: Topology,
  timed: boolean,
): ConsensusView<WorldState, ActorAction> {
  const nodes = declaration.role === undefined ? topology.ids : topology.byRole.get(declaration.role);
  if (!nodes) throw new Error(`consensus.role: no role "${declaration.role}"`);
  const input = declaration.input;
  return {
    nodes,
    decision: (w, node) => declaration.decided(w.nodes[node], node),
    ...(input ? { input: (w: WorldState, node: NodeId) => input(w.nodes[node], node) } : {}),
    crashed: (w, node) => w.down.includes(node),
    actor: actingNode,
    timed,
  };
}
