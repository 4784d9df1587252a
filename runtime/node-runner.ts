import { canonicalJson, runtimeFaultKnobs, type ActorAction, type ActorModel, type Message, type NodeId, type WorldState } from '../specs/index.ts';
import type { LogEvent } from './log-format.ts';

/** A message on the wire: who sent it to whom, and its id (`node#seq` of its send line). */
export interface Packet {
  from: NodeId;
  to: NodeId;
  msg: Message;
  mid: string;
}

/** What a handler run asks of the transport and the node's host. */
export interface StepOutcome {
  /** Messages to send, in the order the model lists them. */
  sends: Packet[];
  /** Every timer armed at the node afterwards: a local-clock deadline in ticks, or `true` (untimed). */
  timers: Record<string, number | true>;
  /** True when the node's local state changed (the host writes its durable store). */
  changed: boolean;
}

/** How a node runner reads time, draws random numbers and writes its log. */
export interface NodeRunnerOptions {
  /** Uniform in [0, 1): picks among a handler's `choose` outcomes. */
  random: () => number;
  /** Milliseconds since the run started. */
  clock: () => number;
  /** Milliseconds per model tick: `now()` is the elapsed time in ticks. */
  tickMs: number;
  /** The sequence number of this node's first event (after a restart: one past the last logged). */
  firstSeq?: number;
  /** The node's clock offset in ticks (clock skew): its `now()` is the real clock plus this. */
  offset?: number;
  /** Receives every log event, in order. */
  emit: (event: LogEvent) => void;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** The model a runtime runs: the protocol with recovery on and no injected faults (the real network and host inject them). */
export function runtimeModel(model: ActorModel): ActorModel {
  return model.configure({ environment: { ...runtimeFaultKnobs('runner'), maxInFlight: Infinity }, symmetry: false });
}

/**
 * One node of a protocol, run for real: it holds the node's local state, armed timers and
 * operation in flight, and steps by asking the protocol's own model for the action that
 * delivers this message (fires this timer, recovers this node) in a world holding only this
 * node — so the very handlers the checker explores run here, `choose` resolved at random.
 */
export class NodeRunner {
  /** The node's local state. */
  local: unknown;
  /** Armed timers: name → local deadline in ticks, or `true` for an untimed timer. */
  timers: Record<string, number | true> = {};
  /** The input of the node's client operation in flight, if any. */
  private pending: unknown;
  /** The next sequence number. */
  seq: number;
  /** Whether the node is down (crashed, not yet recovered). */
  down = false;
  private readonly timed: boolean;
  /** The node's clock offset in ticks: its local clock is the true tick count plus this. */
  readonly offset: number;

  constructor(
    /** The protocol, as {@link runtimeModel} configures it. */
    readonly model: ActorModel,
    /** This node's id. */
    readonly node: NodeId,
    private readonly options: NodeRunnerOptions,
  ) {
    if (!model.topology.node.has(node)) throw new Error(`no node "${node}" (nodes: ${model.topology.ids.join(', ')})`);
    this.seq = options.firstSeq ?? 1;
    this.timed = model.environment.maxTime > 0;
    this.offset = options.offset ?? 0;
  }

  /** True time in ticks since the run started (the model's global `t`). */
  private ticks(): number {
    return Math.floor(this.options.clock() / this.options.tickMs);
  }

  /** The node's local clock in ticks: true time plus its offset. */
  now(): number {
    return this.ticks() + this.offset;
  }

  /** A world holding only this node, at true time `at` (default: now): what its handlers can see. */
  private world(extra: Partial<WorldState>, at?: number): WorldState {
    const w: WorldState = {
      nodes: { [this.node]: this.local },
      timers: Object.keys(this.timers).length > 0 ? { [this.node]: this.timers } : {},
      down: [],
      net: [],
      split: [],
      faults: {},
      ...extra,
    };
    if (this.timed) w.clock = { t: at ?? this.ticks(), ...(this.offset !== 0 ? { offsets: { [this.node]: this.offset } } : {}) };
    if (this.pending !== undefined) w.history = [{ kind: 'invoke', client: this.node, input: this.pending }];
    return w;
  }

  private pick<T>(options: T[]): T {
    return options[Math.min(options.length - 1, Math.floor(this.options.random() * options.length))];
  }

  private emit(event: Omit<LogEvent, 'v' | 'seq' | 't' | 'node'> & Record<string, unknown>): number {
    const seq = this.seq++;
    this.options.emit({ v: 1, node: this.node, seq, t: Math.round(this.options.clock()), ...event } as LogEvent);
    return seq;
  }

  /**
   * Adopts the outcome of one action: logs the handler event and its effects, and returns the
   * sends (each with the id of its send line) for the transport.
   */
  private adopt(head: Record<string, unknown>, before: WorldState, result: WorldState, chosen: unknown[]): StepOutcome {
    const previous = this.local === undefined ? undefined : canonicalJson(this.local);
    this.local = result.nodes[this.node];
    this.timers = { ...(result.timers[this.node] ?? {}) };
    const events = (result.history ?? []).slice((before.history ?? []).length);
    this.emit({
      ...head,
      state: this.local,
      timers: Object.keys(this.timers).sort(),
      ...(chosen.length > 0 ? { chose: chosen } : {}),
      ...(this.timed ? { now: (result.clock?.t ?? before.clock?.t ?? 0) + this.offset } : {}),
    } as never);
    const sends: Packet[] = [];
    for (const e of result.net) {
      const mid = `${this.node}#${this.seq}`;
      this.emit({ kind: 'send', to: e.to, msg: e.msg, mid } as never);
      sends.push({ from: this.node, to: e.to, msg: e.msg, mid });
    }
    for (const e of events) {
      if (e.kind === 'invoke') {
        this.pending = e.input;
        this.emit({ kind: 'invoke', input: e.input } as never);
      } else {
        this.pending = undefined;
        this.emit({ kind: 'respond', output: e.output } as never);
      }
    }
    return { sends, timers: this.timers, changed: canonicalJson(this.local) !== previous };
  }

  private choose(actions: ActorAction[], what: string): ActorAction {
    if (actions.length === 0) throw new Error(`${this.node}: the protocol allows no ${what} here (every choose() branch was impossible)`);
    return this.pick(actions);
  }

  /** Runs the node's `onStart` (its part of one of the model's initial worlds). */
  start(): StepOutcome {
    const worlds = [...this.model.init()];
    const w = this.pick(worlds);
    const before: WorldState = { ...w, nodes: { [this.node]: w.nodes[this.node] }, timers: {}, net: [], history: [] };
    const mine: WorldState = {
      ...w,
      nodes: { [this.node]: w.nodes[this.node] },
      timers: w.timers[this.node] ? { [this.node]: w.timers[this.node] } : {},
      net: w.net.filter((e) => e.from === this.node),
      history: (w.history ?? []).filter((e) => e.client === this.node),
    };
    return this.adopt({ kind: 'start' }, before, mine, []);
  }

  /** Delivers a message received from the transport. */
  deliver(packet: Packet): StepOutcome {
    const envelope = deepFreeze({ from: packet.from, to: this.node, msg: packet.msg, ...(this.model.environment.minDelay > 0 || this.model.environment.maxDelay !== Infinity ? { age: this.model.environment.minDelay } : {}) });
    const before = this.world({ net: [envelope] });
    const action = this.choose(
      [...this.model.actions(before)].filter((a) => a.kind === 'deliver'),
      `delivery of ${packet.msg.type} from ${packet.from}`,
    );
    return this.adopt({ kind: 'deliver', from: packet.from, msg: packet.msg, mid: packet.mid }, before, action.result, action.chosen);
  }

  /** Fires timer `name`, if it is still armed (undefined when it is not). */
  fire(name: string): StepOutcome | undefined {
    const deadline = this.timers[name];
    if (deadline === undefined) return undefined;
    // A deadline is in local time: it falls due when true time reaches deadline - offset.
    const before = this.world({}, deadline === true ? undefined : Math.max(this.ticks(), deadline - this.offset));
    const action = this.choose(
      [...this.model.actions(before)].filter((a) => a.kind === 'timer' && a.timer === name),
      `firing of timer ${name}`,
    );
    return this.adopt({ kind: 'timer', timer: name }, before, action.result, action.chosen);
  }

  /** Logs that the network dropped or duplicated a packet this node sent (decided at the sender). */
  logNetwork(kind: 'drop' | 'duplicate', packet: Packet): void {
    this.emit({ kind, to: packet.to, msg: packet.msg, mid: packet.mid } as never);
  }

  /** Logs that the node crashed: it loses its timers and its operation in flight; its durable store stays. */
  crash(): void {
    this.emit({ kind: 'crash' } as never);
    this.down = true;
    this.timers = {};
    this.pending = undefined;
  }

  /**
   * Restarts the node after a crash from `stored`, its state as last written to the durable
   * store: the model keeps the role's persistent fields, resets the rest and runs `onRecover`.
   */
  recover(stored: unknown): StepOutcome {
    this.local = stored;
    this.down = false;
    this.timers = {};
    this.pending = undefined;
    const before = this.world({ down: [this.node] });
    const action = this.choose(
      [...this.model.actions(before)].filter((a) => a.kind === 'recover'),
      'recovery',
    );
    return this.adopt({ kind: 'recover' }, { ...before, history: [] }, action.result, action.chosen);
  }
}
