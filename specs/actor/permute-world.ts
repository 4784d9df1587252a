import { envelopeKey, sealEnvelope } from './network.ts';
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
export function permuteWorld(w: WorldState, renaming: Renaming, topology: Topology, fifo: boolean): WorldState {
  if (renaming.size === 0) return w;
  const copies = copiesFor(topology);
  const source = new Map<NodeId, NodeId>();
  for (const [from, to] of renaming) source.set(to, from);

  // Filled in node order, like every other world: same key order, same object shape.
  const nodes: Record<NodeId, unknown> = {};
  const timers: WorldState['timers'] = {};
  for (const node of topology.ids) {
    const from = source.get(node) ?? node;
    nodes[node] = copies.rename(w.nodes[from], renaming);
    if (w.timers[from]) timers[node] = w.timers[from];
  }

  let net = w.net;
  for (let i = 0; i < w.net.length; i++) {
    const e = copies.rename(w.net[i], renaming, renameEnvelope);
    if (e === w.net[i] && net === w.net) continue;
    if (net === w.net) net = w.net.slice(0, i);
    net.push(e);
  }
  // Stable: envelopes of one FIFO link share a key and keep their queue order.
  if (net !== w.net) net.sort((a, b) => compare(envelopeKey(a, fifo), envelopeKey(b, fifo)));

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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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

const caches = new WeakMap<Topology, RenamedCopies>();

function copiesFor(topology: Topology): RenamedCopies {
  let cache = caches.get(topology);
  if (cache === undefined) {
    cache = new RenamedCopies(topology);
    caches.set(topology, cache);
  }
  return cache;
}

/**
 * Renamed copies of immutable values, remembered: local states and messages are shared by
 * many worlds, and so are their renamed copies — which also keeps the network's sort keys,
 * cached per envelope, from being recomputed. A copy is looked up by the images of the node
 * ids its original names, as a number.
 */
class RenamedCopies {
  private readonly entries = new WeakMap<object, { ids: NodeId[]; copies: Map<number | string, unknown> }>();
  private readonly indexOf = new Map<NodeId, number>();

  constructor(private readonly topology: Topology) {
    topology.ids.forEach((id, i) => this.indexOf.set(id, i));
  }

  rename<T>(value: T, renaming: Renaming, rename: (value: T, renaming: Renaming) => T = renameIds): T {
    if (value === null || typeof value !== 'object') return rename(value, renaming);
    let entry = this.entries.get(value);
    if (entry === undefined) {
      const ids = new Set<NodeId>();
      collectNodeIds(value, this.topology, ids);
      entry = { ids: [...ids], copies: new Map() };
      this.entries.set(value, entry);
    }
    const { ids } = entry;
    if (ids.length === 0) return value;
    let moved = false;
    // Positional digits in base (node count): exact while it fits a double's 53 bits.
    const base = this.topology.ids.length;
    const numeric = ids.length * Math.log2(base + 1) < 52;
    let key: number | string = numeric ? 0 : '';
    for (const id of ids) {
      const image = renaming.get(id);
      if (image !== undefined) moved = true;
      if (numeric) key = (key as number) * base + this.indexOf.get(image ?? id)!;
      else key += (image ?? id) + '\u0000';
    }
    if (!moved) return value;
    let copy = entry.copies.get(key) as T | undefined;
    if (copy === undefined) {
      copy = rename(value, renaming);
      entry.copies.set(key, copy);
    }
    return copy;
  }
}

/** Every node id in plain data, as a value or a key. */
function collectNodeIds(value: unknown, topology: Topology, out: Set<NodeId>): void {
  if (typeof value === 'string') {
    if (topology.node.has(value)) out.add(value);
  } else if (value === null || typeof value !== 'object') {
    return;
  } else if (Array.isArray(value) || value instanceof Set) {
    for (const v of value) collectNodeIds(v, topology, out);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      collectNodeIds(k, topology, out);
      collectNodeIds(v, topology, out);
    }
  } else {
    for (const key in value as Record<string, unknown>) {
      if (topology.node.has(key)) out.add(key);
      collectNodeIds((value as Record<string, unknown>)[key], topology, out);
    }
  }
}
