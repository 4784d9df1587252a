import type { Worker } from 'node:worker_threads';
import { startThread } from '../checker/parallel/start-thread.ts';
import type { SpecRecipeArgs } from '../api/spec-recipe.ts';
import { BadInputError } from '../api/errors.ts';
import type { ValencyBounds } from './valency-index.ts';

/** What the step thread says about the spec once it has loaded it. */
export interface SpecFacts {
  name: string;
  actor: boolean;
  initialStates: number;
  environment?: string;
  propertyKinds: Record<string, string>;
  valency: string;
}

/** An answer of the step thread: an HTTP status and a JSON body. */
export interface StepAnswer {
  status: number;
  body: string;
}

const ENTRY = new URL(`./step-thread${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

/**
 * The thread that runs the spec for the explorer's server: one path at a time, each answer
 * bounded by `stepTimeoutSeconds`. A thread that does not answer in time (spec code that
 * never returns) is ended and replaced, and the request answered 504.
 */
export class StepWorker {
  private thread: Worker | undefined;
  private ready: Promise<SpecFacts> | undefined;
  private next = 1;
  private readonly pending = new Map<number, (answer: StepAnswer) => void>();
  /** Requests wait their turn: the thread answers one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly recipe: SpecRecipeArgs,
    private readonly valencyBounds: ValencyBounds,
    private readonly stepTimeoutSeconds: number,
    /** How long loading the spec and computing valencies may take. */
    private readonly startTimeoutSeconds = 60,
  ) {}

  /** Starts the thread (once) and resolves with what it learnt of the spec. */
  start(): Promise<SpecFacts> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  private spawn(): Promise<SpecFacts> {
    const thread = startThread(ENTRY, { workerData: { recipe: this.recipe, valencyBounds: this.valencyBounds }, stdout: false, stderr: false });
    this.thread = thread;
    return new Promise<SpecFacts>((resolve, reject) => {
      const timer = setTimeout(() => {
        void thread.terminate();
        reject(new BadInputError(`${this.recipe.specFile}: the spec did not load within ${this.startTimeoutSeconds} s (look for a loop in init() or at the top level)`));
      }, this.startTimeoutSeconds * 1000);
      thread.on('message', (m: { kind?: string; id?: number; known?: boolean; message?: string } & Partial<StepAnswer> & Partial<SpecFacts>) => {
        if (m.kind === 'ready') {
          clearTimeout(timer);
          const { kind: _, ...facts } = m;
          resolve(facts as SpecFacts);
        } else if (m.kind === 'error') {
          clearTimeout(timer);
          reject(m.known ? new BadInputError(`${this.recipe.specFile}: ${m.message}`) : new Error(m.message));
        } else if (m.id !== undefined) {
          this.pending.get(m.id)?.({ status: m.status!, body: m.body! });
          this.pending.delete(m.id);
        }
      });
      // A thread that dies on its own (not ended by us: then it is no longer this.thread) fails
      // what it was asked, and the next request starts a fresh one.
      thread.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
        if (this.thread === thread) this.failAll(`the explorer's spec thread failed: ${error.message}`);
      });
      thread.on('exit', () => {
        clearTimeout(timer);
        reject(new Error('the explorer\'s spec thread ended'));
        if (this.thread === thread) {
          this.failAll('the explorer\'s spec thread ended');
          this.thread = undefined;
          this.ready = undefined;
        }
      });
    });
  }

  private failAll(message: string): void {
    for (const answer of this.pending.values()) answer({ status: 500, body: JSON.stringify({ error: message }) });
    this.pending.clear();
  }

  /** The answer for a path, or a 504 when the spec takes longer than the step timeout. */
  step(path: number[]): Promise<StepAnswer> {
    const turn = this.queue.then(() => this.ask(path));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async ask(path: number[]): Promise<StepAnswer> {
    await this.start();
    const thread = this.thread!;
    const id = this.next++;
    return new Promise<StepAnswer>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // Spec code that never returns: end the thread; the next request starts a fresh one.
        this.thread = undefined;
        this.ready = undefined;
        void thread.terminate();
        resolve({
          status: 504,
          body: JSON.stringify({ error: `the spec did not answer within ${this.stepTimeoutSeconds} s at this state (look for a loop in actions(), next() or a property)` }),
        });
      }, this.stepTimeoutSeconds * 1000);
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      thread.postMessage({ id, path });
    });
  }

  /** Ends the thread. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    this.ready = undefined;
    if (thread) await thread.terminate();
  }
}
