import { mermaidIds, mermaidText } from './escape.ts';
import { valueText } from './render-text.ts';
import { changesOf, changeText, clockText, faultCaption, isFaultEvent, isLostArrow, ofNode, propertyText, timelineOf, type TimelineEvent } from './timeline.ts';
import type { Trace } from './trace.ts';

/** Lines of state changes a kernel-trace note shows before eliding the rest. */
const NOTE_CHANGES = 6;

function withChoice(text: string, e: TimelineEvent): string {
  return e.chose === undefined ? text : `${text} [chose ${e.chose}]`;
}

/**
 * A trace as a Mermaid `sequenceDiagram` that renders on GitHub and GitLab as is.
 *
 * Actor traces: one participant per node in node order; each delivered message is an
 * arrow sender→receiver at the step it is delivered; timers and clock ticks are notes (with
 * the local clocks when the trace is timed); fault steps are drawn as their table entry
 * (specs/actor/faults.ts) says: a lost arrow (`-x`, a drop) or a note over their subject; a last note names the violated property.
 * Kernel traces have no nodes: one `system` participant with a note per step (the action
 * and what it changed). Every spec-provided text goes through {@link mermaidText}; every
 * participant has a safe id and its node id as alias.
 */
export function renderMermaid(trace: Trace): string {
  const timeline = timelineOf(trace);
  const lines = ['sequenceDiagram'];
  const out = (line: string): void => void lines.push(`    ${line}`);
  const end = `✗ ${mermaidText(propertyText(trace))} violated`;

  if (!timeline.actor) {
    out('participant system');
    const changes = changesOf(trace);
    trace.steps.forEach((step, i) => {
      if (trace.loop && i === trace.loop.start) out('loop forever');
      const diff = changes[i + 1].map(changeText);
      const shown = diff.length > NOTE_CHANGES ? [...diff.slice(0, NOTE_CHANGES - 1), `… ${diff.length - NOTE_CHANGES + 1} more`] : diff;
      out(`Note over system: ${[`${i + 1}. ${step.label}`, ...shown].map(mermaidText).join('<br/>')}`);
    });
    if (trace.loop && trace.loop.start < trace.steps.length) out('end');
    else if (trace.loop) out('Note over system: ⟲ stays here forever');
    out(`Note over system: ${end}`);
    return lines.join('\n');
  }

  const { nodes } = timeline;
  const ids = mermaidIds(nodes);
  const id = (node: string): string => ids.get(node)!;
  const over = (...which: string[]): string => {
    const at = [...new Set(which)].sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b));
    return at.length === 1 ? id(at[0]) : `${id(at[0])},${id(at[at.length - 1])}`;
  };
  const everyone = nodes.length === 0 ? '' : over(nodes[0], nodes[nodes.length - 1]);

  for (const node of nodes) out(`participant ${id(node)} as ${mermaidText(node)}`);
  if (nodes.length === 0) out('participant system');
  const note = (where: string, text: string): void => out(`Note over ${where || 'system'}: ${mermaidText(text)}`);
  if (trace.initial.clocks) note(everyone, `start: ${clockText(trace.initial.clocks)}`);

  // A lasso: the steps after state `loop.start` repeat forever (a Mermaid `loop` block).
  const loopStart = trace.loop?.start;
  let looping = false;
  for (const e of timeline.events) {
    if (loopStart !== undefined && !looping && e.step > loopStart) {
      out('loop forever');
      looping = true;
    }
    const n = `${e.step}. `;
    if (isFaultEvent(e)) {
      // A fault step, drawn as its table entry says: a lost arrow, or a note over its subject
      // (a note over a link names the link: a note has no direction).
      const caption = n + faultCaption(e);
      if (e.subject === 'envelope' && isLostArrow(e)) out(`${id(e.from)}-x${id(e.to)}: ${mermaidText(withChoice(caption, e))}`);
      else if (e.subject === 'envelope') note(over(e.from, e.to), withChoice(`${caption} ${e.from}→${e.to}`, e));
      else if (e.subject === 'node') note(over(e.node), withChoice(caption, e));
      else note(everyone, withChoice(caption, e));
      continue;
    }
    switch (e.kind) {
      case 'deliver':
        out(`${id(e.from)}->>${id(e.to)}: ${mermaidText(withChoice(n + e.message, e))}`);
        break;
      case 'timer': {
        const local = ofNode(e.clocks?.local, e.node);
        note(over(e.node), withChoice(`${n}timer ${e.timer}${local === undefined ? '' : ` (local clock ${valueText(local)})`}`, e));
        break;
      }
      case 'tick': {
        const when = e.clocks ? clockText(e.clocks) : `t=${e.t}`;
        note(everyone, withChoice(`${n}tick → ${when}${e.drift === undefined ? '' : ` (drift ${e.drift})`}`, e));
        break;
      }
      case 'other':
        note(everyone, n + e.label);
        break;
    }
  }
  if (looping) out('end');
  else if (loopStart !== undefined) note(everyone, '⟲ stays here forever: nothing fair is left to do');
  out(`Note over ${everyone || 'system'}: ${end}`);
  return lines.join('\n');
}
