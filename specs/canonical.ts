/**
 * What a state may hold, and its canonical text.
 *
 * Two states are the same state exactly when no spec can tell them apart, up to two
 * documented liberties: the order of an object's keys, and a key whose value is `undefined`
 * (the same as no key, as in JSON; likewise an array hole is an `undefined` element).
 * Otherwise every value is itself: `NaN` is one value whatever its bits, `-0` is not `0`
 * (`Object.is` and `1/x` tell them apart), `undefined` is not `null`, a Map is not an object
 * that looks like its encoding, and so on.
 *
 * The values a state may hold: strings, numbers, booleans, bigints, `null`, `undefined`, and,
 * nested freely, arrays, plain objects (also with a `null` prototype), Maps and Sets (by
 * content, order-free), Dates (by time value) and typed arrays (by type and contents).
 * Anything else — class instances (their private fields and methods are invisible), other
 * built-ins, functions, symbols — and cycles are refused with a {@link StateValueError}
 * naming the path to the value inside the state and the fix.
 */

/** A state (or message) holds a value the checker cannot compare: the message names where, and the fix. */
export class StateValueError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'StateValueError';
  }
}

const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

/** The prototype of each supported typed array → its name. */
export const TYPED_ARRAY_NAMES: ReadonlyMap<object, string> = new Map(TYPED_ARRAYS.map((c) => [c.prototype as object, c.name]));

/** Thrown by the fast walks on a value they cannot encode; the entry point then finds where it is. */
const UNSUPPORTED = new StateValueError('a state may hold only plain data');

/**
 * Canonical text of a value a state may hold: object keys sorted, Set elements and Map
 * entries sorted by their own canonical text. Two states are the same state iff these are
 * equal; fingerprints are a fast stand-in for this text. Plain JSON data encode as JSON;
 * other values as tokens JSON cannot produce (`NaN`, `-0`, `undefined`, `12n`, `Map[…]`,
 * `Set[…]`, `Date(…)`, `Uint8Array[…]`, `Object(null){…}`), so the encoding is injective.
 * A value `undefined` at the top (not a state: `next` returning it takes no step) is `null`,
 * as JSON.stringify has it.
 *
 * `root` names the value in an error (`state`, `envelope`, …).
 */
export function canonicalJson(value: unknown, root = 'value'): string {
  if (value === undefined) return 'null';
  try {
    return encode(value);
  } catch (error) {
    throw stateValueError(value, error, root);
  }
}

function number(n: number): string {
  return n === 0 ? (1 / n < 0 ? '-0' : '0') : String(n); // NaN of any bits is 'NaN'
}

function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return number(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return String(value) + 'n';
    case 'object': {
      if (value === null) return 'null';
      const proto = Object.getPrototypeOf(value);
      if (proto === Array.prototype) {
        // Concatenation, not map/join: this runs for every new envelope of an actor protocol.
        const array = value as unknown[];
        let out = '[';
        for (let i = 0; i < array.length; i++) out += (i === 0 ? '' : ',') + encode(array[i]);
        return out + ']';
      }
      if (proto === Object.prototype) return encodeRecord(value as Record<string, unknown>, '{');
      if (proto === null) return encodeRecord(value as Record<string, unknown>, 'Object(null){');
      if (proto === Set.prototype) return 'Set[' + [...(value as Set<unknown>)].map(encode).sort().join(',') + ']';
      if (proto === Map.prototype) {
        const entries = [...(value as Map<unknown, unknown>)].map(([k, v]) => '[' + encode(k) + ',' + encode(v) + ']');
        return 'Map[' + entries.sort().join(',') + ']';
      }
      if (proto === Date.prototype) return 'Date(' + number((value as Date).getTime()) + ')';
      const typed = TYPED_ARRAY_NAMES.get(proto);
      if (typed !== undefined) {
        let out = typed + '[';
        const array = value as ArrayLike<number | bigint>;
        for (let i = 0; i < array.length; i++) out += (i === 0 ? '' : ',') + encode(array[i]);
        return out + ']';
      }
      throw UNSUPPORTED;
    }
    default:
      throw UNSUPPORTED;
  }
}

function encodeRecord(record: Record<string, unknown>, open: string): string {
  const keys: string[] = [];
  for (const key of Object.keys(record)) {
    if (record[key] === undefined) continue;
    // Insertion sort: records are small, and most are already in order.
    let i = keys.length;
    while (i > 0 && keys[i - 1] > key) i--;
    keys.splice(i, 0, key);
  }
  let out = open;
  for (let i = 0; i < keys.length; i++) out += (i === 0 ? '' : ',') + JSON.stringify(keys[i]) + ':' + encode(record[keys[i]]);
  return out + '}';
}

// ---- what went wrong, and where ----

/**
 * The error to throw when a fast walk over `value` (a state, an envelope, …) failed with
 * `error`: a {@link StateValueError} naming the path to the first value a state may not
 * hold (or to a cycle), or `error` itself when `value` holds nothing wrong (a getter threw).
 */
export function stateValueError(value: unknown, error: unknown, root = 'state'): unknown {
  if (error instanceof StateValueError && error !== UNSUPPORTED) return error;
  const problem = stateValueProblem(value, root);
  return problem === undefined ? error : new StateValueError(problem);
}

/** Nesting deeper than this is reported as such (the fast walks recurse). */
const MAX_DEPTH = 2000;

/**
 * Why `value` cannot be a state (or part of one), naming the path inside it and the fix;
 * undefined when it can. Slow: for error messages and one-off checks.
 */
export function stateValueProblem(value: unknown, root = 'state'): string | undefined {
  const ancestors: object[] = [];
  const paths: string[] = [];
  const visit = (v: unknown, path: string): string | undefined => {
    const what = unsupported(v);
    if (what !== undefined) return `${path} is ${what}`;
    if (typeof v !== 'object' || v === null) return undefined;
    const at = ancestors.indexOf(v);
    if (at >= 0) {
      return `${path} is ${paths[at]} again, a cycle: a state is a tree of values (store an id, or an index, where it refers back)`;
    }
    if (ancestors.length >= MAX_DEPTH) return `${path} is nested more than ${MAX_DEPTH} levels deep: flatten it (a list, or a Map of ids)`;
    ancestors.push(v);
    paths.push(path);
    const problem = children(v, path, visit);
    ancestors.pop();
    paths.pop();
    return problem;
  };
  return visit(value, root);
}

function children(v: object, path: string, visit: (v: unknown, path: string) => string | undefined): string | undefined {
  const proto = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const array = v as unknown[];
    for (let i = 0; i < array.length; i++) {
      const p = visit(array[i], `${path}[${i}]`);
      if (p) return p;
    }
  } else if (proto === Map.prototype) {
    for (const [k, value] of v as Map<unknown, unknown>) {
      const p = visit(k, `${path} (a key)`) ?? visit(value, `${path}.get(${short(k)})`);
      if (p) return p;
    }
  } else if (proto === Set.prototype) {
    for (const e of v as Set<unknown>) {
      const p = visit(e, `${path} (a member)`);
      if (p) return p;
    }
  } else if (proto === Object.prototype || proto === null) {
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const p = visit(record[key], path + member(key));
      if (p) return p;
    }
  }
  return undefined;
}

/** What `v` is when a state may not hold it ("a function", "an instance of class Foo", …). */
function unsupported(v: unknown): string | undefined {
  switch (typeof v) {
    case 'function':
      return `a function${v.name ? ` (${v.name})` : ''}: a state holds data; store a name or a tag that says which function, and keep the function outside the state`;
    case 'symbol':
      return `a symbol (${String(v.description ?? '')}): its identity is not data; use a string`;
    case 'object': {
      if (v === null) return undefined;
      const proto = Object.getPrototypeOf(v);
      if (proto === Array.prototype || proto === Object.prototype || proto === null || proto === Map.prototype || proto === Set.prototype) return undefined;
      if (proto === Date.prototype || TYPED_ARRAY_NAMES.has(proto)) return undefined;
      const name = constructorName(proto);
      if (isBuiltIn(proto)) {
        return `${article(name)} ${name}, which the checker cannot compare by content: a state may hold plain objects, arrays, Maps, Sets, Dates, typed arrays and primitives; store its data as one of those`;
      }
      return `an instance of class ${name}, whose private fields and methods the checker cannot see (every such state would look alike): store its fields as a plain object ({ ...fields }) and keep the methods in functions outside the state`;
    }
    default:
      return undefined;
  }
}

const BUILT_INS = new Set<unknown>(
  [
    RegExp,
    Error,
    Promise,
    WeakMap,
    WeakSet,
    ArrayBuffer,
    DataView,
    Number,
    String,
    Boolean,
    Symbol,
    BigInt,
    Function,
    typeof SharedArrayBuffer === 'undefined' ? undefined : SharedArrayBuffer,
  ]
    .filter((c) => c !== undefined)
    .map((c) => (c as { prototype: object }).prototype),
);

function isBuiltIn(proto: object): boolean {
  return BUILT_INS.has(proto);
}

function constructorName(proto: object): string {
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
  const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'an anonymous class';
  return name;
}

function article(name: string): string {
  return /^[AEIOU]/.test(name) ? 'an' : 'a';
}

function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function short(key: unknown): string {
  let text: string;
  try {
    text = typeof key === 'object' && key !== null ? '…' : encode(key);
  } catch {
    text = '…';
  }
  return text.length > 40 ? text.slice(0, 39) + '…' : text;
}
