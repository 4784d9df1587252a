/**
 * Coverage: what a search exercised, and what it never reached. A wrapper around a Model
 * (the search engines are untouched) counts, for each kind of step, the distinct states
 * it was taken from; for actor protocols per handler, message type and fault kind, and
 * for every property the states it was checked in. Handlers, message types and faults
 * never reached usually mean the bounds are too small for a pass to mean much.
 *
 * Counting: a strategy expands each distinct state once, as one object, so a count is
 * bumped at most once per source state object (a WeakMap of identities, no fingerprinting):
 * `states` is the number of distinct states a step was taken from; `transitions` counts
 * every step generated. Each run from init() is tallied apart (a counterexample's path is
 * rebuilt by replaying it; --minimize runs one search per fault budget): the report is the
 * largest run's. onStart handlers count the initial states they built.
 */
import { describeAction, FAULT_KINDS, faultStep, isActorModel, type ActorAction, type ActorModel, type Envelope, type FaultKind, type Model } from '../specs/index.ts';

/** How often something happened. */
export interface CoverageCount {
  /** Distinct states from which it happened at least once. */
  states: number;
  /** Steps generated, duplicates included. */
  transitions: number;
}

export interface HandlerCoverage extends CoverageCount {
  role: string;
  kind: 'message' | 'timer' | 'start' | 'recover';
  name: string;
  /** `client.on.Pong`, `client.timers.retry`, `client.onStart`, `client.onRecover`. */
  label: string;
}

/**
 * What became of the messages of one type: delivered, and one count per fault step that acts
 * on a message, named by its past participle (`dropped`, `duplicated`: {@link MESSAGE_FATES}).
 */
export interface MessageCoverage {
  type: string;
  delivered: CoverageCount;
  dropped: CoverageCount;
  duplicated: CoverageCount;
  [fate: string]: CoverageCount | string;
}

/** The columns of the message table: `delivered`, then the fault steps on messages in table order. */
const MESSAGE_FATES: readonly string[] = [
  'delivered',
  ...FAULT_KINDS.flatMap((f) => f.steps.filter((s) => s.subject === 'envelope').map((s) => s.past)),
];

export interface FaultCoverage extends CoverageCount {
  kind: FaultKind;
}

export interface PropertyCoverage {
  name: string;
  kind: 'invariant' | 'terminal';
  /** States the property was evaluated in (for terminal properties: quiescent states). */
  states: number;
}

export interface CoverageReport {
  /** What the counts mean. */
  counting: 'distinct-states';
  /** Actor protocols: per role and handler. */
  handlers?: HandlerCoverage[];
  /** Actor protocols: per message type. */
  messages?: MessageCoverage[];
  /** Actor protocols: per fault kind the environment allows. */
  faults?: FaultCoverage[];
  /** Kernel models: per action (its `type`/`kind` field, or its label). */
  actions?: ({ action: string } & CoverageCount)[];
  properties: PropertyCoverage[];
  /** What the search never reached. */
  neverReached: { handlers: string[]; messages: string[]; faults: FaultKind[]; properties: string[] };
}

export interface CoverageOptions {
  /** Message types the spec declares (e.g. from the linter's reading of its types), beyond those its handlers name. */
  messageTypes?: readonly string[];
}

/** A source state: the counters already bumped for it. */
interface Source {
  counted: Counter[];
}

/** A counter bumped at most once per source state. */
class Counter implements CoverageCount {
  states = 0;
  transitions = 0;
  bump(source: Source): void {
    this.transitions++;
    if (!source.counted.includes(this)) {
      source.counted.push(this);
      this.states++;
    }
  }
  toJSON(): CoverageCount {
    return { states: this.states, transitions: this.transitions };
  }
}

/** The fault kinds an actor model's environment allows. */
function enabledFaults(m: ActorModel): FaultKind[] {
  return FAULT_KINDS.filter((f) => f.enabled(m.environment, m.topology.ids.length)).map((f) => f.name);
}

function actionKey(model: Model<unknown, unknown>, a: unknown): string {
  if (typeof a === 'string') return a;
  if (a !== null && typeof a === 'object') {
    const tagged = a as { type?: unknown; kind?: unknown };
    if (typeof tagged.type === 'string') return tagged.type;
    if (typeof tagged.kind === 'string') return tagged.kind;
  }
  return describeAction(model, a);
}

/**
 * Wraps `model` to count what a search over it exercises. Search the returned `model`;
 * call `report()` when the search is done.
 */
export function withCoverage<S, A>(model: Model<S, A>, options: CoverageOptions = {}): { model: Model<S, A>; report(): CoverageReport } {
  // One tally per run from init(): the search, then any replay that rebuilds a counterexample's
  // path (or, with --minimize, one search per fault budget). The report is the largest run's.
  interface Tally {
    counters: Map<string, Counter>;
    checked: Map<string, number>;
    initialStates: number;
    work: number;
  }
  const tallies: Tally[] = [];
  let tally: Tally = { counters: new Map(), checked: new Map(), initialStates: 0, work: 0 };
  const counter = (key: string): Counter => {
    let c = tally.counters.get(key);
    if (!c) tally.counters.set(key, (c = new Counter()));
    return c;
  };
  // A record per source state, by identity: a strategy expands each distinct state once, as
  // one object (DFS comes back to it between steps, so the record outlives one run of steps).
  const objectSources = new WeakMap<object, Source>();
  const valueSources = new Map<unknown, Source>();
  let last: unknown = undefined;
  let epoch: Source = { counted: [] };
  const sourceOf = (state: unknown): Source => {
    if (state === last) return epoch;
    last = state;
    const table = typeof state === 'object' && state !== null ? objectSources : valueSources;
    let source = table.get(state as object);
    if (source === undefined) table.set(state as object, (source = { counted: [] }));
    return (epoch = source);
  };

  const actor = isActorModel(model) ? (model as unknown as ActorModel) : undefined;
  const roleOf = (node: string): string => actor!.topology.node.get(node)?.role ?? node;
  const declared = actor?.handlers() ?? [];
  const recovers = new Set(declared.filter((h) => h.kind === 'recover').map((h) => h.role));

  const count = (state: S, action: A): void => {
    sourceOf(state);
    tally.work++;
    if (!actor) {
      counter(`action:${actionKey(model as Model<unknown, unknown>, action)}`).bump(epoch);
      return;
    }
    const a = action as unknown as ActorAction;
    switch (a.kind) {
      case 'deliver':
        counter(`message:${roleOf(a.envelope.to)}:${a.envelope.msg.type}`).bump(epoch);
        counter(`delivered:${a.envelope.msg.type}`).bump(epoch);
        break;
      case 'timer':
        counter(`timer:${roleOf(a.node)}:${a.timer}`).bump(epoch);
        break;
      case 'recover':
        if (recovers.has(roleOf(a.node))) counter(`recover:${roleOf(a.node)}:onRecover`).bump(epoch);
        break;
      default: {
        // A fault step on a message counts per message type (`dropped:Vote`); any other, per kind.
        const step = faultStep(a.kind);
        if (step?.subject === 'envelope') counter(`${step.past}:${(a as { envelope: Envelope }).envelope.msg.type}`).bump(epoch);
        else counter(`event:${a.kind}`).bump(epoch);
      }
    }
    const fault = actor.faultKind(a);
    if (fault) counter(`fault:${fault}`).bump(epoch);
  };

  // Terminal properties are checked only in quiescent states: count those.
  const kinds = actor?.propertyKinds ?? {};
  let quiescentOf: unknown = undefined;
  let quiescent = false;
  const invariants = Object.fromEntries(
    Object.entries(model.invariants ?? {}).map(([name, holds]) => [
      name,
      (s: S): boolean => {
        if (kinds[name] === 'terminal') {
          if (s !== quiescentOf) {
            quiescentOf = s;
            quiescent = actor!.quiescent(s as never);
          }
          if (quiescent) tally.checked.set(name, (tally.checked.get(name) ?? 0) + 1);
        } else {
          tally.checked.set(name, (tally.checked.get(name) ?? 0) + 1);
        }
        tally.work++;
        return holds(s);
      },
    ]),
  );

  const wrapped: Model<S, A> = {
    ...model,
    init() {
      const states = Array.from(model.init());
      tally = { counters: new Map(), checked: new Map(), initialStates: states.length, work: states.length };
      tallies.push(tally);
      return states;
    },
    next(state, action) {
      count(state, action);
      return model.next(state, action);
    },
    ...(model.invariants ? { invariants } : {}),
  };

  const report = (): CoverageReport => {
    const { counters, checked, initialStates } = tallies.reduce((best, t) => (t.work > best.work ? t : best), tally);
    const properties: PropertyCoverage[] = Object.keys(model.invariants ?? {}).map((name) => ({
      name,
      kind: kinds[name] === 'terminal' ? 'terminal' : 'invariant',
      states: checked.get(name) ?? 0,
    }));
    const neverReached: CoverageReport['neverReached'] = {
      handlers: [],
      messages: [],
      faults: [],
      properties: properties.filter((p) => p.states === 0).map((p) => `${p.kind} ${p.name}`),
    };
    if (!actor) {
      const actions = [...counters]
        .filter(([k]) => k.startsWith('action:'))
        .map(([k, c]) => ({ action: k.slice('action:'.length), ...c.toJSON() }));
      return { counting: 'distinct-states', actions, properties, neverReached };
    }
    const zero = (): CoverageCount => ({ states: 0, transitions: 0 });
    const get = (key: string): CoverageCount => counters.get(key)?.toJSON() ?? zero();
    const populated = new Set([...actor.topology.byRole].filter(([, ids]) => ids.length > 0).map(([role]) => role));

    const handlers: HandlerCoverage[] = declared.map((h) => {
      const label = h.kind === 'message' ? `${h.role}.on.${h.name}` : h.kind === 'timer' ? `${h.role}.timers.${h.name}` : `${h.role}.${h.name}`;
      const c = h.kind === 'start' ? (populated.has(h.role) ? { states: initialStates, transitions: initialStates } : zero()) : get(`${h.kind}:${h.role}:${h.name}`);
      return { ...h, label, ...c };
    });
    neverReached.handlers = handlers.filter((h) => h.states === 0).map((h) => h.label);

    const types = new Set<string>(options.messageTypes ?? []);
    for (const h of declared) if (h.kind === 'message') types.add(h.name);
    for (const key of counters.keys()) {
      const colon = key.indexOf(':');
      if (colon > 0 && MESSAGE_FATES.includes(key.slice(0, colon))) types.add(key.slice(colon + 1));
    }
    const messages = [...types].map((type) => ({ type, ...Object.fromEntries(MESSAGE_FATES.map((fate) => [fate, get(`${fate}:${type}`)])) }) as MessageCoverage);
    neverReached.messages = messages.filter((m) => m.delivered.states === 0).map((m) => m.type);

    const faults: FaultCoverage[] = enabledFaults(actor).map((kind) => ({ kind, ...get(`fault:${kind}`) }));
    neverReached.faults = faults.filter((f) => f.transitions === 0).map((f) => f.kind);
    return { counting: 'distinct-states', handlers, messages, faults, properties, neverReached };
  };

  return { model: wrapped, report };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Rows as aligned columns: the first left-aligned, numbers right-aligned, a trailing unit left. */
function table(rows: string[][], indent = '    '): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const right = (i: number): boolean => i > 0 && rows.every((r, j) => /^[\d,]+$/.test(r[i]) || (j === 0 && rows.length > 1 && !/^[\d,]+$/.test(r[i]) && rows.slice(1).every((x) => /^[\d,]+$/.test(x[i]))));
  return rows.map((r) => indent + r.map((cell, i) => (right(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

/**
 * The coverage report as text, for `check --coverage`. `stopped` names why the search ended
 * early (a violation, a bound): the counts then cover only what it explored.
 */
export function renderCoverage(report: CoverageReport, stopped?: string): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const unit = (x: number, one: string): string => (x === 1 ? one : `${one}s`);
  const out: string[] = [
    `coverage (counts are distinct states a step was taken from${stopped ? `; only the states explored before the ${stopped} stopped the search` : ''})`,
  ];
  if (report.handlers) {
    out.push('  handlers');
    out.push(...table(report.handlers.map((h) => [h.label, n(h.states), unit(h.states, 'state')])));
  }
  if (report.messages && report.messages.length > 0) {
    out.push('  messages');
    out.push(
      ...table([
        ['type', ...MESSAGE_FATES],
        ...report.messages.map((m) => [m.type, ...MESSAGE_FATES.map((fate) => n((m[fate] as CoverageCount).states))]),
      ]),
    );
  }
  if (report.faults) {
    out.push(report.faults.length === 0 ? '  faults: none allowed by the environment' : '  faults');
    out.push(...(report.faults.length === 0 ? [] : table(report.faults.map((f) => [f.kind, n(f.transitions), `injected, from ${plural(f.states, 'state')}`]))));
  }
  if (report.actions) {
    out.push('  actions');
    out.push(...(report.actions.length === 0 ? ['    (none taken)'] : table(report.actions.map((a) => [a.action, n(a.states), unit(a.states, 'state')]))));
  }
  if (report.properties.length > 0) {
    out.push('  properties (states checked)');
    out.push(
      ...table(report.properties.map((p) => [`${p.kind} ${p.name}`, n(p.states), p.kind === 'terminal' ? unit(p.states, 'quiescent state') : unit(p.states, 'state')])),
    );
  }
  const never = report.neverReached;
  const missed = [
    ...never.handlers.map((h) => `handler ${h}`),
    ...never.messages.map((m) => `message ${m} (never delivered)`),
    ...never.faults.map((f) => `fault ${f}`),
    ...never.properties.map((p) => `${p} (never checked)`),
  ];
  out.push(missed.length === 0 ? '  never reached: nothing' : `  never reached${stopped ? '' : ' (bounds too small?)'}: ${missed.join('; ')}`);
  return out.join('\n');
}
