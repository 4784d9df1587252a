/**
 * The zoo tests itself: every bundled protocol and every variant, checked with the flags its
 * `about` documents, gives the verdict its `about` expects. It reads `listProtocols()`, so a
 * protocol added to protocols/ is covered without touching this file.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, listProtocols, optionsFromFlags, type ProtocolListing } from '../../api/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A documented configuration must stay small: one that needs more is a bug in its `about`. */
const MAX_STATES = 200_000;
const TIMEOUT_SECONDS = 30;

const zoo = await listProtocols();

/** Every configuration the zoo documents: the correct version and each variant. */
const configurations = zoo.flatMap((p: ProtocolListing) => [
  { label: `${p.name} ${p.flags.join(' ')}`.trim(), file: p.file, variant: undefined as string | undefined, flags: p.flags, expect: p.expect },
  ...p.variants.map((v) => ({ label: `${p.name} variant=${v.name} ${v.flags.join(' ')}`.trim(), file: p.file, variant: v.name, flags: v.flags, expect: v.expect })),
]);

describe('the zoo: every protocol and variant gives the verdict its about documents', () => {
  it('lists every protocol file, each with a description', () => {
    expect(zoo.length).toBeGreaterThanOrEqual(13);
    for (const p of zoo) expect(p.description, p.file).not.toBe('');
  });

  it.each(configurations)('$label → $expect', async ({ file, variant, flags, expect: expected }) => {
    const options = optionsFromFlags(flags);
    const params = { ...options.params, ...(variant === undefined ? {} : { variant }) };
    const report = await check(path.join(ROOT, file), { ...options, params, lint: false, maxStates: MAX_STATES, timeout: TIMEOUT_SECONDS });
    if (report.result === 'incomplete') {
      throw new Error(
        `${file}${variant ? ` variant=${variant}` : ''} ${flags.join(' ')}: too big for the zoo's bound (stopped after ${report.stats.distinctStates} states, ${report.stats.seconds}s): document smaller flags or params in its about`,
      );
    }
    expect(report.result).toBe(expected);
    if (expected === 'violation') expect(report.violations.length).toBeGreaterThan(0);
    else expect(report.violations).toEqual([]);
  });
});

describe('faultline list --json', () => {
  it('prints the listing as one JSON array, the same as listProtocols()', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'list', '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const listed = JSON.parse(run.stdout) as unknown[];
    expect(listed).toEqual(JSON.parse(JSON.stringify(zoo)));
    for (const entry of listed) {
      expect(Object.keys(entry as object)).toEqual(['file', 'name', 'description', 'params', 'flags', 'expect', 'variants']);
      const p = entry as ProtocolListing;
      expect(p.file).toBe(`protocols/${p.name}.ts`);
      expect(['pass', 'violation']).toContain(p.expect);
      for (const v of p.variants) {
        expect(Object.keys(v)).toEqual(['name', 'description', 'flags', 'expect']);
        expect(['pass', 'violation']).toContain(v.expect);
        expect(v.flags.every((f) => typeof f === 'string')).toBe(true);
      }
    }
    const paxos = (listed as ProtocolListing[]).find((p) => p.name === 'paxos')!;
    expect(paxos).toMatchObject({
      flags: ['--crashes', '1', '--recover'],
      expect: 'pass',
      variants: [{ name: 'forget-promise', flags: ['--crashes', '1', '--recover'], expect: 'violation' }],
    });
  });

  it('the text listing shows each documented check with its flags and verdict', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'list'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  check:  faultline check protocols/two-phase-commit.ts --crashes 1 --recover  → pass\n');
    expect(run.stdout).toContain(
      '    check:  faultline check protocols/two-phase-commit.ts --param variant=no-durable-decision --crashes 1 --recover  → violation\n',
    );
  });
});
