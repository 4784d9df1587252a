import fc from 'fast-check';
import { initialStates } from './initial-states.ts';
import { FAULT_KINDS, injectsFaults, type Model } from '../specs/index.ts';
import { SpecError } from './errors.ts';
import { fingerprintInto, type Fingerprint } from './fingerprint.ts';
import type { SearchOptions } from './options.ts';
import { replayPath, type Path } from './path.ts';
import type { CheckResult, IncompleteReason, RandomRun, Violation } from './result.ts';
import { shrinkPath } from './shrink.ts';
import { FingerprintTable } from './visited-set.ts';

/** Options of {@link random}: the shared bounds plus fast-check's knobs. */
export interface RandomOptions extends SearchOptions {
  /** fast-check's seed (a 32-bit integer); a fresh one, reported in the result, when absent. */
  seed?: number;
  /** Walks to run (fast-check's `numRuns`, default 1000). */
  runs?: number;
  /**
   * Replays one counterexample: the `random.path` of an earlier result, with its `seed`.
   * The same seed and path give the same walk, hence the same result.
   */
  path?: string;
  /** Vary the environment per walk (actor models): which faults are enabled, and their budgets. */
  swarm?: boolean;
  /**
   * Models with faults (`faultKind`): the chance that a step injects a fault when faults and
   * other actions are both enabled (default {@link DEFAULT_FAULT_RATE}; 0: faults only when
   * nothing else can step). `'uniform'`: every enabled action is equally likely — an actor
   * model then spends most steps on faults (a crash per node, a drop per message).
   */
  faultRate?: number | 'uniform';
  /** Shrink fast-check's counterexample further with {@link shrinkPath} (default true). */
  shrink?: boolean;
}

/** Steps per walk when `maxDepth` is not given. */
export const DEFAULT_RANDOM_DEPTH = 50;
/**
 * Chance of a fault step when faults compete with other actions. On Paxos forget-promise
 * (3 proposers, one crash with recovery, one loss), 1000 walks find the violation for 44
 * seeds of 60 at 0.25 (47 at 0.4), for 25 of 60 choosing uniformly among enabled actions.
 */
export const DEFAULT_FAULT_RATE = 0.25;
/** Walks when `runs` is not given. */
export const DEFAULT_RANDOM_RUNS = 1000;

/** One walk as fast-check generates it: which initial state, and a choice per step. */
interface Walk {
  /** Fault knobs of the run's environment (swarm only). */
  env?: Record<string, number | boolean>;
  init: number;
  choices: number[];
}

/** What running a walk gives. */
interface Outcome {
  initIndex: number;
  actionIndices: number[];
  /** The invariant violated at the walk's last state. */
  violated?: string;
  /** The smallest choices that take the same steps (filled when asked for). */
  choices?: number[];
}

/** Choices encode a pool (faults or not) and a position in it: position · POOL_SPAN + residue. */
const POOL_SPAN = 1024;

/**
 * The step a choice takes. Where faults and other actions are both enabled, a residue
 * (`choice mod POOL_SPAN`) below `faultThreshold` picks among the faults, else among the
 * others, at position `choice / POOL_SPAN` (faults would otherwise crowd out the protocol:
 * an actor model offers a crash per node and a drop per message at every step). Otherwise
 * the action is `choice mod n`. An action that takes no step passes the turn to the next
 * one in its pool, then to the other pool. `choice` in the answer is a small choice taking
 * the same step.
 */
function pick<A, S>(
  choice: number,
  actions: readonly A[],
  isFault: ((a: A) => boolean) | undefined,
  step: (a: A) => S | undefined,
  faultThreshold: number,
): { index: number; next: S; choice: number } | undefined {
  const n = actions.length;
  const faults: number[] = [];
  const others: number[] = [];
  if (isFault) for (let i = 0; i < n; i++) (isFault(actions[i]) ? faults : others).push(i);
  if (faults.length === 0 || others.length === 0 || faultThreshold < 0) {
    for (let j = 0; j < n; j++) {
      const index = (choice + j) % n;
      const next = step(actions[index]);
      if (next !== undefined) return { index, next, choice: index };
    }
    return undefined;
  }
  // The pool the residue picks first; the other when none of the first can step. Both are
  // entered at the same position, so `position · POOL_SPAN + (residue picking the same pool
  // first)` reproduces the step: 0 for faults, `faultThreshold` for the others.
  const faultsFirst = choice % POOL_SPAN < faultThreshold;
  const residue = faultsFirst ? 0 : faultThreshold;
  const start = Math.floor(choice / POOL_SPAN);
  for (const pool of faultsFirst ? [faults, others] : [others, faults]) {
    for (let j = 0; j < pool.length; j++) {
      const position = (start + j) % pool.length;
      const next = step(actions[pool[position]]);
      if (next !== undefined) return { index: pool[position], next, choice: position * POOL_SPAN + residue };
    }
  }
  return undefined;
}

/** The environment knobs swarm varies, and how a model exposes them (the actor DSL's models do). */
type Knobs = Record<string, number | boolean>;
interface Configurable<S, A> extends Model<S, A> {
  readonly environment: Knobs;
  configure(options: { environment?: Knobs }): Model<S, A>;
}

function configurable<S, A>(model: Model<S, A>): model is Configurable<S, A> {
  const m = model as Partial<Configurable<S, A>>;
  return typeof m.configure === 'function' && typeof m.environment === 'object' && m.environment !== null;
}

/** Models whose actions may be injected faults (the actor DSL's are). */

/** Budgets swarm may lower (to 0: the fault is off), each up to the configured maximum. */
const BUDGETS = FAULT_KINDS.filter((f) => f.swarm.as === 'budget').map((f) => f.swarm.knob);

/** Knobs swarm may switch on and off, when the model allows them. */
const SWITCHES = FAULT_KINDS.filter((f) => f.swarm.as === 'switch').map((f) => f.swarm.knob);

/**
 * A fresh environment per walk, as in swarm verification: each fault kind is off half the
 * time, else on with a budget up to the configured one (unbounded loss stays possible);
 * recovery is on or off when the model allows it. Shrinks towards fewer faults.
 */
function environmentArb(max: Knobs): fc.Arbitrary<Knobs> | undefined {
  const knobs: Record<string, fc.Arbitrary<number | boolean>> = {};
  for (const key of BUDGETS) {
    const m = max[key];
    if (typeof m !== 'number' || !(m > 0)) continue;
    const on = m === Infinity ? fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(Infinity)) : fc.integer({ min: 1, max: m });
    knobs[key] = fc.oneof({ withCrossShrink: true }, fc.constant(0), on);
  }
  for (const key of SWITCHES) if (max[key] === true) knobs[key] = fc.boolean();
  return Object.keys(knobs).length === 0 ? undefined : fc.record(knobs);
}

/** Whether the named invariant or goal holds of `s`; what it throws becomes a SpecError naming it. */
function namedHolds<S>(phase: 'invariant' | 'reachable', name: string, holds: (s: S) => boolean, s: S): boolean {
  try {
    return holds(s);
  } catch (error) {
    const e = new SpecError(phase, error);
    e.property = name;
    throw e;
  }
}

function call<T>(phase: SpecError['phase'], f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw error instanceof SpecError ? error : new SpecError(phase, error);
  }
}

/**
 * Random exploration driven by fast-check: each run is a walk of at most `maxDepth` steps
 * from an initial state fast-check picks; at each step a fast-check integer picks one of the
 * enabled actions (see `pick`: for models with faults, a fault with chance `faultRate`,
 * else uniformly). A walk ends when no action can step, at a state the model's `constraint`
 * excludes, or at the first state violating an invariant — checked at every state, the
 * initial one included. fast-check shrinks a failing walk; {@link shrinkPath} then removes
 * steps while the same invariant still fails.
 *
 * Random search proves nothing: without a violation the verdict is `incomplete` (reason
 * `random`, or `timeout`/`max-states` when a bound cut the runs short). `random.seed` and
 * `random.path` replay the counterexample exactly (`{ seed, path }` as options).
 *
 * With `swarm`, each walk runs under an environment drawn from the configured maximum
 * budgets (actor models; ignored for models without `configure`). A violation's path then
 * belongs to `model.configure({ environment: random.environment })` — see {@link modelOfResult}.
 */
export function random<S, A>(model: Model<S, A>, options: RandomOptions = {}): CheckResult<S, A> {
  const started = performance.now();
  const maxDepth = options.maxDepth ?? DEFAULT_RANDOM_DEPTH;
  const runs = options.runs ?? DEFAULT_RANDOM_RUNS;
  const seed = options.seed ?? ((Date.now() ^ (Math.random() * 0x100000000)) | 0);
  const deadline = options.timeoutSeconds === undefined ? Infinity : started + options.timeoutSeconds * 1000;
  const rate = options.faultRate ?? DEFAULT_FAULT_RATE;
  if (rate !== 'uniform' && !(rate >= 0 && rate <= 1)) throw new RangeError(`faultRate must be between 0 and 1 or 'uniform', got ${rate}`);
  const faultThreshold = rate === 'uniform' ? -1 : Math.round(rate * POOL_SPAN);
  const progressEveryMs = (options.progressEverySeconds ?? 2) * 1000;
  let nextProgress = started + progressEveryMs;

  const visited = new FingerprintTable();
  const fp: Fingerprint = { hi: 0, lo: 0 };
  let generated = 0;
  let depth = 0;
  let walks = 0;
  let stopped: IncompleteReason | undefined;
  let failedOnce = false;
  let firstFailureLength: number | undefined;

  // Models (and their initial states) per swarm environment.
  const swarmArb = options.swarm && configurable(model) ? environmentArb(model.environment) : undefined;
  const models = new Map<string, { model: Model<S, A>; inits: S[]; invariants: [string, (s: S) => boolean][] }>();
  const modelFor = (env: Knobs | undefined) => {
    const key = env ? JSON.stringify(env, (_k, v: unknown) => (v === Infinity ? 'inf' : v)) : '';
    let entry = models.get(key);
    if (!entry) {
      const m = env ? (model as Configurable<S, A>).configure({ environment: env }) : model;
      entry = { model: m, inits: initialStates(m), invariants: Object.entries(m.invariants ?? {}) };
      models.set(key, entry);
    }
    return entry;
  };
  modelFor(undefined); // the spec's own init() errors surface first

  // Reachability goals, and per goal the walk prefix that first reached it. Only walks under the
  // model's own environment record witnesses: a swarm walk's path belongs to another model.
  const goals = Object.entries(model.reachable ?? {});
  const witnesses = new Map<string, { initIndex: number; actionIndices: number[] }>();
  const recordsGoals = goals.length > 0 && swarmArb === undefined;

  /** Runs a walk; `seen` is called with each state and the walk so far (for the stats and goals). Spec errors propagate. */
  const run = (walk: Walk, seen?: (s: S, sofar: Outcome) => void, out: Outcome = { initIndex: 0, actionIndices: [] }): Outcome => {
    const { model: m, inits, invariants } = modelFor(walk.env);
    if (inits.length === 0) return out;
    const initIndex = walk.init % inits.length;
    out.initIndex = initIndex;
    const violatedAt = (s: S): string | undefined => {
      for (const [name, holds] of invariants) {
        if (!namedHolds('invariant', name, holds, s)) return name;
      }
      return undefined;
    };
    const faultOf = injectsFaults(m) ? (a: A) => m.faultKind(a) !== undefined : undefined;
    let state = inits[initIndex];
    seen?.(state, out);
    out.violated = violatedAt(state);
    for (let step = 0; step < walk.choices.length && out.violated === undefined; step++) {
      if (m.constraint && !call('constraint', () => m.constraint!(state))) break;
      const from = state;
      const actions = call('actions', () => Array.from(m.actions(from)));
      const picked = pick(walk.choices[step], actions, faultOf, (action) => call('next', () => m.next(from, action)), faultThreshold);
      if (picked === undefined) break;
      const { index, next, choice } = picked;
      out.choices?.push(choice);
      out.actionIndices.push(index);
      state = next;
      seen?.(state, out);
      out.violated = violatedAt(state);
    }
    if (out.violated === undefined) delete out.violated;
    return out;
  };

  const count = (s: S, sofar: Outcome): void => {
    generated++;
    try {
      fingerprintInto(s, fp);
    } catch (error) {
      throw new SpecError('next', error);
    }
    visited.add(fp.hi, fp.lo);
    if (recordsGoals && witnesses.size < goals.length) reach(s, sofar);
  };

  /** Records the walk so far as the witness of each goal `s` satisfies that had none. */
  const reach = (s: S, sofar: Outcome): void => {
    for (const [name, holds] of goals) {
      if (witnesses.has(name)) continue;
      if (namedHolds('reachable', name, holds, s)) witnesses.set(name, { initIndex: sofar.initIndex, actionIndices: sofar.actionIndices.slice() });
    }
  };

  /** `reached` and `unreached` of the result, when walks record goals. */
  const goalReport = (): Pick<CheckResult<S, A>, 'reached' | 'unreached'> =>
    recordsGoals
      ? {
          reached: goals.flatMap(([goal]) => {
            const w = witnesses.get(goal);
            return w ? [{ goal, path: replayPath(model, w.initIndex, w.actionIndices) }] : [];
          }),
          unreached: goals.filter(([goal]) => !witnesses.has(goal)).map(([goal]) => goal),
        }
      : {};

  /** The same walk with small choices, cut where it ended (fast-check's first shrink). */
  const normalize = (walk: Walk): Walk | undefined => {
    try {
      const o = run(walk, undefined, { initIndex: 0, actionIndices: [], choices: [] });
      return { ...walk, init: o.initIndex, choices: o.choices! };
    } catch {
      return undefined;
    }
  };
  const arb = new WalkArbitrary(maxDepth, swarmArb, normalize, () => stopped !== undefined && !failedOnce, faultThreshold);

  const property = fc.property(arb, (walk) => {
    // A bound was hit: end fast-check's loop (this "failure" has no shrinks, see WalkArbitrary).
    if (stopped && !failedOnce) throw new StopRuns();
    if (!failedOnce) walks++;
    let outcome: Outcome;
    try {
      outcome = run(walk, count);
    } catch {
      // A spec error fails the walk too; fast-check shrinks it, and the final replay rethrows it.
      if (!failedOnce) firstFailureLength = undefined;
      failedOnce = true;
      return false;
    }
    const states = outcome.actionIndices.length + 1;
    if (states > depth) depth = states;
    if (outcome.violated !== undefined) {
      if (!failedOnce) firstFailureLength = outcome.actionIndices.length;
      failedOnce = true;
      return false;
    }
    if (!failedOnce) {
      if (options.maxStates !== undefined && visited.size >= options.maxStates) stopped = 'max-states';
      if ((walks & 15) === 0) {
        const now = performance.now();
        if (now >= deadline) stopped = 'timeout';
        if (options.onProgress && now >= nextProgress) {
          nextProgress = now + progressEveryMs;
          options.onProgress({ distinctStates: visited.size, generatedStates: generated, depth, queue: 0, seconds: (now - started) / 1000 });
        }
      }
    }
    return true;
  });

  const details = fc.check(property, {
    seed,
    numRuns: runs,
    endOnFailure: false, // whatever fc.configureGlobal says: shrinking is part of the result
    ...(options.path !== undefined ? { path: options.path } : {}),
  });

  const stats = () => ({ distinctStates: visited.size, generatedStates: generated, depth, seconds: (performance.now() - started) / 1000 });
  const randomRun: RandomRun = { seed: details.seed, runs: details.numRuns };

  if (!details.failed || details.counterexample === null || details.errorInstance instanceof StopRuns) {
    randomRun.runs = walks;
    return { verdict: 'incomplete', incomplete: stopped ?? 'random', strategy: 'random', stats: stats(), violations: [], random: randomRun, ...goalReport() };
  }

  const walk = details.counterexample[0];
  const { model: walked } = modelFor(walk.env);
  if (walk.env) randomRun.environment = { ...(walked as Configurable<S, A>).environment };
  randomRun.path = details.counterexamplePath ?? undefined;

  const outcome: Outcome = { initIndex: 0, actionIndices: [] };
  try {
    run(walk, undefined, outcome);
  } catch (error) {
    // The walk is deterministic: it throws again, at the same step. Attach the path to there.
    if (error instanceof SpecError) {
      try {
        error.path = replayPath(walked, outcome.initIndex, outcome.actionIndices) as never;
      } catch {
        // The path is a courtesy; the original error is what matters.
      }
    }
    throw error;
  }
  if (outcome.violated === undefined) throw new Error('fast-check reported a failing walk that does not fail when re-run');
  const property_ = outcome.violated;

  const replayed = replayPath(walked, outcome.initIndex, outcome.actionIndices);
  randomRun.fastCheckLength = replayed.actions.length;
  randomRun.originalLength = firstFailureLength ?? replayed.actions.length;
  const path: Path<S, A> = options.shrink === false ? replayed : shrinkPath(walked, replayed, property_);
  randomRun.shrunkLength = path.actions.length;
  const violation: Violation<S, A> = { property: property_, kind: 'invariant', path };
  return { verdict: 'violation', strategy: 'random', stats: stats(), violations: [violation], random: randomRun, ...goalReport() };
}

/** Thrown into fast-check's loop to end it when a bound (time, states) is hit. */
class StopRuns extends Error {
  constructor() {
    super('faultline: a search bound stopped the random runs');
  }
}

/** Knob candidates one step smaller: off, then one less (unbounded loss: off, then 3). */
function smallerKnobs(env: Knobs): Knobs[] {
  const out: Knobs[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === true) out.push({ ...env, [key]: false });
    if (typeof value !== 'number' || value === 0) continue;
    out.push({ ...env, [key]: 0 });
    if (value === Infinity) out.push({ ...env, [key]: 3 });
    else if (value > 1) out.push({ ...env, [key]: value - 1 });
  }
  return out;
}

/**
 * Walks for fast-check. Every walk gets `depth` choices, so it runs until it is stuck or
 * fails (short walks would waste runs). Shrinking is a pure function of the walk, so a
 * `seed` + `path` replay takes the same steps: first the walk normalised (the same walk,
 * cut where it ended, with the action indices it took as choices), then fewer faults
 * (swarm), then a choice removed (from the end), a choice lowered, an earlier initial state.
 */
class WalkArbitrary extends fc.Arbitrary<Walk> {
  constructor(
    private readonly depth: number,
    private readonly envArb: fc.Arbitrary<Knobs> | undefined,
    private readonly normalize: (walk: Walk) => Walk | undefined,
    /** True once a bound stopped the runs: nothing to shrink then. */
    private readonly halted: () => boolean,
    private readonly faultThreshold: number,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Walk> {
    const env = this.envArb?.generate(mrng, biasFactor).value;
    const init = mrng.nextInt(0, 0x7fffffff);
    const choices: number[] = [];
    for (let i = 0; i < this.depth; i++) choices.push(mrng.nextInt(0, 0x7fffffff));
    return new fc.Value(env ? { env, init, choices } : { init, choices }, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is Walk {
    const w = value as Walk;
    return (
      typeof w === 'object' && w !== null && Number.isInteger(w.init) && Array.isArray(w.choices) &&
      w.choices.length <= this.depth && w.choices.every((c) => Number.isInteger(c) && c >= 0)
    );
  }

  shrink(walk: Walk): fc.Stream<fc.Value<Walk>> {
    return new fc.Stream(this.candidates(walk)).map((w) => new fc.Value(w, undefined));
  }

  private *candidates(walk: Walk): IterableIterator<Walk> {
    if (this.halted()) return;
    // Every candidate is smaller in (environment, choices length, choices sum, init), so
    // shrinking terminates: the normalised walk only when it is smaller (a choice below the
    // index it lands on, past actions that take no step, normalises upwards).
    const normal = this.normalize(walk);
    if (normal && smallerWalk(normal, walk)) {
      yield normal;
      return;
    }
    const { choices } = walk;
    if (walk.env) for (const env of smallerKnobs(walk.env)) yield { ...walk, env };
    for (let i = choices.length - 1; i >= 0; i--) yield { ...walk, choices: [...choices.slice(0, i), ...choices.slice(i + 1)] };
    for (let i = choices.length - 1; i >= 0; i--) {
      for (const c of lower(choices[i], this.faultThreshold)) yield { ...walk, choices: choices.map((x, j) => (j === i ? c : x)) };
    }
    for (let init = 0; init < walk.init; init++) yield { ...walk, init };
  }
}

/**
 * Smaller choices to try instead of `c`, smallest first: the first few actions, and the
 * earlier positions of either pool (see {@link pick}).
 */
function lower(c: number, faultThreshold: number): number[] {
  const out = new Set<number>();
  for (let x = 0; x < Math.min(c, 8); x++) out.add(x);
  for (let p = 0; p <= Math.floor(c / POOL_SPAN) && out.size < 40; p++) {
    for (const x of [p * POOL_SPAN, p * POOL_SPAN + faultThreshold]) if (x >= 0 && x < c) out.add(x);
  }
  return [...out].sort((a, b) => a - b);
}

/** `a` before `b` by choices length, then choices sum, then initial state (same environment). */
function smallerWalk(a: Walk, b: Walk): boolean {
  if (a.choices.length !== b.choices.length) return a.choices.length < b.choices.length;
  const sum = (w: Walk) => w.choices.reduce((x, y) => x + y, 0);
  if (sum(a) !== sum(b)) return sum(a) < sum(b);
  return a.init < b.init;
}

/**
 * The model a random result's paths belong to: under swarm, the model configured with the
 * failing walk's environment; otherwise `model` itself.
 */
export function modelOfResult<S, A>(model: Model<S, A>, result: CheckResult<S, A>): Model<S, A> {
  const env = result.random?.environment;
  if (!env || !configurable(model)) return model;
  return model.configure({ environment: env });
}
