/**
 * Two-phase commit as nodes and messages: a coordinator and `n` participants.
 *
 * The coordinator sends Prepare to every participant; each votes yes (and is then *prepared*:
 * it may no longer abort on its own) or no (and aborts). The coordinator commits iff every
 * participant voted yes; it aborts on a no vote, or when its vote timeout fires first. It
 * sends the decision to every participant and retransmits it, up to `retries` times, to those
 * that have not acknowledged it. A participant that recovers while prepared asks the
 * coordinator for the decision (Inquire).
 *
 * Durability: the coordinator's decision and each participant's state are persistent. A
 * coordinator that recovers without a decision presumes abort (it never decided, so nobody
 * committed); one that recovers with a decision sends it again.
 *
 * Properties:
 * - Atomicity (invariant): no participant has committed while another has aborted. Holds under
 *   loss, duplication and `--crashes 1 --recover`.
 * - NoBlocking (terminal): once nothing but faults can happen, no live participant is still
 *   prepared. Fails with `--crashes 1` (crash-stop): a participant that voted yes cannot learn
 *   the outcome when the coordinator dies — 2PC blocks. Under crash-recover a crashed coordinator
 *   comes back eventually, so a state where it is down is not final and is not held against it.
 *   Under loss it holds while drops ≤ retries.
 *
 * Variant `no-durable-decision`: the coordinator keeps its decision in volatile memory; after a
 * crash and recovery it presumes abort although it may have committed: Atomicity fails.
 */
import { protocol, type ActorModel, type Context, type Environment, type Params, type World, type SpecAbout } from '../specs/index.ts';

type Outcome = 'commit' | 'abort';

interface Coordinator {
  /** The decision, once taken (persistent, except in `no-durable-decision`). */
  decision: Outcome | null;
  /** Participants that voted yes: a set keyed by id, so renaming participants keeps it a set. */
  yes: Record<string, true>;
  /** Participants known to have the decision (acknowledged, or voted no), keyed by id. */
  done: Record<string, true>;
  /** Decision retransmissions so far. */
  retries: number;
}

interface Participant {
  state: 'working' | 'prepared' | 'committed' | 'aborted';
}

/** Handlers do not learn who sent a message, so votes and acks name their sender (`by`). */
type Msg =
  | { type: 'Prepare' }
  | { type: 'Vote'; by: string; yes: boolean }
  | { type: 'Commit' }
  | { type: 'Abort' }
  | { type: 'Ack'; by: string }
  | { type: 'Inquire' };

const VARIANTS = {
  'no-durable-decision': {
    description: "the coordinator's decision is volatile: after a crash it presumes abort although it committed, so Atomicity fails with --crashes 1 --recover",
    flags: ['--crashes', '1', '--recover'],
    expect: 'violation',
  },
} satisfies SpecAbout['variants'];

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description:
    'Two-phase commit: a coordinator and N participants; Atomicity holds under loss and crash-recovery, NoBlocking fails when the coordinator crash-stops',
  params: {
    n: 'number of participants, 1–5 (default 2)',
    retries: 'decision retransmissions to participants that have not acknowledged, 0–3 (default 1)',
  },
  flags: ['--crashes', '1', '--recover'],
  expect: 'pass',
  variants: VARIANTS,
} satisfies SpecAbout;

const DECISION = { commit: { type: 'Commit' }, abort: { type: 'Abort' } } as const;

function whole(params: Params, key: string, fallback: number, min: number, max: number): number {
  const value = Number(params[key] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${key} must be an integer ${min}–${max}, got ${params[key]}`);
  return value;
}

/** Two-phase commit with `n` participants. */
export default function twoPhaseCommit(params: Params = {}): ActorModel {
  return build(params);
}

function build(params: Params): ActorModel {
  const n = whole(params, 'n', 2, 1, 5);
  const retries = whole(params, 'retries', 1, 0, 3);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && !(variant in VARIANTS)) {
    throw new Error(`unknown variant "${variant}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  }
  const durable = variant !== 'no-durable-decision';

  /** Records the decision, sends it to every participant not known to have it, arms the retransmission. */
  const decide = (c: Coordinator, outcome: Outcome, ctx: Context<Msg>): void => {
    c.decision = outcome;
    c.retries = 0;
    ctx.cancelTimer('timeout');
    announce(c, ctx);
  };
  const announce = (c: Coordinator, ctx: Context<Msg>): void => {
    const pending = ctx.nodes('participant').filter((p) => !c.done[p]);
    for (const p of pending) ctx.send(p, DECISION[c.decision!]);
    if (pending.length > 0 && c.retries < retries) ctx.setTimer('retry');
    else ctx.cancelTimer('retry');
  };

  return protocol<Msg>()({
    name: `TwoPhaseCommit(n=${n})${durable ? '' : `/${variant}`}`,
    nodes: { coordinator: 1, participant: n },
    symmetric: ['participant'],
    roles: {
      coordinator: {
        init: (): Coordinator => ({ decision: null, yes: {}, done: {}, retries: 0 }),
        persistent: durable ? ['decision'] : [],
        onStart(_c, ctx) {
          ctx.broadcast('participant', { type: 'Prepare' });
          ctx.setTimer('timeout');
        },
        on: {
          Vote(c, msg, ctx) {
            if (c.decision !== null) return; // late: the decision is already on its way to the voter
            if (!msg.yes) {
              c.done[msg.by] = true; // it aborted on its own
              return decide(c, 'abort', ctx);
            }
            c.yes[msg.by] = true;
            if (Object.keys(c.yes).length === n) decide(c, 'commit', ctx);
          },
          Ack(c, msg, ctx) {
            c.done[msg.by] = true;
            if (Object.keys(c.done).length === n) ctx.cancelTimer('retry');
          },
          Inquire(c, _msg, ctx) {
            if (c.decision !== null) ctx.reply(DECISION[c.decision]); // undecided: the decision will come
          },
        },
        timers: {
          // The vote phase timed out: a coordinator that has not decided may always abort.
          timeout(c, ctx) {
            if (c.decision === null) decide(c, 'abort', ctx);
          },
          retry(c, ctx) {
            c.retries++;
            announce(c, ctx);
          },
        },
        // Without a decision on record nobody can have committed: presume abort. With one, repeat it.
        onRecover(c, ctx) {
          if (c.decision === null) decide(c, 'abort', ctx);
          else announce(c, ctx);
        },
      },
      participant: {
        init: (): Participant => ({ state: 'working' }),
        persistent: ['state'],
        on: {
          Prepare(p, _msg, ctx) {
            if (p.state === 'working') {
              const yes = ctx.choose([true, false]);
              p.state = yes ? 'prepared' : 'aborted';
              ctx.reply({ type: 'Vote', by: ctx.self, yes });
            } else if (p.state === 'prepared') {
              ctx.reply({ type: 'Vote', by: ctx.self, yes: true }); // a duplicate Prepare
            }
          },
          Commit(p, _msg, ctx) {
            if (p.state === 'working' || p.state === 'prepared') p.state = 'committed';
            ctx.reply({ type: 'Ack', by: ctx.self });
          },
          Abort(p, _msg, ctx) {
            if (p.state === 'working' || p.state === 'prepared') p.state = 'aborted';
            ctx.reply({ type: 'Ack', by: ctx.self });
          },
        },
        // Prepared, it may have missed the decision while down: ask for it.
        onRecover(p, ctx) {
          if (p.state === 'prepared') ctx.send('coordinator', { type: 'Inquire' });
        },
      },
    },
    invariants: {
      Atomicity: (w) => {
        const states = w.nodes('participant').map((p) => p.state);
        return !(states.includes('committed') && states.includes('aborted'));
      },
    },
    // The pass is not vacuous: a transaction commits at every participant, and one aborts.
    reachable: {
      Committed: (w) => w.nodes('participant').every((p) => p.state === 'committed'),
      Aborted: (w) => w.nodes('participant').some((p) => p.state === 'aborted'),
    },
    terminal: {
      // A crashed coordinator that may recover is not blocking anyone yet.
      NoBlocking: (w) => (w.environment.recover && w.crashed('coordinator')) || prepared(w).length === 0,
    },
  });
}

/** The live participants still prepared (uncertain of the outcome). */
function prepared(w: World): string[] {
  return w.ids('participant').filter((id) => w.live(id) && w.node<Participant>(id).state === 'prepared');
}
