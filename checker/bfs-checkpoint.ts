/**
 * Checkpoints for breadth-first search: when to take one, what goes into it, and how a search
 * resumes from one exactly as it would have continued (same counts, depth, order, verdict).
 *
 * A checkpoint may be taken between any two states: the frontier is FIFO, so the states left in
 * the level being expanded and the next level's states already found are, in order, what the
 * search would pop next. When a bound or a stop request ends the search in the middle of a
 * state's expansion, that state goes back at the head of the saved frontier and the generated
 * count is the one before its expansion: on resume it is expanded again, its successors found
 * before the stop are seen (not counted twice), and the rest follow in the same order.
 */
import { DEFAULT_CHECKPOINT_SECONDS, writeCheckpoint, type Checkpoint } from './checkpoint.ts';
import type { Exploration } from './exploration.ts';
import type { Frontier } from './frontier.ts';
import type { CheckpointOptions } from './options.ts';

/** Where the level-by-level search stands: what a checkpoint must restore besides the log. */
export interface BfsPosition {
  /** Steps from an initial state to the level being expanded. */
  steps: number;
  /** States of that level still waiting (the rest of the frontier is the next level). */
  levelLeft: number;
}

/** Takes a BFS's checkpoints and restores it from one. */
export class BfsCheckpointer<S, A> {
  private nextAt: number;
  private ticks = 0;

  constructor(
    private readonly x: Exploration<S, A>,
    private readonly options: CheckpointOptions,
  ) {
    this.nextAt = performance.now() + (options.everySeconds ?? DEFAULT_CHECKPOINT_SECONDS) * 1000;
  }

  /**
   * Restores the log, the visited set, the counters and the frontier from `options.resume`.
   * Returns the position to continue from, or undefined when there is nothing to resume.
   */
  restore(frontier: Frontier<S>): BfsPosition | undefined {
    const saved = this.options.resume as Checkpoint<S> | undefined;
    if (!saved) return undefined;
    const x = this.x;
    x.log.restore(saved.log);
    // Every logged state's fingerprint is in the visited set, and only those.
    const { hi, lo } = saved.log;
    for (let i = 0; i < hi.length; i++) x.visited.add(hi[i], lo[i]);
    x.generated = saved.progress.generatedStates;
    x.depth = saved.progress.depth;
    x.secondsBefore = saved.progress.seconds;
    if (saved.progress.incomplete === 'max-depth') x.incomplete = 'max-depth';
    x.restoreReached(saved.progress.reached ?? []);
    const { ids, states } = saved.frontier;
    for (let i = 0; i < ids.length; i++) frontier.push(states[i], ids[i]);
    return { steps: saved.progress.steps, levelLeft: saved.progress.levelLeft ?? ids.length };
  }

  /** True (about every 256 states) once the next periodic checkpoint is due. */
  due(): boolean {
    if ((++this.ticks & 255) !== 0) return false;
    return performance.now() >= this.nextAt;
  }

  /**
   * Writes a checkpoint of the search at `position`. With `head`, a state whose expansion was
   * cut short goes first, and the generated count is the one before its expansion. The frontier
   * is emptied to be saved; with `keep`, it is refilled in the same order.
   */
  write(frontier: Frontier<S>, position: BfsPosition, options: { keep: boolean; head?: { state: S; id: number; generated: number } }): void {
    const started = performance.now();
    const x = this.x;
    const states: S[] = [];
    const ids: number[] = [];
    if (options.head) {
      states.push(options.head.state);
      ids.push(options.head.id);
    }
    while (frontier.size > 0) {
      states.push(frontier.pop());
      ids.push(frontier.poppedId);
    }
    const bytes = writeCheckpoint(this.options.dir, {
      identity: this.options.identity,
      progress: {
        distinctStates: x.distinct,
        generatedStates: options.head ? options.head.generated : x.generated,
        depth: x.depth,
        steps: position.steps,
        levelLeft: position.levelLeft + (options.head ? 1 : 0),
        seconds: x.elapsedSeconds(),
        ...(x.incomplete === 'max-depth' ? { incomplete: 'max-depth' } : {}),
        ...(x.goals.length > 0 ? { reached: x.reachedIds.slice() } : {}),
      },
      log: x.log.columns(),
      frontier: { ids: Int32Array.from(ids), states },
    });
    if (options.keep) for (let i = options.head ? 1 : 0; i < states.length; i++) frontier.push(states[i], ids[i]);
    const now = performance.now();
    this.nextAt = now + (this.options.everySeconds ?? DEFAULT_CHECKPOINT_SECONDS) * 1000;
    this.options.onWrite?.(bytes, (now - started) / 1000);
  }
}
