/**
 * The Two Generals declaration `faultline generals` reads: which two nodes must agree over
 * the lossy link, what each of them does at the end of a run, and the property that says
 * they agree.
 */
import type { Topology } from './topology.ts';
import type { NodeId } from './types.ts';
import type { WorldState } from './world-state.ts';

/**
 * A protocol's two generals, for `faultline generals`: the role whose two nodes must agree
 * (default: every node; there must be exactly two), what a general does, read from its
 * local state at the end of a run (e.g. `'attack'` or `'hold'`), and the name of the
 * `terminal` (or `invariants`) property that says they agree.
 */
export interface GeneralsDeclaration<L = any> {
  /** The role whose nodes are the generals (default: every node). */
  role?: string;
  /** What a general does, from its local state at the end of a run. */
  decision(local: L, node: NodeId): unknown;
  /** The `terminal` or `invariants` property that fails when the generals disagree, e.g. `'Agreement'`. */
  agreement: string;
}

/** A generals declaration compiled against a protocol's nodes: what the chain of runs reads. */
export interface GeneralsView {
  /** The generals (the command needs exactly two). */
  nodes: NodeId[];
  /** What `node` does in `state`. */
  decision(state: WorldState, node: NodeId): unknown;
  /** The name of the agreement property among the protocol's properties. */
  agreement: string;
}

/**
 * Compiles a generals declaration for a protocol's topology. Throws (the protocol does not
 * build) when the role or the agreement property named does not exist: a typo would
 * otherwise surface only when `faultline generals` runs.
 */
export function generalsView(declaration: GeneralsDeclaration, topology: Topology, properties: readonly string[]): GeneralsView {
  const nodes = declaration.role === undefined ? topology.ids : topology.byRole.get(declaration.role);
  if (!nodes) throw new Error(`generals.role: no role "${declaration.role}"`);
  if (typeof declaration.decision !== 'function') throw new Error('generals.decision: expected a function (local) => what the general does, e.g. (g) => (g.attack ? "attack" : "hold")');
  if (!properties.includes(declaration.agreement)) {
    throw new Error(
      `generals.agreement: no property ${JSON.stringify(declaration.agreement)} (declare it in terminal: { ${typeof declaration.agreement === 'string' && /^\w+$/.test(declaration.agreement) ? declaration.agreement : 'Agreement'}: (w) => … })`,
    );
  }
  const decision = declaration.decision;
  return { nodes, decision: (w, node) => decision(w.nodes[node], node), agreement: declaration.agreement };
}
