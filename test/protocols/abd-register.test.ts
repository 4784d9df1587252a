import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dfs } from '../../checker/index.ts';
import type { Params } from '../../specs/index.ts';
import abdRegister, { about } from '../../protocols/abd-register.ts';
import { check, NONE } from './helpers.ts';

/** The protocol without symmetry reduction: every renaming of the replicas counted. */
const unreduced = (params: Params = {}) => abdRegister(params).configure({ symmetry: false });

describe('abd-register (3 replicas, a writer, a reader reading twice)', () => {
  it('is named after its sizes and has a writer, a reader and 3 replicas', () => {
    const model = abdRegister();
    expect(model.name).toBe('ABD(n=3, readers=1, reads=2)');
    expect(model.topology.ids).toEqual(['writer', 'reader', 'replica-1', 'replica-2', 'replica-3']);
  });

  it.each([
    { flags: 'no faults (reordering only)', env: {}, distinct: 1535, generated: 4370, depth: 23 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 3198, generated: 11839, depth: 23 },
    { flags: '--crashes 1 --recover', env: { crashes: 1, recover: true }, distinct: 14023, generated: 49435, depth: 25 },
  ])('Linearizable holds with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth }) => {
    const { result } = check(abdRegister(), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('without symmetry reduction: 8,823 distinct; DFS reaches the same states as BFS', () => {
    const all = check(unreduced()).result;
    expect(all.verdict).toBe('pass');
    expect(all.stats).toMatchObject({ distinctStates: 8823, generatedStates: 25290, depth: 23 });
    const d = dfs(abdRegister());
    expect(d.verdict).toBe('pass');
    expect(d.stats).toMatchObject({ distinctStates: 1535, generatedStates: 4370 });
  });

  it('a read writes back what it returns before returning it', () => {
    const model = abdRegister();
    // The writer's majority is chosen at start: one initial state per majority.
    const inits = [...model.init()];
    expect(inits.map((s) => s.net.map((e) => e.to))).toEqual([
      ['replica-1', 'replica-2'],
      ['replica-1', 'replica-3'],
      ['replica-2', 'replica-3'],
    ]);
    let state = inits[0];
    const take = (label: string) => {
      const action = [...model.actions(state)].find((a) => model.describe!(a) === label);
      expect(action, label).toBeDefined();
      state = model.next(state, action!)!;
    };
    take('deliver Write(version=1, value=v1) writer→replica-1');
    take('timer read @reader [chose ["replica-1","replica-2"]]');
    take('deliver Read(read=1) reader→replica-1');
    take('deliver Read(read=1) reader→replica-2');
    take('deliver ReadReply(read=1, version=1, value=v1) replica-1→reader');
    take('deliver ReadReply(read=1, version=0, value=null) replica-2→reader [chose ["replica-2","replica-3"]]');
    expect(state.nodes.reader).toMatchObject({ phase: 'write-back', chosen: { version: 1, value: 'v1' } });
    expect(state.history?.filter((e) => e.client === 'reader')).toEqual([{ kind: 'invoke', client: 'reader', input: { f: 'read' } }]);
    take('deliver WriteBack(read=1, version=1, value=v1) reader→replica-2');
    take('deliver WriteBack(read=1, version=1, value=v1) reader→replica-3');
    expect(['replica-2', 'replica-3'].map((id) => state.nodes[id])).toEqual([
      { version: 1, value: 'v1' },
      { version: 1, value: 'v1' },
    ]);
    take('deliver WriteBackAck(read=1) replica-2→reader');
    take('deliver WriteBackAck(read=1) replica-3→reader');
    expect(state.history?.at(-1)).toEqual({ kind: 'respond', client: 'reader', output: 'v1' });
  });
});

describe('abd-register, variant no-write-back', () => {
  const LABELS = [
    'deliver Write(version=1, value=v1) writer→replica-1',
    'timer read @reader [chose ["replica-1","replica-2"]]',
    'deliver Read(read=1) reader→replica-1',
    'deliver Read(read=1) reader→replica-2',
    'deliver ReadReply(read=1, version=1, value=v1) replica-1→reader',
    'deliver ReadReply(read=1, version=0, value=null) replica-2→reader',
    'timer read @reader [chose ["replica-2","replica-3"]]',
    'deliver Read(read=2) reader→replica-2',
    'deliver Read(read=2) reader→replica-3',
    'deliver ReadReply(read=2, version=0, value=null) replica-2→reader',
    'deliver ReadReply(read=2, version=0, value=null) replica-3→reader',
  ];

  it('is not linearizable: v1, then null, in 11 steps and no fault', () => {
    const { result, labels, faults } = check(abdRegister({ variant: 'no-write-back' }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('Linearizable');
    expect(labels).toEqual(LABELS);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 470, generatedStates: 1085, depth: 12 });
    const reads = result.violations[0].path.states.at(-1)!.history!.filter((e) => e.kind === 'respond' && e.client === 'reader');
    expect(reads.map((e) => e.kind === 'respond' && e.output)).toEqual(['v1', null]);
    const all = check(unreduced({ variant: 'no-write-back' }));
    expect(all.labels).toEqual(LABELS);
    expect(all.result.stats).toMatchObject({ distinctStates: 2385, generatedStates: 5478, depth: 12 });
  });

  it('CLI: --param variant=no-write-back exits 1 with the 11-step violation', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/abd-register.ts', '--param', 'variant=no-write-back', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 470, generatedStates: 1085, depth: 12 });
    expect(out.violations[0]).toMatchObject({ property: 'Linearizable', length: 11, faults: NONE });
  });
});

describe('abd-register params', () => {
  it('about lists the params and the variant with its expected verdict', () => {
    expect(Object.keys(about.params)).toEqual(['n', 'readers', 'reads', 'writes']);
    expect(about.variants['no-write-back'].expect).toBe('violation');
  });

  it('rejects bad sizes and unknown variants with a clear error', () => {
    expect(() => abdRegister({ n: 6 })).toThrow('abd-register: n must be an integer 1–5, got 6');
    expect(() => abdRegister({ reads: 1.5 })).toThrow('abd-register: reads must be an integer 1–3, got 1.5');
    expect(() => abdRegister({ variant: '__proto__' })).toThrow('abd-register: unknown variant "__proto__" (known: no-write-back)');
    expect(() => abdRegister({ variant: 'toString' })).toThrow('abd-register: unknown variant "toString"');
  });

  it('a lone replica is every majority', () => {
    const { result } = check(abdRegister({ n: 1, variant: 'no-write-back' }));
    expect(result.verdict).toBe('pass');
    expect(check(abdRegister({ n: 1 })).result.verdict).toBe('pass');
  });
});

describe('abd-register reachability goals: the pass is not vacuous', () => {
  it('the write completes in 4 steps and a read returns v1 in 10', () => {
    const { result } = check(abdRegister());
    expect(result.verdict).toBe('pass');
    expect(result.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['WriteCompletes', 4], ['ReadSeesWrite', 10]]);
    expect(result.unreached).toEqual([]);
  });
});
