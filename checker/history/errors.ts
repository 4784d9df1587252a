/**
 * Bad input to the history checker: a malformed file, or an operation the model does not
 * understand. The message is one line, `file:line: expected …`, ready to show a user.
 */
export class HistoryInputError extends Error {
  constructor(
    /** The file (or `<input>`) the history came from. */
    readonly file: string,
    /** The 1-based line of the offending input, or 0 when it is not about one line. */
    readonly line: number,
    /** What was expected there (or what is wrong). */
    readonly expected: string,
    /** What was found, when useful. */
    readonly found?: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${expected}${found !== undefined ? `, found ${found}` : ''}`);
    this.name = 'HistoryInputError';
  }
}

/** A history file that does not parse: carries the file, the line and what was expected. */
export class HistoryParseError extends HistoryInputError {
  constructor(file: string, line: number, expected: string, found?: string) {
    super(file, line, expected.startsWith('expected') ? expected : `expected ${expected}`, found);
    this.name = 'HistoryParseError';
  }
}

/** A well-formed operation that the chosen model cannot interpret (e.g. a cas on a plain register). */
export class HistoryModelError extends HistoryInputError {
  constructor(file: string, line: number, problem: string) {
    super(file, line, problem);
    this.name = 'HistoryModelError';
  }
}
