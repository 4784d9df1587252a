import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bfs, dfs } from '../../checker/index.ts';
import type { Params, WorldState } from '../../specs/index.ts';
import quorumKv, { about, noStaleRead } from '../../protocols/quorum-kv.ts';
import { check, NONE } from './helpers.ts';

/** The protocol without symmetry reduction: every renaming of the replicas counted. */
const unreduced = (params: Params = {}) => quorumKv(params).configure({ symmetry: false });

describe('quorum-kv n=3 w=2 r=2 (W+R>N)', () => {
  it('is named after its quorums and has a writer, a reader and 3 replicas', () => {
    const model = quorumKv();
    expect(model.name).toBe('QuorumKV(n=3, w=2, r=2)');
    expect(model.topology.ids).toEqual(['writer', 'reader', 'replica-1', 'replica-2', 'replica-3']);
  });

  // Replicas are symmetric: reduced counts one world per renaming; unreduced counts all.
  it.each([
    { flags: 'no faults (reordering only)', env: {}, distinct: 671, generated: 2105, full: 3331, fullGenerated: 10260, depth: 14 },
    { flags: '--loss', env: { maxDrops: Infinity }, distinct: 3422, generated: 18085, full: 18378, fullGenerated: 96863, depth: 13 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 8178, generated: 32151, full: 45496, fullGenerated: 176859, depth: 16 },
    { flags: '--crashes 1 --recover', env: { crashes: 1, recover: true }, distinct: 5877, generated: 22978, full: 30344, fullGenerated: 117607, depth: 15 },
    { flags: '--max-drops 1 --crashes 1 --recover', env: { maxDrops: 1, crashes: 1, recover: true }, distinct: 16172, generated: 77785, full: 87518, fullGenerated: 415243, depth: 15 },
  ])('NoStaleRead holds with $flags: $distinct distinct, $generated generated, depth $depth ($full distinct without symmetry)', ({ env, distinct, generated, full, fullGenerated, depth }) => {
    const { result } = check(quorumKv(), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
    const all = check(unreduced(), env).result;
    expect(all.verdict).toBe('pass');
    expect(all.stats).toMatchObject({ distinctStates: full, generatedStates: fullGenerated, depth });
  });

  it('NoStaleRead holds with two writes (writes=2)', () => {
    const { result } = check(quorumKv({ writes: 2 }));
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 17006, generatedStates: 66741, depth: 20 });
    expect(check(unreduced({ writes: 2 })).result.stats).toMatchObject({ distinctStates: 95463, generatedStates: 373661, depth: 20 });
  });

  it('DFS reaches the same states as BFS with no faults, with symmetry and without', () => {
    const r = dfs(quorumKv());
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 671, generatedStates: 2105 });
    expect(dfs(unreduced()).stats).toMatchObject({ distinctStates: 3331, generatedStates: 10260 });
  });

  it('DFS reaches the same states as BFS with --crashes 1 --recover', () => {
    const r = dfs(quorumKv().configure({ environment: { crashes: 1, recover: true } }));
    expect(r.stats).toMatchObject({ distinctStates: 5877, generatedStates: 22978 });
  });
});

describe('quorum-kv with W+R≤N reads stale', () => {
  it('n=3 w=1 r=1: a read after a completed write returns null, in 5 steps and no fault', () => {
    const { result, labels, faults } = check(quorumKv({ n: 3, w: 1, r: 1 }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('NoStaleRead');
    expect(labels).toEqual([
      'deliver Write(version=1, value=v1) writer→replica-1',
      'deliver Ack(version=1) replica-1→writer',
      'timer read @reader',
      'deliver Read reader→replica-2',
      'deliver ReadReply(version=0, value=null) replica-2→reader',
    ]);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 48, generatedStates: 104, depth: 6 });
    // The same 5 steps without symmetry reduction.
    const all = check(unreduced({ n: 3, w: 1, r: 1 }));
    expect(all.labels).toEqual(labels);
    expect(all.result.stats).toMatchObject({ distinctStates: 159, generatedStates: 280, depth: 6 });
    expect(result.violations[0].path.states.at(-1)!.history).toEqual([
      { kind: 'invoke', client: 'writer', input: { f: 'write', value: 'v1' } },
      { kind: 'respond', client: 'writer', output: null },
      { kind: 'invoke', client: 'reader', input: { f: 'read' } },
      { kind: 'respond', client: 'reader', output: null },
    ]);
  });

  it('n=3 w=1 r=2: the read quorum misses the one replica written, in 7 steps', () => {
    const { result, labels, faults } = check(quorumKv({ n: 3, w: 1, r: 2 }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('NoStaleRead');
    expect(labels).toEqual([
      'deliver Write(version=1, value=v1) writer→replica-1',
      'deliver Ack(version=1) replica-1→writer',
      'timer read @reader',
      'deliver Read reader→replica-2',
      'deliver Read reader→replica-3',
      'deliver ReadReply(version=0, value=null) replica-2→reader',
      'deliver ReadReply(version=0, value=null) replica-3→reader',
    ]);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 191, generatedStates: 486, depth: 8 });
    expect(check(unreduced({ n: 3, w: 1, r: 2 })).result.stats).toMatchObject({ distinctStates: 821, generatedStates: 1900, depth: 8 });
  });

  it('n=3 w=2 r=1: the one replica read was not written, in 7 steps', () => {
    const { result, labels, faults } = check(quorumKv({ n: 3, w: 2, r: 1 }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('NoStaleRead');
    expect(labels).toEqual([
      'deliver Write(version=1, value=v1) writer→replica-1',
      'deliver Ack(version=1) replica-1→writer',
      'deliver Write(version=1, value=v1) writer→replica-2',
      'deliver Ack(version=1) replica-2→writer',
      'timer read @reader',
      'deliver Read reader→replica-3',
      'deliver ReadReply(version=0, value=null) replica-3→reader',
    ]);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 132, generatedStates: 356, depth: 8 });
    expect(check(unreduced({ n: 3, w: 2, r: 1 })).result.stats).toMatchObject({ distinctStates: 582, generatedStates: 1441, depth: 8 });
  });

  it('n=4 w=2 r=2 (W+R=N): disjoint quorums, in 9 steps', () => {
    const { result, labels, faults } = check(quorumKv({ n: 4, w: 2, r: 2 }));
    expect(result.verdict).toBe('violation');
    expect(labels).toEqual([
      'deliver Write(version=1, value=v1) writer→replica-1',
      'deliver Ack(version=1) replica-1→writer',
      'deliver Write(version=1, value=v1) writer→replica-2',
      'deliver Ack(version=1) replica-2→writer',
      'timer read @reader',
      'deliver Read reader→replica-3',
      'deliver Read reader→replica-4',
      'deliver ReadReply(version=0, value=null) replica-3→reader',
      'deliver ReadReply(version=0, value=null) replica-4→reader',
    ]);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 534, generatedStates: 1994, depth: 10 });
    const all = check(unreduced({ n: 4, w: 2, r: 2 }));
    expect(all.labels).toEqual(labels);
    expect(all.result.stats).toMatchObject({ distinctStates: 7251, generatedStates: 24633, depth: 10 });
  });

  it('CLI: --param n=3 --param w=1 --param r=1 exits 1 with the 5-step stale read', () => {
    const run = spawnSync(
      'node',
      ['bin/faultline.js', 'check', 'protocols/quorum-kv.ts', '--param', 'n=3', '--param', 'w=1', '--param', 'r=1', '--json'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 48, generatedStates: 104, depth: 6 });
    expect(out.violations[0]).toMatchObject({ property: 'NoStaleRead', length: 5, faults: NONE });
  });
});

describe('NoStaleRead', () => {
  const holds = (history: WorldState['history']) => {
    const model = quorumKv();
    const [init] = [...model.init()];
    return noStaleRead(model.world({ ...init, history }));
  };
  const write = (value: string) => [
    { kind: 'invoke' as const, client: 'writer', input: { f: 'write', value } },
    { kind: 'respond' as const, client: 'writer', output: null },
  ];

  it('allows a read concurrent with the write to return the old value', () => {
    expect(
      holds([
        { kind: 'invoke', client: 'reader', input: { f: 'read' } },
        ...write('v1'),
        { kind: 'respond', client: 'reader', output: null },
      ]),
    ).toBe(true);
  });

  it('requires a read that begins after a completed write to return it or newer', () => {
    const read = (output: string | null) => [
      { kind: 'invoke' as const, client: 'reader', input: { f: 'read' } },
      { kind: 'respond' as const, client: 'reader', output },
    ];
    expect(holds([...write('v1'), ...read('v1')])).toBe(true);
    expect(holds([...write('v1'), ...read(null)])).toBe(false);
    expect(holds([...write('v1'), { kind: 'invoke', client: 'writer', input: { f: 'write', value: 'v2' } }, ...read('v2')])).toBe(true);
    expect(holds([...write('v1'), ...write('v2'), ...read('v1')])).toBe(false);
  });
});

describe('quorum-kv params', () => {
  it('about lists the params and the linearizable variant', () => {
    expect(Object.keys(about.params)).toEqual(['n', 'w', 'r', 'writes']);
    expect(Object.keys(about.variants)).toEqual(['linearizable']);
  });

  it('rejects bad quorums and unknown variants with a clear error', () => {
    expect(() => quorumKv({ n: 3, w: 4 })).toThrow('quorum-kv: w must be an integer 1–3, got 4');
    expect(() => quorumKv({ r: 0 })).toThrow('quorum-kv: r must be an integer 1–3, got 0');
    expect(() => quorumKv({ variant: 'sloppy' })).toThrow('quorum-kv: unknown variant "sloppy"');
  });
});

describe('quorum-kv variant linearizable: W+R>N without read repair is not linearizable', () => {
  it('a read sees the new value, a later read the old one, while the write is in flight', () => {
    const model = quorumKv({ variant: 'linearizable' });
    const result = bfs(model);
    expect(result.verdict).toBe('violation');
    expect(result.stats).toMatchObject({ distinctStates: 21184, generatedStates: 78741, depth: 12 });
    const all = bfs(model.configure({ symmetry: false }));
    expect(all.stats).toMatchObject({ distinctStates: 102558, generatedStates: 374699, depth: 12 });
    expect(all.violations[0].path.actionIndices).toEqual(result.violations[0].path.actionIndices);
    const [v] = result.violations;
    expect(v.property).toBe('Linearizable');
    expect(v.path.actions.map((a) => model.describe!(a))).toEqual([
      'deliver Write(version=1, value=v1) writer→replica-1',
      'timer read @reader-1',
      'deliver Read reader-1→replica-1',
      'deliver Read reader-1→replica-2',
      'deliver ReadReply(version=1, value=v1) replica-1→reader-1',
      'deliver ReadReply(version=0, value=null) replica-2→reader-1',
      'timer read @reader-2',
      'deliver Read reader-2→replica-2',
      'deliver Read reader-2→replica-3',
      'deliver ReadReply(version=0, value=null) replica-2→reader-2',
      'deliver ReadReply(version=0, value=null) replica-3→reader-2',
    ]);
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(quorumKv({}));
    expect(r.verdict).toBe('pass');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['Completes', 4]]);
    expect(r.unreached).toEqual([]);
  });
});
