import { createHash } from 'node:crypto';
import type { FailureOp, HistoryCheckResult } from '../../checker/history/index.ts';
import { conditionName, failureSentences, headline, opsById, processLabel, sortedProcesses, type HistoryReportContext } from './report-parts.ts';

/** At most this many operations are drawn (the window and the latest operations before it). */
const MAX_DRAWN = 2000;
const STEP = 26; // px per event
const LANE = 30; // px per lane
const LEFT = 90; // px for process names

/** Escapes text for HTML content and attribute values. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/\n/g, '&#10;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d2330; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 22px 0 8px; }
.verdict { font-weight: 600; } .bad { color: #b3261e; } .good { color: #1b7f3b; } .unknown-verdict { color: #8a5a00; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; margin: 6px 0; } td, th { border: 1px solid #d6dae3; padding: 3px 8px; text-align: left; }
th { background: #f3f5f9; font-weight: 600; }
.scroll { overflow-x: auto; border: 1px solid #d6dae3; border-radius: 6px; padding: 8px 0; background: #fbfcfe; }
.timeline { position: relative; }
.proc { position: absolute; left: 8px; width: ${LEFT - 16}px; font-weight: 600; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.rowline { position: absolute; left: 0; right: 0; border-top: 1px dashed #e3e6ee; }
.op { position: absolute; height: 22px; box-sizing: border-box; border: 1px solid #6b7fa8; background: #dfe7f7; border-radius: 4px;
      font-size: 11.5px; line-height: 20px; padding: 0 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.op:hover { overflow: visible; z-index: 5; background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); }
.op.unknown { border-style: dashed; background: repeating-linear-gradient(135deg, #eef0f5, #eef0f5 6px, #e2e5ee 6px, #e2e5ee 12px); }
.op.linearized { border-color: #3f8f5a; background: #dff2e5; }
.op.linearized.unknown { background: repeating-linear-gradient(135deg, #e6f4ea, #e6f4ea 6px, #d5ecdc 6px, #d5ecdc 12px); }
.op.window { box-shadow: 0 0 0 2px #f0b400; }
.op.failing { border-color: #b3261e; background: #fbe1df; box-shadow: 0 0 0 2px #b3261e; font-weight: 600; }
.badge { display: inline-block; min-width: 14px; padding: 0 3px; margin-right: 4px; border-radius: 7px; background: #3f8f5a; color: #fff; font-size: 10px; line-height: 14px; text-align: center; }
.cut { position: absolute; top: 0; bottom: 0; border-left: 2px solid #b3261e; }
.cut span { position: absolute; top: -2px; left: 4px; font-size: 11px; color: #b3261e; white-space: nowrap; }
.legend span.op { position: static; display: inline-block; margin-right: 10px; }
`;

/**
 * The page's Content-Security-Policy: nothing may load or run but the one inline style sheet,
 * allowed by the sha256 hash of its exact contents (no 'unsafe-inline'; no scripts at all, and no
 * `style` attributes: placements are rules of the style sheet, by element id).
 */
export function historyReportCsp(styleSheet: string): string {
  const hash = `'sha256-${createHash('sha256').update(styleSheet, 'utf8').digest('base64')}'`;
  return `default-src 'none'; script-src 'none'; style-src ${hash}; img-src 'none'; base-uri 'none'; form-action 'none'`;
}

/** Greedy lanes within one process, for processes that invoke again while an unknown-outcome operation is open. */
function lanes(ops: FailureOp[], end: number): Map<number, number> {
  const laneEnds: number[] = [];
  const lane = new Map<number, number>();
  for (const op of [...ops].sort((a, b) => a.call - b.call)) {
    const finish = op.ret ?? end;
    let l = laneEnds.findIndex((e) => e < op.call);
    if (l === -1) {
      l = laneEnds.length;
      laneEnds.push(finish);
    } else laneEnds[l] = finish;
    lane.set(op.id, l);
  }
  return lane;
}

/**
 * A history check result as one self-contained HTML page (no scripts, styles inline, no network
 * fetches): the verdict and, for a violation, a timeline like Porcupine's — one row per process,
 * each operation a bar from invocation to completion (hatched and open-ended when its outcome is
 * unknown), green with its position when it is in the longest partial linearization, outlined when
 * it is in the failing window, red for the failing operation — followed by the explanation.
 */
export function renderHistoryHtml(result: HistoryCheckResult, context: HistoryReportContext = {}): string {
  const title = context.file ? `History check: ${context.file}` : 'History check';
  const cls = result.verdict === 'ok' ? 'good' : result.verdict === 'violation' ? 'bad' : 'unknown-verdict';
  const body: string[] = [`<h1>${esc(title)}</h1>`, `<p class="verdict ${cls}">${esc(headline(result))}</p>`];
  // Positions go into the style sheet, one rule per placed element by id (no style attributes,
  // which a hash-based CSP would block).
  const placements: string[] = [];
  const place = (css: string): string => {
    placements.push(css);
    return `id="e${placements.length - 1}"`;
  };
  const failure = result.failure;
  if (result.verdict === 'violation' && failure) {
    const byId = opsById(failure);
    const sentences = failureSentences(result, failure);
    if (failure.partition !== undefined) body.push(`<p>Key <code>${esc(failure.partition)}</code> is not ${esc(conditionName(result))} on its own.</p>`);
    if (failure.approximate) body.push('<p><em>Time ran out while explaining: the explanation below is approximate.</em></p>');
    body.push(`<p>${esc(sentences.failing)}</p>`);
    if (sentences.states) body.push(`<p>${esc(sentences.states)}</p>`);

    // The timeline.
    let drawn = failure.ops;
    if (drawn.length > MAX_DRAWN) {
      const window = new Set(failure.window);
      const rest = drawn.filter((op) => !window.has(op.id)).slice(-(MAX_DRAWN - window.size));
      const keep = new Set([...rest.map((op) => op.id), ...window]);
      drawn = drawn.filter((op) => keep.has(op.id));
      body.push(`<p>Showing the ${drawn.length} latest of the ${failure.ops.length} operations of the failing prefix.</p>`);
    }
    const times = [...new Set(drawn.flatMap((op) => (op.ret === null ? [op.call] : [op.call, op.ret])))].sort((a, b) => a - b);
    const slot = new Map(times.map((t, i) => [t, i]));
    const endSlot = times.length + 1;
    const x = (t: number | null): number => LEFT + STEP * (t === null ? endSlot : slot.get(t)! + 0.5);
    const width = x(null) + 20;
    const processes = sortedProcesses(drawn);
    const rows: string[] = [];
    let top = 22;
    const failing = byId.get(failure.failingOp)!;
    for (const p of processes) {
      const mine = drawn.filter((op) => op.process === p);
      const lane = lanes(mine, Infinity);
      const laneCount = Math.max(1, ...[...lane.values()].map((l) => l + 1));
      rows.push(
        `<div class="rowline" ${place(`top:${top - 4}px`)}></div><div class="proc" ${place(`top:${top + 2}px`)} title="${esc(processLabel(p))}">${esc(processLabel(p))}</div>`,
      );
      for (const op of mine) {
        const classes = ['op'];
        if (op.outcome === 'unknown') classes.push('unknown');
        if (op.position !== undefined) classes.push('linearized');
        if (op.window) classes.push('window');
        if (op.id === failure.failingOp) classes.push('failing');
        const left = x(op.call);
        const w = Math.max(STEP * 0.8, x(op.ret) - left);
        const where = op.line !== undefined ? `line ${op.line}, ` : '';
        const status =
          op.position !== undefined
            ? `step ${op.position + 1} of the longest partial linearization (state after: ${failure.longestStates[op.position]})`
            : 'not in the longest partial linearization';
        const tip = `op ${op.id} (${where}${processLabel(op.process)}): ${op.label}\n${op.outcome === 'unknown' ? 'outcome unknown' : 'completed'}; ${status}`;
        const badge = op.position !== undefined ? `<span class="badge">${op.position + 1}</span>` : '';
        rows.push(
          `<div class="${classes.join(' ')}" ${place(`left:${left.toFixed(1)}px;top:${top + (lane.get(op.id) ?? 0) * LANE}px;width:${w.toFixed(1)}px`)} title="${esc(tip)}">${badge}${esc(op.label)}</div>`,
        );
      }
      top += laneCount * LANE + 8;
    }
    const cut = x(failing.ret);
    rows.push(`<div class="cut" ${place(`left:${cut.toFixed(1)}px`)}><span>op ${failing.id} completes: no linearization from here</span></div>`);
    body.push(
      '<h2>Timeline</h2>',
      '<p class="legend"><span class="op linearized">in the longest partial linearization</span><span class="op">not in it</span><span class="op unknown">outcome unknown</span><span class="op window">in the failing window</span><span class="op failing">failing operation</span></p>',
      `<div class="scroll"><div class="timeline" ${place(`width:${Math.ceil(width)}px;height:${top + 4}px`)}>${rows.join('')}</div></div>`,
    );

    // The window, and why nothing could go next.
    body.push('<h2>Failing window</h2>', '<table><tr><th>op</th><th>line</th><th>process</th><th>operation</th><th></th></tr>');
    for (const id of failure.window) {
      const op = byId.get(id)!;
      const note = id === failure.failingOp ? '<strong>fails here</strong>' : op.outcome === 'unknown' ? 'outcome unknown' : '';
      body.push(`<tr><td>${op.id}</td><td>${op.line ?? ''}</td><td>${esc(processLabel(op.process))}</td><td class="mono">${esc(op.label)}</td><td>${note}</td></tr>`);
    }
    body.push('</table>');
    body.push(
      '<h2>Longest partial linearization</h2>',
      `<p>${failure.longest.length} of the ${failure.ops.length} operations of the failing prefix, from state <code>${esc(failure.initialState)}</code> (numbered badges in the timeline). Then, in state <code>${esc(sentences.stuckState)}</code>, no operation can go next:</p>`,
      '<ul>',
    );
    if (failure.stuck.length === 0) body.push('<li>no operation is allowed next by the order of the history</li>');
    for (const s of failure.stuck) {
      const op = byId.get(s.id)!;
      const why = s.expected === s.observed || s.expected === '(nothing)' ? 'fits here, but every way on from there fails' : `the model returns <code>${esc(s.expected)}</code>`;
      body.push(`<li>op ${s.id} (${esc(processLabel(op.process))}) <code>${esc(s.label)}</code>: ${why}</li>`);
    }
    body.push('</ul>');
  }
  const styleSheet = STYLE + placements.map((css, i) => `#e${i} { ${css} }\n`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${historyReportCsp(styleSheet)}">
<title>${esc(title)}</title>
<style>${styleSheet}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
