import { mdCode, mdText } from './escape.ts';
import { renderMermaid } from './render-mermaid.ts';
import { own } from './diff.ts';
import { describeFaults, showValue, valueText } from './render-text.ts';
import {
  changesOf,
  changeText,
  clockText,
  environmentText,
  isRecord,
  isWorldState,
  ofNode,
  paramsText,
  propertyText,
  strategyText,
} from './timeline.ts';
import type { Trace } from './trace.ts';

function table(header: string[], rows: string[][], align?: string[]): string[] {
  const cells = (row: string[]): string => `| ${row.join(' | ')} |`;
  return [cells(header), cells(align ?? header.map(() => '---')), ...rows.map(cells)];
}

/** Cell text: a list of code spans, one per line. */
function codeLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.map(mdCode).join('<br>');
}

/** A value as `key=value` lines (records), else one line. */
function valueLines(value: unknown): string[] {
  if (isRecord(value) && Object.keys(value).length > 0) return Object.keys(value).map((k) => `${k}=${showValue(own(value, k))}`);
  return [showValue(value)];
}

/** The summary table: spec, params, environment (when the trace records it), strategy, property, steps, faults. */
function summary(trace: Trace): string[] {
  const environment = environmentText(trace.environment);
  const header = ['spec', 'params', ...(environment === undefined ? [] : ['environment']), 'strategy', 'property', 'steps', 'faults'];
  const row = [
    `${mdText(trace.spec.name)} (${mdCode(trace.spec.path)})`,
    mdText(paramsText(trace.params)),
    ...(environment === undefined ? [] : [mdText(environment)]),
    mdText(strategyText(trace)),
    `${mdText(trace.property.kind)} **${mdText(trace.property.name)}**`,
    String(trace.steps.length),
    mdText(describeFaults(trace.faults)),
  ];
  return table(header, [row]);
}

/** One row per step: its action and what it changed (the initial state's leaves first). */
function steps(trace: Trace): string[] {
  const changes = changesOf(trace);
  const clocks = [trace.initial.clocks, ...trace.steps.map((s) => s.clocks)];
  const withClock = clocks.some((c) => c !== undefined);
  const rows = changes.map((diff, i) => [
    String(i),
    i === 0 ? 'initial state' : mdCode(trace.steps[i - 1].label),
    // Time only where it moved: a column of repeats reads worse than a blank.
    ...(withClock ? [clocks[i] && (i === 0 || clockText(clocks[i]) !== clockText(clocks[i - 1])) ? mdText(clockText(clocks[i])) : ''] : []),
    diff.length === 0 ? '(no change)' : codeLines(diff.map(changeText)),
  ]);
  return table(['#', 'action', ...(withClock ? ['time'] : []), 'changes'], rows, ['--:', '---', ...(withClock ? ['---'] : []), '---']);
}

/** The final state: a row per node for actor traces, a row per variable otherwise. */
function finalState(trace: Trace): string[] {
  const last = trace.steps.length === 0 ? trace.initial : trace.steps[trace.steps.length - 1];
  const state = last.state;
  if (isWorldState(state)) {
    const clocks = last.clocks;
    const rows = Object.keys(state.nodes).map((node) => {
      const local = own(state.nodes, node);
      const armed = ofNode(state.timers, node);
      const timers = isRecord(armed)
        ? Object.keys(armed).map((name) => {
            const at = own(armed, name);
            return at === true ? name : `${name} at ${valueText(at)}`;
          })
        : [];
      const clock = clocks ? ofNode(clocks.local, node) : undefined;
      return [
        mdText(node),
        state.down.includes(node) ? '**down**' : 'up',
        ...(clocks ? [clock === undefined ? '' : mdText(valueText(clock))] : []),
        codeLines(valueLines(local)),
        codeLines(timers),
      ];
    });
    const lines = table(['node', 'status', ...(clocks ? ['local clock'] : []), 'state', 'timers'], rows);
    const inFlight = state.net.map(showValue);
    lines.push('', `**In flight:** ${inFlight.length === 0 ? 'nothing' : inFlight.map(mdCode).join(', ')}`);
    if (state.split && state.split.length > 0) {
      const rest = Object.keys(state.nodes).filter((n) => !state.split!.includes(n));
      lines.push('', `**Partitioned:** ${mdCode(`{${state.split.join(', ')}} | {${rest.join(', ')}}`)}`);
    }
    if (clocks) lines.push('', `**Time:** ${mdText(`t=${valueText(clocks.t)}`)}`);
    return lines;
  }
  const rows =
    isRecord(state) && Object.keys(state).length > 0
      ? Object.keys(state).map((k) => [mdText(k), mdCode(showValue(own(state, k)))])
      : [['(state)', mdCode(showValue(state))]];
  return table(['variable', 'value'], rows);
}

/**
 * A trace as Markdown for a design review, rendering on GitHub and GitLab as is: a
 * title, a summary table, a Mermaid sequence diagram (actor traces; kernel traces have
 * no nodes to draw), the steps with what each changed, and the final state as a table.
 * Spec-provided text is escaped (code spans or backslash escapes), so it never turns
 * into markup.
 */
export function renderMarkdown(trace: Trace): string {
  const lines = [`# ${mdText(`${propertyText(trace)} violated in ${trace.spec.name}`)}`, '', ...summary(trace), ''];
  if (isWorldState(trace.initial.state)) {
    lines.push('## Sequence', '', '```mermaid', renderMermaid(trace), '```', '');
  }
  // Concatenation, not push(...rows): a long trace has more rows than a call has arguments.
  return [...lines, '## Steps', '', ...steps(trace), '', '## Final state', '', ...finalState(trace)].join('\n');
}
