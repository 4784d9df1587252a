import type { HistoryCheckResult } from '../../checker/history/index.ts';
import { clip, conditionName, failureSentences, headline, opsById, processLabel, type HistoryReportContext } from './report-parts.ts';

const TAIL = 12;

/** Escapes text for a Markdown table cell or paragraph. */
function md(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([*_`<>[\]#])/g, '\\$1').replace(/\n/g, ' ');
}

/**
 * A history check result as Markdown (renders on GitHub and GitLab): the verdict, and for a
 * violation the failing operation, the states before it, the failing window, the tail of the
 * longest partial linearization and why nothing could go next, as tables.
 */
export function renderHistoryMarkdown(result: HistoryCheckResult, context: HistoryReportContext = {}): string {
  const out: string[] = [];
  const title = context.file ? `History check: ${md(context.file)}` : 'History check';
  out.push(`# ${title}`, '', `**${md(headline(result))}**`, '');
  out.push('| | |', '|---|---|');
  if (context.file) out.push(`| file | \`${context.file.replace(/`/g, "'")}\` |`);
  if (context.format) out.push(`| format | ${md(context.format)} |`);
  out.push(`| model | ${md(result.model)} |`, `| condition | ${conditionName(result)} |`, `| operations | ${result.ops} |`);
  if (result.partitions > 1) out.push(`| keys | ${result.partitions} |`);
  out.push(`| time | ${result.seconds.toFixed(3)} s |`, '');
  const failure = result.failure;
  if (result.verdict !== 'violation' || !failure) return out.join('\n');

  const byId = opsById(failure);
  const sentences = failureSentences(result, failure);
  if (failure.partition !== undefined) out.push(`Key \`${failure.partition.replace(/`/g, "'")}\` is not ${conditionName(result)} on its own.`, '');
  if (failure.approximate) out.push('> Time ran out while explaining: the explanation below is approximate.', '');
  out.push(md(sentences.failing), '');
  if (sentences.states) out.push(md(sentences.states), '');

  out.push('## Failing window', '', '| op | line | process | operation | |', '|---:|---:|---|---|---|');
  for (const id of failure.window) {
    const op = byId.get(id)!;
    const note = id === failure.failingOp ? '**fails here**' : op.outcome === 'unknown' ? 'outcome unknown' : '';
    out.push(`| ${op.id} | ${op.line ?? ''} | ${md(processLabel(op.process))} | \`${op.label.replace(/`/g, "'").replace(/\|/g, '\\|')}\` | ${note} |`);
  }

  const shown = failure.longest.slice(-TAIL);
  const skipped = failure.longest.length - shown.length;
  out.push('', '## Longest partial linearization', '');
  out.push(
    `${failure.longest.length} of the ${failure.ops.length} operations of the failing prefix, from state \`${failure.initialState.replace(/`/g, "'")}\`${skipped > 0 ? ` (last ${shown.length} shown)` : ''}.`,
    '',
  );
  if (shown.length > 0) {
    out.push('| # | op | process | operation | state after |', '|---:|---:|---|---|---|');
    shown.forEach((id, i) => {
      const op = byId.get(id)!;
      const position = skipped + i;
      out.push(`| ${position + 1} | ${op.id} | ${md(processLabel(op.process))} | \`${op.label.replace(/`/g, "'").replace(/\|/g, '\\|')}\` | \`${clip(failure.longestStates[position]).replace(/`/g, "'").replace(/\|/g, '\\|')}\` |`);
    });
  }
  out.push('', `Then, in state \`${clip(sentences.stuckState, 200).replace(/`/g, "'")}\`, no operation can go next:`, '');
  if (failure.stuck.length === 0) out.push('- no operation is allowed next by the order of the history');
  for (const s of failure.stuck) {
    const op = byId.get(s.id)!;
    const why = s.expected === s.observed || s.expected === '(nothing)' ? 'fits here, but every way on from there fails' : `the model returns \`${s.expected.replace(/`/g, "'")}\``;
    out.push(`- op ${s.id} (${md(processLabel(op.process))}) \`${s.label.replace(/`/g, "'")}\`: ${why}`);
  }
  return out.join('\n') + '\n';
}
