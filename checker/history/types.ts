/**
 * The vocabulary of the history checker: operations, histories, sequential models and results.
 *
 * A history is a set of operations, each with an invocation time and (when its outcome was
 * observed) a completion time. Times only need to be ordered: the parsers use the position of the
 * event in the file. Two operations are concurrent when neither completed before the other was
 * invoked; an operation `a` precedes `b` in real time iff `a.ret < b.call`.
 *
 * @module
 */

/** A process (client) identifier as it appears in a history. */
export type ProcessId = string | number;

/**
 * Whether an operation's completion was observed.
 *
 * - `ok`: it took effect exactly once, between its invocation and its completion, and returned
 *   `output`.
 * - `unknown`: a Jepsen `:info`, a timeout, or an invocation with no completion in the file: it may
 *   have taken effect at any point after its invocation, or never; its output is not known.
 */
export type Outcome = 'ok' | 'unknown';

/** One operation of a history: an invocation and (maybe) its completion. */
export interface Operation<I = unknown, O = unknown> {
  /** Dense index of the operation in its history (0 … n-1). Results refer to operations by id. */
  id: number;
  /** The process that invoked it. A process has at most one operation in flight. */
  process: ProcessId;
  /** What was asked of the system, in the model's input vocabulary. */
  input: I;
  /** What the system answered; meaningless (undefined) when `outcome` is `unknown`. */
  output?: O;
  /** Whether the completion was observed. */
  outcome: Outcome;
  /** Invocation time. */
  call: number;
  /** Completion time; `Infinity` when the outcome is unknown. */
  ret: number;
  /** The 1-based line of the invocation in the source file, when parsed from one. */
  line?: number;
}

/**
 * Whose rules a history was recorded under. `porcupine` (the default; Porcupine's parsers and
 * faultline's JSON lines): `nil`/`null` is a value like any other and a `:fail`ed cas ran and
 * returned false. `knossos` (EDN histories): Knossos's rules — see README.md.
 */
export type HistorySemantics = 'porcupine' | 'knossos';

/** A history: its operations (ids are their indexes) and where it came from. */
export interface History<I = unknown, O = unknown> {
  ops: Operation<I, O>[];
  /** The file it was read from, for messages. */
  source?: string;
  /** Absent means `porcupine`. */
  semantics?: HistorySemantics;
}

/**
 * The input of an operation in the Jepsen vocabulary, which every bundled format produces and
 * every built-in model consumes: a function name (`read`, `write`, `cas`, `get`, `put`, `append`,
 * …), an optional key and the invocation's value (`[from, to]` for a cas).
 */
export interface JepsenInput {
  f: string;
  key?: unknown;
  value?: unknown;
}

/** The result of applying an input to a state of a sequential model. */
export interface StepResult<S, O> {
  state: S;
  /** What the operation returns. `undefined` means "nothing observable": any observed output matches. */
  output: O | undefined;
}

/**
 * A sequential specification: what a correct, single-copy, one-at-a-time implementation would do.
 * Models must be pure: `step` may not mutate `state`.
 */
export interface SequentialModel<S = unknown, I = unknown, O = unknown> {
  /** Short name for reports (`cas-register`, `kv`, …). */
  name: string;
  /** The initial state (of each partition, when the model is partitioned). */
  init(): S;
  /** Applies one input; returns the new state and the output a correct system would return. */
  step(state: S, input: I): StepResult<S, O>;
  /**
   * State equality, for memoisation. Default: equal canonical encodings (`hash`). Give `hash` too
   * when you give `equal`, or every state lands in one bucket.
   */
  equal?(a: S, b: S): boolean;
  /** A string that equal states share. Default: the canonical JSON encoding of the state. */
  hash?(state: S): string;
  /** Whether an observed output matches the expected one. Default: equal canonical encodings. */
  outputEqual?(expected: O, observed: O): boolean;
  /**
   * P-compositionality: the key of the independent part of the state an input touches (a key of a
   * key-value store). When given, each key's operations are checked on their own, each starting at
   * `init()`. Linearizability is compositional; sequential consistency is not, so the sequential
   * check runs the model over a map of keys instead.
   */
  partition?(input: I): string;
  /** True for inputs that never change the state: an unknown-outcome read-only operation is dropped. */
  readOnly?(input: I): boolean;
  /**
   * True when an observed output tells nothing (Knossos: a read that returned `nil` may have read
   * any value). A read-only operation with such an output constrains nothing and is dropped.
   */
  observesNothing?(input: I, output: O): boolean;
  /** Why an input is not one this model understands, or undefined when it is fine. */
  validate?(input: I): string | undefined;
  /** One-line description of an operation, e.g. `cas(1, 2) → false`. */
  describe?(input: I, output: O | undefined, outcome: Outcome): string;
  /** One-line description of a state. Default: its canonical JSON. */
  describeState?(state: S): string;
}

/** Which consistency condition a history is checked against. */
export type Consistency = 'linearizable' | 'sequential';

/** Options of a history check. */
export interface HistoryCheckOptions {
  /** Give up after this many milliseconds (verdict `timeout`). */
  timeoutMs?: number;
  /** Compute the failing window and longest partial linearization of a violation. Default true. */
  explain?: boolean;
}

/** An operation as a report shows it. */
export interface FailureOp {
  id: number;
  process: ProcessId;
  /** e.g. `write(3)`, `read() → 1`, `cas(1, 2) → ?`. */
  label: string;
  outcome: Outcome;
  call: number;
  /** Completion time, or null when the outcome is unknown. */
  ret: number | null;
  line?: number;
  /** In the failing window. */
  window: boolean;
  /** Its position (0-based) in the longest partial linearization, if it is in it. */
  position?: number;
}

/** Why a candidate operation could not be linearized after the longest partial linearization. */
export interface StuckCandidate {
  id: number;
  label: string;
  /** What the model would return at that point. */
  expected: string;
  /** What the system returned. */
  observed: string;
}

/** The explanation of a violation. */
export interface HistoryFailure {
  /** The partition (key) that is not consistent, when the model is partitioned. */
  partition?: string;
  /**
   * The operation whose completion first makes the history inconsistent: the shortest failing
   * prefix of the history ends with its completion.
   */
  failingOp: number;
  /**
   * The failing window (op ids, in invocation order). For linearizability: `failingOp` and every
   * operation of the shortest failing prefix that was in flight when it was invoked or was invoked
   * after it — none of them can be linearized from any state in `possibleStates`. For sequential
   * consistency: `failingOp` and the known-outcome operations the longest partial linearization
   * leaves out. See README.md.
   */
  window: number[];
  /**
   * Linearizability only: every state the model can be in just before `failingOp` is invoked, over
   * all linearizations of the operations that completed before then (described). Absent when
   * computing them ran out of time.
   */
  possibleStates?: string[];
  /** The longest partial linearization of the shortest failing prefix, in order (op ids). */
  longest: number[];
  /** The model state after each step of `longest`, described (same length as `longest`). */
  longestStates: string[];
  /** The model's initial state, described. */
  initialState: string;
  /** The operations that could go next after `longest`, and why each cannot. */
  stuck: StuckCandidate[];
  /** The operations of the shortest failing prefix of the failing partition, for rendering. */
  ops: FailureOp[];
  /** True when the explanation ran out of time and is only approximate. */
  approximate?: boolean;
}

/** The verdict of a history check. */
export type HistoryVerdict = 'ok' | 'violation' | 'timeout';

/** The result of a history check. */
export interface HistoryCheckResult {
  consistency: Consistency;
  verdict: HistoryVerdict;
  /** The model's name. */
  model: string;
  /** Operations checked (after dropping unknown-outcome read-only ones). */
  ops: number;
  /** Independent partitions checked (1 when the model is not partitioned). */
  partitions: number;
  seconds: number;
  /** Present when `verdict` is `violation` (and explanation was asked for). */
  failure?: HistoryFailure;
}
