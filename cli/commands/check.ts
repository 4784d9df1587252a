import { renderCoverage } from '../../checker/coverage.ts';
import { checkInThread, ThreadError } from '../../api/check-in-thread.ts';
import { describeFaults } from '../../counterexamples/index.ts';
import { BadInputError, render, validateOutDir, writeTraces, type CheckReport, type Progress } from '../../api/index.ts';
import { parseParams, formatParams } from '../../api/params.ts';
import { resolveSpecFile } from '../../api/load-spec.ts';
import { stoppedBy } from '../../api/stopped-by.ts';
import { environmentOverrides, type EnvironmentOptions } from '../environment-flags.ts';
import { ExitCode } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline check`. */
export interface CheckCommandOptions extends EnvironmentOptions {
  param: string[];
  strategy: string;
  maxDepth?: number;
  maxStates?: number;
  timeout?: number;
  maxMemory?: number;
  json?: boolean;
  progress?: boolean;
  minimize?: string;
  seed?: number;
  runs?: number;
  swarm?: boolean;
  out?: string;
  /** False with --no-lint. */
  lint?: boolean;
  coverage?: boolean;
  exact?: boolean;
  /** True with --por, false with --no-por. */
  por?: boolean;
  workers?: number | 'auto';
  /** `K/N` or `auto`: run shard K of N (merge the shards' --json reports with faultline merge). */
  shard?: string;
  splitDepth?: number;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
}

const STRATEGIES = ['bfs', 'dfs', 'random'] as const;

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function progressLine(p: Progress): string {
  const rate = p.seconds > 0 ? Math.round(p.distinctStates / p.seconds) : 0;
  return `… ${count(p.distinctStates)} distinct, ${count(p.generatedStates)} generated, ${count(rate)} states/s, depth ${p.depth}, queue ${count(p.queue)}`;
}

/** `faultline check <spec>`: checks the spec (in a supervised thread) and prints the verdict. */
export async function check(specFile: string, options: CheckCommandOptions): Promise<number> {
  if (!(STRATEGIES as readonly string[]).includes(options.strategy)) {
    throw new BadInputError(`--strategy ${options.strategy}: unknown strategy (use one of: ${STRATEGIES.join(', ')})`);
  }
  if (options.minimize !== undefined && options.minimize !== 'faults') throw new BadInputError(`--minimize ${options.minimize}: unknown objective (use: --minimize faults)`);
  if (options.minimize && options.strategy !== 'bfs') throw new BadInputError('--minimize faults needs --strategy bfs');
  if (options.exact && options.strategy === 'random') throw new BadInputError('--exact needs an exhaustive search (--strategy bfs or dfs)');
  const params = parseParams(options.param);
  // A problem with --out is found now, not after the search.
  if (options.out) validateOutDir(options.out, [resolveSpecFile(specFile)]);

  const tty = process.stderr.isTTY === true;
  const showProgress = options.progress || tty;
  const run = checkInThread(
    specFile,
    {
      strategy: options.strategy as 'bfs' | 'dfs' | 'random',
      params,
      environment: environmentOverrides(options),
      ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
      ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.maxMemory !== undefined ? { maxMemory: options.maxMemory } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.runs !== undefined ? { runs: options.runs } : {}),
      ...(options.swarm ? { swarm: true } : {}),
      ...(options.minimize ? { minimize: 'faults' as const } : {}),
      ...(options.coverage ? { coverage: true } : {}),
      ...(options.exact ? { exact: true } : {}),
      ...(options.por !== undefined ? { por: options.por } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.shard !== undefined ? { shard: options.shard } : {}),
      ...(options.splitDepth !== undefined ? { splitDepth: options.splitDepth } : {}),
      ...(options.checkpoint !== undefined ? { checkpoint: options.checkpoint } : {}),
      ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
      ...(options.resume !== undefined ? { resume: options.resume } : {}),
      lint: options.lint !== false,
    },
    showProgress ? (p) => process.stderr.write(tty ? `\r${progressLine(p)}\x1b[K` : `${progressLine(p)}\n`) : undefined,
  );
  // Ctrl-C: the search stops and reports what it found so far; a second Ctrl-C stops at once.
  let interrupts = 0;
  const onSigint = (): void => {
    if (interrupts++ === 0) run.interrupt();
    else run.abort();
  };
  process.on('SIGINT', onSigint);
  // SIGTERM (a scheduler stopping the job) stops the same way: with a checkpoint, one is written first.
  process.on('SIGTERM', onSigint);
  let report: CheckReport;
  try {
    report = await run.report;
  } catch (error) {
    if (error instanceof ThreadError && error.known) throw new BadInputError(error.message.replace(/^faultline: /, ''), error.threadStack);
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    if (tty) process.stderr.write('\r\x1b[K');
  }

  const coverageText = report.coverage && renderCoverage(report.coverage, report.result === 'pass' ? undefined : report.result);
  const written: string[] = [];
  let writeError: string | undefined;
  if (options.out && (report.violations.length > 0 || (report.reached ?? []).length > 0)) {
    try {
      written.push(...writeTraces(options.out, report, { ...(coverageText ? { coverage: coverageText } : {}), inputs: [resolveSpecFile(specFile)] }));
    } catch (error) {
      // The verdict is printed whatever happens to the files.
      writeError = `faultline: could not write the traces into ${options.out}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (options.json) {
    const { spec, warnings, collisionProbability: _c, ...json } = report;
    // A shard's report says what it checked, so that faultline merge combines only the shards of one check.
    const strip = { ...json, violations: json.violations.map(({ needs: _n, ...v }) => v), ...(warnings.length > 0 ? { warnings } : {}), ...(report.shard ? { spec } : {}) };
    process.stdout.write(JSON.stringify(strip) + '\n');
  } else {
    const workersNote = report.warnings.find((w) => w.startsWith('workers: '))?.slice('workers: '.length);
    const header = [
      `faultline check ${specFile}`,
      `  spec      ${report.spec.name}`,
      `  params    ${formatParams(params)}`,
      `  strategy  ${options.strategy}`,
      ...(report.workers !== undefined ? [`  workers   ${report.workers}${workersNote ? ` (${workersNote})` : ''}`] : []),
      ...(report.spec.environment ? [`  network   ${report.spec.environment}`] : []),
      ...(report.random ? [`  random    ${randomLine(report.random)}`] : []),
      ...(report.shard ? [`  shard     ${shardLine(report.shard)}`] : []),
      '',
    ];
    const notes = report.warnings.filter((w) => !w.startsWith('workers: ')).map((w) => `note: ${w}`);
    const wrote = written.filter((f) => f.endsWith('.json')).map((f) => `wrote ${f}`);
    process.stdout.write(
      terminalText(header.join('\n') + '\n' + [...notes, ...(notes.length ? [''] : [])].join('\n') + humanResult(report) + (report.result === 'violation' ? '' : goalLines(report)) + '\n' + (coverageText ? `\n${coverageText}\n` : '')) +
        (wrote.length > 0 ? `\n${wrote.join('\n')}\n` : ''),
    );
  }
  if (writeError) process.stderr.write(writeError + '\n');
  if (report.incomplete === 'interrupted') return ExitCode.interrupted;
  return report.result === 'pass' ? ExitCode.pass : report.result === 'violation' ? ExitCode.violation : ExitCode.incomplete;
}

/** Seed, walks and shrinking of a random search: what it takes to re-run it. */
function randomLine(run: NonNullable<CheckReport['random']>): string {
  const parts = [`seed ${run.seed}`, `${count(run.runs)} walks`];
  if (run.path) parts.push(`path ${run.path}`);
  if (run.originalLength !== undefined) parts.push(`shrunk ${run.originalLength} → ${run.shrunkLength} steps`);
  if (run.environment) parts.push(`swarm environment ${JSON.stringify(run.environment)}`);
  return parts.join(', ');
}

/** Which shard this is and what it explored. */
function shardLine(shard: NonNullable<CheckReport['shard']>): string {
  const part = `${shard.index}/${shard.count}`;
  if (shard.seed !== undefined) return `${part}, seed ${shard.seed} (its share of the walks)`;
  return `${part}: ${count(shard.ownStates ?? 0)} of the ${count(shard.splitStates ?? 0)} states at depth ${shard.splitDepth} (split), after the ${count(shard.prefixStates ?? 0)} states before it`;
}

/** TLC's line on fingerprint collisions, or the count an exact search measured. */
function fingerprintLine(r: CheckReport): string {
  const s = r.stats;
  if (s.fingerprintCollisions !== undefined) {
    return `\nexact: states compared in full; ${count(s.fingerprintCollisions)} fingerprint collision${s.fingerprintCollisions === 1 ? '' : 's'} among them`;
  }
  if (r.collisionProbability === undefined) return '';
  return `\nfingerprint collision probability (optimistic, as TLC computes it): ${r.collisionProbability.toExponential(1)}`;
}


/** One line per reachability goal reached: how many steps its witness takes. */
function goalLines(report: CheckReport): string {
  const reached = report.reached ?? [];
  if (reached.length === 0) return '';
  const note =
    report.random !== undefined
      ? ' (random walks: witnesses, not necessarily shortest ones)'
      : report.result !== 'violation' && /dfs/.test(reached[0].trace.strategy)
        ? ' (dfs: a witness, not necessarily a shortest one)'
        : '';
  return '\n\n' + reached.map((r) => `reachable ${r.goal}: reached in ${r.length === 1 ? '1 step' : `${r.length} steps`}`).join('\n') + note;
}

function humanResult(report: CheckReport): string {
  const s = report.stats;
  const rate = s.seconds > 0 ? ` (${count(Math.round(s.distinctStates / s.seconds))} states/s)` : '';
  const por = report.partialOrder
    ? `\npartial-order reduction: ${count(report.partialOrder.reducedStates)} state${report.partialOrder.reducedStates === 1 ? '' : 's'} expanded with an ample set${report.violations.some((v) => v.kind === 'invariant' || v.kind === 'terminal') ? '; the trace may be longer than a shortest one (check without --por for that)' : ''}`
    : '';
  const summary = `${count(s.distinctStates)} distinct states, ${count(s.generatedStates)} generated, depth ${s.depth}, ${s.seconds.toFixed(2)} s${rate}${por}`;
  if (report.result === 'pass' && report.shard) {
    return `pass (shard ${report.shard.index}/${report.shard.count}): every property holds in every state this shard explored; faultline merge the shards' --json reports for the verdict\n${summary}`;
  }
  if (report.result === 'pass') return `pass: every property holds in every reachable state\n${summary}${fingerprintLine(report)}`;
  if (report.result === 'incomplete') {
    const why = stoppedBy(report.incomplete, 'flag');
    const advice = report.incomplete === 'memory' ? '\nto go further: more memory (--max-memory, NODE_OPTIONS=--max-old-space-size=…), symmetry, or a smaller configuration' : '';
    return `incomplete: stopped at ${why} before exploring every state; no violation found so far\n${summary}${advice}`;
  }
  // The goals reached go with the counts, before the (last, longest) part: the trace.
  const goals = goalLines(report);
  return report.violations
    .map((v) => {
      if (v.message !== undefined) return `violation: ${v.kind} ${v.property}: ${v.message ?? 'never reached'} (no reachable state satisfies it)\n${summary}${goals}`;
      const steps = v.length === 1 ? '1 step' : `${v.length} steps`;
      const need = v.needs.length > 0 ? `\nneeds: ${v.needs.join('; ')}` : '';
      return `violation: ${v.kind} ${v.property} fails after ${steps} (${describeFaults(v.faults)})${need}\n${summary}${goals}\n\n${render(v.trace, 'text')}`;
    })
    .join('\n\n');
}
