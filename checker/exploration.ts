import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { canonicalJson, describeAction, type Model } from '../specs/index.ts';
import { inputChanged, SpecError } from './errors.ts';
import { initialStates, iterableOrThrow } from './initial-states.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { SearchOptions } from './options.ts';
import { rebuildPath } from './path.ts';
import type { CheckResult, IncompleteReason, Violation } from './result.ts';
import { fingerprintState } from './state-fingerprint.ts';
import { StateLog } from './state-log.ts';
import { SuccessorFingerprints } from './successor-fingerprint.ts';
import { FingerprintTable, type VisitedSet } from './visited-set.ts';

/**
 * What every exhaustive strategy shares: the visited set, the state log, TLC's counters,
 * invariant checks, bounds and progress. A strategy only decides the order of expansion.
 */
export class Exploration<S, A> {
  readonly visited: VisitedSet = new FingerprintTable();
  readonly log = new StateLog();
  readonly fp: Fingerprint = { hi: 0, lo: 0 };
  /** Fingerprints the successors of the state being expanded: bfs's frontier records each state it pops into it. */
  readonly successors = new SuccessorFingerprints();
  generated = 0;
  depth = 0;
  incomplete: IncompleteReason | undefined;
  /** With `exact`: the canonical text of every distinct state (representative), and the collisions seen. */
  private readonly exactStates: Set<string> | undefined;
  private collisions = 0;
  private readonly invariants: [string, (s: S) => boolean][];
  private readonly started = performance.now();
  private readonly deadline: number;
  private readonly progressEveryMs: number;
  private nextProgress: number;
  private ticks = 0;
  private nextHeapCheck = 0;

  constructor(
    readonly model: Model<S, A>,
    readonly options: SearchOptions,
  ) {
    this.invariants = Object.entries(model.invariants ?? {});
    this.exactStates = options.exact ? new Set() : undefined;
    this.deadline = options.timeoutSeconds === undefined ? Infinity : this.started + options.timeoutSeconds * 1000;
    this.progressEveryMs = (options.progressEverySeconds ?? 2) * 1000;
    this.nextProgress = this.started + this.progressEveryMs;
  }

  /** The model's initial states, each with its index. */
  initialStates(): S[] {
    return initialStates(this.model);
  }

  /** Enabled actions of a logged state, materialised so their indices are stable. */
  actionsOf(state: S, id: number): A[] {
    try {
      const actions = this.model.actions(state);
      return Array.isArray(actions) ? actions : Array.from(iterableOrThrow(actions, 'actions'));
    } catch (error) {
      throw this.locate(new SpecError('actions', error), id);
    }
  }

  /** The successor of a logged state, or undefined. */
  successor(state: S, id: number, action: A): S | undefined {
    try {
      return this.model.next(state, action);
    } catch (error) {
      const e = new SpecError('next', error);
      e.actionLabel = this.label(action);
      throw this.locate(e, id);
    }
  }

  /**
   * Throws when the spec changed the state being expanded — in `actions`, or in `next` under
   * `action` — instead of returning a new one: the search's hashes of it would be stale.
   */
  checkUnchanged(id: number, action?: A): void {
    if (this.successors.parentIntact()) return;
    const e = inputChanged(action === undefined ? 'actions' : 'next');
    if (action !== undefined) e.actionLabel = this.label(action);
    throw this.locate(e, id);
  }

  /** True when the state may be expanded (TLC's CONSTRAINT). */
  expandable(state: S, id: number): boolean {
    const constraint = this.model.constraint;
    if (!constraint) return true;
    try {
      return constraint.call(this.model, state);
    } catch (error) {
      throw this.locate(new SpecError('constraint', error), id);
    }
  }

  /**
   * Counts a generated state and adds it if new. Returns its id, or -1 when it was
   * seen before. The fingerprint is left in `this.fp`.
   */
  discover(state: S, parent: number, action: number): number {
    this.generated++;
    try {
      fingerprintState(this.model, state, this.fp, parent < 0 ? undefined : this.successors);
    } catch (error) {
      throw this.stateError(error, parent, action);
    }
    if (this.exactStates) return this.discoverExactly(state, parent, action);
    if (!this.visited.add(this.fp.hi, this.fp.lo)) return -1;
    return this.log.add(this.fp.hi, this.fp.lo, parent, action);
  }

  /** `discover` by full comparison; the fingerprint (already in `this.fp`) is only counted. */
  private discoverExactly(state: S, parent: number, action: number): number {
    const key = this.exactKey(state, parent, action);
    if (this.exactStates!.has(key)) return -1;
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

  /** The SpecError of a state that could not be fingerprinted or encoded (a value it may not hold, a cycle). */
  private stateError(error: unknown, parent: number, action: number): SpecError {
    const e = this.locate(new SpecError(parent < 0 ? 'init' : 'next', error), parent);
    const at = e.path?.states[e.path.states.length - 1];
    if (at !== undefined && action >= 0) {
      try {
        e.actionLabel = this.label(this.actionsOf(at as S, parent)[action]);
      } catch {
        // The label is a courtesy.
      }
    }
    return e;
  }

  /** Distinct states so far: fingerprints, or full states with `exact`. */
  get distinct(): number {
    return this.exactStates ? this.exactStates.size : this.visited.size;
  }

  /** True when `state` has a successor not yet visited (used at the depth bound). */
  hasUnvisitedSuccessor(state: S, id: number): boolean {
    const scratch: Fingerprint = { hi: 0, lo: 0 };
    for (const action of this.actionsOf(state, id)) {
      const next = this.successor(state, id, action);
      if (next === undefined) continue;
      if (this.exactStates) {
        if (!this.exactStates.has(this.exactKey(next, id))) return true;
        continue;
      }
      fingerprintState(this.model, next, scratch);
      if (!this.visited.has(scratch.hi, scratch.lo)) return true;
    }
    return false;
  }

  /** Checks every invariant on a newly discovered state. */
  violationAt(state: S, id: number): Violation<S, A> | undefined {
    for (const [name, holds] of this.invariants) {
      let ok: boolean;
      try {
        ok = holds(state);
      } catch (error) {
        const e = new SpecError('invariant', error);
        e.property = name;
        throw this.locate(e, id);
      }
      if (!ok) return { property: name, kind: 'invariant', path: rebuildPath(this.model, this.log, id) };
    }
    return undefined;
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
        seconds: (now - this.started) / 1000,
      });
    }
    return false;
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
        seconds: (performance.now() - this.started) / 1000,
        collisionProbability: collisionProbability(this.distinct, this.generated),
        ...(this.exactStates ? { fingerprintCollisions: this.collisions } : {}),
      },
      violations,
      ...(verdict === 'incomplete' ? { incomplete: this.incomplete } : {}),
    };
  }

  private label(action: A): string {
    try {
      return describeAction(this.model, action);
    } catch {
      return JSON.stringify(action) ?? String(action);
    }
  }

  /** Attaches the path to the failing state, when it can be rebuilt. */
  private locate(error: SpecError, id: number): SpecError {
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
