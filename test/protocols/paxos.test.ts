import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bfs, dfs } from '../../checker/index.ts';
import paxos, { about, chosenValues, type Acceptor } from '../../protocols/paxos.ts';
import { check, NONE } from './helpers.ts';

describe('paxos (3 acceptors, 2 proposers, 1 round each)', () => {
  it('is named Paxos and has 5 nodes', () => {
    const model = paxos();
    expect(model.name).toBe('Paxos');
    expect(model.topology.ids).toEqual(['proposer-1', 'proposer-2', 'acceptor-1', 'acceptor-2', 'acceptor-3']);
  });

  it.each([
    { flags: 'no faults (reordering only)', env: {}, distinct: 6168, generated: 21319, depth: 16 },
    { flags: '--loss', env: { maxDrops: Infinity }, distinct: 32089, generated: 172939, depth: 16 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 84950, generated: 367081, depth: 18 },
    { flags: '--crashes 1 --recover', env: { crashes: 1, recover: true }, distinct: 52164, generated: 214632, depth: 18 },
  ])('Agreement holds with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth }) => {
    const { result } = check(paxos(), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('DFS reaches the same states as BFS with no faults', () => {
    const r = dfs(paxos());
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 6168, generatedStates: 21319 });
  });

  it('chooses a value in some runs: a majority votes at one ballot', () => {
    // The reliable run where proposer-1 wins, delivered in order: the state after it has v1 chosen.
    const model = paxos();
    let state = [...model.init()][0];
    const take = (label: string) => {
      const action = [...model.actions(state)].find((a) => model.describe!(a) === label);
      expect(action, label).toBeDefined();
      state = model.next(state, action!)!;
    };
    take('deliver Prepare(ballot=1) proposer-1→acceptor-1');
    take('deliver Prepare(ballot=1) proposer-1→acceptor-2');
    take('deliver Promise(ballot=1) acceptor-1→proposer-1');
    take('deliver Promise(ballot=1) acceptor-2→proposer-1');
    take('deliver Accept(ballot=1, value=v1) proposer-1→acceptor-1');
    expect(chosenValues(model.world(state).nodes<Acceptor>('acceptor'))).toEqual([]);
    take('deliver Accept(ballot=1, value=v1) proposer-1→acceptor-2');
    expect(chosenValues(model.world(state).nodes<Acceptor>('acceptor'))).toEqual(['v1']);
    // proposer-2 now learns v1 from acceptor-2's promise and proposes it, not v2.
    take('deliver Prepare(ballot=2) proposer-2→acceptor-2');
    take('deliver Prepare(ballot=2) proposer-2→acceptor-3');
    take('deliver Promise(ballot=2, votedBallot=1, votedValue=v1) acceptor-2→proposer-2');
    take('deliver Promise(ballot=2) acceptor-3→proposer-2');
    expect(state.net.filter((e) => e.msg.type === 'Accept').map((e) => e.msg)).toContainEqual({ type: 'Accept', ballot: 2, value: 'v1' });
  });

  it('chosenValues needs a majority at the same ballot', () => {
    const a = (...votes: [number, string][]): Acceptor => ({
      promised: 0,
      accepted: null,
      votes: votes.map(([ballot, value]) => ({ ballot, value })),
    });
    expect(chosenValues([a([1, 'v1']), a([2, 'v1']), a()])).toEqual([]);
    expect(chosenValues([a([1, 'v1']), a([1, 'v1'], [2, 'v2']), a([2, 'v2'])])).toEqual(['v1', 'v2']);
    expect(chosenValues([a([1, 'v1'], [2, 'v1']), a([2, 'v1']), a([1, 'v1'])])).toEqual(['v1']);
  });
});

describe('paxos, variant forget-promise', () => {
  const variant = () => paxos({ variant: 'forget-promise' });

  it('is named after its variant', () => {
    expect(variant().name).toBe('Paxos/forget-promise');
  });

  it('passes without recovery, like the correct protocol', () => {
    expect(check(variant()).result.stats).toMatchObject({ distinctStates: 6168, generatedStates: 21319, depth: 16 });
    const crashStop = check(variant(), { crashes: 1 }).result;
    expect(crashStop.verdict).toBe('pass');
    expect(crashStop.stats).toMatchObject({ distinctStates: 27719, generatedStates: 114166, depth: 17 });
  });

  it('violates Agreement after one crash and one recovery, in 14 steps', () => {
    const { result, labels, faults } = check(variant(), { crashes: 1, recover: true });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('Agreement');
    expect(labels).toEqual([
      'deliver Prepare(ballot=1) proposer-1→acceptor-1',
      'deliver Promise(ballot=1) acceptor-1→proposer-1',
      'deliver Prepare(ballot=1) proposer-1→acceptor-2',
      'deliver Prepare(ballot=2) proposer-2→acceptor-1',
      'deliver Promise(ballot=2) acceptor-1→proposer-2',
      'deliver Prepare(ballot=2) proposer-2→acceptor-3',
      'deliver Promise(ballot=2) acceptor-3→proposer-2',
      'deliver Accept(ballot=2, value=v2) proposer-2→acceptor-1',
      'deliver Accept(ballot=2, value=v2) proposer-2→acceptor-3',
      'crash acceptor-1',
      'recover acceptor-1',
      'deliver Promise(ballot=1) acceptor-2→proposer-1',
      'deliver Accept(ballot=1, value=v1) proposer-1→acceptor-1',
      'deliver Accept(ballot=1, value=v1) proposer-1→acceptor-2',
    ]);
    expect(faults).toEqual({ ...NONE, crashes: 1, recoveries: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 54467, generatedStates: 202957, depth: 15 });
    // v2 was chosen at ballot 2 (acceptor-1, acceptor-3), then v1 at ballot 1 (acceptor-1, acceptor-2):
    // acceptor-1 forgot its promise of ballot 2 and voted at ballot 1.
    const last = result.violations[0].path.states.at(-1)!;
    const acceptors = variant().world(last).nodes<Acceptor>('acceptor');
    expect(chosenValues(acceptors)).toEqual(['v1', 'v2']);
    expect(acceptors[0]).toEqual({
      promised: 1,
      accepted: { ballot: 1, value: 'v1' },
      votes: [
        { ballot: 1, value: 'v1' },
        { ballot: 2, value: 'v2' },
      ],
    });
  });

  it('CLI: --param variant=forget-promise --crashes 1 --recover exits 1 with the 14-step violation', () => {
    const run = spawnSync(
      'node',
      ['bin/faultline.js', 'check', 'protocols/paxos.ts', '--param', 'variant=forget-promise', '--crashes', '1', '--recover', '--json'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 54467, generatedStates: 202957, depth: 15 });
    expect(out.violations[0]).toMatchObject({ property: 'Agreement', length: 14, faults: { ...NONE, crashes: 1, recoveries: 1 } });
  });
});

describe('paxos params', () => {
  it('about lists the params and the variant', () => {
    expect(Object.keys(about.params)).toEqual(['acceptors', 'proposers', 'rounds']);
    expect(Object.keys(about.variants)).toEqual(['forget-promise']);
  });

  it('sizes are parameters: nodes and ballots', () => {
    const model = paxos({ acceptors: 5, proposers: 3, rounds: 2 });
    expect(model.topology.byRole.get('acceptor')).toHaveLength(5);
    expect(model.topology.byRole.get('proposer')).toHaveLength(3);
    const [init] = [...model.init()];
    // Every proposer begins its first ballot at start (ballots 1, 2, 3) and may time out once.
    expect(init.net.filter((e) => e.msg.type === 'Prepare')).toHaveLength(15);
    expect(init.timers).toEqual({ 'proposer-1': { start: true }, 'proposer-2': { start: true }, 'proposer-3': { start: true } });
    const retry = [...model.actions(init)].find((a) => model.describe!(a) === 'timer start @proposer-1')!;
    const after = model.next(init, retry)!;
    expect(after.nodes['proposer-1']).toMatchObject({ round: 2, ballot: 4, phase: 'prepare' });
    expect(after.timers['proposer-1']).toBeUndefined();
  });

  it('rejects an unknown variant and bad sizes with a clear error', () => {
    expect(() => paxos({ variant: 'nope' })).toThrow('paxos: unknown variant "nope" (known: forget-promise)');
    expect(() => paxos({ acceptors: 0 })).toThrow('paxos: acceptors must be a positive integer, got 0');
    expect(() => paxos({ rounds: 'x' })).toThrow('paxos: rounds must be a positive integer, got x');
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(paxos({}));
    expect(r.verdict).toBe('pass');
    expect(r.stats.distinctStates).toBe(6168);
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['Chosen', 6]]);
    expect(r.unreached).toEqual([]);
  });
});
