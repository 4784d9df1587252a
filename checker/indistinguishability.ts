/**
 * The Two Generals argument, executable: the chain of runs from the one where every message
 * arrives down to the one where none does, each run one delivery shorter than the one
 * before, every later message lost. Adjacent runs differ only in one delivery, so the other
 * general (the one not receiving it) has the same local view in both and must act the same;
 * agreement then drags its peer along, run after run, until a run where they disagree.
 */
import { canonicalJson, describeAction, describeMessage, faultStep, type ActorAction, type ActorModel, type GeneralsView, type NodeId, type WorldState } from '../specs/index.ts';
import { bfs } from './bfs.ts';
import { SpecError, type SpecPhase } from './errors.ts';
import type { Path } from './path.ts';
import type { IncompleteReason, SearchStats } from './result.ts';

/** One step of a general, as it sees it: what happened to it and its local state after. */
export interface LocalEvent {
  /** `start`, `received Messenger(n=1) from general-A`, `timer retry`, `recovered`. */
  event: string;
  state: unknown;
}

/** How a run of the chain ends. */
export type GeneralsRunEnd =
  /** Nothing but faults is enabled: the run is over. */
  | 'quiescent'
  /** The model's constraint (e.g. `maxInFlight`) stops it. */
  | 'bound'
  /** It was still going after `maxSteps` steps. */
  | 'max-steps';

/** One run of the chain. */
export interface GeneralsRun {
  /** Messages delivered (the first `delivered` deliveries of the run where every message arrives). */
  delivered: number;
  /** Messages lost: every message in flight after the last delivery. */
  lost: number;
  path: Path<WorldState, ActorAction>;
  /** Each general's local view: its own steps and local states, from its initial state on. */
  views: Record<NodeId, LocalEvent[]>;
  /** What each general does at the end of the run. */
  decisions: Record<NodeId, unknown>;
  /** The index of the first state of the path where the agreement property fails, if any. */
  failsAt?: number;
  end: GeneralsRunEnd;
  /**
   * The general that cannot tell this run from the one before it in the chain (the same
   * local view in both); `null` when both can. Absent for the first run.
   */
  sameViewAsPrevious?: NodeId | null;
}

/** The Two Generals walk-through of one protocol. */
export interface GeneralsReport {
  generals: [NodeId, NodeId];
  /** The agreement property's name and kind. */
  agreement: { name: string; kind: 'invariant' | 'terminal' };
  /** From every message arriving (first) to none arriving (last), or to where the loss budget ends it. */
  chain: GeneralsRun[];
  /** Why the chain stops before the run where no message arrives, when it does. */
  chainEnds?: string;
  /** The first run of the chain where agreement fails. */
  failure?: { run: number; state: number };
  /**
   * When agreement holds along the chain: the exhaustive search of the agreement property
   * over every reachable state, which decides the verdict.
   */
  search?: { verdict: 'pass' | 'violation' | 'incomplete'; stats: SearchStats; incomplete?: IncompleteReason; violation?: Path<WorldState, ActorAction> };
  /** The bound that stopped the walk-through before a verdict. */
  incomplete?: IncompleteReason;
  verdict: string;
}

/** Options of {@link indistinguishabilityChain}. */
export interface GeneralsChainOptions {
  /** The longest run walked (default 1,000 steps); the chain has at most this many runs plus one. */
  maxSteps?: number;
  /** Bound of the exhaustive search of agreement, when the chain does not break it (default 1,000,000). */
  maxStates?: number;
  timeoutSeconds?: number;
}

/** Default {@link GeneralsChainOptions.maxSteps}. */
export const DEFAULT_GENERALS_MAX_STEPS = 1000;
/** Default {@link GeneralsChainOptions.maxStates}. */
export const DEFAULT_GENERALS_MAX_STATES = 1_000_000;

function guarded<T>(phase: SpecPhase, call: () => T, at?: { actionLabel?: string; property?: string }): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof SpecError) throw error;
    const spec = new SpecError(phase, error);
    if (at?.actionLabel) spec.actionLabel = at.actionLabel;
    if (at?.property) spec.property = at.property;
    throw spec;
  }
}

/** What a step is to `node`, when it is one of its own steps. */
function eventOf(action: ActorAction, node: NodeId): string | undefined {
  switch (action.kind) {
    case 'deliver':
      return action.envelope.to === node ? `received ${describeMessage(action.envelope.msg)} from ${action.envelope.from}` : undefined;
    case 'timer':
      return action.node === node ? `timer ${action.timer}` : undefined;
    default: {
      // A fault step at a node: `crashed`, `recovered`.
      const step = faultStep(action.kind);
      return step?.subject === 'node' && (action as { node: NodeId }).node === node ? step.past : undefined;
    }
  }
}

/** `n` with its noun. */
function messages(n: number): string {
  return `${n} message${n === 1 ? '' : 's'}`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Walks a protocol's two generals through the Two Generals argument. Runs are scheduled
 * deterministically: deliver the first deliverable message, else fire the first due timer,
 * else let time advance — never a duplicate, crash or partition. The first run delivers
 * every message; run `k` of `m + 1` delivers the first `m − k` and loses every message in
 * flight after that (as many drops as that takes: the environment's loss budget must allow
 * them, else the chain ends there). For each adjacent pair it finds the general whose local
 * view (its own steps and local states) is the same in both; for each run, what the generals
 * do and whether the agreement property holds in every state. The verdict: the first run
 * where agreement fails; when none does, an exhaustive search of the agreement property
 * decides (a pass is a pass over every reachable state, not just the chain).
 */
export function indistinguishabilityChain(model: ActorModel, generals: GeneralsView, options: GeneralsChainOptions = {}): GeneralsReport {
  if (generals.nodes.length !== 2) throw new Error(`the Two Generals chain needs exactly two generals, got ${generals.nodes.length}`);
  const pair = [generals.nodes[0], generals.nodes[1]] as [NodeId, NodeId];
  const maxSteps = options.maxSteps ?? DEFAULT_GENERALS_MAX_STEPS;
  const deadline = options.timeoutSeconds === undefined ? Infinity : Date.now() + options.timeoutSeconds * 1000;
  const agreementName = generals.agreement;
  const agreement = model.invariants && Object.hasOwn(model.invariants, agreementName) ? model.invariants[agreementName] : undefined;
  const kind = Object.hasOwn(model.propertyKinds, agreementName) ? model.propertyKinds[agreementName] : undefined;
  if (!agreement || !kind) throw new Error(`the agreement property "${agreementName}" is not among the protocol's properties`);
  const initial = guarded('init', () => Array.from(model.init()));
  if (initial.length === 0) throw new Error('the protocol has no initial state');
  const start = initial[0];
  const label = (a: ActorAction): string => guarded('describe', () => describeAction(model, a));

  /** The run that delivers `budget` messages (Infinity: all of them), then loses the rest. */
  const walk = (budget: number): { run: GeneralsRun; possible: boolean } | 'timeout' => {
    const path: Path<WorldState, ActorAction> = { initIndex: 0, states: [start], actions: [], actionIndices: [] };
    const views: Record<NodeId, LocalEvent[]> = Object.fromEntries(pair.map((g) => [g, [{ event: 'start', state: start.nodes[g] }]]));
    let state = start;
    let delivered = 0;
    let lost = 0;
    let end: GeneralsRunEnd = 'max-steps';
    let possible = true;
    for (let step = 0; ; step++) {
      if (Date.now() > deadline) return 'timeout';
      if (model.constraint && !guarded('constraint', () => model.constraint!(state))) {
        end = 'bound';
        break;
      }
      const actions = guarded('actions', () => Array.from(model.actions(state)));
      const first = (k: ActorAction['kind']): number => actions.findIndex((a) => a.kind === k);
      let index = delivered < budget ? first('deliver') : first('drop');
      if (index < 0 && delivered >= budget && state.net.length > 0 && first('deliver') >= 0) {
        // Messages are still in flight, but the environment may lose no more of them.
        possible = false;
        end = 'quiescent';
        break;
      }
      if (index < 0) index = first('timer');
      if (index < 0) index = first('tick');
      if (index < 0) {
        end = 'quiescent';
        break;
      }
      if (step >= maxSteps) break;
      const action = actions[index];
      const next = guarded('next', () => model.next(state, action), { actionLabel: label(action) });
      if (next === undefined) throw new SpecError('next', new Error(`the action "${label(action)}" takes no step`));
      if (action.kind === 'deliver') delivered++;
      if (action.kind === 'drop') lost++;
      path.actions.push(action);
      path.actionIndices.push(index);
      path.states.push(next);
      for (const g of pair) {
        const event = eventOf(action, g);
        if (event !== undefined) views[g].push({ event, state: next.nodes[g] });
      }
      state = next;
    }
    const failsAt = path.states.findIndex((s) => !guarded('invariant', () => agreement(s), { property: agreementName }));
    const decisions = Object.fromEntries(pair.map((g) => [g, guarded('invariant', () => generals.decision(state, g), { property: 'generals.decision' })]));
    return { run: { delivered, lost, path, views, decisions, ...(failsAt >= 0 ? { failsAt } : {}), end }, possible };
  };

  const report: GeneralsReport = { generals: pair, agreement: { name: agreementName, kind }, chain: [], verdict: '' };
  const stopped = (reason: IncompleteReason, why: string): GeneralsReport => {
    report.incomplete = reason;
    report.verdict = `incomplete: ${why}`;
    return report;
  };
  const all = walk(Infinity);
  if (all === 'timeout') return stopped('timeout', 'the timeout passed before the chain was built');
  report.chain.push(all.run);
  if (all.run.end === 'max-steps') return stopped('max-depth', `the run where every message arrives is still going after ${maxSteps} steps (raise --max-steps)`);
  const sameView = (a: GeneralsRun, b: GeneralsRun): NodeId | null =>
    pair.find((g) => canonicalJson(a.views[g]) === canonicalJson(b.views[g])) ?? null;
  for (let k = all.run.delivered - 1; k >= 0; k--) {
    const next = walk(k);
    if (next === 'timeout') return stopped('timeout', `the timeout passed after ${report.chain.length} runs of the chain`);
    if (!next.possible) {
      const most = model.environment.maxDrops;
      report.chainEnds =
        most === 0
          ? `no message can be lost on this link (the environment allows no drops: pass --loss or --max-drops N)`
          : `the run delivering ${messages(k)} would lose more than the ${messages(most)} the link may lose (--max-drops ${most})`;
      break;
    }
    if (next.run.end === 'max-steps') return stopped('max-depth', `the run delivering ${messages(k)} is still going after ${maxSteps} steps (raise --max-steps)`);
    next.run.sameViewAsPrevious = sameView(report.chain[report.chain.length - 1], next.run);
    report.chain.push(next.run);
  }

  const failing = report.chain.findIndex((r) => r.failsAt !== undefined);
  if (failing >= 0) {
    const run = report.chain[failing];
    report.failure = { run: failing, state: run.failsAt! };
    const who = pair.map((g) => `${g} → ${show(run.decisions[g])}`).join(', ');
    const where = run.lost === 0 ? 'every message arrives' : `${run.delivered} delivered, ${run.lost} lost`;
    report.verdict = `violates ${agreementName} in run ${failing + 1} of ${report.chain.length} (${where}): ${who}`;
    return report;
  }

  // The chain holds: only a search of every reachable state can say the protocol agrees.
  const remaining = deadline === Infinity ? undefined : Math.max(0.001, (deadline - Date.now()) / 1000);
  const agreementOnly: ActorModel = { ...model, invariants: { [agreementName]: agreement } };
  const result = bfs(agreementOnly, { maxStates: options.maxStates ?? DEFAULT_GENERALS_MAX_STATES, ...(remaining !== undefined ? { timeoutSeconds: remaining } : {}) });
  const violation = result.violations[0]?.path as Path<WorldState, ActorAction> | undefined;
  report.search = { verdict: result.verdict, stats: result.stats, ...(result.incomplete ? { incomplete: result.incomplete } : {}), ...(violation ? { violation } : {}) };
  const n = result.stats.distinctStates;
  const states = `${n.toLocaleString('en-US')} state${n === 1 ? '' : 's'}`;
  if (violation) {
    report.verdict = `violates ${agreementName} outside the chain: agreement holds in every run of the chain, but a ${violation.actions.length}-step run breaks it`;
  } else if (result.verdict === 'incomplete') {
    return stopped(result.incomplete ?? 'max-states', `agreement holds along the chain; the search of every run stopped (${result.incomplete}) after ${states}`);
  } else {
    const same = pair.every((g) => new Set(report.chain.map((r) => canonicalJson(r.decisions[g] ?? null))).size === 1);
    const first = report.chain[0].decisions;
    report.verdict = report.chainEnds?.startsWith('no message can be lost')
      ? `agrees: ${agreementName} holds in every reachable state (${states}) — no message can be lost on this link`
      : same && report.chain.length > 1
        ? `agrees: ${agreementName} holds in every reachable state (${states}) — whatever is lost, ${pair.map((g) => `${g} → ${show(first[g])}`).join(', ')}: the decision does not depend on the link`
        : `agrees: ${agreementName} holds in every reachable state (${states})`;
  }
  return report;
}
