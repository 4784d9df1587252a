import { getHeapStatistics } from 'node:v8';
import type { Worker } from 'node:worker_threads';
import type { Progress } from '../checker/index.ts';
import { startThread } from '../checker/parallel/start-thread.ts';
import type { CheckOptions, CheckReport } from './check.ts';
import { BadInputError } from './errors.ts';

/** How a supervised check ended when the search thread could not answer for itself. */
export interface Supervision {
  /** Stop the search: it answers with what it found so far (`incomplete`, `interrupted`). */
  interrupt(): void;
  /** Stop at once, without the search's answer (a second Ctrl-C). */
  abort(): void;
  readonly report: Promise<CheckReport>;
}

/** An error the search thread reported, with its message as the thread wrote it. */
export class ThreadError extends Error {
  constructor(
    message: string,
    /** A known kind (bad input, a spec failure) as opposed to a bug. */
    readonly known: boolean,
    readonly threadStack?: string,
  ) {
    super(message);
    this.name = known ? 'BadInputError' : 'ThreadError';
  }
}

const ENTRY = new URL(`./check-thread${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

/**
 * Checks a spec file on a thread of its own, so that every run is bounded whatever the spec
 * does: a `timeout` also ends a search stuck inside spec code that never returns (the thread
 * is terminated; `incomplete`, `stuck`), a full heap ends the thread instead of the process
 * (`incomplete`, `memory`), and {@link Supervision.interrupt} stops the search with its
 * counts (`incomplete`, `interrupted`). Counts reported without the search's answer are the
 * last it published (at most 256 states old).
 */
export function checkInThread(specFile: string, options: CheckOptions, onProgress?: (p: Progress) => void): Supervision {
  const control = new SharedArrayBuffer(16);
  const counts = new Int32Array(control);
  const { onProgress: _, stop: __, ...plain } = options;
  const started = performance.now();
  const limitMb = Math.ceil(getHeapStatistics().heap_size_limit / 2 ** 20);
  let thread: Worker;
  try {
    thread = startThread(ENTRY, {
      workerData: { specFile, options: plain, control, progress: onProgress !== undefined },
      resourceLimits: { maxOldGenerationSizeMb: limitMb },
      stdout: false,
      stderr: false,
    });
  } catch (error) {
    throw new BadInputError(`cannot start the search thread: ${error instanceof Error ? error.message : String(error)}`);
  }
  let settle: (r: CheckReport) => void;
  let fail: (e: Error) => void;
  const report = new Promise<CheckReport>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let done = false;
  let stuckTimer: NodeJS.Timeout | undefined;
  const finish = (outcome: CheckReport | Error): void => {
    if (done) return;
    done = true;
    if (stuckTimer) clearTimeout(stuckTimer);
    void thread.terminate();
    if (outcome instanceof Error) fail(outcome);
    else settle(outcome);
  };
  /** The report of a search that could not answer: the counts it last published. */
  const unanswered = (reason: 'stuck' | 'memory' | 'interrupted', warning: string): CheckReport => ({
    result: 'incomplete',
    stats: { distinctStates: counts[1], generatedStates: counts[2], depth: counts[3], seconds: (performance.now() - started) / 1000 },
    violations: [],
    incomplete: reason,
    spec: { name: specFile, path: specFile, params: options.params ?? {} },
    warnings: [warning],
  });

  thread.on('message', (m: { kind: string; report?: CheckReport; progress?: Progress; message?: string; known?: boolean; stack?: string }) => {
    if (m.kind === 'progress' && m.progress) onProgress?.(m.progress);
    else if (m.kind === 'report' && m.report) finish(m.report);
    else if (m.kind === 'error') finish(new ThreadError(m.message ?? 'unknown error', m.known === true, m.stack));
  });
  thread.on('error', (error: Error & { code?: string }) => {
    if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      finish(
        unanswered(
          'memory',
          `the search ran out of memory (heap limit ${limitMb} MB): give Node more (NODE_OPTIONS=--max-old-space-size=…), use workers, or check a smaller configuration (a bound, fewer nodes, symmetry)`,
        ),
      );
    } else finish(error);
  });
  thread.on('exit', (code) => finish(new Error(`the search thread ended without an answer (exit code ${code})`)));

  if (options.timeout !== undefined) {
    // The search checks its own deadline between states; past it by this much, it is stuck in spec code.
    const grace = Math.max(2000, options.timeout * 100);
    stuckTimer = setTimeout(() => {
      finish(
        unanswered(
          'stuck',
          `no answer ${((options.timeout! * 1000 + grace) / 1000).toFixed(1)} s into a ${options.timeout} s limit: a call into the spec (init, actions, next or a property) never returned — look for a loop in the spec`,
        ),
      );
    }, options.timeout * 1000 + grace);
    stuckTimer.unref();
  }
  return {
    report,
    interrupt: () => Atomics.store(counts, 0, 1),
    abort: () => finish(unanswered('interrupted', 'interrupted twice: stopped without waiting for the search')),
  };
}
