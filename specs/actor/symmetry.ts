import { fmix32 as fmix, mix32 as mix } from '../hash-mix.ts';
import { hash53, maskedHash } from './masked-hash.ts';
import { PartCache } from './part-cache.ts';
import type { Fingerprint } from '../fingerprint.ts';
import { permutedFingerprintInto } from './permuted-fingerprint.ts';
import { permuteWorld, renameEnvelope, renameEvent, type RenamedCopy } from './permute-world.ts';
import type { Topology } from './topology.ts';
import type { NodeId } from './types.ts';
import type { HistoryEvent, WorldState } from './world-state.ts';

/**
 * Past this many orderings of tied nodes, one fixed ordering is taken instead of the best:
 * still sound (a permutation of the state), only less reduction for that state.
 */
const MAX_CANDIDATES = 720;

/** What the reduction knows of a protocol: its nodes, which roles are symmetric, its network. */
interface Layout {
  topology: Topology;
  /** The roles with two or more nodes, each with its ids in node order. */
  groups: NodeId[][];
  /** Each symmetric node id → its role. */
  roleOf: Map<NodeId, string>;
  /** Each symmetric node id → its slot in the signature array. */
  slot: Map<NodeId, number>;
  /** The first node of a role that is not symmetric: partition sides are told apart by it. */
  anchor: NodeId | undefined;
  fifo: boolean;
  parts: PartCache;
  /** Each slot's id. */
  idOfSlot: NodeId[];
  /** Each node (by index in node order) → its slot, or -1 when it is not symmetric. */
  slotOfIndex: Int32Array;
  /** Each slot → its node's index. */
  indexOfSlot: Int32Array;
  /** Each node (by index) as the owner of a state that names other nodes: its masked hash (a fixed id, or a role). */
  ownerCode: Int32Array;
  // Scratch space of one call (representatives are computed one at a time).
  /** Per node index: its timers' hash, crash and offset flags, partition side, offset's hash (see {@link candidateKey}). */
  nodeFacts: Int32Array;
  /** Per message of the network: its place in its FIFO link (0 when unordered). */
  places: Int32Array;
  /** A candidate's slot images, the node index each node's state comes from, and its key. */
  image: Int32Array;
  /** The best candidate's slot images so far. */
  bestImage: Int32Array;
  source: Int32Array;
  key: Int32Array;
}

/**
 * Symmetry reduction for an actor protocol whose nodes of `roles` are interchangeable: a
 * function from a world to the canonical member of its orbit under renaming those nodes
 * within their roles (see {@link permuteWorld} for where ids are renamed).
 *
 * Each node gets an id-free signature: a hash of the masked encodings of every part of the
 * world that mentions it (its own local state, timers, crash, clock offset and partition
 * side; other nodes' states, messages and history events naming it), with itself and every
 * other symmetric id replaced by placeholders. Nodes are renamed into signature order; only
 * nodes with equal signatures are tried in every order, and the ordering whose world has the
 * smallest 64-bit key wins (a hash of the world summed from its renamed parts' cached hashes:
 * a total order on worlds up to collisions, and no candidate world is built). The candidates
 * are the same for every world of an orbit, so equal orbits give equal representatives. The
 * representative's fingerprint is likewise summed from its parts' (see
 * permuted-fingerprint.ts). Undefined when no role has two nodes.
 */
export function symmetryReduction(topology: Topology, roles: readonly string[], fifo: boolean): SymmetryReduction | undefined {
  const groups = roles.map((role) => topology.byRole.get(role) ?? []).filter((ids) => ids.length > 1);
  if (groups.length === 0) return undefined;
  const roleOf = new Map<NodeId, string>();
  const slot = new Map<NodeId, number>();
  for (const ids of groups) {
    for (const id of ids) {
      roleOf.set(id, topology.node.get(id)!.role);
      slot.set(id, slot.size);
    }
  }
  const anchor = topology.ids.find((id) => !roleOf.has(id));
  const idOfSlot = [...slot.keys()];
  const slotOfIndex = Int32Array.from(topology.ids, (id) => slot.get(id) ?? -1);
  const indexOfSlot = Int32Array.from(idOfSlot, (id) => topology.ids.indexOf(id));
  const layout: Layout = {
    topology,
    groups,
    roleOf,
    slot,
    anchor,
    fifo,
    parts: new PartCache(roleOf, slot, idOfSlot),
    idOfSlot,
    slotOfIndex,
    indexOfSlot,
    ownerCode: Int32Array.from(topology.ids, (id) => maskedHash(id, { roleOf })),
    nodeFacts: new Int32Array(4 * topology.ids.length),
    places: new Int32Array(16),
    image: new Int32Array(slot.size),
    bestImage: new Int32Array(slot.size),
    source: new Int32Array(topology.ids.length),
    key: new Int32Array(2),
  };
  return {
    representative: (w) => {
      const image = chooseImage(w, layout);
      if (image === undefined) return w;
      // The renamed parts are the cache's: the very copies the fingerprint path hashed.
      const copy: RenamedCopy = (value, _renaming, rename) => layout.parts.renamed(value, image, rename).value as typeof value;
      return permuteWorld(w, layout.parts.renaming(image), topology, fifo, copy);
    },
    representativeFingerprint: (w, out) => {
      const image = chooseImage(w, layout);
      // The identity: the representative is the world itself, whose fingerprint `out` holds.
      if (image !== undefined) permutedFingerprintInto(w, image, sourcesOf(image, layout), layout, out);
    },
  };
}

/** A world's representative, and its fingerprint computed without building it. */
export interface SymmetryReduction {
  representative(w: WorldState): WorldState;
  /** Writes `fingerprintInto(representative(w))` into `out`, which holds `w`'s own fingerprint on entry. */
  representativeFingerprint(w: WorldState, out: Fingerprint): void;
}

/** The nodes of one tie: their ids in the order tried, and the ids they are renamed to. */
interface Run {
  ids: NodeId[];
  slots: NodeId[];
}

/**
 * The renaming into the representative, as slot images (in `layout.image` or
 * `layout.bestImage`, valid until the next call); undefined when it is the identity.
 */
function chooseImage(w: WorldState, layout: Layout): Int32Array | undefined {
  const { signature, entangled } = signatures(w, layout);
  const runs: Run[] = [];
  const tied: Run[] = [];
  let candidates = 1;
  for (const ids of layout.groups) {
    const sorted = ids.slice().sort((a, b) => signature[layout.slot.get(a)!] - signature[layout.slot.get(b)!]);
    for (let i = 0; i < sorted.length; ) {
      const sig = signature[layout.slot.get(sorted[i])!];
      let j = i + 1;
      let anyEntangled = entangled[layout.slot.get(sorted[i])!];
      while (j < sorted.length && signature[layout.slot.get(sorted[j])!] === sig) {
        anyEntangled ||= entangled[layout.slot.get(sorted[j])!];
        j++;
      }
      const run: Run = { ids: sorted.slice(i, j), slots: ids.slice(i, j) };
      runs.push(run);
      // Nodes named only in their own state and in messages that name no other symmetric
      // node are interchangeable outright when their signatures agree: any order will do.
      if (j - i > 1 && anyEntangled) {
        tied.push(run);
        candidates *= factorial(j - i);
      }
      i = j;
    }
  }
  if (candidates === 1 || candidates > MAX_CANDIDATES) return identityOrImage(imageOf(runs, layout));

  // Orderings that differ by a symmetry of the world itself give the same world, and the same
  // key: the first is kept. Unequal worlds share a key with odds of about 2^-53: a missed merge.
  // Only the winner is built.
  candidateFacts(w, layout);
  const key = layout.key;
  const best = layout.bestImage;
  let first = true;
  let bestA = 0;
  let bestB = 0;
  forEachOrdering(tied, 0, () => {
    candidateKey(w, layout, imageOf(runs, layout));
    const a = key[0] >>> 0;
    const b = key[1] >>> 0;
    if (first || a < bestA || (a === bestA && b < bestB)) {
      best.set(layout.image);
      first = false;
      bestA = a;
      bestB = b;
    }
  });
  return identityOrImage(best);
}

function identityOrImage(image: Int32Array): Int32Array | undefined {
  for (let s = 0; s < image.length; s++) if (image[s] !== s) return image;
  return undefined;
}

/** Under `image`, the index of the node whose state lands on each node (in `layout.source`). */
function sourcesOf(image: Int32Array, layout: Layout): Int32Array {
  const { slotOfIndex, indexOfSlot, source } = layout;
  for (let s = 0; s < slotOfIndex.length; s++) {
    const sl = slotOfIndex[s];
    source[sl < 0 ? s : indexOfSlot[image[sl]]] = s;
  }
  return source;
}

/** The renaming of runs as slot images: the slot of each run's node → the slot it is renamed to. */
function imageOf(runs: readonly Run[], layout: Layout): Int32Array {
  const image = layout.image;
  for (const { ids, slots } of runs) {
    for (let i = 0; i < ids.length; i++) image[layout.slot.get(ids[i])!] = layout.slot.get(slots[i])!;
  }
  return image;
}

// Seeds of the candidate key's facts.
const KEY_NODE_A = 0x243f6a88;
const KEY_NODE_B = 0x85a308d3;
const KEY_NET_A = 0x13198a2e;
const KEY_NET_B = 0x03707344;
const KEY_HISTORY_A = 0xa4093822;
const KEY_HISTORY_B = 0x299f31d0;
const KEY_TIMERS = 0x082efa98;
const KEY_OFFSET = 0xec4e6c89;

/**
 * Fills `layout.nodeFacts` and `layout.places`: what {@link candidateKey} reads of a node or a
 * message besides its renamed content, all id-free (timer names are not ids).
 */
function candidateFacts(w: WorldState, layout: Layout): void {
  const { topology, nodeFacts } = layout;
  const ids = topology.ids;
  const stored = w.split.length > 0 ? new Set(w.split) : undefined;
  const offsets = w.clock?.offsets;
  for (let s = 0; s < ids.length; s++) {
    const node = ids[s];
    const timers = w.timers[node];
    const timersHash = timers ? hash53(timers) : 0;
    nodeFacts[4 * s] = timers ? fmix(mix(mix(KEY_TIMERS, (timersHash - (timersHash & 0x1fffff)) / 0x200000), timersHash & 0x1fffff)) : 0;
    const offset = offsets !== undefined && node in offsets ? hash53(offsets[node]) : undefined;
    nodeFacts[4 * s + 1] = (w.down.includes(node) ? 1 : 0) | (offset !== undefined ? 2 : 0);
    nodeFacts[4 * s + 2] = stored !== undefined && stored.has(node) ? 1 : 0;
    nodeFacts[4 * s + 3] = offset === undefined ? 0 : fmix(mix(mix(KEY_OFFSET, (offset - (offset & 0x1fffff)) / 0x200000), offset & 0x1fffff));
  }
  const net = w.net;
  if (layout.places.length < net.length) layout.places = new Int32Array(2 * net.length);
  const places = layout.places;
  for (let i = 0; i < net.length; i++) {
    const e = net[i];
    places[i] = layout.fifo && i > 0 && net[i - 1].from === e.from && net[i - 1].to === e.to ? places[i - 1] + 1 : 0;
  }
}

/**
 * Writes into `layout.key` (two 32-bit lanes) a hash of the world `permuteWorld(w, renaming)`
 * would build, `renaming` given as slot images, without building it: a sum of one fact per
 * node (its renamed local state, timers, crash, partition side, clock offset, by the node it
 * lands on), per message (renamed, with its place in its link when FIFO) and per history
 * event (renamed, with its index). Parts of the world that no renaming changes are left out:
 * every candidate holds them alike. Renamed parts' hashes are cached per part and renaming.
 */
function candidateKey(w: WorldState, layout: Layout, image: Int32Array): void {
  const { topology, parts, nodeFacts, places } = layout;
  const n = topology.ids.length;
  const source = sourcesOf(image, layout);
  // The stored partition side is the one holding the first node (see permuteWorld).
  const flip = nodeFacts[4 * source[0] + 2] === 0 ? 1 : 0;
  const split = w.split.length > 0;
  let a = 0;
  let b = 0;
  for (let t = 0; t < n; t++) {
    const s = source[t];
    const h = parts.renamed(w.nodes[topology.ids[s]], image);
    const flags = nodeFacts[4 * s + 1] | (split ? (nodeFacts[4 * s + 2] ^ flip) << 2 : 0);
    a = (a + fmix(mix(mix(mix(mix(KEY_NODE_A ^ t, h.a), h.b), nodeFacts[4 * s]), flags ^ nodeFacts[4 * s + 3]))) | 0;
    b = (b + fmix(mix(mix(mix(mix(KEY_NODE_B ^ t, h.b), h.a), flags), nodeFacts[4 * s + 3] ^ nodeFacts[4 * s]))) | 0;
  }
  const net = w.net;
  for (let i = 0; i < net.length; i++) {
    const h = parts.renamed(net[i], image, renameEnvelope);
    a = (a + fmix(mix(mix(mix(KEY_NET_A, h.a), h.b), places[i]))) | 0;
    b = (b + fmix(mix(mix(mix(KEY_NET_B, h.b), h.a), places[i]))) | 0;
  }
  if (w.history) {
    for (let i = 0; i < w.history.length; i++) {
      const h = parts.renamed(w.history[i], image, renameEvent);
      a = (a + fmix(mix(mix(mix(KEY_HISTORY_A, h.a), h.b), i))) | 0;
      b = (b + fmix(mix(mix(mix(KEY_HISTORY_B, h.b), h.a), i))) | 0;
    }
  }
  layout.key[0] = a;
  layout.key[1] = b;
}

/** Calls `visit` once per combination of orderings of the runs' ids (permuting them in place). */
function forEachOrdering(runs: readonly Run[], at: number, visit: () => void): void {
  if (at === runs.length) return visit();
  permutations(runs[at].ids, runs[at].ids.length, () => forEachOrdering(runs, at + 1, visit));
}

/** Heap's algorithm: every ordering of `a[0..k)`, in place. */
function permutations(a: NodeId[], k: number, visit: () => void): void {
  if (k <= 1) return visit();
  for (let i = 0; i < k - 1; i++) {
    permutations(a, k - 1, visit);
    const j = k % 2 === 0 ? i : 0;
    const t = a[j];
    a[j] = a[k - 1];
    a[k - 1] = t;
  }
  permutations(a, k - 1, visit);
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

// Seeds that keep the kinds of fact apart.
const OWN_STATE = 0x1b873593;
const NAMED_IN_STATE = 0x2545f491;
const IN_MESSAGE = 0x5851f42d;
const IN_HISTORY = 0x3c6ef372;
const ABSENT = 0x7fffffff;

/**
 * Each symmetric node's signature (by slot): the sum of its facts' hashes, so their order
 * does not matter; a collision only ties two nodes, which costs time, not soundness. Also,
 * by slot, whether the node is entangled: named in a part of the world beside another
 * symmetric id or outside its own state and messages (swapping two such nodes can change
 * the world even when their signatures agree).
 */
function signatures(w: WorldState, layout: Layout): { signature: Float64Array; entangled: boolean[] } {
  const { topology, slot, anchor, parts } = layout;
  const signature = new Float64Array(slot.size);
  const entangled: boolean[] = new Array(slot.size).fill(false);
  const stored = w.split.length > 0 ? new Set(w.split) : undefined;
  const anchorStored = stored !== undefined && anchor !== undefined && stored.has(anchor);

  const ids = topology.ids;
  for (let index = 0; index < ids.length; index++) {
    const node = ids[index];
    // What the node is besides its local state, all id-free (timer names are not ids).
    const timers = w.timers[node];
    let extra = mix(mix(timers ? parts.code(timers, undefined) : 0, w.down.includes(node) ? 1 : 0), w.clock?.offsets?.[node] ?? ABSENT);
    if (stored !== undefined) {
      // The stored side is the first node's: told apart by a fixed node, or by size, it is id-free.
      const inStored = stored.has(node);
      extra = mix(extra, anchor !== undefined ? (inStored === anchorStored ? 1 : 2) : inStored ? stored.size : ids.length - stored.size);
    }
    const local = w.nodes[node];
    // One cache lookup per part: its ids and its codes come from the same entry.
    const entry = local !== null && typeof local === 'object' ? parts.entry(local) : undefined;
    const named = entry ? entry.ids : parts.ids(local);
    const own = layout.slotOfIndex[index];
    if (own >= 0) {
      signature[own] += fact(OWN_STATE, entry ? parts.codeOf(entry, local as object, node) : parts.code(local, node), extra);
      if (named.length > 1 || (named.length === 1 && named[0] !== node)) entangled[own] = true;
    }
    // Named in another node's state: the fact says whose (a fixed node, or a symmetric one's role).
    const owner = layout.ownerCode[index];
    for (const id of named) {
      if (id === node) continue;
      const s = slot.get(id)!;
      entangled[s] = true;
      signature[s] += fact(NAMED_IN_STATE ^ owner, entry ? parts.codeOf(entry, local as object, id) : parts.code(local, id), extra);
    }
  }
  // Messages are a multiset, not keyed by node: one naming a single symmetric node moves with it.
  // Under FIFO each link is a queue: a message's place in its queue is part of the fact (links
  // are runs of the network, which keeps each link's envelopes together, in queue order).
  const net = w.net;
  let place = 0;
  for (let i = 0; i < net.length; i++) {
    const e = net[i];
    if (layout.fifo) place = i > 0 && net[i - 1].from === e.from && net[i - 1].to === e.to ? place + 1 : 0;
    const entry = parts.entry(e);
    const named = entry.ids;
    for (let k = 0; k < named.length; k++) {
      const s = entry.slots[k];
      signature[s] += fact(IN_MESSAGE, parts.codeOf(entry, e, named[k]), place);
      if (named.length > 1) entangled[s] = true;
    }
  }
  if (w.history) {
    for (let i = 0; i < w.history.length; i++) {
      const e: HistoryEvent = w.history[i];
      for (const id of parts.ids(e)) {
        const s = slot.get(id)!;
        signature[s] += fact(IN_HISTORY, parts.code(e, id), i);
        entangled[s] = true; // history is a sequence: its events stay where they are
      }
    }
  }
  return { signature, entangled };
}

/** One fact's hash: an unsigned 32-bit number. */
function fact(kind: number, code: number, extra: number): number {
  return fmix(mix(mix(kind, code), extra)) >>> 0;
}

