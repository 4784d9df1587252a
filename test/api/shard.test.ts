import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check, mergeReports, parseShard, parseShardReport, type CheckReport } from '../../api/index.ts';
import { planShard } from '../../api/shard.ts';
import { checker } from '../../checker/index.ts';
import paxos from '../../protocols/paxos.ts';
import twoPhase from '../../protocols/two-phase.ts';
import twoPhaseCommit from '../../protocols/two-phase-commit.ts';
import { canonicalJson, type Model } from '../../specs/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-shards-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The model with an invariant that records the canonical key of every state it is checked in. */
function recording<S, A>(model: Model<S, A>, seen: Set<string>): Model<S, A> {
  const key = model.representative ? (s: S) => canonicalJson(model.representative!(s)) : (s: S) => canonicalJson(s);
  const m: Model<S, A> = Object.create(model);
  m.invariants = { ...model.invariants, record: (s: S) => (seen.add(key(s)), true) };
  return m;
}

describe('exhaustive shards explore every reachable state together', () => {
  const zoo: [string, Model<any, any>][] = [
    ['TwoPhase rm=4', twoPhase({ rm: 4 })],
    ['paxos', paxos()],
    ['two-phase-commit --crashes 1 --recover', twoPhaseCommit().configure({ environment: { crashes: 1, recover: true } })],
  ];
  it.each(zoo)('%s: the union of 3 shards is the unsharded state set; each shard explores part of it', (_name, model) => {
    const whole = new Set<string>();
    const result = checker(recording(model, whole)).bfs();
    expect(result.verdict).toBe('pass');
    expect(whole.size).toBe(result.stats.distinctStates);
    const union = new Set<string>();
    const owned: number[] = [];
    for (let index = 1; index <= 3; index++) {
      const seen = new Set<string>();
      const plan = planShard(recording(model, seen), { index, count: 3 });
      expect(checker(plan.model).bfs().verdict).toBe('pass');
      owned.push(plan.report.ownStates!);
      expect(seen.size).toBeLessThan(whole.size);
      for (const k of seen) union.add(k);
    }
    expect(union).toEqual(whole);
    expect(owned.reduce((a, b) => a + b)).toBe(planShard(model, { index: 1, count: 3 }).report.splitStates);
  });

  it('pins the split: TwoPhase rm=4 (1,568 states) splits at depth 2 (36 states after 10), dealt 9/15/12; the shards explore 4,179 states', async () => {
    const reports = [];
    for (let k = 1; k <= 3; k++) reports.push(await check(twoPhase({ rm: 4 }), { shard: `${k}/3` }));
    expect(reports.map((r) => r.shard)).toEqual([
      { index: 1, count: 3, splitDepth: 2, splitStates: 36, ownStates: 9, prefixStates: 10 },
      { index: 2, count: 3, splitDepth: 2, splitStates: 36, ownStates: 15, prefixStates: 10 },
      { index: 3, count: 3, splitDepth: 2, splitStates: 36, ownStates: 12, prefixStates: 10 },
    ]);
    expect(reports.map((r) => [r.result, r.stats.distinctStates, r.stats.depth])).toEqual(SHARD_COUNTS);
    const merged = mergeReports(reports.map((report, i) => ({ source: `shard-${i + 1}`, report })));
    expect(merged.result).toBe('pass');
    expect(merged.stats).toMatchObject({ distinctStates: 4179, depth: 14, includesOverlap: true });
  });

  it('a violation found by a shard is shortest and replays from a real initial state', async () => {
    const whole = await check(twoPhase({ rm: 3, variant: 'commit-early' }));
    const shards = [];
    for (let k = 1; k <= 4; k++) shards.push(await check(twoPhase({ rm: 3, variant: 'commit-early' }), { shard: `${k}/4`, splitDepth: 2 }));
    const merged = mergeReports(shards.map((report, i) => ({ source: `s${i + 1}`, report })));
    expect(merged.result).toBe('violation');
    expect(merged.violations[0].length).toBe(whole.violations[0].length);
    expect(merged.violations[0].length).toBe(3);
    for (const v of merged.violations) {
      expect(v.trace.steps.length).toBe(v.length);
      expect(v.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('refuses what a shard cannot do, in one line', async () => {
    await expect(check(path.join(ROOT, 'protocols/consensus-wait-all.ts'), { shard: '1/2', lint: false })).rejects.toThrow(/--shard checks safety only; this spec declares liveness properties \(Termination\)/);
    await expect(check(twoPhase(), { shard: '1/2', minimize: 'faults' })).rejects.toThrow(/--shard and --minimize faults do not combine/);
    await expect(check(twoPhase(), { shard: '1/2', coverage: true })).rejects.toThrow(/--shard and --coverage/);
    await expect(check(twoPhase(), { shard: '3/2' })).rejects.toThrow(/--shard 3\/2: the shard must be 1–2/);
  });
});

/** TwoPhase rm=4 has 1,568 states; its confluent state space makes the shards overlap (4,179 together). */
const SHARD_COUNTS = [
  ['pass', 1320, 14],
  ['pass', 1422, 14],
  ['pass', 1437, 14],
];

describe('random shards deal out the walks and seeds', () => {
  it('shard K runs its share of the walks from its own seed, reproducibly', async () => {
    const runs = [];
    for (let k = 1; k <= 3; k++) runs.push(await check(twoPhase({ rm: 3 }), { strategy: 'random', seed: 42, runs: 100, shard: `${k}/3` }));
    expect(runs.map((r) => r.random!.runs)).toEqual([34, 33, 33]);
    const seeds = runs.map((r) => r.shard!.seed);
    expect(new Set(seeds).size).toBe(3);
    expect(runs.map((r) => r.random!.seed)).toEqual(seeds);
    const again = await check(twoPhase({ rm: 3 }), { strategy: 'random', seed: 42, runs: 100, shard: '2/3' });
    expect(again.shard!.seed).toBe(seeds[1]);
    // Every walk passes, which proves nothing: each shard and the merge stay incomplete.
    const merged = mergeReports(runs.map((report, i) => ({ source: `r${i + 1}`, report })));
    expect(merged.result).toBe('incomplete');
  });
});

describe('--shard', () => {
  it('reads K/N and the Kubernetes Indexed Job environment', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '0', FAULTLINE_SHARDS: '4' })).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('auto', {})).toThrow(/set JOB_COMPLETION_INDEX .* and FAULTLINE_SHARDS/);
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '4', FAULTLINE_SHARDS: '4' })).toThrow(/the shard must be 1–4/);
    for (const bad of ['0/3', '1/0', 'x', '1/2/3', '-1/2', '1.5/2']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });
});

describe('merging reports', () => {
  const base = (index: number, count: number, over: Partial<CheckReport> = {}): CheckReport => ({
    result: 'pass',
    stats: { distinctStates: 10 * index, generatedStates: 20, depth: 3 + index, seconds: 0.1 },
    violations: [],
    spec: { name: 'M', params: {} },
    warnings: [],
    shard: { index, count, splitDepth: 1, splitStates: 4, ownStates: 2, prefixStates: 1 },
    ...over,
  });

  it('all shards passing is a pass; one missing or incomplete is incomplete, never a pass', () => {
    expect(mergeReports([base(1, 2), base(2, 2)].map((report, i) => ({ source: `f${i}`, report })))).toMatchObject({
      result: 'pass',
      stats: { distinctStates: 30, generatedStates: 40, depth: 5, includesOverlap: true },
      missing: [],
    });
    expect(mergeReports([{ source: 'f1', report: base(1, 3) }])).toMatchObject({ result: 'incomplete', missing: [2, 3], incomplete: 'missing shards 2, 3 of 3' });
    const stopped = base(2, 2, { result: 'incomplete', incomplete: 'timeout' });
    expect(mergeReports([base(1, 2), stopped].map((report, i) => ({ source: `f${i}`, report })))).toMatchObject({ result: 'incomplete', incomplete: 'shard 2 (timeout) stopped early' });
  });

  it('refuses reports of different checks, duplicate shards and non-shards, naming the file', () => {
    expect(() => mergeReports([{ source: 'a.json', report: base(1, 2) }, { source: 'b.json', report: base(2, 3) }])).toThrow(/b.json: shard 2\/3 is not one of 2 shards like a.json/);
    expect(() => mergeReports([{ source: 'a.json', report: base(1, 2) }, { source: 'b.json', report: base(1, 2) }])).toThrow(/b.json: shard 1\/2 is also in a.json/);
    const other = base(2, 2, { spec: { name: 'M', params: { rm: 4 } } });
    expect(() => mergeReports([{ source: 'a.json', report: base(1, 2) }, { source: 'b.json', report: other }])).toThrow(/b.json: checks M\(rm=4\), but a.json checks M/);
    const { shard: _s, ...plain } = base(1, 2);
    expect(() => mergeReports([{ source: 'p.json', report: plain }])).toThrow(/p.json: not a shard's report/);
    expect(() => mergeReports([])).toThrow(/no reports given/);
  });

  it('reads report files as data: malformed ones get one line naming the file', () => {
    const bad = ['', 'null', '[]', '{"result":"pass"}', '{"__proto__":{"result":"pass"}}', JSON.stringify({ ...base(1, 2), shard: { index: 3, count: 2 } }), JSON.stringify({ ...base(1, 2), result: 'violation' })];
    for (const text of bad) expect(() => parseShardReport(text, 'x.json')).toThrow(/^x.json: .*give the output of check --shard K\/N --json$/);
    expect(parseShardReport(JSON.stringify(base(1, 2)), 'ok.json').report.shard).toEqual(base(1, 2).shard);
  });
});

describe('faultline check --shard and faultline merge', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/faultline.js', ...args], { cwd: ROOT, encoding: 'utf8' });

  it.each([
    { spec: 'protocols/two-phase.ts', args: ['--param', 'rm=3'], status: 0 },
    { spec: 'protocols/two-phase-commit.ts', args: ['--crashes', '1'], status: 1 },
  ])('$spec $args: 2 shards as processes, merged, give the unsharded verdict and shortest length', ({ spec, args, status }) => {
    const whole = cli('check', spec, ...args, '--json');
    expect(whole.status).toBe(status);
    const expected = JSON.parse(whole.stdout);
    const files = [1, 2].map((k) => {
      const run = cli('check', spec, ...args, '--shard', `${k}/2`, '--json');
      expect([0, 1]).toContain(run.status);
      const file = path.join(tmp, `${path.basename(spec)}-${k}.json`);
      writeFileSync(file, run.stdout);
      return file;
    });
    const merged = cli('merge', ...files, '--json');
    expect(merged.status).toBe(status);
    const json = JSON.parse(merged.stdout);
    expect(json.result).toBe(expected.result);
    if (status === 1) {
      expect(json.violations[0].length).toBe(expected.violations[0].length);
      expect(json.violations[0].property).toBe(expected.violations[0].property);
      // The merged counterexample is a trace file faultline replays.
      const trace = path.join(tmp, 'merged-trace.json');
      writeFileSync(trace, JSON.stringify(json.violations[0].trace));
      expect(cli('replay', trace).status).toBe(1);
    }
    const text = cli('merge', ...files);
    expect(text.stdout).toContain(`faultline merge: 2 of 2 shards`);
    expect(readFileSync(files[0], 'utf8')).toContain('"shard"');
  });

  it('--shard auto runs the shard a Kubernetes Indexed Job pod is given, as the shipped manifest sets it up', () => {
    const manifest = readFileSync(path.join(ROOT, 'deploy/kubernetes/faultline-shards.yaml'), 'utf8');
    const completions = /^\s*completions: (\d+)$/m.exec(manifest)![1];
    expect(/name: FAULTLINE_SHARDS\s+value: "(\d+)"/.exec(manifest)![1]).toBe(completions);
    expect(manifest).toContain('--shard auto --json');
    const run = spawnSync(process.execPath, ['bin/faultline.js', 'check', 'protocols/two-phase.ts', '--shard', 'auto', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, JOB_COMPLETION_INDEX: '1', FAULTLINE_SHARDS: completions },
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).shard).toMatchObject({ index: 2, count: Number(completions) });
    const workflow = readFileSync(path.join(ROOT, 'deploy/github-actions/faultline-shards.yml'), 'utf8');
    expect(workflow).toContain('--shard ${{ matrix.shard }}/$SHARDS --json');
    expect(workflow).toContain('npx faultline merge shard-*.json');
  });

  it('merge refuses a file that is not a report, exit 2, one line', () => {
    const file = path.join(tmp, 'not-a-report.json');
    writeFileSync(file, '{"result":"pass","stats":{}}');
    const run = cli('merge', file);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('not-a-report.json: "stats" must hold');
  });
});
