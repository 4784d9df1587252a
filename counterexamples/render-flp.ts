/**
 * The FLP walk-through (`faultline flp`) for a reader: text, Markdown with Mermaid diagrams,
 * and JSON whose runs are replayable traces.
 */
import { showValency, type ConsensusSpec, type FlpReport, type FlpRun } from '../checker/index.ts';
import { describeAction, describeMessage, encodeEnvironment, faultStep, isActorModel, type ActorAction, type Model } from '../specs/index.ts';
import { mdCode, mdText, mermaidIds, mermaidText } from './escape.ts';
import { traceOfPath, type Trace } from './trace.ts';

type AnyModel = Model<unknown, unknown>;
type Report = FlpReport<unknown, unknown>;
type Run = FlpRun<unknown, unknown>;

/** What the FLP renderers show: the walk-through and what it was run on. */
export interface FlpView {
  specFile: string;
  params: string;
  model: AnyModel;
  consensus: ConsensusSpec<unknown, unknown>;
  report: Report;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `node-1=0 node-2=1`, or `(none)`. */
function inputsText(inputs: Record<string, unknown>): string {
  const known = Object.entries(inputs).filter(([, v]) => v !== undefined);
  return known.length === 0 ? 'no inputs yet' : Object.entries(inputs).map(([n, v]) => `${n}=${v === undefined ? '?' : show(v)}`).join(' ');
}

/** Who has decided what in a state: `node-1=0 node-3=0`, or `—`. */
function decisions(v: FlpView, state: unknown): string {
  const parts = v.consensus.nodes
    .map((node) => [node, v.consensus.decision(state, node)] as const)
    .filter(([, d]) => d !== undefined)
    .map(([node, d]) => `${node}=${show(d)}`);
  return parts.length === 0 ? '—' : parts.join(' ');
}

function header(v: FlpView, format: 'text' | 'md'): string[] {
  const r = v.report;
  const s = r.stats;
  const rows: [string, string][] = [
    ['spec', v.model.name],
    ['params', v.params],
    ...(isActorModel(v.model) ? [['network', v.model.describeEnvironment()] as [string, string]] : []),
    [
      'graph',
      `${plural(s.distinctStates, 'state')}, ${plural(s.edges, 'edge')}: ${count(s.bivalent)} bivalent, ${count(s.univalent)} univalent, ${count(s.undecidable)} that can decide nothing`,
    ],
    ['valency', 'the decisions reachable by steps of the nodes (a crash is not a step: to the others a crashed node is a slow one)'],
  ];
  if (format === 'md') return [`# FLP walk-through: ${mdText(v.model.name)}`, '', ...rows.map(([k, val]) => `- **${k}**: ${mdText(val)}`)];
  return [`faultline flp ${v.specFile}`, ...rows.map(([k, val]) => `  ${k.padEnd(8)}  ${val}`)];
}

/** What the lasso's end means. */
function endLine(run: Run, crashed?: string): string {
  if (!run.loop) return '';
  const steps = run.path.actions.length;
  if (run.loop.start < steps) {
    const at = run.loop.start === 0 ? 'the initial state' : `the state after step ${run.loop.start}`;
    return `↺ back to ${at}: steps ${run.loop.start + 1}–${steps} repeat forever, every fair step taken`;
  }
  switch (run.reason) {
    case 'bound':
      return '⟲ time runs out here (the model\'s time bound): the run ends undecided';
    case 'deadlock':
      return '⟲ stays here forever: nothing is enabled';
    default:
      return `⟲ stays here forever: nothing fair is left to do${crashed ? ` (only ${crashed}, crashed, could move)` : ' (only faults are enabled)'}`;
  }
}

interface Row {
  n: number;
  label: string;
  valency: string;
  decided: string;
  loop: boolean;
  crash: boolean;
}

function rowsOf(v: FlpView, run: Run, crash?: { node: string; mode: 'silent' | 'crash' }): { rows: Row[]; notes: Map<number, string> } {
  const { path } = run;
  const values = v.report.values;
  const rows: Row[] = [{ n: 0, label: 'initial state', valency: showValency(run.valency[0], values), decided: decisions(v, path.states[0]), loop: false, crash: false }];
  path.actions.forEach((a, i) => {
    rows.push({
      n: i + 1,
      label: describeAction(v.model, a),
      valency: showValency(run.valency[i + 1], values),
      decided: decisions(v, path.states[i + 1]),
      loop: run.loop !== undefined && i >= run.loop.start,
      crash: crash?.mode === 'crash' && run.crashAt === i,
    });
  });
  const notes = new Map<number, string>();
  if (crash?.mode === 'silent' && run.crashAt !== undefined) notes.set(run.crashAt, `✖ ${crash.node} crashes here: it takes no more steps (messages to it stay in flight)`);
  return { rows, notes };
}

/** Rows 0 .. collapse − 1 as one line (they repeat the run shown above). */
function collapsed(rows: Row[], collapse: number | undefined): (Row | string)[] {
  if (!collapse || collapse < 2) return rows;
  return [collapse === 2 ? '⋮ step 1 as above' : `⋮ steps 1–${collapse - 1} as above`, ...rows.slice(collapse)];
}

function runText(v: FlpView, run: Run, crash?: { node: string; mode: 'silent' | 'crash' }, collapse?: number): string[] {
  const { rows, notes } = rowsOf(v, run, crash);
  const width = Math.max(...rows.map((r) => r.label.length));
  const vwidth = Math.max(...rows.map((r) => r.valency.length));
  const digits = String(rows.length - 1).length;
  const lines: string[] = [];
  for (const r of collapsed(rows, collapse)) {
    if (typeof r === 'string') {
      lines.push(`    ${' '.repeat(digits)}${r}`);
      continue;
    }
    const margin = r.loop ? '↻' : r.crash ? '✖' : ' ';
    lines.push(`  ${margin} ${String(r.n).padStart(digits)}  ${r.label.padEnd(width)}  ${r.valency.padEnd(vwidth)}  ${r.decided === '—' ? '' : `decided ${r.decided}`}`.trimEnd());
    const note = notes.get(r.n);
    if (note) lines.push(`    ${' '.repeat(digits)}  ${note}`);
  }
  const end = endLine(run, crash?.mode === 'silent' ? crash.node : undefined);
  if (end) lines.push(`    ${' '.repeat(digits)}  ${end}`);
  return lines;
}

function runMarkdown(v: FlpView, run: Run, crash?: { node: string; mode: 'silent' | 'crash' }, collapse?: number): string[] {
  const { rows, notes } = rowsOf(v, run, crash);
  const lines = ['| # | step | valency | decided |', '| ---: | --- | --- | --- |'];
  for (const r of collapsed(rows, collapse)) {
    if (typeof r === 'string') {
      lines.push(`|  | *${mdText(r)}* |  |  |`);
      continue;
    }
    const mark = r.loop ? '↻ ' : r.crash ? '✖ ' : '';
    lines.push(`| ${mark}${r.n} | ${mdCode(r.label)} | ${mdText(r.valency)} | ${mdText(r.decided)} |`);
    const note = notes.get(r.n);
    if (note) lines.push(`|  | *${mdText(note)}* |  |  |`);
  }
  const end = endLine(run, crash?.mode === 'silent' ? crash.node : undefined);
  if (end) lines.push(`|  | *${mdText(end)}* |  |  |`);
  return lines;
}

/** A Mermaid sequence diagram of an actor run, its loop in a `loop` block. */
function runMermaid(v: FlpView, run: Run, crash?: { node: string; mode: 'silent' | 'crash' }): string[] {
  if (!isActorModel(v.model)) return [];
  const nodes = v.model.topology.ids;
  const ids = mermaidIds(nodes);
  const lines = ['```mermaid', 'sequenceDiagram'];
  const out = (line: string, indent = 1): void => void lines.push(`${'    '.repeat(indent)}${line}`);
  for (const node of nodes) out(`participant ${ids.get(node)} as ${mermaidText(node)}`);
  const values = v.report.values;
  const actions = run.path.actions as ActorAction[];
  let indent = 1;
  actions.forEach((a, i) => {
    if (run.loop && i === run.loop.start) {
      out('loop forever', indent);
      indent = 2;
    }
    const tag = showValency(run.valency[i + 1], values);
    const label = mermaidText(`${describeAction(v.model, a)} · ${tag}`);
    const chose = a.chosen.length > 0 ? ` [chose ${a.chosen.map(show).join(', ')}]` : '';
    if (a.kind === 'deliver') out(`${ids.get(a.envelope.from)}->>${ids.get(a.envelope.to)}: ${mermaidText(`${describeMessage(a.envelope.msg)}${chose} · ${tag}`)}`, indent);
    else if ('envelope' in a && faultStep(a.kind)?.draw === 'lost-arrow') out(`${ids.get(a.envelope.from)}-x${ids.get(a.envelope.to)}: ${label}`, indent);
    else if ('node' in a) out(`Note over ${ids.get(a.node)}: ${a.kind === 'crash' ? '✖ ' : ''}${label}`, indent);
    else out(`Note over ${ids.get(nodes[0])},${ids.get(nodes[nodes.length - 1])}: ${label}`, indent);
    if (crash?.mode === 'silent' && run.crashAt === i + 1) out(`Note over ${ids.get(crash.node)}: ✖ crashes: no more steps`, indent);
  });
  if (crash?.mode === 'silent' && run.crashAt === 0) out(`Note over ${ids.get(crash.node)}: ✖ crashes: no more steps`, indent);
  if (run.loop && run.loop.start >= actions.length) out(`Note over ${ids.get(nodes[0])},${ids.get(nodes[nodes.length - 1])}: ${mermaidText(endLine(run, crash?.node))}`, indent);
  if (indent === 2) out('end');
  lines.push('```');
  return lines;
}

/** The sections of the walk-through, as (heading, paragraphs, runs) — shared by text and Markdown. */
interface Section {
  title: string;
  text: string[];
  /** `collapse`: the first steps repeat an earlier run, up to this step: shown as one line. */
  run?: { run: Run; crash?: { node: string; mode: 'silent' | 'crash' }; collapse?: number };
}

function sections(v: FlpView): Section[] {
  const r = v.report;
  const values = r.values;
  const out: Section[] = [];

  const inits = r.initial.slice(0, 16).map((c, i) => `#${i}  ${inputsText(c.inputs)}  ${showValency(c.valency, values)}`);
  if (r.initial.length > 16) inits.push(`… ${r.initial.length - 16} more`);
  const first: string[] = [...inits];
  if (r.bivalentInitial !== undefined) {
    first.push(`bivalent initial configuration: #${r.bivalentInitial} ${showValency(r.initial[r.bivalentInitial].valency, values)} — both decisions are still possible`);
  } else {
    first.push(`no bivalent initial configuration: ${r.noBivalentInitial}`);
    if (r.adjacent) {
      const a = r.initial[r.adjacent.a];
      const b = r.initial[r.adjacent.b];
      first.push(`adjacent: #${r.adjacent.a} ${showValency(a.valency, values)} and #${r.adjacent.b} ${showValency(b.valency, values)} differ only in ${r.adjacent.node}'s input`);
    }
  }
  out.push({ title: `1. Initial configurations (${r.initial.length})`, text: first });

  if (r.critical) {
    const c = r.critical;
    out.push({
      title: `2. Critical configuration ${showValency(c.valency, values)} after ${plural(c.run.path.actions.length, 'step')}: every step from it is univalent; ${c.node}'s next step decides`,
      text: c.steps.map((s) => `${s.label}  → ${showValency(s.valency, values)}`),
      run: { run: c.run },
    });
  } else {
    out.push({ title: '2. Critical configuration: none', text: [r.noCritical ?? (r.bivalentInitial === undefined ? 'no bivalent configuration is reachable' : 'none found')] });
  }

  if (r.crash) {
    const k = r.crash;
    const where = k.at === 'critical' ? 'at the critical configuration' : 'before its first step';
    const how = k.mode === 'silent' ? 'it stops taking steps' : 'the environment crashes it: its inbox is lost, and the others can time it out';
    const what = {
      disagreement: 'the others decide differently: agreement fails',
      'non-termination': 'a fair run in which some live node never decides: termination fails',
      decides: 'the others still decide, and agree: the crash is detected (only timing can tell a crashed node from a slow one)',
    }[k.outcome];
    const text: string[] = [];
    if (k.at === 'start' && r.adjacent) {
      text.push(`from #${r.adjacent.a}; the others cannot tell it from #${r.adjacent.b}: without ${k.node}'s input they see the same in both`);
    }
    const collapse = k.at === 'critical' ? r.critical?.run.path.actions.length : undefined;
    out.push({ title: `3. Crash ${k.node} ${where} (${how}): ${what}`, text, run: { run: k.run, crash: { node: k.node, mode: k.mode }, ...(collapse ? { collapse } : {}) } });
  } else {
    out.push({ title: '3. Crash: no node to crash (no critical configuration)', text: [] });
  }

  if (r.disagreement) out.push({ title: `Disagreement, shortest (${plural(r.disagreement.path.actions.length, 'step')})`, text: [], run: { run: r.disagreement } });
  if (r.invalid) out.push({ title: `Invalid decision, shortest (${plural(r.invalid.path.actions.length, 'step')})`, text: [], run: { run: r.invalid } });
  if (r.nonTermination && r.crash?.outcome !== 'non-termination') {
    const n = r.nonTermination;
    out.push({ title: `A run that never decides (${n.crashes === 0 ? 'no crash' : plural(n.crashes, 'crash', 'crashes')})`, text: [], run: { run: n } });
  }
  return out;
}

export function renderFlpText(v: FlpView): string {
  const lines = [...header(v, 'text'), ''];
  for (const s of sections(v)) {
    lines.push(s.title);
    for (const t of s.text) lines.push(`   ${t}`);
    if (s.run) lines.push(...runText(v, s.run.run, s.run.crash, s.run.collapse));
    lines.push('');
  }
  lines.push(`verdict: ${v.report.verdict}`);
  return lines.join('\n');
}

export function renderFlpMarkdown(v: FlpView): string {
  const lines = [...header(v, 'md'), ''];
  for (const s of sections(v)) {
    lines.push(`## ${mdText(s.title)}`, '');
    if (s.text.length > 0) lines.push(...s.text.map((t) => `- ${mdText(t)}`), '');
    if (s.run) {
      lines.push(...runMarkdown(v, s.run.run, s.run.crash, s.run.collapse), '');
      const diagram = runMermaid(v, s.run.run, s.run.crash);
      if (diagram.length > 0) lines.push(...diagram, '');
    }
  }
  lines.push(`**Verdict: ${mdText(v.report.verdict)}**`);
  return lines.join('\n');
}

function runJson(v: FlpView, run: Run, params: Record<string, string | number | boolean>, property: string): object {
  const trace: Trace = traceOfPath(v.model, run.path, { name: property, kind: 'flp' }, {
    specPath: v.specFile,
    params,
    strategy: 'flp',
    ...(isActorModel(v.model) ? { environment: encodeEnvironment(v.model.environment) } : {}),
  });
  if (run.loop) trace.loop = run.loop;
  return {
    length: run.path.actions.length,
    ...(run.loop ? { loop: run.loop, reason: run.reason } : {}),
    ...(run.crashAt !== undefined ? { crashAt: run.crashAt } : {}),
    valency: run.valency.map((x) => showValency(x, v.report.values)),
    trace,
  };
}

export function renderFlpJson(v: FlpView, params: Record<string, string | number | boolean>): object {
  const r = v.report;
  const val = (x: number): string => showValency(x, r.values);
  return {
    verdict: r.verdict,
    stats: r.stats,
    ...(r.incomplete ? { incomplete: r.incomplete } : {}),
    values: r.values,
    initial: r.initial.map((c) => ({ index: c.initIndex, inputs: c.inputs, valency: val(c.valency) })),
    bivalentInitial: r.bivalentInitial ?? null,
    ...(r.noBivalentInitial ? { noBivalentInitial: r.noBivalentInitial } : {}),
    ...(r.adjacent ? { adjacent: r.adjacent } : {}),
    critical: r.critical
      ? { valency: val(r.critical.valency), node: r.critical.node, steps: r.critical.steps.map((s) => ({ ...s, valency: val(s.valency) })), run: runJson(v, r.critical.run, params, 'critical') }
      : null,
    ...(r.noCritical ? { noCritical: r.noCritical } : {}),
    crash: r.crash ? { node: r.crash.node, at: r.crash.at, mode: r.crash.mode, outcome: r.crash.outcome, run: runJson(v, r.crash.run, params, `crash ${r.crash.node}`) } : null,
    disagreement: r.disagreement ? runJson(v, r.disagreement, params, 'Agreement') : null,
    nonTermination: r.nonTermination ? { crashes: r.nonTermination.crashes, ...runJson(v, r.nonTermination, params, 'Termination') } : null,
  };
}
