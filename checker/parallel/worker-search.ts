import { receiveMessageOnPort } from 'node:worker_threads';
import { describeAction, type Model } from '../../specs/index.ts';
import { inputChanged, SpecError } from '../errors.ts';
import type { Fingerprint } from '../fingerprint.ts';
import { replayPath } from '../path.ts';
import { SharedVisitedSet } from '../shared-visited-set.ts';
import { PackedFrontier } from '../frontier.ts';
import { fingerprintState } from '../state-fingerprint.ts';
import { checkedForChanges, SuccessorFingerprints } from '../successor-fingerprint.ts';
import {
  Control,
  serializeError,
  StopReason,
  type Command,
  type FoundViolation,
  type LevelDone,
  type Report,
  type Transfer,
  type WorkerSetup,
} from './protocol.ts';
import { SharedStateLog } from './shared-state-log.ts';

/** A SpecError and the global id of the state it was raised on. */
class Located {
  constructor(
    readonly error: SpecError,
    readonly at: number,
  ) {}
}

/**
 * One worker's part of a level-synchronous parallel BFS: it expands the states it holds,
 * level by level as the main thread commands, adding successors to the shared visited set and
 * to its own log and next frontier. The per-state steps (constraint, depth bound, actions,
 * successors, counting, invariants, bounds) are those of bfs.ts and Exploration, in the same
 * order, so the counts add up to the single-threaded ones.
 */
export class WorkerSearch<S, A> {
  private readonly me: number;
  private readonly workers: number;
  private readonly visited: SharedVisitedSet;
  private readonly log: SharedStateLog;
  private readonly control: Int32Array;
  private readonly stats: Float64Array;
  private readonly invariants: [string, (s: S) => boolean][];
  private readonly fp: Fingerprint = { hi: 0, lo: 0 };
  /** Records each state expanded, to fingerprint its successors from it (as bfs() does). */
  private readonly successors = new SuccessorFingerprints();
  /** The states of the next level, encoded (as bfs()'s frontier). */
  private nextLevel = new PackedFrontier<S>(this.successors);
  private spare = new PackedFrontier<S>(this.successors);
  private queued = 0; // states of the current level not yet expanded
  private generated = 0;
  private discovered = 0;
  private violation: FoundViolation | undefined;
  private unvisitedAtBound = false;

  /** `inits`: the model's initial states, when the caller already has them. */
  constructor(
    private readonly model: Model<S, A>,
    private readonly setup: WorkerSetup,
    private readonly post: (report: Report) => void,
    private readonly inits?: S[],
  ) {
    this.me = setup.index;
    this.workers = setup.workers;
    this.control = new Int32Array(setup.control);
    this.stats = new Float64Array(setup.stats);
    this.invariants = Object.entries(model.invariants ?? {});
    this.visited = SharedVisitedSet.attach(setup.visited, {
      announcePause: () => post({ type: 'paused' }),
      receiveTable: () => receiveMessageOnPort(setup.tablePort)?.message,
    });
    this.log = new SharedStateLog((buffer) => post({ type: 'log', buffer }));
  }

  /** Runs one command of the main thread and returns its reply. */
  run(command: Command): Report {
    switch (command.type) {
      case 'seed':
        return this.level(() => this.seed());
      case 'level':
        return this.level(() => this.expandLevel(command.atBound, command.give, command.receive));
      case 'verify':
        try {
          const { initIndex, actionIndices, fingerprints } = command;
          replayPath(this.model, initIndex, actionIndices, (step) => {
            const f = fingerprints[step];
            return f && { hi: f[0], lo: f[1] };
          });
          return { type: 'verified' };
        } catch (error) {
          return { type: 'verified', error: serializeError(error) };
        }
    }
  }

  private level(body: () => void): LevelDone {
    this.discovered = 0;
    this.violation = undefined;
    this.unvisitedAtBound = false;
    let failure: ReturnType<typeof serializeError> | undefined;
    try {
      body();
    } catch (error) {
      Atomics.compareExchange(this.control, Control.stop, StopReason.running, StopReason.error);
      failure = error instanceof Located ? serializeError(error.error, error.at) : serializeError(error);
    }
    this.queued = 0;
    this.publish();
    return {
      type: 'done',
      discovered: this.discovered,
      frontier: this.nextLevel.size,
      generated: this.generated,
      unvisitedAtBound: this.unvisitedAtBound,
      ...(this.violation ? { violation: this.violation } : {}),
      ...(failure ? { error: failure } : {}),
    };
  }

  /** The initial states whose index is this worker's modulo the worker count. */
  private seed(): void {
    let inits = this.inits;
    try {
      inits ??= Array.from(this.model.init());
    } catch (error) {
      throw new SpecError('init', error);
    }
    for (let i = this.me; i < inits.length; i += this.workers) {
      if (this.stopped()) return;
      if (!this.discover(inits[i], -1, i)) return;
    }
  }

  /** Expands the level: first hands the planned surplus over, then its own states, then those it receives. */
  private expandLevel(atBound: boolean, give: Transfer[], receive: Transfer[]): void {
    const level = this.nextLevel;
    this.nextLevel = this.spare;
    this.spare = level;
    // Hand the surplus over first: the receivers wait for it.
    for (const { to, count } of give) {
      const states: S[] = [];
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        states.push(level.pop());
        ids.push(level.poppedId);
      }
      this.setup.peers[to]!.postMessage({ states, ids });
      Atomics.add(this.control, Control.inbox + to, 1);
      Atomics.notify(this.control, Control.inbox + to);
    }
    this.queued = level.size + receive.reduce((n, r) => n + r.count, 0);
    while (level.size > 0) {
      if (this.stopped()) return level.clear();
      const state = level.pop(); // recorded into this.successors as it is decoded
      this.queued--;
      if (!this.expand(state, level.poppedId, atBound)) return level.clear();
    }
    for (const { from } of receive) {
      const batch = this.receiveFrom(from);
      if (!this.expandAll(batch.states, batch.ids, atBound)) return;
    }
  }

  private receiveFrom(from: number): { states: S[]; ids: number[] } {
    const port = this.setup.peers[from]!;
    for (;;) {
      const seen = Atomics.load(this.control, Control.inbox + this.me);
      const message = receiveMessageOnPort(port);
      if (message) return message.message as { states: S[]; ids: number[] };
      Atomics.wait(this.control, Control.inbox + this.me, seen, 1000);
    }
  }

  /** Expands received `states` in order; false when the search must stop. */
  private expandAll(states: S[], ids: number[], atBound: boolean): boolean {
    for (let i = 0; i < states.length; i++) {
      if (this.stopped()) return false;
      const state = states[i];
      states[i] = undefined as S; // let it be collected
      this.queued--;
      this.record(state);
      if (!this.expand(state, ids[i], atBound)) return false;
    }
    return true;
  }

  /** Records a state that did not come through the frontier, for its successors' fingerprints. */
  private record(state: S): void {
    try {
      this.successors.setParent(state);
    } catch {
      this.successors.clearParent(); // not plain data: discover() reports it
    }
  }

  /** As one iteration of bfs.ts's loop; false when the search must stop. */
  private expand(state: S, id: number, atBound: boolean): boolean {
    if (!this.expandable(state, id)) return true;
    if (atBound) {
      if (Atomics.load(this.control, Control.unvisitedAtBound) === 0 && this.hasUnvisitedSuccessor(state, id)) {
        Atomics.store(this.control, Control.unvisitedAtBound, 1);
        this.unvisitedAtBound = true;
      }
      return true;
    }
    const actions = this.actionsOf(state, id);
    // As bfs(): on a sample of states, the spec must have left its input unchanged.
    const sampled = checkedForChanges(id);
    if (sampled) this.checkUnchanged(id);
    // A stop is seen at the next state (expandLevel, expandAll), not between successors.
    for (let a = 0; a < actions.length; a++) {
      const next = this.successor(state, id, actions[a]);
      if (sampled) this.checkUnchanged(id, actions[a]);
      if (next === undefined) continue;
      if (!this.discover(next, id, a, actions[a])) return false;
    }
    return true;
  }

  /** Counts a generated state, adds and checks it if new; false when the search must stop. */
  private discover(state: S, parent: number, action: number, taken?: A): boolean {
    if ((++this.generated & 255) === 0) this.publish();
    try {
      fingerprintState(this.model, state, this.fp, parent < 0 ? undefined : this.successors);
    } catch (error) {
      // A value the state may not hold, or a cycle: named by the action that made it.
      const e = new SpecError(parent < 0 ? 'init' : 'next', error);
      if (taken !== undefined) e.actionLabel = this.label(taken);
      throw new Located(e, parent);
    }
    if (!this.visited.add(this.fp.hi, this.fp.lo)) return true;
    const id = this.log.add(this.fp.hi, this.fp.lo, parent, action) * this.workers + this.me;
    this.discovered++;
    const property = this.violatedAt(state, id);
    if (property !== undefined) {
      this.violation = { id, property };
      Atomics.compareExchange(this.control, Control.stop, StopReason.running, StopReason.violation);
      return false;
    }
    this.nextLevel.push(state, id);
    const max = this.setup.maxStates;
    if (max !== undefined && this.visited.size >= max) {
      Atomics.compareExchange(this.control, Control.stop, StopReason.running, StopReason.maxStates);
      return false;
    }
    return true;
  }

  private stopped(): boolean {
    return Atomics.load(this.control, Control.stop) !== StopReason.running;
  }

  /** Progress figures for the main thread's reports. */
  private publish(): void {
    this.stats[2 * this.me] = this.generated;
    this.stats[2 * this.me + 1] = this.queued + this.nextLevel.size;
  }

  private violatedAt(state: S, id: number): string | undefined {
    for (const [name, holds] of this.invariants) {
      let ok: boolean;
      try {
        ok = holds(state);
      } catch (error) {
        const e = new SpecError('invariant', error);
        e.property = name;
        throw new Located(e, id);
      }
      if (!ok) return name;
    }
    return undefined;
  }

  private expandable(state: S, id: number): boolean {
    const constraint = this.model.constraint;
    if (!constraint) return true;
    try {
      return constraint.call(this.model, state);
    } catch (error) {
      throw new Located(new SpecError('constraint', error), id);
    }
  }

  private actionsOf(state: S, id: number): A[] {
    try {
      const actions = this.model.actions(state);
      return Array.isArray(actions) ? actions : Array.from(actions);
    } catch (error) {
      throw new Located(new SpecError('actions', error), id);
    }
  }

  private successor(state: S, id: number, action: A): S | undefined {
    try {
      return this.model.next(state, action);
    } catch (error) {
      const e = new SpecError('next', error);
      e.actionLabel = this.label(action);
      throw new Located(e, id);
    }
  }

  /** As Exploration.checkUnchanged. */
  private checkUnchanged(id: number, action?: A): void {
    if (this.successors.parentIntact()) return;
    const e = inputChanged(action === undefined ? 'actions' : 'next');
    if (action !== undefined) e.actionLabel = this.label(action);
    throw new Located(e, id);
  }

  private hasUnvisitedSuccessor(state: S, id: number): boolean {
    const scratch: Fingerprint = { hi: 0, lo: 0 };
    for (const action of this.actionsOf(state, id)) {
      const next = this.successor(state, id, action);
      if (next === undefined) continue;
      try {
        fingerprintState(this.model, next, scratch);
      } catch (error) {
        throw new Located(new SpecError('next', error), id);
      }
      if (!this.visited.has(scratch.hi, scratch.lo)) return true;
    }
    return false;
  }

  private label(action: A): string {
    try {
      return describeAction(this.model, action);
    } catch {
      return JSON.stringify(action) ?? String(action);
    }
  }
}
