import type { Model } from './model.ts';

/**
 * What partial-order reduction (checker/partial-order.ts) needs of a model. Actor protocols
 * provide it; a model without it is never reduced.
 *
 * Vocabulary. A *process* is where an action runs (an actor: its deliveries and timers); an
 * action of no process (a fault, a clock tick) is global and dependent with everything. A
 * *trigger* names what makes a process act (`role|msg:Type`, `role|timer:name`); an action
 * *causes* the triggers it makes pending (the messages it sends, the timers it arms). A
 * *location* is a part of the state a property may read or an action may write: `net`,
 * `history`, `down`, `timers:<node>`, `node:<node>\t<field>` (`node:<node>\t*` is every
 * field of it) and `*` (everything). Locations of nodes of a symmetric role name the role
 * (`node:@role\t<field>`) when symmetry reduction is on, so that they are symmetric too.
 */
export interface PartialOrderModel<S, A> {
  /** A fresh session: the model to search, whose invariants and goals record what they read, and the questions the reduction asks. */
  session(): PartialOrderSession<S, A>;
}

/** One reduced search's view of a model: see {@link PartialOrderModel}. */
export interface PartialOrderSession<S, A> {
  /** The same states and actions; its invariants and reachability goals append to {@link read} each location they read for the first time. Terminal properties (checked only where nothing but faults is enabled) are not tracked: they need no visibility. */
  readonly model: Model<S, A>;
  /** Every location a tracked property has read so far, in the order first read (append-only). */
  readonly read: readonly string[];
  /** The process an action runs at, or undefined for a global action. */
  process(action: A): string | undefined;
  /** What a process action does as a step from `state`: the trigger it runs, the triggers it causes, the locations it writes. */
  step(state: S, action: A): { trigger: string; causes: readonly string[]; writes: readonly string[] };
  /** The triggers pending in `state` at every process but `except` (messages in flight to it, its armed timers). */
  pending(state: S, except: string): Iterable<string>;
  /** Whether a caused trigger may run at `process` (a message sent to its role). */
  reaches(trigger: string, process: string): boolean;
}
