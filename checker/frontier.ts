/** States waiting to be expanded (TLC's StateQueue), each with its id in the state log. */
export interface Frontier<S> {
  /** Number of states waiting. */
  readonly size: number;
  /** Adds a state. */
  push(state: S, id: number): void;
  /** Removes the next state; its id is then `poppedId`. Call only when `size > 0`. */
  pop(): S;
  /** The id of the state last returned by `pop`. */
  readonly poppedId: number;
}

/** First in, first out: what makes breadth-first search level by level. */
export class FifoFrontier<S> implements Frontier<S> {
  private states: S[] = [];
  private ids: number[] = [];
  private head = 0;
  poppedId = -1;

  get size(): number {
    return this.states.length - this.head;
  }

  push(state: S, id: number): void {
    this.states.push(state);
    this.ids.push(id);
  }

  pop(): S {
    const i = this.head++;
    const state = this.states[i];
    this.poppedId = this.ids[i];
    this.states[i] = undefined as S; // let the state be collected
    if (this.head >= 4096 && this.head * 2 >= this.states.length) {
      this.states = this.states.slice(this.head);
      this.ids = this.ids.slice(this.head);
      this.head = 0;
    }
    return state;
  }
}
