import { describe, expect, it } from 'vitest';
import { bfs, historyOfEvents } from '../../../checker/index.ts';
import asyncRegister from '../../fixtures/specs/async-register.ts';

describe('history properties in the actor DSL', () => {
  it('turns invoke/respond events into operations (a missing response is an unknown outcome)', () => {
    const history = historyOfEvents([
      { kind: 'invoke', client: 'a', input: { f: 'write', value: 1 } },
      { kind: 'invoke', client: 'b', input: { f: 'read' } },
      { kind: 'respond', client: 'a', output: null },
    ]);
    expect(history.ops).toEqual([
      { id: 0, process: 'a', input: { f: 'write', value: 1 }, output: null, outcome: 'ok', call: 0, ret: 2 },
      { id: 1, process: 'b', input: { f: 'read' }, outcome: 'unknown', call: 1, ret: Infinity },
    ]);
  });

  it('an asynchronously replicated register is not linearizable: a read after the write sees null', () => {
    const model = asyncRegister();
    const result = bfs(model);
    expect(result.verdict).toBe('violation');
    const [v] = result.violations;
    expect(v.property).toBe('Linearizable');
    expect(v.path.actions.map((a) => model.describe!(a))).toEqual([
      'deliver Write(value=1) writer→replica-1',
      'deliver Ack replica-1→writer',
      'timer read @reader',
      'deliver Read reader→replica-2',
      'deliver Value(value=null) replica-2→reader',
    ]);
    expect(result.stats).toMatchObject({ distinctStates: 23, generatedStates: 31, depth: 6 });
  });

  it('…but it is sequentially consistent: the same histories pass', () => {
    const result = bfs(asyncRegister({ consistency: 'sequential' }));
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 35, generatedStates: 49, depth: 7 });
  });
});
