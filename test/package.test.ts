/**
 * faultline as a team uses it: `npm pack`, installed into fresh projects outside this
 * repository (CommonJS, npm's default, and `"type": "module"`), a spec in the project's own
 * folder checked by `npx faultline check`, by `check()`/`assertProperties()` in vitest, and
 * type-checked by the project's own strict tsc.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The README's vitest example: it must run as printed in a user's project. */
const README_TEST = /<!-- readme-example: project-test -->\n```ts\n([\s\S]*?)```/.exec(readFileSync(path.join(ROOT, 'README.md'), 'utf8'))![1];
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
let work: string;
let tarball: string;

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env.NODE_OPTIONS; // vitest's own loader must not leak into the user's project
  return spawnSync(command, args, { cwd, encoding: 'utf8', env, timeout: 180_000 });
}

function ok(r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const JUGS = `import { defineModel } from 'faultline';
import { capacity } from './capacity.js';

type Jugs = { small: number; big: number };
type Move = 'fill small' | 'fill big' | 'empty small' | 'empty big' | 'small→big' | 'big→small';
const moves: Move[] = ['fill small', 'fill big', 'empty small', 'empty big', 'small→big', 'big→small'];

export default defineModel<Jugs, Move>({
  name: 'jugs',
  init: () => [{ small: 0, big: 0 }],
  actions: () => moves,
  next: ({ small, big }, move) => {
    const toBig = Math.min(small, capacity.big - big), toSmall = Math.min(big, capacity.small - small);
    return { 'fill small': { small: capacity.small, big }, 'fill big': { small, big: capacity.big }, 'empty small': { small: 0, big },
      'empty big': { small, big: 0 }, 'small→big': { small: small - toBig, big: big + toBig },
      'big→small': { small: small + toSmall, big: big - toSmall } }[move];
  },
  invariants: { 'big jug never holds 4': ({ big }) => big !== 4 },
});
`;

const PING = `import { protocol } from 'faultline';

type Msg = { type: 'Ping'; n: number } | { type: 'Pong'; n: number };

export default protocol<Msg>()({
  name: 'ping-pong',
  nodes: { client: 1, server: 1 },
  roles: {
    client: {
      init: { sent: 0, acked: 0 },
      onStart: (c, ctx) => { c.sent = 1; ctx.send('server', { type: 'Ping', n: 1 }); },
      on: { Pong: (c, msg) => { c.acked = Math.max(c.acked, msg.n); } },
    },
    server: { init: { seen: 0 }, on: { Ping: (s, msg, ctx) => { s.seen = msg.n; ctx.reply({ type: 'Pong', n: msg.n }); } } },
  },
  terminal: { 'the ping is acknowledged': (w) => w.node('client').acked === 1 },
});
`;

const TEST = `import { describe, expect, it } from 'vitest';
import { assertProperties, check, PropertyCheckError, render } from 'faultline';
import jugs from '../specs/jugs';
import ping from '../specs/ping';

describe('checked in the project\\'s own test runner', () => {
  it('check() resolves to the --json report', async () => {
    const report = await check(jugs);
    expect(report.result).toBe('violation');
    expect(report.stats).toMatchObject({ distinctStates: 14, generatedStates: 73, depth: 7 });
    expect(report.violations.map((v) => [v.property, v.kind, v.length])).toEqual([['big jug never holds 4', 'invariant', 6]]);
    expect(render(report.violations[0].trace, 'text')).toContain('big→small');
  });
  it('assertProperties rejects with the counterexample in its message', async () => {
    const error = await assertProperties(jugs).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PropertyCheckError);
    expect((error as Error).message).toContain('invariant big jug never holds 4 fails after 6 steps');
    expect((error as Error).message).toContain('fill big');
  });
  it('a protocol passes on a reliable network and fails under loss', async () => {
    await expect(assertProperties(ping)).resolves.toMatchObject({ result: 'pass' });
    const lossy = await check(ping, { environment: { maxDrops: 1 } });
    expect(lossy.violations.map((v) => [v.property, v.kind, v.length])).toEqual([['the ping is acknowledged', 'terminal', 1]]);
  });
  it('a spec file by path, with params, on worker threads', async () => {
    const report = await check('specs/two-phase.js', { params: { rm: 4 }, workers: 2 });
    expect(report.stats).toMatchObject({ distinctStates: 1568 });
    expect(report.result).toBe('pass');
  });
});
`;

/** A fresh project with the tarball installed; `module`: its package.json says "type": "module". */
function project(name: string, module: boolean): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'specs'), { recursive: true });
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  ok(sh('npm', ['init', '-y'], dir));
  if (module) ok(sh('npm', ['pkg', 'set', 'type=module'], dir));
  ok(sh('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir));
  writeFileSync(path.join(dir, 'specs/capacity.ts'), 'export const capacity = { small: 3, big: 5 };\n');
  writeFileSync(path.join(dir, 'specs/jugs.ts'), JUGS);
  writeFileSync(path.join(dir, 'specs/ping.ts'), PING);
  writeFileSync(path.join(dir, 'test/specs.test.ts'), TEST);
  writeFileSync(path.join(dir, 'test/readme.test.ts'), README_TEST);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: [] }, include: ['specs'] }),
  );
  return dir;
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'faultline-package-'));
  ok(sh('npm', ['pack', '--pack-destination', work, '--loglevel=error'], ROOT));
  tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each([
  ['commonjs', false],
  ['module', true],
])('the packed tarball in a fresh %s project', (name, module) => {
  let dir: string;
  beforeAll(() => {
    dir = project(name, module);
    // A bundled protocol, copied into the project as a plain .js spec.
    writeFileSync(
      path.join(dir, 'specs/two-phase.js'),
      `import twoPhase, { about } from 'faultline/protocols/two-phase';\nexport { about };\nexport default twoPhase;\n`.replace(
        "'faultline/protocols/two-phase'",
        JSON.stringify(path.join(dir, 'node_modules/faultline/dist/protocols/two-phase.js')),
      ),
    );
  }, 240_000);

  it('npx faultline check runs a spec in the project folder, with its relative imports', () => {
    const r = sh('npx', ['--no-install', 'faultline', 'check', 'specs/jugs.ts'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('violation: invariant big jug never holds 4 fails after 6 steps (no faults)');
    expect(r.stdout).toContain('14 distinct states, 73 generated, depth 7');
  });

  it('npx faultline check runs a bundled protocol by name, and its JSON is the contract', () => {
    const r = sh('npx', ['--no-install', 'faultline', 'check', 'two-phase', '--json'], dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'pass', stats: { distinctStates: 288, generatedStates: 1146, depth: 11 }, violations: [] });
  });

  it('check() and assertProperties() run in vitest', () => {
    const r = sh(process.execPath, [VITEST, 'run', '--root', dir], dir);
    expect(r.stdout + r.stderr).toMatch(/Tests\s+6 passed/);
    expect(r.status).toBe(0);
  });

  it("the project's strict tsc accepts the specs against the package's declarations", () => {
    const r = sh(process.execPath, [TSC, '-p', dir], dir);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
