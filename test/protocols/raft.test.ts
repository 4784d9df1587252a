import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dfs } from '../../checker/index.ts';
import type { Environment, Params, WorldState } from '../../specs/index.ts';
import raft, { about, appliedAgree, logsMatch, oneLeaderPerTerm, type Server } from '../../protocols/raft.ts';
import { check, NONE } from './helpers.ts';

/** The protocol without symmetry reduction: every renaming of the servers counted. */
const unreduced = (params: Params = {}) => raft(params).configure({ symmetry: false });

/** Walks `labels` from the initial state, failing on a label that is not enabled. */
function walk(params: Params, labels: readonly string[]) {
  const model = raft(params);
  let state: WorldState = [...model.init()][0];
  const states = [state];
  for (const label of labels) {
    const action = [...model.actions(state)].find((a) => model.describe!(a) === label);
    expect(action, label).toBeDefined();
    state = model.next(state, action!)!;
    states.push(state);
  }
  return { model, states };
}

describe('raft (3 servers, terms up to 2, one entry)', () => {
  it('is named after its bounds and has 3 servers', () => {
    const model = raft();
    expect(model.name).toBe('Raft(servers=3, maxTerm=2, maxLog=1)');
    expect(model.topology.ids).toEqual(['server-1', 'server-2', 'server-3']);
    expect(model.symmetry).toEqual({ roles: ['server'], reduced: true });
  });

  it.each<{ config: string; params: Params; env: Partial<Environment>; distinct: number; generated: number; depth: number }>([
    { config: 'maxTerm=1', params: { maxTerm: 1 }, env: {}, distinct: 144, generated: 383, depth: 13 },
    { config: 'maxTerm=1 --crashes 1 --recover', params: { maxTerm: 1 }, env: { crashes: 1, recover: true }, distinct: 851, generated: 2621, depth: 14 },
    { config: 'maxTerm=1 --max-dups 1', params: { maxTerm: 1 }, env: { maxDups: 1 }, distinct: 1062, generated: 3673, depth: 15 },
    { config: 'maxTerm=1 --max-drops 1', params: { maxTerm: 1 }, env: { maxDrops: 1 }, distinct: 404, generated: 1306, depth: 13 },
    { config: 'maxTerm=1 --partitions 1', params: { maxTerm: 1 }, env: { partitions: 1 }, distinct: 698, generated: 2008, depth: 15 },
    { config: 'maxLog=0 (elections only)', params: { maxLog: 0 }, env: {}, distinct: 4134, generated: 21432, depth: 17 },
  ])('the four properties hold with $config: $distinct distinct, $generated generated, depth $depth', ({ params, env, distinct, generated, depth }) => {
    const { result } = check(raft(params), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('DFS reaches the same states as BFS (maxTerm=1; maxLog=0), and symmetry merges renamings', () => {
    expect(dfs(raft({ maxTerm: 1 })).stats).toMatchObject({ distinctStates: 144, generatedStates: 383 });
    expect(dfs(raft({ maxLog: 0 })).stats).toMatchObject({ distinctStates: 4134, generatedStates: 21432 });
    expect(check(unreduced({ maxTerm: 1 })).result.stats).toMatchObject({ distinctStates: 803, generatedStates: 2125, depth: 13 });
  });

  it('elects a leader, replicates and commits its entry in some run (the pass is not vacuous)', () => {
    const { model, states } = walk({ maxTerm: 1 }, [
      'timer timeout @server-1',
      'deliver RequestVote(term=1, lastLogIndex=0, lastLogTerm=0) server-1→server-2',
      'deliver Vote(term=1) server-2→server-1',
      'timer request @server-1',
      'deliver AppendEntries(term=1, entries=[1], commit=0) server-1→server-2',
      'deliver AppendReply(term=1, match=1) server-2→server-1',
    ]);
    const leader = model.world(states.at(-1)!).node<Server>('server-1');
    expect(leader).toMatchObject({ role: 'leader', term: 1, log: [1], commit: 1, applied: [1], committed: { term: 1, entries: [1] } });
  });
});

describe('raft, variant vote-not-persisted', () => {
  it('elects two leaders in term 1 after one crash and recovery, in 8 steps', () => {
    const { result, labels, faults } = check(raft({ variant: 'vote-not-persisted' }), { crashes: 1, recover: true });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('ElectionSafety');
    expect(labels).toEqual([
      'timer timeout @server-1',
      'deliver RequestVote(term=1, lastLogIndex=0, lastLogTerm=0) server-1→server-2',
      'deliver Vote(term=1) server-2→server-1',
      'crash server-2',
      'recover server-2',
      'timer timeout @server-2',
      'deliver RequestVote(term=1, lastLogIndex=0, lastLogTerm=0) server-2→server-3',
      'deliver Vote(term=1) server-3→server-2',
    ]);
    expect(faults).toEqual({ ...NONE, crashes: 1, recoveries: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 4112, generatedStates: 9564, depth: 9 });
  });

  it('passes without recovery: a crash-stopped voter cannot vote again', () => {
    const { result } = check(raft({ variant: 'vote-not-persisted', maxTerm: 1 }), { crashes: 1 });
    expect(result.verdict).toBe('pass');
  });
});

describe('raft, variant no-up-to-date-check', () => {
  it('a candidate with an empty log wins after an entry was committed, in 9 steps', () => {
    const { result, labels, faults } = check(raft({ variant: 'no-up-to-date-check' }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('LeaderCompleteness');
    expect(labels).toEqual([
      'timer timeout @server-1',
      'deliver RequestVote(term=1, lastLogIndex=0, lastLogTerm=0) server-1→server-2',
      'deliver Vote(term=1) server-2→server-1',
      'timer request @server-1',
      'deliver AppendEntries(term=1, entries=[1], commit=0) server-1→server-3',
      'deliver AppendReply(term=1, match=1) server-3→server-1',
      'timer timeout @server-2',
      'deliver RequestVote(term=2, lastLogIndex=0, lastLogTerm=0) server-2→server-1',
      'deliver Vote(term=2) server-1→server-2',
    ]);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 2236, generatedStates: 6117, depth: 10 });
  });

  it('CLI: --param variant=no-up-to-date-check exits 1 with the 9-step violation', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/raft.ts', '--param', 'variant=no-up-to-date-check', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.stats).toMatchObject({ distinctStates: 2236, generatedStates: 6117, depth: 10 });
    expect(out.violations[0]).toMatchObject({ property: 'LeaderCompleteness', length: 9, faults: NONE });
  });
});

describe('raft, variant figure-8 (maxTerm=4, at most 4 messages in flight, FIFO links)', () => {
  // Four terms are needed, and the full search at maxTerm=4 takes minutes: these bounds keep it to seconds.
  const BOUNDS = { maxInFlight: 4, fifo: true };
  const FIGURE_8 = [
    'timer timeout @server-1',
    'deliver RequestVote(term=1, lastLogIndex=0, lastLogTerm=0) server-1→server-2',
    'deliver Vote(term=1) server-2→server-1',
    'timer timeout @server-2',
    'deliver RequestVote(term=2, lastLogIndex=0, lastLogTerm=0) server-2→server-3',
    'deliver RequestVote(term=1, lastLogIndex=0, lastLogTerm=0) server-1→server-3',
    'deliver Vote(term=2) server-3→server-2',
    'timer request @server-1',
    'deliver AppendEntries(term=1, entries=[1], commit=0) server-1→server-2',
    'deliver AppendEntries(term=1, entries=[1], commit=0) server-1→server-3',
    'deliver RequestVote(term=2, lastLogIndex=0, lastLogTerm=0) server-2→server-1',
    'timer timeout @server-1',
    'deliver RequestVote(term=3, lastLogIndex=1, lastLogTerm=1) server-1→server-3',
    'deliver Vote(term=3) server-3→server-1',
    'deliver AppendEntries(term=3, entries=[1], commit=0) server-1→server-3',
    'deliver AppendReply(term=3, match=1) server-3→server-1',
    'timer request @server-2',
    'deliver RequestVote(term=3, lastLogIndex=1, lastLogTerm=1) server-1→server-2',
    'deliver AppendEntries(term=2, entries=[2], commit=0) server-2→server-3',
    'timer timeout @server-2',
    'deliver RequestVote(term=4, lastLogIndex=1, lastLogTerm=2) server-2→server-3',
    'deliver Vote(term=4) server-3→server-2',
  ];

  it("a leader of term 3 commits term 1's entry by counting replicas; the leader of term 4 lacks it: 22 steps", () => {
    const { result, labels, faults } = check(raft({ variant: 'figure-8', maxTerm: 4 }), BOUNDS);
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('LeaderCompleteness');
    expect(labels).toEqual(FIGURE_8);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 36315, generatedStates: 65857, depth: 23 });
    const model = raft({ variant: 'figure-8', maxTerm: 4 });
    const last = model.world(result.violations[0].path.states.at(-1)!);
    expect(last.node<Server>('server-1')).toMatchObject({ term: 3, log: [1], applied: [1], committed: { term: 3, entries: [1] } });
    expect(last.node<Server>('server-2')).toMatchObject({ role: 'leader', term: 4, log: [2] });
  });

  it('the correct protocol passes under the same bounds, and on the same steps does not commit the old entry', () => {
    const { result } = check(raft({ maxTerm: 4 }), BOUNDS);
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 48215, generatedStates: 98660, depth: 35 });
    const { model, states } = walk({ maxTerm: 4 }, FIGURE_8.slice(0, 16));
    expect(model.world(states.at(-1)!).node<Server>('server-1')).toMatchObject({ role: 'leader', term: 3, log: [1], commit: 0, committed: null });
  });
});

describe('raft properties', () => {
  const server = (log: number[], applied: number[] = [], role: Server['role'] = 'follower', term = 1): Server => ({
    term, votedFor: null, log, role, votes: {}, match: {}, commit: 0, applied, committed: null,
  });

  it('LogMatching: the same entry at an index means the same entries before it', () => {
    expect(logsMatch([[1, 2], [1, 2, 2], []])).toBe(true);
    expect(logsMatch([[1, 3], [2, 3]])).toBe(false);
    expect(logsMatch([[1, 2], [1, 3]])).toBe(true);
  });

  it('StateMachineSafety and ElectionSafety', () => {
    expect(appliedAgree([server([], [1]), server([], [1, 2])])).toBe(true);
    expect(appliedAgree([server([], [1]), server([], [2])])).toBe(false);
    expect(oneLeaderPerTerm([server([], [], 'leader', 1), server([], [], 'leader', 2)])).toBe(true);
    expect(oneLeaderPerTerm([server([], [], 'leader', 1), server([], [], 'leader', 1)])).toBe(false);
  });
});

describe('raft params', () => {
  it('about lists the params and the three twins with their flags', () => {
    expect(Object.keys(about.params)).toEqual(['servers', 'maxTerm', 'maxLog']);
    expect(Object.keys(about.variants)).toEqual(['vote-not-persisted', 'figure-8', 'no-up-to-date-check']);
    expect(about.variants['figure-8'].flags).toEqual(['--param', 'maxTerm=4', '--max-in-flight', '4', '--fifo']);
  });

  it('rejects bad bounds and unknown variants with a clear error', () => {
    expect(() => raft({ servers: 0 })).toThrow('raft: servers must be an integer 1–5, got 0');
    expect(() => raft({ maxTerm: 7 })).toThrow('raft: maxTerm must be an integer 1–6, got 7');
    expect(() => raft({ maxLog: '1e9' })).toThrow('raft: maxLog must be an integer 0–4, got 1e9');
    expect(() => raft({ variant: '__proto__' })).toThrow('raft: unknown variant "__proto__" (known: vote-not-persisted, figure-8, no-up-to-date-check)');
    expect(() => raft({ variant: 'constructor' })).toThrow('raft: unknown variant "constructor"');
  });

  it('a lone server elects itself and commits alone', () => {
    const { result } = check(raft({ servers: 1 }));
    expect(result.verdict).toBe('pass');
  });
});

describe('raft reachability goals: the pass is not vacuous', () => {
  it('a leader is elected in 3 steps and an entry committed in 6 (maxTerm=1); with maxLog=0 only the election is a goal', () => {
    const { result } = check(raft({ maxTerm: 1 }));
    expect(result.verdict).toBe('pass');
    expect(result.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['LeaderElected', 3], ['EntryCommitted', 6]]);
    expect(result.unreached).toEqual([]);
    const elections = check(raft({ maxLog: 0 })).result;
    expect(elections.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['LeaderElected', 3]]);
    expect(elections.unreached).toEqual([]);
  });
});
