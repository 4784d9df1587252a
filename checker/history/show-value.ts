/** A short, readable rendering of a history value: `null`, `3`, `"x 0 1 y"`, `[1 2]`, `:timed-out`. */
export function showValue(value: unknown): string {
  if (value === undefined) return '?';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.startsWith(':') && /^:[^\s"]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return '[' + value.map(showValue).join(' ') + ']';
  if (value instanceof Set) return '#{' + [...value].map(showValue).join(' ') + '}';
  if (value instanceof Map) return '{' + [...value].map(([k, v]) => `${showValue(k)} ${showValue(v)}`).join(', ') + '}';
  return JSON.stringify(value) ?? String(value);
}
