import { TYPED_ARRAY_NAMES } from '../canonical.ts';

/**
 * Deep copy of the data a state may hold (objects, arrays, Map, Set, Date, typed arrays,
 * primitives): a handler's draft. Own keys only, `__proto__` included as an own key; an object
 * without a prototype stays one. Other objects (which the checker refuses in a state) are
 * shared, not copied, so the refusal names them where the handler put them.
 */
export function clonePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const array = value as unknown[];
    const out = new Array(array.length);
    for (let i = 0; i < array.length; i++) out[i] = clonePlain(array[i]);
    return out as T;
  }
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key === '__proto__') Object.defineProperty(out, key, { value: clonePlain(record[key]), enumerable: true, writable: true, configurable: true });
      else out[key] = clonePlain(record[key]);
    }
    return out as T;
  }
  if (proto === Map.prototype) return new Map([...(value as unknown as Map<unknown, unknown>)].map(([k, v]) => [clonePlain(k), clonePlain(v)])) as T;
  if (proto === Set.prototype) return new Set([...(value as unknown as Set<unknown>)].map(clonePlain)) as T;
  if (proto === Date.prototype) return new Date((value as unknown as Date).getTime()) as T;
  if (TYPED_ARRAY_NAMES.has(proto)) return (value as unknown as Uint8Array).slice() as T;
  return value;
}

/**
 * Freezes plain data in place, deeply. Messages are frozen when sent: they are shared by
 * every state that holds them, so a handler writing to one gets a TypeError, not a
 * silently corrupted search. (Typed arrays cannot be frozen; Map and Set contents stay writable.)
 */
export function freezePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const v of value) freezePlain(v);
  else if (!(value instanceof Map) && !(value instanceof Set)) {
    for (const key of Object.keys(value)) freezePlain((value as Record<string, unknown>)[key]);
  }
  return value;
}
