/**
 * Walking the values a state holds: what changed between two states, every leaf of one,
 * a canonical text for comparing values, and a value as JSON text.
 *
 * Every walk here reads a record's own enumerable keys only (`Object.keys`, `Object.hasOwn`),
 * so a state whose keys shadow `Object.prototype` members (`toString`, `constructor`,
 * `__proto__`, `hasOwnProperty`, `valueOf`) is data like any other. None recurses to a depth
 * that grows with the state: the diff descends at most {@link DIFF_DEPTH} levels and compares
 * what is below as one value; the canonical text and the JSON text are built on an explicit
 * stack, and the JSON text can stop at a depth, writing `…` for what is below.
 */

/** One thing that changed between two states. */
export interface Change {
  /** Where, e.g. `rmState[1]` or `nodes.coordinator.phase`. */
  path: string;
  /** `set`: a leaf changed; `added`/`removed`: an element of a list of records (e.g. a message in flight). */
  kind: 'set' | 'added' | 'removed';
  before: unknown;
  after: unknown;
}

/** Levels the diff descends into a state before comparing what is below as one value. */
export const DIFF_DEPTH = 64;

/** A plain record: an object that is not an array, a Map or a Set. */
function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set);
}

/** The record's own value under `key` (never an inherited member such as `toString`). */
export function own(record: object, key: string): unknown {
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

function at(path: string): string {
  return path === '' ? '(state)' : path;
}

// ---------------------------------------------------------------------------------------
// Canonical text: equal exactly when two values are the same data.

interface CanonicalFrame {
  node: object;
  kind: 'array' | 'record' | 'set' | 'map';
  items: unknown[];
  /** A record's keys, in order. */
  keys: string[];
  next: number;
  /** Set and Map frames: the texts of the members written so far (each in a buffer of its own). */
  parts: string[];
  /** Set and Map frames: a member is being written into the top buffer. */
  pending: boolean;
}

function canonicalPrimitive(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '0' : String(value); // NaN, Infinity: unquoted, never a string's text
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return `<${String(value)}>`;
    case 'function':
      return '<function>';
    default:
      return 'null';
  }
}

/**
 * A canonical text of a value: key order, Set order and Map order do not matter, and
 * values of different kinds never share a text (the number `NaN` and the string `"NaN"`, a
 * Map and a record, a Set and an array differ). Keys whose value is `undefined` count as
 * absent. Written front to back on an explicit stack, so any depth works in time linear in
 * the value's size (Set and Map members are written apart, to be sorted); a value reached
 * again inside itself is `<cycle>`.
 */
export function canonicalText(value: unknown): string {
  const stack: CanonicalFrame[] = [];
  const buffers: string[][] = [[]];
  const onPath = new Set<object>();
  const write = (text: string): void => void buffers[buffers.length - 1].push(text);
  /** Writes a primitive, or opens a container (pushing its frame). */
  const open = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return write(canonicalPrimitive(v));
    if (onPath.has(v)) return write('<cycle>');
    if (v instanceof Date) return write(`Date(${v.getTime()})`);
    const frame: CanonicalFrame = { node: v, kind: 'record', items: [], keys: [], next: 0, parts: [], pending: false };
    if (Array.isArray(v)) {
      frame.kind = 'array';
      frame.items = Array.from(v);
      write('[');
    } else if (v instanceof Set) {
      frame.kind = 'set';
      frame.items = [...v];
    } else if (v instanceof Map) {
      frame.kind = 'map';
      for (const [k, x] of v) frame.items.push(k, x);
    } else {
      frame.keys = Object.keys(v)
        .filter((k) => own(v, k) !== undefined)
        .sort();
      frame.items = frame.keys.map((k) => own(v, k));
      write('{');
    }
    onPath.add(v);
    stack.push(frame);
  };
  open(value);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const unordered = top.kind === 'set' || top.kind === 'map';
    if (top.pending) {
      top.parts.push(buffers.pop()!.join(''));
      top.pending = false;
    }
    if (top.next < top.items.length) {
      const i = top.next++;
      if (unordered) {
        buffers.push([]);
        top.pending = true;
      } else {
        if (i > 0) write(',');
        if (top.kind === 'record') write(`${JSON.stringify(top.keys[i])}:`);
      }
      open(top.items[i]);
      continue;
    }
    stack.pop();
    onPath.delete(top.node);
    if (top.kind === 'array') write(']');
    else if (top.kind === 'record') write('}');
    else if (top.kind === 'set') write(`Set[${top.parts.sort().join(',')}]`);
    else {
      const pairs: string[] = [];
      for (let i = 0; i < top.parts.length; i += 2) pairs.push(`[${top.parts[i]},${top.parts[i + 1]}]`);
      write(`Map[${pairs.sort().join(',')}]`);
    }
  }
  return buffers[0].join('');
}

/** True when two values are the same data (see {@link canonicalText}). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Values of different kinds never share a canonical text.
  if (typeof a !== typeof b || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  return canonicalText(a) === canonicalText(b);
}

// ---------------------------------------------------------------------------------------
// JSON text, on an explicit stack.

/** Options of {@link jsonText}. */
export interface JsonTextOptions {
  /** Spaces per level, as `JSON.stringify`'s third argument (default 0: one line). */
  indent?: number;
  /** Containers this deep or deeper are written `…` (default: no limit). */
  maxDepth?: number;
  /**
   * For people, not for files: `NaN`, `Infinity`, `1n`, `Map[[k,v]]`, `Set[…]`, `undefined`
   * written as such, a value inside itself as `[circular]`. Without it the text is exactly
   * `JSON.stringify`'s for JSON data (a Map or Set is `{}`, a cycle or a bigint throws a
   * TypeError as JSON.stringify does).
   */
  show?: boolean;
}

/** Levels past which an indented text is written on one line (indenting deeper would grow quadratically). */
const INDENT_DEPTH = 64;

interface JsonFrame {
  node: object;
  close: string;
  items: unknown[];
  /** Keys of a record's entries (undefined for arrays). */
  keys?: string[];
  next: number;
  depth: number;
}

/**
 * A value as JSON text, like `JSON.stringify(value, null, indent)` for JSON data, but
 * built on an explicit stack (any depth works), reading own keys only, calling no
 * `toJSON` but a Date's, and optionally stopping at a depth (see {@link JsonTextOptions}).
 */
export function jsonText(value: unknown, options: JsonTextOptions = {}): string {
  const indent = options.indent ?? 0;
  const maxDepth = options.maxDepth ?? Infinity;
  const show = options.show ?? false;
  const out: string[] = [];
  const stack: JsonFrame[] = [];
  const onPath = new Set<object>();
  /** A line break before an entry of (or the end of) a container at `depth`, when indenting there. */
  const newline = (depth: number, inside: boolean): string =>
    indent > 0 && depth < INDENT_DEPTH ? '\n' + ' '.repeat(indent * (inside ? depth + 1 : depth)) : '';
  /** Writes a primitive, or opens a container (pushing its frame). */
  const write = (v: unknown, depth: number, inArray: boolean): void => {
    switch (typeof v) {
      case 'string':
        out.push(JSON.stringify(v));
        return;
      case 'number':
        out.push(Number.isFinite(v) ? String(v) : show ? String(v) : 'null');
        return;
      case 'boolean':
        out.push(v ? 'true' : 'false');
        return;
      case 'bigint':
        if (!show) throw new TypeError('Do not know how to serialize a BigInt');
        out.push(`${v}n`);
        return;
      case 'undefined':
      case 'function':
      case 'symbol':
        out.push(show ? (typeof v === 'symbol' ? String(v) : typeof v === 'function' ? '<function>' : 'undefined') : inArray ? 'null' : 'undefined');
        return;
    }
    if (v === null) {
      out.push('null');
      return;
    }
    const object = v as object;
    if (object instanceof Date) {
      out.push(Number.isNaN(object.getTime()) ? 'null' : JSON.stringify(object.toISOString()));
      return;
    }
    if (onPath.has(object)) {
      if (!show) throw new TypeError('Converting circular structure to JSON');
      out.push('[circular]');
      return;
    }
    if (depth >= maxDepth) {
      out.push('…');
      return;
    }
    let frame: JsonFrame;
    if (Array.isArray(object)) {
      frame = { node: object, close: ']', items: Array.from(object), next: 0, depth };
      out.push('[');
    } else if (show && object instanceof Set) {
      frame = { node: object, close: ']', items: [...object], next: 0, depth };
      out.push('Set[');
    } else if (show && object instanceof Map) {
      frame = { node: object, close: ']', items: [...object].map(([k, x]) => [k, x]), next: 0, depth };
      out.push('Map[');
    } else {
      // As JSON.stringify: entries whose value is undefined, a function or a symbol are left out.
      const keys = Object.keys(object).filter((k) => {
        const x = own(object, k);
        return show ? x !== undefined : x !== undefined && typeof x !== 'function' && typeof x !== 'symbol';
      });
      frame = { node: object, close: '}', items: keys.map((k) => own(object, k)), keys, next: 0, depth };
      out.push('{');
    }
    if (frame.items.length === 0) {
      out.push(frame.close);
      return;
    }
    onPath.add(object);
    stack.push(frame);
  };
  write(value, 0, false);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.items.length) {
      const i = top.next++;
      if (i > 0) out.push(',');
      out.push(newline(top.depth, true));
      if (top.keys) out.push(JSON.stringify(top.keys[i]), indent > 0 ? ': ' : ':');
      write(top.items[i], top.depth + 1, top.keys === undefined);
      continue;
    }
    stack.pop();
    onPath.delete(top.node);
    out.push(newline(top.depth, false), top.close);
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------
// Diffs.

/** Elements of `a` not matched in `b`, as multisets under canonical equality. */
function multisetMinus(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  const counts = new Map<string, number>();
  for (const x of b) {
    const key = canonicalText(x);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return a.filter((x) => {
    const key = canonicalText(x);
    const n = counts.get(key) ?? 0;
    if (n === 0) return true;
    counts.set(key, n - 1);
    return false;
  });
}

function diffInto(before: unknown, after: unknown, path: string, depth: number, out: Change[]): void {
  if (before === after) return;
  if (depth < DIFF_DEPTH) {
    if (isRecord(before) && isRecord(after)) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
      for (const k of keys) diffInto(own(before, k), own(after, k), join(path, k), depth + 1, out);
      return;
    }
    if (Array.isArray(before) && Array.isArray(after)) {
      const records = before.some((x) => x !== null && typeof x === 'object') || after.some((x) => x !== null && typeof x === 'object');
      if (records) {
        for (const x of multisetMinus(before, after)) out.push({ path: at(path), kind: 'removed', before: x, after: undefined });
        for (const x of multisetMinus(after, before)) out.push({ path: at(path), kind: 'added', before: undefined, after: x });
        return;
      }
      if (before.length === after.length) {
        for (let i = 0; i < before.length; i++) diffInto(before[i], after[i], join(path, i), depth + 1, out);
        return;
      }
    }
  }
  if (sameValue(before, after)) return;
  out.push({ path: at(path), kind: 'set', before, after });
}

/**
 * What differs between two states, in a stable order: changed leaves by path, and for
 * lists of records (messages in flight, logs of entries) the elements removed and added,
 * which reads better than index-by-index changes. Past {@link DIFF_DEPTH} levels a
 * changed value is one change.
 */
export function stateDiff(before: unknown, after: unknown, path = ''): Change[] {
  const out: Change[] = [];
  diffInto(before, after, path, 0, out);
  return out;
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

function leavesInto(state: unknown, path: string, depth: number, out: Change[]): void {
  if (depth < DIFF_DEPTH && isRecord(state) && Object.keys(state).length > 0) {
    const keys = Object.keys(state).filter((k) => path !== '' || !isEmpty(own(state, k)));
    for (const k of keys.sort()) leavesInto(own(state, k), join(path, k), depth + 1, out);
    return;
  }
  out.push({ path: at(path), kind: 'set', before: undefined, after: state });
}

/**
 * Every leaf of a state as a change from nothing: how an initial state is shown. Empty
 * top-level fields (no messages in flight, no timers, nobody down) are left out. Past
 * {@link DIFF_DEPTH} levels a value is one leaf.
 */
export function stateLeaves(state: unknown, path = ''): Change[] {
  const out: Change[] = [];
  leavesInto(state, path, 0, out);
  return out;
}
