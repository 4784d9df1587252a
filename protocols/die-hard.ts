/**
 * The Die Hard jugs puzzle (TLA+ DieHard.tla): with a 3-gallon and a 5-gallon jug, measure
 * exactly 4 gallons. The "invariant" big ≠ 4 fails, and the counterexample is the solution.
 */
import { defineModel, type Model, type SpecAbout } from '../specs/index.ts';

/** Gallons in each jug. */
export interface Jugs {
  small: number;
  big: number;
}

/** A jug move. */
export type JugMove = 'FillSmall' | 'FillBig' | 'EmptySmall' | 'EmptyBig' | 'SmallToBig' | 'BigToSmall';

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'The Die Hard jugs puzzle: the invariant "big ≠ 4" fails in 6 steps',
  params: {},
  flags: [],
  expect: 'violation',
  variants: {},
} satisfies SpecAbout;

const MOVES: JugMove[] = ['FillSmall', 'FillBig', 'EmptySmall', 'EmptyBig', 'SmallToBig', 'BigToSmall'];

/** The DieHard model (3- and 5-gallon jugs). */
export default function dieHard(): Model<Jugs, JugMove> {
  return defineModel<Jugs, JugMove>({
    name: 'DieHard',
    init: () => [{ small: 0, big: 0 }],
    actions: () => MOVES,
    next({ small, big }, move) {
      switch (move) {
        case 'FillSmall':
          return { small: 3, big };
        case 'FillBig':
          return { small, big: 5 };
        case 'EmptySmall':
          return { small: 0, big };
        case 'EmptyBig':
          return { small, big: 0 };
        case 'SmallToBig': {
          const poured = Math.min(small, 5 - big);
          return { small: small - poured, big: big + poured };
        }
        case 'BigToSmall': {
          const poured = Math.min(big, 3 - small);
          return { small: small + poured, big: big - poured };
        }
      }
    },
    invariants: { NotFour: ({ big }) => big !== 4 },
  });
}
