import { describeAction, type Model } from '../specs/index.ts';
import { inputChanged, SpecError } from './errors.ts';
import type { Fingerprint } from './fingerprint.ts';
import { iterableOrThrow } from './initial-states.ts';
import { fingerprintState } from './state-fingerprint.ts';
import { checkedForChanges, SuccessorFingerprints } from './successor-fingerprint.ts';
import type { Path } from './path.ts';
import type { CheckResult } from './result.ts';
import type { VisitedSet } from './visited-set.ts';

/** Where an expansion logs the distinct states it finds: a parent link and an action index each. */
export interface StateSink {
  /** Logs a new state and returns its id. */
  add(hi: number, lo: number, parent: number, action: number): number;
}

/** Returned by {@link Expansion.visit} for a state seen before. */
export const SEEN = -1;
/** Returned by {@link Expansion.visit} for a new state that violates an invariant (named by `violated`, id in `violatedId`). */
export const VIOLATED = -2;

/** No symmetry: states are fingerprinted as they are. */
const UNREDUCED: Pick<Model<unknown, unknown>, 'representative' | 'representativeFingerprint'> = {};

/**
 * The per-state step every exhaustive search shares — bfs and dfs (through Exploration), the
 * parallel workers (WorkerSearch) and, for its spec calls, the state-graph builder: the
 * constraint, the enabled actions, each successor, the check that the spec left its input
 * alone, the fingerprint and the visited set, the counting, the invariants. A strategy only
 * decides the order in which states are expanded, and what a bound or a violation means to it.
 *
 * Spec code is called here with an inline try/catch (the hot path allocates no closure); the
 * error names the action or invariant, and `locate` attaches where it happened (a path, or the
 * worker's global id).
 */
export class Expansion<S, A> {
  /** The fingerprint of the state last visited. */
  readonly fp: Fingerprint = { hi: 0, lo: 0 };
  /** Fingerprints the successors of the state being expanded from its recorded hashes. */
  readonly successors = new SuccessorFingerprints();
  /** Initial states plus every successor computed, duplicates included (TLC's "generated"). */
  generated = 0;
  /** After {@link visit} returned {@link VIOLATED}: the invariant and the state's id. */
  violated: string | undefined;
  violatedId = -1;
  /** The action whose successor is being visited by {@link expand}: names a state that cannot be fingerprinted. */
  protected taken: A | undefined;
  protected readonly invariants: [string, (s: S) => boolean][];
  /** The model's reachability goals, and per goal the id of the first state found satisfying it (-1: not yet). */
  readonly goals: [string, (s: S) => boolean][];
  readonly reachedIds: number[];
  private unreached: number;
  /** Whose representative states are fingerprinted by: the model's, or (unreduced) none. */
  private readonly symmetry: Pick<Model<S, A>, 'representative' | 'representativeFingerprint'>;

  /** `reduce: false` fingerprints states themselves, ignoring the model's symmetry (the state graph's lassos must be real loops). */
  constructor(
    readonly model: Model<S, A>,
    readonly visited: VisitedSet,
    private readonly sink: StateSink,
    reduce = true,
  ) {
    this.invariants = Object.entries(model.invariants ?? {});
    this.goals = Object.entries(model.reachable ?? {});
    this.reachedIds = this.goals.map(() => -1);
    this.unreached = this.goals.length;
    this.symmetry = reduce ? model : (UNREDUCED as Pick<Model<S, A>, 'representative' | 'representativeFingerprint'>);
  }

  /**
   * Counts a generated state, fingerprints it and adds it if new. Returns its id, {@link SEEN},
   * or {@link VIOLATED} (a new state violating an invariant). `parent` is -1 for an initial
   * state, whose `action` is its index among the initial states.
   */
  visit(state: S, parent: number, action: number): number {
    const id = this.discover(state, parent, action);
    if (id < 0) return SEEN;
    const property = this.violatedAt(state, id);
    if (property === undefined) {
      if (this.unreached > 0) this.reach(state, id);
      return id;
    }
    this.violated = property;
    this.violatedId = id;
    return VIOLATED;
  }

  /** Counts a generated state and adds it if new: its id, or {@link SEEN}. The fingerprint is left in `fp`. */
  discover(state: S, parent: number, action: number): number {
    this.generated++;
    // fingerprint(), inlined: this is the hottest call of the search.
    try {
      fingerprintState(this.symmetry, state, this.fp, parent < 0 ? undefined : this.successors);
    } catch (error) {
      throw this.stateError(error, parent, action);
    }
    if (!this.visited.add(this.fp.hi, this.fp.lo)) return SEEN;
    return this.sink.add(this.fp.hi, this.fp.lo, parent, action);
  }

  /** Writes the search's fingerprint of `state` (a successor of `parent`'s, or initial) into `fp`. */
  fingerprint(state: S, parent: number, action: number): void {
    try {
      fingerprintState(this.symmetry, state, this.fp, parent < 0 ? undefined : this.successors);
    } catch (error) {
      throw this.stateError(error, parent, action);
    }
  }

  /**
   * Expands a state breadth-first style: every enabled action's successor is visited, and
   * `found` is called with each new one. Returns false when the search must stop: `found`
   * said so, or a successor violates an invariant ({@link violated}). The caller has already
   * recorded `state` into {@link successors} (the frontier does as it decodes).
   */
  expand(state: S, id: number, found: (next: S, nextId: number) => boolean): boolean {
    const actions = this.actionsOf(state, id);
    // On a sample of states, the spec must have left its input unchanged.
    const sampled = checkedForChanges(id);
    if (sampled) this.checkUnchanged(id);
    for (let a = 0; a < actions.length; a++) {
      const next = this.successor(state, id, actions[a]);
      if (sampled) this.checkUnchanged(id, actions[a]);
      if (next === undefined) continue;
      this.taken = actions[a];
      const nextId = this.visit(next, id, a);
      if (nextId === SEEN) continue;
      if (nextId === VIOLATED || !found(next, nextId)) return false;
    }
    return true;
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

  /** The successor of a logged state under `action`, or undefined. */
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

  /** The first invariant `state` violates, or undefined. */
  violatedAt(state: S, id: number): string | undefined {
    for (const [name, holds] of this.invariants) {
      let ok: boolean;
      try {
        ok = holds(state);
      } catch (error) {
        const e = new SpecError('invariant', error);
        e.property = name;
        throw this.locate(e, id);
      }
      if (!ok) return name;
    }
    return undefined;
  }

  /** Records `state` (id `id`) as the witness of every goal not reached before that it satisfies. */
  private reach(state: S, id: number): void {
    for (let g = 0; g < this.goals.length; g++) {
      if (this.reachedIds[g] >= 0) continue;
      const [name, holds] = this.goals[g];
      let ok: boolean;
      try {
        ok = holds(state);
      } catch (error) {
        const e = new SpecError('reachable', error);
        e.property = name;
        throw this.locate(e, id);
      }
      if (!ok) continue;
      this.reachedIds[g] = id;
      this.unreached--;
    }
  }

  /** Goals reached before a checkpoint: each one's witness id (-1: not reached yet). */
  restoreReached(ids: readonly number[]): void {
    for (let g = 0; g < this.goals.length && g < ids.length; g++) {
      if (ids[g] < 0 || this.reachedIds[g] >= 0) continue;
      this.reachedIds[g] = ids[g];
      this.unreached--;
    }
  }

  /** The goals reached (with their witnesses' paths, rebuilt by `pathTo`) and not reached; nothing when the model has no goals. */
  goalsReport(pathTo: (id: number) => Path<S, A>): Pick<CheckResult<S, A>, 'reached' | 'unreached'> {
    return goalsOf(this.goals.map(([name]) => name), this.reachedIds, pathTo);
  }

  /** True when `state` has a successor not yet visited (asked at the depth bound). */
  hasUnvisitedSuccessor(state: S, id: number): boolean {
    const scratch: Fingerprint = { hi: 0, lo: 0 };
    for (const action of this.actionsOf(state, id)) {
      const next = this.successor(state, id, action);
      if (next === undefined) continue;
      if (this.isNew(next, id, action, scratch)) return true;
    }
    return false;
  }

  /** Whether `next` (a successor of `id` under `action`) is not yet visited; `scratch` takes its fingerprint. */
  protected isNew(next: S, id: number, action: A, scratch: Fingerprint): boolean {
    try {
      fingerprintState(this.symmetry, next, scratch);
    } catch (error) {
      const e = new SpecError('next', error);
      e.actionLabel = this.label(action);
      throw this.locate(e, id);
    }
    return !this.visited.has(scratch.hi, scratch.lo);
  }

  /** An action's label for an error message (a label that itself fails falls back to JSON). */
  label(action: A): string {
    try {
      return describeAction(this.model, action);
    } catch {
      return JSON.stringify(action) ?? String(action);
    }
  }

  /** What is thrown for a SpecError raised while processing state `id`: here, the error itself. */
  protected locate(error: SpecError, id: number): unknown {
    void id;
    return error;
  }

  /** The error of a state that could not be fingerprinted (a value it may not hold, a cycle), named by the action that made it. */
  protected stateError(error: unknown, parent: number, action: number): unknown {
    const e = new SpecError(parent < 0 ? 'init' : 'next', error);
    const located = this.locate(e, parent);
    if (parent >= 0 && this.taken !== undefined) {
      e.actionLabel = this.label(this.taken);
      return located;
    }
    const at = e.path?.states[e.path.states.length - 1];
    if (at !== undefined && action >= 0) {
      try {
        e.actionLabel = this.label(this.actionsOf(at as S, parent)[action]);
      } catch {
        // The label is a courtesy.
      }
    }
    return located;
  }
}

/** The `reached` and `unreached` of a result, from each goal's witness id (-1: none). */
export function goalsOf<S, A>(goals: readonly string[], witnessIds: readonly number[], pathTo: (id: number) => Path<S, A>): Pick<CheckResult<S, A>, 'reached' | 'unreached'> {
  if (goals.length === 0) return {};
  return {
    reached: goals.flatMap((goal, g) => (witnessIds[g] >= 0 ? [{ goal, path: pathTo(witnessIds[g]) }] : [])),
    unreached: goals.filter((_, g) => witnessIds[g] < 0),
  };
}
