/**
 * Canonical JSON of a plain-data state: object keys sorted, Set elements and Map entries
 * sorted by their own canonical text. Two states are the same state iff these are equal;
 * fingerprints are a fast stand-in for this text.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value === 0 ? 0 : value) : JSON.stringify(String(value));
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        // Concatenation, not map/join: this runs for every new envelope of an actor protocol.
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
        return out + ']';
      }
      if (value instanceof Set) {
        return '{"$set":[' + [...value].map(canonicalJson).sort().join(',') + ']}';
      }
      if (value instanceof Map) {
        const entries = [...value].map(([k, v]) => '[' + canonicalJson(k) + ',' + canonicalJson(v) + ']');
        return '{"$map":[' + entries.sort().join(',') + ']}';
      }
      return canonicalRecord(value as Record<string, unknown>);
    }
    default:
      throw new TypeError(`a state may hold only plain data, found a ${typeof value}`);
  }
}

function canonicalRecord(record: Record<string, unknown>): string {
  const keys: string[] = [];
  for (const key of Object.keys(record)) {
    if (record[key] === undefined) continue;
    // Insertion sort: records are small, and most are already in order.
    let i = keys.length;
    while (i > 0 && keys[i - 1] > key) i--;
    keys.splice(i, 0, key);
  }
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += (i === 0 ? '' : ',') + JSON.stringify(keys[i]) + ':' + canonicalJson(record[keys[i]]);
  return out + '}';
}
