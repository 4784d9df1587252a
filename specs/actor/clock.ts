import type { Environment } from './environment.ts';
import type { NodeId } from './types.ts';
import type { WorldState } from './world-state.ts';

/**
 * Time as the checker sees it: a bounded global tick count `t` and, per clocked node, an
 * offset in [-skew, +skew]; a node's local clock is t + offset. Offsets, not absolute
 * local times, are what the state holds, so clocks add few states.
 */
export type Clock = NonNullable<WorldState['clock']>;

/** Node `node`'s local clock, or undefined when the world is untimed. */
export function localNow(w: WorldState, node: NodeId): number | undefined {
  if (!w.clock) return undefined;
  return w.clock.t + (w.clock.offsets?.[node] ?? 0);
}

/** True when a timer with this deadline may fire now at `node`. */
export function timerDue(w: WorldState, node: NodeId, deadline: number | true): boolean {
  return deadline === true || (localNow(w, node) ?? 0) >= deadline;
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}

/** Every assignment of one value from `choices(node)` to each node. */
function assignments(nodes: readonly NodeId[], choices: (node: NodeId) => number[]): Record<NodeId, number>[] {
  let out: Record<NodeId, number>[] = [{}];
  for (const node of nodes) out = out.flatMap((partial) => choices(node).map((v) => ({ ...partial, [node]: v })));
  return out;
}

/** The possible clocks at start: t = 0 and every offset in [-skew, +skew] for each clocked node. */
export function initialClocks(env: Environment, clocked: readonly NodeId[]): Clock[] {
  if (env.skew === 0) return [{ t: 0 }];
  return assignments(clocked, () => range(-env.skew, env.skew)).map((offsets) => ({ t: 0, offsets }));
}

/** The clocks one tick later: t + 1 and, with drift, every allowed move of every offset. */
export function tickedClocks(clock: Clock, env: Environment, clocked: readonly NodeId[]): { clock: Clock; drift: Record<NodeId, number> }[] {
  const t = clock.t + 1;
  if (!clock.offsets) return [{ clock: { t }, drift: {} }];
  if (env.drift === 0) return [{ clock: { t, offsets: clock.offsets }, drift: {} }];
  const offsets = clock.offsets;
  return assignments(clocked, (node) =>
    range(Math.max(-env.skew, offsets[node] - env.drift), Math.min(env.skew, offsets[node] + env.drift)),
  ).map((next) => ({
    clock: { t, offsets: next },
    drift: Object.fromEntries(clocked.filter((n) => next[n] !== offsets[n]).map((n) => [n, next[n] - offsets[n]])),
  }));
}
