import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Model } from '../../specs/index.ts';
import { SpecError } from '../errors.ts';
import type { SearchOptions } from '../options.ts';
import { goalsOf } from '../expansion.ts';
import { replayPath, type Path } from '../path.ts';
import type { CheckResult, IncompleteReason } from '../result.ts';
import { GrowthCoordinator, SharedVisitedSet } from '../shared-visited-set.ts';
import { planTransfers } from './balance.ts';
import { startThread } from './start-thread.ts';
import { initialStates } from '../initial-states.ts';
import { DEFAULT_CHECKPOINT_SECONDS, writeCheckpoint, type Checkpoint } from '../checkpoint.ts';
import { memoryExhausted, publishCounts } from '../exploration.ts';
import {
  Control,
  controlWords,
  deserializeError,
  StopReason,
  type Command,
  type LevelDone,
  type Report,
  type SerializedError,
  type Snapshot,
  type WorkerSetup,
} from './protocol.ts';
import { probeModel, type ModelProbe } from './model-probe.ts';
import type { ModelRecipe } from './recipe.ts';
import { dealLog, flattenLogs, SharedStateLogs } from './shared-state-log.ts';

/** Options of {@link parallelBfs}. */
export interface ParallelSearchOptions extends SearchOptions {
  /** Worker threads (default: the machine's available parallelism). */
  workers?: number;
  /** Initial slots of the shared visited set (it grows as needed). */
  initialCapacity?: number;
}

/** The worker's entry: worker.ts from sources, worker.js in the built package. */
const ENTRY = new URL(`./worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

/**
 * Breadth-first search on worker threads, level-synchronous so that the first violations found
 * are shortest ones, with the counts of {@link import('../bfs.ts').bfs} (distinct, generated,
 * depth) when it runs to the end.
 *
 * `model` is the model in this thread (for replaying traces); `recipe` builds the same model in
 * each worker. Workers share the visited set (a {@link SharedVisitedSet}) and keep their own
 * states, logs and frontiers; at each level barrier the main thread moves surplus states from
 * the fullest frontiers to the emptiest. A violation stops every worker at its next state; of
 * the violations found in that level, the one whose path is first in BFS order (initial state,
 * then action indices) is reported, replayed first in the worker that found it and then here,
 * with fingerprint checks, so nondeterministic specs fail as they do single-threaded. With more
 * than one shortest counterexample it may differ from bfs()'s; with a state bound the distinct
 * count may exceed the bound by up to `workers - 1`.
 *
 * Spec errors come back as the SpecError or NondeterminismError bfs() would throw, with the
 * path to the failing state when it replays.
 *
 * With `checkpoint`, checkpoints in bfs()'s format are written at consistent cuts (a level
 * barrier, or every worker stopped by a bound or a stop request), and a checkpoint written by
 * either search, on any number of threads, is resumed; `stop` and the memory budget stop the
 * workers as they stop bfs().
 */
export async function parallelBfs<S, A>(model: Model<S, A>, recipe: ModelRecipe, options: ParallelSearchOptions = {}): Promise<CheckResult<S, A>> {
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (options.exact) throw new RangeError('exact (full-state) comparison runs only in the single-threaded search');
  // The initial states here too: a throwing init() fails exactly as in bfs(), before any thread starts.
  const inits = initialStates(model);
  const run = new ParallelRun(model, recipe, probeModel(model, inits), options, workers);
  try {
    return await run.search();
  } finally {
    await run.close();
  }
}

/** A pending reply of a worker. */
interface Pending {
  resolve(report: Report): void;
  reject(error: unknown): void;
}

/** One parallel search: the threads, the shared memory and the level loop. */
class ParallelRun<S, A> {
  private readonly started = performance.now();
  private readonly visited: SharedVisitedSet;
  private readonly control: Int32Array;
  private readonly stats: Float64Array;
  private readonly logs: SharedStateLogs;
  private readonly coordinator: GrowthCoordinator;
  private readonly threads: Worker[] = [];
  private readonly tablePorts: MessagePort[] = [];
  private readonly pending: Pending[][] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private failure: unknown;
  private closing = false;
  private generated: number[];
  private depth = 0;
  /** Reachability goals: names, each one's witness (global id, -1: none yet) and the level it was found in. */
  private readonly goals: string[];
  private readonly witness: number[];
  private readonly witnessLevel: number[];
  private level = 0;
  /** Resumed from a checkpoint: its generated count and search seconds. */
  private generatedBefore = 0;
  private secondsBefore = 0;
  /** When the next periodic checkpoint is due (at the first level barrier after it). */
  private checkpointAt = Infinity;

  constructor(
    private readonly model: Model<S, A>,
    recipe: ModelRecipe,
    probe: ModelProbe,
    private readonly options: ParallelSearchOptions,
    private readonly workers: number,
  ) {
    this.goals = Object.keys(model.reachable ?? {});
    this.witness = this.goals.map(() => -1);
    this.witnessLevel = this.goals.map(() => -1);
    const resume = options.checkpoint?.resume;
    this.visited = SharedVisitedSet.create(Math.max(options.initialCapacity ?? 0, 2 * (resume?.log.hi.length ?? 0)));
    if (resume) {
      // Every logged state's fingerprint, and only those, before any worker attaches (at most half full: no growth pending).
      const { hi, lo } = resume.log;
      for (let i = 0; i < hi.length; i++) this.visited.add(hi[i], lo[i]);
    }
    const control = new SharedArrayBuffer(controlWords(workers) * 4);
    const stats = new SharedArrayBuffer(workers * 2 * 8);
    this.control = new Int32Array(control);
    this.stats = new Float64Array(stats);
    this.logs = new SharedStateLogs(workers);
    this.generated = new Array<number>(workers).fill(0);
    this.coordinator = new GrowthCoordinator(this.visited, workers, (w, table) => this.tablePorts[w].postMessage(table));

    const peers: (MessagePort | undefined)[][] = Array.from({ length: workers }, () => new Array(workers).fill(undefined));
    for (let i = 0; i < workers; i++) {
      for (let j = i + 1; j < workers; j++) {
        const channel = new MessageChannel();
        peers[i][j] = channel.port1;
        peers[j][i] = channel.port2;
      }
    }
    for (let w = 0; w < workers; w++) {
      const table = new MessageChannel();
      this.tablePorts.push(table.port1);
      const setup: WorkerSetup = {
        entry: ENTRY.href,
        recipe,
        probe,
        index: w,
        workers,
        visited: this.visited.handle,
        control,
        stats,
        tablePort: table.port2,
        peers: peers[w],
        ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
        ...(options.checkpoint ? { checkpointing: true } : {}),
      };
      const transfer = [table.port2, ...peers[w].filter((p): p is MessagePort => p !== undefined)];
      const thread = startThread(ENTRY, { workerData: setup as unknown as Record<string, unknown>, transferList: transfer });
      this.pending.push([]);
      this.threads.push(thread);
      thread.on('message', (report: Report) => this.receive(w, report));
      thread.on('error', (error) => {
        error.message = `worker ${w} failed: ${error.message}`;
        this.fail(error);
      });
      thread.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`worker ${w} exited unexpectedly (exit code ${code})`));
      });
    }
  }

  /** Runs the levels and returns the result. */
  async search(): Promise<CheckResult<S, A>> {
    await Promise.all(this.threads.map((_, w) => this.reply(w)));
    this.startTimers();
    let incomplete: IncompleteReason | undefined;
    const saved = this.options.checkpoint?.resume as Checkpoint<S> | undefined;
    const every = this.options.checkpoint?.everySeconds ?? DEFAULT_CHECKPOINT_SECONDS;
    if (this.options.checkpoint) this.checkpointAt = performance.now() + every * 1000;
    let results: LevelDone[];
    let steps: number; // the level `results` discovered (the seed: level 0, the initial states)
    if (saved) {
      // The level the checkpoint was taken in: first what it left of it, then on as usual.
      if (saved.progress.incomplete === 'max-depth') incomplete = 'max-depth';
      await this.restore(saved);
      this.startPolling();
      const atBound = saved.progress.steps >= (this.options.maxDepth ?? Infinity);
      results = await this.round(() => ({ type: 'level', atBound, give: [], receive: [] }));
      if (results.some((r) => r.unvisitedAtBound)) incomplete = 'max-depth';
      steps = saved.progress.steps + 1;
    } else {
      results = await this.round(() => ({ type: 'seed' }));
      steps = 0;
    }
    let seed = !saved;
    for (;;) {
      // As in bfs.ts, depth counts states: a state on level k has depth k + 1.
      if (results.some((r) => r.discovered > 0)) this.depth = Math.max(this.depth, steps + 1);
      this.noteReached(results);
      const stopped = await this.stopped(results, incomplete, seed ? undefined : steps - 1);
      if (stopped) return stopped;
      if (seed) {
        // Stop requests and the memory budget from here on: a stop in the seed leaves no consistent cut to save.
        seed = false;
        this.startPolling();
      }
      const sizes = results.map((r) => r.frontier);
      if (sizes.every((n) => n === 0)) return this.result([], incomplete);
      if (performance.now() >= this.checkpointAt) await this.checkpoint(steps - 1, incomplete, true);
      const plan = planTransfers(sizes);
      const atBound = steps >= (this.options.maxDepth ?? Infinity);
      results = await this.round((w) => ({
        type: 'level',
        atBound,
        give: plan.filter((t) => t.from === w),
        receive: plan.filter((t) => t.to === w),
      }));
      if (results.some((r) => r.unvisitedAtBound)) incomplete = 'max-depth';
      steps++;
    }
  }

  /**
   * Puts the search where a checkpoint left it: the log dealt out to the workers so that global
   * ids are the checkpoint's ids, the states waiting dealt out round-robin (those of the level
   * being expanded, then those of the next), and the counters and goals.
   */
  private async restore(saved: Checkpoint<S>): Promise<void> {
    const progress = saved.progress;
    this.generatedBefore = progress.generatedStates;
    this.secondsBefore = progress.seconds;
    this.depth = progress.depth;
    (progress.reached ?? []).forEach((id, g) => {
      if (g < this.goals.length && id >= 0) {
        this.witness[g] = id;
        this.witnessLevel[g] = 0;
      }
    });
    this.level = 1;
    const logs = dealLog(saved.log, this.workers);
    const { ids, states } = saved.frontier;
    const levelLeft = progress.levelLeft ?? ids.length;
    const parts = logs.map(() => ({ current: { ids: [] as number[], states: [] as unknown[] }, next: { ids: [] as number[], states: [] as unknown[] } }));
    for (let i = 0; i < ids.length; i++) {
      const part = i < levelLeft ? parts[i % this.workers].current : parts[i % this.workers].next;
      part.ids.push(ids[i]);
      part.states.push(states[i]);
    }
    const reached = this.witness.slice();
    await Promise.all(
      this.threads.map((thread, w) => {
        const reply = this.reply(w);
        thread.postMessage({ type: 'restore', log: logs[w].buffer, logged: logs[w].logged, ...parts[w], reached } satisfies Command);
        return reply;
      }),
    );
  }

  /**
   * Writes a checkpoint at a consistent cut: every worker idle (at a level barrier, or after a
   * stop ended the level), so the logs, the shared visited set and the states the workers hold
   * agree. `steps`: the level expanded last (its unexpanded states, after a stop, come first).
   */
  private async checkpoint(steps: number, incomplete: IncompleteReason | undefined, keep: boolean): Promise<void> {
    const options = this.options.checkpoint!;
    const started = performance.now();
    const snapshots = (await Promise.all(
      this.threads.map((thread, w) => {
        const reply = this.reply(w);
        thread.postMessage({ type: 'snapshot', keep } satisfies Command);
        return reply;
      }),
    )) as Snapshot[];
    const { flatId, ...log } = flattenLogs(
      this.logs,
      snapshots.map((s) => s.logged),
    );
    const ids: number[] = [];
    const chunks: Uint8Array[] = [];
    const take = (part: 'current' | 'next') => {
      for (const s of snapshots) {
        for (const id of s[part].ids) ids.push(flatId(id));
        chunks.push(s[part].chunk);
      }
    };
    take('current');
    const levelLeft = ids.length;
    take('next');
    const bytes = writeCheckpoint(options.dir, {
      identity: options.identity,
      progress: {
        distinctStates: log.hi.length,
        generatedStates: this.generatedBefore + snapshots.reduce((n, s) => n + s.generated, 0),
        depth: this.depth,
        steps,
        levelLeft,
        seconds: this.elapsedSeconds(),
        ...(incomplete === 'max-depth' ? { incomplete } : {}),
        ...(this.goals.length > 0 ? { reached: this.witness.map((id) => (id < 0 ? -1 : flatId(id))) } : {}),
      },
      log,
      frontier: { ids: Int32Array.from(ids), chunks },
    });
    const now = performance.now();
    this.checkpointAt = now + (options.everySeconds ?? DEFAULT_CHECKPOINT_SECONDS) * 1000;
    options.onWrite?.(bytes, (now - started) / 1000);
  }

  /** States generated so far as the workers publish them while they search, a resumed checkpoint's included. */
  private liveGenerated(): number {
    let generated = this.generatedBefore;
    for (let w = 0; w < this.workers; w++) generated += this.stats[2 * w];
    return generated;
  }

  /** Search seconds so far, a resumed checkpoint's included. */
  private elapsedSeconds(): number {
    return this.secondsBefore + (performance.now() - this.started) / 1000;
  }

  /** Ends every worker; nothing of the search stays behind. */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.visited.abort();
    await Promise.all(this.threads.map((t) => t.terminate()));
    for (const port of this.tablePorts) port.close();
  }

  /** Sends each worker its command and waits for every reply. */
  private async round(command: (w: number) => Command): Promise<LevelDone[]> {
    this.coordinator.growIfReady(); // a growth requested at the end of the last level
    const replies = this.threads.map((thread, w) => {
      this.coordinator.started(w);
      const reply = this.reply(w);
      thread.postMessage(command(w));
      return reply;
    });
    const results = (await Promise.all(replies)) as LevelDone[];
    results.forEach((r, w) => (this.generated[w] = r.generated));
    return results;
  }

  /** The next reply of worker `w`. */
  private reply(w: number): Promise<Report> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.pending[w].push({ resolve, reject }));
  }

  private receive(w: number, report: Report): void {
    switch (report.type) {
      case 'log':
        this.logs.update(w, report.buffer);
        return;
      case 'paused':
        this.coordinator.pausedAt(w);
        return;
      case 'fatal': {
        const error = deserializeError(report.error);
        error.message = `worker ${w} failed: ${error.message}`;
        this.fail(error);
        return;
      }
      case 'done':
        this.coordinator.finished(w);
        break;
    }
    this.pending[w].shift()?.resolve(report);
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined || this.closing) return;
    this.failure = error;
    this.visited.abort();
    for (const queue of this.pending) for (const p of queue.splice(0)) p.reject(error);
  }

  private startTimers(): void {
    const { timeoutSeconds, onProgress } = this.options;
    if (timeoutSeconds !== undefined) {
      const left = Math.max(0, timeoutSeconds * 1000 - (performance.now() - this.started));
      this.timers.push(setTimeout(() => Atomics.compareExchange(this.control, Control.stop, StopReason.running, StopReason.timeout), left));
    }
    if (onProgress) {
      const every = (this.options.progressEverySeconds ?? 2) * 1000;
      this.timers.push(
        setInterval(() => {
          let queue = 0;
          for (let w = 0; w < this.workers; w++) queue += this.stats[2 * w + 1];
          try {
            onProgress({
              distinctStates: this.visited.size,
              generatedStates: this.liveGenerated(),
              depth: this.depth,
              queue,
              seconds: this.elapsedSeconds(),
            });
          } catch (error) {
            this.fail(error); // as bfs(), where it would propagate out of the search
          }
        }, every),
      );
    }
  }

  /**
   * Watches, from the end of the seed, for a stop request from outside (`stop`) and for the
   * memory budget (resident memory: every thread's heap and the shared tables), and publishes
   * the counts for a supervisor.
   */
  private startPolling(): void {
    const stop = this.options.stop;
    const poll = () => {
      const reason = stop && Atomics.load(stop, 0) !== 0 ? StopReason.interrupted : memoryExhausted(this.options) ? StopReason.memory : StopReason.running;
      if (reason !== StopReason.running) Atomics.compareExchange(this.control, Control.stop, StopReason.running, reason);
      if (stop) publishCounts(stop, this.visited.size, this.liveGenerated(), this.depth);
    };
    poll(); // a budget already exceeded stops the first level at once
    this.timers.push(setInterval(poll, 100));
  }

  /**
   * The result when the level just run stopped the search, else undefined. A stop by a bound or
   * a request writes a checkpoint first, when asked for: `steps` is the level just run (undefined
   * for the seed, which leaves nothing to resume).
   */
  private async stopped(results: LevelDone[], incomplete: IncompleteReason | undefined, steps: number | undefined): Promise<CheckResult<S, A> | undefined> {
    const reason = Atomics.load(this.control, Control.stop);
    if (reason === StopReason.running) return undefined;
    const errors = results.flatMap((r) => (r.error ? [r.error] : []));
    if (reason === StopReason.error || (errors.length > 0 && !results.some((r) => r.violation))) {
      throw await this.located(errors[0]);
    }
    const found = results.flatMap((r) => (r.violation ? [r.violation] : []));
    if (found.length > 0) {
      const chains = found.map((v) => ({ ...v, chain: this.logs.chain(v.id) }));
      chains.sort((a, b) => compareChains(a.chain, b.chain));
      const { id, property, chain } = chains[0];
      const verified = await this.verify(id, chain);
      if (verified) throw verified;
      const path = this.replay(chain);
      return this.result([{ property, kind: 'invariant', path }], incomplete);
    }
    if (this.options.checkpoint && steps !== undefined) await this.checkpoint(steps, incomplete, false);
    return this.result([], STOPPED_BY[reason] ?? incomplete);
  }

  /** The error a worker reported, with the path to its state when that replays (as Exploration's `locate`). */
  private async located(data: SerializedError | undefined): Promise<Error> {
    if (!data) return new Error('a worker stopped the search without saying why');
    const error = deserializeError(data);
    if (data.kind === 'spec' && data.at >= 0 && error instanceof SpecError) {
      try {
        const chain = this.logs.chain(data.at);
        if (!(await this.verify(data.at, chain))) error.path = this.replay(chain) as Path<unknown, unknown>;
      } catch {
        // The path is a courtesy; the original error is what matters.
      }
    }
    return error;
  }

  /** Replays a path in the worker that logged its last state (whose module state is the search's); the error, if any. */
  private async verify(id: number, chain: ReturnType<SharedStateLogs['chain']>): Promise<Error | undefined> {
    const w = id % this.workers;
    const reply = this.reply(w);
    this.threads[w].postMessage({ type: 'verify', ...chain } satisfies Command);
    const report = await reply;
    return report.type === 'verified' && report.error ? deserializeError(report.error) : undefined;
  }

  /** Replays a path here, checking every state's fingerprint against the log. */
  private replay(chain: ReturnType<SharedStateLogs['chain']>): Path<S, A> {
    return replayPath(this.model, chain.initIndex, chain.actionIndices, (step) => {
      const f = chain.fingerprints[step];
      return f && { hi: f[0], lo: f[1] };
    });
  }

  /**
   * Takes, for each goal not reached before, the witness first in BFS order among those the
   * workers reached in this level: as bfs() would, a shortest one.
   */
  private noteReached(results: LevelDone[]): void {
    for (const r of results) {
      for (const [g, id] of r.reached ?? []) {
        if (this.witnessLevel[g] >= 0 && this.witnessLevel[g] < this.level) continue;
        if (this.witness[g] >= 0 && compareChains(this.logs.chain(this.witness[g]), this.logs.chain(id)) <= 0) continue;
        this.witness[g] = id;
        this.witnessLevel[g] = this.level;
      }
    }
    this.level++;
  }

  private result(violations: CheckResult<S, A>['violations'], incomplete: IncompleteReason | undefined): CheckResult<S, A> {
    const verdict = violations.length > 0 ? 'violation' : incomplete ? 'incomplete' : 'pass';
    const distinct = this.visited.size;
    const generated = this.generatedBefore + this.generated.reduce((a, b) => a + b, 0);
    return {
      verdict,
      strategy: 'bfs',
      stats: {
        distinctStates: distinct,
        generatedStates: generated,
        depth: this.depth,
        seconds: this.elapsedSeconds(),
        // TLC's optimistic estimate, as Exploration computes it.
        collisionProbability: (distinct * Math.max(0, generated - distinct)) / 2 ** 64,
      },
      violations,
      ...(verdict === 'incomplete' ? { incomplete } : {}),
      ...goalsOf(this.goals, this.witness, (id) => this.replay(this.logs.chain(id))),
    };
  }
}

/** What each stop reason makes of an incomplete search. */
const STOPPED_BY: Partial<Record<number, IncompleteReason>> = {
  [StopReason.maxStates]: 'max-states',
  [StopReason.timeout]: 'timeout',
  [StopReason.interrupted]: 'interrupted',
  [StopReason.memory]: 'memory',
};

/** BFS order of two paths of the same level: initial state, then action indices. */
function compareChains(a: { initIndex: number; actionIndices: number[] }, b: { initIndex: number; actionIndices: number[] }): number {
  if (a.initIndex !== b.initIndex) return a.initIndex - b.initIndex;
  const n = Math.min(a.actionIndices.length, b.actionIndices.length);
  for (let i = 0; i < n; i++) if (a.actionIndices[i] !== b.actionIndices[i]) return a.actionIndices[i] - b.actionIndices[i];
  return a.actionIndices.length - b.actionIndices.length;
}
