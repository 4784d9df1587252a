import type { FaultKind, Model, Params } from '../model.ts';
import { agesMessages, DEFAULT_ENVIRONMENT, describeEnvironment, timed, validateEnvironment, type Environment } from './environment.ts';
import { initialClocks, localNow, tickedClocks, timerDue } from './clock.ts';
import { nondeterministicHandler, runHandler, type Effects } from './handler.ts';
import { HandlerMemo, type HandlerInputs } from './handler-memo.ts';
import { compareEnvelopes, distinctIndices, insertEnvelope, linkHeads, removeEnvelope, sealEnvelope } from './network.ts';
import { freezePlain, shareUnchanged } from './plain-data.ts';
import { localReplacers } from './replace-local.ts';
import { topologyOf, type Topology } from './topology.ts';
import type { Envelope, Message, NodeCounts, NodeId, ProtocolDefinition, RoleDefinition } from './types.ts';
import { World } from './world.ts';
import type { WorldState } from './world-state.ts';
import { compileFaults, FAULT_OF_STEP, faultStep, initialFaultCounts, type FaultAction } from './faults.ts';
import { symmetryReduction } from './symmetry.ts';
import { actorPartialOrder } from './partial-order.ts';
import { actorFairness, consensusView, eventually, leadsTo, mapLiveness, type ConsensusView, type LivenessProperty } from './liveness.ts';
import { generalsView, type GeneralsView } from './generals.ts';


/**
 * A step of an actor protocol. The successor is computed when actions are enumerated
 * (a handler's `choose` makes one action per option), so `next` just returns it.
 */
export type ActorAction =
  | { kind: 'deliver'; envelope: Envelope; chosen: unknown[]; result: WorldState }
  | { kind: 'timer'; node: NodeId; timer: string; chosen: unknown[]; result: WorldState }
  | { kind: 'tick'; t: number; drift: Record<NodeId, number>; chosen: unknown[]; result: WorldState }
  | FaultAction;

/**
 * An actor protocol compiled to the kernel, plus what the CLI and traces need of it. `L`
 * maps each role to its nodes' local state and `M` is the union of messages, for {@link World}.
 */
export interface ActorModel<L = any, M extends Message = Message> extends Model<WorldState, ActorAction> {
  /** The protocol's nodes. */
  readonly topology: Topology;
  /** The environment in force. */
  readonly environment: Environment;
  /** The same protocol with other params or environment knobs, or (`symmetry: false`) without symmetry reduction. */
  configure(options: { params?: Params; environment?: Partial<Environment>; symmetry?: boolean }): ActorModel<L, M>;
  /**
   * The roles the protocol declares interchangeable (`symmetric`) and whether exhaustive
   * searches reduce by them (`reduced`: declared, not switched off, and some role has two nodes).
   */
  readonly symmetry: { roles: readonly string[]; reduced: boolean };
  /** The environment as one line, for result headers. */
  describeEnvironment(): string;
  /** Which fault an action injects, if any. */
  faultKind(action: ActorAction): FaultKind | undefined;
  /** The handlers each role declares (read-only; for coverage reports), in declaration order. */
  handlers(): DeclaredHandler[];
  /** `invariant` or `terminal`, per property name. */
  readonly propertyKinds: Record<string, 'invariant' | 'terminal'>;
  /** The property API over a state. */
  world(state: WorldState): World<L, M>;
  /** True when nothing but faults is enabled. */
  quiescent(state: WorldState): boolean;
  /** Global time and every clocked node's local clock, when the protocol is timed. */
  clocks(state: WorldState): { t: number; local: Record<NodeId, number> } | undefined;
  /** Weak fairness of deliveries, timers, ticks and heals (faults are never forced). */
  readonly fairness: typeof actorFairness;
  /** The protocol's liveness properties, over states. */
  readonly liveness: Record<string, LivenessProperty<WorldState>>;
  /** The protocol's consensus declaration, when it has one (for `faultline flp`). */
  readonly consensus: ConsensusView<WorldState, ActorAction> | undefined;
  /** The protocol's two generals, when it declares them (for `faultline generals`). */
  readonly generals: GeneralsView | undefined;
}

/** A handler a role declares: `on.<name>`, `timers.<name>`, `onStart` or `onRecover`. */
export interface DeclaredHandler {
  role: string;
  kind: 'message' | 'timer' | 'start' | 'recover';
  name: string;
}

/** Marks models built by {@link protocol}. */
export function isActorModel(value: unknown): value is ActorModel {
  return typeof (value as ActorModel | null)?.configure === 'function' && (value as ActorModel).topology !== undefined;
}

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `Vote(commit=true)`: a message as trace labels show it. */
export function describeMessage(msg: Message): string {
  const fields = Object.entries(msg as unknown as Record<string, unknown>).filter(([k, v]) => k !== 'type' && v !== undefined);
  return fields.length === 0 ? msg.type : `${msg.type}(${fields.map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')})`;
}

/** An envelope as labels name it: `<message> a→b`. */
function link(e: Envelope): string {
  return `${describeMessage(e.msg)} ${e.from}→${e.to}`;
}

function describeAction(a: ActorAction): string {
  let label: string;
  if (a.kind === 'deliver') label = `deliver ${link(a.envelope)}`;
  else if (a.kind === 'timer') label = `timer ${a.timer} @${a.node}`;
  else if (a.kind === 'tick') {
    const drift = Object.entries(a.drift).map(([n, d]) => `${n} ${d > 0 ? '+' : ''}${d}`);
    label = `tick → t=${a.t}${drift.length > 0 ? ` (drift ${drift.join(', ')})` : ''}`;
  } else label = describeFault(a);
  return a.chosen.length === 0 ? label : `${label} [chose ${a.chosen.map(formatValue).join(', ')}]`;
}

/** A fault step's label, from what it acts on: `drop <message> a→b`, `crash a`, `partition {a} | {b, c}`, `heal`. */
function describeFault(a: FaultAction): string {
  const x = a as Partial<{ envelope: Envelope; node: NodeId; side: NodeId[]; rest: NodeId[] }>;
  switch (faultStep(a.kind)!.subject) {
    case 'envelope':
      return `${a.kind} ${link(x.envelope!)}`;
    case 'node':
      return `${a.kind} ${x.node!}`;
    case 'split':
      return `${a.kind} {${x.side!.join(', ')}} | {${x.rest!.join(', ')}}`;
    case 'none':
      return a.kind;
  }
}

/** `symmetric` must name roles: a typo would silently check without reduction. */
function validateSymmetric(symmetric: unknown, roles: readonly string[]): void {
  if (symmetric === undefined) return;
  if (!Array.isArray(symmetric) || symmetric.some((r) => typeof r !== 'string')) {
    throw new Error(`symmetric: expected a list of role names, e.g. symmetric: ['${roles[roles.length - 1] ?? 'participant'}']`);
  }
  for (const role of symmetric) {
    if (!roles.includes(role)) throw new Error(`symmetric: no role "${role}" (roles: ${roles.join(', ')})`);
  }
}

/**
 * Declares a protocol of nodes exchanging messages and compiles it to a {@link Model}
 * whose actions are deliveries, timer firings and the faults the environment allows.
 *
 * `protocol<M>()({ … })` (typed messages `M`) and `protocol({ … })` (untyped messages) infer
 * each role's local state from its `init` and type every handler from it: the state, the
 * message of the handler's type, the context's sends. `protocol<M>({ … })` types messages
 * only: TypeScript cannot infer the other type parameters once one is given explicitly.
 */
export function protocol<M extends Message = Message>(): <L>(definition: ProtocolDefinition<M, L>) => ActorModel<L, M>;
export function protocol<M extends Message = Message, L = any>(definition: ProtocolDefinition<M, L>): ActorModel<L, M>;
export function protocol(definition?: ProtocolDefinition): ActorModel | ((definition: ProtocolDefinition) => ActorModel) {
  if (definition === undefined) return (d: ProtocolDefinition) => build(d);
  return build(definition);
}

function build(definition: ProtocolDefinition): ActorModel {
  validateDefinition(definition);
  return compile(definition, {}, {}, true);
}

const ROLE_FIELDS = ['init', 'persistent', 'onStart', 'on', 'timers', 'clock', 'onRecover'];

/** A definition whose shape is wrong: one line naming the role and the field (for plain-JavaScript specs). */
function validateDefinition(def: ProtocolDefinition): void {
  if (def === null || typeof def !== 'object') throw new Error('protocol(): expected a definition object { name, nodes, roles, … }');
  if (def.roles === null || typeof def.roles !== 'object') throw new Error('protocol(): roles: expected an object of roles, e.g. roles: { server: { init: {}, on: { … } } }');
  const messages = def.messages;
  if (messages !== undefined && (!Array.isArray(messages) || messages.some((t) => typeof t !== 'string'))) {
    throw new Error(`messages: expected a list of message type names, e.g. messages: ['Ping', 'Pong']`);
  }
  for (const [role, r] of Object.entries(def.roles)) {
    if (r === null || typeof r !== 'object') throw new Error(`role ${role}: expected an object { init, on, … }`);
    for (const field of Object.keys(r)) {
      if (!ROLE_FIELDS.includes(field)) throw new Error(`role ${role}: unknown field "${field}" (a role has ${ROLE_FIELDS.join(', ')})`);
    }
    if (!('init' in r)) throw new Error(`role ${role}: init is missing (the initial local state, e.g. init: {})`);
    for (const kind of ['on', 'timers'] as const) {
      const handlers = r[kind] as Record<string, unknown> | undefined;
      if (handlers === undefined) continue;
      if (handlers === null || typeof handlers !== 'object') throw new Error(`role ${role}: ${kind}: expected an object of handlers`);
      for (const [name, handler] of Object.entries(handlers)) {
        if (typeof handler !== 'function') throw new Error(`role ${role}: ${kind}.${name} is not a function`);
        if (kind === 'on' && messages !== undefined && !messages.includes(name)) {
          throw new Error(`role ${role}: on.${name}: ${name} is not a message type of the protocol (messages: ${messages.join(', ')})`);
        }
      }
    }
    for (const hook of ['onStart', 'onRecover'] as const) {
      if (r[hook] !== undefined && typeof r[hook] !== 'function') throw new Error(`role ${role}: ${hook} is not a function`);
    }
    const persistent = r.persistent as unknown;
    if (persistent !== undefined && (!Array.isArray(persistent) || persistent.some((f) => typeof f !== 'string'))) {
      throw new Error(`role ${role}: persistent: expected a list of field names of its local state, e.g. persistent: ['log']`);
    }
  }
}

/** Every `persistent` field is a field of the role's initial state (else it would silently be volatile). */
function validatePersistent(def: ProtocolDefinition, topology: Topology, initialLocal: (id: NodeId) => unknown): void {
  for (const [role, r] of Object.entries(def.roles)) {
    if (!r.persistent || r.persistent.length === 0) continue;
    for (const id of topology.byRole.get(role) ?? []) {
      const local = initialLocal(id);
      if (local === null || typeof local !== 'object' || Array.isArray(local)) {
        throw new Error(`role ${role}: persistent: ${role}'s init is not an object, so it has no fields to keep (persistent: ${r.persistent.join(', ')})`);
      }
      const field = r.persistent.find((f) => !(f in local));
      if (field !== undefined) {
        const known = Object.keys(local);
        throw new Error(`role ${role}: persistent: "${field}" is not a field of its local state (fields: ${known.join(', ') || 'none'})`);
      }
    }
  }
}

/** `server.on.Ping`: a handler as coverage reports and errors name it. */
function handlerName(role: string, kind: DeclaredHandler['kind'], name: string): string {
  return kind === 'message' ? `${role}.on.${name}` : kind === 'timer' ? `${role}.timers.${name}` : `${role}.${name}`;
}

function compile(def: ProtocolDefinition, params: Params, overrides: Partial<Environment>, symmetry: boolean): ActorModel {
  const env: Environment = { ...DEFAULT_ENVIRONMENT, ...def.environment, ...overrides };
  validateEnvironment(env);
  validateSymmetric(def.symmetric, Object.keys(def.roles));
  const counts = (typeof def.nodes === 'function' ? def.nodes(params) : def.nodes) as NodeCounts;
  const topology = topologyOf(counts, Object.keys(def.roles));
  const symmetricRoles = [...new Set(def.symmetric ?? [])];
  const reduction = symmetry ? symmetryReduction(topology, symmetricRoles, env.fifo) : undefined;
  const roleOf = (id: NodeId): RoleDefinition => def.roles[topology.node.get(id)!.role];
  const clocked = topology.ids.filter((id) => roleOf(id).clock !== false);
  const aging = agesMessages(env);
  const replacers = localReplacers(topology.ids);

  const initialLocal = (id: NodeId): unknown => {
    const { role, index } = topology.node.get(id)!;
    const init = def.roles[role].init;
    return typeof init === 'function' ? (init as (n: object) => unknown)({ self: id, role, index }) : structuredClone(init);
  };
  validatePersistent(def, topology, initialLocal);
  const messageTypes = def.messages && new Set<string>(def.messages);

  /**
   * Settles one handler run's effects: the local state frozen, sharing the parts of the old one
   * it did not change (`prev`); the sends sealed into envelopes; timers and events frozen. Settled
   * effects are never written again, so the memo may hand them to any world with the same inputs.
   */
  const settle = (fx: Effects, prev: unknown): Effects => {
    // A world's parts are frozen: shared by many worlds, they keep their identity in the frontier,
    // and the parts of a local state a handler did not change stay the old state's.
    const local = freezePlain(shareUnchanged(fx.local, prev));
    const sends = fx.sends.map((e) => sealEnvelope(aging ? { ...e, age: 0 } : e));
    Object.freeze(fx.timers);
    for (const e of fx.events) Object.freeze(e);
    return { local, sends, timers: fx.timers, chosen: fx.chosen, events: fx.events };
  };

  /**
   * Applies one handler run's settled effects to the world; `removed`, when not -1, is the index
   * in `w.net` of the envelope the run handled (the network is copied once, not once per change).
   */
  const apply = (w: WorldState, node: NodeId, fx: Effects, removed = -1): WorldState => {
    let net = w.net;
    let owned = false;
    if (removed >= 0) {
      net = removeEnvelope(net, removed);
      owned = true;
    }
    for (const e of fx.sends) {
      if (w.down.includes(e.to)) continue;
      if (!owned) {
        net = net.slice();
        owned = true;
      }
      insertEnvelope(net as Envelope[], e, env.fifo);
    }
    // Timers the handler left alone (the very object it was given) keep the world's.
    let timers = w.timers;
    const had = w.timers[node];
    if (fx.timers !== had) {
      let armed = false;
      for (const _ in fx.timers) {
        armed = true;
        break;
      }
      if (armed) timers = { ...w.timers, [node]: fx.timers };
      else if (had !== undefined) {
        timers = { ...w.timers };
        delete timers[node];
      }
    }
    const local = fx.local;
    const replace = replacers?.get(node);
    const nodes = local === w.nodes[node] ? w.nodes : replace !== undefined ? replace(w.nodes, local) : { ...w.nodes, [node]: local };
    const next: WorldState = { ...w, nodes, timers, net };
    if (fx.events.length > 0) next.history = [...(w.history ?? []), ...fx.events];
    return next;
  };

  /** The input of `node`'s operation in flight: its last history event, if an invoke. */
  const pendingOf = (w: WorldState, node: NodeId): unknown => {
    const events = w.history ?? [];
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i];
      if (e.client === node) return e.kind === 'invoke' ? e.input : undefined;
    }
    return undefined;
  };

  const memo = new HandlerMemo();

  /**
   * The settled effects of running a handler at `node` on world `w`: one per combination of
   * choices. `armed` is the node's timers in the world the step starts from (`w`'s, unless a
   * timer fired), and `message` the message handled (`body` is then called with it): with the
   * node's local state, clock and operation in flight, what the memo knows a run by. The
   * handler sees of `w` only the node's local state, timers, clock and operation in flight, so
   * a delivery passes the world it is taken in: removing the envelope changes none of them.
   */
  const effectsOf = (
    w: WorldState,
    node: NodeId,
    handler: string,
    body: (draft: any, ...rest: any[]) => unknown,
    armed: object | undefined,
    message?: Message,
    sender?: NodeId,
  ): readonly Effects[] => {
    const local = w.nodes[node];
    const now = localNow(w, node);
    const pending = pendingOf(w, node);
    const inputs: HandlerInputs | undefined =
      local !== null && typeof local === 'object' ? { local, message, handler, node, timers: armed, now, pending, sender } : undefined;
    let effects = inputs && memo.get(inputs);
    if (effects === undefined) {
      const timers = w.timers[node] ?? {};
      const call = message === undefined ? body : (draft: any, ctx: any) => body(draft, message, ctx);
      const handling = message === undefined ? undefined : () => `${describeMessage(message)} from ${sender}`;
      effects = runHandler({ topology, node, local, timers, now, pending, sender, handler, handling, messageTypes, body: call }).map((fx) => settle(fx, local));
      const differs = inputs && memo.set(inputs, effects);
      if (differs !== undefined) throw nondeterministicHandler(handler, node, handling?.(), differs);
    }
    return effects;
  };

  /** Runs a handler at `node` on world `w` (see {@link effectsOf}): one successor per combination of choices. */
  const run = (w: WorldState, node: NodeId, handler: string, body: (draft: any, ctx: any) => unknown, armed: object | undefined): { result: WorldState; chosen: unknown[] }[] =>
    effectsOf(w, node, handler, body, armed).map((fx) => ({ result: apply(w, node, fx), chosen: fx.chosen }));

  const roleName = (id: NodeId): string => topology.node.get(id)!.role;

  /** A role's handler of a message type, as the runs call it. */
  type MessageHandler = (draft: any, msg: Message, ctx: any) => unknown;
  /** Per node, per message type: the handler and its name (looked up on every delivery). */
  const receivers = new Map<NodeId, Map<string, { handler: MessageHandler; name: string }>>(
    topology.ids.map((id) => [
      id,
      new Map(Object.entries(roleOf(id).on ?? {}).map(([type, handler]) => [type, { handler: handler as MessageHandler, name: handlerName(roleName(id), 'message', type) }])),
    ]),
  );

  const byKey = (a: Envelope, b: Envelope): number => compareEnvelopes(a, b, env.fifo);

  const cut = (w: WorldState, e: Envelope): boolean =>
    w.split.length > 0 && w.split.includes(e.from) !== w.split.includes(e.to);

  const deliverable = (w: WorldState): number[] => {
    const candidates = env.fifo ? linkHeads(w.net) : distinctIndices(w.net);
    // Nothing crashed, partitioned or too young: every candidate is deliverable.
    if (w.down.length === 0 && w.split.length === 0 && !aging) return candidates;
    return candidates.filter((i) => !w.down.includes(w.net[i].to) && !cut(w, w.net[i]) && (w.net[i].age ?? Infinity) >= env.minDelay);
  };

  /** Timers of live nodes that may fire now. */
  const dueTimers = (w: WorldState): [NodeId, string][] => {
    const due: [NodeId, string][] = [];
    for (const node of topology.ids) {
      const armed = w.timers[node];
      if (!armed || w.down.includes(node)) continue;
      for (const timer of Object.keys(armed).sort()) if (timerDue(w, node, armed[timer])) due.push([node, timer]);
    }
    return due;
  };

  /** Time may advance unless a message must arrive first or (with prompt timers) a timer is overdue. */
  const mayTick = (w: WorldState): boolean => {
    if (!w.clock || w.clock.t >= env.maxTime) return false;
    if (env.maxDelay !== Infinity && w.net.some((e) => !cut(w, e) && (e.age ?? 0) >= env.maxDelay)) return false;
    if (env.promptTimers) {
      for (const [node, timer] of dueTimers(w)) if (w.timers[node][timer] !== true) return false;
    }
    return true;
  };

  const quiescent = (w: WorldState): boolean => {
    if (deliverable(w).length > 0) return false;
    for (const node in w.timers) if (!w.down.includes(node)) return false;
    return true;
  };

  // A fault kind is counted in the state only when its budget is finite and non-zero.
  const initialFaults = initialFaultCounts(env);
  // The fault kinds the environment allows, compiled once: the others cost nothing per state.
  const faults = compileFaults({
    env,
    topology,
    role: roleOf,
    initialLocal,
    runRecover: (w, node) => run(w, node, handlerName(roleName(node), 'recover', 'onRecover'), roleOf(node).onRecover!, w.timers[node]),
  });

  const model: ActorModel = {
    name: def.name,
    topology,
    environment: env,
    propertyKinds: {
      ...Object.fromEntries(Object.keys(def.invariants ?? {}).map((k) => [k, 'invariant' as const])),
      ...Object.fromEntries(Object.keys(def.terminal ?? {}).map((k) => [k, 'terminal' as const])),
    },

    symmetry: { roles: symmetricRoles, reduced: reduction !== undefined },
    configure: (options) => compile(def, options.params ?? params, { ...overrides, ...options.environment }, options.symmetry ?? symmetry),
    describeEnvironment: () => describeEnvironment(env),
    faultKind: (action) => FAULT_OF_STEP[action.kind],
    handlers: () =>
      Object.entries(def.roles).flatMap(([role, r]): DeclaredHandler[] => [
        ...(r.onStart ? [{ role, kind: 'start' as const, name: 'onStart' }] : []),
        ...Object.keys(r.on ?? {}).map((name) => ({ role, kind: 'message' as const, name })),
        ...Object.keys(r.timers ?? {}).map((name) => ({ role, kind: 'timer' as const, name })),
        ...(r.onRecover ? [{ role, kind: 'recover' as const, name: 'onRecover' }] : []),
      ]),
    world: (state) => new World(state, topology, env),
    quiescent,
    clocks: (w) =>
      w.clock && { t: w.clock.t, local: Object.fromEntries(clocked.map((id) => [id, localNow(w, id)!])) },

    init() {
      const blank: WorldState = {
        nodes: Object.fromEntries(topology.ids.map((id) => [id, freezePlain(initialLocal(id))])),
        timers: {},
        down: [],
        net: [],
        split: [],
        faults: initialFaults,
      };
      let worlds: WorldState[] = timed(env) ? initialClocks(env, clocked).map((clock) => ({ ...blank, clock })) : [blank];
      for (const id of topology.ids) {
        const onStart = roleOf(id).onStart;
        if (!onStart) continue;
        worlds = worlds.flatMap((w) => run(w, id, handlerName(roleName(id), 'start', 'onStart'), onStart, w.timers[id]).map((o) => o.result));
      }
      return worlds;
    },

    actions(w) {
      const out: ActorAction[] = [];
      for (const i of deliverable(w)) {
        const envelope = w.net[i];
        const type = envelope.msg.type;
        const target = receivers.get(envelope.to)!.get(type);
        if (target === undefined) {
          const role = roleName(envelope.to);
          throw new Error(`${envelope.to} received ${describeMessage(envelope.msg)} from ${envelope.from} but role ${role} has no handler for ${type} (add on.${type} to role ${role})`);
        }
        for (const fx of effectsOf(w, envelope.to, target.name, target.handler, w.timers[envelope.to], envelope.msg, envelope.from)) {
          out.push({ kind: 'deliver', envelope, result: apply(w, envelope.to, fx, i), chosen: fx.chosen });
        }
      }
      for (const [node, timer] of dueTimers(w)) {
        const timers = roleOf(node).timers;
        // Own properties only: a timer named `toString` is not Object.prototype's.
        const handler = timers !== undefined && Object.hasOwn(timers, timer) ? timers[timer] : undefined;
        if (typeof handler !== 'function') throw new Error(`${node} armed timer "${timer}" but role ${roleName(node)} has no handler for it (add timers.${timer} to role ${roleName(node)})`);
        const { [timer]: _, ...left } = w.timers[node];
        const rest = { ...w, timers: { ...w.timers } };
        if (Object.keys(left).length === 0) delete rest.timers[node];
        else rest.timers[node] = left;
        for (const o of run(rest, node, handlerName(roleName(node), 'timer', timer), handler, w.timers[node])) out.push({ kind: 'timer', node, timer, ...o });
      }
      if (mayTick(w)) {
        const net = aging ? w.net.map((e) => sealEnvelope({ ...e, age: (e.age ?? 0) + 1 })).sort(byKey) : w.net;
        for (const { clock, drift } of tickedClocks(w.clock!, env, clocked)) {
          out.push({ kind: 'tick', t: clock.t, drift, chosen: [], result: { ...w, clock, net } });
        }
      }
      // Faults, in the order of FAULT_KINDS.
      for (let k = 0; k < faults.length; k++) faults[k](w, out);
      return out;
    },

    next: (_w, action) => action.result,
    ...(reduction ? { representative: reduction.representative, representativeFingerprint: reduction.representativeFingerprint } : {}),

    // Bounds that are part of the model: time stops at maxTime; the network holds maxInFlight.
    constraint:
      env.maxInFlight === Infinity && !timed(env) && !def.constraint
        ? undefined
        : (w) =>
            w.net.length <= env.maxInFlight &&
            (!w.clock || w.clock.t < env.maxTime) &&
            (!def.constraint || def.constraint(new World(w, topology, env))),

    invariants: {
      ...Object.fromEntries(
        Object.entries(def.invariants ?? {}).map(([name, p]) => [name, (w: WorldState) => p(new World(w, topology, env))]),
      ),
      ...Object.fromEntries(
        Object.entries(def.terminal ?? {}).map(([name, p]) => [name, (w: WorldState) => !quiescent(w) || p(new World(w, topology, env))]),
      ),
    },

    ...(def.reachable
      ? { reachable: Object.fromEntries(Object.entries(def.reachable).map(([name, p]) => [name, (w: WorldState) => p(new World(w, topology, env))])) }
      : {}),
    describe: describeAction,
    fairness: actorFairness,
    liveness: Object.fromEntries(
      Object.entries((typeof def.liveness === 'function' ? def.liveness({ eventually, leadsTo }) : def.liveness) ?? {}).map(([name, p]) => [name, mapLiveness(p, (w: WorldState) => new World(w, topology, env))]),
    ),
    consensus: def.consensus && consensusView(def.consensus, topology, timed(env)),
    generals: def.generals && generalsView(def.generals, topology, [...Object.keys(def.invariants ?? {}), ...Object.keys(def.terminal ?? {})]),
  };
  // Partial-order reduction: for untimed protocols without a state constraint (see specs/actor/partial-order.ts).
  if (!timed(env) && model.constraint === undefined) {
    model.partialOrder = actorPartialOrder({
      topology,
      environment: env,
      model,
      invariants: (def.invariants ?? {}) as Record<string, (w: World) => boolean>,
      reachable: def.reachable as Record<string, (w: World) => boolean> | undefined,
      terminal: (def.terminal ?? {}) as Record<string, (w: World) => boolean>,
      quiescent,
      symmetricRoles: reduction ? symmetricRoles : [],
    });
  }
  return model;
}
