import { describe, expect, it } from 'vitest';
import { bfs } from '../../checker/index.ts';
import twoGenerals, { indistinguishability } from '../../protocols/two-generals.ts';

describe('Two Generals: the indistinguishability view of the shortest violation', () => {
  for (const rounds of [1, 2, 3, 4]) {
    it(`rounds=${rounds}: the lossy run is the shortest violation, and its sender cannot tell it from the twin`, () => {
      const view = indistinguishability({ rounds });
      const m = twoGenerals({ rounds }).configure({ environment: { maxDrops: 1 } });
      const r = bfs(m);
      expect(r.violations[0].path.actions.map((a) => m.describe!(a))).toEqual(view.lossy.steps);
      expect(view.sender).toBe(rounds % 2 === 1 ? 'general-A' : 'general-B');
      expect(view.sameHistory).toBe(true);
      expect(view.lossy.attack[view.sender]).toBe(true);
      expect(view.twin.attack).toEqual({ 'general-A': true, 'general-B': true });
      expect(Object.values(view.lossy.attack).filter(Boolean)).toHaveLength(1);
    });
  }

  it('prints both executions', () => {
    expect(indistinguishability({ rounds: 2 }).text).toBe(
      [
        'with the last messenger lost: deliver Messenger(n=1) general-A→general-B; drop Messenger(n=2) general-B→general-A',
        '  general-A: {"received":0,"attack":false}',
        '  general-B: {"received":0,"attack":false} → {"received":1,"attack":true}  (attacks)',
        'with it delivered: deliver Messenger(n=1) general-A→general-B; deliver Messenger(n=2) general-B→general-A',
        '  general-A: {"received":0,"attack":false} → {"received":2,"attack":true}  (attacks)',
        '  general-B: {"received":0,"attack":false} → {"received":1,"attack":true}  (attacks)',
        'general-B has the same local history in both: it cannot tell them apart, and attacks in both',
      ].join('\n'),
    );
  });
});
