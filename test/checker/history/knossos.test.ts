import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtinModel,
  casRegisterModel,
  checkLinearizable,
  EdnReader,
  HistoryParseError,
  parseHistory,
  parseJsonl,
  parseKnossosEdn,
  registerModel,
} from '../../../checker/history/index.ts';
import { corpusDir } from './helpers.ts';

const knossosFile = (name: string) => path.join(corpusDir(), 'knossos', name);
const parseError = (fn: () => unknown): HistoryParseError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof HistoryParseError) return error;
    throw error;
  }
  throw new Error('expected a parse error');
};

describe("Knossos's rules for EDN histories", () => {
  it('a read that completed with nil matches any state (knossos.model register and cas-register)', () => {
    const h = parseKnossosEdn(readFileSync(knossosFile('nil-reads.edn'), 'utf8'), 'nil-reads.edn');
    expect(h.semantics).toBe('knossos');
    const knossos = checkLinearizable(h, casRegisterModel(null, { knossos: true }));
    expect(knossos.verdict).toBe('ok');
    // The two nil reads constrain nothing and are dropped: 5 of the 7 client operations are left.
    expect(h.ops).toHaveLength(7);
    expect(knossos.ops).toBe(5);
    // Read with nil as a value, the same history is not linearizable: p1 reads nil after write(1).
    const asValue = checkLinearizable(h, casRegisterModel());
    expect(asValue.verdict).toBe('violation');
    expect(asValue.failure?.failingOp).toBe(1);
  });

  it('the plain register too; a nil read still counts under Porcupine-style (JSON lines) semantics', () => {
    const events = [
      { process: 0, type: 'invoke', f: 'write', value: 1 },
      { process: 0, type: 'ok', f: 'write', value: 1 },
      { process: 1, type: 'invoke', f: 'read', value: null },
      { process: 1, type: 'ok', f: 'read', value: null },
    ];
    const h = parseJsonl(events.map((e) => JSON.stringify(e)).join('\n'), 'h.jsonl');
    expect(h.semantics).toBeUndefined();
    expect(checkLinearizable(h, registerModel()).verdict).toBe('violation');
    expect(checkLinearizable(h, registerModel(null, { knossos: true })).verdict).toBe('ok');
    expect(checkLinearizable(h, builtinModel('register', undefined, { knossos: true })).verdict).toBe('ok');
  });

  it('a failed cas is dropped, as Knossos drops every failed operation', () => {
    const text = readFileSync(knossosFile('fail-dropped.edn'), 'utf8');
    const h = parseKnossosEdn(text, 'fail-dropped.edn');
    expect(h.ops.map((op) => op.input.f)).toEqual(['write', 'read']);
    expect(checkLinearizable(h, builtinModel('cas-register', undefined, { knossos: true })).verdict).toBe('ok');
    // The same events read as JSON lines: the failed cas ran and returned false, with the register at 2.
    const jsonl = parseJsonl(
      [
        { process: 0, type: 'invoke', f: 'write', value: 2 },
        { process: 0, type: 'ok', f: 'write', value: 2 },
        { process: 1, type: 'invoke', f: 'cas', value: [2, 3] },
        { process: 1, type: 'fail', f: 'cas', value: [2, 3] },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    expect(checkLinearizable(jsonl, casRegisterModel()).verdict).toBe('violation');
  });

  it("an :ok completion's value becomes the operation's value (knossos.history/complete)", () => {
    const h = parseKnossosEdn('[{:process 0 :type :invoke :f :write :value nil} {:process 0 :type :ok :f :write :value 5}]');
    expect(h.ops[0].input).toEqual({ f: 'write', value: 5 });
    const reads = parseKnossosEdn('[{:process 0 :type :invoke :f :read :value nil} {:process 0 :type :ok :f :read :value 5}]');
    expect(reads.ops[0]).toMatchObject({ input: { f: 'read', value: null }, output: 5 });
  });

  it('a cas-register made without an argument starts at nil', () => {
    const h = parseKnossosEdn('[{:process 0 :type :invoke :f :cas :value [nil 1]} {:process 0 :type :ok :f :cas :value [nil 1]}]');
    expect(checkLinearizable(h, builtinModel('cas-register', undefined, { knossos: true })).verdict).toBe('ok');
  });

  it('a stale read is a violation under every reading, failing where Knossos fails it', () => {
    const h = parseKnossosEdn(readFileSync(knossosFile('stale-read.edn'), 'utf8'), 'stale-read.edn');
    const result = checkLinearizable(h, casRegisterModel(null, { knossos: true }));
    expect(result.verdict).toBe('violation');
    expect(result.ops).toBe(3);
    const failing = result.failure!.ops.find((op) => op.id === result.failure!.failingOp)!;
    expect([failing.process, failing.label, failing.line]).toEqual([2, 'read() → 1', 9]);
    expect(result.failure!.possibleStates).toEqual(['2']);
  });
});

describe('EDN as Knossos writes it', () => {
  it('a list at the top level, comments, no commas, nested maps and sets in ignored keys', () => {
    const h = parseHistory(readFileSync(knossosFile('nil-reads.edn'), 'utf8'), 'knossos-edn', 'nil-reads.edn');
    expect(h.ops.map((op) => [op.process, op.input.f, op.line])).toEqual([
      [0, 'write', 8],
      [1, 'read', 10],
      [2, 'cas', 12],
      [1, 'read', 14],
      [3, 'read', 16],
      [0, 'write', 19],
      [4, 'read', 21],
    ]);
  });

  it('vectors with commas, lists, and bare maps read the same', () => {
    const maps = '{:process 0, :type :invoke, :f :write, :value [1 (2 3)]}\n{:process 0, :type :ok, :f :write, :value [1 (2 3)]}';
    const shapes = [`[${maps}]`, `(${maps})`, maps, `( ; a comment\n${maps} ; another\n)\n`, `[,,${maps.replace(/\n/g, ',\n,')},]`];
    for (const text of shapes) {
      expect(parseKnossosEdn(text).ops.map((op) => op.input)).toEqual([{ f: 'write', value: [1, [2, 3]] }]);
    }
  });

  it('a list must be closed, and by ")"', () => {
    expect(parseError(() => parseKnossosEdn('({:process 0 :type :invoke :f :read}\n', 'h.edn')).message).toBe(
      'h.edn:2: expected ")" to close the list of operations, found end of input',
    );
    expect(parseError(() => parseKnossosEdn('({:process 0 :type :invoke :f :read}]', 'h.edn')).message).toBe(
      'h.edn:1: expected an EDN value, found "]"',
    );
  });

  it('deep nesting is one parse error naming the line, never a stack overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseError(() => new EdnReader(`\n${deep}`, 'x.edn').readForm()).message).toBe(
      'x.edn:2: expected at most 200 levels of nested collections, found deeper nesting',
    );
    const history = `[{:process 0, :type :invoke, :f :write, :value\n${deep}}]`;
    expect(parseError(() => parseKnossosEdn(history, 'h.edn')).message).toBe('h.edn:2: expected at most 200 levels of nested collections, found deeper nesting');
    // 200 levels are fine.
    expect(new EdnReader('['.repeat(199) + ']'.repeat(199), 'x.edn').readForm()).toBeInstanceOf(Array);
  });

  it('deep JSON lines are refused the same way', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseError(() => parseJsonl(`\n{"process": 0, "type": "invoke", "f": "write", "value": ${deep}}`, 'h.jsonl')).message).toBe(
      'h.jsonl:2: expected a "value" and "key" with at most 200 levels of nesting, found deeper nesting',
    );
  });
});
