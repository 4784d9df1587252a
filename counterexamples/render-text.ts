import { stateDiff, stateLeaves, type Change } from './diff.ts';
import type { FaultCounts, Trace, TraceStep } from './trace.ts';

/** A value as text; a message in flight reads `Vote(commit=true) participant-1→coordinator`. */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (isEnvelope(value)) {
    const { type, ...fields } = value.msg as { type: string } & Record<string, unknown>;
    const body = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    const ticks = (value as { age?: number }).age ?? 0;
    const age = ticks > 0 ? ` (in flight ${ticks} tick${ticks === 1 ? '' : 's'})` : '';
    return `${body.length === 0 ? type : `${type}(${body.join(', ')})`} ${value.from}→${value.to}${age}`;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isEnvelope)) return '[' + value.map(showValue).join('; ') + ']';
  return JSON.stringify(value);
}

function isEnvelope(v: unknown): v is { from: string; to: string; msg: { type: string } } {
  if (v === null || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return typeof e.from === 'string' && typeof e.to === 'string' && typeof (e.msg as { type?: unknown } | null)?.type === 'string';
}

function changeLine(c: Change): string {
  if (c.kind === 'added') return `${c.path} + ${showValue(c.after)}`;
  if (c.kind === 'removed') return `${c.path} − ${showValue(c.before)}`;
  return c.before === undefined ? `${c.path} = ${showValue(c.after)}` : `${c.path}: ${showValue(c.before)} → ${showValue(c.after)}`;
}

/** `t=3  client-1@5 client-2@0`: global time and local clocks, when the trace has them. */
function clockLine(clocks: TraceStep['clocks']): string | undefined {
  if (!clocks) return undefined;
  const local = Object.entries(clocks.local).map(([node, time]) => `${node}@${time}`);
  return `⏱ t=${clocks.t}${local.length > 0 ? '  ' + local.join(' ') : ''}`;
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

/** The last line of a lasso: where the loop goes back to, or that the run stays put. */
function loopLine(start: number, steps: number): string {
  const at = start === 0 ? 'the initial state' : `the state after step ${start}`;
  if (start >= steps) return `  ⟲ forever: the run stays in ${at} (no fair step is left to take)`;
  return `  ↺ back to ${at}: steps ${start + 1}–${steps} repeat forever`;
}

/** A trace as terminal text: one step a line, with what changed in the state; a lasso's loop is marked ↻. */
export function renderText(trace: Trace): string {
  const width = Math.max('initial state'.length, ...trace.steps.map((s) => s.label.length));
  const number = String(trace.steps.length).length;
  const lines: string[] = [];
  const row = (n: number, label: string, changes: Change[], clocks: TraceStep['clocks']): void => {
    const head = `  ${String(n).padStart(number)}  ${label.padEnd(width)}  `;
    const body = changes.length === 0 ? ['(no change)'] : changes.map(changeLine);
    const clock = clockLine(clocks);
    if (clock) body.unshift(clock);
    lines.push(head + body[0]);
    for (const more of body.slice(1)) lines.push(' '.repeat(head.length) + more);
  };
  row(0, 'initial state', stateLeaves(trace.initial.state), trace.initial.clocks);
  let previous = trace.initial.state;
  const loop = trace.loop?.start;
  trace.steps.forEach((step, i) => {
    const first = lines.length;
    row(i + 1, step.label, stateDiff(previous, step.state), step.clocks);
    // Lasso: the loop's steps carry a ↻ in the margin.
    if (loop !== undefined && i >= loop) lines[first] = '↻' + lines[first].slice(1);
    previous = step.state;
  });
  if (loop !== undefined) lines.push(loopLine(loop, trace.steps.length));
  return lines.join('\n');
}
