import { renameIds, type Renaming } from './rename-ids.ts';
import { hashValue, laneA, laneB } from '../fingerprint.ts';
import { collectIds, maskedHash } from './masked-hash.ts';
import type { NodeId } from './types.ts';

/**
 * What symmetry reduction knows of one part of a world (a local state, a timer record, an
 * envelope, a history event), remembered per object: parts are immutable and shared by
 * many worlds, so each is looked up once per world and hashed once per id it names.
 */
export interface PartEntry {
  /** The symmetric ids the part names, in the order first found. */
  readonly ids: readonly NodeId[];
  /** Their slots (see {@link PartCache}), in the same order. */
  readonly slots: Int32Array;
  /** Masked hashes by the slot of the id hashed as "self", plus one (0: none; see {@link maskedHash}). */
  readonly codes: (number | undefined)[];
  /** The part with its ids renamed, by the images of its slots. */
  renamed: Map<number | string, RenamedPart> | undefined;
}

/** A part with its ids renamed, and its fingerprint lanes (see specs/fingerprint.ts). */
export interface RenamedPart {
  readonly value: unknown;
  readonly a: number;
  readonly b: number;
}

/** How a kind of part is renamed: {@link renameIds}, or a variant that also reseals it. */
export type Rename = (value: any, renaming: Renaming) => unknown;

const NO_IDS: readonly NodeId[] = [];
const NO_SLOTS = new Int32Array(0);

/**
 * The {@link PartEntry} of every part seen, in a WeakMap: an entry lives as long as its part.
 * Symmetric ids are numbered by slot (0 … count - 1).
 */
export class PartCache {
  private readonly entries = new WeakMap<object, PartEntry>();
  /** Whether a part's slot images fit one number as base-`count` digits (exactly, within 52 bits). */
  private readonly maxNumericIds: number;

  constructor(
    private readonly roleOf: ReadonlyMap<NodeId, string>,
    private readonly slotOf: ReadonlyMap<NodeId, number>,
    /** Each slot's id. */
    private readonly idOfSlot: readonly NodeId[],
  ) {
    this.maxNumericIds = Math.floor(52 / Math.log2(slotOf.size + 1));
  }

  /** The entry of an object part. */
  entry(value: object): PartEntry {
    let entry = this.entries.get(value);
    if (entry === undefined) {
      const found = new Set<NodeId>();
      collectIds(value, this.roleOf, found);
      const ids = found.size === 0 ? NO_IDS : [...found];
      const slots = ids.length === 0 ? NO_SLOTS : Int32Array.from(ids, (id) => this.slotOf.get(id)!);
      entry = { ids, slots, codes: [], renamed: undefined };
      this.entries.set(value, entry);
    }
    return entry;
  }

  /** The symmetric ids `value` names. */
  ids(value: unknown): readonly NodeId[] {
    if (typeof value === 'string') return this.roleOf.has(value) ? [value] : NO_IDS;
    if (value === null || typeof value !== 'object') return NO_IDS;
    return this.entry(value).ids;
  }

  /** `value` hashed with the symmetric id `self` (if any) marked and the other symmetric ids masked. */
  code(value: unknown, self: NodeId | undefined): number {
    if (value === null || typeof value !== 'object') return maskedHash(value, { roleOf: this.roleOf, self });
    return this.codeOf(this.entry(value), value, self);
  }

  /** {@link code} for a part whose entry is at hand. */
  codeOf(entry: PartEntry, value: object, self: NodeId | undefined): number {
    const at = self === undefined ? 0 : this.slotOf.get(self)! + 1;
    let code = entry.codes[at];
    if (code === undefined) {
      code = maskedHash(value, { roleOf: this.roleOf, self });
      entry.codes[at] = code;
    }
    return code;
  }

  /**
   * `value` with its ids renamed by `rename` (the symmetric id of slot s becomes that of slot
   * `image[s]`; a part that names no moved id is itself), with its fingerprint lanes. Cached
   * per part and images of its ids: the copy is shared by every world that holds it.
   */
  renamed(value: unknown, image: Int32Array, rename: Rename = renameIds): RenamedPart {
    if (value === null || typeof value !== 'object') return renamedPart(rename(value, this.renaming(image)));
    const entry = this.entry(value);
    const { slots } = entry;
    // The images of the part's slots, as one key: digits in base (count + 1), else text.
    let key: number | string;
    if (slots.length <= this.maxNumericIds) {
      const base = this.slotOf.size + 1;
      let k = 0;
      for (let i = 0; i < slots.length; i++) k = k * base + image[slots[i]] + 1;
      key = k;
    } else {
      key = Array.from(slots, (s) => image[s]).join(',');
    }
    let renamed = entry.renamed;
    if (renamed === undefined) entry.renamed = renamed = new Map();
    let part = renamed.get(key);
    if (part === undefined) {
      let moved = false;
      for (let i = 0; i < slots.length; i++) if (image[slots[i]] !== slots[i]) moved = true;
      part = renamedPart(moved ? rename(value, this.renaming(image)) : value);
      renamed.set(key, part);
    }
    return part;
  }

  /** `image` as a renaming of ids (only the ids that move). */
  renaming(image: Int32Array): Renaming {
    const renaming = new Map<NodeId, NodeId>();
    for (let s = 0; s < image.length; s++) if (image[s] !== s) renaming.set(this.idOfSlot[s], this.idOfSlot[image[s]]);
    return renaming;
  }
}

function renamedPart(value: unknown): RenamedPart {
  hashValue(value);
  return { value, a: laneA(), b: laneB() };
}
