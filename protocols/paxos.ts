/**
 * Single-decree Paxos (Lamport, "Paxos Made Simple"): `proposers` proposers, each with a
 * value of its own, try to get `acceptors` acceptors to choose one value.
 *
 * Every proposer begins its first ballot at start; its `start` timer (untimed: it may fire
 * at any moment, which is how a timeout abstracts) begins the next one. Proposer i's k-th
 * ballot is (k-1)·proposers + i, so ballots are distinct, and each proposer begins at most
 * `rounds` ballots (the bound that keeps the state space finite).
 *
 * Phase 1: Prepare(b) to every acceptor; an acceptor that promised nothing as high promises
 * b and reports its last vote (no nack: a proposer that hears nothing times out). Phase 2:
 * on promises from a majority, the proposer sends Accept(b, v) to the acceptors that
 * promised — v the value of the highest-ballot vote reported, else its own — and an acceptor
 * that promised nothing higher votes for it. Acceptors do not answer an Accept: a value is
 * *chosen* once a majority of acceptors voted for it at the same ballot, which is what the
 * Agreement invariant reads, through a ghost history of each acceptor's votes (`votes`, as
 * in Lamport's Paxos.tla; no handler reads it).
 *
 * Acceptors keep their promise and their votes on stable storage; a proposer keeps how many
 * ballots it began (re-using a ballot number after a crash could propose a second value at
 * the same ballot). Variant `forget-promise`: the promise is volatile, so an acceptor that
 * crashes and recovers votes at a ballot lower than the one it promised, and two values are
 * chosen.
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';

/** A vote: an acceptor accepted `value` at `ballot`. */
export interface Vote {
  ballot: number;
  value: string;
}

/** An acceptor's local state. */
export interface Acceptor {
  /** The highest ballot promised (0: none). */
  promised: number;
  /** The last vote cast, reported in promises. */
  accepted: Vote | null;
  /** Ghost: every vote cast, sorted by ballot; read only by the Agreement invariant. */
  votes: Vote[];
}

/** A proposer's local state. */
export interface Proposer {
  /** Ballots begun so far (persistent). */
  round: number;
  /** The current ballot (0: none yet). */
  ballot: number;
  phase: 'idle' | 'prepare' | 'accept';
  /** Promises for the current ballot: acceptor → its last vote (null: none), sorted by acceptor. */
  promises: { acceptor: string; vote: Vote | null }[];
  /** The value proposed at the current ballot, once in phase 2. */
  proposal: string | null;
}

type PaxosMessage =
  | { type: 'Prepare'; ballot: number }
  | { type: 'Promise'; ballot: number; votedBallot?: number; votedValue?: string }
  | { type: 'Accept'; ballot: number; value: string };

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Single-decree Paxos: proposers with distinct values, acceptors with durable promises and votes; Agreement',
  params: {
    acceptors: 'number of acceptors (default 3)',
    proposers: 'number of proposers, each proposing its own value (default 2)',
    rounds: 'ballots each proposer may begin (default 1; each more multiplies the state space: use random search there)',
  },
  flags: ['--crashes', '1', '--recover'],
  expect: 'pass',
  variants: {
    'forget-promise': {
      description: 'the promise is volatile: after crash-recovery an acceptor votes below its promise, two values are chosen (needs --crashes 1 --recover)',
      flags: ['--crashes', '1', '--recover'],
      expect: 'violation',
    },
  },
} satisfies SpecAbout;

const VARIANTS = ['correct', 'forget-promise'] as const;

function positiveInt(params: Params, name: string, fallback: number): number {
  const raw = params[name] ?? fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`paxos: ${name} must be a positive integer, got ${String(raw)}`);
  return n;
}

/** The values chosen: those a majority of acceptors voted for at one ballot. */
export function chosenValues(acceptors: readonly Acceptor[]): string[] {
  const majority = Math.floor(acceptors.length / 2) + 1;
  const perBallot = new Map<number, { value: string; count: number }>();
  for (const a of acceptors) {
    for (const v of a.votes) {
      const entry = perBallot.get(v.ballot) ?? { value: v.value, count: 0 };
      entry.count++;
      perBallot.set(v.ballot, entry);
    }
  }
  const chosen = new Set<string>();
  for (const { value, count } of perBallot.values()) if (count >= majority) chosen.add(value);
  return [...chosen].sort();
}

/** Single-decree Paxos with `acceptors` acceptors and `proposers` proposers. */
export default function paxos(params: Params = {}) {
  const nAcceptors = positiveInt(params, 'acceptors', 3);
  const nProposers = positiveInt(params, 'proposers', 2);
  const rounds = positiveInt(params, 'rounds', 1);
  const variant = String(params.variant ?? 'correct');
  if (!(VARIANTS as readonly string[]).includes(variant)) {
    throw new Error(`paxos: unknown variant "${variant}" (known: ${VARIANTS.filter((v) => v !== 'correct').join(', ')})`);
  }
  const majority = Math.floor(nAcceptors / 2) + 1;
  /** Proposer i proposes its own value: v1, v2, … */
  const valueOf = (index: number): string => `v${index}`;

  const beginBallot = (p: Proposer, index: number, ctx: { broadcast(role: string, msg: PaxosMessage): void; setTimer(name: string): void }): void => {
    p.round++;
    p.ballot = (p.round - 1) * nProposers + index;
    p.phase = 'prepare';
    p.promises = [];
    p.proposal = null;
    ctx.broadcast('acceptor', { type: 'Prepare', ballot: p.ballot });
    if (p.round < rounds) ctx.setTimer('start'); // it may time out and retry with a higher ballot
  };

  return protocol<PaxosMessage>()({
    name: variant === 'correct' ? 'Paxos' : `Paxos/${variant}`,
    nodes: { proposer: nProposers, acceptor: nAcceptors },
    roles: {
      proposer: {
        init: (): Proposer => ({ round: 0, ballot: 0, phase: 'idle', promises: [], proposal: null }),
        persistent: ['round'],
        onStart(p, ctx) {
          beginBallot(p, ctx.index, ctx);
        },
        onRecover(p, ctx) {
          if (p.round < rounds) ctx.setTimer('start');
        },
        timers: {
          start(p, ctx) {
            beginBallot(p, ctx.index, ctx);
          },
        },
        on: {
          Promise(p, msg, ctx) {
            if (p.phase !== 'prepare' || msg.ballot !== p.ballot) return;
            const acceptor = ctx.sender;
            if (p.promises.some((x) => x.acceptor === acceptor)) return; // a duplicate
            const vote = msg.votedBallot === undefined ? null : { ballot: msg.votedBallot, value: msg.votedValue! };
            p.promises.push({ acceptor, vote });
            p.promises.sort((x, y) => (x.acceptor < y.acceptor ? -1 : 1));
            if (p.promises.length < majority) return;
            // Phase 2: the value of the highest-ballot vote reported, else our own.
            let best: Vote | null = null;
            for (const { vote: v } of p.promises) if (v && (!best || v.ballot > best.ballot)) best = v;
            p.phase = 'accept';
            p.proposal = best ? best.value : valueOf(ctx.index);
            // "Paxos Made Simple": the accept request goes to the acceptors that promised.
            for (const { acceptor: to } of p.promises) ctx.send(to, { type: 'Accept', ballot: p.ballot, value: p.proposal });
            p.promises = [];
          },
        },
      },
      acceptor: {
        init: (): Acceptor => ({ promised: 0, accepted: null, votes: [] }),
        persistent: variant === 'forget-promise' ? ['accepted', 'votes'] : ['promised', 'accepted', 'votes'],
        on: {
          Prepare(a, msg, ctx) {
            if (msg.ballot <= a.promised) return; // no nack: the proposer's timer retries
            a.promised = msg.ballot;
            ctx.reply({
              type: 'Promise',
              ballot: msg.ballot,
              ...(a.accepted ? { votedBallot: a.accepted.ballot, votedValue: a.accepted.value } : {}),
            });
          },
          Accept(a, msg) {
            if (msg.ballot < a.promised) return;
            a.promised = msg.ballot;
            a.accepted = { ballot: msg.ballot, value: msg.value };
            if (!a.votes.some((v) => v.ballot === msg.ballot)) {
              a.votes.push({ ballot: msg.ballot, value: msg.value });
              a.votes.sort((x, y) => x.ballot - y.ballot);
            }
          },
        },
      },
    },
    invariants: {
      /** At most one value is chosen. */
      Agreement: (w) => chosenValues(w.nodes('acceptor')).length <= 1,
    },
    // The pass is not vacuous: a value is chosen.
    reachable: {
      Chosen: (w) => chosenValues(w.nodes('acceptor')).length === 1,
    },
  });
}
