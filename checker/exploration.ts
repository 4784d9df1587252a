import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { canonicalJson, type Model } from '../specs/index.ts';
import type { SpecError } from './errors.ts';
import { Expansion, SEEN } from './expansion.ts';
import type { Fingerprint } from './fingerprint.ts';
import { initialStates } from './initial-states.ts';
import type { SearchOptions } from './options.ts';
import { rebuildPath } from './path.ts';
import type { CheckResult, IncompleteReason, Violation } from './result.ts';
import { StateLog } from './state-log.ts';
import { FingerprintTable } from './visited-set.ts';

/**
 * What bfs and dfs share on top of the per-state step ({@link Expansion}): the single-threaded
 * visited set and state log, `exact` mode, bounds, progress and the result. A strategy only
 * decides the order of expansion.
 */
export class Exploration<S, A> extends Expansion<S, A> {
  readonly log: StateLog;
  depth = 0;
  incomplete: IncompleteReason | undefined;
  /** With `exact`: the canonical text of every distinct state (representative), and the collisions seen. */
  private readonly exactStates: Set<string> | undefined;
  private collisions = 0;
  private readonly started = performance.now();
  /** Search seconds spent before this process (a resumed checkpoint's). */
  secondsBefore = 0;
  private readonly deadline: number;
  private readonly progressEveryMs: number;
  private nextProgress: number;
  private ticks = 0;
  private nextHeapCheck = 0;

  constructor(
    model: Model<S, A>,
    readonly options: SearchOptions,
  ) {
    const log = new StateLog();
    super(model, new FingerprintTable(), log);
    this.log = log;
    this.exactStates = options.exact ? new Set() : undefined;
    if (this.exactStates) this.discover = this.discoverExactly;
    this.deadline = options.timeoutSeconds === undefined ? Infinity : this.started + options.timeoutSeconds * 1000;
    this.progressEveryMs = (options.progressEverySeconds ?? 2) * 1000;
    this.nextProgress = this.started + this.progressEveryMs;
  }

  /** The model's initial states, validated. */
  initialStates(): S[] {
    return initialStates(this.model);
  }

  /** With `exact`, {@link Expansion.discover} is this: "seen" is decided by full comparison (set in the constructor, so the fingerprinted search pays no extra call). */
  private discoverExactly(state: S, parent: number, action: number): number {
    this.generated++;
    this.fingerprint(state, parent, action); // only counted: collisions
    const key = this.exactKey(state, parent, action);
    if (this.exactStates!.has(key)) return SEEN;
    this.exactStates!.add(key);
    if (!this.visited.add(this.fp.hi, this.fp.lo)) this.collisions++;
    return this.log.add(this.fp.hi, this.fp.lo, parent, action);
  }

  private exactKey(state: S, parent: number, action = -1): string {
    try {
      return canonicalJson(this.model.representative ? this.model.representative(state) : state, 'state');
    } catch (error) {
      throw this.stateError(error, parent, action);
    }
  }

  protected override isNew(next: S, id: number, action: A, scratch: Fingerprint): boolean {
    if (this.exactStates) return !this.exactStates.has(this.exactKey(next, id));
    return super.isNew(next, id, action, scratch);
  }

  /** Distinct states so far: fingerprints, or full states with `exact`. */
  get distinct(): number {
    return this.exactStates ? this.exactStates.size : this.visited.size;
  }

  /** The violation found by {@link visit} or {@link expand}, its path rebuilt by replay. */
  violation(): Violation<S, A> {
    return { property: this.violated!, kind: 'invariant', path: rebuildPath(this.model, this.log, this.violatedId) };
  }

  /** Checks the state-count, time and progress bounds; true when the search must stop. */
  mustStop(queue: number): boolean {
    if (this.options.stop) publishCounts(this.options.stop, this.distinct, this.generated, this.depth);
    const max = this.options.maxStates;
    if (max !== undefined && this.distinct >= max) {
      this.incomplete = 'max-states';
      return true;
    }
    if ((++this.ticks & 255) !== 0) return false;
    const now = performance.now();
    if (now >= this.deadline) {
      this.incomplete = 'timeout';
      return true;
    }
    const stop = this.options.stop;
    if (stop) {
      if (Atomics.load(stop, 0) !== 0) {
        this.incomplete = 'interrupted';
        return true;
      }
    }
    if (now >= this.nextHeapCheck) {
      this.nextHeapCheck = now + 200;
      if (memoryExhausted(this.options)) {
        this.incomplete = 'memory';
        return true;
      }
    }
    if (this.options.onProgress && now >= this.nextProgress) {
      this.nextProgress = now + this.progressEveryMs;
      this.options.onProgress({
        distinctStates: this.distinct,
        generatedStates: this.generated,
        depth: this.depth,
        queue,
        seconds: this.secondsBefore + (now - this.started) / 1000,
      });
    }
    return false;
  }

  /** Search seconds so far, a resumed checkpoint's included. */
  elapsedSeconds(): number {
    return this.secondsBefore + (performance.now() - this.started) / 1000;
  }

  /** The result of the search so far. */
  result(strategy: 'bfs' | 'dfs', violations: Violation<S, A>[]): CheckResult<S, A> {
    const verdict = violations.length > 0 ? 'violation' : this.incomplete ? 'incomplete' : 'pass';
    return {
      verdict,
      strategy,
      stats: {
        distinctStates: this.distinct,
        generatedStates: this.generated,
        depth: this.depth,
        seconds: this.elapsedSeconds(),
        collisionProbability: collisionProbability(this.distinct, this.generated),
        ...(this.exactStates ? { fingerprintCollisions: this.collisions } : {}),
      },
      violations,
      ...(verdict === 'incomplete' ? { incomplete: this.incomplete } : {}),
      ...this.goalsReport((id) => rebuildPath(this.model, this.log, id)),
    };
  }

  /** Attaches the path to the failing state, when it can be rebuilt. */
  protected override locate(error: SpecError, id: number): unknown {
    if (id >= 0 && id < this.log.size) {
      try {
        error.path = rebuildPath(this.model, this.log, id) as never;
      } catch {
        // The path is a courtesy; the original error is what matters.
      }
    }
    return error;
  }
}

/**
 * True when the search should stop for memory: the V8 heap is nearly full (the search stops
 * and reports its counts, exit 3, instead of dying in V8's fatal out-of-memory error), or the
 * process's resident memory — the visited set, the state log and the packed frontier live
 * outside the heap — passed `maxMemory` (default: 85% of the memory the machine or its
 * cgroup allows).
 */
export function memoryExhausted(options: { heapLimitRatio?: number; maxMemory?: number }): boolean {
  const heap = getHeapStatistics();
  if (heap.used_heap_size > (options.heapLimitRatio ?? 0.9) * heap.heap_size_limit) return true;
  return process.memoryUsage.rss() > (options.maxMemory ?? defaultMemoryBudget());
}

/** 85% of the memory this process may use: the cgroup's limit when there is one, else the machine's. */
export function defaultMemoryBudget(): number {
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  const total = totalmem();
  return 0.85 * (constrained && constrained > 0 && constrained < total ? constrained : total);
}

/**
 * Writes the counts so far into a stop-and-counts buffer (`SearchOptions.stop`): slot 0 is
 * the stop request, slots 1–3 the distinct and generated states and the depth, for a
 * supervisor that may have to report them without the search's answer.
 */
export function publishCounts(stop: Int32Array, distinct: number, generated: number, depth: number): void {
  if (stop.length < 4) return;
  stop[1] = Math.min(distinct, 0x7fffffff);
  stop[2] = Math.min(generated, 0x7fffffff);
  stop[3] = depth;
}

/** TLC's optimistic estimate: each of the generated − distinct revisits could have hidden a new state. */
function collisionProbability(distinct: number, generated: number): number {
  return (distinct * Math.max(0, generated - distinct)) / 2 ** 64;
}
