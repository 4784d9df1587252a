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
      if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
      if (value instanceof Set) {
        return '{"$set":[' + [...value].map(canonicalJson).sort().join(',') + ']}';
      }
      if (value instanceof Map) {
        const entries = [...value].map(([k, v]) => '[' + canonicalJson(k) + ',' + canonicalJson(v) + ']');
        return '{"$map":[' + entries.sort().join(',') + ']}';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(record[k])).join(',') + '}';
    }
    default:
      throw new TypeError(`a state may hold only plain data, found a ${typeof value}`);
  }
}
