/**
 * A renaming of node ids: id → new id, holding only the ids that move. Ids are treated like
 * TLC's model values: wherever the exact string appears in plain data — as a value, an
 * object key, a Map key or a Set element — it is renamed.
 */
export type Renaming = ReadonlyMap<string, string>;

/**
 * `value` with every string the renaming moves renamed, deeply. Parts that hold no moved id
 * are returned as they are (shared, not copied), so renaming a state costs only what changes.
 */
export function renameIds<T>(value: T, renaming: Renaming): T {
  if (renaming.size === 0) return value;
  return rename(value, renaming) as T;
}

function rename(value: unknown, renaming: Renaming): unknown {
  if (typeof value === 'string') return renaming.get(value) ?? value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = rename(value[i], renaming);
      if (v !== value[i] && out === undefined) out = value.slice(0, i);
      if (out !== undefined) out.push(v);
    }
    return out ?? value;
  }
  if (value instanceof Map) {
    let changed = false;
    const entries = [...value].map(([k, v]): [unknown, unknown] => {
      const nk = rename(k, renaming);
      const nv = rename(v, renaming);
      if (nk !== k || nv !== v) changed = true;
      return [nk, nv];
    });
    return changed ? new Map(entries) : value;
  }
  if (value instanceof Set) {
    let changed = false;
    const elements = [...value].map((v) => {
      const nv = rename(v, renaming);
      if (nv !== v) changed = true;
      return nv;
    });
    return changed ? new Set(elements) : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // a Date, a typed array: no ids inside
  const record = value as Record<string, unknown>;
  let changed = false;
  const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const key of Object.keys(record)) {
    const nk = renaming.get(key) ?? key;
    const nv = rename(record[key], renaming);
    if (nk !== key || nv !== record[key]) changed = true;
    if (nk === '__proto__') Object.defineProperty(out, nk, { value: nv, enumerable: true, writable: true, configurable: true });
    else out[nk] = nv;
  }
  return changed ? out : value;
}
