import type { Model } from '../specs/index.ts';
import { bfs } from './bfs.ts';
import { partialOrderBfs } from './partial-order.ts';
import { dfs } from './dfs.ts';
import type { CheckpointOptions, Progress, SearchOptions } from './options.ts';
import { parallelBfs } from './parallel/parallel-bfs.ts';
import type { ModelRecipe } from './parallel/recipe.ts';
import { random, type RandomOptions } from './random.ts';
import type { CheckResult } from './result.ts';

/** Configures a search over a model; ends in the strategy that runs it. */
export class CheckerBuilder<S, A> {
  private readonly options: SearchOptions = {};
  private reduce = false;

  constructor(private readonly model: Model<S, A>) {}

  /** Explore paths of at most `steps` steps. */
  maxDepth(steps: number): this {
    this.options.maxDepth = steps;
    return this;
  }

  /** Stop after `count` distinct states. */
  maxStates(count: number): this {
    this.options.maxStates = count;
    return this;
  }

  /** Stop after `seconds`. */
  timeout(seconds: number): this {
    this.options.timeoutSeconds = seconds;
    return this;
  }

  /** Decide "seen before" by comparing full states, and count fingerprint collisions (small models). */
  exact(): this {
    this.options.exact = true;
    return this;
  }

  /** Report progress about every `everySeconds` seconds. */
  progress(report: (progress: Progress) => void, everySeconds = 2): this {
    this.options.onProgress = report;
    this.options.progressEverySeconds = everySeconds;
    return this;
  }

  /**
   * Stop when element 0 of `stop` becomes non-zero (set from another thread, e.g. on SIGINT):
   * the result is then `incomplete` (`interrupted`). See {@link SearchOptions.stop}.
   */
  stopOn(stop: Int32Array): this {
    this.options.stop = stop;
    return this;
  }

  /** Stop (`incomplete`, `memory`) once the process's resident memory passes `bytes`. */
  maxMemory(bytes: number): this {
    this.options.maxMemory = bytes;
    return this;
  }

  /** BFS (bfs() and parallelBfs()): write checkpoints into `options.dir` (and resume from `options.resume`). */
  checkpoint(options: CheckpointOptions): this {
    this.options.checkpoint = options;
    return this;
  }

  /**
   * Partial-order reduction for `bfs()` (off by default): on models that support it (untimed,
   * unconstrained actor protocols) fewer states are explored with the same verdicts; others
   * run unreduced. Counterexamples are real but not always shortest. See checker/partial-order.ts.
   */
  partialOrder(on = true): this {
    this.reduce = on;
    return this;
  }

  /** The options configured so far. */
  searchOptions(): SearchOptions {
    return { ...this.options };
  }

  /** Runs breadth-first search (shortest counterexamples). */
  bfs(): CheckResult<S, A> {
    if (this.reduce && !this.options.checkpoint) {
      const reduced = partialOrderBfs(this.model, this.options);
      if (reduced) return reduced;
    }
    return bfs(this.model, this.options);
  }

  /**
   * Runs breadth-first search on `workers` worker threads (default: the machine's cores), each
   * building the model from `recipe`; same verdicts and, to the end, the same counts as `bfs()`.
   */
  parallelBfs(recipe: ModelRecipe, workers?: number): Promise<CheckResult<S, A>> {
    return parallelBfs(this.model, recipe, { ...this.options, ...(workers !== undefined ? { workers } : {}) });
  }

  /** Runs depth-first search. */
  dfs(): CheckResult<S, A> {
    return dfs(this.model, this.options);
  }

  /** Runs random walks driven by fast-check (`maxDepth` bounds each walk). */
  random(options: Omit<RandomOptions, keyof SearchOptions> = {}): CheckResult<S, A> {
    return random(this.model, { ...this.options, ...options });
  }
}

/** Starts configuring a check of `model`: `checker(model).maxDepth(20).bfs()`. */
export function checker<S, A>(model: Model<S, A>): CheckerBuilder<S, A> {
  return new CheckerBuilder(model);
}
