import { indistinguishabilityChain, NondeterminismError, SpecError, type GeneralsReport } from '../checker/index.ts';
import { isActorModel, type ActorModel, type Environment, type Model, type Params } from '../specs/index.ts';
import { applyEnvironment } from './environment.ts';
import { BadInputError, SpecFailure } from './errors.ts';
import { withExitGuard } from './exit-guard.ts';
import { loadSpec, modelOf } from './load-spec.ts';

/** Options of {@link generals}. */
export interface GeneralsOptions {
  /** Spec parameters (for a spec file or a protocol). */
  params?: Params;
  /** Environment knobs over the spec's own, e.g. `{ maxDrops: Infinity }` for a link that may lose any message. */
  environment?: Partial<Environment>;
  /** The file the model came from, for messages and traces (a path given as `spec` is used by default). */
  specPath?: string;
  /** The longest run walked (default 1,000 steps). */
  maxSteps?: number;
  /** Bound of the exhaustive search of agreement when the chain does not break it (default 1,000,000). */
  maxStates?: number;
  /** Seconds, for the whole walk-through. */
  timeout?: number;
}

/** What {@link generals} resolves to: the walk-through and the protocol it ran on. */
export interface GeneralsResult {
  report: GeneralsReport;
  /** The protocol, with the params and environment applied. */
  model: ActorModel;
  specPath: string;
  params: Params;
}

/** How to declare what the command needs: one line, for every rejection. */
const HOW =
  "declare generals: { role: 'general', decision: (local) => 'attack' | 'hold', agreement: 'Agreement' } in protocol({...}), with a role of two nodes and terminal: { Agreement: (w) => … } saying they agree";

/**
 * Two Generals made executable: for a protocol (or the spec file at a path) that declares its
 * two `generals`, the chain of runs from the one where every message arrives down to the
 * one where none does, each adjacent pair indistinguishable to one general, ending in the
 * run where the agreement property fails — or, when none does along the chain, a search of
 * every reachable state. Rejects with {@link BadInputError} when the spec does not load or
 * has not exactly two generals, and {@link SpecFailure} when the spec throws.
 */
export async function generals<S, A>(spec: Model<S, A> | string, options: GeneralsOptions = {}): Promise<GeneralsResult> {
  return withExitGuard(() => generalsNow(spec as Model<unknown, unknown> | string, options));
}

async function generalsNow(spec: Model<unknown, unknown> | string, options: GeneralsOptions): Promise<GeneralsResult> {
  const params = options.params ?? {};
  const specPath = options.specPath ?? (typeof spec === 'string' ? spec : spec.name);
  let model: Model<unknown, unknown>;
  if (typeof spec === 'string') {
    model = modelOf(await loadSpec(spec), params);
  } else {
    if (Object.keys(params).length > 0 && !isActorModel(spec)) throw new BadInputError(`params apply to spec files and protocols; this model takes none`);
    model = Object.keys(params).length > 0 && isActorModel(spec) ? (spec.configure({ params }) as unknown as Model<unknown, unknown>) : spec;
  }
  model = applyEnvironment(model, options.environment ?? {}, specPath);
  if (!isActorModel(model)) throw new BadInputError(`${specPath}: the Two Generals chain needs a protocol (a plain Model has no messages to lose): ${HOW}`);
  const declared = model.generals;
  if (!declared) throw new BadInputError(`${specPath}: the Two Generals chain needs the protocol's two generals: ${HOW}`);
  if (declared.nodes.length !== 2) {
    const shown = declared.nodes.length > 5 ? `${declared.nodes.slice(0, 5).join(', ')}, …` : declared.nodes.join(', ');
    throw new BadInputError(`${specPath}: the Two Generals chain needs exactly two generals, and generals names ${declared.nodes.length} (${shown}): ${HOW}`);
  }
  for (const [flag, n] of [['maxSteps', options.maxSteps], ['maxStates', options.maxStates]] as const) {
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new BadInputError(`${flag} takes a whole number of at least 1, got ${n}`);
  }
  try {
    const report = indistinguishabilityChain(model, declared, {
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
      ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
    });
    return { report, model, specPath, params };
  } catch (error) {
    if (error instanceof SpecError || error instanceof NondeterminismError) throw new SpecFailure(specPath, error);
    throw error;
  }
}
