import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinModel, checkLinearizable, parseHistory } from '../../../checker/history/index.ts';
import { corpusDir } from './helpers.ts';

/**
 * The development corpus (test/fixtures/histories): 40 Jepsen etcd histories checked with the
 * cas-register model (initial value nil) and Porcupine's kv pair with the kv model, against the
 * verdicts the upstream project asserts.
 */
describe('the history corpus agrees with the upstream verdicts', () => {
  const dir = path.join(corpusDir(), 'porcupine');
  const rows = readFileSync(path.join(dir, 'VERDICTS.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    // The kv pair is listed twice (per-key and whole-map models): our kv model is the per-key one.
    .filter(([, model]) => !model.includes('whole map'));

  it('lists 40 etcd histories and the kv pair', () => {
    expect(rows.filter(([file]) => file.startsWith('etcd/'))).toHaveLength(40);
    expect(rows.filter(([file]) => file.startsWith('kv/')).map(([file]) => file)).toEqual(['kv/c01-ok.txt', 'kv/c01-bad.txt']);
  });

  const times: number[] = [];
  for (const [file, , expected] of rows) {
    const etcd = file.startsWith('etcd/');
    it(`${file} is ${expected === 'true' ? '' : 'not '}linearizable`, () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const started = performance.now();
      const history = parseHistory(text, etcd ? 'porcupine-etcd' : 'porcupine-kv', file);
      const result = checkLinearizable(history, builtinModel(etcd ? 'cas-register' : 'kv', etcd ? null : undefined));
      const seconds = (performance.now() - started) / 1000;
      times.push(seconds);
      expect(result.verdict).toBe(expected === 'true' ? 'ok' : 'violation');
      if (result.verdict === 'violation') {
        const failure = result.failure!;
        expect(failure.window).toContain(failure.failingOp);
        expect(failure.stuck.length).toBeGreaterThan(0);
      }
      // "Well under a second" per file, explanation included (generous for slow CI machines).
      expect(seconds).toBeLessThan(2);
    });
  }

  it('reports the timing', () => {
    const sorted = [...times].sort((a, b) => a - b);
    if (sorted.length === 0) return;
    const median = sorted[sorted.length >> 1];
    console.log(`history corpus: ${sorted.length} files, slowest ${(sorted[sorted.length - 1] * 1000).toFixed(1)} ms, median ${(median * 1000).toFixed(1)} ms`);
  });
});
