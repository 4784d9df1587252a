import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dfs } from '../../checker/index.ts';
import type { Params } from '../../specs/index.ts';
import chainReplication, { about } from '../../protocols/chain-replication.ts';
import { check, NONE } from './helpers.ts';

/** The protocol without symmetry reduction: both readers' renamings counted. */
const unreduced = (params: Params = {}) => chainReplication(params).configure({ symmetry: false });

describe('chain-replication (3 servers, a writer, 2 readers reading at the tail)', () => {
  it('is named after its sizes and chains server-1 (head) to server-3 (tail)', () => {
    const model = chainReplication();
    expect(model.name).toBe('ChainReplication(n=3, readers=2)');
    expect(model.topology.ids).toEqual(['writer', 'reader-1', 'reader-2', 'server-1', 'server-2', 'server-3']);
  });

  it.each([
    { flags: 'no faults (reordering only)', env: {}, distinct: 215, generated: 308, depth: 11 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 383, generated: 765, depth: 11 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 2054, generated: 4252, depth: 13 },
    { flags: '--crashes 1 --recover', env: { crashes: 1, recover: true }, distinct: 2574, generated: 5792, depth: 13 },
  ])('Linearizable holds with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth }) => {
    const { result } = check(chainReplication(), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('without symmetry reduction: 425 distinct, 601 generated', () => {
    const { result } = check(unreduced());
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 425, generatedStates: 601, depth: 11 });
  });

  it('two writes (writes=2): 1,163 distinct, and DFS reaches the same states as BFS', () => {
    const { result } = check(chainReplication({ writes: 2 }));
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 1163, generatedStates: 1636, depth: 15 });
    const d = dfs(chainReplication({ writes: 2 }));
    expect(d.verdict).toBe('pass');
    expect(d.stats).toMatchObject({ distinctStates: 1163, generatedStates: 1636 });
    expect(dfs(chainReplication()).stats).toMatchObject({ distinctStates: 215, generatedStates: 308 });
  });

  it('the tail acknowledges a write only after every server holds it', () => {
    const model = chainReplication();
    let state = [...model.init()][0];
    const take = (label: string) => {
      const action = [...model.actions(state)].find((a) => model.describe!(a) === label);
      expect(action, label).toBeDefined();
      state = model.next(state, action!)!;
    };
    take('deliver Write(version=1, value=v1) writer→server-1');
    take('deliver Write(version=1, value=v1) server-1→server-2');
    expect(state.net.map((e) => `${e.msg.type} ${e.from}→${e.to}`)).toEqual(['Write server-2→server-3']);
    take('deliver Write(version=1, value=v1) server-2→server-3');
    expect(['server-1', 'server-2', 'server-3'].map((id) => state.nodes[id])).toEqual(Array(3).fill({ version: 1, value: 'v1' }));
    take('deliver Ack(version=1) server-3→writer');
    expect(state.history).toEqual([
      { kind: 'invoke', client: 'writer', input: { f: 'write', value: 'v1' } },
      { kind: 'respond', client: 'writer', output: null },
    ]);
  });
});

describe('chain-replication, variant read-from-head', () => {
  const variant = (params: Params = {}) => chainReplication({ ...params, variant: 'read-from-head' });
  const LABELS = [
    'deliver Write(version=1, value=v1) writer→server-1',
    'timer read @reader-1 [chose server-1]',
    'deliver Query reader-1→server-1',
    'deliver Reply(value=v1) server-1→reader-1',
    'timer read @reader-2 [chose server-3]',
    'deliver Query reader-2→server-3',
    'deliver Reply(value=null) server-3→reader-2',
  ];

  it('is not linearizable: the head serves a write the tail has not seen, in 7 steps and no fault', () => {
    const { result, labels, faults } = check(variant());
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('Linearizable');
    expect(labels).toEqual(LABELS);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 271, generatedStates: 494, depth: 8 });
    expect(result.violations[0].path.states.at(-1)!.history).toEqual([
      { kind: 'invoke', client: 'writer', input: { f: 'write', value: 'v1' } },
      { kind: 'invoke', client: 'reader-1', input: { f: 'read' } },
      { kind: 'respond', client: 'reader-1', output: 'v1' },
      { kind: 'invoke', client: 'reader-2', input: { f: 'read' } },
      { kind: 'respond', client: 'reader-2', output: null },
    ]);
    const all = check(unreduced({ variant: 'read-from-head' }));
    expect(all.labels).toEqual(LABELS);
    expect(all.result.stats).toMatchObject({ distinctStates: 530, generatedStates: 949, depth: 8 });
  });

  it('CLI: --param variant=read-from-head exits 1 with the 7-step violation', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/chain-replication.ts', '--param', 'variant=read-from-head', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 271, generatedStates: 494, depth: 8 });
    expect(out.violations[0]).toMatchObject({ property: 'Linearizable', length: 7, faults: NONE });
  });
});

describe('chain-replication params', () => {
  it('about lists the params and the variant with its expected verdict', () => {
    expect(Object.keys(about.params)).toEqual(['n', 'readers', 'writes']);
    expect(about.variants['read-from-head'].expect).toBe('violation');
  });

  it('rejects bad sizes and unknown variants with a clear error', () => {
    expect(() => chainReplication({ n: 0 })).toThrow('chain-replication: n must be an integer 1–4, got 0');
    expect(() => chainReplication({ readers: 'x' })).toThrow('chain-replication: readers must be an integer 1–3, got x');
    expect(() => chainReplication({ variant: '__proto__' })).toThrow('chain-replication: unknown variant "__proto__" (known: read-from-head)');
    expect(() => chainReplication({ variant: 'constructor' })).toThrow('chain-replication: unknown variant "constructor"');
  });

  it('a chain of one server is head and tail at once', () => {
    const { result } = check(chainReplication({ n: 1 }));
    expect(result.verdict).toBe('pass');
    expect(check(chainReplication({ n: 1, variant: 'read-from-head' })).result.verdict).toBe('pass');
  });
});

describe('chain-replication reachability goals: the pass is not vacuous', () => {
  it('the write completes in 4 steps and a read at the tail returns v1 in 6', () => {
    const { result } = check(chainReplication());
    expect(result.verdict).toBe('pass');
    expect(result.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['WriteCompletes', 4], ['ReadSeesWrite', 6]]);
    expect(result.unreached).toEqual([]);
  });
});

describe('hostile params on the CLI: one line naming the file, exit 2', () => {
  it.each([
    { spec: 'protocols/chain-replication.ts', param: 'n=99999999999999999999', line: 'faultline: protocols/chain-replication.ts: the spec factory threw: chain-replication: n must be an integer 1–4, got 100000000000000000000 (check the --param values)' },
    { spec: 'protocols/raft.ts', param: 'maxTerm=__proto__', line: 'faultline: protocols/raft.ts: the spec factory threw: raft: maxTerm must be an integer 1–6, got __proto__ (check the --param values)' },
    { spec: 'protocols/abd-register.ts', param: 'variant=\u001b[31mred', line: 'faultline: protocols/abd-register.ts: --param variant=\\u001b[31mred: unknown variant (use one of: correct, no-write-back)' },
  ])('$spec --param $param', ({ spec, param, line }) => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', spec, '--param', param], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(line);
  });
});
