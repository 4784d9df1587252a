import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfs, canonicalJson, dfs } from '../../../checker/index.ts';
import { fingerprint } from '../../../checker/fingerprint.ts';
import { permuteWorld } from '../../../specs/actor/permute-world.ts';
import type { Environment, WorldState } from '../../../specs/index.ts';
import peers from '../../fixtures/specs/symmetric-peers.ts';

const reduced = (n: number, environment: Partial<Environment> = {}) => peers({ n }).configure({ environment });
const unreduced = (n: number, environment: Partial<Environment> = {}) => peers({ n }).configure({ environment, symmetry: false });

describe('symmetry reduction in the actor DSL (symmetric: [role])', () => {
  // Three interchangeable peers: an orbit has up to 3! = 6 worlds, so reduced counts are about a sixth.
  it.each([
    { flags: 'no faults', env: {}, distinct: 1017, generated: 1489, full: 6097, fullGenerated: 8899, depth: 10 },
    { flags: '--crashes 1 --recover', env: { crashes: 1, recover: true }, distinct: 8926, generated: 16358, full: 53545, fullGenerated: 98071, depth: 12 },
    { flags: '--partitions 1', env: { partitions: 1 }, distinct: 5083, generated: 10833, full: 30485, fullGenerated: 64897, depth: 12 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 2221, generated: 4109, full: 13321, fullGenerated: 24619, depth: 10 },
  ])('3 peers, $flags: pass either way, $distinct distinct states reduced against $full', ({ env, distinct, generated, full, fullGenerated, depth }) => {
    const r = bfs(reduced(3, env));
    const u = bfs(unreduced(3, env));
    expect([r.verdict, u.verdict]).toEqual(['pass', 'pass']);
    expect(r.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
    expect(u.stats).toMatchObject({ distinctStates: full, generatedStates: fullGenerated, depth });
    // DFS stores the same representatives.
    expect(dfs(reduced(3, env)).stats).toMatchObject({ distinctStates: distinct, generatedStates: generated });
  });

  it('4 peers: the same 6-step violation with and without reduction (1,752 against 27,110 states)', () => {
    const r = bfs(reduced(4));
    const u = bfs(unreduced(4));
    expect([r.verdict, u.verdict]).toEqual(['violation', 'violation']);
    expect(r.violations[0].property).toBe('nobody hears more than two greetings');
    expect(r.violations[0].path.actions).toHaveLength(6);
    expect(u.violations[0].path.actions).toHaveLength(6);
    expect(r.stats).toMatchObject({ distinctStates: 1752, generatedStates: 2290, depth: 7 });
    expect(u.stats).toMatchObject({ distinctStates: 27110, generatedStates: 35345, depth: 7 });
    // The trace holds real worlds (rebuilt by replay): in the last, one peer heard the other three, in three timer firings and three deliveries.
    const last = (r.violations[0].path.states as WorldState[]).at(-1)!;
    expect(Object.values(last.nodes).map((p) => (p as { log: string[] }).log.length).sort()).toEqual([0, 0, 0, 3]);
  });

  it('a representative is the same for every renaming of a world, and is a fixed point (worlds with clocks, crashes, partitions)', () => {
    const model = reduced(3, { maxTime: 1, skew: 1, crashes: 1, recover: true, partitions: 1 });
    const worlds: WorldState[] = [];
    // Reachable worlds of the unreduced search, to draw from.
    const plain = unreduced(3, { maxTime: 1, skew: 1, crashes: 1, recover: true, partitions: 1 });
    let frontier = [...plain.init()];
    const seen = new Set<string>();
    while (frontier.length > 0 && worlds.length < 3000) {
      const next: WorldState[] = [];
      for (const w of frontier) {
        for (const a of plain.actions(w)) {
          const s = plain.next(w, a)!;
          const key = canonicalJson(s);
          if (seen.has(key)) continue;
          seen.add(key);
          worlds.push(s);
          next.push(s);
        }
      }
      frontier = next;
    }
    const ids = ['peer-1', 'peer-2', 'peer-3'];
    const permutations = [
      ['peer-1', 'peer-3', 'peer-2'],
      ['peer-2', 'peer-1', 'peer-3'],
      ['peer-2', 'peer-3', 'peer-1'],
      ['peer-3', 'peer-1', 'peer-2'],
      ['peer-3', 'peer-2', 'peer-1'],
    ];
    fc.assert(
      fc.property(fc.nat(worlds.length - 1), fc.nat(permutations.length - 1), (i, p) => {
        const w = worlds[i];
        const renaming = new Map(ids.map((id, j) => [id, permutations[p][j]]));
        const renamed = permuteWorld(w, renaming, model.topology, false);
        const rep = canonicalJson(model.representative!(w));
        expect(canonicalJson(model.representative!(renamed))).toBe(rep);
        expect(canonicalJson(model.representative!(model.representative!(w)))).toBe(rep);
        // The fingerprint the search stores is computed without building the representative: it must be the representative's.
        for (const world of [w, renamed]) {
          const got = fingerprint(world);
          model.representativeFingerprint!(world, got);
          expect(got).toEqual(fingerprint(model.representative!(world)));
        }
        // Invariants are symmetric: they hold of a world iff of its representative.
        for (const holds of Object.values(model.invariants!)) expect(holds(model.representative!(w))).toBe(holds(w));
      }),
      { numRuns: 400 },
    );
  });
});
