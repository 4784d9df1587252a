import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfs, random, replayLabels, replayPath, shrinkPath, type Path } from '../../checker/index.ts';
import { defineModel, describeAction, type Model } from '../../specs/index.ts';
import dieHard from '../../protocols/die-hard.ts';
import twoGenerals from '../../protocols/two-generals.ts';
import { graphArb, graphModel, reference } from '../fixtures/specs/graph.ts';

const labelsOf = <S, A>(m: Model<S, A>, p: Path<S, A>): string[] => p.actions.map((a) => describeAction(m, a));

/** A path given by labels, taken by index (each label must be enabled). */
function pathOf<S, A>(m: Model<S, A>, labels: string[], initIndex = 0): Path<S, A> {
  const r = replayLabels(m, initIndex, labels);
  expect(r.labels).toEqual(labels.slice(0, r.labels.length));
  return replayPath(m, initIndex, r.actionIndices);
}

/**
 * A counter with faults: `inc` and `dec` when up; `crash` (a fault) when up, `recover` (a fault)
 * when down, `noise` (a fault that changes nothing visible but a tally). Invariant: count < 3.
 */
type Counter = { count: number; up: boolean; noise: number };
const counter = defineModel<Counter, string>({
  name: 'counter',
  init: () => [{ count: 0, up: true, noise: 0 }],
  actions: (s) => (s.up ? ['inc', 'dec', 'crash', 'noise'] : ['recover', 'noise']),
  next: (s, a) => {
    switch (a) {
      case 'inc':
        return { ...s, count: s.count + 1 };
      case 'dec':
        return s.count > 0 ? { ...s, count: s.count - 1 } : undefined;
      case 'crash':
        return { ...s, up: false };
      case 'recover':
        return { ...s, up: true };
      default:
        return { ...s, noise: s.noise + 1 };
    }
  },
  invariants: { Small: (s) => s.count < 3 },
});
const FAULTS = new Set(['crash', 'recover', 'noise']);
const counterWithFaults = Object.assign(Object.create(counter) as typeof counter, {
  faultKind: (a: string) => (FAULTS.has(a) ? 'crashes' : undefined),
});

describe('replayLabels', () => {
  it('takes actions by label, whatever their index, and skips labels not enabled', () => {
    const r = replayLabels(counter, 0, ['noise', 'crash', 'inc', 'recover', 'inc']);
    expect(r.labels).toEqual(['noise', 'crash', 'recover', 'inc']); // inc is not enabled while down
    expect(r.actionIndices).toEqual([3, 2, 0, 0]);
    expect(r.violated).toBeUndefined();
  });

  it('skips a label whose action takes no step, and stops at the first violation', () => {
    const r = replayLabels(counter, 0, ['dec', 'inc', 'inc', 'inc', 'inc', 'inc']);
    expect(r.labels).toEqual(['inc', 'inc', 'inc']);
    expect(r.violated).toBe('Small');
  });

  it('stops at a state the constraint excludes', () => {
    const m = { ...counter, constraint: (s: Counter) => s.count < 1 };
    expect(replayLabels(m, 0, ['inc', 'inc', 'inc']).labels).toEqual(['inc']);
  });
});

describe('shrinkPath', () => {
  it('removes steps that do not matter, replaying the rest by identity', () => {
    const long = pathOf(counter, ['noise', 'inc', 'dec', 'crash', 'noise', 'recover', 'inc', 'noise', 'inc', 'inc']);
    const short = shrinkPath(counter, long, 'Small');
    expect(labelsOf(counter, short)).toEqual(['inc', 'inc', 'inc']);
    expect(short.actionIndices).toEqual([0, 0, 0]);
    expect(short.states.at(-1)!.count).toBe(3);
  });

  it('removes faults first, even when that needs two at once (crash and its recovery)', () => {
    const long = pathOf(counterWithFaults, ['inc', 'crash', 'recover', 'inc', 'inc']);
    expect(labelsOf(counterWithFaults, shrinkPath(counterWithFaults, long, 'Small'))).toEqual(['inc', 'inc', 'inc']);
  });

  it('removes a pair of distant steps that only go together', () => {
    // Steps count only at level 1; "mark" is needed for the violation. The second "up" and the
    // "down" cancel out, but neither can go alone, nor with its neighbours: only as a pair.
    type S = { n: number; level: number; marked: boolean };
    const m = defineModel<S, string>({
      name: 'pair',
      init: () => [{ n: 0, level: 0, marked: false }],
      actions: () => ['up', 'down', 'mark', 'step'],
      next: (s, a) => {
        if (a === 'up') return { ...s, level: s.level + 1 };
        if (a === 'down') return s.level > 0 ? { ...s, level: s.level - 1 } : undefined;
        if (a === 'mark') return { ...s, marked: true };
        return s.level === 1 ? { ...s, n: s.n + 1 } : undefined;
      },
      invariants: { Few: (s) => s.n < 2 || !s.marked },
    });
    const long = pathOf(m, ['up', 'up', 'mark', 'down', 'step', 'step']);
    expect(replayLabels(m, 0, labelsOf(m, long)).violated).toBe('Few');
    expect(labelsOf(m, shrinkPath(m, long, 'Few'))).toEqual(['up', 'mark', 'step', 'step']);
  });

  it('keeps the same property: a candidate whose first violation is another one is rejected', () => {
    type S = { a: number; b: number };
    const m = defineModel<S, string>({
      name: 'two',
      init: () => [{ a: 0, b: 0 }],
      actions: () => ['a', 'b'],
      next: (s, x) => (x === 'a' ? { ...s, a: s.a + 1 } : { ...s, b: s.b + 1 }),
      invariants: { A: (s) => s.a < 2, B: (s) => !(s.b >= 1 && s.a === 0) },
    });
    // b first would violate B at once; the path that violates A goes a, b, a.
    const long = pathOf(m, ['a', 'b', 'a']);
    expect(replayLabels(m, 0, ['a', 'b', 'a']).violated).toBe('A');
    expect(labelsOf(m, shrinkPath(m, long, 'A'))).toEqual(['a', 'a']);
    const viaB = pathOf(m, ['a', 'a']);
    expect(shrinkPath(m, viaB, 'B')).toBe(viaB); // does not violate B: unchanged
  });

  it('DieHard: a padded 12-step solution shrinks to the 6-step one', () => {
    const m = dieHard();
    const raw = pathOf(m, [
      'FillSmall', 'EmptySmall', 'FillBig', 'EmptyBig', 'FillBig', 'BigToSmall',
      'FillSmall', 'EmptySmall', 'EmptySmall', 'BigToSmall', 'FillBig', 'BigToSmall',
    ]);
    expect(raw.states.at(-1)).toEqual({ small: 3, big: 4 });
    const short = shrinkPath(m, raw, 'NotFour');
    expect(labelsOf(m, short)).toEqual(['FillBig', 'BigToSmall', 'EmptySmall', 'BigToSmall', 'FillBig', 'BigToSmall']);
    expect(short.actionIndices).toEqual([1, 5, 2, 5, 1, 5]);
  });

  it('on random graphs: the shrunk path is a real path to a bad node, between the BFS length and the original', () => {
    fc.assert(
      fc.property(graphArb, fc.integer(), (g, seed) => {
        const ref = reference(g);
        if (ref.badDist === undefined) return;
        const m = graphModel(g);
        const r = random(m, { seed, runs: 30, maxDepth: 12, shrink: false });
        if (r.verdict !== 'violation') return;
        const original = r.violations[0].path;
        const short = shrinkPath(m, original, 'NotBad');
        expect(replayPath(m, short.initIndex, short.actionIndices)).toEqual(short);
        expect(short.initIndex).toBe(original.initIndex);
        expect(g.bad).toContain(short.states.at(-1)!.node);
        for (const s of short.states.slice(0, -1)) expect(g.bad).not.toContain(s.node);
        expect(short.actions.length).toBeGreaterThanOrEqual(ref.badDist);
        expect(short.actions.length).toBeLessThanOrEqual(original.actions.length);
        expect(shrinkPath(m, short, 'NotBad')).toEqual(short); // a fixpoint
      }),
      { numRuns: 300 },
    );
  });

  it('on an actor protocol: a BFS trace is a fixpoint; a random walk shrinks to the BFS length, with fewer faults', () => {
    const m = twoGenerals({ rounds: 3 }).configure({ environment: { maxDrops: 2, maxDups: 1 } });
    const shortest = bfs(m).violations[0];
    expect(shrinkPath(m, shortest.path, shortest.property)).toEqual(shortest.path);
    const faults = (p: Path<unknown, unknown>) => labelsOf(m as Model<unknown, unknown>, p).filter((l) => /^(drop|duplicate)/.test(l)).length;
    for (const seed of [1, 2, 3, 4, 5]) {
      const walk = random(m, { seed, shrink: false, faultRate: 'uniform' }).violations[0];
      const short = shrinkPath(m, walk.path, walk.property);
      expect(replayLabels(m, 0, labelsOf(m, short)).violated).toBe(walk.property);
      expect(short.actions.length).toBeLessThanOrEqual(walk.path.actions.length);
      expect(short.actions.length).toBeGreaterThanOrEqual(shortest.path.actions.length);
      expect(faults(short as Path<unknown, unknown>)).toBe(1); // one lost messenger is all it takes
      expect(faults(short as Path<unknown, unknown>)).toBeLessThanOrEqual(faults(walk.path as Path<unknown, unknown>));
    }
  });

  it('respects its replay budget', () => {
    const long = pathOf(counter, ['noise', 'inc', 'dec', 'crash', 'noise', 'recover', 'inc', 'noise', 'inc', 'inc']);
    expect(shrinkPath(counter, long, 'Small', { maxReplays: 0 }).actions.length).toBe(10);
  });
});
