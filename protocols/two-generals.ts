/**
 * The Two Generals problem, executable. General A sends a messenger to B; every messenger
 * received is confirmed by a messenger back, `rounds` messengers in all. A general attacks
 * once it has received every messenger meant for it. Over a reliable link both attack;
 * with a single lost messenger — the last one — the sender of the last messenger attacks
 * alone, whatever `rounds` is. `faultline generals protocols/two-generals.ts --max-drops 1`
 * walks the whole chain of runs, from every messenger arriving to none (see `generals` below).
 */
import { protocol, type NodeInfo, type Params, type SpecAbout } from '../specs/index.ts';

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
  flags: ['--max-drops', '1'],
  expect: 'violation',
  variants: {},
} satisfies SpecAbout;

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
  return protocol<Messenger>()({
    name: `TwoGenerals(rounds=${rounds})`,
    nodes: { general: ['A', 'B'] },
    roles: {
      general: {
        init: (node: NodeInfo) => ({ received: 0, attack: lastFor(node.self) === 0 }),
        onStart(g, ctx) {
          if (ctx.self === 'general-A') ctx.send('general-B', { type: 'Messenger', n: 1 });
        },
        on: {
          Messenger(g, msg, ctx) {
            g.received = msg.n;
            if (msg.n < rounds) ctx.reply({ type: 'Messenger', n: msg.n + 1 });
            if (msg.n >= lastFor(ctx.self)) g.attack = true;
          },
        },
      },
    },
    terminal: {
      Agreement: (w) => w.node('general-A').attack === w.node('general-B').attack,
    },
    // For `faultline generals`: the two generals, what each does, and the property saying they agree.
    generals: { role: 'general', decision: (g) => (g.attack ? 'attack' : 'hold'), agreement: 'Agreement' },
  });
}

/** One execution of {@link indistinguishability}: its steps, each general's local history, who attacks. */
export interface GeneralsExecution {
  steps: string[];
  /** Each general's successive local states (a new entry only when it changes). */
  history: Record<string, General[]>;
  attack: Record<string, boolean>;
}

/**
 * The indistinguishability view of the shortest violation, for `rounds` messengers: the
 * execution that loses the last messenger (one drop) and its twin that delivers it. The
 * general who sent the last messenger has the same local history in both — it cannot tell
 * them apart — and attacks in both; its peer attacks only in the twin.
 */
export function indistinguishability(params: Params = {}): {
  sender: string;
  lossy: GeneralsExecution;
  twin: GeneralsExecution;
  sameHistory: boolean;
  text: string;
} {
  const model = twoGenerals(params).configure({ environment: { maxDrops: 1 } });
  const rounds = Number(params.rounds ?? 2);
  const generals = model.topology.ids;
  const run = (lose: boolean): GeneralsExecution => {
    let state = Array.from(model.init())[0];
    const steps: string[] = [];
    const history = Object.fromEntries(generals.map((g) => [g, [state.nodes[g] as General]]));
    for (let n = 1; n <= rounds; n++) {
      const kind = lose && n === rounds ? 'drop' : 'deliver';
      const action = Array.from(model.actions(state)).find(
        (a) => a.kind === kind && (a.envelope.msg as Messenger).n === n,
      )!;
      state = model.next(state, action)!;
      steps.push(model.describe!(action));
      for (const g of generals) {
        const local = state.nodes[g] as General;
        if (JSON.stringify(local) !== JSON.stringify(history[g].at(-1))) history[g].push(local);
      }
    }
    return { steps, history, attack: Object.fromEntries(generals.map((g) => [g, (state.nodes[g] as General).attack])) };
  };
  const lossy = run(true);
  const twin = run(false);
  const sender = rounds % 2 === 1 ? 'general-A' : 'general-B';
  const sameHistory = JSON.stringify(lossy.history[sender]) === JSON.stringify(twin.history[sender]);
  const show = (e: GeneralsExecution, name: string): string[] => [
    `${name}: ${e.steps.join('; ')}`,
    ...generals.map((g) => `  ${g}: ${e.history[g].map((l) => JSON.stringify(l)).join(' → ')}${e.attack[g] ? '  (attacks)' : ''}`),
  ];
  const text = [
    ...show(lossy, 'with the last messenger lost'),
    ...show(twin, 'with it delivered'),
    `${sender} ${sameHistory ? 'has the same local history in both: it cannot tell them apart, and attacks in both' : 'can tell them apart'}`,
  ].join('\n');
  return { sender, lossy, twin, sameHistory, text };
}
