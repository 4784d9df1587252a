import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatFinding, lintFiles } from '../../lint/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROTOCOLS = path.join(ROOT, 'protocols');

describe('faultline lint: the bundled zoo', () => {
  // Whatever protocols/*.ts exist when the test runs.
  const zoo = readdirSync(PROTOCOLS)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => path.join(PROTOCOLS, f));

  // The first lint in this worker: a cold project (parse, bind, create the checker).
  let cold: ReturnType<typeof lintFiles> | undefined;

  it('lints clean: no errors in any bundled protocol', () => {
    cold = lintFiles(zoo);
    expect(cold.findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([]);
    expect(cold.files.length).toBeGreaterThanOrEqual(zoo.length);
  });

  it('is fast: the whole zoo in well under a second once ts-morph is loaded', () => {
    const warm = lintFiles(zoo);
    console.log(`lint of ${zoo.length} protocols: ${(cold!.seconds * 1000).toFixed(0)} ms cold, ${(warm.seconds * 1000).toFixed(0)} ms warm`);
    // Bounds generous enough for a loaded CI machine; typical: ~0.3 s cold, ~0.03 s warm.
    expect(cold!.seconds).toBeLessThan(1.5);
    expect(warm.seconds).toBeLessThan(0.5);
  });
});
