/**
 * The Two Generals problem, executable. General A sends a messenger to B; every messenger
 * received is confirmed by a messenger back, `rounds` messengers in all. A general attacks
 * once it has received every messenger meant for it. Over a reliable link both attack;
 * with a single lost messenger — the last one — the sender of the last messenger attacks
 * alone, whatever `rounds` is.
 */
import { protocol, type Params } from '../specs/index.ts';

interface General {
  /** The highest messenger number received. */
  received: number;
  attack: boolean;
}

interface Messenger {
  type: 'Messenger';
  n: number;
}

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Two Generals over a lossy link: with one drop (the last messenger) they disagree, for any number of rounds',
  params: { rounds: 'messengers in all, 1–5 (default 2)' },
  variants: {},
};

/** Two Generals with `rounds` messengers. */
export default function twoGenerals(params: Params = {}) {
  const rounds = Number(params.rounds ?? 2);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 5) throw new Error(`rounds must be 1–5, got ${params.rounds}`);
  // Messenger n goes A→B when n is odd, B→A when even. A general's last expected messenger:
  const lastFor = (self: string): number => {
    const mine = (n: number) => (self === 'general-A' ? n % 2 === 0 : n % 2 === 1);
    for (let n = rounds; n >= 1; n--) if (mine(n)) return n;
    return 0;
  };
  return protocol<Messenger>({
    name: `TwoGenerals(rounds=${rounds})`,
    nodes: { general: ['A', 'B'] },
    roles: {
      general: {
        init: ({ self }): General => ({ received: 0, attack: lastFor(self) === 0 }),
        onStart(g, ctx) {
          if (ctx.self === 'general-A') ctx.send('general-B', { type: 'Messenger', n: 1 });
        },
        on: {
          Messenger(g: General, msg: Messenger, ctx) {
            g.received = msg.n;
            if (msg.n < rounds) ctx.reply({ type: 'Messenger', n: msg.n + 1 });
            if (msg.n >= lastFor(ctx.self)) g.attack = true;
          },
        },
      },
    },
    terminal: {
      Agreement: (w) => w.node<General>('general-A').attack === w.node<General>('general-B').attack,
    },
  });
}
