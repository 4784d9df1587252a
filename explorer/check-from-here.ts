import type { Worker } from 'node:worker_threads';
import type { IncompleteReason, Progress, SearchStats } from '../checker/index.ts';
import { startThread } from '../checker/parallel/start-thread.ts';
import type { SpecRecipeArgs } from '../api/spec-recipe.ts';

/** Bounds of "check from here": every search ends, however large the state space. */
export interface CheckBounds {
  maxStates: number;
  timeoutSeconds: number;
}

/** The default bounds of "check from here". */
export const DEFAULT_CHECK_BOUNDS: CheckBounds = { maxStates: 1_000_000, timeoutSeconds: 60 };

/** What `GET /api/check/<id>` answers. */
export type CheckStatus =
  | { id: number; status: 'running'; path: number[]; bounds: CheckBounds; progress?: Progress }
  | {
      id: number;
      status: 'done';
      path: number[];
      bounds: CheckBounds;
      verdict: 'pass' | 'violation' | 'incomplete';
      stats: SearchStats;
      incomplete?: IncompleteReason | 'stuck';
      /** The shortest violation from here, as a whole path from the initial state. */
      violation?: { property: string; path: number[] };
    }
  | { id: number; status: 'error'; path: number[]; bounds: CheckBounds; error: string };

const ENTRY = new URL(`./check-thread${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

/**
 * Runs "check from here" searches on a worker thread, one at a time (a new one stops the
 * one before), so the server keeps answering while a search runs. Each search is bounded
 * by states and seconds; a thread still busy well past its deadline (spec code that never
 * returns) is terminated.
 */
export class CheckRunner {
  private next = 1;
  private readonly jobs = new Map<number, CheckStatus>();
  private running: { id: number; thread: Worker; stop: Int32Array; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly recipe: SpecRecipeArgs,
    readonly bounds: CheckBounds = DEFAULT_CHECK_BOUNDS,
  ) {}

  /** Starts a search from the state `path` reaches; returns its id. */
  start(path: number[]): number {
    this.stopRunning();
    const id = this.next++;
    const control = new SharedArrayBuffer(16);
    const stop = new Int32Array(control);
    const bounds = this.bounds;
    this.jobs.set(id, { id, status: 'running', path, bounds });
    // Only the latest few results are kept.
    for (const old of this.jobs.keys()) if (old <= id - 8) this.jobs.delete(old);
    const thread = startThread(ENTRY, {
      workerData: { recipe: this.recipe, path, maxStates: bounds.maxStates, timeoutSeconds: bounds.timeoutSeconds, control },
      stdout: false,
      stderr: false,
    });
    const finish = (status: CheckStatus): void => {
      const current = this.jobs.get(id);
      if (!current || current.status !== 'running') return;
      this.jobs.set(id, status);
      if (this.running?.id === id) {
        clearTimeout(this.running.timer);
        this.running = undefined;
      }
      void thread.terminate();
    };
    const grace = Math.max(2000, bounds.timeoutSeconds * 100);
    const timer = setTimeout(() => {
      const last = this.jobs.get(id);
      const progress = last?.status === 'running' ? last.progress : undefined;
      finish({
        id,
        status: 'done',
        path,
        bounds,
        verdict: 'incomplete',
        incomplete: 'stuck',
        stats: {
          distinctStates: progress?.distinctStates ?? 0,
          generatedStates: progress?.generatedStates ?? 0,
          depth: progress?.depth ?? 0,
          seconds: (bounds.timeoutSeconds * 1000 + grace) / 1000,
        },
      });
    }, bounds.timeoutSeconds * 1000 + grace);
    timer.unref();
    this.running = { id, thread, stop, timer };
    thread.on('message', (m: { kind: string; progress?: Progress; message?: string } & Record<string, unknown>) => {
      if (m.kind === 'progress') {
        const current = this.jobs.get(id);
        if (current?.status === 'running') this.jobs.set(id, { ...current, progress: m.progress! });
      } else if (m.kind === 'done') {
        const { kind: _, ...outcome } = m;
        finish({ id, status: 'done', path, bounds, ...(outcome as Omit<Extract<CheckStatus, { status: 'done' }>, 'id' | 'status' | 'path' | 'bounds'>) });
      } else if (m.kind === 'error') {
        finish({ id, status: 'error', path, bounds, error: m.message ?? 'unknown error' });
      }
    });
    thread.on('error', (error) => finish({ id, status: 'error', path, bounds, error: error.message }));
    thread.on('exit', () => finish({ id, status: 'error', path, bounds, error: 'the search thread ended without an answer' }));
    return id;
  }

  /** A search's status, if it is among the latest. */
  status(id: number): CheckStatus | undefined {
    return this.jobs.get(id);
  }

  /** Stops the running search (it answers `incomplete`, `interrupted`). */
  private stopRunning(): void {
    if (!this.running) return;
    Atomics.store(this.running.stop, 0, 1);
    const { thread, id } = this.running;
    // A search stuck in spec code does not see the stop flag: end its thread shortly after.
    setTimeout(() => {
      if (this.jobs.get(id)?.status === 'running') {
        this.jobs.set(id, { id, status: 'error', path: this.jobs.get(id)!.path, bounds: this.bounds, error: 'stopped: another search started' });
        void thread.terminate();
      }
    }, 1000).unref();
    clearTimeout(this.running.timer);
    this.running = undefined;
  }

  /** Ends every search thread (the server is closing). */
  async close(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      await running.thread.terminate();
    }
  }
}
