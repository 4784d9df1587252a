import { TYPED_ARRAY_NAMES } from '../canonical.ts';

/**
 * Deep copy of the data a state may hold (objects, arrays, Map, Set, Date, typed arrays,
 * primitives): a handler's draft. Own keys only, `__proto__` included as an own key; an object
 * without a prototype stays one. Other objects (which the checker refuses in a state) are
 * shared, not copied, so the refusal names them where the handler put them.
 */
export function clonePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  // (An array of another class never gets here: the state that held it was refused.)
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = clonePlain(value[i]);
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key in value) {
      if (key === '__proto__') return cloneRecord(value as Record<string, unknown>, {}) as T;
      out[key] = clonePlain((value as Record<string, unknown>)[key]);
    }
    return out as T;
  }
  if (proto === null) return cloneRecord(value as Record<string, unknown>, Object.create(null)) as T;
  if (proto === Map.prototype) return new Map([...(value as unknown as Map<unknown, unknown>)].map(([k, v]) => [clonePlain(k), clonePlain(v)])) as T;
  if (proto === Set.prototype) return new Set([...(value as unknown as Set<unknown>)].map(clonePlain)) as T;
  if (proto === Date.prototype) return new Date((value as unknown as Date).getTime()) as T;
  if (TYPED_ARRAY_NAMES.has(proto)) return (value as unknown as Uint8Array).slice() as T;
  return value;
}

/** Copies `record`'s own keys into `out`, a `__proto__` key as an own key. */
function cloneRecord(record: Record<string, unknown>, out: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(record)) {
    Object.defineProperty(out, key, { value: clonePlain(record[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
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
    for (const key in value) freezePlain((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * A handler's new local state with every part equal to the old state's replaced by that
 * part of the old state (frozen, and shared by many worlds): the old state itself when
 * nothing changed. Parts keep their identity from one world to the next, so the search
 * hashes, freezes and stores only what a step changed. `next` (an unfrozen draft) is
 * updated in place; equality is strict (same keys in the same order, same prototypes,
 * `Object.is` for primitives), and Maps, Sets, Dates and typed arrays are kept as they are.
 */
export function shareUnchanged<T>(next: T, prev: unknown): T {
  if (next === prev || next === null || typeof next !== 'object' || prev === null || typeof prev !== 'object') {
    return Object.is(next, prev) ? (prev as T) : next;
  }
  if (!Object.isFrozen(prev) || Object.isFrozen(next)) return next;
  const proto = Object.getPrototypeOf(next);
  if (proto !== Object.getPrototypeOf(prev)) return next;
  if (proto === Array.prototype) {
    const a = next as unknown as unknown[];
    const b = prev as unknown[];
    let same = a.length === b.length;
    for (let i = 0; i < a.length; i++) {
      const v = shareUnchanged(a[i], i < b.length ? b[i] : undefined);
      if (v !== a[i]) a[i] = v;
      if (same && !(i in b && Object.is(v, b[i]))) same = false;
    }
    return same ? (prev as T) : next;
  }
  if (proto !== Object.prototype) return next;
  const a = next as Record<string, unknown>;
  const b = prev as Record<string, unknown>;
  const order = Object.keys(b);
  let same = true;
  let i = 0;
  for (const key in a) {
    if (key === '__proto__') return next; // an own __proto__ key: left alone
    const had = Object.prototype.hasOwnProperty.call(b, key);
    const v = shareUnchanged(a[key], had ? b[key] : undefined);
    if (v !== a[key]) a[key] = v;
    if (same && !(order[i] === key && Object.is(v, b[key]))) same = false;
    i++;
  }
  return same && i === order.length ? (prev as T) : next;
}
