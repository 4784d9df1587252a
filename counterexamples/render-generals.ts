/**
 * The Two Generals walk-through (`faultline generals`) for a reader: text, Markdown with a
 * Mermaid sequence diagram per run, and JSON whose runs are replayable traces.
 */
import type { GeneralsReport, GeneralsRun, LocalEvent } from '../checker/index.ts';
import { describeAction, describeMessage, encodeEnvironment, faultStep, type ActorModel, type Params } from '../specs/index.ts';
import { mdCode, mdText, mermaidIds, mermaidText } from './escape.ts';
import { traceOfPath } from './trace.ts';

/** What the Two Generals renderers show: the report and what it was run on. */
export interface GeneralsRenderView {
  specFile: string;
  /** The params as `key=value …` (or `(none)`). */
  params: string;
  model: ActorModel;
  report: GeneralsReport;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : String(JSON.stringify(v));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The steps of a general's view the text and Markdown show. */
const VIEW_STEPS = 6;

/** What a general saw: its own steps, or `received nothing`. */
function viewText(events: readonly LocalEvent[]): string {
  const seen = events.filter((e) => e.event !== 'start').map((e) => e.event);
  if (seen.length === 0) return 'received nothing';
  // A long run's view: its first steps and how many more (the JSON has them all).
  return seen.length <= VIEW_STEPS ? seen.join('; ') : `${seen.slice(0, VIEW_STEPS).join('; ')}; … ${seen.length - VIEW_STEPS} more`;
}

/** `every message arrives (2 delivered)`, `1 delivered, 1 lost`, `no message arrives (1 lost)`. */
function runTitle(r: GeneralsReport, i: number): string {
  const run = r.chain[i];
  const what =
    run.lost === 0 ? `every message arrives (${run.delivered} delivered)` : run.delivered === 0 ? `no message arrives (${run.lost} lost)` : `${run.delivered} delivered, then ${run.lost} lost`;
  return `run ${i + 1} of ${r.chain.length}: ${what}`;
}

/** Why this run follows the one before: the general who cannot tell them apart. */
function sameViewText(r: GeneralsReport, i: number): string | undefined {
  const run = r.chain[i];
  if (i === 0 || run.sameViewAsPrevious === undefined) return undefined;
  if (run.sameViewAsPrevious === null) return `both generals can tell it from run ${i}: the argument breaks here`;
  const g = run.sameViewAsPrevious;
  return `${g} cannot tell it from run ${i}: the same view in both, so it does the same (${show(run.decisions[g])})`;
}

function outcomeText(r: GeneralsReport, run: GeneralsRun): string {
  const name = r.agreement.name;
  if (run.failsAt === undefined) {
    if (run.end === 'max-steps') return `the run is still going after ${plural(run.path.actions.length, 'step')}: cut here, undecided`;
    return `${name} holds${run.end === 'bound' ? " (the run stops at the model's bound)" : ''}`;
  }
  return run.failsAt === 0 ? `✗ ${name} fails in the initial state` : `✗ ${name} fails after step ${run.failsAt}`;
}

function header(v: GeneralsRenderView, format: 'text' | 'md'): string[] {
  const r = v.report;
  const [a, b] = r.generals;
  const rows: [string, string][] = [
    ['spec', v.model.name],
    ['params', v.params],
    ['network', v.model.describeEnvironment()],
    ['generals', `${a} and ${b}; ${r.agreement.kind} ${r.agreement.name} says they agree`],
    [
      'chain',
      `${plural(r.chain.length, 'run')}, from every message arriving ${r.chainEnds ? 'until the link may lose no more (see below)' : 'to none'}: each delivers one fewer and loses all the rest`,
    ],
  ];
  if (format === 'md') return [`# Two Generals: ${mdText(v.model.name)}`, '', ...rows.map(([k, val]) => `- **${k}**: ${mdText(val)}`)];
  return [`faultline generals ${v.specFile}`, ...rows.map(([k, val]) => `  ${k.padEnd(8)}  ${val}`)];
}

/** The search that decided the verdict when the chain held. */
function searchText(r: GeneralsReport): string[] {
  const s = r.search;
  const lines: string[] = [];
  if (r.chainEnds) lines.push(`the chain ends here: ${r.chainEnds}`);
  if (!s) return lines;
  const states = plural(s.stats.distinctStates, 'state');
  if (s.verdict === 'pass') lines.push(`${r.agreement.name} holds along the chain, and a search of every reachable state (${states}) finds none where it fails`);
  else if (s.verdict === 'incomplete') lines.push(`${r.agreement.name} holds along the chain; the search of every run stopped (${s.incomplete}) after ${states}`);
  return lines;
}

/** The end of the argument: the run where agreement fails, and why there. */
function conclusion(r: GeneralsReport): string | undefined {
  if (!r.failure) return undefined;
  const i = r.failure.run;
  const run = r.chain[i];
  const name = r.agreement.name;
  if (i === 0) return `${name} fails in run 1, where every message arrives: no loss is needed to break it`;
  const same = run.sameViewAsPrevious;
  if (!same) return `${name} fails in run ${i + 1}`;
  const other = r.generals.find((g) => g !== same)!;
  return `${name} fails in run ${i + 1}: ${same} cannot tell it from run ${i} and does the same (${show(run.decisions[same])}); ${other}, whose view differs, does ${show(run.decisions[other])}`;
}

/** The renderer's steps of a run, numbered from 1. */
function stepLabels(v: GeneralsRenderView, run: GeneralsRun): string[] {
  return run.path.actions.map((a) => describeAction(v.model, a));
}

/** The Two Generals walk-through as text. */
export function renderGeneralsText(v: GeneralsRenderView): string {
  const r = v.report;
  const lines = [...header(v, 'text'), ''];
  const width = Math.max(...r.generals.map((g) => g.length));
  r.chain.forEach((run, i) => {
    lines.push(runTitle(r, i));
    const why = sameViewText(r, i);
    if (why) lines.push(`   ${why}`);
    const labels = stepLabels(v, run);
    const digits = String(labels.length).length;
    labels.forEach((l, j) => lines.push(`  ${run.failsAt === j + 1 ? '✗' : ' '} ${String(j + 1).padStart(digits)}  ${l}`));
    const views = r.generals.map((g) => viewText(run.views[g]));
    const vwidth = Math.max(...views.map((t) => t.length));
    r.generals.forEach((g, j) => {
      const same = run.sameViewAsPrevious === g ? `  (as in run ${i})` : '';
      lines.push(`    ${g.padEnd(width)}  ${views[j].padEnd(vwidth)}  → ${show(run.decisions[g])}${same}`);
    });
    lines.push(`    ${outcomeText(r, run)}`, '');
  });
  for (const l of searchText(r)) lines.push(l);
  const violation = r.search?.violation;
  if (violation) {
    lines.push(`the shortest run that breaks ${r.agreement.name} (${plural(violation.actions.length, 'step')}):`);
    violation.actions.forEach((a, j) => lines.push(`    ${j + 1}  ${describeAction(v.model, a)}`));
  }
  const end = conclusion(r);
  if (end) lines.push(end);
  if (lines.at(-1) !== '') lines.push('');
  lines.push(`verdict: ${r.verdict}`);
  return lines.join('\n');
}

/** A Mermaid sequence diagram of one run: deliveries, losses, and what each general does. */
function runMermaid(v: GeneralsRenderView, run: GeneralsRun): string[] {
  const nodes = v.model.topology.ids;
  const ids = mermaidIds(nodes);
  const lines = ['```mermaid', 'sequenceDiagram'];
  const out = (line: string): void => void lines.push(`    ${line}`);
  for (const node of nodes) out(`participant ${ids.get(node)} as ${mermaidText(node)}`);
  for (const a of run.path.actions) {
    if (a.kind === 'deliver') out(`${ids.get(a.envelope.from)}->>${ids.get(a.envelope.to)}: ${mermaidText(describeMessage(a.envelope.msg))}`);
    else if ('envelope' in a && faultStep(a.kind)?.draw === 'lost-arrow') out(`${ids.get(a.envelope.from)}-x${ids.get(a.envelope.to)}: ${mermaidText(`${describeMessage(a.envelope.msg)} (lost)`)}`);
    else if ('node' in a) out(`Note over ${ids.get(a.node)}: ${mermaidText(describeAction(v.model, a))}`);
    else out(`Note over ${ids.get(nodes[0])},${ids.get(nodes[nodes.length - 1])}: ${mermaidText(describeAction(v.model, a))}`);
  }
  for (const g of v.report.generals) out(`Note over ${ids.get(g)}: ${mermaidText(show(run.decisions[g]))}`);
  lines.push('```');
  return lines;
}

/** The Two Generals walk-through as Markdown: a table and a Mermaid sequence diagram per run. */
export function renderGeneralsMarkdown(v: GeneralsRenderView): string {
  const r = v.report;
  const lines = [...header(v, 'md'), ''];
  r.chain.forEach((run, i) => {
    lines.push(`## ${mdText(runTitle(r, i).replace(/^run/, 'Run'))}`, '');
    const why = sameViewText(r, i);
    if (why) lines.push(`*${mdText(why)}*`, '');
    const labels = stepLabels(v, run);
    if (labels.length > 0) {
      lines.push('| # | step |', '| ---: | --- |');
      labels.forEach((l, j) => lines.push(`| ${run.failsAt === j + 1 ? '✗ ' : ''}${j + 1} | ${mdCode(l)} |`));
      lines.push('');
    }
    lines.push('| general | what it saw | does |', '| --- | --- | --- |');
    for (const g of r.generals) {
      const same = run.sameViewAsPrevious === g ? ` (as in run ${i})` : '';
      lines.push(`| ${mdCode(g)} | ${mdText(viewText(run.views[g]) + same)} | ${mdCode(show(run.decisions[g]))} |`);
    }
    lines.push('', `**${mdText(outcomeText(r, run))}**`, '', ...runMermaid(v, run), '');
  });
  const notes = searchText(r);
  if (notes.length > 0) lines.push(...notes.map((n) => `- ${mdText(n)}`), '');
  const violation = r.search?.violation;
  if (violation) {
    lines.push(`## ${mdText(`The shortest run that breaks ${r.agreement.name} (${plural(violation.actions.length, 'step')})`)}`, '');
    lines.push('| # | step |', '| ---: | --- |', ...violation.actions.map((a, j) => `| ${j + 1} | ${mdCode(describeAction(v.model, a))} |`), '');
  }
  const end = conclusion(r);
  if (end) lines.push(mdText(end), '');
  lines.push(`**Verdict: ${mdText(r.verdict)}**`);
  return lines.join('\n');
}

/** The walk-through as data (`faultline generals --json`): `{ chain: [ … ], verdict, … }`, each run with a replayable trace. */
export function renderGeneralsJson(v: GeneralsRenderView, params: Params): object {
  const r = v.report;
  const origin = { specPath: v.specFile, params, strategy: 'generals', environment: encodeEnvironment(v.model.environment) };
  const agreementTrace = { name: r.agreement.name, kind: r.agreement.kind };
  return {
    spec: { name: v.model.name, path: v.specFile, params, environment: v.model.describeEnvironment() },
    generals: r.generals,
    agreement: r.agreement,
    chain: r.chain.map((run, i) => ({
      run: i + 1,
      delivered: run.delivered,
      lost: run.lost,
      steps: stepLabels(v, run),
      views: Object.fromEntries(r.generals.map((g) => [g, run.views[g]])),
      decisions: run.decisions,
      ...(run.sameViewAsPrevious !== undefined ? { sameViewAsPrevious: run.sameViewAsPrevious } : {}),
      agrees: run.failsAt === undefined,
      ...(run.failsAt !== undefined ? { failsAt: run.failsAt } : {}),
      end: run.end,
      trace: traceOfPath(v.model, run.path, run.failsAt !== undefined ? agreementTrace : { name: `run ${i + 1}`, kind: 'generals' }, origin),
    })),
    ...(r.chainEnds ? { chainEnds: r.chainEnds } : {}),
    failure: r.failure ? { run: r.failure.run + 1, property: r.agreement.name, afterStep: r.failure.state } : null,
    ...(r.search
      ? {
          search: {
            verdict: r.search.verdict,
            stats: r.search.stats,
            ...(r.search.incomplete ? { incomplete: r.search.incomplete } : {}),
            ...(r.search.violation ? { violation: traceOfPath(v.model, r.search.violation, agreementTrace, { ...origin, strategy: 'bfs' }) } : {}),
          },
        }
      : {}),
    ...(r.incomplete ? { incomplete: r.incomplete } : {}),
    verdict: r.verdict,
  };
}
