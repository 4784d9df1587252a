/**
 * Payments with retries: a client charges a customer's card through a payment service and
 * retries when no receipt comes back in time, up to `retries` times. The service charges the
 * card (appends to its ledger) and answers with a Receipt.
 *
 * Default: every attempt of one payment carries the same idempotency key; the service
 * remembers the keys it has charged and answers a retry with the original receipt instead of
 * charging again. The card is charged exactly once.
 *
 * Variant `naive-retry`: requests carry no key, so the service charges every request it gets.
 * A lost Receipt makes the client retry a payment that went through: the card is charged twice.
 * It takes exactly one drop.
 *
 * Timeouts: the environment defaults to one message in flight (`--max-in-flight 1`). That is
 * how an untimed model says "the timeout is longer than a round trip": states where a retry
 * overtakes a request or receipt still in flight are checked but not expanded, so the client
 * retries only once its request or the receipt is gone. (`--max-in-flight 2` drops that
 * assumption: a premature timeout then double-charges in the naive variant without any loss.)
 *
 * Properties:
 * - ChargedAtMostOnce (invariant): the ledger never holds more than one charge.
 * - PaidExactlyOnce (terminal): once all is quiet, the client holds a receipt and the card was
 *   charged exactly once. Holds while drops ≤ retries.
 */
import { protocol, type ActorModel, type Envelope, type Params, type WorldState, type SpecAbout } from '../specs/index.ts';

interface Client {
  /** The attempt in progress: 1, then one more per retry. */
  attempt: number;
  /** A receipt came back. */
  paid: boolean;
}

interface Service {
  /** One entry per charge to the card: the idempotency key, or `-` when the request had none. */
  ledger: string[];
}

/** `attempt` numbers the client's tries; the service ignores it (it only serves the timeout model). */
type Msg = { type: 'Charge'; key?: string; attempt: number } | { type: 'Receipt'; attempt: number };

const VARIANTS = {
  'naive-retry': { description: 'no idempotency key: a lost receipt and a retry charge the card twice (1 drop)', flags: ['--max-drops', '1'], expect: 'violation' },
} satisfies SpecAbout['variants'];

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description:
    'Payments with retries: a client charges a card through a payment service; idempotency keys make retries safe, naive retries double-charge after one lost receipt',
  params: { retries: 'retries after a timeout, 0–3 (default 2)' },
  flags: ['--max-drops', '1'],
  expect: 'pass',
  variants: VARIANTS,
} satisfies SpecAbout;

const KEY = 'pay-1';

/** The payment protocol; `variant=naive-retry` drops the idempotency key. */
export default function payments(params: Params = {}): ActorModel {
  return build(params);
}

/** The protocol, with the round-trip timeout as its state constraint. */
function build(params: Params): ActorModel {
  const retries = Number(params.retries ?? 2);
  if (!Number.isInteger(retries) || retries < 0 || retries > 3) throw new Error(`retries must be an integer 0–3, got ${params.retries}`);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && !(variant in VARIANTS)) {
    throw new Error(`unknown variant "${variant}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  }
  const idempotent = variant === 'correct';
  const charge = (attempt: number): Msg => (idempotent ? { type: 'Charge', key: KEY, attempt } : { type: 'Charge', attempt });

  return protocol<Msg>()({
    name: idempotent ? 'Payments' : `Payments/${variant}`,
    nodes: { client: 1, service: 1 },
    roles: {
      client: {
        init: { attempt: 1, paid: false },
        onStart(c, ctx) {
          ctx.send('service', charge(c.attempt));
          if (retries > 0) ctx.setTimer('timeout');
        },
        on: {
          Receipt(c, _msg, ctx) {
            c.paid = true;
            ctx.cancelTimer('timeout');
          },
        },
        timers: {
          timeout(c, ctx) {
            c.attempt++;
            ctx.send('service', charge(c.attempt));
            if (c.attempt <= retries) ctx.setTimer('timeout'); // else that was the last try
          },
        },
      },
      service: {
        init: (): Service => ({ ledger: [] }),
        persistent: ['ledger'],
        on: {
          Charge(s, msg, ctx) {
            // With a key, a request seen before is answered with its receipt and not charged again.
            if (msg.key === undefined || !s.ledger.includes(msg.key)) s.ledger.push(msg.key ?? '-');
            ctx.reply({ type: 'Receipt', attempt: msg.attempt });
          },
        },
      },
    },
    invariants: {
      ChargedAtMostOnce: (w) => w.node('service').ledger.length <= 1,
    },
    // The pass is not vacuous: a payment goes through.
    reachable: { Paid: (w) => w.node('client').paid },
    terminal: {
      PaidMeansChargedOnce: (w) => {
        const c = w.node('client');
        return c.paid ? w.node('service').ledger.length === 1 : c.attempt > retries;
      },
    },
    constraint: (w) => oneAttemptInFlight(w.state),
  });
}

/**
 * The timeout outlasts a round trip: no retry is in flight beside an earlier attempt's request
 * or receipt. States where one is were reached by a premature timeout; they are checked but not
 * expanded.
 */
function oneAttemptInFlight(w: WorldState): boolean {
  const net = w.net as Envelope<Msg>[];
  return net.every((e) => e.msg.attempt === net[0].msg.attempt);
}
