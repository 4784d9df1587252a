import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const faultline = (...args: string[]) => spawnSync('node', ['bin/faultline.js', ...args], { cwd: root, encoding: 'utf8' });

describe('faultline check --strategy random', () => {
  it('DieHard with seed 7: a violation of at most 10 steps after shrinking, with seed and path to replay', () => {
    const run = faultline('check', 'protocols/die-hard.ts', '--strategy', 'random', '--seed', '7', '--json');
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.violations[0].length).toBe(6);
    expect(out.random).toMatchObject({ seed: 7, runs: 46, originalLength: 27, shrunkLength: 6 });
    expect(out.violations[0].trace.random).toEqual({ seed: 7, path: out.random.path });
  });

  it('no violation found: incomplete (exit 3), never a pass', () => {
    const run = faultline('check', 'protocols/two-phase.ts', '--strategy', 'random', '--seed', '1', '--runs', '20');
    expect(run.status).toBe(3);
    expect(run.stdout).toContain('incomplete: stopped at the random walks');
  });

  it('a swarm trace records the environment of its walk and replays', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-random-'));
    const run = faultline('check', 'protocols/two-generals.ts', '--param', 'rounds=3', '--max-drops', '2', '--strategy', 'random', '--swarm', '--seed', '3', '--out', dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('needs: drop Messenger(n=3) general-A→general-B');
    const replay = faultline('replay', path.join(dir, 'two-generals-rounds=3-Agreement.json'));
    expect(replay.status).toBe(1);
    expect(replay.stdout.split('\n')[0]).toBe('reproduced: terminal Agreement fails after 3 steps (1 drop)');
  });
});
