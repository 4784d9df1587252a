import { renderDot, renderHtml, renderMarkdown, renderMermaid, renderText, type Trace } from '../counterexamples/index.ts';

/** The formats a trace renders to. */
export type TraceFormat = 'text' | 'md' | 'mermaid' | 'html' | 'dot';

/** The formats, for messages and option parsing. */
export const TRACE_FORMATS: readonly TraceFormat[] = ['text', 'md', 'mermaid', 'html', 'dot'];

/**
 * Renders a trace for a reader: `text` (per-step diffs, for terminals and test failures),
 * `md` (Markdown with a Mermaid sequence diagram, renders on GitHub and GitLab), `mermaid`,
 * `html` (one offline page with a step slider) or `dot` (Graphviz).
 */
export function render(trace: Trace, format: TraceFormat): string {
  switch (format) {
    case 'text':
      return renderText(trace);
    case 'md':
      return renderMarkdown(trace);
    case 'mermaid':
      return renderMermaid(trace);
    case 'html':
      return renderHtml(trace);
    case 'dot':
      return renderDot(trace);
    default:
      throw new RangeError(`unknown format "${String(format)}" (use one of: ${TRACE_FORMATS.join(', ')})`);
  }
}
