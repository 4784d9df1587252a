import { describe, expect, it } from 'vitest';
import { checker } from '../../checker/index.ts';
import { describeFaults, NO_FAULTS, renderText, traceOf, type Trace } from '../../counterexamples/index.ts';
import twoPhase from '../../protocols/two-phase.ts';

function commitEarlyTrace(): Trace {
  const model = twoPhase({ variant: 'commit-early' });
  const result = checker(model).bfs();
  return traceOf(model, result.violations[0], {
    specPath: 'protocols/two-phase.ts',
    params: { variant: 'commit-early' },
    strategy: 'bfs',
  });
}

function trace(initial: unknown, steps: [string, unknown][]): Trace {
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: 'x.ts', name: 'X' },
    params: {},
    strategy: 'bfs',
    property: { name: 'P', kind: 'invariant' },
    faults: { ...NO_FAULTS },
    initial: { index: 0, state: initial },
    steps: steps.map(([label, state]) => ({ label, index: 0, state })),
  };
}

describe('traceOf', () => {
  it('turns the commit-early violation into a versioned trace', () => {
    const t = commitEarlyTrace();
    expect(t.format).toBe('faultline-trace');
    expect(t.version).toBe(1);
    expect(t.spec).toEqual({ path: 'protocols/two-phase.ts', name: 'TwoPhase/commit-early' });
    expect(t.params).toEqual({ variant: 'commit-early' });
    expect(t.property).toEqual({ name: 'TCConsistent', kind: 'invariant' });
    expect(t.faults).toEqual({ drops: 0, dups: 0, crashes: 0, recoveries: 0, partitions: 0 });
    expect(t.initial.index).toBe(0);
    expect(t.steps.map((s) => [s.label, s.index])).toEqual([
      ['TMCommit', 0],
      ['RMChooseToAbort(rm1)', 1],
      ['RMRcvCommitMsg(rm2)', 3],
    ]);
  });
});

describe('renderText', () => {
  it('renders the commit-early trace with per-step diffs', () => {
    expect(renderText(commitEarlyTrace())).toBe(
      [
        '  0  initial state         msgs.abort = false',
        '                           msgs.commit = false',
        '                           msgs.prepared = [false,false,false]',
        '                           rmState = ["working","working","working"]',
        '                           tmPrepared = [false,false,false]',
        '                           tmState = "init"',
        '  1  TMCommit              msgs.commit: false → true',
        '                           tmState: "init" → "committed"',
        '  2  RMChooseToAbort(rm1)  rmState[0]: "working" → "aborted"',
        '  3  RMRcvCommitMsg(rm2)   rmState[1]: "working" → "committed"',
      ].join('\n'),
    );
  });

  it('shows unchanged steps, added and removed keys, and pads step numbers', () => {
    const steps: [string, unknown][] = [
      ['add', { n: 0, extra: true }],
      ['drop', { n: 0 }],
      ['same', { n: 0 }],
    ];
    for (let i = 1; i <= 7; i++) steps.push([`inc${i}`, { n: i }]);
    expect(renderText(trace({ n: 0 }, steps))).toBe(
      [
        '   0  initial state  n = 0',
        '   1  add            extra = true',
        '   2  drop           extra: true → —',
        '   3  same           (no change)',
        '   4  inc1           n: 0 → 1',
        '   5  inc2           n: 1 → 2',
        '   6  inc3           n: 2 → 3',
        '   7  inc4           n: 3 → 4',
        '   8  inc5           n: 4 → 5',
        '   9  inc6           n: 5 → 6',
        '  10  inc7           n: 6 → 7',
      ].join('\n'),
    );
  });

  it('renders a length-0 trace as its initial state', () => {
    expect(renderText(trace({}, []))).toBe('  0  initial state  (state) = {}');
  });
});

describe('describeFaults', () => {
  it('names the faults taken, singular and plural', () => {
    expect(describeFaults(NO_FAULTS)).toBe('no faults');
    expect(describeFaults({ drops: 1, dups: 2, crashes: 1, recoveries: 2, partitions: 3 })).toBe(
      '1 drop, 2 duplicates, 1 crash, 2 recoveries, 3 partitions',
    );
    expect(describeFaults({ ...NO_FAULTS, crashes: 2 })).toBe('2 crashes');
  });
});
