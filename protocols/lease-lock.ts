/**
 * A lease-based lock, and the lease that outlives its holder under clock skew.
 *
 * The lock service grants a lease as an absolute expiry time on its own clock (it is the
 * reference clock here). A client writes to storage while it believes the lease valid by
 * its own clock, with a safety margin: `now() < expiresAt - margin`. Messages take at most
 * one tick. With skew + delay ≤ margin the margin absorbs the clock error and writes from
 * successive leases never interleave; with skew 3 a client whose clock runs behind writes
 * after the next holder did — split brain. Variant `fencing`: every lease carries a
 * token from a counter and storage rejects tokens older than the newest it has seen, so
 * stale writes are refused however wrong the clocks are.
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';

type Msg =
  | { type: 'Acquire' }
  | { type: 'Grant'; token: number; expiresAt: number }
  | { type: 'Deny' }
  | { type: 'Write'; token: number };

interface Service {
  holder: string | null;
  expiresAt: number;
  /** Leases granted so far: the next lease's token. */
  token: number;
}

interface Client {
  lease: { token: number; expiresAt: number } | null;
  wrote: boolean;
}

interface Storage {
  /** Tokens of the writes storage accepted, in order. */
  accepted: number[];
}

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Leases on a lock service: with --skew 3 two clients write believing they hold the lease (split brain)',
  params: {
    clients: 'number of clients (default 2)',
    lease: 'lease length in ticks (default 5)',
    margin: 'safety margin in ticks a client keeps before the expiry (default 3)',
  },
  flags: ['--skew', '3'],
  expect: 'violation',
  variants: {
    fencing: { description: 'storage rejects writes whose lease token is older than one it has seen: safe at any skew', flags: ['--skew', '3'], expect: 'pass' },
  },
} satisfies SpecAbout;

/** The lease lock with `clients` clients. */
export default function leaseLock(params: Params = {}) {
  const clients = Number(params.clients ?? 2);
  const lease = Number(params.lease ?? 5);
  const margin = Number(params.margin ?? 3);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && variant !== 'fencing') throw new Error(`unknown variant "${variant}" (known: fencing)`);
  const fencing = variant === 'fencing';

  return protocol<Msg>()({
    name: fencing ? 'LeaseLock/fencing' : 'LeaseLock',
    nodes: { service: 1, client: clients, storage: 1 },
    environment: { maxTime: 7, maxDelay: 1 },
    roles: {
      service: {
        clock: false, // the reference clock: the skew of the others is measured against it
        init: (): Service => ({ holder: null, expiresAt: 0, token: 0 }),
        on: {
          Acquire(s, _msg, ctx) {
            if (s.holder !== null && ctx.now() < s.expiresAt) return void ctx.reply({ type: 'Deny' });
            s.token += 1;
            s.expiresAt = ctx.now() + lease;
            s.holder = ctx.sender;
            ctx.reply({ type: 'Grant', token: s.token, expiresAt: s.expiresAt });
          },
        },
      },
      client: {
        init: (): Client => ({ lease: null, wrote: false }),
        onStart(_c, ctx) {
          ctx.send('service', { type: 'Acquire' });
        },
        on: {
          Grant(c, msg, ctx) {
            c.lease = { token: msg.token, expiresAt: msg.expiresAt };
            ctx.setTimer('write');
          },
          Deny(_c, _msg, ctx) {
            ctx.setTimer('retry', 1);
          },
        },
        timers: {
          retry(_c, ctx) {
            ctx.send('service', { type: 'Acquire' });
          },
          write(c, ctx) {
            // The client's belief, by its own clock.
            if (c.lease && ctx.now() < c.lease.expiresAt - margin) {
              ctx.send('storage', { type: 'Write', token: c.lease.token });
              c.wrote = true;
            }
          },
        },
      },
      storage: {
        clock: false,
        init: (): Storage => ({ accepted: [] }),
        on: {
          Write(s, msg) {
            const newest = s.accepted.length === 0 ? 0 : Math.max(...s.accepted);
            if (fencing && msg.token < newest) return; // a stale lease: refused
            s.accepted.push(msg.token);
          },
        },
      },
    },
    invariants: {
      /** Storage never accepts a write from an older lease after one from a newer lease. */
      NoSplitBrainWrites: (w) => {
        const accepted = w.node('storage').accepted;
        return accepted.every((token, i) => i === 0 || token >= accepted[i - 1]);
      },
    },
    // The pass is not vacuous: a lease is granted and storage accepts a write under it.
    reachable: {
      LeasedWrite: (w) => w.node('storage').accepted.length > 0,
    },
  });
}
