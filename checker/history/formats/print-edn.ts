import type { EdnValue } from './edn.ts';

/** EDN text of a value (for messages). */
export function printEdn(value: EdnValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nil';
  if (typeof value === 'string') return value.startsWith(':') ? value : JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return '[' + value.map(printEdn).join(' ') + ']';
  if (value instanceof Set) return '#{' + [...value].map(printEdn).join(' ') + '}';
  return '{' + [...value].map(([k, v]) => `${printEdn(k)} ${printEdn(v)}`).join(', ') + '}';
}
