/** The compiled copies of a world's nodes record agree with the spread they replace, whatever the ids. */
import { describe, expect, it } from 'vitest';
import { localReplacers } from '../../../specs/actor/replace-local.ts';

describe('localReplacers', () => {
  it('copies the record with one local state replaced, keys in node order, for ids that need escaping', () => {
    const ids = ['a', 'b"c', '1', 'constructor', 'x\u2028y', 'back\\slash', '${x}', 'toString'];
    const replacers = localReplacers(ids)!;
    const nodes = Object.fromEntries(ids.map((id, i) => [id, { i }]));
    for (const id of ids) {
      const local = { replaced: id };
      const copy = replacers.get(id)!(nodes, local);
      expect(copy).toEqual({ ...nodes, [id]: local });
      expect(Object.keys(copy)).toEqual(Object.keys({ ...nodes, [id]: local }));
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      expect(copy[id]).toBe(local);
      for (const other of ids) if (other !== id) expect(copy[other]).toBe(nodes[other]);
    }
    expect(nodes.a).toEqual({ i: 0 });
  });

  it('declines a topology with a node named __proto__ (a literal key would set the prototype)', () => {
    expect(localReplacers(['a', '__proto__'])).toBeUndefined();
  });
});
