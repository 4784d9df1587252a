import { canonicalJson } from '../index.ts';
import { describeOperation } from './describe-operation.ts';
import { programOrder } from './program-order.ts';
import { realTimeOrder } from './realtime-order.ts';
import { END, searchLinearization, type PreparedOp, type SearchOutcome } from './search.ts';
import { showValue } from './show-value.ts';
import type { Consistency, FailureOp, HistoryFailure, SequentialModel, StuckCandidate } from './types.ts';

/**
 * The history as it stood at time `t`: the operations invoked by then (`call <= t`, or `< t` when
 * `strict`); those that had not completed by then (`ret <= t`, or `< t`) become unknown-outcome.
 */
function prefixAt(ops: readonly PreparedOp[], t: number, strict = false): PreparedOp[] {
  const prefix: PreparedOp[] = [];
  for (const op of ops) {
    if (strict ? op.call >= t : op.call > t) continue;
    const done = strict ? op.ret < t : op.ret <= t;
    prefix.push(op.known && !done ? { ...op, known: false, ret: Infinity, output: undefined } : op);
  }
  return prefix;
}

/**
 * Explains why `ops` (one partition, known not to be consistent) fail:
 *
 * 1. the shortest failing prefix: the first completion after which the history cannot be
 *    linearized (prefixes of a consistent history are consistent, so a binary search over
 *    completions finds it; operations still in flight at that point count as unknown-outcome).
 *    The operation that completes there is the failing operation;
 * 2. the longest partial linearization of that prefix, with the state after each step, and the
 *    candidates that could go next after it, with what the model would return;
 * 3. the failing window (see {@link HistoryFailure.window}) and, for linearizability, every state
 *    the model can be in when the failing operation is invoked.
 *
 * `fullOutcome` is the failed search of the whole of `ops`, when the caller has it.
 */
export function explainFailure(
  ops: readonly PreparedOp[],
  model: SequentialModel<unknown, unknown, unknown>,
  consistency: Consistency,
  deadline: number,
  partition?: string,
  fullOutcome?: SearchOutcome,
): HistoryFailure {
  const orderOf = consistency === 'linearizable' ? realTimeOrder : programOrder;
  const completions = ops.filter((op) => op.known).map((op) => op.ret).sort((a, b) => a - b);
  const outcomes = new Map<number, SearchOutcome>();
  const check = (k: number): SearchOutcome => {
    let outcome = outcomes.get(k);
    if (!outcome) {
      const prefix = prefixAt(ops, completions[k]);
      outcome = searchLinearization(prefix, model, orderOf(prefix), { deadline });
      outcomes.set(k, outcome);
    }
    return outcome;
  };
  let approximate = false;
  let lo = 0;
  let hi = completions.length - 1;
  if (fullOutcome?.kind === 'fail') outcomes.set(hi, fullOutcome);
  // Invariant: prefix `hi` fails. Find the smallest failing one.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const outcome = check(mid);
    if (outcome.kind === 'timeout') {
      approximate = true;
      break;
    }
    if (outcome.kind === 'fail') hi = mid;
    else lo = mid + 1;
  }
  let outcome = check(hi);
  if (outcome.kind !== 'fail') {
    // Out of time: explain the whole history as far as the search got.
    approximate = true;
    hi = completions.length - 1;
    outcome = fullOutcome ?? outcome;
  }
  const t = completions[hi];
  const prefix = prefixAt(ops, t);
  const longestLocal = outcome.kind === 'fail' || outcome.kind === 'timeout' ? outcome.longest : [];
  const failing = ops.find((op) => op.known && op.ret === t)!;

  // Replay the longest partial linearization.
  const describeState = (s: unknown): string => (model.describeState ? model.describeState(s) : canonicalJson(s));
  let state = model.init();
  const longestStates: string[] = [];
  const order = orderOf(prefix);
  for (const local of longestLocal) {
    state = model.step(state, prefix[local].input).state;
    longestStates.push(describeState(state));
    order.lift(local);
  }
  const inLongest = new Map<number, number>();
  longestLocal.forEach((local, position) => inLongest.set(prefix[local].id, position));

  // Who could go next, and what the model would have them return.
  const stuck: StuckCandidate[] = [];
  for (let c = order.start(); c !== END; c = order.next(c)) {
    const op = prefix[order.opAt(c)];
    if (!op.known) continue;
    const expected = model.step(state, op.input).output;
    stuck.push({
      id: op.id,
      label: describeOperation(model, op.input, op.output, 'ok'),
      expected: expected === undefined ? '(nothing)' : showValue(expected),
      observed: showValue(op.output),
    });
  }

  let window: number[];
  let possibleStates: string[] | undefined;
  if (consistency === 'linearizable') {
    // Everything in flight when the failing operation is invoked, or invoked after it.
    const s = failing.call;
    window = prefix.filter((op) => op.call >= s || op.ret >= s).map((op) => op.id);
    const before = prefixAt(ops, s, true);
    const reachable = searchLinearization(before, model, orderOf(before), { deadline, allStates: true });
    if (reachable.kind === 'states') possibleStates = [...new Set(reachable.states.map(describeState))].sort();
    else approximate = true;
  } else {
    window = prefix.filter((op) => op.id === failing.id || (op.known && !inLongest.has(op.id))).map((op) => op.id);
  }
  const inWindow = new Set(window);

  const byId = new Map(ops.map((op) => [op.id, op]));
  const failureOps: FailureOp[] = prefix.map((p) => {
    const original = byId.get(p.id)!;
    const f: FailureOp = {
      id: p.id,
      process: p.process,
      label: describeOperation(model, original.input, original.output, original.known ? 'ok' : 'unknown'),
      outcome: original.known ? 'ok' : 'unknown',
      call: original.call,
      ret: original.known ? original.ret : null,
      window: inWindow.has(p.id),
    };
    if (p.line !== undefined) f.line = p.line;
    const position = inLongest.get(p.id);
    if (position !== undefined) f.position = position;
    return f;
  });

  const failure: HistoryFailure = {
    failingOp: failing.id,
    window,
    longest: longestLocal.map((local) => prefix[local].id),
    longestStates,
    initialState: describeState(model.init()),
    stuck,
    ops: failureOps,
  };
  if (possibleStates) failure.possibleStates = possibleStates;
  if (partition !== undefined) failure.partition = partition;
  if (approximate) failure.approximate = true;
  return failure;
}
