import { compareEnvelopes, sealEnvelope } from './network.ts';
import { renameIds, type Renaming } from './rename-ids.ts';
import type { Topology } from './topology.ts';
import type { Envelope, NodeId } from './types.ts';
import type { HistoryEvent, WorldState } from './world-state.ts';

/**
 * The world with its nodes renamed: every place a node id appears (local states, timers,
 * the crashed set, the partition, clock offsets, messages in flight and their payloads,
 * client history) — and laid out again the way the protocol keeps a world canonical: the
 * network re-sorted (FIFO links keep their order), the crashed set and the partition side
 * in node order, the stored partition side the one holding the first node.
 *
 * The result is a state of the same orbit: a genuine permutation of `w`, never a merge.
 * `renaming` must be a permutation of node ids (each image is some node's id, once).
 */
export function permuteWorld(w: WorldState, renaming: Renaming, topology: Topology, fifo: boolean, copy: RenamedCopy = renamedNow): WorldState {
  if (renaming.size === 0) return w;
  const source = new Map<NodeId, NodeId>();
  for (const [from, to] of renaming) source.set(to, from);

  // Filled in node order, like every other world: same key order, same object shape.
  const nodes: Record<NodeId, unknown> = {};
  const timers: WorldState['timers'] = {};
  for (const node of topology.ids) {
    const from = source.get(node) ?? node;
    nodes[node] = copy(w.nodes[from], renaming, renameIds);
    if (w.timers[from]) timers[node] = w.timers[from];
  }

  let net = w.net;
  for (let i = 0; i < w.net.length; i++) {
    const e = copy(w.net[i], renaming, renameEnvelope);
    if (e === w.net[i] && net === w.net) continue;
    if (net === w.net) net = w.net.slice(0, i);
    net.push(e);
  }
  // Stable: envelopes of one FIFO link share a key and keep their queue order.
  if (net !== w.net) net.sort((a, b) => compareEnvelopes(a, b, fifo));

  let split = w.split;
  if (split.length > 0) {
    const side = new Set<NodeId>();
    for (const n of split) side.add(renaming.get(n) ?? n);
    // The world stores the side that holds the first node: it may now be the other one.
    const first = side.has(topology.ids[0]);
    split = topology.ids.filter((n) => side.has(n) === first);
  }
  let down = w.down;
  if (down.length > 0) {
    const crashed = new Set<NodeId>();
    for (const n of down) crashed.add(renaming.get(n) ?? n);
    down = topology.ids.filter((n) => crashed.has(n));
  }

  const out: WorldState = { ...w, nodes, timers, down, net, split };
  if (w.clock?.offsets) {
    const offsets: Record<NodeId, number> = {};
    for (const node of topology.ids) {
      const from = source.get(node) ?? node;
      if (from in w.clock.offsets) offsets[node] = w.clock.offsets[from];
    }
    out.clock = { ...w.clock, offsets };
  }
  if (w.history) out.history = w.history.map((e) => renameEvent(e, renaming));
  return out;
}

/**
 * How {@link permuteWorld} gets a part's renamed copy: `rename(value, renaming)`, or a copy made
 * before (symmetry reduction passes its cache of renamed parts, shared by every world).
 */
export type RenamedCopy = <T>(value: T, renaming: Renaming, rename: (value: T, renaming: Renaming) => T) => T;

const renamedNow: RenamedCopy = (value, renaming, rename) => rename(value, renaming);

/** An envelope with its ids renamed, sealed (a new envelope) when any moved. */
export function renameEnvelope(e: Envelope, renaming: Renaming): Envelope {
  const from = renaming.get(e.from) ?? e.from;
  const to = renaming.get(e.to) ?? e.to;
  const msg = renameIds(e.msg, renaming);
  if (from === e.from && to === e.to && msg === e.msg) return e;
  return sealEnvelope(e.age === undefined ? { from, to, msg } : { from, to, msg, age: e.age });
}

/** A history event with its ids renamed. */
export function renameEvent(e: HistoryEvent, renaming: Renaming): HistoryEvent {
  const client = renaming.get(e.client) ?? e.client;
  if (e.kind === 'invoke') {
    const input = renameIds(e.input, renaming);
    return client === e.client && input === e.input ? e : { kind: 'invoke', client, input };
  }
  const output = renameIds(e.output, renaming);
  return client === e.client && output === e.output ? e : { kind: 'respond', client, output };
}
