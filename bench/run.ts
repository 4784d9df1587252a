/**
 * The benchmark of issue 6: faultline against SPIN (and TLC's published figures) on Lamport's
 * TwoPhase with N resource managers.
 *
 *   node --import tsx bench/run.ts                 rm=7, rm=8, rm=9
 *   node --import tsx bench/run.ts --quick         rm=5, rm=7
 *   node --import tsx bench/run.ts --only rm=8     just rm=8 (repeatable, or --only rm=7,8)
 *   node --import tsx bench/run.ts --repeat 3      best wall time of 3 runs per tool
 *   node --import tsx bench/run.ts --workers 1,2   faultline on 1 and on 2 worker threads (default:
 *                                                  1 and, on a multi-core machine, one per core)
 *   node --import tsx bench/run.ts -- --max-states 1000  everything after -- goes to `faultline check`
 *
 * Also: --timeout <s> (kill a run after s seconds), --no-spin, --no-sanity, --no-record
 * (do not append to bench/results.md), --faultline <file> (the CLI script to run; default
 * bench/faultline-build.mjs: the CLI from its build in dist/, as the installed package runs it,
 * built first with `npm run build`; bin/faultline.js runs it from the TypeScript sources).
 *
 * Exit status: 0 when every count matches; 1 on any MISMATCH; 2 when a run failed or did not
 * complete (and nothing mismatched). The harness installs nothing: a missing tool (spin, gcc,
 * /usr/bin/time) is reported in one line and its measurement skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const PROMELA = join(BENCH, 'two-phase.pml');
const RESULTS = join(BENCH, 'results.md');
const SPEC = 'protocols/two-phase.ts';

/** pan is compiled with these flags; see bench/README.md for why. */
export const PAN_CFLAGS = ['-O2', '-DSAFETY', '-DNOREDUCE'];

/** TLC's numbers for TwoPhase (distinct states; generated and depth where published). */
const TLC: Record<number, { distinct: number; generated?: number; depth?: number }> = {
  3: { distinct: 288, generated: 1146, depth: 11 },
  5: { distinct: 8832, generated: 58146, depth: 17 },
  7: { distinct: 296_448 },
  8: { distinct: 1_745_408 },
  9: { distinct: 10_340_352 },
};

/** The table of issue 6 (2-core machine): SPIN 6.5.2 gcc -O2 -DSAFETY, TLC 1 worker. */
const PUBLISHED: Record<number, { spin: string; tlc: string }> = {
  7: { spin: '0.75 s, 0.21 GB', tlc: '15 s, 1.1 GB' },
  8: { spin: '4.0 s, 0.69 GB', tlc: '82 s, 2.4 GB' },
  9: { spin: '35–40 s, 1.75 GB', tlc: '548 s, 2.8 GB' },
};

/**
 * The actor layer (issue 6: "the actor layer does not dominate"): bundled protocols whose
 * states are whole worlds (nodes, network multiset, timers, fault counters), with their
 * pinned distinct-state counts.
 */
const ACTOR_CONFIGS: { spec: string; args: string[]; distinct: number; target?: boolean }[] = [
  { spec: 'protocols/paxos.ts', args: ['--max-dups', '1'], distinct: 84_950, target: true },
  // Participants are symmetric: the counts are of the reduced search.
  { spec: 'protocols/two-phase-commit.ts', args: ['--crashes', '1', '--recover'], distinct: 9_541 },
  { spec: 'protocols/two-phase-commit.ts', args: ['--param', 'n=4'], distinct: 50_286, target: true },
];

/**
 * Issue 18's targets: the actor layer's distinct states per search second at least this share
 * of the kernel's on TwoPhase with {@link KERNEL_REFERENCE} RMs (one thread, same run), on the
 * configurations marked `target`; TwoPhase rm=8 at most this many times SPIN's wall time.
 */
const ACTOR_TARGET = 0.5;
const KERNEL_REFERENCE = 7;
const SPIN_TARGETS: { n: number; workers: 'one' | 'all'; ratio: number }[] = [
  { n: 8, workers: 'one', ratio: 2.5 },
  { n: 8, workers: 'all', ratio: 1.5 },
];
const ACTOR_RESULTS = join(BENCH, 'actor-results.md');

const DEFAULT_CONFIGS = [7, 8, 9];
const QUICK_CONFIGS = [5, 7];
const SANITY_CONFIGS = [3, 5];

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  configs: number[];
  repeat: number;
  timeoutSeconds?: number;
  spin: boolean;
  sanity: boolean;
  record: boolean;
  faultline: string;
  extra: string[];
  /** Also time the actor-layer protocols (ACTOR_CONFIGS). */
  actor: boolean;
  /** faultline's worker-thread counts to time TwoPhase with (1: the single-threaded search). */
  workers: number[];
}

/** The default CLI script: the build's (dist/), which the bench makes before timing. */
const BUILT_CLI = 'bench/faultline-build.mjs';

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: node --import tsx bench/run.ts [--quick] [--only rm=N[,N…]] [--repeat k] [--timeout s] [--no-spin] [--no-sanity] [--no-actor] [--no-record] [--faultline file] [--workers 1,2] [-- faultline args]\n`);
  process.exit(64);
}

function parseOptions(argv: string[]): Options {
  const cores = availableParallelism();
  const options: Options = { configs: DEFAULT_CONFIGS, repeat: 1, spin: true, sanity: true, record: true, faultline: BUILT_CLI, extra: [], actor: true, workers: cores > 1 ? [1, cores] : [1] };
  const only: number[] = [];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--') {
      options.extra = argv.slice(i + 1);
      break;
    } else if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const spec = arg === '--only' ? value() : arg.slice('--only='.length);
      const m = /^rm=(\d+(?:,\d+)*)$/.exec(spec);
      if (!m) usage(`--only ${spec}: expected rm=N or rm=N,M,…`);
      only.push(...m[1].split(',').map(Number));
    } else if (arg === '--repeat') options.repeat = positiveInt(arg, value());
    else if (arg === '--timeout') options.timeoutSeconds = positiveInt(arg, value());
    else if (arg === '--no-spin') options.spin = false;
    else if (arg === '--no-sanity') options.sanity = false;
    else if (arg === '--no-record') options.record = false;
    else if (arg === '--no-actor') options.actor = false;
    else if (arg === '--faultline') options.faultline = value();
    else if (arg === '--workers') {
      const list = value();
      if (!/^\d+(,\d+)*$/.test(list)) usage(`--workers ${list}: expected counts, e.g. 1,2`);
      options.workers = [...new Set(list.split(',').map((w) => positiveInt('--workers', w)))];
    }
    else usage(`unknown option ${arg}`);
  }
  if (only.length > 0) options.configs = [...new Set(only)];
  else if (quick) options.configs = QUICK_CONFIGS;
  for (const n of options.configs) if (n < 1 || n > 16) usage(`rm=${n}: the Promela model supports 1..16 RMs`);
  return options;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} ${text}: expected a positive integer`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Running a child with wall time and peak RSS

interface Measured {
  wallSeconds: number;
  /** Peak resident set size of the measured process in bytes, when it could be measured. */
  peakRssBytes?: number;
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

type RssMethod = 'gnu-time' | 'proc-poll' | 'none';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** GNU time (Debian package `time`) reports the child's ru_maxrss exactly; else poll /proc. */
function detectRssMethod(): RssMethod {
  if (existsSync('/usr/bin/time')) {
    const probe = spawnSync('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    if (probe.status === 0) return 'gnu-time';
  }
  if (existsSync('/proc/self/status')) return 'proc-poll';
  return 'none';
}

function readVmHwmBytes(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function measure(method: RssMethod, command: string, args: string[], cwd: string, timeoutSeconds?: number): Promise<Measured> {
  const timeFile = method === 'gnu-time' ? join(mkdtempSync(join(tmpdir(), 'faultline-bench-time-')), 'rss') : undefined;
  const [cmd, argv] = timeFile ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, command, ...args]] : [command, args];
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    // Own process group, so a timeout also ends the process under /usr/bin/time.
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let polled: number | undefined;
    const poll =
      method === 'proc-poll'
        ? setInterval(() => {
            const hwm = child.pid !== undefined ? readVmHwmBytes(child.pid) : undefined;
            if (hwm !== undefined) polled = Math.max(polled ?? 0, hwm);
          }, 10)
        : undefined;
    let timedOut = false;
    const timer =
      timeoutSeconds !== undefined
        ? setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) {
              try {
                process.kill(-child.pid, 'SIGKILL');
              } catch {
                /* already gone */
              }
            }
          }, timeoutSeconds * 1000)
        : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallSeconds = (performance.now() - start) / 1000;
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      let peakRssBytes = polled;
      if (timeFile) {
        try {
          // GNU time writes "Command exited with non-zero status N" before the figure.
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          const kb = Number(lines[lines.length - 1]);
          if (Number.isFinite(kb) && kb > 0) peakRssBytes = kb * 1024;
        } catch {
          /* no figure: leave undefined */
        }
        rmSync(dirname(timeFile), { recursive: true, force: true });
      }
      // Under GNU time a killed child shows as "exit 128+signal" of time itself.
      resolvePromise({ wallSeconds, peakRssBytes, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code, signal, timedOut });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// faultline

interface Stats {
  distinctStates: number;
  generatedStates: number;
  depth: number;
  seconds: number;
}

interface Run {
  ok: boolean;
  /** Why the run failed or did not complete, when `ok` is false. */
  problem?: string;
  wallSeconds: number;
  peakRssBytes?: number;
  distinct?: number;
  generated?: number;
  depth?: number;
  /** faultline: the search's own seconds; SPIN: pan's elapsed time. */
  innerSeconds?: number;
}

function lastJsonObject(stdout: string): unknown {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    const lines = text.split('\n').filter((l) => l.startsWith('{'));
    return lines.length > 0 ? JSON.parse(lines[lines.length - 1]) : undefined;
  }
}

function tail(text: string, lines = 3): string {
  return text.trim().split('\n').slice(-lines).join(' | ');
}

async function runFaultline(n: number, options: Options, method: RssMethod, workers = 1): Promise<Run> {
  return runCheck([SPEC, '--param', `rm=${n}`, ...(workers > 1 ? ['--workers', String(workers)] : []), ...options.extra], options, method);
}

/** `faultline check <args> --json` as a measured child process. */
async function runCheck(checkArgs: string[], options: Options, method: RssMethod): Promise<Run> {
  const args = [options.faultline, 'check', ...checkArgs, '--json', '--no-lint'];
  const m = await measure(method, process.execPath, args, ROOT, options.timeoutSeconds);
  const base = { wallSeconds: m.wallSeconds, peakRssBytes: m.peakRssBytes };
  if (m.timedOut) return { ...base, ok: false, problem: `timed out after ${options.timeoutSeconds} s` };
  let parsed: { result?: string; stats?: Stats; incomplete?: string } | undefined;
  try {
    parsed = lastJsonObject(m.stdout) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (!parsed?.stats) {
    const how = m.signal ? `signal ${m.signal}` : `exit ${m.code}`;
    return { ...base, ok: false, problem: `no JSON result (${how}): ${tail(m.stderr || m.stdout) || 'no output'}` };
  }
  const s = parsed.stats;
  const run: Run = { ...base, ok: parsed.result === 'pass', distinct: s.distinctStates, generated: s.generatedStates, depth: s.depth, innerSeconds: s.seconds };
  if (!run.ok) run.problem = `result ${parsed.result}${parsed.incomplete ? ` (${parsed.incomplete})` : ''}`;
  return run;
}

// ---------------------------------------------------------------------------------------------
// SPIN

interface Pan {
  dir: string;
  w: number;
}

/**
 * pan's hash table: 2^w slots, at least one per expected state (pan chains on collisions, so a
 * load of 0.5–1 costs nothing measurable). rm=9 gets pan's default, 24; smaller N get smaller
 * tables so pan's RSS is its states, not an oversized empty table. Unknown N: the default.
 */
function hashBits(n: number): number {
  const expected = TLC[n]?.distinct;
  if (expected === undefined) return 24;
  return Math.min(28, Math.max(16, Math.ceil(Math.log2(expected))));
}

/** Generates and compiles pan for N RMs, outside any timed region. */
function compilePan(n: number, cc: string): Pan {
  const dir = mkdtempSync(join(tmpdir(), `faultline-bench-pan${n}-`));
  const gen = spawnSync('spin', [`-DN=${n}`, '-a', PROMELA], { cwd: dir, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`spin -a failed for N=${n}: ${tail(gen.stderr || gen.stdout)}`);
  const build = spawnSync(cc, [...PAN_CFLAGS, '-o', 'pan', 'pan.c'], { cwd: dir, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`${cc} pan.c failed for N=${n}: ${tail(build.stderr)}`);
  return { dir, w: hashBits(n) };
}

function panNumber(output: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(output);
  return m ? Number(m[1]) : undefined;
}

async function runPan(pan: Pan, options: Options, method: RssMethod): Promise<Run> {
  const m = await measure(method, './pan', ['-m10000', `-w${pan.w}`], pan.dir, options.timeoutSeconds);
  const base = { wallSeconds: m.wallSeconds, peakRssBytes: m.peakRssBytes };
  if (m.timedOut) return { ...base, ok: false, problem: `timed out after ${options.timeoutSeconds} s` };
  const out = m.stdout;
  const NUM = '(\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)';
  const stored = panNumber(out, new RegExp(`${NUM} states, stored`));
  const matched = panNumber(out, new RegExp(`${NUM} states, matched`));
  const errors = panNumber(out, /errors: (\d+)/);
  const run: Run = {
    ...base,
    ok: true,
    distinct: stored,
    // stored + matched counts the initial state once plus every successor: TLC's "generated".
    generated: stored !== undefined && matched !== undefined ? stored + matched : undefined,
    depth: panNumber(out, /depth reached (\d+)/),
    innerSeconds: panNumber(out, /elapsed time ([\d.e+-]+) seconds/),
  };
  if (m.code !== 0 || stored === undefined) return { ...run, ok: false, problem: `pan exit ${m.code}: ${tail(m.stderr || out)}` };
  if (errors !== 0) return { ...run, ok: false, problem: `pan reported ${errors} error(s)` };
  if (/max search depth too small/.test(out)) return { ...run, ok: false, problem: 'pan: max search depth too small (raise -m)' };
  return run;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const fmtInt = (n: number | undefined): string => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const fmtSec = (s: number | undefined): string => (s === undefined ? '—' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const fmtMB = (b: number | undefined): string => (b === undefined ? '—' : (b / 2 ** 20).toFixed(0));
const fmtRatio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);
const rate = (r: Run | undefined): number | undefined => (r?.distinct !== undefined && r.wallSeconds > 0 ? r.distinct / r.wallSeconds : undefined);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function bestOf(runs: Run[]): Run {
  const ok = runs.filter((r) => r.ok);
  const pool = ok.length > 0 ? ok : runs;
  const best = pool.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
  const rss = runs.map((r) => r.peakRssBytes).filter((x): x is number => x !== undefined);
  return { ...best, peakRssBytes: rss.length > 0 ? Math.max(...rss) : undefined };
}

function git(args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const RESULTS_HEADER = `# Benchmark results: faultline vs SPIN on TwoPhase

Appended by \`node --import tsx bench/run.ts\` (see bench/README.md), one line per configuration and run.

- **date**: when the run started (UTC); **commit**: \`git rev-parse --short HEAD\` of the tree that ran
  (other files may have been uncommitted); **machine**: CPU count × model, Node version.
- **rm**: number of resource managers; **distinct**: distinct states (faultline = SPIN's "states
  stored" = TLC's published count, else the line says MISMATCH).
- **faultline s / states/s / MB**: wall seconds of the whole \`faultline check … --json\` process (Node
  start-up and loading the spec included; from 2026-12-06 the CLI runs from its build, dist/, as the
  installed package does, before from the sources through tsx, ~0.4 s more), distinct states per wall
  second, peak RSS in MiB.
  **search s**: the search time faultline reports itself.
- **SPIN s / states/s / MB**: the same for \`./pan\` alone (generated and compiled before timing);
  pan built with \`gcc -O2 -DSAFETY -DNOREDUCE\`, run with \`-m10000 -wW\`.
- **time ×, mem ×**: faultline / SPIN for wall time and for peak RSS (issue 6 target at rm=8: time ≤ 2.5×;
  at rm=9: peak RSS ≤ SPIN's 1.75 GB published figure).
- **notes**: flags passed to faultline, failed or skipped measurements.

| date | commit | machine | rm | distinct | faultline s | search s | faultline states/s | faultline MB | SPIN s | SPIN states/s | SPIN MB | time × | mem × | notes |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;

const ACTOR_RESULTS_HEADER = `# Benchmark results: the actor layer

Appended by \`node --import tsx bench/run.ts\` (see bench/README.md): bundled actor protocols, whose
states are whole worlds (nodes, the network multiset, timers), timed like TwoPhase.

- **distinct / generated**: faultline's counts (distinct must equal the count pinned in the tests).
- **search s**: the search time faultline reports; **states/s**: distinct per search second;
  **generated/s**: generated per search second; **MB**: peak RSS of the whole process.

| date | commit | machine | spec | flags | distinct | generated | search s | states/s | generated/s | MB | notes |
|---|---|---|---|---|---|---|---|---|---|---|---|
`;

/** Times the actor-layer protocols and appends a line each to bench/actor-results.md. */
async function actorLayer(options: Options, method: RssMethod, machine: string, say: (line: string) => void): Promise<boolean> {
  say('\nActor layer: distinct states per search second (the search as faultline times it)');
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const commit = git(['rev-parse', '--short', 'HEAD']) ?? '?';
  const rows: string[][] = [];
  let ok = true;
  // The kernel's rate on TwoPhase, timed the same way in this run: what the ratios are of.
  const kernelRuns: Run[] = [];
  for (let k = 0; k < options.repeat; k++) kernelRuns.push(await runFaultline(KERNEL_REFERENCE, { ...options, extra: [] }, method));
  const kernel = bestOf(kernelRuns.map((x) => ({ ...x, wallSeconds: x.innerSeconds ?? x.wallSeconds })));
  const kernelRate = kernel.ok && kernel.distinct !== undefined && kernel.innerSeconds ? kernel.distinct / kernel.innerSeconds : undefined;
  if (!kernel.ok || kernel.distinct !== TLC[KERNEL_REFERENCE].distinct) ok = false;
  say(`kernel reference: TwoPhase rm=${KERNEL_REFERENCE}, one thread: ${kernel.ok ? `${fmtInt(kernel.distinct)} distinct in ${fmtSec(kernel.innerSeconds)} s, ${fmtInt(kernelRate)} states/s` : `FAILED: ${kernel.problem}`}`);
  const porLines: string[] = [];
  for (const config of ACTOR_CONFIGS) {
    const runs: Run[] = [];
    for (let k = 0; k < options.repeat; k++) runs.push(await runCheck([config.spec, ...config.args, ...options.extra], options, method));
    const r = bestOf(runs.map((x) => ({ ...x, wallSeconds: x.innerSeconds ?? x.wallSeconds })));
    const matches = r.ok && r.distinct === config.distinct;
    if (!matches) ok = false;
    const perSecond = (n: number | undefined): number | undefined => (n !== undefined && r.innerSeconds ? n / r.innerSeconds : undefined);
    const share = r.ok && kernelRate ? perSecond(r.distinct)! / kernelRate : undefined;
    const verdict = share === undefined || !config.target ? '' : share >= ACTOR_TARGET ? 'meets' : 'below';
    const cells = [
      config.spec,
      [...config.args, ...options.extra].join(' '),
      fmtInt(r.distinct),
      fmtInt(r.generated),
      fmtSec(r.innerSeconds),
      fmtInt(perSecond(r.distinct)),
      fmtInt(perSecond(r.generated)),
      fmtMB(r.peakRssBytes),
      !r.ok ? `FAILED: ${r.problem}` : matches ? 'ok' : `MISMATCH (expected ${fmtInt(config.distinct)})`,
    ];
    const ratio = share === undefined ? '—' : `${share.toFixed(2)}${verdict ? ` (${verdict} ${ACTOR_TARGET})` : ''}`;
    rows.push([...cells, ratio]);
    if (config.target) {
      // Partial-order reduction (--por, off by default): the same check reduced, for comparison.
      const porRuns: Run[] = [];
      for (let k = 0; k < options.repeat; k++) porRuns.push(await runCheck([config.spec, ...config.args, ...options.extra, '--por'], options, method));
      const p = bestOf(porRuns.map((x) => ({ ...x, wallSeconds: x.innerSeconds ?? x.wallSeconds })));
      porLines.push(
        `  ${config.spec} ${config.args.join(' ')}: ${fmtInt(r.distinct)} distinct in ${fmtSec(r.innerSeconds)} s without, ` +
          (p.ok ? `${fmtInt(p.distinct)} in ${fmtSec(p.innerSeconds)} s with --por` : `FAILED with --por: ${p.problem}`),
      );
      if (!p.ok) ok = false;
    }
    if (options.record) {
      if (!existsSync(ACTOR_RESULTS)) writeFileSync(ACTOR_RESULTS, ACTOR_RESULTS_HEADER);
      const notes = [
        options.repeat > 1 ? `best of ${options.repeat}` : '',
        cells[8] === 'ok' ? '' : cells[8],
        share === undefined ? '' : `${share.toFixed(2)} of kernel rm=${KERNEL_REFERENCE} (${fmtInt(kernelRate)}/s)`,
      ];
      appendFileSync(ACTOR_RESULTS, `| ${[date, commit, machine, ...cells.slice(0, 8), notes.filter(Boolean).join('; ')].map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |\n`);
    }
  }
  say(table(['spec', 'flags', 'distinct', 'generated', 'search s', 'states/s', 'generated/s', 'MB', 'check', `÷ kernel rm=${KERNEL_REFERENCE}`], rows));
  say(`partial-order reduction (distinct states, search seconds; best of ${options.repeat}):\n${porLines.join('\n')}`);
  return ok;
}

function appendResult(cells: string[]): void {
  if (!existsSync(RESULTS)) writeFileSync(RESULTS, RESULTS_HEADER);
  appendFileSync(RESULTS, `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |\n`);
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const say = (line: string): void => void process.stdout.write(line + '\n');
  let mismatch = false;
  let failed = false;

  if (!existsSync(resolve(ROOT, options.faultline))) {
    say(`bench: ${options.faultline} not found: cannot run faultline`);
    return 2;
  }
  if (options.faultline === BUILT_CLI) {
    // Outside the timed region, like SPIN's spin -a and gcc: faultline runs from its build, as installed.
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) {
      say(`bench: npm run build failed: ${(build.stderr || build.stdout).trim().split('\n')[0]}`);
      return 2;
    }
    say('bench: built dist/ (faultline runs from its build, as the installed package does)');
  }
  const method = detectRssMethod();
  if (method === 'proc-poll') say('bench: /usr/bin/time (Debian package `time`) missing: peak RSS by polling /proc/<pid>/status VmHWM every 10 ms');
  if (method === 'none') say('bench: neither /usr/bin/time nor /proc: peak RSS not measured');
  let cc: string | undefined;
  if (options.spin) {
    if (!onPath('spin')) say('bench: spin not on PATH (Debian package `spin`): SPIN columns skipped');
    else {
      cc = ['gcc', 'cc'].find(onPath);
      if (!cc) say('bench: no gcc/cc on PATH: cannot compile pan, SPIN columns skipped');
    }
  }
  const useSpin = cc !== undefined;
  const machine = `${cpus().length}× ${cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? '?'}, node ${process.version}`;
  say(`faultline vs SPIN on TwoPhase · ${machine}${useSpin ? ` · pan: ${cc} ${PAN_CFLAGS.join(' ')}` : ''}`);
  if (options.extra.length > 0) say(`faultline check … ${options.extra.join(' ')}`);

  const pans = new Map<number, Pan>();
  const panFor = (n: number): Pan | undefined => {
    if (!cc) return undefined;
    let pan = pans.get(n);
    if (!pan) {
      pan = compilePan(n, cc);
      pans.set(n, pan);
    }
    return pan;
  };

  try {
    // --- TwoPhase-vs-TLC-counts: distinct, generated and depth must equal TLC's.
    if (options.sanity) {
      say('\nTwoPhase-vs-TLC-counts (distinct / generated / depth; SPIN: stored / stored+matched)');
      const rows: string[][] = [];
      for (const n of SANITY_CONFIGS) {
        const tlc = TLC[n];
        const fl = await runFaultline(n, { ...options, repeat: 1 }, 'none');
        let sp: Run | undefined;
        try {
          const pan = panFor(n);
          sp = pan ? await runPan(pan, options, 'none') : undefined;
        } catch (error) {
          sp = { ok: false, problem: (error as Error).message, wallSeconds: 0 };
        }
        const flOk = fl.ok && fl.distinct === tlc.distinct && fl.generated === tlc.generated && fl.depth === tlc.depth;
        const spOk = !sp || (sp.ok && sp.distinct === tlc.distinct && sp.generated === tlc.generated);
        if (!flOk || !spOk) mismatch = true;
        rows.push([
          `rm=${n}`,
          `${fmtInt(tlc.distinct)} / ${fmtInt(tlc.generated)} / ${tlc.depth}`,
          fl.ok ? `${fmtInt(fl.distinct)} / ${fmtInt(fl.generated)} / ${fl.depth}` : `FAILED: ${fl.problem}`,
          sp ? (sp.ok ? `${fmtInt(sp.distinct)} / ${fmtInt(sp.generated)}` : `FAILED: ${sp.problem}`) : 'skipped',
          flOk && spOk ? 'ok' : '*** MISMATCH ***',
        ]);
      }
      say(table(['', 'TLC', 'faultline', 'SPIN', 'check'], rows));
    }

    // --- The timed configurations.
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const commit = git(['rev-parse', '--short', 'HEAD']) ?? '?';
    const rows: string[][] = [];
    const notes: string[] = [];
    const timeRatios = new Map<string, number>(); // `${n}x${workers}` → faultline wall / SPIN wall
    for (const n of options.configs) {
      say(`\nrm=${n}: ${TLC[n] ? `TLC ${fmtInt(TLC[n].distinct)} distinct` : 'no TLC figure'}${useSpin ? ', compiling pan…' : ''}`);
      let pan: Pan | undefined;
      let panProblem: string | undefined;
      try {
        pan = panFor(n);
      } catch (error) {
        panProblem = (error as Error).message;
        say(`  SPIN: ${panProblem}`);
      }
      // SPIN once per configuration; faultline once per worker count, SPIN's runs interleaved.
      const spRuns: Run[] = [];
      const flRuns = new Map<number, Run[]>(options.workers.map((w) => [w, []]));
      for (let k = 0; k < options.repeat; k++) {
        if (pan) {
          const sp = await runPan(pan, options, method);
          say(`  SPIN      ${sp.ok ? `${fmtInt(sp.distinct)} stored` : `FAILED: ${sp.problem}`}, ${fmtSec(sp.wallSeconds)} s, ${fmtMB(sp.peakRssBytes)} MB`);
          spRuns.push(sp);
        }
        for (const w of options.workers) {
          const fl = await runFaultline(n, options, method, w);
          say(`  faultline ${fl.ok ? `${fmtInt(fl.distinct)} distinct` : `FAILED: ${fl.problem}`}, ${fmtSec(fl.wallSeconds)} s, ${fmtMB(fl.peakRssBytes)} MB${w > 1 ? ` (${w} workers)` : ''}`);
          flRuns.get(w)!.push(fl);
        }
      }
      const sp = spRuns.length > 0 ? bestOf(spRuns) : undefined;
      for (const w of options.workers) {
        const fl = bestOf(flRuns.get(w)!);
        const tlc = TLC[n]?.distinct;
        const counts = [fl.ok ? fl.distinct : undefined, sp?.ok ? sp.distinct : undefined, tlc].filter((x): x is number => x !== undefined);
        const countsMismatch = new Set(counts).size > 1;
        if (countsMismatch) mismatch = true;
        if (!fl.ok || (sp && !sp.ok) || panProblem) failed = true;
        const status = countsMismatch ? '*** MISMATCH ***' : !fl.ok ? 'faultline FAILED' : sp && !sp.ok ? 'SPIN FAILED' : 'ok';
        const pub = PUBLISHED[n];
        if (fl.ok && sp?.ok && !countsMismatch) timeRatios.set(`${n}x${w}`, fl.wallSeconds / sp.wallSeconds);
        const flags = [...(w > 1 ? ['--workers', String(w)] : []), ...options.extra];
        rows.push([
          `rm=${n}${w > 1 ? ` ×${w}` : ''}`,
          fl.ok ? fmtInt(fl.distinct) : 'FAILED',
          sp ? (sp.ok ? fmtInt(sp.distinct) : 'FAILED') : '—',
          fmtInt(tlc),
          status,
          fmtSec(fl.wallSeconds),
          sp ? fmtSec(sp.wallSeconds) : '—',
          fmtInt(rate(fl)),
          fmtInt(rate(sp)),
          fmtMB(fl.peakRssBytes),
          fmtMB(sp?.peakRssBytes),
          fmtRatio(fl.wallSeconds, sp?.wallSeconds),
          fmtRatio(fl.peakRssBytes, sp?.peakRssBytes),
          pub?.spin ?? '—',
          pub?.tlc ?? '—',
        ]);
        const note = [
          flags.length > 0 ? `faultline ${flags.join(' ')}` : '',
          options.repeat > 1 ? `best of ${options.repeat}` : '',
          !fl.ok ? `faultline: ${fl.problem}` : '',
          sp && !sp.ok ? `SPIN: ${sp.problem}` : '',
          panProblem ? `SPIN: ${panProblem}` : !useSpin ? 'SPIN skipped' : '',
          pan ? `pan -w${pan.w}` : '',
          countsMismatch ? `MISMATCH faultline ${fmtInt(fl.distinct)} SPIN ${fmtInt(sp?.distinct)} TLC ${fmtInt(tlc)}` : '',
          method === 'proc-poll' ? 'RSS by /proc polling' : method === 'none' ? 'RSS not measured' : '',
        ].filter(Boolean);
        notes.push(...(countsMismatch ? [`rm=${n}: ${note.join('; ')}`] : []));
        if (options.record) {
          appendResult([
            date,
            commit,
            machine,
            String(n),
            countsMismatch ? 'MISMATCH' : fmtInt(fl.distinct ?? sp?.distinct),
            fl.ok ? fmtSec(fl.wallSeconds) : 'failed',
            fmtSec(fl.innerSeconds),
            fl.ok ? fmtInt(rate(fl)) : '—',
            fmtMB(fl.peakRssBytes),
            sp?.ok ? fmtSec(sp.wallSeconds) : '—',
            sp?.ok ? fmtInt(rate(sp)) : '—',
            sp?.ok ? fmtMB(sp.peakRssBytes) : '—',
            fl.ok && sp?.ok ? fmtRatio(fl.wallSeconds, sp.wallSeconds) : '—',
            fl.ok && sp?.ok ? fmtRatio(fl.peakRssBytes, sp.peakRssBytes) : '—',
            note.join('; '),
          ]);
        }
      }
    }

    say('\nTwoPhase: distinct states, wall seconds, states/s (distinct / wall), peak RSS (MiB); ratios faultline/SPIN');
    say(
      table(
        ['', 'faultline', 'SPIN', 'TLC', 'counts', 'fl s', 'SPIN s', 'fl st/s', 'SPIN st/s', 'fl MB', 'SPIN MB', 'time ×', 'mem ×', 'issue: SPIN 6.5.2', 'issue: TLC 1 worker'],
        rows,
      ),
    );
    for (const note of notes) say(note);
    const most = Math.max(...options.workers);
    for (const target of SPIN_TARGETS) {
      const w = target.workers === 'one' ? 1 : most;
      if (!options.configs.includes(target.n) || (target.workers === 'all' && most === 1)) continue;
      const ratio = timeRatios.get(`${target.n}x${w}`);
      const what = `TwoPhase rm=${target.n}, ${w === 1 ? 'one thread' : `${w} workers`}: faultline/SPIN wall time`;
      say(ratio === undefined ? `target: ${what} not measured` : `target: ${what} ${ratio.toFixed(2)}× (target ≤ ${target.ratio}×: ${ratio <= target.ratio ? 'meets' : 'below'})`);
    }
    if (options.actor && !(await actorLayer(options, method, machine, say))) mismatch = true;
    if (options.record) say(`\nappended ${options.configs.length * options.workers.length} line(s) to ${join('bench', 'results.md')}${options.actor ? ` and ${ACTOR_CONFIGS.length} to ${join('bench', 'actor-results.md')}` : ''}`);
    if (mismatch) say('\n*** MISMATCH: state counts differ between faultline, SPIN and TLC ***');
    else if (failed) say('\nsome runs failed or did not complete (see above)');
  } finally {
    for (const pan of pans.values()) rmSync(pan.dir, { recursive: true, force: true });
  }
  return mismatch ? 1 : failed ? 2 : 0;
}

process.exitCode = await main();
