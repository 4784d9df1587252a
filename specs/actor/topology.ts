import type { NodeId } from './types.ts';

/** Which nodes exist: roles in declaration order, nodes by index. */
export interface Topology {
  /** Every node id, in node order. */
  ids: NodeId[];
  /** The ids of each role. */
  byRole: Map<string, NodeId[]>;
  /** Each node's role and index (from 1). */
  node: Map<NodeId, { role: string; index: number }>;
}

/**
 * Names nodes: for a count, the role name for a lone node and `role-i` otherwise; for a
 * list of names, `role-name` (`general: ['A', 'B']` gives general-A and general-B).
 */
export function topologyOf(counts: Record<string, number | readonly string[]>, roles: readonly string[]): Topology {
  const topology: Topology = { ids: [], byRole: new Map(), node: new Map() };
  for (const [role, spec] of Object.entries(counts)) {
    if (!roles.includes(role)) throw new Error(`nodes: role "${role}" has no definition in roles`);
    const named = Array.isArray(spec);
    const count = named ? spec.length : (spec as number);
    if (!Number.isInteger(count) || count < 0) throw new Error(`nodes: ${role} count must be a whole number, got ${String(spec)}`);
    const ids: NodeId[] = [];
    for (let i = 1; i <= count; i++) {
      const id = named ? `${role}-${spec[i - 1]}` : count === 1 ? role : `${role}-${i}`;
      ids.push(id);
      topology.ids.push(id);
      topology.node.set(id, { role, index: i });
    }
    topology.byRole.set(role, ids);
  }
  return topology;
}
