/**
 * A trace read as a timeline of nodes and events, for the diagram renderers: which nodes
 * an actor trace has (in node order) and what each step did — a delivery from one node
 * to another, a timer, a tick of the clock, or a fault step (a drop, a crash, a partition…).
 *
 * Actor traces are recognised by the shape of their states (`nodes`, `net`, `down`); the
 * events are read from the action labels the actor DSL writes (`deliver Vote(…) a→b`,
 * `timer retry @client-1`, `tick → t=3 (drift …)`, and fault steps as their subject labels
 * them, e.g. `crash a`, `partition {a, b} | {c}`, each with an optional `[chose …]` suffix),
 * matching node ids against the trace's own nodes. Kernel traces (any other state) have no
 * nodes; every step is then an `other` event.
 */
import { decodeEnvironment, DEFAULT_ENVIRONMENT, describeEnvironment, faultStep, type FaultAction, type FaultStep } from '../specs/index.ts';
import { own, stateDiff, stateLeaves, type Change } from './diff.ts';
import { showValue, valueText } from './render-text.ts';
import type { Trace, TraceStep } from './trace.ts';

interface Common {
  /** 1-based step number. */
  step: number;
  label: string;
  clocks?: TraceStep['clocks'];
  /** The `[chose …]` suffix, without brackets. */
  chose?: string;
}

/** A fault step as a timeline reads it: its kind, its step's descriptor, and its subject's parts. */
export type FaultEvent = { kind: FaultAction['kind']; fault: FaultStep } & (
  | { subject: 'envelope'; from: string; to: string; message: string }
  | { subject: 'node'; node: string }
  | { subject: 'split'; groups: string[][] }
  | { subject: 'none' }
);

/** One step of a timeline. */
export type TimelineEvent = Common &
  (
    | { kind: 'deliver'; from: string; to: string; message: string }
    | { kind: 'timer'; node: string; timer: string }
    | { kind: 'tick'; t: number; drift?: string }
    | FaultEvent
    | { kind: 'other' }
  );

/** True for the events of fault steps. */
export function isFaultEvent(e: TimelineEvent): e is Common & FaultEvent {
  return 'fault' in e;
}

/**
 * A fault step's caption, after its step number: `<message> (lost)` for a lost arrow; for a
 * note, `<past>: <message>` over a link, its groups for a split, its kind otherwise.
 */
export function faultCaption(e: FaultEvent): string {
  switch (e.subject) {
    case 'envelope':
      return e.fault.draw === 'lost-arrow' ? `${e.message} (lost)` : `${e.fault.past}: ${e.message}`;
    case 'split':
      return `${e.kind} ${e.groups.map((g) => `{${g.join(', ')}}`).join(' | ')}`;
    default:
      return e.kind;
  }
}

/** True when a fault step is drawn as an arrow that stops short of its receiver. */
export function isLostArrow(e: FaultEvent): boolean {
  return e.subject === 'envelope' && e.fault.draw === 'lost-arrow';
}

/** The nodes a fault step's note spans: its link's ends, its node, or undefined for every node. */
export function faultNodes(e: FaultEvent): string[] | undefined {
  return e.subject === 'envelope' ? [e.from, e.to] : e.subject === 'node' ? [e.node] : undefined;
}

export interface Timeline {
  /** True for actor traces (states of nodes and a network). */
  actor: boolean;
  /** The nodes, in node order; empty for kernel traces. */
  nodes: string[];
  events: TimelineEvent[];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when `state` is an actor world: `{ nodes: {…}, net: […], down: […], … }`. */
export function isWorldState(state: unknown): state is {
  nodes: Record<string, unknown>;
  net: unknown[];
  down: string[];
  timers?: Record<string, Record<string, number | true>>;
  split?: string[];
  clock?: { t: number };
} {
  return isRecord(state) && isRecord(own(state, 'nodes')) && Array.isArray(own(state, 'net')) && Array.isArray(own(state, 'down'));
}

/** A node's own entry in a record keyed by node id (never an inherited member such as `toString`). */
export function ofNode<T>(record: Record<string, T> | undefined, node: string): T | undefined {
  return record === undefined || record === null ? undefined : (own(record, node) as T | undefined);
}

const CHOSE = / \[chose (.*)\]$/;

/** Splits off a `[chose …]` suffix. */
function splitChoice(text: string): { body: string; chose?: string } {
  const m = CHOSE.exec(text);
  return m ? { body: text.slice(0, m.index), chose: m[1] } : { body: text };
}

/** `Msg a→b`: the message and the link, with `a` and `b` among `nodes`. */
function parseLink(text: string, nodes: readonly string[]): { message: string; from: string; to: string } | undefined {
  let best: { message: string; from: string; to: string } | undefined;
  for (const from of nodes) {
    for (const to of nodes) {
      const suffix = ` ${from}→${to}`;
      if (text.endsWith(suffix) && (!best || text.length - suffix.length < best.message.length)) {
        best = { message: text.slice(0, -suffix.length), from, to };
      }
    }
  }
  return best;
}

/** A fault step's label read back by its subject (`drop <message> a→b`, `crash a`, `partition {a} | {b}`, `heal`). */
function interpretFault(body: string, nodes: readonly string[]): FaultEvent | undefined {
  const space = body.indexOf(' ');
  const kind = space < 0 ? body : body.slice(0, space);
  const step = faultStep(kind);
  if (!step) return undefined;
  const rest = space < 0 ? undefined : body.slice(space + 1);
  const common = { kind: kind as FaultAction['kind'], fault: step };
  switch (step.subject) {
    case 'envelope': {
      const parsed = rest ? parseLink(rest, nodes) : undefined;
      return parsed && { ...common, subject: 'envelope', ...parsed };
    }
    case 'node':
      return rest && nodes.includes(rest) ? { ...common, subject: 'node', node: rest } : undefined;
    case 'split': {
      const m = rest === undefined ? null : /^\{(.*)\} \| \{(.*)\}$/.exec(rest);
      if (!m) return undefined;
      const groups = [m[1], m[2]].map((g) => (g === '' ? [] : g.split(', ')));
      return groups.every((g) => g.every((n) => nodes.includes(n))) ? { ...common, subject: 'split', groups } : undefined;
    }
    case 'none':
      return rest === undefined ? { ...common, subject: 'none' } : undefined;
  }
}

function interpret(label: string, nodes: readonly string[]): Omit<TimelineEvent, 'step' | 'label' | 'clocks'> {
  const known = (n: string): boolean => nodes.includes(n);
  const { body, chose } = splitChoice(label);
  const withChoice = <T extends object>(e: T): T & { chose?: string } => (chose === undefined ? e : { ...e, chose });
  const link = /^deliver (.+)$/.exec(body);
  if (link) {
    const parsed = parseLink(link[1], nodes);
    if (parsed) return withChoice({ kind: 'deliver' as const, ...parsed });
  }
  const timer = /^timer (.+) @(.+)$/.exec(body);
  if (timer && known(timer[2])) return withChoice({ kind: 'timer' as const, node: timer[2], timer: timer[1] });
  const fault = interpretFault(body, nodes);
  if (fault) return withChoice(fault);
  const tick = /^tick → t=(\d+)(?: \(drift (.*)\))?$/.exec(body);
  if (tick) return withChoice(tick[2] === undefined ? { kind: 'tick' as const, t: Number(tick[1]) } : { kind: 'tick' as const, t: Number(tick[1]), drift: tick[2] });
  return { kind: 'other' };
}

/** Reads a trace as a timeline. */
export function timelineOf(trace: Trace): Timeline {
  const first = trace.initial.state;
  const actor = isWorldState(first);
  const nodes = actor ? Object.keys(first.nodes) : [];
  const events = trace.steps.map((s, i): TimelineEvent => {
    const common = { step: i + 1, label: s.label, ...(s.clocks ? { clocks: s.clocks } : {}) };
    return { ...common, ...(actor ? interpret(s.label, nodes) : { kind: 'other' }) } as TimelineEvent;
  });
  return { actor, nodes, events };
}

/** `t=5, clocks client-1@2 client-2@2`: time and local clocks, one line. */
export function clockText(clocks: TraceStep['clocks']): string {
  if (!clocks) return '';
  const local = Object.keys(clocks.local ?? {}).map((n) => `${n}@${valueText(own(clocks.local, n))}`);
  const t = valueText(clocks.t);
  return local.length === 0 ? `t=${t}` : `t=${t}, clocks ${local.join(' ')}`;
}

/**
 * An environment as one line: a trace's encoded actor environment as the result headers
 * describe it (`unordered network, drops ≤ 1, …`); any other shape as `key=value` pairs.
 */
export function environmentText(environment: unknown): string | undefined {
  if (environment === undefined || environment === null) return undefined;
  if (typeof environment === 'string') return environment;
  if (isRecord(environment)) {
    try {
      return describeEnvironment({ ...DEFAULT_ENVIRONMENT, ...decodeEnvironment(environment) });
    } catch {
      const parts = Object.keys(environment).map((k) => {
        const v = own(environment, k);
        return `${k}=${typeof v === 'string' ? v : valueText(v)}`;
      });
      return parts.length === 0 ? undefined : parts.join(', ');
    }
  }
  return valueText(environment);
}

/** `bfs`, or `random (seed 7)`. */
export function strategyText(trace: Trace): string {
  const random = (trace as { random?: unknown }).random;
  const seed = isRecord(random) ? own(random, 'seed') : undefined;
  const strategy = typeof trace.strategy === 'string' ? trace.strategy : valueText(trace.strategy);
  return seed === undefined ? strategy : `${strategy} (seed ${valueText(seed)})`;
}

/** `rm=3 variant=commit-early`, or `(defaults)`. */
export function paramsText(params: Trace['params']): string {
  const keys = Object.keys(params ?? {});
  return keys.length === 0
    ? '(defaults)'
    : keys
        .map((k) => {
          const v = own(params, k);
          return `${k}=${typeof v === 'string' ? v : valueText(v)}`;
        })
        .join(' ');
}

/** `terminal Agreement`. */
export function propertyText(trace: Trace): string {
  return `${trace.property.kind} ${trace.property.name}`;
}

/** The states of a trace: the initial one, then one per step. */
export function statesOf(trace: Trace): unknown[] {
  return [trace.initial.state, ...trace.steps.map((s) => s.state)];
}

/** One change as a line: `nodes.b.received: 0 → 1`, `net + Vote a→b`, `net − Vote a→b`. */
export function changeText(c: Change): string {
  if (c.kind === 'added') return `${c.path} + ${showValue(c.after)}`;
  if (c.kind === 'removed') return `${c.path} − ${showValue(c.before)}`;
  return c.before === undefined ? `${c.path} = ${showValue(c.after)}` : `${c.path}: ${showValue(c.before)} → ${showValue(c.after)}`;
}

/** What each step changed: the initial state's leaves, then one diff per step. */
export function changesOf(trace: Trace): Change[][] {
  const states = statesOf(trace);
  return states.map((s, i) => (i === 0 ? stateLeaves(s) : stateDiff(states[i - 1], s)));
}
