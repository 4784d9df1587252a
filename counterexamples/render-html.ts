import { createHash } from 'node:crypto';
import { jsonText } from './diff.ts';
import { escapeHtml as esc } from './escape.ts';
import { describeFaults, SHOW_DEPTH, valueText } from './render-text.ts';
import {
  changesOf,
  changeText,
  clockText,
  environmentText,
  faultCaption,
  faultNodes,
  isFaultEvent,
  isLostArrow,
  isWorldState,
  ofNode,
  paramsText,
  propertyText,
  strategyText,
  statesOf,
  timelineOf,
  type TimelineEvent,
} from './timeline.ts';
import type { Change } from './diff.ts';
import type { Trace } from './trace.ts';

// Geometry of the sequence diagram, in SVG user units (px).
const MARGIN = 16;
const HEAD_Y = 12;
const HEAD_H = 30;
const TOP = HEAD_Y + HEAD_H + 12;
const ROW = 34;
const CHAR = 7; // estimated width of a character at 12px
const MIN_COL = 150;
const MAX_COL = 360;

/** Text of an event as the diagram labels it. */
function eventText(e: TimelineEvent): string {
  const n = `${e.step}. `;
  const choice = e.chose === undefined ? '' : ` [chose ${e.chose}]`;
  if (isFaultEvent(e)) return `${n}${faultCaption(e)}${choice}`;
  switch (e.kind) {
    case 'deliver':
      return `${n}${e.message}${choice}`;
    case 'timer': {
      const local = ofNode(e.clocks?.local, e.node);
      return `${n}timer ${e.timer}${local === undefined ? '' : ` (local clock ${valueText(local)})`}${choice}`;
    }
    case 'tick':
      return `${n}tick → ${e.clocks ? clockText(e.clocks) : `t=${e.t}`}${e.drift === undefined ? '' : ` (drift ${e.drift})`}${choice}`;
    default:
      return `${n}${e.label}`;
  }
}

/** The link of an event drawn as an arrow: a delivery, or a fault step drawn as a lost arrow. */
function arrowOf(e: TimelineEvent): { from: string; to: string; lost: boolean; cls: string } | undefined {
  if (e.kind === 'deliver') return { from: e.from, to: e.to, lost: false, cls: 'arrow delivered' };
  if (isFaultEvent(e) && e.subject === 'envelope' && isLostArrow(e)) return { from: e.from, to: e.to, lost: true, cls: `arrow ${e.fault.past}` };
  return undefined;
}

function num(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** Options of {@link renderSequenceDiagram}. */
export interface SequenceDiagramOptions {
  /** The note of the last row (default `✗ <property> violated`); `false` draws no last row (a path that violates nothing). */
  end?: string | false;
}

/**
 * The sequence diagram of a trace as inline SVG: lifelines, an arrow per delivered message
 * (`arrow delivered`, with `data-from`/`data-to`), lost arrows, notes; one `system` lifeline
 * for kernel traces. Every spec-provided text is HTML-escaped. The HTML report embeds it, and
 * so does `faultline explore` for the path walked so far.
 */
export function renderSequenceDiagram(trace: Trace, options: SequenceDiagramOptions = {}): string {
  return diagram(trace, options.end === undefined ? `✗ ${propertyText(trace)} violated` : options.end);
}

/** The sequence diagram as inline SVG: lifelines, an arrow per delivered message, lost arrows, notes. */
function diagram(trace: Trace, end: string | false = `✗ ${propertyText(trace)} violated`): string {
  const timeline = timelineOf(trace);
  const nodes = timeline.actor && timeline.nodes.length > 0 ? timeline.nodes : ['system'];
  const index = (n: string): number => nodes.indexOf(n);
  const states = statesOf(trace);

  // Columns wide enough for the longest arrow label over the columns it spans.
  let col = MIN_COL;
  for (const node of nodes) col = Math.max(col, node.length * CHAR + 24);
  for (const e of timeline.events) {
    const arrow = arrowOf(e);
    if (arrow) {
      const span = Math.max(1, Math.abs(index(arrow.from) - index(arrow.to)));
      col = Math.max(col, (eventText(e).length * CHAR + 24) / span);
    }
  }
  col = Math.min(MAX_COL, col);
  const x = (n: string): number => MARGIN + col * (index(n) + 0.5);
  const rows = trace.steps.length + (end === false ? 1 : 2); // initial state, the steps, the violation
  // A loop, not Math.max(...): a long trace has more events than a call has arguments.
  let noteWidest = ((end === false ? '' : end).length + 2) * CHAR;
  for (const e of timeline.events) noteWidest = Math.max(noteWidest, eventText(e).length * CHAR + 16);
  const width = Math.max(MARGIN * 2 + col * nodes.length, noteWidest + MARGIN * 2);
  const height = TOP + rows * ROW + 8;
  const rowY = (r: number): number => TOP + r * ROW;
  const out: string[] = [];
  const push = (s: string): void => void out.push(s);

  push(
    `<svg class="diagram at-end" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" role="img" aria-label="sequence diagram">`,
  );
  push(
    '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
  );
  // Lifelines, one segment per run of rows where the node is up (or down: dashed).
  const downAt = (node: string, r: number): boolean => {
    const state = states[Math.min(r, states.length - 1)];
    return isWorldState(state) && state.down.includes(node);
  };
  for (const node of nodes) {
    const cx = num(x(node));
    push(`<g class="lifeline" data-node="${esc(node)}">`);
    for (let from = 0, r = 1; r <= rows; r++) {
      const down = downAt(node, from);
      if (r < rows && downAt(node, r) === down) continue;
      push(`<line class="life${down ? ' down' : ''}" x1="${cx}" y1="${num(rowY(from))}" x2="${cx}" y2="${num(rowY(r))}"/>`);
      from = r;
    }
    push(`<rect class="head" x="${num(x(node) - col / 2 + 8)}" y="${HEAD_Y}" width="${num(col - 16)}" height="${HEAD_H}" rx="4"/>`);
    push(`<text class="head" x="${cx}" y="${HEAD_Y + HEAD_H / 2 + 4}" text-anchor="middle">${esc(node)}</text></g>`);
  }

  const band = (r: number): string => `<rect class="band" x="0" y="${num(rowY(r))}" width="${num(width)}" height="${ROW}"/>`;
  const note = (kind: string, r: number, over: string[], text: string): string => {
    const xs = over.map(x);
    const left = Math.min(...xs) - col / 2 + 12;
    const right = Math.max(...xs) + col / 2 - 12;
    const w = Math.max(right - left, text.length * CHAR + 16);
    const cx = (left + right) / 2;
    const lx = Math.max(2, Math.min(width - w - 2, cx - w / 2));
    return (
      `<g class="note ${kind}"><rect x="${num(lx)}" y="${num(rowY(r) + 5)}" width="${num(w)}" height="${ROW - 10}" rx="3"/>` +
      `<text x="${num(lx + w / 2)}" y="${num(rowY(r) + ROW / 2 + 4)}" text-anchor="middle">${esc(text)}</text></g>`
    );
  };
  const everyone = [nodes[0], nodes[nodes.length - 1]];

  // Row 0: the initial state.
  const start = trace.initial.clocks ? `0. initial state: ${clockText(trace.initial.clocks)}` : '0. initial state';
  push(`<g class="step${trace.steps.length === 0 ? ' current' : ''}" data-step="0">${band(0)}${note('initial', 0, everyone, start)}</g>`);

  for (const e of timeline.events) {
    const r = e.step;
    const y = rowY(r) + ROW / 2 + 6;
    const text = eventText(e);
    const arrow = arrowOf(e);
    let body: string;
    if (arrow && arrow.from === arrow.to) {
      // A message to oneself: a loop to the right of the lifeline.
      const x1 = x(arrow.from);
      body =
        `<g class="${arrow.cls}"><path d="M${num(x1)},${num(y - 8)} h28 v10 h-26" fill="none"${arrow.lost ? '' : ' marker-end="url(#head)"'}/>` +
        `<text x="${num(x1 + 34)}" y="${num(y - 1)}">${esc(text)}</text></g>`;
    } else if (arrow && !arrow.lost) {
      const x1 = x(arrow.from);
      const x2 = x(arrow.to);
      body =
        `<g class="${arrow.cls}" data-from="${esc(arrow.from)}" data-to="${esc(arrow.to)}"><line x1="${num(x1)}" y1="${num(y)}" x2="${num(x2 + (x2 > x1 ? -2 : 2))}" y2="${num(y)}" marker-end="url(#head)"/>` +
        `<text x="${num((x1 + x2) / 2)}" y="${num(y - 5)}" text-anchor="middle">${esc(text)}</text></g>`;
    } else if (arrow) {
      // A lost arrow: it stops short of the receiver, ending in a cross.
      const x1 = x(arrow.from);
      const x2 = x(arrow.to);
      const xe = x1 + (x2 - x1) * 0.7;
      body =
        `<g class="${arrow.cls}" data-from="${esc(arrow.from)}" data-to="${esc(arrow.to)}"><line x1="${num(x1)}" y1="${num(y)}" x2="${num(xe)}" y2="${num(y)}"/>` +
        `<path class="cross" d="M${num(xe - 5)},${num(y - 5)} l10,10 m0,-10 l-10,10"/>` +
        `<text x="${num((x1 + x2) / 2)}" y="${num(y - 5)}" text-anchor="middle">${esc(text)}</text></g>`;
    } else if (e.kind === 'timer') {
      body = note(e.kind, r, [e.node], text);
    } else {
      body = note(e.kind, r, (isFaultEvent(e) && faultNodes(e)) || everyone, text);
    }
    push(`<g class="step${r === trace.steps.length ? ' current' : ''}" data-step="${r}">${band(r)}${body}</g>`);
  }
  if (end !== false) push(`<g class="end">${note('violation', rows - 1, everyone, end)}</g>`);
  push('</svg>');
  return out.join('\n');
}

function changeItem(c: Change): string {
  return `<li class="${c.kind}"><code>${esc(changeText(c))}</code></li>`;
}

/** One panel per step: the action, the clocks, what changed, the whole state after it. */
function panels(trace: Trace): string {
  const changes = changesOf(trace);
  const states = statesOf(trace);
  const last = trace.steps.length;
  return changes
    .map((diff, i) => {
      const title = i === 0 ? 'Initial state' : `Step ${i}: <code>${esc(trace.steps[i - 1].label)}</code>`;
      const clocks = i === 0 ? trace.initial.clocks : trace.steps[i - 1].clocks;
      const body = diff.length === 0 ? '<p class="none">(no change)</p>' : `<ul class="changes">${diff.map(changeItem).join('')}</ul>`;
      const verdict = i === last ? `<p class="verdict">✗ ${esc(propertyText(trace))} is violated in this state</p>` : '';
      return (
        `<section class="panel" data-step="${i}"${i === last ? '' : ' hidden'}><h2>${title}</h2>` +
        (clocks ? `<p class="clock">time: ${esc(clockText(clocks))}</p>` : '') +
        `${verdict}${body}<details><summary>whole state ${i === 0 ? 'initially' : `after step ${i}`}</summary>` +
        `<pre>${esc(jsonText(states[i], { indent: 2, show: true, maxDepth: SHOW_DEPTH }))}</pre></details></section>`
      );
    })
    .join('\n');
}

function summary(trace: Trace): string {
  const environment = environmentText(trace.environment);
  const rows: [string, string][] = [
    ['spec', `${esc(trace.spec.name)} <code>${esc(trace.spec.path)}</code>`],
    ['params', esc(paramsText(trace.params))],
    ...(environment === undefined ? [] : [['environment', esc(environment)] as [string, string]]),
    ['strategy', esc(strategyText(trace))],
    ['property', `${esc(trace.property.kind)} <strong>${esc(trace.property.name)}</strong>`],
    ['steps', String(trace.steps.length)],
    ['faults', esc(describeFaults(trace.faults))],
  ];
  return `<table class="summary">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 12px}h2{font-size:15px;margin:0 0 8px}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
table.summary{border-collapse:collapse;margin-bottom:16px}
table.summary th{text-align:left;padding:3px 12px 3px 0;color:#59636e;font-weight:600}
table.summary td{padding:3px 0}
.controls{display:flex;align-items:center;gap:10px;margin:8px 0 12px;position:sticky;top:0;background:#fff;padding:6px 0;z-index:1}
.controls input[type=range]{flex:1;max-width:520px}
.layout{display:flex;gap:20px;align-items:flex-start;flex-wrap:wrap}
.scroll{overflow:auto;max-width:100%;border:1px solid #d1d9e0;border-radius:6px}
.side{flex:1;min-width:300px}
svg.diagram{display:block;font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
svg .life{stroke:#8c959f;stroke-width:1.5}svg .life.down{stroke:#cf222e;stroke-dasharray:4 4}
svg rect.head{fill:#f6f8fa;stroke:#57606a}svg text.head{font-weight:600}
svg .band{fill:transparent}svg .step{cursor:pointer}svg .step.current .band{fill:#fff8c5}
svg .step.future{opacity:.25}svg .end{opacity:.25}svg.at-end .end{opacity:1}
svg .arrow line,svg .arrow path{stroke:#0969da;stroke-width:1.6;fill:none}svg marker path{fill:#0969da}
svg .arrow.dropped line{stroke:#cf222e;stroke-dasharray:5 3}svg .arrow.dropped path{stroke:#cf222e;stroke-width:2}
svg .arrow text{fill:#1f2328;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
svg .note rect{fill:#f6f8fa;stroke:#d1d9e0}
svg .note.crash rect,svg .note.partition rect{fill:#ffebe9;stroke:#ff8182}
svg .note.recover rect,svg .note.heal rect{fill:#dafbe1;stroke:#4ac26b}
svg .note.timer rect,svg .note.tick rect{fill:#ddf4ff;stroke:#54aeff}
svg .note.duplicate rect{fill:#fff8c5;stroke:#d4a72c}
svg .note.violation rect{fill:#cf222e;stroke:#cf222e}svg .note.violation text{fill:#fff;font-weight:600}
.panel ul.changes{list-style:none;padding:0;margin:0 0 8px}
.panel li{padding:2px 6px;border-left:3px solid #d1d9e0;margin:2px 0;word-break:break-word}
.panel li.added{border-color:#1a7f37;background:#dafbe1}.panel li.removed{border-color:#cf222e;background:#ffebe9}
.panel li.set{border-color:#0969da;background:#ddf4ff}
.panel .verdict{color:#cf222e;font-weight:600}.panel .clock{color:#59636e}
.panel pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:420px}
`;

// Static: never holds spec-provided text.
const SCRIPT = `
(function () {
  var slider = document.getElementById('step');
  var total = Number(slider.max);
  var svg = document.querySelector('svg.diagram');
  var steps = Array.prototype.slice.call(document.querySelectorAll('svg .step'));
  var panels = Array.prototype.slice.call(document.querySelectorAll('.panel'));
  var position = document.getElementById('position');
  function show(i) {
    i = Math.max(0, Math.min(total, i));
    slider.value = String(i);
    steps.forEach(function (g) {
      var s = Number(g.getAttribute('data-step'));
      g.classList.toggle('current', s === i);
      g.classList.toggle('future', s > i);
    });
    panels.forEach(function (p) { p.hidden = Number(p.getAttribute('data-step')) !== i; });
    svg.classList.toggle('at-end', i === total);
    position.textContent = 'step ' + i + ' of ' + total;
  }
  slider.addEventListener('input', function () { show(Number(slider.value)); });
  document.getElementById('prev').addEventListener('click', function () { show(Number(slider.value) - 1); });
  document.getElementById('next').addEventListener('click', function () { show(Number(slider.value) + 1); });
  steps.forEach(function (g) { g.addEventListener('click', function () { show(Number(g.getAttribute('data-step'))); }); });
  document.addEventListener('keydown', function (e) {
    if (e.target === slider) return;
    if (e.key === 'ArrowLeft') show(Number(slider.value) - 1);
    if (e.key === 'ArrowRight') show(Number(slider.value) + 1);
  });
  show(Number(slider.value));
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;

/** A CSP source for an inline element's text: `'sha256-…'` of its UTF-8 bytes. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's Content Security Policy: nothing may be fetched, framed, submitted or used as
 * a base URL; the only style and the only script allowed are the page's own static ones,
 * by hash. No `'unsafe-inline'`: were some spec text ever to reach the page as markup, the
 * browser would still refuse to run it or style with it.
 */
export const HTML_CSP = [
  "default-src 'none'",
  `style-src ${cspHash(STYLE)}`,
  `script-src ${cspHash(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * A trace as one self-contained HTML page that works offline: a summary, the sequence
 * diagram drawn as inline SVG (lifelines, one `arrow delivered` per delivered message,
 * lost arrows for drops, notes for timers, crashes, partitions, ticks; dashed lifelines
 * while a node is down; one `system` lifeline for kernel traces), a step slider that
 * highlights the step and shows what it changed and the whole state after it. A Content
 * Security Policy ({@link HTML_CSP}) forbids every fetch and allows only the page's own
 * static style and script, by hash; every spec-provided text is HTML-escaped.
 */
export function renderHtml(trace: Trace): string {
  const n = trace.steps.length;
  const title = `${propertyText(trace)} violated in ${trace.spec.name}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="faultline">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(title)}</h1>`,
    summary(trace),
    '<div class="controls">',
    '<button id="prev" type="button" aria-label="previous step">◀</button>',
    `<input id="step" type="range" min="0" max="${n}" value="${n}" step="1" aria-label="step">`,
    '<button id="next" type="button" aria-label="next step">▶</button>',
    `<span id="position">step ${n} of ${n}</span>`,
    '</div>',
    '<div class="layout">',
    `<div class="scroll">${diagram(trace)}</div>`,
    `<div class="side">${panels(trace)}</div>`,
    '</div>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
