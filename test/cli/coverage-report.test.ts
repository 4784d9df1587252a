import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('check --coverage --out', () => {
  it('the Markdown report of a violation ends with the coverage of the search', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-coverage-'));
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/two-generals.ts', '--max-drops', '1', '--coverage', '--out', dir], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    const md = readFileSync(path.join(dir, 'two-generals-Agreement.md'), 'utf8');
    const section = md.slice(md.indexOf('\n\n## Coverage of the search\n'));
    expect(section).toContain('general.on.Messenger  2  states');
    expect(section).toContain('Messenger          2        2           0');
    expect(section).toContain('never reached: nothing');
  });
});
