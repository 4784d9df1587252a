import { HistoryParseError } from '../errors.ts';
import { printEdn } from './print-edn.ts';

/**
 * A value read from EDN, mapped onto plain data:
 * `nil` → null, booleans, numbers (integers, floats; `N`/`M` suffixes dropped), strings,
 * keywords → strings with their colon (`:read`), symbols → their name, characters → one-char
 * strings, vectors and lists → arrays, sets → `Set`, maps → `Map`, tagged literals
 * (`#inst "…"`, `#uuid "…"`, any `#tag form`) → the tagged form.
 */
export type EdnValue = null | boolean | number | string | EdnValue[] | Set<EdnValue> | Map<EdnValue, EdnValue>;

const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';', ',', ' ', '\t', '\n', '\r', '\f', '\v']);
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const NUMBER = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?[NM]?$/;
const RATIO = /^[+-]?\d+\/\d+$/;
const NAMED_CHARS: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', formfeed: '\f', backspace: '\b' };

/**
 * A small reader for the EDN subset Jepsen and Knossos histories use (maps, vectors, lists, sets,
 * keywords, strings, numbers, nil, booleans, characters, comments, `#_` discards, tagged literals,
 * metadata). It reads one form at a time and knows the line it is on, so callers can report
 * `file:line` for the form that is wrong.
 */
export class EdnReader {
  /** How deeply collections may nest: deeper input is refused with a parse error, not a stack overflow. */
  static readonly MAX_DEPTH = 200;
  private pos = 0;
  private depth = 0;
  /** The 1-based line of the reader's position. */
  line: number;

  constructor(
    private readonly text: string,
    /** For messages. */
    readonly file: string,
    /** The line number of the first line of `text`. */
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  /** Skips whitespace, commas and comments; true when nothing but those is left. */
  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** The next significant character, without consuming it ('' at the end). */
  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  /** Consumes the next significant character, which must be `char`. */
  expect(char: string, what: string): void {
    const c = this.peek();
    if (c !== char) this.fail(what, c === '' ? 'end of input' : JSON.stringify(c));
    this.advance();
  }

  /** Reads one form. */
  readForm(): EdnValue {
    if (this.depth >= EdnReader.MAX_DEPTH) this.fail(`at most ${EdnReader.MAX_DEPTH} levels of nested collections`, 'deeper nesting');
    this.depth++;
    try {
      return this.readFormAt();
    } finally {
      this.depth--;
    }
  }

  private readFormAt(): EdnValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('an EDN value', 'end of input');
    switch (c) {
      case '(':
      case '[': {
        this.advance();
        return this.readSeq(CLOSERS[c]);
      }
      case '{': {
        this.advance();
        return this.readMap();
      }
      case ')':
      case ']':
      case '}':
        return this.fail('an EDN value', JSON.stringify(c));
      case '"':
        return this.readString();
      case '\\':
        return this.readChar();
      case '^': {
        this.advance();
        this.readForm(); // metadata: ignored
        return this.readForm();
      }
      case '#':
        return this.readDispatch();
      default:
        return this.readAtom();
    }
  }

  /** Throws a parse error at the current line. */
  fail(expected: string, found?: string): never {
    throw new HistoryParseError(this.file, this.line, expected, found);
  }

  private advance(): void {
    if (this.text[this.pos] === '\n') this.line++;
    this.pos++;
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (c === ' ' || c === ',' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
        this.advance();
      } else {
        return;
      }
    }
  }

  private readSeq(closer: string): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail(`"${closer}" to close the ${closer === ']' ? 'vector' : 'list'}`, 'end of input');
      if (c === closer) {
        this.advance();
        return items;
      }
      if (this.discard()) continue;
      items.push(this.readForm());
    }
  }

  private readMap(): Map<EdnValue, EdnValue> {
    const map = new Map<EdnValue, EdnValue>();
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail('"}" to close the map', 'end of input');
      if (c === '}') {
        this.advance();
        return map;
      }
      if (this.discard()) continue;
      const key = this.readForm();
      while (this.discard());
      const next = this.peek();
      if (next === '}' || next === '') this.fail(`a value for map key ${printEdn(key)}`, next === '' ? 'end of input' : '"}"');
      map.set(key, this.readForm());
    }
  }

  /** Skips a `#_ form` discard, if one is next. */
  private discard(): boolean {
    if (this.text[this.pos] === '#' && this.text[this.pos + 1] === '_') {
      this.advance();
      this.advance();
      this.readForm();
      return true;
    }
    return false;
  }

  private readDispatch(): EdnValue {
    const next = this.text[this.pos + 1];
    if (next === '{') {
      this.advance();
      this.advance();
      return new Set(this.readSeq('}'));
    }
    if (next === '_') {
      this.discard();
      return this.readForm();
    }
    if (next === '"') {
      this.advance();
      return this.readString(); // regex literal: kept as its source
    }
    this.advance();
    const tag = this.readToken();
    if (tag === '' || !/^[A-Za-z]/.test(tag)) this.fail('a tag after "#"', tag === '' ? 'nothing' : JSON.stringify(tag));
    return this.readForm(); // #inst "…", #uuid "…", #my/tag form: the form
  }

  private readString(): string {
    const startLine = this.line;
    this.advance(); // opening quote
    let out = '';
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === undefined) throw new HistoryParseError(this.file, startLine, 'a closing \'"\' for the string', 'end of input');
      if (c === '"') {
        this.advance();
        return out;
      }
      if (c === '\\') {
        this.advance();
        const e = t[this.pos];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f', '0': '\0' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.advance();
        } else if (e === 'u') {
          const hex = t.slice(this.pos + 1, this.pos + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('four hex digits after \\u in a string', JSON.stringify(hex));
          out += String.fromCharCode(parseInt(hex, 16));
          for (let i = 0; i < 5; i++) this.advance();
        } else {
          this.fail('a string escape (\\n \\t \\r \\" \\\\ \\uXXXX)', e === undefined ? 'end of input' : JSON.stringify('\\' + e));
        }
        continue;
      }
      out += c;
      this.advance();
    }
  }

  private readChar(): string {
    this.advance(); // backslash
    const first = this.text[this.pos];
    if (first === undefined) this.fail('a character after "\\"', 'end of input');
    this.advance();
    let name = first;
    while (this.pos < this.text.length && !DELIMITERS.has(this.text[this.pos])) {
      name += this.text[this.pos];
      this.advance();
    }
    if (name.length === 1) return name;
    if (name in NAMED_CHARS) return NAMED_CHARS[name];
    if (/^u[0-9a-fA-F]{4}$/.test(name)) return String.fromCharCode(parseInt(name.slice(1), 16));
    return this.fail('a character literal', JSON.stringify('\\' + name));
  }

  private readToken(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !DELIMITERS.has(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private readAtom(): EdnValue {
    const token = this.readToken();
    if (token === '') this.fail('an EDN value', JSON.stringify(this.text[this.pos]));
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (NUMBER.test(token)) {
      const n = Number(token.replace(/[NM]$/, ''));
      if (!Number.isFinite(n)) this.fail('a finite number', token);
      return n;
    }
    if (RATIO.test(token)) {
      const [a, b] = token.split('/').map(Number);
      return a / b;
    }
    if (/^[+-]?\d/.test(token)) this.fail('a number', JSON.stringify(token));
    if (token.startsWith(':')) {
      if (token.length === 1 || token === '::') this.fail('a keyword name after ":"', JSON.stringify(token));
      return token;
    }
    return token; // symbol
  }
}
