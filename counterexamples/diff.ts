import { canonicalJson } from '../specs/index.ts';

/** One thing that changed between two states. */
export interface Change {
  /** Where, e.g. `rmState[1]` or `nodes.coordinator.phase`. */
  path: string;
  /** `set`: a leaf changed; `added`/`removed`: an element of a list of records (e.g. a message in flight). */
  kind: 'set' | 'added' | 'removed';
  before: unknown;
  after: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Elements of `a` not matched in `b`, as multisets under canonical equality. */
function multisetMinus(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(canonicalJson(x), (counts.get(canonicalJson(x)) ?? 0) + 1);
  return a.filter((x) => {
    const key = canonicalJson(x);
    const n = counts.get(key) ?? 0;
    if (n === 0) return true;
    counts.set(key, n - 1);
    return false;
  });
}

/**
 * What differs between two states, in a stable order: changed leaves by path, and for
 * lists of records (messages in flight, logs of entries) the elements removed and added,
 * which reads better than index-by-index changes.
 */
export function stateDiff(before: unknown, after: unknown, path = ''): Change[] {
  if (before === after) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => stateDiff(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const records = [...before, ...after].some((x) => x !== null && typeof x === 'object');
    if (records) {
      const at = path === '' ? '(state)' : path;
      return [
        ...multisetMinus(before, after).map((x): Change => ({ path: at, kind: 'removed', before: x, after: undefined })),
        ...multisetMinus(after, before).map((x): Change => ({ path: at, kind: 'added', before: undefined, after: x })),
      ];
    }
    if (before.length === after.length) return before.flatMap((b, i) => stateDiff(b, after[i], join(path, i)));
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  return [{ path: path === '' ? '(state)' : path, kind: 'set', before, after }];
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

/**
 * Every leaf of a state as a change from nothing: how an initial state is shown. Empty
 * top-level fields (no messages in flight, no timers, nobody down) are left out.
 */
export function stateLeaves(state: unknown, path = ''): Change[] {
  if (isRecord(state) && Object.keys(state).length > 0) {
    const keys = Object.keys(state).filter((k) => path !== '' || !isEmpty(state[k]));
    return keys.sort().flatMap((k) => stateLeaves(state[k], join(path, k)));
  }
  return [{ path: path === '' ? '(state)' : path, kind: 'set', before: undefined, after: state }];
}
