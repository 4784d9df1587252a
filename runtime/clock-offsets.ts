import type { ActorModel, NodeId, WorldState } from '../specs/index.ts';
import type { ResolvedRunOptions } from './run-options.ts';
import { seededRandom } from './seeded-random.ts';

/** The nodes whose roles read a local clock (a role with `clock: false` reads true time). */
function clockedNodes(model: ActorModel): NodeId[] {
  const probe: WorldState = { nodes: {}, timers: {}, down: [], net: [], split: [], faults: {}, clock: { t: 0 } };
  return Object.keys(model.clocks(probe)?.local ?? {});
}

/**
 * Each clocked node's clock offset in ticks for a run: the ones given in `clockOffsets`, or
 * drawn from the seed in [-skew, +skew] — the skew the checker's `--skew` explores, so the
 * run's log conforms to the model checked with that skew. Empty when the run has no skew.
 */
export function clockOffsets(model: ActorModel, options: Pick<ResolvedRunOptions, 'skew' | 'clockOffsets' | 'seed'>): Record<NodeId, number> {
  const given = options.clockOffsets ?? {};
  if (options.skew === 0 && Object.keys(given).length === 0) return {};
  if (model.environment.maxTime === 0) {
    throw new Error(`${model.name} is untimed (no timers read the clock): skew means nothing here (drop --skew, or give the protocol a maxTime)`);
  }
  const clocked = clockedNodes(model);
  for (const node of Object.keys(given)) {
    if (!model.topology.node.has(node)) throw new Error(`clock offset for ${node}: no such node (nodes: ${model.topology.ids.join(', ')})`);
    if (!clocked.includes(node)) throw new Error(`clock offset for ${node}: its role has clock: false (it reads true time)`);
    if (Math.abs(given[node]) > 1000) throw new Error(`clock offset for ${node}: ${given[node]} ticks is more than the 1000 a log records`);
    if (options.skew > 0 && Math.abs(given[node]) > options.skew) throw new Error(`clock offset for ${node}: ${given[node]} is outside the skew ±${options.skew}`);
  }
  const random = seededRandom(options.seed + 104_729);
  const offsets: Record<NodeId, number> = {};
  for (const node of clocked) {
    offsets[node] = given[node] ?? (Object.keys(given).length > 0 ? 0 : Math.floor(random() * (2 * options.skew + 1)) - options.skew);
  }
  return offsets;
}

/** The skew a log must be validated with: the run's bound, or the largest offset given. */
export function skewOf(offsets: Record<NodeId, number>, skew: number): number {
  return Math.max(skew, ...Object.values(offsets).map(Math.abs));
}
