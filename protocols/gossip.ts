/**
 * Gossip / anti-entropy: `n` replicas, one of which (replica-1) holds an update the others
 * lack. Each replica's `gossip` timer fires again and again (untimed: at any moment); each
 * time it starts one push-pull exchange with its next peer in round-robin order — it sends
 * its value, the peer merges it and answers with its own, and the replica merges that. The
 * round-robin starts at a peer each replica picks at random (`ctx.choose`), and a replica
 * has one exchange at a time: the next waits for the answer.
 *
 * Converges (liveness, checked under weak fairness: an armed timer eventually fires, a
 * message in flight is eventually delivered): every replica eventually holds the update.
 * It holds under duplication, and with one drop: a lost message stalls that replica's own
 * exchanges for good (there is no retransmission), but the others still contact it. With
 * unbounded loss (`--loss`) every exchange may be lost, and it fails.
 *
 * The twin `stop-after-first-contact` gossips once: a replica stops after its first exchange.
 * When replica-3's one exchange reaches replica-2 before replica-2 has heard from replica-1,
 * and nobody's one exchange goes to replica-3, replica-3 never learns the update: a lasso in
 * which nothing is left to do.
 */
import { eventually, protocol, type Params, type SpecAbout } from '../specs/index.ts';

/** A replica's local state. */
export interface GossipReplica {
  /** The update, once this replica has it. */
  value: string | null;
  /** Index (into its peers) of the peer it gossips with next. */
  next: number;
  /** The peer of the exchange in progress, if any. */
  awaiting: string | null;
}

type Msg = { type: 'Gossip'; value: string | null } | { type: 'GossipReply'; value: string | null };

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Gossip / anti-entropy (push-pull, round-robin from a random peer): every replica eventually holds the update (liveness under fairness)',
  params: { n: 'number of replicas, 2–4 (default 3)' },
  flags: ['--max-drops', '1'],
  expect: 'pass',
  variants: {
    'stop-after-first-contact': {
      description: 'each replica gossips once and stops: when its first contacts miss the update, a replica never converges (Converges fails with a lasso)',
      flags: [],
      expect: 'violation',
    },
  },
} satisfies SpecAbout;

/** Gossip among `n` replicas; `variant=stop-after-first-contact` for the twin. */
export default function gossip(params: Params = {}) {
  const n = Number(params.n ?? 3);
  if (!Number.isInteger(n) || n < 2 || n > 4) throw new Error(`gossip: n must be 2–4, got ${params.n}`);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && variant !== 'stop-after-first-contact') {
    throw new Error(`gossip: unknown variant "${variant}" (known: stop-after-first-contact)`);
  }
  const once = variant === 'stop-after-first-contact';
  const merge = (r: GossipReplica, value: string | null): void => {
    r.value ??= value;
  };

  return protocol<Msg>()({
    name: once ? `Gossip/stop-after-first-contact(n=${n})` : `Gossip(n=${n})`,
    nodes: { replica: n },
    roles: {
      replica: {
        init: (): GossipReplica => ({ value: null, next: 0, awaiting: null }),
        onStart(r, ctx) {
          if (ctx.index === 1) r.value = 'update';
          r.next = ctx.choose(ctx.peers('replica').map((_, i) => i));
          ctx.setTimer('gossip');
        },
        timers: {
          gossip(r, ctx) {
            const peers = ctx.peers('replica');
            r.awaiting = peers[r.next];
            r.next = (r.next + 1) % peers.length;
            ctx.send(r.awaiting, { type: 'Gossip', value: r.value });
          },
        },
        on: {
          Gossip(r, msg, ctx) {
            merge(r, msg.value);
            ctx.reply({ type: 'GossipReply', value: r.value });
          },
          GossipReply(r, msg, ctx) {
            merge(r, msg.value);
            if (r.awaiting !== ctx.sender) return; // a duplicate answer to an exchange already over
            r.awaiting = null;
            if (!once) ctx.setTimer('gossip');
          },
        },
      },
    },
    reachable: {
      Converged: (w) => w.nodes('replica').every((r) => r.value !== null),
    },
    liveness: {
      Converges: eventually((w) => w.ids('replica').every((id) => w.node<GossipReplica>(id).value !== null)),
    },
  });
}
