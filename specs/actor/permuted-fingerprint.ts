import { arrayA, arrayB, elementA, elementB, entryA, entryB, hashValue, laneA, laneB, objectA, objectB, type Fingerprint } from '../fingerprint.ts';
import { compareEnvelopes } from './network.ts';
import type { PartCache, RenamedPart } from './part-cache.ts';
import { renameEnvelope, renameEvent } from './permute-world.ts';
import type { Topology } from './topology.ts';
import type { Envelope, NodeId } from './types.ts';
import type { WorldState } from './world-state.ts';

/** What {@link permutedFingerprintInto} needs besides the world and the renaming. */
export interface PermutedFingerprintContext {
  topology: Topology;
  fifo: boolean;
  parts: PartCache;
  /** The id of each slot (the symmetric nodes, numbered as the parts cache numbers them). */
  idOfSlot: readonly NodeId[];
  /** Each node (by index in node order) → its slot, or -1 when it is not symmetric. */
  slotOfIndex: Int32Array;
  /** Each slot → its node's index. */
  indexOfSlot: Int32Array;
}

/**
 * Writes into `out` the fingerprint (specs/fingerprint.ts) of the world that
 * `permuteWorld(w, renaming)` builds — the same value — without building it: the renamed
 * copies of local states and messages, and their hashes, come from the parts cache, and the
 * world's hash is summed from theirs as the fingerprint sums object entries and array
 * elements. `image` is the renaming as slot images (the symmetric id of slot s becomes that
 * of slot `image[s]`); `source[t]` is the index of the node whose state lands on node `t`.
 */
export function permutedFingerprintInto(w: WorldState, image: Int32Array, source: Int32Array, context: PermutedFingerprintContext, out: Fingerprint): void {
  const { topology, parts } = context;
  const ids = topology.ids;
  let a = 0;
  let b = 0;
  let n = 0;
  const world = w as unknown as Record<string, unknown>;
  for (const key in world) {
    let value = world[key];
    if (value === undefined) continue;
    let va: number;
    let vb: number;
    if (key === 'nodes') {
      let sa = 0;
      let sb = 0;
      let count = 0;
      for (let t = 0; t < ids.length; t++) {
        const local = w.nodes[ids[source[t]]];
        if (local === undefined) continue;
        const part = parts.renamed(local, image);
        hashValue(ids[t]);
        sa = (sa + entryA(laneA(), part.a)) | 0;
        sb = (sb + entryB(laneB(), part.b)) | 0;
        count++;
      }
      va = objectA(count, sa);
      vb = objectB(count, sb);
    } else if (key === 'timers') {
      // Timer names are not ids: a node's timers move with it unchanged.
      let sa = 0;
      let sb = 0;
      let count = 0;
      for (let t = 0; t < ids.length; t++) {
        const timers = w.timers[ids[source[t]]];
        if (!timers) continue;
        hashValue(timers);
        const ta = laneA();
        const tb = laneB();
        hashValue(ids[t]);
        sa = (sa + entryA(laneA(), ta)) | 0;
        sb = (sb + entryB(laneB(), tb)) | 0;
        count++;
      }
      va = objectA(count, sa);
      vb = objectB(count, sb);
    } else if (key === 'net') {
      const net = w.net;
      const renamed: RenamedPart[] = new Array(net.length);
      let moved = false;
      for (let i = 0; i < net.length; i++) {
        renamed[i] = parts.renamed(net[i], image, renameEnvelope);
        if (renamed[i].value !== net[i]) moved = true;
      }
      // Re-sorted as permuteWorld sorts it (stable: a FIFO link keeps its queue order).
      if (moved) renamed.sort((x, y) => compareEnvelopes(x.value as Envelope, y.value as Envelope, context.fifo));
      let sa = 0;
      let sb = 0;
      for (let i = 0; i < renamed.length; i++) {
        sa = (sa + elementA(i, renamed[i].a)) | 0;
        sb = (sb + elementB(i, renamed[i].b)) | 0;
      }
      va = arrayA(renamed.length, sa);
      vb = arrayB(renamed.length, sb);
    } else {
      // The rest is small or rare: built as permuteWorld builds it, and hashed whole.
      if (key === 'down' && w.down.length > 0) {
        const crashed = new Set(w.down.map((id) => renamedId(id, image, context)));
        value = ids.filter((id) => crashed.has(id));
      } else if (key === 'split' && w.split.length > 0) {
        const side = new Set(w.split.map((id) => renamedId(id, image, context)));
        const first = side.has(ids[0]);
        value = ids.filter((id) => side.has(id) === first);
      } else if (key === 'clock' && w.clock?.offsets) {
        const offsets: Record<NodeId, number> = {};
        for (let t = 0; t < ids.length; t++) {
          const from = ids[source[t]];
          if (from in w.clock.offsets) offsets[ids[t]] = w.clock.offsets[from];
        }
        value = { ...w.clock, offsets };
      } else if (key === 'history' && w.history) {
        value = w.history.map((e) => parts.renamed(e, image, renameEvent).value);
      }
      hashValue(value);
      va = laneA();
      vb = laneB();
    }
    hashValue(key);
    a = (a + entryA(laneA(), va)) | 0;
    b = (b + entryB(laneB(), vb)) | 0;
    n++;
  }
  out.hi = objectA(n, a) >>> 0;
  out.lo = objectB(n, b) >>> 0;
}

/** The id `id` is renamed to. */
function renamedId(id: NodeId, image: Int32Array, context: PermutedFingerprintContext): NodeId {
  const s = context.slotOfIndex[context.topology.ids.indexOf(id)];
  return s < 0 ? id : context.idOfSlot[image[s]];
}
