import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The code block after `<!-- readme-example: name -->`, written where `faultline` resolves. */
function example(name: string): string {
  const match = new RegExp(`<!-- readme-example: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README has no example "${name}"`);
  const dir = path.join(root, 'test', '.readme');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.ts`);
  writeFileSync(file, match[1]);
  return path.relative(root, file);
}

function check(...args: string[]) {
  const run = spawnSync('node', ['bin/faultline.js', 'check', ...args, '--json'], { cwd: root, encoding: 'utf8' });
  return { status: run.status, json: JSON.parse(run.stdout), stderr: run.stderr };
}

describe('README examples', () => {
  it('the Model example finds the Die Hard solution in 6 steps', () => {
    const { status, json } = check(example('model'));
    expect(status).toBe(1);
    expect(json.stats).toMatchObject({ distinctStates: 14, generatedStates: 73, depth: 7 });
    expect(json.violations[0].property).toBe('big jug never holds 4');
    expect(json.violations[0].length).toBe(6);
  });

  it('the protocol example passes over a reliable network', () => {
    const { status, json } = check(example('protocol'));
    expect(status).toBe(0);
    expect(json.stats).toMatchObject({ distinctStates: 25, generatedStates: 40, depth: 8 });
  });

  it('the protocol example: a recovered client never retries', () => {
    const { status, json } = check(example('protocol'), '--max-drops', '1', '--crashes', '1', '--recover');
    expect(status).toBe(1);
    const [v] = json.violations;
    expect(v.property).toBe('the ping is acknowledged');
    expect(v.length).toBe(3);
    expect(v.faults).toEqual({ drops: 0, dups: 0, crashes: 1, recoveries: 1, partitions: 0 });
    expect(v.trace.steps.map((s: { label: string }) => s.label)).toEqual([
      'deliver Ping(n=1) client→server',
      'crash client',
      'recover client',
    ]);
  });
});
