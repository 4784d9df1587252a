import { jsonText, own, stateDiff, stateLeaves, type Change } from './diff.ts';
import { escapeControl } from './escape.ts';
import { FAULT_KINDS } from '../specs/index.ts';
import type { FaultCounts, Trace, TraceStep } from './trace.ts';

/** Levels of a value shown before the rest is written `…`. */
export const SHOW_DEPTH = 32;

/** A value as one line of JSON-like text, `…` past {@link SHOW_DEPTH} levels. */
export function valueText(value: unknown): string {
  return jsonText(value, { show: true, maxDepth: SHOW_DEPTH });
}

/** A value as text; a message in flight reads `Vote(commit=true) participant-1→coordinator`. */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (isEnvelope(value)) {
    const msg = own(value, 'msg') as object;
    const body = Object.keys(msg)
      .filter((k) => k !== 'type')
      .map((k) => {
        const v = own(msg, k);
        return `${k}=${typeof v === 'string' ? v : valueText(v)}`;
      });
    const type = own(msg, 'type') as string;
    const ticks = own(value, 'age');
    const age = typeof ticks === 'number' && ticks > 0 ? ` (in flight ${ticks} tick${ticks === 1 ? '' : 's'})` : '';
    return `${body.length === 0 ? type : `${type}(${body.join(', ')})`} ${own(value, 'from') as string}→${own(value, 'to') as string}${age}`;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isEnvelope)) return '[' + value.map(showValue).join('; ') + ']';
  return valueText(value);
}

function isEnvelope(v: unknown): v is object {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const msg = own(v, 'msg');
  return (
    typeof own(v, 'from') === 'string' &&
    typeof own(v, 'to') === 'string' &&
    msg !== null &&
    typeof msg === 'object' &&
    typeof own(msg, 'type') === 'string'
  );
}

function changeLine(c: Change): string {
  if (c.kind === 'added') return `${c.path} + ${showValue(c.after)}`;
  if (c.kind === 'removed') return `${c.path} − ${showValue(c.before)}`;
  return c.before === undefined ? `${c.path} = ${showValue(c.after)}` : `${c.path}: ${showValue(c.before)} → ${showValue(c.after)}`;
}

/** `t=3  client-1@5 client-2@0`: global time and local clocks, when the trace has them. */
function clockLine(clocks: TraceStep['clocks']): string | undefined {
  if (!clocks) return undefined;
  const local = Object.keys(clocks.local).map((node) => `${node}@${valueText(own(clocks.local, node))}`);
  return `⏱ t=${valueText(clocks.t)}${local.length > 0 ? '  ' + local.join(' ') : ''}`;
}

const FAULT_NAMES: [keyof FaultCounts, string, string][] = FAULT_KINDS.map((f) => [f.name, ...f.noun]);

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

/**
 * A trace as terminal text: one step a line, with what changed in the state; a lasso's loop
 * is marked ↻. Every spec-provided text has its control characters escaped
 * ({@link escapeControl}), so nothing in a trace can act on the terminal.
 */
export function renderText(trace: Trace): string {
  const labels = trace.steps.map((s) => escapeControl(s.label));
  let width = 'initial state'.length;
  for (const label of labels) width = Math.max(width, label.length);
  const number = String(trace.steps.length).length;
  const lines: string[] = [];
  const row = (n: number, label: string, changes: Change[], clocks: TraceStep['clocks']): void => {
    const head = `  ${String(n).padStart(number)}  ${label.padEnd(width)}  `;
    const body = changes.length === 0 ? ['(no change)'] : changes.map((c) => escapeControl(changeLine(c)));
    const clock = clockLine(clocks);
    if (clock) body.unshift(escapeControl(clock));
    lines.push(head + body[0]);
    for (let i = 1; i < body.length; i++) lines.push(' '.repeat(head.length) + body[i]);
  };
  row(0, 'initial state', stateLeaves(trace.initial.state), trace.initial.clocks);
  let previous = trace.initial.state;
  const loop = trace.loop?.start;
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i];
    const first = lines.length;
    row(i + 1, labels[i], stateDiff(previous, step.state), step.clocks);
    // Lasso: the loop's steps carry a ↻ in the margin.
    if (loop !== undefined && i >= loop) lines[first] = '↻' + lines[first].slice(1);
    previous = step.state;
  }
  if (loop !== undefined) lines.push(loopLine(loop, trace.steps.length));
  return lines.join('\n');
}
