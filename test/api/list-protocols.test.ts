import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, listProtocols, optionsFromFlags } from '../../api/index.ts';

/** A folder named protocols/ holding `files` (name → source). */
function zooOf(files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'faultline-zoo-')), 'protocols');
  mkdirSync(dir);
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(dir, name), source);
  return dir;
}

describe('optionsFromFlags', () => {
  it('turns --param and environment flags into check options', () => {
    expect(optionsFromFlags(['--param', 'variant=forget-promise', '--crashes', '1', '--recover', '--loss', '-p', 'n=3', '--strategy', 'dfs', '--max-depth', '9'])).toEqual({
      params: { variant: 'forget-promise', n: 3 },
      environment: { crashes: 1, recover: true, maxDrops: Infinity },
      strategy: 'dfs',
      maxDepth: 9,
    });
    expect(optionsFromFlags([])).toEqual({ params: {}, environment: {} });
  });

  it('keeps a param named __proto__ a plain key', () => {
    const { params } = optionsFromFlags(['--param', '__proto__=x', '--param', 'constructor=y']);
    expect(Object.keys(params!)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
  });

  it('rejects unknown flags, missing values and bad numbers, naming the flag', () => {
    expect(() => optionsFromFlags(['--out', 'x'])).toThrow(BadInputError);
    expect(() => optionsFromFlags(['--out', 'x'])).toThrow('flag "--out" is not a --param, environment, --strategy or --max-depth flag');
    expect(() => optionsFromFlags(['--crashes'])).toThrow('flag --crashes needs a value');
    expect(() => optionsFromFlags(['--crashes', '--recover'])).toThrow('flag --crashes needs a value');
    expect(() => optionsFromFlags(['--skew', '-1'])).toThrow('flag --skew takes a whole number, got "-1"');
    expect(() => optionsFromFlags(['--param', 'novalue'])).toThrow('flag --param novalue: expected key=value');
    expect(() => optionsFromFlags(['--strategy', 'bogo'])).toThrow('flag --strategy bogo: use bfs, dfs or random');
    expect(() => optionsFromFlags(['--toString'])).toThrow('is not a --param');
  });
});

describe('listProtocols on a folder of hostile specs', () => {
  it('normalises string variants, keeps odd names as plain keys, and escapes nothing in JSON', () => {
    const dir = zooOf({
      'a.ts': `export const about = { description: 'A \\u001b[31mred\\u001b[0m one', params: { n: 'n' }, variants: { plain: 'a string', ['__proto__']: { description: 'proto-named', flags: ['--loss'], expect: 'pass' } } };\nexport default () => null;\n`,
      'b.ts': 'export default () => null;\n',
      'b.d.ts': 'export {};\n',
    });
    return listProtocols(dir).then((list) => {
      expect(list.map((p) => p.file)).toEqual(['protocols/a.ts', 'protocols/b.ts']);
      expect(list[0]).toEqual({
        file: 'protocols/a.ts',
        name: 'a',
        description: 'A \u001b[31mred\u001b[0m one',
        params: { n: 'n' },
        flags: [],
        expect: 'pass',
        variants: [
          { name: 'plain', description: 'a string', flags: [], expect: 'violation' },
          { name: '__proto__', description: 'proto-named', flags: ['--loss'], expect: 'pass' },
        ],
      });
      expect(list[1]).toEqual({ file: 'protocols/b.ts', name: 'b', description: '', params: {}, flags: [], expect: 'pass', variants: [] });
    });
  });

  it('rejects a bad expect, bad flags or a bad variant, naming the file and the field', async () => {
    await expect(listProtocols(zooOf({ 'x.ts': `export const about = { expect: 'maybe' };\n` }))).rejects.toThrow(
      "protocols/x.ts: about.expect must be 'pass' or 'violation', got \"maybe\"",
    );
    await expect(listProtocols(zooOf({ 'x.ts': `export const about = { variants: { v: { description: 'd', flags: ['--out', 'dir'] } } };\n` }))).rejects.toThrow(
      'protocols/x.ts: about.variants["v"].flags: flag "--out" is not a --param',
    );
    await expect(listProtocols(zooOf({ 'x.ts': `export const about = { flags: '--loss' };\n` }))).rejects.toThrow('protocols/x.ts: about.flags must be a list of strings');
    await expect(listProtocols(zooOf({ 'x.ts': `export const about = { variants: { v: 42 } };\n` }))).rejects.toThrow('protocols/x.ts: about.variants["v"] must be a description');
  });

  it('a module that does not load is one line naming the file', async () => {
    const error = await listProtocols(zooOf({ 'x.ts': `throw new Error('boom\\nsecond line');\n` })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toBe('protocols/x.ts: does not load: boom');
  });
});
