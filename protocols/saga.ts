/**
 * A saga: an orchestrator books an order through three services — reserve the stock, charge
 * the card, ship the parcel — and when shipping fails it compensates in reverse order:
 * refund the card, release the stock.
 *
 * The network may lose and duplicate messages, so the orchestrator retries each request
 * (its `retry` timer is untimed: a timeout may fire before the reply is merely late, so a
 * retry may duplicate a request that did arrive). Every service is idempotent on the saga's
 * key: a repeated Charge charges once, a repeated Ship ships (or fails) once, a repeated
 * Refund refunds once. Shipping may fail (`ctx.choose`: out of stock at the warehouse).
 *
 * Invariants: NoMoneyLost — the card is never refunded more than it was charged; and
 * ChargedAtMostOnce. Terminal (once nothing but faults can happen): Settled — the saga
 * finished, and either the parcel shipped with the card charged once and the stock taken,
 * or it did not ship and the card was refunded exactly what it was charged and the stock
 * released. Retries are bounded (`retries`), so Settled holds while drops ≤ retries.
 *
 * The twin `non-idempotent-compensation` refunds on every Refund message: a retried (or
 * duplicated) Refund pays the customer back twice, and the merchant loses the money.
 */
import { protocol, type Params, type SpecAbout, type World } from '../specs/index.ts';

/** The saga's steps, then its end. */
type Phase = 'reserve' | 'charge' | 'ship' | 'refund' | 'release' | 'done';

/** The orchestrator's local state. */
export interface Orchestrator {
  phase: Phase;
  /** Retries left for the current step. */
  retries: number;
  /** How the saga ended (null while running). */
  outcome: 'completed' | 'compensated' | null;
}

type Msg =
  | { type: 'Reserve' }
  | { type: 'Reserved' }
  | { type: 'Charge' }
  | { type: 'Charged' }
  | { type: 'Ship' }
  | { type: 'ShipResult'; ok: boolean }
  | { type: 'Refund' }
  | { type: 'Refunded' }
  | { type: 'Release' }
  | { type: 'Released' };

/** The request each step sends, and the service that handles it. */
const REQUEST = {
  reserve: { to: 'inventory', msg: { type: 'Reserve' } },
  charge: { to: 'payment', msg: { type: 'Charge' } },
  ship: { to: 'shipping', msg: { type: 'Ship' } },
  refund: { to: 'payment', msg: { type: 'Refund' } },
  release: { to: 'inventory', msg: { type: 'Release' } },
} as const satisfies Record<Exclude<Phase, 'done'>, { to: string; msg: Msg }>;

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Saga (reserve, charge, ship; refund and release when shipping fails) with retries under loss and duplication: no money lost, every saga settles',
  params: { retries: 'retries per step after a timeout, 0–2 (default 1)' },
  flags: ['--max-drops', '1', '--max-dups', '1'],
  expect: 'pass',
  variants: {
    'non-idempotent-compensation': {
      description: 'the payment service refunds on every Refund: a retried Refund pays the customer back twice (NoMoneyLost)',
      flags: [],
      expect: 'violation',
    },
  },
} satisfies SpecAbout;

/** The card's money moves, as the payment service recorded them. */
export interface Payment {
  charged: number;
  refunded: number;
}

/** NoMoneyLost: the card is never refunded more than it was charged. */
export function noMoneyLost(w: World): boolean {
  const p = w.node<Payment>('payment');
  return p.refunded <= p.charged;
}

/** The saga with `retries` retries per step; `variant=non-idempotent-compensation` for the twin. */
export default function saga(params: Params = {}) {
  const retries = Number(params.retries ?? 1);
  if (!Number.isInteger(retries) || retries < 0 || retries > 2) throw new Error(`saga: retries must be an integer 0–2, got ${params.retries}`);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && variant !== 'non-idempotent-compensation') {
    throw new Error(`saga: unknown variant "${variant}" (known: non-idempotent-compensation)`);
  }
  const idempotentRefund = variant === 'correct';

  /** Starts step `phase`: sends its request and arms the retry timer while retries last. */
  const begin = (o: Orchestrator, phase: Phase, ctx: { send(to: string, msg: Msg): void; setTimer(name: string): void; cancelTimer(name: string): void }): void => {
    o.phase = phase;
    o.retries = retries;
    ctx.cancelTimer('retry');
    if (phase === 'done') return;
    ctx.send(REQUEST[phase].to, REQUEST[phase].msg);
    if (retries > 0) ctx.setTimer('retry');
  };

  return protocol<Msg>()({
    name: idempotentRefund ? `Saga(retries=${retries})` : `Saga/${variant}(retries=${retries})`,
    nodes: { orchestrator: 1, inventory: 1, payment: 1, shipping: 1 },
    roles: {
      orchestrator: {
        init: (): Orchestrator => ({ phase: 'reserve', retries, outcome: null }),
        onStart(o, ctx) {
          begin(o, 'reserve', ctx);
        },
        timers: {
          retry(o, ctx) {
            if (o.phase === 'done') return;
            o.retries--;
            ctx.send(REQUEST[o.phase].to, REQUEST[o.phase].msg);
            if (o.retries > 0) ctx.setTimer('retry');
          },
        },
        on: {
          // A reply for a step already passed is a late duplicate: ignored.
          Reserved(o, _msg, ctx) {
            if (o.phase === 'reserve') begin(o, 'charge', ctx);
          },
          Charged(o, _msg, ctx) {
            if (o.phase === 'charge') begin(o, 'ship', ctx);
          },
          ShipResult(o, msg, ctx) {
            if (o.phase !== 'ship') return;
            if (msg.ok) {
              o.outcome = 'completed';
              begin(o, 'done', ctx);
            } else begin(o, 'refund', ctx);
          },
          Refunded(o, _msg, ctx) {
            if (o.phase === 'refund') begin(o, 'release', ctx);
          },
          Released(o, _msg, ctx) {
            if (o.phase !== 'release') return;
            o.outcome = 'compensated';
            begin(o, 'done', ctx);
          },
        },
      },
      inventory: {
        init: { reserved: false, released: false },
        on: {
          Reserve(s, _msg, ctx) {
            if (!s.released) s.reserved = true; // a Reserve that arrives after the release is stale
            ctx.reply({ type: 'Reserved' });
          },
          Release(s, _msg, ctx) {
            s.reserved = false;
            s.released = true;
            ctx.reply({ type: 'Released' });
          },
        },
      },
      payment: {
        init: (): Payment => ({ charged: 0, refunded: 0 }),
        on: {
          Charge(p, _msg, ctx) {
            if (p.charged === 0 && p.refunded === 0) p.charged = 1; // keyed by the saga: once
            ctx.reply({ type: 'Charged' });
          },
          Refund(p, _msg, ctx) {
            if (idempotentRefund) {
              if (p.refunded < p.charged) p.refunded = p.charged; // keyed by the saga: once
            } else p.refunded++; // the bug: every Refund message pays back again
            ctx.reply({ type: 'Refunded' });
          },
        },
      },
      shipping: {
        init: { outcome: null as 'shipped' | 'failed' | null },
        on: {
          Ship(s, _msg, ctx) {
            s.outcome ??= ctx.choose(['shipped', 'failed'] as const);
            ctx.reply({ type: 'ShipResult', ok: s.outcome === 'shipped' });
          },
        },
      },
    },
    invariants: {
      NoMoneyLost: noMoneyLost,
      ChargedAtMostOnce: (w) => w.node('payment').charged <= 1,
    },
    reachable: {
      // Both endings happen: the parcel ships, or shipping fails and the saga compensates.
      Completed: (w) => w.node('orchestrator').outcome === 'completed',
      Compensated: (w) => w.node('orchestrator').outcome === 'compensated',
    },
    terminal: {
      Settled: (w) => {
        const o = w.node('orchestrator');
        const p = w.node('payment');
        const stock = w.node('inventory');
        if (o.outcome === 'completed') return w.node('shipping').outcome === 'shipped' && p.charged === 1 && p.refunded === 0 && stock.reserved;
        if (o.outcome === 'compensated') return w.node('shipping').outcome !== 'shipped' && p.refunded === p.charged && !stock.reserved;
        return false;
      },
    },
  });
}
