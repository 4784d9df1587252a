/**
 * Keeps the README's output excerpts true. A fenced block preceded by
 * `<!-- output: <faultline arguments> -->` must be what `faultline <arguments>` prints today:
 * its lines appear in the tool's output (stdout then stderr) in order and contiguously, except
 * where a line holding only `…` elides some; inside a line `…` stands for any text. Several
 * commands may be chained with ` && ` (the last one's output is compared), `> {tmp}/FILE` sends
 * a command's stdout to a file, and `{tmp}` names a fresh temporary directory. Lines starting with `$ ` show the command and are not compared.
 *
 * `npm run readme` prints, for each excerpt, OK or the first line that differs with the
 * tool's whole output; test/readme-outputs.test.ts fails on any difference.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One excerpt of the README and the command that must print it. */
export interface OutputExcerpt {
  /** 1-based line of the marker in the README. */
  line: number;
  /** The faultline arguments, as written in the marker. */
  command: string;
  /** The excerpt's lines. */
  expected: string[];
}

/** What running an excerpt's command gave, and the first difference if any. */
export interface ExcerptCheck {
  excerpt: OutputExcerpt;
  actual: string;
  /** Undefined when the excerpt is true. */
  difference?: string;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = /^<!-- output: (.+?) -->$/;
const ELISION = '…';

/** Every `<!-- output: … -->` excerpt of a README's text. */
export function outputExcerpts(readme: string): OutputExcerpt[] {
  const lines = readme.split('\n');
  const excerpts: OutputExcerpt[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]);
    if (!marker) continue;
    const fence = /^(`{3,})/.exec(lines[i + 1] ?? '');
    if (!fence) throw new Error(`README.md:${i + 1}: an output marker must be followed by a fenced block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l === fence[1]);
    if (end < 0) throw new Error(`README.md:${i + 2}: unclosed fenced block`);
    excerpts.push({ line: i + 1, command: marker[1], expected: lines.slice(i + 2, end) });
  }
  return excerpts;
}

/** Splits a marker's command into argument lists, one per chained command. */
function commandsOf(command: string, tmp: string): string[][] {
  return command.split(' && ').map((part) =>
    part
      .trim()
      .split(/\s+/)
      .map((arg) => arg.replaceAll('{tmp}', tmp)),
  );
}

/** Runs an excerpt's command(s) with the repository's faultline and returns the last one's output. */
export function runExcerpt(excerpt: OutputExcerpt): string {
  const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-readme-'));
  try {
    let output = '';
    for (const command of commandsOf(excerpt.command, tmp)) {
      // `… > FILE` writes the command's stdout to FILE (inside {tmp}) instead.
      const redirect = command.indexOf('>');
      const args = redirect < 0 ? command : command.slice(0, redirect);
      const run = spawnSync(process.execPath, ['bin/faultline.js', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      if (redirect >= 0) {
        writeFileSync(command[redirect + 1], run.stdout);
        output = run.stderr;
      } else output = run.stdout + run.stderr;
    }
    return output.replaceAll(tmp, '{tmp}');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function lineMatches(expected: string, actual: string): boolean {
  if (!expected.includes(ELISION)) return expected === actual;
  const pattern = expected
    .split(ELISION)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(actual);
}

/**
 * The first difference between an excerpt and the output, or undefined: the excerpt's runs of
 * lines between `…` lines must each appear contiguously, in order.
 */
export function differenceOf(expectedLines: string[], output: string): string | undefined {
  const actual = output.split('\n').map((l) => l.trimEnd());
  const segments: string[][] = [[]];
  for (const raw of expectedLines) {
    const line = raw.trimEnd();
    if (line.startsWith('$ ')) continue;
    if (line.trim() === ELISION) segments.push([]);
    else segments.at(-1)!.push(line);
  }
  let from = 0;
  for (const segment of segments) {
    while (segment.length > 0 && segment[0] === '') segment.shift();
    while (segment.length > 0 && segment.at(-1) === '') segment.pop();
    if (segment.length === 0) continue;
    let found = -1;
    let best = { at: -1, matched: -1 };
    for (let start = from; start + segment.length <= actual.length && found < 0; start++) {
      let k = 0;
      while (k < segment.length && lineMatches(segment[k], actual[start + k])) k++;
      if (k === segment.length) found = start;
      else if (k > best.matched) best = { at: start, matched: k };
    }
    if (found < 0) {
      const missing = best.matched >= 0 ? segment[best.matched] : segment[0];
      const near = best.matched > 0 ? `\n  the output has instead: ${JSON.stringify(actual[best.at + best.matched] ?? '(end of output)')}` : '';
      return `not in the output (in this order): ${JSON.stringify(missing)}${near}`;
    }
    from = found + segment.length;
  }
  return undefined;
}

/** Checks every output excerpt of the repository's README. */
export function checkReadmeOutputs(readmePath = path.join(ROOT, 'README.md')): ExcerptCheck[] {
  return outputExcerpts(readFileSync(readmePath, 'utf8')).map((excerpt) => {
    const actual = runExcerpt(excerpt);
    return { excerpt, actual, difference: differenceOf(excerpt.expected, actual) };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let failed = 0;
  for (const { excerpt, actual, difference } of checkReadmeOutputs()) {
    if (difference === undefined) {
      console.log(`ok    README.md:${excerpt.line}  faultline ${excerpt.command}`);
      continue;
    }
    failed++;
    console.log(`DIFF  README.md:${excerpt.line}  faultline ${excerpt.command}\n  ${difference}\n--- the tool prints ---\n${actual}---`);
  }
  process.exitCode = failed > 0 ? 1 : 0;
}
