import { stateDiff, stateLeaves, type Change } from './diff.ts';
import type { FaultCounts, Trace } from './trace.ts';

function show(value: unknown): string {
  return value === undefined ? '—' : JSON.stringify(value);
}

function changeLine(c: Change): string {
  return c.before === undefined ? `${c.path} = ${show(c.after)}` : `${c.path}: ${show(c.before)} → ${show(c.after)}`;
}

const FAULT_NAMES: [keyof FaultCounts, string, string][] = [
  ['drops', 'drop', 'drops'],
  ['dups', 'duplicate', 'duplicates'],
  ['crashes', 'crash', 'crashes'],
  ['recoveries', 'recovery', 'recoveries'],
  ['partitions', 'partition', 'partitions'],
];

/** "1 drop, 1 crash", or "no faults". */
export function describeFaults(f: FaultCounts): string {
  const parts = FAULT_NAMES.filter(([key]) => f[key] > 0).map(
    ([key, one, many]) => `${f[key]} ${f[key] === 1 ? one : many}`,
  );
  return parts.length === 0 ? 'no faults' : parts.join(', ');
}

/** A trace as terminal text: one step a line, with what changed in the state. */
export function renderText(trace: Trace): string {
  const width = Math.max('initial state'.length, ...trace.steps.map((s) => s.label.length));
  const number = String(trace.steps.length).length;
  const lines: string[] = [];
  const row = (n: number, label: string, changes: Change[]): void => {
    const head = `  ${String(n).padStart(number)}  ${label.padEnd(width)}  `;
    const body = changes.length === 0 ? ['(no change)'] : changes.map(changeLine);
    lines.push(head + body[0]);
    for (const more of body.slice(1)) lines.push(' '.repeat(head.length) + more);
  };
  row(0, 'initial state', stateLeaves(trace.initial.state));
  let previous = trace.initial.state;
  trace.steps.forEach((step, i) => {
    row(i + 1, step.label, stateDiff(previous, step.state));
    previous = step.state;
  });
  return lines.join('\n');
}
