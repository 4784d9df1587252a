import { readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BUILTIN_MODELS,
  builtinModel,
  checkHistory,
  EdnReader,
  HISTORY_FORMATS,
  HistoryInputError,
  parseHistory,
  type BuiltinModelName,
  type Consistency,
  type HistoryCheckResult,
  type HistoryFormat,
} from '../../checker/history/index.ts';
import { renderHistoryHtml, renderHistoryMarkdown, renderHistoryText } from '../../counterexamples/history/index.ts';
import { BadInputError, ExitCode } from '../errors.ts';

/** Options of `faultline history`. */
export interface HistoryOptions {
  format?: string;
  model?: string;
  /** Initial value of the register (or of each kv key): JSON or EDN. */
  init?: string;
  consistency?: string;
  /** Seconds. */
  timeout?: number;
  json?: boolean;
  /** Also write the report here: `.md` for Markdown, `.html` for an HTML timeline. */
  out?: string;
}

const CONSISTENCIES: readonly Consistency[] = ['linearizable', 'sequential'];

function oneOf(flag: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) throw new BadInputError(`${flag} ${value}: unknown (use one of: ${allowed.join(', ')})`);
}

/** `--init` text as a value: JSON, else one EDN value (`nil`, `:a`), else the text itself. */
function parseInit(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      const reader = new EdnReader(text, '--init');
      const value = reader.readForm();
      if (reader.atEnd()) return value;
    } catch {
      // not EDN either: a plain string
    }
    return text;
  }
}

/**
 * Whether writing `out` would write the file `input`: the same file once every symbolic link is
 * resolved (a path that does not exist yet is resolved through its folder), or a hard link to it.
 */
function sameFile(out: string, input: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      try {
        return path.join(realpathSync(path.dirname(p)), path.basename(p));
      } catch {
        return path.resolve(p);
      }
    }
  };
  if (real(out) === real(input)) return true;
  try {
    // A hard link: another name for the same file.
    const a = statSync(out);
    const b = statSync(input);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** The format from the file's extension when the user gave none. */
function guessFormat(file: string): HistoryFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.edn') return 'knossos-edn';
  return undefined;
}

function jsonResult(result: HistoryCheckResult, file: string, format: string): object {
  const consistent = result.verdict === 'ok' ? true : result.verdict === 'violation' ? false : null;
  const out: Record<string, unknown> = {
    [result.consistency === 'linearizable' ? 'linearizable' : 'sequentiallyConsistent']: consistent,
    result: result.verdict,
    ops: result.ops,
    seconds: Number(result.seconds.toFixed(4)),
    consistency: result.consistency,
    model: result.model,
    format,
    file,
    partitions: result.partitions,
  };
  if (result.verdict === 'timeout') out.gaveUp = true;
  const f = result.failure;
  if (f) {
    const byId = new Map(f.ops.map((op) => [op.id, op]));
    const brief = (id: number) => {
      const op = byId.get(id)!;
      return { id, line: op.line ?? null, process: op.process, op: op.label, outcome: op.outcome };
    };
    out.failure = {
      ...(f.partition !== undefined ? { partition: f.partition } : {}),
      failingOp: brief(f.failingOp),
      ...(f.possibleStates ? { possibleStates: f.possibleStates } : {}),
      window: f.window.map(brief),
      longestLinearization: f.longest.map((id, i) => ({ id, op: byId.get(id)!.label, state: f.longestStates[i] })),
      stuck: f.stuck,
      ...(f.approximate ? { approximate: true } : {}),
    };
  }
  return out;
}

/**
 * `faultline history <file>`: checks a recorded history for linearizability (or sequential
 * consistency) against a built-in model. Exit 0 consistent, 1 not, 2 bad input, 3 gave up.
 */
export async function history(file: string, options: HistoryOptions): Promise<number> {
  const format = options.format ?? guessFormat(file);
  if (format === undefined) throw new BadInputError(`${file}: give --format (one of: ${Object.keys(HISTORY_FORMATS).join(', ')})`);
  oneOf('--format', format, Object.keys(HISTORY_FORMATS));
  if (options.model === undefined) throw new BadInputError(`give --model (one of: ${Object.keys(BUILTIN_MODELS).join(', ')})`);
  oneOf('--model', options.model, Object.keys(BUILTIN_MODELS));
  const consistency = options.consistency ?? 'linearizable';
  oneOf('--consistency', consistency, CONSISTENCIES);
  let outFormat: 'md' | 'html' | undefined;
  if (options.out !== undefined) {
    const ext = path.extname(options.out).toLowerCase();
    if (ext === '.md' || ext === '.markdown') outFormat = 'md';
    else if (ext === '.html' || ext === '.htm') outFormat = 'html';
    else throw new BadInputError(`--out ${options.out}: give a .md (Markdown) or .html (timeline) file name`);
  }

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BadInputError(`${file}: cannot read the history file`);
  }
  if (options.out !== undefined && sameFile(options.out, file)) {
    throw new BadInputError(`--out ${options.out}: that is the history file itself; give another file name (it would be overwritten)`);
  }
  const init = options.init === undefined ? undefined : parseInit(options.init);
  let result: HistoryCheckResult;
  try {
    const parsed = parseHistory(text, format as HistoryFormat, file);
    // EDN histories follow Knossos's rules (a nil read matches any state): see checker/history/README.md.
    const model = builtinModel(options.model as BuiltinModelName, init, { knossos: parsed.semantics === 'knossos' });
    result = checkHistory(parsed, model, {
      consistency: consistency as Consistency,
      ...(options.timeout !== undefined ? { timeoutMs: options.timeout * 1000 } : {}),
    });
  } catch (error) {
    if (error instanceof HistoryInputError) throw new BadInputError(error.message);
    throw error;
  }

  const context = { file, format };
  if (outFormat) {
    const report = outFormat === 'md' ? renderHistoryMarkdown(result, context) : renderHistoryHtml(result, context);
    try {
      writeFileSync(options.out!, report);
    } catch {
      throw new BadInputError(`--out ${options.out}: cannot write the report there`);
    }
  }
  if (options.json) process.stdout.write(JSON.stringify(jsonResult(result, file, format)) + '\n');
  else process.stdout.write(renderHistoryText(result, context) + '\n');
  return result.verdict === 'ok' ? ExitCode.pass : result.verdict === 'violation' ? ExitCode.violation : ExitCode.incomplete;
}
