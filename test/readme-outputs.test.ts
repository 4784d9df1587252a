import { describe, expect, it } from 'vitest';
import { differenceOf, outputExcerpts, runExcerpt } from '../scripts/readme-outputs.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const readme = readFileSync(path.resolve(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('README output excerpts are what the tool prints today', () => {
  const excerpts = outputExcerpts(readme);

  it('the README has output excerpts to keep true', () => {
    expect(excerpts.length).toBeGreaterThanOrEqual(5);
  });

  it.each(excerpts.map((e) => [`README.md:${e.line} faultline ${e.command}`, e] as const))('%s', (_name, excerpt) => {
    const actual = runExcerpt(excerpt);
    // On a difference: `npm run readme` prints the tool's whole output next to the first line that differs.
    expect(differenceOf(excerpt.expected, actual), actual).toBeUndefined();
  });
});

describe('matching an excerpt against output', () => {
  const output = 'a\nb\nc  \nd\ne 1.2 s\nf';

  it('accepts contiguous runs in order, with … eliding lines and standing for text in a line', () => {
    expect(differenceOf(['b', 'c', '…', 'e … s'], output)).toBeUndefined();
    expect(differenceOf(['$ npx faultline x', 'a', 'b'], output)).toBeUndefined();
  });

  it('refuses a gap without …, a wrong order and a changed line, naming the line', () => {
    expect(differenceOf(['a', 'c'], output)).toMatch(/"c"/);
    expect(differenceOf(['d', '…', 'b'], output)).toMatch(/"b"/);
    expect(differenceOf(['a', 'b', 'x'], output)).toMatch(/"x"[\s\S]*the output has instead: "c"/);
  });

  it('finds markers only before fenced blocks, and refuses a marker without one', () => {
    expect(outputExcerpts('<!-- output: list -->\n```\nx\n```\n')).toEqual([{ line: 1, command: 'list', expected: ['x'] }]);
    expect(() => outputExcerpts('<!-- output: list -->\ntext\n')).toThrow(/README.md:1: an output marker must be followed by a fenced block/);
  });
});
