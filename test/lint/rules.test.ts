import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintFiles, RULES, type LintFinding } from '../../lint/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/lint');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.ts')).sort();

/** The `// lint: <rule>` markers of a file: the findings it must produce, by line. */
function markers(file: string): { rule: string; line: number }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) => [...text.matchAll(/\/\/ lint: ([\w-]+)/g)].map((m) => ({ rule: m[1], line: i + 1 })));
}

const byLine = (fs: { rule: string; line: number }[]) => [...fs].sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
const ruleAndLine = (f: LintFinding) => ({ rule: f.rule, line: f.line });

describe('faultline lint: one fixture per rule', () => {
  it.each(fixtures)('%s: exactly the marked lines are flagged, with the marked rule', (name) => {
    const report = lintFiles([path.join(FIXTURES, name)]);
    const own = report.findings.filter((f) => path.basename(f.file) === name);
    expect(byLine(own.map(ruleAndLine))).toEqual(byLine(markers(path.join(FIXTURES, name))));
  });

  it('every rule is flagged by some fixture', () => {
    const flagged = new Set(fixtures.flatMap((f) => markers(path.join(FIXTURES, f)).map((m) => m.rule)));
    for (const rule of RULES) expect(flagged, rule.id).toContain(rule.id);
  });

  it('findings carry file:line:col, severity, a one-line why and a fix', () => {
    const [f] = lintFiles([path.join(FIXTURES, 'wall-clock.ts')]).findings;
    expect(f).toEqual({
      rule: 'no-wall-clock',
      severity: 'error',
      file: expect.stringMatching(/test\/fixtures\/lint\/wall-clock\.ts$/),
      line: 14,
      column: 48,
      message: expect.stringContaining('Date.now() in client.onStart reads the wall clock'),
      fix: expect.stringContaining('ctx.now()'),
    });
    expect(f.message).not.toContain('\n');
    expect(f.fix).not.toContain('\n');
  });

  it('severities: milder cases are warnings', () => {
    const severities = (name: string) => lintFiles([path.join(FIXTURES, name)]).findings.map((f) => `${f.line} ${f.severity}`);
    expect(severities('unsent-message.ts')).toEqual(['8 warning', '25 warning']);
    expect(severities('module-state.ts')).toEqual(['8 warning', '19 error', '20 error']);
    expect(severities('message-mutation.ts')).toEqual(['16 warning', '20 error', '22 error']);
  });

  it('analyses the local modules a spec imports, never faultline’s own sources', () => {
    const report = lintFiles([path.join(FIXTURES, 'local-import.ts')]);
    expect(report.files.map((f) => path.basename(f)).sort()).toEqual(['local-import.ts', 'stamp.ts']);
    expect(report.findings.map((f) => `${path.basename(f.file)}:${f.line} ${f.rule}`)).toEqual(['stamp.ts:3 no-wall-clock']);
    expect(report.files.some((f) => f.includes('specs/'))).toBe(false);
  });

  it('reports the message union and handlers it read from the types', () => {
    const report = lintFiles([path.join(FIXTURES, 'unsent-message.ts')]);
    expect(report.protocols).toEqual([
      {
        file: expect.stringMatching(/unsent-message\.ts$/),
        line: 10,
        messageTypes: ['Req', 'Resp', 'Stale', 'Ping'],
        roles: [
          { role: 'client', on: ['Resp'], timers: [] },
          { role: 'server', on: ['Req', 'Stale'], timers: [] },
        ],
        sentTypes: ['Req', 'Resp'],
      },
    ]);
  });

  it('re-reads a file that changed since it was last linted', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-lint-'));
    try {
      const file = path.join(dir, 'spec.ts');
      writeFileSync(file, "export default { init: () => [0], actions: () => ['a'], next: (n: number) => n + Math.random() };\n");
      expect(lintFiles([file]).findings.map((f) => f.rule)).toEqual(['no-random']);
      writeFileSync(file, "export default { init: () => [0], actions: () => ['a'], next: (n: number) => n };\n");
      expect(lintFiles([file]).findings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
