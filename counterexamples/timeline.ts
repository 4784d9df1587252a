/**
 * A trace read as a timeline of nodes and events, for the diagram renderers: which nodes
 * an actor trace has (in node order) and what each step did — a delivery from one node
 * to another, a drop, a timer, a crash, a partition, a tick of the clock.
 *
 * Actor traces are recognised by the shape of their states (`nodes`, `net`, `down`); the
 * events are read from the action labels the actor DSL writes (`deliver Vote(…) a→b`,
 * `timer retry @client-1`, `partition {a, b} | {c}`, `tick → t=3 (drift …)`, each with an
 * optional `[chose …]` suffix), matching node ids against the trace's own nodes. Kernel
 * traces (any other state) have no nodes; every step is then an `other` event.
 */
import { decodeEnvironment, DEFAULT_ENVIRONMENT, describeEnvironment } from '../specs/index.ts';
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

export type TimelineEvent = Common &
  (
    | { kind: 'deliver' | 'drop' | 'duplicate'; from: string; to: string; message: string }
    | { kind: 'timer'; node: string; timer: string }
    | { kind: 'crash' | 'recover'; node: string }
    | { kind: 'partition'; groups: string[][] }
    | { kind: 'heal' }
    | { kind: 'tick'; t: number; drift?: string }
    | { kind: 'other' }
  );

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

function interpret(label: string, nodes: readonly string[]): Omit<TimelineEvent, 'step' | 'label' | 'clocks'> {
  const known = (n: string): boolean => nodes.includes(n);
  const { body, chose } = splitChoice(label);
  const withChoice = <T extends object>(e: T): T & { chose?: string } => (chose === undefined ? e : { ...e, chose });
  const link = /^(deliver|drop|duplicate) (.+)$/.exec(body);
  if (link) {
    const parsed = parseLink(link[2], nodes);
    if (parsed) return withChoice({ kind: link[1] as 'deliver' | 'drop' | 'duplicate', ...parsed });
  }
  const timer = /^timer (.+) @(.+)$/.exec(body);
  if (timer && known(timer[2])) return withChoice({ kind: 'timer' as const, node: timer[2], timer: timer[1] });
  const node = /^(crash|recover) (.+)$/.exec(body);
  if (node && known(node[2])) return withChoice({ kind: node[1] as 'crash' | 'recover', node: node[2] });
  const partition = /^partition \{(.*)\} \| \{(.*)\}$/.exec(body);
  if (partition) {
    const groups = [partition[1], partition[2]].map((g) => (g === '' ? [] : g.split(', ')));
    if (groups.every((g) => g.every(known))) return withChoice({ kind: 'partition' as const, groups });
  }
  if (body === 'heal') return withChoice({ kind: 'heal' as const });
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
