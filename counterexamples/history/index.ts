/** Renderers of history check results: terminal text, Markdown, and a self-contained HTML timeline. */
export { renderHistoryText } from './render-text.ts';
export { renderHistoryMarkdown } from './render-markdown.ts';
export { historyReportCsp, renderHistoryHtml } from './render-html.ts';
export type { HistoryReportContext } from './report-parts.ts';
