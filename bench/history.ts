/**
 * The history checker on large multi-client histories (issue 15): time and peak memory of
 * `checkLinearizable` on deterministic kv histories from `generateKvHistory` (a simulated store
 * with concurrent clients; see checker/history/generate.ts), linearizable and with one read
 * corrupted (then the time includes the explanation of the violation).
 *
 *   node --import tsx bench/history.ts                 the default cases (below)
 *   node --import tsx bench/history.ts --clients 50 --ops 5000 --keys 10 [--latency 0.1]
 *                                       [--slow 0.05] [--factor 10] [--seed 1] [--corrupt 0.5] [--timeout 60]
 *
 * Each case runs in a child process of its own, so its peak RSS (getrusage maxRSS) is its own.
 * Exit status 0 when every verdict is the one the generator built in, 1 otherwise.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { checkLinearizable, generateKvHistory, kvModel, type KvHistoryOptions } from '../checker/history/index.ts';

interface Case extends KvHistoryOptions {
  name: string;
  timeout?: number;
}

/** The default cases: Porcupine's c50 shape (50 clients, 10 keys) at 5,000 operations, and more. */
const CASES: Case[] = [
  { name: '50 clients × 5,000 ops × 10 keys', clients: 50, ops: 5000, keys: 10 },
  { name: '50 clients × 5,000 ops × 10 keys, read corrupted', clients: 50, ops: 5000, keys: 10, corruptAt: 0.5 },
  { name: '50 clients × 20,000 ops × 50 keys', clients: 50, ops: 20000, keys: 50 },
  { name: '50 clients × 5,000 ops × 10 keys, 5× the overlap', clients: 50, ops: 5000, keys: 10, latency: 0.5 },
  // 3% of the phases 300× slower: effects long before, or long after, completions (Porcupine's c50 has both).
  { name: '50 clients × 5,000 ops × 10 keys, stragglers', clients: 50, ops: 5000, keys: 10, latency: 0.3, slow: 0.03, slowFactor: 300 },
  { name: '50 clients × 5,000 ops × 10 keys, 1% of writes lost (info)', clients: 50, ops: 5000, keys: 10, lost: 0.01 },
];

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
}

/** Runs one case in this process and prints one JSON line. */
function runCase(c: Case): void {
  const generated = generateKvHistory(c);
  const started = performance.now();
  const result = checkLinearizable(generated.history, kvModel(), { timeoutMs: (c.timeout ?? 120) * 1000 });
  const seconds = (performance.now() - started) / 1000;
  const expected = generated.linearizable ? 'ok' : 'violation';
  process.stdout.write(
    JSON.stringify({
      verdict: result.verdict,
      expected,
      ops: result.ops,
      partitions: result.partitions,
      seconds,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
}

function main(): number {
  const args = process.argv.slice(2);
  if (args[0] === '--case') {
    runCase(JSON.parse(args[1]) as Case);
    return 0;
  }
  const custom = ['clients', 'ops', 'keys', 'latency', 'slow', 'seed', 'corrupt'].some((name) => flag(args, name) !== undefined);
  const cases: Case[] = custom
    ? [
        {
          name: 'custom',
          clients: flag(args, 'clients') ?? 50,
          ops: flag(args, 'ops') ?? 5000,
          keys: flag(args, 'keys') ?? 10,
          ...(flag(args, 'latency') !== undefined ? { latency: flag(args, 'latency') } : {}),
          ...(flag(args, 'slow') !== undefined ? { slow: flag(args, 'slow') } : {}),
          ...(flag(args, 'factor') !== undefined ? { slowFactor: flag(args, 'factor') } : {}),
          ...(flag(args, 'seed') !== undefined ? { seed: flag(args, 'seed') } : {}),
          ...(flag(args, 'corrupt') !== undefined ? { corruptAt: flag(args, 'corrupt') } : {}),
          ...(flag(args, 'timeout') !== undefined ? { timeout: flag(args, 'timeout') } : {}),
        },
      ]
    : CASES;
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  console.log('case | verdict | ops | keys checked | seconds | peak RSS');
  let failed = 0;
  for (const c of cases) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', JSON.stringify(c)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    let r: { verdict: string; expected: string; ops: number; partitions: number; seconds: number; peakRssMiB: number };
    try {
      r = JSON.parse(line);
    } catch {
      console.log(`${c.name} | FAILED (exit ${child.status}): ${(child.stderr || child.stdout).trim().split('\n').slice(-1)[0] ?? ''}`);
      failed++;
      continue;
    }
    const wrong = r.verdict !== r.expected && r.verdict !== 'timeout';
    if (r.verdict !== r.expected) failed++;
    console.log(
      `${c.name} | ${r.verdict}${wrong ? ` (WRONG: expected ${r.expected})` : ''} | ${r.ops} | ${r.partitions} | ${r.seconds.toFixed(3)} s | ${r.peakRssMiB.toFixed(0)} MiB`,
    );
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
