import { sealMessage } from './network.ts';
import { clonePlain, freezePlain } from './plain-data.ts';
import type { Topology } from './topology.ts';
import type { Context, Envelope, Message, NodeId } from './types.ts';
import type { HistoryEvent } from './world-state.ts';

/** What one run of a handler did. */
export interface Effects {
  /** The node's new local state. */
  local: unknown;
  /** Messages sent, in order. */
  sends: Envelope[];
  /** The node's armed timers afterwards (name → local deadline, or true when untimed). */
  timers: Record<string, number | true>;
  /** The value picked at each `choose`, in order. */
  chosen: unknown[];
  /** Client history events recorded by `invoke`/`respond`, in order. */
  events: HistoryEvent[];
}

/**
 * A handler threw: the message names the handler (`server.on.Ping`: the role and the message
 * type, timer or hook), the node it ran at, and the message it was handling.
 */
export class HandlerError extends Error {
  constructor(
    /** The handler: `server.on.Ping`, `client.timers.retry`, `client.onStart`, `client.onRecover`. */
    readonly handler: string,
    /** The node it ran at. */
    readonly node: NodeId,
    /** What it was handling, e.g. `Ping(n=1) from client`, when a message. */
    readonly handling: string | undefined,
    /** What the handler threw. */
    readonly error: unknown,
  ) {
    super(
      `${handler} threw at ${node}${handling ? ` handling ${handling}` : ''}: ${error instanceof Error ? error.message : String(error)}`,
    );
    this.name = 'HandlerError';
  }
}

/**
 * The HandlerError of a handler that did different things when run twice on the same inputs
 * (`differs` says how): the search would then depend on which run it remembered.
 */
export function nondeterministicHandler(handler: string, node: NodeId, handling: string | undefined, differs: string): HandlerError {
  const error = new HandlerError(handler, node, handling, new Error(differs));
  error.message =
    `${handler} is not deterministic at ${node}${handling ? ` handling ${handling}` : ''}: run twice on the same local state, ` +
    `timers and message, it did different things (${differs}); does it read Date.now, Math.random or a variable outside its local state?`;
  return error;
}

// Thrown by choose([]) to abandon a branch that cannot happen.
const IMPOSSIBLE = Symbol('impossible branch');

class HandlerContext implements Context<Message> {
  readonly sends: Envelope[] = [];
  readonly chosen: unknown[] = [];
  readonly events: HistoryEvent[] = [];
  readonly arities: number[] = [];
  timers: Record<string, number | true>;

  constructor(
    private readonly topology: Topology,
    readonly self: NodeId,
    readonly role: string,
    readonly index: number,
    timers: Record<string, number | true>,
    readonly sender: NodeId | undefined,
    private readonly script: readonly number[],
    private readonly localNow: number | undefined,
    /** The input of this node's operation in flight, if any. */
    private pending: unknown,
    /** The protocol's declared message types, if it declares them. */
    private readonly messageTypes: ReadonlySet<string> | undefined,
  ) {
    this.timers = timers;
  }

  send(to: NodeId, msg: Message): void {
    this.checkSend(to, msg);
    this.sends.push({ from: this.self, to, msg: sealMessage(clonePlain(msg)) });
  }

  broadcast(role: string, msg: Message): void {
    // One frozen copy for every recipient: the handler cannot change it between the sends.
    let copy: Message | undefined;
    for (const to of this.peers(role)) {
      this.checkSend(to, msg);
      copy ??= sealMessage(clonePlain(msg));
      this.sends.push({ from: this.self, to, msg: copy });
    }
  }

  private checkSend(to: NodeId, msg: Message): void {
    if (!this.topology.node.has(to)) throw new Error(`send to unknown node "${to}" (nodes: ${this.topology.ids.join(', ')})`);
    if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') {
      throw new Error(`send(${to}, …): a message is an object with a string "type"`);
    }
    if (this.messageTypes && !this.messageTypes.has(msg.type)) {
      throw new Error(`send(${to}, …): ${msg.type} is not a message type of the protocol (messages: ${[...this.messageTypes].join(', ')})`);
    }
  }

  reply(msg: Message): void {
    if (this.sender === undefined) throw new Error('reply() outside a message handler');
    this.send(this.sender, msg);
  }

  setTimer(name: string, delay?: number): void {
    if (delay === undefined) {
      if (this.timers[name] !== true) this.timers = { ...this.timers, [name]: true };
      return;
    }
    if (!Number.isInteger(delay) || delay < 0) throw new Error(`setTimer("${name}", ${delay}): the delay is a whole number of ticks`);
    this.timers = { ...this.timers, [name]: this.now() + delay };
  }

  now(): number {
    if (this.localNow === undefined) {
      throw new Error('now() and timed setTimer need clocks: give the environment a maxTime (--max-time N)');
    }
    return this.localNow;
  }

  cancelTimer(name: string): void {
    if (!(name in this.timers)) return;
    const { [name]: _, ...rest } = this.timers;
    this.timers = rest;
  }

  choose<T>(options: readonly T[]): T {
    if (options.length === 0) throw IMPOSSIBLE;
    const i = this.arities.length;
    const pick = this.script[i] ?? 0;
    this.arities.push(options.length);
    this.chosen.push(options[pick]);
    return options[pick];
  }

  invoke(input: unknown): void {
    if (this.pending !== undefined) throw new Error(`invoke(${JSON.stringify(input)}): ${this.self} already has an operation in flight`);
    this.pending = input;
    this.events.push({ kind: 'invoke', client: this.self, input: freezePlain(clonePlain(input)) });
  }

  respond(input: unknown, output: unknown): void {
    if (this.pending === undefined) throw new Error(`respond(${JSON.stringify(input)}, …): ${this.self} has no operation in flight`);
    this.pending = undefined;
    this.events.push({ kind: 'respond', client: this.self, output: freezePlain(clonePlain(output)) });
  }

  peers(role: string): NodeId[] {
    return this.nodes(role).filter((id) => id !== this.self);
  }

  nodes(role: string): NodeId[] {
    const ids = this.topology.byRole.get(role);
    if (!ids) throw new Error(`no role "${role}"`);
    return ids;
  }
}

/** Who runs the handler and what it starts from. */
export interface HandlerCall {
  topology: Topology;
  node: NodeId;
  local: unknown;
  timers: Record<string, number | true>;
  /** This node's local clock, when the environment has clocks. */
  now?: number;
  /** The input of the node's operation in flight, if any. */
  pending?: unknown;
  /** The sender of the message being handled, for `reply`. */
  sender?: NodeId;
  /** For error messages: the handler, e.g. `participant.on.Prepare`. */
  handler: string;
  /** For error messages: the message handled, e.g. `Prepare(tx=1) from coordinator` (built only when one is needed). */
  handling?: string | (() => string);
  /** The protocol's declared message types: sending another is an error. */
  messageTypes?: ReadonlySet<string>;
  /** The handler, applied to a draft of the local state. */
  body: (draft: any, ctx: Context<Message>) => unknown;
}

/**
 * Runs a handler once per combination of its `choose` calls (an odometer over the
 * choices it made), on a fresh draft each time.
 */
export function runHandler(call: HandlerCall): Effects[] {
  const { role, index } = call.topology.node.get(call.node)!;
  const outcomes: Effects[] = [];
  let script: number[] = [];
  for (;;) {
    const ctx = new HandlerContext(call.topology, call.node, role, index, call.timers, call.sender, script, call.now, call.pending, call.messageTypes);
    const draft = clonePlain(call.local);
    try {
      const returned = call.body(draft, ctx);
      outcomes.push({ local: returned === undefined ? draft : returned, sends: ctx.sends, timers: ctx.timers, chosen: ctx.chosen, events: ctx.events });
    } catch (error) {
      if (error !== IMPOSSIBLE) {
        const handling = typeof call.handling === 'function' ? call.handling() : call.handling;
        throw new HandlerError(call.handler, call.node, handling, error);
      }
    }
    // Advance the odometer: the last choice that has options left moves on, later ones restart.
    let i = ctx.arities.length - 1;
    while (i >= 0 && (script[i] ?? 0) + 1 >= ctx.arities[i]) i--;
    if (i < 0) return outcomes;
    script = ctx.arities.slice(0, i + 1).map((_, j) => script[j] ?? 0);
    script[i]++;
  }
}
