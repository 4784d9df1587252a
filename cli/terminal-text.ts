import { escapeControl } from '../counterexamples/escape.ts';

/**
 * Output for a terminal, made inert line by line: control and BiDi characters that a spec
 * put into names, labels or values are shown escaped, so they cannot clear the screen or
 * print a fake verdict over the real one. Line breaks are kept.
 */
export function terminalText(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}
