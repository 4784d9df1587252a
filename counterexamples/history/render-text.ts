import type { HistoryCheckResult } from '../../checker/history/index.ts';
import { clip, failureSentences, headline, opsById, processLabel, type HistoryReportContext } from './report-parts.ts';

/** How many of the last steps of the longest partial linearization reports show. */
const TAIL = 12;

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => '  ' + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

/**
 * A history check result as terminal text: the verdict line and, for a violation, the failing
 * operation, the states the model could be in before it, the failing window, the tail of the
 * longest partial linearization and why nothing could go next.
 */
export function renderHistoryText(result: HistoryCheckResult, context: HistoryReportContext = {}): string {
  const lines = [headline(result, context)];
  const failure = result.failure;
  if (result.verdict !== 'violation' || !failure) return lines.join('\n');
  const byId = opsById(failure);
  const sentences = failureSentences(result, failure);
  if (failure.partition !== undefined) lines.push(`key ${failure.partition} is not ${result.consistency === 'linearizable' ? 'linearizable' : 'sequentially consistent'} on its own`);
  if (failure.approximate) lines.push('(time ran out while explaining: the explanation below is approximate)');
  lines.push('', sentences.failing);
  if (sentences.states) lines.push(sentences.states);

  const count = failure.window.length === 1 ? '1 operation' : `${failure.window.length} operations`;
  lines.push('', `Failing window (${count}):`);
  const rows = [['op', 'line', 'process', 'operation', '']];
  for (const id of failure.window) {
    const op = byId.get(id)!;
    const note = id === failure.failingOp ? '<- fails here' : op.outcome === 'unknown' ? 'outcome unknown' : '';
    rows.push([String(op.id), op.line !== undefined ? String(op.line) : '', processLabel(op.process), op.label, note]);
  }
  lines.push(...table(rows));

  const known = failure.ops.filter((op) => op.outcome === 'ok').length;
  const inLongest = failure.longest.length;
  const shown = failure.longest.slice(-TAIL);
  const skipped = inLongest - shown.length;
  lines.push('', `Longest partial linearization: ${inLongest} operations (of ${failure.ops.length} in the failing prefix, ${known} with known outcome), from state ${clip(failure.initialState)}${skipped > 0 ? `; last ${shown.length} shown` : ''}:`);
  if (inLongest === 0) lines.push('  (nothing can go first)');
  else {
    const steps = [['#', 'op', 'process', 'operation', 'state after']];
    shown.forEach((id, i) => {
      const op = byId.get(id)!;
      const position = skipped + i;
      steps.push([String(position + 1), String(op.id), processLabel(op.process), op.label, clip(failure.longestStates[position])]);
    });
    lines.push(...table(steps));
  }
  lines.push('', `Then, in state ${clip(sentences.stuckState, 200)}, no operation can go next:`);
  if (failure.stuck.length === 0) lines.push('  (no operation is allowed next by the order of the history)');
  for (const s of failure.stuck) {
    const op = byId.get(s.id)!;
    lines.push(
      s.expected === s.observed || s.expected === '(nothing)'
        ? `  op ${s.id} ${processLabel(op.process)} ${s.label}: fits here, but every way on from there fails`
        : `  op ${s.id} ${processLabel(op.process)} ${s.label}: the model returns ${s.expected}`,
    );
  }
  return lines.join('\n');
}
