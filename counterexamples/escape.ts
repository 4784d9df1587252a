/**
 * Escaping of spec-provided text (node ids, message fields, action labels, state values)
 * for each output language of the renderers. Nothing a spec says may change the structure
 * of a report: it is always shown as text.
 */

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Characters with a meaning in a Mermaid statement, as Mermaid entity codes. */
const MERMAID_ENTITIES: Record<string, string> = {
  '#': '#35;',
  ';': '#59;',
  '"': '#quot;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '{': '#123;',
  '}': '#125;',
  '→': '#8594;',
  '%': '#37;',
  '\\': '#92;',
  '$': '#36;',
};

/**
 * Text for a Mermaid message, note or participant alias: one line, and `#` `;` quotes,
 * braces, angle brackets and arrows written as Mermaid entity codes (`#59;`), which
 * Mermaid decodes after parsing, so they render as themselves.
 */
export function mermaidText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[#;"&<>{}→%\\$]/g, (c) => MERMAID_ENTITIES[c]!);
}

const MERMAID_KEYWORDS = new Set(
  (
    'participant actor as loop alt else opt par and rect end note over left right of activate deactivate ' +
    'autonumber title critical break box links link properties details create destroy option accTitle accDescr'
  )
    .toLowerCase()
    .split(' '),
);

/**
 * Safe Mermaid participant ids for node ids (which may hold `-`, `→` or anything):
 * letters, digits and `_`, never a keyword, distinct for distinct nodes.
 */
export function mermaidIds(nodes: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    let base = node.replace(/[^A-Za-z0-9_]/g, '_');
    if (base === '' || /^[0-9_]/.test(base) || MERMAID_KEYWORDS.has(base.toLowerCase()) || /^x/i.test(base)) base = `n_${base}`;
    let id = base;
    for (let i = 2; taken.has(id.toLowerCase()); i++) id = `${base}_${i}`;
    taken.add(id.toLowerCase());
    ids.set(node, id);
  }
  return ids;
}

/**
 * Markdown inline text (a table cell, a heading): Markdown and HTML punctuation
 * backslash-escaped, `|` escaped for tables, one line.
 */
export function mdText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|~&$#!]/g, (c) => `\\${c}`);
}

/**
 * A Markdown code span that is safe in a table cell: a fence longer than any run of
 * backticks inside, `|` escaped (GFM unescapes it inside code spans in tables), one line.
 */
export function mdCode(text: string): string {
  // GFM splits cells at a `|` not escaped by a backslash, before code spans are parsed; a
  // `\` the text has before a `|` must itself be escaped so that it does not escape ours.
  const body = text.replace(/\s+/g, ' ').replace(/(\\*)\|/g, (_, bs: string) => `${bs}${bs.length % 2 === 1 ? '\\' : ''}\\|`);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A double-quoted DOT string; lines joined by `\l` (left-aligned) when given several. */
export function dotString(lines: string | readonly string[]): string {
  const list = typeof lines === 'string' ? [lines] : lines;
  const body = list.map((l) => l.replace(/\s+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
  return list.length > 1 ? `"${body.join('\\l')}\\l"` : `"${body.join('')}"`;
}
