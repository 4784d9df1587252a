import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintInto, type Fingerprint } from '../../checker/fingerprint.ts';
import { StateCodec } from '../../checker/state-codec.ts';
import { SuccessorFingerprints } from '../../checker/successor-fingerprint.ts';
import { rng } from './seeded-random.ts';

const leaves: unknown[] = [null, undefined, true, false, 0, -0, 1, 2, 200, -7, 0.5, 'a', 'b', 'working', '', [], {}, new Map([[1, 2]]), new Set(['x'])];

/**
 * A successor as a spec's `next` makes one: mostly the parent's own values (the same objects),
 * with some elements and entries replaced, added, removed (at the end or in the middle), set to
 * undefined, or reordered.
 */
function successorOf(parent: unknown, random: () => number, depth = 0): unknown {
  const roll = random();
  if (roll < 0.35 || depth > 6) return parent; // shared as is
  if (roll < 0.45) return leaves[Math.floor(random() * leaves.length)];
  // A frozen part another state had before (as an actor world's local states and envelopes are).
  if (roll < 0.5 && frozenParts.length > 0) return frozenParts[Math.floor(random() * frozenParts.length)];
  const out = changed(parent, random, depth);
  if (out !== parent && out !== null && typeof out === 'object' && random() < 0.3) {
    Object.freeze(out);
    if (frozenParts.length < 64) frozenParts.push(out);
    else frozenParts[Math.floor(random() * 64)] = out;
  }
  return out;
}

/** Frozen values made by earlier successors (hashed, and remembered by identity, before). */
const frozenParts: object[] = [];

function changed(parent: unknown, random: () => number, depth: number): unknown {
  if (Array.isArray(parent)) {
    const out = parent.map((e) => successorOf(e, random, depth + 1));
    if (random() < 0.2) out.push(leaves[Math.floor(random() * leaves.length)]);
    if (random() < 0.2) out.pop();
    // An insertion or removal in the middle moves the later elements by one (a sorted network).
    if (random() < 0.25) out.splice(Math.floor(random() * (out.length + 1)), 0, random() < 0.5 ? leaves[Math.floor(random() * leaves.length)] : out[Math.floor(random() * out.length)]);
    if (random() < 0.25 && out.length > 0) out.splice(Math.floor(random() * out.length), 1);
    if (random() < 0.1) out.reverse();
    return out;
  }
  if (parent !== null && typeof parent === 'object' && Object.getPrototypeOf(parent) === Object.prototype) {
    let entries = Object.entries(parent as Record<string, unknown>).map(([k, v]) => [k, successorOf(v, random, depth + 1)] as [string, unknown]);
    if (random() < 0.2) entries.push([`k${Math.floor(random() * 4)}`, leaves[Math.floor(random() * leaves.length)]]);
    if (random() < 0.2) entries = entries.slice(1);
    if (random() < 0.2 && entries.length > 0) entries[0][1] = undefined;
    if (random() < 0.15) entries.reverse();
    return Object.fromEntries(entries);
  }
  return parent;
}

const parents = fc.jsonValue({ maxDepth: 4 }).chain((v) =>
  fc.constantFrom(v, { state: v, list: [v, 1, 'x'], nested: { a: [v], b: { c: v } } }, { state: v, part: Object.freeze({ x: Object.freeze([1, 'a']) }) }),
);

function viaSuccessors(parentOf: (f: SuccessorFingerprints) => void, successor: unknown): Fingerprint {
  const f = new SuccessorFingerprints();
  parentOf(f);
  const out = { hi: 0, lo: 0 };
  f.fingerprintInto(successor, out);
  return out;
}

describe('SuccessorFingerprints', () => {
  it('gives a successor the fingerprint fingerprintInto gives it, parent recorded by walking', () => {
    fc.assert(
      fc.property(parents, fc.integer(), (parent, seed) => {
        const random = rng(seed);
        const f = new SuccessorFingerprints();
        f.setParent(parent);
        for (let i = 0; i < 8; i++) {
          const successor = successorOf(parent, random);
          const got = { hi: 0, lo: 0 };
          f.fingerprintInto(successor, got);
          expect(got).toEqual(fingerprint(successor));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same fingerprints when the parent is recorded as the frontier decodes it', () => {
    const codec = new StateCodec();
    fc.assert(
      fc.property(parents, fc.integer(), (original, seed) => {
        codec.encode(original);
        const f = new SuccessorFingerprints();
        const parent = codec.decodeRecording(codec.encoded().slice(), 0, f);
        const random = rng(seed);
        for (let i = 0; i < 8; i++) {
          const successor = successorOf(parent, random);
          const got = { hi: 0, lo: 0 };
          f.fingerprintInto(successor, got);
          expect(got).toEqual(fingerprint(successor));
        }
        const own = { hi: 0, lo: 0 };
        f.fingerprintInto(parent, own);
        expect(own).toEqual(fingerprint(original));
      }),
      { numRuns: 1500 },
    );
  });

  it('handles the edge cases by example: a changed kind, holes, Map and Set, key order, no parent', () => {
    const parent = { a: [1, 2, 3], b: { x: 1, y: undefined }, m: new Map([[1, 'a']]), s: new Set([1]), h: [1, , 3] };
    const successors = [
      parent,
      { ...parent, a: { 0: 1, 1: 2, 2: 3 } }, // an object where the parent had an array
      { ...parent, b: [1] },
      { ...parent, b: { y: 2, x: 1 } },
      { ...parent, b: { x: 1, y: undefined, z: undefined } },
      { ...parent, m: new Map([[1, 'b']]) },
      { ...parent, s: new Set([1, 2]) },
      { ...parent, h: [1, undefined, 3] },
      { h: parent.h, s: parent.s, m: parent.m, b: parent.b, a: parent.a },
      [parent],
      'not an object',
    ];
    for (const successor of successors) {
      expect(viaSuccessors((f) => f.setParent(parent), successor)).toEqual(fingerprint(successor));
    }
    const out = { hi: 0, lo: 0 };
    const fresh = new SuccessorFingerprints();
    fresh.fingerprintInto(parent, out);
    expect(out).toEqual(fingerprint(parent));
    fresh.setParent(parent);
    fresh.clearParent();
    const again = { hi: 0, lo: 0 };
    fresh.fingerprintInto(successors[2], again);
    fingerprintInto(successors[2], out);
    expect(again).toEqual(out);
  });
});
