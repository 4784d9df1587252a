/** Deep copy of plain data (objects, arrays, Map, Set, primitives): a handler's draft. */
export function clonePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = clonePlain(value[i]);
    return out as T;
  }
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [clonePlain(k), clonePlain(v)])) as T;
  if (value instanceof Set) return new Set([...value].map(clonePlain)) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = clonePlain((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * Freezes plain data in place, deeply. Messages are frozen when sent: they are shared by
 * every state that holds them, so a handler writing to one gets a TypeError, not a
 * silently corrupted search.
 */
export function freezePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const v of value) freezePlain(v);
  else if (!(value instanceof Map) && !(value instanceof Set)) {
    for (const key in value) freezePlain((value as Record<string, unknown>)[key]);
  }
  return value;
}
