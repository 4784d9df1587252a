import { describe, expect, it } from 'vitest';
import {
  EdnReader,
  HistoryParseError,
  parseHistory,
  parseJsonl,
  parseKnossosEdn,
  parsePorcupineEtcd,
  parsePorcupineKv,
  serializeJsonl,
} from '../../../checker/history/index.ts';

/** The error a parse throws (it must be a HistoryParseError). */
function parseError(run: () => unknown): HistoryParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryParseError);
    return error as HistoryParseError;
  }
  throw new Error('expected a parse error');
}

describe('EDN reader', () => {
  const read = (text: string) => new EdnReader(text, 'x.edn').readForm();

  it('reads the values histories use', () => {
    expect(read('nil')).toBeNull();
    expect(read('true')).toBe(true);
    expect(read('-12')).toBe(-12);
    expect(read('3.5')).toBe(3.5);
    expect(read('42N')).toBe(42);
    expect(read('"a \\"b\\"\\n"')).toBe('a "b"\n');
    expect(read(':timed-out')).toBe(':timed-out');
    expect(read('[1 2, 3]')).toEqual([1, 2, 3]);
    expect(read('(1 [2])')).toEqual([1, [2]]);
    expect(read('#{1 2}')).toEqual(new Set([1, 2]));
    expect(read('{:a 1, "b" [nil]}')).toEqual(
      new Map<unknown, unknown>([
        [':a', 1],
        ['b', [null]],
      ]),
    );
    expect(read('#inst "2020-01-01"')).toBe('2020-01-01');
    expect(read('[1 #_ 2 3] ; comment')).toEqual([1, 3]);
    expect(read('\\a')).toBe('a');
    expect(read('^:meta [1]')).toEqual([1]);
  });

  it('reports the line of malformed input', () => {
    expect(parseError(() => read('[1\n2\n')).message).toBe('x.edn:3: expected "]" to close the vector, found end of input');
    expect(parseError(() => read('{:a}')).message).toMatch(/^x\.edn:1: expected a value for map key :a/);
    expect(parseError(() => read('"abc')).line).toBe(1);
    expect(parseError(() => read('\n\n12abc')).message).toBe('x.edn:3: expected a number, found "12abc"');
  });
});

describe('porcupine-etcd', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 1\t:invoke\t:write\t4',
    'INFO  jepsen.util - 2    :invoke   :cas   [4 0]', // spaces work too
    'INFO  jepsen.util - 0\t:ok\t:read\tnil',
    'INFO  jepsen.util - 1\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - 2\t:fail\t:cas\t[4 0]',
    'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
    '2017-02-21 18:29:09,513{GMT}\tINFO\t[jepsen node n1] jepsen.core: setting up',
    'INFO  jepsen.util - 3\t:invoke\t:cas\t[0 1]',
    '',
  ].join('\n');

  it('pairs invocations and completions with their semantics', () => {
    const h = parsePorcupineEtcd(log, 'etcd.log');
    expect(h.ops.map(({ id, process, input, output, outcome, line }) => ({ id, process, input, output, outcome, line }))).toEqual([
      { id: 0, process: 0, input: { f: 'read', value: null }, output: null, outcome: 'ok', line: 1 },
      { id: 1, process: 1, input: { f: 'write', value: 4 }, output: undefined, outcome: 'unknown', line: 2 },
      { id: 2, process: 2, input: { f: 'cas', value: [4, 0] }, output: false, outcome: 'ok', line: 3 },
      { id: 3, process: 3, input: { f: 'cas', value: [0, 1] }, output: undefined, outcome: 'unknown', line: 9 },
    ]);
    expect(h.ops[1].ret).toBe(Infinity);
    expect(h.ops[3].ret).toBe(Infinity); // still open at the end of the file
    expect(h.ops[0].call).toBeLessThan(h.ops[0].ret);
  });

  it('malformed lines: file:line and what was expected', () => {
    expect(parseError(() => parsePorcupineEtcd('INFO  jepsen.util - 0\t:invoke\t:read', 'a.log')).message).toBe(
      'a.log:1: expected a value after :read (nil when there is none), found end of line',
    );
    expect(parseError(() => parsePorcupineEtcd('INFO  jepsen.util - 0 :invoke :read nil\nINFO  jepsen.util - 0 :done :read 1', 'a.log')).message).toBe(
      'a.log:2: expected :invoke, :ok, :fail or :info after the process, found ":done"',
    );
    expect(parseError(() => parsePorcupineEtcd('hello world', 'a.log')).message).toMatch(/^a\.log:1: expected a Jepsen log line/);
    expect(parseError(() => parsePorcupineEtcd('INFO  jepsen.util - 0 :invoke :cas [1 2', 'a.log')).message).toMatch(/^a\.log:1: expected "\]"/);
    expect(parseError(() => parsePorcupineEtcd('INFO  jepsen.util - x :invoke :read nil', 'a.log')).line).toBe(1);
  });

  it('pairing errors name both lines', () => {
    const twice = 'INFO  jepsen.util - 0 :invoke :read nil\nINFO  jepsen.util - 0 :invoke :read nil';
    expect(parseError(() => parsePorcupineEtcd(twice, 'a.log')).message).toBe(
      "a.log:2: expected a completion of process 0's :read (invoked at line 1) before its next invocation, found :invoke :read",
    );
    expect(parseError(() => parsePorcupineEtcd('INFO  jepsen.util - 0 :ok :read 1', 'a.log')).message).toMatch(/^a\.log:1: expected an :invoke by process 0/);
    const mismatch = 'INFO  jepsen.util - 0 :invoke :read nil\nINFO  jepsen.util - 0 :ok :write 1';
    expect(parseError(() => parsePorcupineEtcd(mismatch, 'a.log')).message).toMatch(/^a\.log:2: expected a completion of :read/);
  });
});

describe('porcupine-kv', () => {
  it('reads one EDN map per line', () => {
    const h = parsePorcupineKv(
      [
        '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
        '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
        '',
        '{:process 1, :type :invoke, :f :get, :key "0", :value nil}',
        '{:process 1, :type :ok, :f :get, :key "0", :value "x 0 0 y"}',
      ].join('\n'),
      'kv.txt',
    );
    expect(h.ops.map((o) => [o.input, o.output, o.line])).toEqual([
      [{ f: 'append', key: '0', value: 'x 0 0 y' }, 'x 0 0 y', 1],
      [{ f: 'get', key: '0', value: null }, 'x 0 0 y', 4],
    ]);
  });

  it('malformed lines: file:line and what was expected', () => {
    const good = '{:process 0, :type :invoke, :f :get, :key "0", :value nil}\n';
    expect(parseError(() => parsePorcupineKv(good + '{:process 0, :type :ok, :f :get, :key "0", :value', 'kv.txt')).message).toMatch(/^kv\.txt:2: expected a value for map key :value/);
    expect(parseError(() => parsePorcupineKv(good + '[1 2]', 'kv.txt')).message).toBe('kv.txt:2: expected an operation map starting with "{" (one per line), found "[1 2]"');
    expect(parseError(() => parsePorcupineKv('{:process 0, :f :get}', 'kv.txt')).message).toBe('kv.txt:1: expected :type :invoke, :ok, :fail or :info in the operation map, found none');
    expect(parseError(() => parsePorcupineKv('{:process 0, :type :invoke, :f :get} {}', 'kv.txt')).message).toBe('kv.txt:1: expected one operation map per line, found more after the map');
  });
});

describe('knossos-edn', () => {
  const history = `[{:process 0, :type :invoke, :f :write, :value 3, :time 1}
 {:process :nemesis, :type :info, :f :start, :value nil}
 {:process 0, :type :ok, :f :write, :value 3}
 {:process 1, :type :invoke, :f :read, :value nil}
 {:process 1, :type :ok, :f :read, :value 3}]`;

  it('reads a vector of op maps, ignoring the nemesis', () => {
    const h = parseKnossosEdn(history, 'h.edn');
    expect(h.ops.map((o) => [o.process, o.input, o.output, o.line])).toEqual([
      [0, { f: 'write', value: 3 }, 3, 1],
      [1, { f: 'read', value: null }, 3, 4],
    ]);
  });

  it('also reads the maps without the enclosing vector', () => {
    const bare = history.slice(1, -1);
    expect(parseKnossosEdn(bare, 'h.edn').ops).toHaveLength(2);
  });

  it('malformed input: file:line and what was expected', () => {
    expect(parseError(() => parseKnossosEdn('[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0 :type :ok}', 'h.edn')).message).toBe(
      'h.edn:2: expected a :f (like :read) in the operation map, found none',
    );
    expect(parseError(() => parseKnossosEdn('[{:process 0, :type :invoke, :f :read, :value nil}\n', 'h.edn')).message).toBe(
      'h.edn:2: expected "]" to close the vector of operations, found end of input',
    );
    expect(parseError(() => parseKnossosEdn('[1]', 'h.edn')).message).toMatch(/^h\.edn:1: expected an operation map/);
    expect(parseError(() => parseKnossosEdn('[{:process 1.5, :type :invoke, :f :read}]', 'h.edn')).message).toBe(
      'h.edn:1: expected a :process (an integer or :nemesis) in the operation map, found 1.5',
    );
  });
});

describe('jsonl', () => {
  const text = [
    '{"process": 0, "type": "invoke", "f": "write", "value": 1}',
    '{"process": "c1", "type": "invoke", "f": "get", "key": ["a", 1]}',
    '{"process": 0, "type": "ok", "f": "write", "value": 1, "time": 12}',
    '{"process": "nemesis", "type": "info", "f": "partition"}',
    '{"process": "c1", "type": "ok", "f": "get", "key": ["a", 1], "value": {"x": [1, 2]}}',
  ].join('\n');

  it('reads events, keys and JSON values', () => {
    const h = parseJsonl(text, 'h.jsonl');
    expect(h.ops.map((o) => [o.process, o.input, o.output, o.outcome])).toEqual([
      [0, { f: 'write', value: 1 }, 1, 'ok'],
      ['c1', { f: 'get', key: ['a', 1], value: null }, { x: [1, 2] }, 'ok'],
    ]);
  });

  it('round-trips through serializeJsonl', () => {
    const h = parseJsonl(text, 'h.jsonl');
    const again = parseJsonl(serializeJsonl(h), 'h.jsonl');
    expect(again.ops.map(({ line: _line, ...o }) => o)).toEqual(h.ops.map(({ line: _line, ...o }) => o));
  });

  it('malformed lines: file:line and what was expected', () => {
    expect(parseError(() => parseJsonl('{"process": 0, "type": "invoke", "f": "read"}\n{"process": 0,', 'h.jsonl')).message).toMatch(
      /^h\.jsonl:2: expected a JSON object like \{"process": 0, "type": "invoke", "f": "write", "value": 3\}, found invalid JSON/,
    );
    expect(parseError(() => parseJsonl('[1]', 'h.jsonl')).message).toMatch(/^h\.jsonl:1: expected a JSON object/);
    expect(parseError(() => parseJsonl('{"process": 0, "type": "done", "f": "read"}', 'h.jsonl')).message).toBe(
      'h.jsonl:1: expected "type": "invoke", "ok", "fail" or "info", found "done"',
    );
    expect(parseError(() => parseJsonl('{"type": "invoke", "f": "read"}', 'h.jsonl')).message).toBe(
      'h.jsonl:1: expected a "process" (an integer or a non-empty string), found none',
    );
    expect(parseError(() => parseJsonl('\n\n{"process": 0, "type": "invoke"}', 'h.jsonl')).message).toBe(
      'h.jsonl:3: expected an "f" (the operation name, like "read"), found none',
    );
  });
});

describe('parseHistory', () => {
  it('dispatches on the format name', () => {
    expect(parseHistory('{"process": 0, "type": "invoke", "f": "read"}', 'jsonl', 'x').ops).toHaveLength(1);
    expect(parseHistory('', 'knossos-edn', 'x').ops).toHaveLength(0);
  });
});
