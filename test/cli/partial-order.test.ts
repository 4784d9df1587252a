/** `faultline check --por` / `--no-por`, and `faultline replay` of what a reduced search found. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = mkdtempSync(path.join(tmpdir(), 'faultline-por-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function faultline(...args: string[]) {
  return spawnSync('node', ['bin/faultline.js', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('faultline check --por', () => {
  const gossip = ['protocols/gossip.ts', '--param', 'variant=stop-after-first-contact', '--no-lint'];

  it('reduces with --por, not by default nor with --no-por; the verdict is the same', () => {
    const counts = (...flags: string[]) => {
      const r = faultline('check', ...gossip, '--json', ...flags);
      expect(r.status).toBe(1);
      const json = JSON.parse(r.stdout);
      expect(json.violations[0].property).toBe('Converges');
      return [json.stats.distinctStates, json.partialOrder === undefined];
    };
    expect(counts()).toEqual([752, true]);
    expect(counts('--no-por')).toEqual([752, true]);
    expect(counts('--por')).toEqual([726, false]);
  });

  it('a counterexample found with --por replays (exit 1: still fails)', () => {
    const r = faultline('check', ...gossip, '--por', '--out', out);
    expect(r.status).toBe(1);
    const trace = readdirSync(out).find((f) => f.endsWith('.json') && f.includes('Converges'));
    expect(trace).toBeDefined();
    const replay = faultline('replay', path.join(out, trace!));
    expect(replay.status).toBe(1);
  });

  it('warns and runs unreduced where it does not apply', () => {
    const r = faultline('check', 'protocols/die-hard.ts', '--por', '--json', '--no-lint');
    const json = JSON.parse(r.stdout);
    expect(json.stats.distinctStates).toBe(14);
    expect(json.warnings).toContain('por: applies to actor protocols without clocks (--max-time) or a state constraint (--max-in-flight, constraint); the search ran unreduced');
  });
});
