/**
 * Escaping of spec-provided text (node ids, message fields, action labels, state values)
 * for each output language of the renderers. Nothing a spec says may change the structure
 * of a report: it is always shown as text.
 */

/**
 * Characters that act on a terminal or a reader instead of showing: C0 and C1 controls and
 * DEL (ESC starts every escape sequence; CR and backspace overwrite what was printed), the
 * bidirectional overrides, embeddings, marks and isolates (U+202A–U+202E, U+2066–U+2069,
 * U+200E, U+200F, U+061C), invisible separators and format characters (U+200B, U+2028,
 * U+2029, U+2060–U+2065, U+206A–U+206F, U+FEFF, U+FFF9–U+FFFB) and lone surrogates.
 * ZWJ and ZWNJ (U+200C, U+200D) are left alone: scripts and emoji need them.
 */
const CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Spec-controlled text made inert for a terminal (and every other text output): each
 * character of {@link CONTROL} is written as visible text, `\n` `\r` `\t` or `\u001b`, so
 * nothing a spec says can clear the screen, move the cursor, recolour the output,
 * overwrite a line with a fake `pass`, or reorder what is shown. Everything else is kept.
 */
export function escapeControl(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and attribute values; control and BiDi characters shown escaped. */
export function escapeHtml(text: string): string {
  return escapeControl(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
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
  return escapeControl(text.replace(/\s+/g, ' ')).replace(/[#;"&<>{}→%\\$]/g, (c) => MERMAID_ENTITIES[c]!);
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
 * backslash-escaped, `|` escaped for tables, one line, and no URL made a link by GFM's
 * autolinks (`http\://…`, `www\.…`: the escapes show as the characters themselves).
 */
export function mdText(text: string): string {
  return escapeControl(text.replace(/\s+/g, ' '))
    .replace(/[\\`*_[\]<>|~&$#!]/g, (c) => `\\${c}`)
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\b(www)\./gi, '$1\\.');
}

/**
 * A Markdown code span that is safe in a table cell: a fence longer than any run of
 * backticks inside, `|` escaped (GFM unescapes it inside code spans in tables), one line.
 */
export function mdCode(text: string): string {
  // GFM splits cells at a `|` not escaped by a backslash, before code spans are parsed; a
  // `\` the text has before a `|` must itself be escaped so that it does not escape ours.
  const body = escapeControl(text.replace(/\s+/g, ' ')).replace(/(\\*)\|/g, (_, bs: string) => `${bs}${bs.length % 2 === 1 ? '\\' : ''}\\|`);
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A double-quoted DOT string; lines joined by `\l` (left-aligned) when given several. */
export function dotString(lines: string | readonly string[]): string {
  const list = typeof lines === 'string' ? [lines] : lines;
  const body = list.map((l) => escapeControl(l.replace(/\s+/g, ' ')).replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
  return list.length > 1 ? `"${body.join('\\l')}\\l"` : `"${body.join('')}"`;
}
