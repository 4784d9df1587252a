import { receiveMessageOnPort } from 'node:worker_threads';
import type { Model } from '../../specs/index.ts';
import { SpecError } from '../errors.ts';
import { Expansion, SEEN, VIOLATED } from '../expansion.ts';
import { replayPath } from '../path.ts';
import { SharedVisitedSet } from '../shared-visited-set.ts';
import { PackedFrontier } from '../frontier.ts';
import {
  Control,
  serializeError,
  StopReason,
  type Command,
  type FoundViolation,
  type LevelDone,
  type FrontierPart,
  type Report,
  type Snapshot,
  type Transfer,
  type WorkerSetup,
} from './protocol.ts';
import { SharedStateLog } from './shared-state-log.ts';
import { serializeStates } from '../checkpoint.ts';

/** A SpecError and the global id of the state it was raised on. */
class Located {
  constructor(
    readonly error: SpecError,
    readonly at: number,
  ) {}
}

/** The per-state step of the shared search (Expansion), its errors located by global id. */
class WorkerExpansion<S, A> extends Expansion<S, A> {
  protected override locate(error: SpecError, id: number): unknown {
    return new Located(error, id);
  }
}

/**
 * One worker's part of a level-synchronous parallel BFS: it expands the states it holds,
 * level by level as the main thread commands, adding successors to the shared visited set and
 * to its own log and next frontier. The per-state step (constraint, actions, successors,
 * fingerprint, counting, invariants) is Expansion's, as in bfs.ts, so the counts add up to the
 * single-threaded ones; this decides only which worker expands what, level by level.
 */
export class WorkerSearch<S, A> {
  private readonly me: number;
  private readonly workers: number;
  private readonly visited: SharedVisitedSet;
  private readonly log: SharedStateLog;
  private readonly control: Int32Array;
  private readonly stats: Float64Array;
  private readonly x: WorkerExpansion<S, A>;
  /** The states of the next level, encoded (as bfs()'s frontier); popped states are recorded for their successors' fingerprints. */
  private nextLevel: PackedFrontier<S>;
  private spare: PackedFrontier<S>;
  private queued = 0; // states of the current level not yet expanded
  private discovered = 0;
  /** Goals whose witness was reported to the main thread. */
  private readonly reported = new Set<number>();
  private violation: FoundViolation | undefined;
  private unvisitedAtBound = false;
  /** Resumed from a checkpoint: the states of the level being expanded, for the next `level` command. */
  private resumed: PackedFrontier<S> | undefined;
  /** With checkpoints, the states of a stopped level left unexpanded (a state cut short first). */
  private leftover: FrontierPart<S> = { ids: [], states: [] };
  /** The generated count before the expansion of a state cut short by the state bound, or -1. */
  private cutGenerated = -1;

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
    this.visited = SharedVisitedSet.attach(setup.visited, {
      announcePause: () => post({ type: 'paused' }),
      receiveTable: () => receiveMessageOnPort(setup.tablePort)?.message,
    });
    this.log = new SharedStateLog((buffer) => post({ type: 'log', buffer }));
    const log = this.log;
    const { workers, index: me } = setup;
    // Global ids interleave the workers' logs.
    this.x = new WorkerExpansion(model, this.visited, { add: (hi, lo, parent, action) => log.add(hi, lo, parent, action) * workers + me });
    this.nextLevel = new PackedFrontier<S>(this.x.successors);
    this.spare = new PackedFrontier<S>(this.x.successors);
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
      case 'snapshot':
        return this.snapshot(command.keep);
      case 'restore': {
        this.log.adopt(command.log, command.logged);
        this.x.restoreReached(command.reached);
        command.reached.forEach((id, g) => id >= 0 && this.reported.add(g));
        const { current, next } = command as { current: FrontierPart<S>; next: FrontierPart<S> };
        for (let i = 0; i < next.ids.length; i++) this.nextLevel.push(next.states[i], next.ids[i]);
        this.resumed = new PackedFrontier<S>(this.x.successors);
        for (let i = 0; i < current.ids.length; i++) this.resumed.push(current.states[i], current.ids[i]);
        this.publish();
        return { type: 'restored' };
      }
    }
  }

  /** The states waiting, for a checkpoint: those a stop left in the level, and the next level's (kept too with `keep`). */
  private snapshot(keep: boolean): Snapshot {
    const next: FrontierPart<S> = { ids: [], states: [] };
    const level = this.nextLevel;
    while (level.size > 0) {
      next.states.push(level.pop());
      next.ids.push(level.poppedId);
    }
    if (keep) for (let i = 0; i < next.ids.length; i++) level.push(next.states[i], next.ids[i]);
    const current = this.leftover;
    this.leftover = { ids: [], states: [] };
    // Serialised here, in parallel with the other workers: the main thread only writes.
    return {
      type: 'snapshot',
      current: { ids: current.ids, chunk: serializeStates(current.states) },
      next: { ids: next.ids, chunk: serializeStates(next.states) },
      generated: this.cutGenerated >= 0 ? this.cutGenerated : this.x.generated,
      logged: this.log.size,
    };
  }

  private level(body: () => void): LevelDone {
    this.discovered = 0;
    this.cutGenerated = -1;
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
    const reached = this.newlyReached();
    return {
      type: 'done',
      discovered: this.discovered,
      frontier: this.nextLevel.size,
      generated: this.x.generated,
      unvisitedAtBound: this.unvisitedAtBound,
      ...(this.violation ? { violation: this.violation } : {}),
      ...(reached.length > 0 ? { reached } : {}),
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
      if (!this.admit(inits[i], this.x.visit(inits[i], -1, i))) return;
    }
  }

  /** Expands the level: first hands the planned surplus over, then its own states, then those it receives. */
  private expandLevel(atBound: boolean, give: Transfer[], receive: Transfer[]): void {
    let level: PackedFrontier<S>;
    if (this.resumed) {
      // The level a checkpoint was taken in: the next level's states found before it are already in nextLevel.
      level = this.resumed;
      this.resumed = undefined;
    } else {
      level = this.nextLevel;
      this.nextLevel = this.spare;
      this.spare = level;
    }
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
      if (this.stopped()) return this.keepLeft(level, receive, 0);
      const state = level.pop(); // recorded into this.successors as it is decoded
      const id = level.poppedId;
      this.queued--;
      if (!this.expand(state, id, atBound)) return this.keepLeft(level, receive, 0, { states: [state], ids: [id] });
    }
    for (let r = 0; r < receive.length; r++) {
      const batch = this.receiveFrom(receive[r].from);
      const done = this.expandAll(batch.states, batch.ids, atBound);
      if (done < batch.states.length) return this.keepLeft(level, receive, r + 1, { states: batch.states.slice(done), ids: batch.ids.slice(done) });
    }
  }

  /**
   * A stopped level: with checkpoints, keeps what it did not expand — `head` (a state cut short
   * by the state bound, or the rest of a received batch), the rest of `level`, and the batches
   * from `receive[r]` on, which are received for this — else drops it.
   */
  private keepLeft(level: PackedFrontier<S>, receive: Transfer[], r: number, head?: FrontierPart<S>): void {
    if (!this.setup.checkpointing || this.violation) return level.clear();
    const left = this.leftover;
    const keep = (states: S[], ids: number[]) => {
      for (let i = 0; i < states.length; i++) {
        left.states.push(states[i]);
        left.ids.push(ids[i]);
      }
    };
    if (head) keep(head.states, head.ids);
    while (level.size > 0) {
      left.states.push(level.pop());
      left.ids.push(level.poppedId);
    }
    for (; r < receive.length; r++) {
      const batch = this.receiveFrom(receive[r].from);
      keep(batch.states, batch.ids);
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

  /** Expands received `states` in order; returns how many were expanded before the search stopped (all: `states.length`). */
  private expandAll(states: S[], ids: number[], atBound: boolean): number {
    const keep = this.setup.checkpointing === true;
    for (let i = 0; i < states.length; i++) {
      if (this.stopped()) return i;
      const state = states[i];
      if (!keep) states[i] = undefined as S; // let it be collected
      this.queued--;
      this.record(state);
      if (!this.expand(state, ids[i], atBound)) return i;
    }
    return states.length;
  }

  /** Records a state that did not come through the frontier, for its successors' fingerprints. */
  private record(state: S): void {
    try {
      this.x.successors.setParent(state);
    } catch {
      this.x.successors.clearParent(); // not plain data: its successors' fingerprints report it
    }
  }

  /** As one iteration of bfs.ts's loop; false when the search must stop. */
  private expand(state: S, id: number, atBound: boolean): boolean {
    const x = this.x;
    if (!x.expandable(state, id)) return true;
    if (atBound) {
      if (Atomics.load(this.control, Control.unvisitedAtBound) === 0 && x.hasUnvisitedSuccessor(state, id)) {
        Atomics.store(this.control, Control.unvisitedAtBound, 1);
        this.unvisitedAtBound = true;
      }
      return true;
    }
    // A stop is seen at the next state (expandLevel, expandAll), not between successors.
    const before = x.generated;
    x.violated = undefined;
    const going = x.expand(state, id, this.found);
    if (x.generated >>> 8 !== before >>> 8) this.publish();
    if (going) return true;
    // Stopped by `found` (the state bound), or by a successor violating an invariant.
    if (x.violated === undefined) {
      this.cutGenerated = before; // cut short: a checkpoint counts its successors when it is expanded again
      return false;
    }
    return this.admit(state, VIOLATED);
  }

  /** A new successor: queued for the next level; false when the state bound is reached. */
  private readonly found = (next: S, nextId: number): boolean => this.admit(next, nextId);

  /** What a visit's outcome means here: a new state is queued, a violation stops all workers. */
  private admit(state: S, id: number): boolean {
    if (id === SEEN) return true;
    if (id === VIOLATED) {
      this.discovered++;
      this.violation = { id: this.x.violatedId, property: this.x.violated! };
      Atomics.compareExchange(this.control, Control.stop, StopReason.running, StopReason.violation);
      return false;
    }
    this.discovered++;
    this.nextLevel.push(state, id);
    const max = this.setup.maxStates;
    if (max !== undefined && this.visited.size >= max) {
      Atomics.compareExchange(this.control, Control.stop, StopReason.running, StopReason.maxStates);
      return false;
    }
    return true;
  }

  /** Goals this worker reached since its last report: [goal index, witness id]. */
  private newlyReached(): [number, number][] {
    const out: [number, number][] = [];
    const ids = this.x.reachedIds;
    for (let g = 0; g < ids.length; g++) {
      if (ids[g] < 0 || this.reported.has(g)) continue;
      this.reported.add(g);
      out.push([g, ids[g]]);
    }
    return out;
  }

  private stopped(): boolean {
    return Atomics.load(this.control, Control.stop) !== StopReason.running;
  }

  /** Progress figures for the main thread's reports. */
  private publish(): void {
    this.stats[2 * this.me] = this.x.generated;
    this.stats[2 * this.me + 1] = this.queued + this.nextLevel.size;
  }
}
