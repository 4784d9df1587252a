/**
 * The rules of `faultline lint`: what each one catches, why it matters to a model checker,
 * and the fix. A spec must be deterministic and pure for exhaustive exploration and replay
 * to mean anything; these are the ways a TypeScript spec silently is not.
 */

export type Severity = 'error' | 'warning';

export type RuleId =
  | 'no-wall-clock'
  | 'no-random'
  | 'no-async'
  | 'no-io'
  | 'no-module-state'
  | 'no-captured-mutable'
  | 'no-opaque-state'
  | 'no-message-mutation'
  | 'no-world-mutation'
  | 'no-state-mutation'
  | 'unhandled-message'
  | 'unsent-message';

export interface RuleInfo {
  id: RuleId;
  /** The usual severity; a rule may report a milder case as a warning (noted in `summary`). */
  severity: Severity;
  /** One line: what the rule flags. */
  summary: string;
  /** The usual fix. */
  fix: string;
}

/** Every rule, in the order the README lists them. */
export const RULES: readonly RuleInfo[] = [
  {
    id: 'no-wall-clock',
    severity: 'error',
    summary: '`Date.now()`, `new Date()`, `performance.now()`, `process.hrtime()`: the wall clock differs on every run, so states and replays differ',
    fix: 'use ctx.now() (the node’s local clock, explored over every skew) and --max-time',
  },
  {
    id: 'no-random',
    severity: 'error',
    summary: '`Math.random()`, `crypto.randomUUID()`/`getRandomValues()`/`random*`: a random draw picks one branch where the checker must explore all',
    fix: 'use ctx.choose([...options]) so every option is explored',
  },
  {
    id: 'no-async',
    severity: 'error',
    summary: '`async`/`await`, Promises, `setTimeout`/`setInterval`/`setImmediate`/`queueMicrotask`/`process.nextTick`: work the checker never waits for',
    fix: 'make the function synchronous; use ctx.setTimer(name, delay) for delays',
  },
  {
    id: 'no-io',
    severity: 'error',
    summary: 'imports of `fs`, `net`, `http(s)`, `dgram`, `dns`, `tls`, `child_process`, …; `fetch`, `WebSocket`: I/O is outside the model',
    fix: 'model the other side as a role and exchange messages with ctx.send',
  },
  {
    id: 'no-module-state',
    severity: 'error',
    summary: 'a module-level `let`/`var`, or a module-level object/array, written inside a function: state the checker cannot see or restore (an unwritten module-level `let` is a warning)',
    fix: 'keep the state in a node’s local state (or the model state); declare constants with const',
  },
  {
    id: 'no-captured-mutable',
    severity: 'error',
    summary: 'a handler, property or helper closure writes a variable of an enclosing factory: hidden state shared by every explored state',
    fix: 'move the variable into the node’s local state (or the model state)',
  },
  {
    id: 'no-opaque-state',
    severity: 'error',
    summary: '`new SomeClass(…)` or `new WeakMap()`/`RegExp`/… in code the checker calls (handlers, init, next, a role’s initial state): private fields and methods are invisible to fingerprints, and the search refuses them',
    fix: 'keep the fields as a plain object (or a Map, Set, Date, typed array) and the methods in functions outside the state',
  },
  {
    id: 'no-message-mutation',
    severity: 'error',
    summary: 'writing to a received message (it is shared by every state it is in flight in); writing to a message after sending it is a warning (send copies it: the write changes nothing in flight)',
    fix: 'copy what you need into local state; build a new message for each send',
  },
  {
    id: 'no-world-mutation',
    severity: 'error',
    summary: 'an invariant, terminal property or constraint writes to the world/state it checks',
    fix: 'properties only read: compute on copies',
  },
  {
    id: 'no-state-mutation',
    severity: 'error',
    summary: 'a kernel model’s `next`/`actions`/`describe` writes to the state it is given (states are shared between successors)',
    fix: 'return a new state: { ...s, field: value }',
  },
  {
    id: 'unhandled-message',
    severity: 'error',
    summary: 'a message type some role sends that no receiving role handles (the check would stop at its delivery)',
    fix: 'add an on.<Type> handler to the receiving role, or stop sending it',
  },
  {
    id: 'unsent-message',
    severity: 'warning',
    summary: 'a handler for a message type nobody sends, or a type of the message union nobody sends or handles: dead code, or a send that was forgotten',
    fix: 'send it where it should be sent, or remove the handler / the union member',
  },
];

/** A rule's entry. */
export function ruleInfo(id: RuleId): RuleInfo {
  return RULES.find((r) => r.id === id)!;
}
