import { canonicalJson } from '../checker/index.ts';

/** One leaf that changed between two states. */
export interface Change {
  /** Where, e.g. `rmState[1]` or `nodes.coordinator.phase`. */
  path: string;
  before: unknown;
  after: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  const part = plain ? key : JSON.stringify(key);
  if (!plain) return `${path}[${part}]`;
  return path === '' ? part : `${path}.${part}`;
}

/** The leaves that differ between two states, in a stable order. */
export function stateDiff(before: unknown, after: unknown, path = ''): Change[] {
  if (before === after) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => stateDiff(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => stateDiff(b, after[i], join(path, i)));
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  return [{ path: path === '' ? '(state)' : path, before, after }];
}

/** Every leaf of a state as a change from nothing: how an initial state is shown. */
export function stateLeaves(state: unknown, path = ''): Change[] {
  if (isRecord(state) && Object.keys(state).length > 0) {
    return Object.keys(state)
      .sort()
      .flatMap((k) => stateLeaves(state[k], join(path, k)));
  }
  return [{ path: path === '' ? '(state)' : path, before: undefined, after: state }];
}
