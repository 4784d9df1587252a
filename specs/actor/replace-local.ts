import type { NodeId } from './types.ts';

/** Builds a world's `nodes` record with one node's local state replaced. */
export type ReplaceLocal = (nodes: Readonly<Record<NodeId, unknown>>, local: unknown) => Record<NodeId, unknown>;

/**
 * Per node id, a function that copies a world's `nodes` record with that node's local state
 * replaced: one object literal per node, keys in node order. A step changes one node's state;
 * a spread with a computed key, `{ ...nodes, [id]: local }`, cost the actor layer's hottest
 * line a keyed store on every successor, where a literal of fixed keys is a single allocation.
 * Undefined when an id cannot be a literal key (`__proto__` sets a literal's prototype).
 */
export function localReplacers(ids: readonly NodeId[]): Map<NodeId, ReplaceLocal> | undefined {
  if (ids.includes('__proto__')) return undefined;
  const key = (id: NodeId): string => JSON.stringify(id);
  const out = new Map<NodeId, ReplaceLocal>();
  for (const id of ids) {
    const fields = ids.map((other) => (other === id ? `${key(other)}: local` : `${key(other)}: nodes[${key(other)}]`));
    // Ids come from the protocol's roles and counts; JSON.stringify makes each a string literal.
    out.set(id, new Function('nodes', 'local', `return { ${fields.join(', ')} };`) as ReplaceLocal);
  }
  return out;
}
