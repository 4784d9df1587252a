/**
 * What the main thread and the workers of a parallel BFS say to each other, and the layout of
 * the shared memory they coordinate through. Types and constants only, plus the (de)serialising
 * of errors, which must cross threads as data.
 */
import type { MessagePort } from 'node:worker_threads';
import { NondeterminismError, SpecError, type SpecPhase } from '../errors.ts';
import type { SharedVisitedSetHandle } from '../shared-visited-set.ts';
import type { ModelProbe } from './model-probe.ts';
import type { ModelRecipe } from './recipe.ts';

/** Everything a worker starts with (its `workerData`). */
export interface WorkerSetup {
  /** URL of the worker's .ts entry, for the tsx bootstrap. */
  entry: string;
  recipe: ModelRecipe;
  /** The main thread's model, to check that the recipe built the same one. */
  probe: ModelProbe;
  /** This worker's index, 0..workers-1. */
  index: number;
  workers: number;
  visited: SharedVisitedSetHandle;
  /** Int32 words, see {@link Control}. */
  control: SharedArrayBuffer;
  /** Float64 pairs per worker: generated states, states waiting (for progress reports). */
  stats: SharedArrayBuffer;
  /** Where the main thread sends grown visited-set tables (read synchronously while paused). */
  tablePort: MessagePort;
  /** `peers[w]`: a port to worker w (undefined for this worker), for moving surplus states. */
  peers: (MessagePort | undefined)[];
  maxStates?: number;
}

/** Indices of the shared control words. */
export const Control = {
  /** Why the search stops ({@link StopReason}); 0 while it runs. First writer wins. */
  stop: 0,
  /** 1 once some worker found a state at the depth bound with an unvisited successor. */
  unvisitedAtBound: 1,
  /** `inbox + w`: bumped each time a batch of states is posted to worker w. */
  inbox: 2,
} as const;

/** Number of control words for `workers` workers. */
export function controlWords(workers: number): number {
  return Control.inbox + workers;
}

/** Values of the stop word. */
export const StopReason = {
  running: 0,
  violation: 1,
  error: 2,
  maxStates: 3,
  timeout: 4,
} as const;

/** States handed from one worker to another to even out the next level. */
export interface Transfer {
  from: number;
  to: number;
  count: number;
}

/** Main thread → worker. */
export type Command =
  | { type: 'seed' }
  | { type: 'level'; atBound: boolean; give: Transfer[]; receive: Transfer[] }
  | { type: 'verify'; initIndex: number; actionIndices: number[]; fingerprints: [number, number][] };

/** A violation a worker found: the state's global id and the property. */
export interface FoundViolation {
  id: number;
  property: string;
}

/** Worker → main thread, at the end of a seed or a level. */
export interface LevelDone {
  type: 'done';
  /** New states this worker discovered in the level. */
  discovered: number;
  /** States waiting for the next level. */
  frontier: number;
  /** States this worker generated since the search began. */
  generated: number;
  violation?: FoundViolation;
  error?: SerializedError;
  /** At the depth bound: this worker found a state with an unvisited successor. */
  unvisitedAtBound: boolean;
  /** Reachability goals this worker reached for the first time in the level: [goal index, global id of the witness]. */
  reached?: [number, number][];
}

/** Worker → main thread. */
export type Report =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  | { type: 'log'; buffer: SharedArrayBuffer }
  | { type: 'paused' }
  | LevelDone
  | { type: 'verified'; error?: SerializedError };

/** An error as data: what it takes to rebuild it in the main thread. */
export type SerializedError =
  | {
      kind: 'spec';
      phase: SpecPhase;
      /** The value the spec threw: an Error's name, message and stack, or any other value's text. */
      original: { name: string; message: string; stack?: string } | { text: string };
      actionLabel?: string;
      property?: string;
      /** Global id of the state being processed, -1 when none. */
      at: number;
    }
  | { kind: 'nondeterminism'; step: number; message: string; stack?: string }
  | { kind: 'other'; name: string; message: string; stack?: string };

/** Turns an error thrown in a worker into data; `at` locates a SpecError. */
export function serializeError(error: unknown, at = -1): SerializedError {
  if (error instanceof SpecError) {
    const o = error.original;
    return {
      kind: 'spec',
      phase: error.phase,
      original: o instanceof Error ? { name: o.name, message: o.message, stack: o.stack } : { text: String(o) },
      ...(error.actionLabel !== undefined ? { actionLabel: error.actionLabel } : {}),
      ...(error.property !== undefined ? { property: error.property } : {}),
      at,
    };
  }
  if (error instanceof NondeterminismError) return { kind: 'nondeterminism', step: error.step, message: error.message, stack: error.stack };
  if (error instanceof Error) return { kind: 'other', name: error.name, message: error.message, stack: error.stack };
  return { kind: 'other', name: 'Error', message: String(error) };
}

/** Rebuilds in the main thread the error a worker serialised: same class, message and fields. */
export function deserializeError(data: SerializedError): Error {
  switch (data.kind) {
    case 'spec': {
      let original: unknown;
      if ('text' in data.original) original = data.original.text;
      else {
        const e = new Error(data.original.message);
        e.name = data.original.name;
        if (data.original.stack !== undefined) e.stack = data.original.stack;
        original = e;
      }
      const error = new SpecError(data.phase, original);
      if (data.actionLabel !== undefined) error.actionLabel = data.actionLabel;
      if (data.property !== undefined) error.property = data.property;
      if (data.original && 'stack' in data.original && data.original.stack !== undefined) error.stack = data.original.stack;
      return error;
    }
    case 'nondeterminism': {
      const error = new NondeterminismError(data.step, '');
      error.message = data.message;
      if (data.stack !== undefined) error.stack = data.stack;
      return error;
    }
    case 'other': {
      const error = new Error(data.message);
      error.name = data.name;
      if (data.stack !== undefined) error.stack = data.stack;
      return error;
    }
  }
}
