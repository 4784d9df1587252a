/**
 * Causal broadcast with vector clocks (Birman–Schiper–Stephenson): `n` nodes, each broadcasts
 * one message at some moment (its `broadcast` timer is untimed), and every node delivers every
 * message — its own at once, the others' when they arrive and their causal past has been
 * delivered.
 *
 * A node's vector clock counts the messages it has delivered from each node. A message from
 * node j stamped V is deliverable once V[j] is the next message from j (V[j] = VC[j] + 1) and
 * the sender had delivered nothing this node has not (V[k] ≤ VC[k] for every other k); until
 * then it waits in the node's buffer. CausalOrder holds under reordering and duplication.
 *
 * The twin `lamport` stamps messages with a scalar Lamport clock and delivers a message
 * stamped t once its own clock has reached t − 1, as if the clock counted the messages it had
 * seen. But a node's own broadcast advances its clock too: node-3 broadcasts, then delivers
 * node-2's reply to node-1 before node-1's message. A scalar clock orders events consistently
 * with causality; it cannot tell which events a message depends on.
 *
 * Every message carries `deps`, the ids its sender had delivered when it sent it: its causal
 * past, for the invariant only (the ground truth, which no node reads).
 */
import { protocol, type Params, type SpecAbout, type World } from '../specs/index.ts';

/** A message as a node delivered it: its id (the broadcasting node) and its causal past. */
export interface Delivery {
  id: string;
  deps: string[];
}

/** A node's local state. */
export interface CausalNode {
  /** Vector clock: messages delivered from each node, by node index − 1. */
  vc: number[];
  /** The Lamport clock (the `lamport` twin). */
  clock: number;
  /** What this node delivered, in order. */
  delivered: Delivery[];
  /** Messages received but not yet deliverable, sorted by id. */
  buffer: Bcast[];
}

/** A broadcast message: `stamp` is a vector clock, or `[t]` for the twin's Lamport timestamp. */
type Bcast = { type: 'Bcast'; id: string; stamp: number[]; deps: string[] };
type Msg = Bcast;

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Causal broadcast with vector clocks: every node delivers every message after its causal past (CausalOrder); a Lamport-clock twin delivers out of causal order',
  params: { n: 'number of nodes, 3–4 (default 3)' },
  flags: ['--max-dups', '1'],
  expect: 'pass',
  variants: {
    lamport: {
      description: "scalar Lamport timestamps: a node's own broadcast advances its clock, so it delivers a reply before the message replied to (CausalOrder)",
      flags: [],
      expect: 'violation',
    },
  },
} satisfies SpecAbout;

/** CausalOrder: every node delivered each message after every message in its causal past. */
export function causalOrder(w: World): boolean {
  for (const s of w.nodes<CausalNode>('node')) {
    const seen = new Set<string>();
    for (const d of s.delivered) {
      if (!d.deps.every((id) => seen.has(id))) return false;
      seen.add(d.id);
    }
  }
  return true;
}

/** DeliveredOnce: no node delivers a message twice. */
export function deliveredOnce(w: World): boolean {
  return w.nodes<CausalNode>('node').every((s) => new Set(s.delivered.map((d) => d.id)).size === s.delivered.length);
}

/** Causal broadcast among `n` nodes; `variant=lamport` for the scalar-clock twin. */
export default function causalBroadcast(params: Params = {}) {
  const n = Number(params.n ?? 3);
  if (!Number.isInteger(n) || n < 3 || n > 4) throw new Error(`causal-broadcast: n must be 3–4, got ${params.n}`);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && variant !== 'lamport') throw new Error(`causal-broadcast: unknown variant "${variant}" (known: lamport)`);
  const lamport = variant === 'lamport';
  const indexOf = (id: string): number => Number(id.slice('node-'.length)) - 1;

  /** Whether `s` may deliver `m` now. */
  const deliverable = (s: CausalNode, m: Bcast): boolean => {
    if (lamport) return m.stamp[0] <= s.clock + 1;
    const j = indexOf(m.id);
    return m.stamp[j] === s.vc[j] + 1 && m.stamp.every((t, k) => k === j || t <= s.vc[k]);
  };

  const deliver = (s: CausalNode, m: Bcast): void => {
    s.delivered.push({ id: m.id, deps: m.deps });
    if (lamport) s.clock = Math.max(s.clock, m.stamp[0]);
    else s.vc[indexOf(m.id)] = m.stamp[indexOf(m.id)];
  };

  /** Delivers buffered messages while one is deliverable (each delivery may enable others). */
  const drain = (s: CausalNode): void => {
    for (let i = 0; i < s.buffer.length; ) {
      if (deliverable(s, s.buffer[i])) {
        deliver(s, s.buffer[i]);
        s.buffer.splice(i, 1);
        i = 0;
      } else i++;
    }
  };

  return protocol<Msg>()({
    name: lamport ? `CausalBroadcast/lamport(n=${n})` : `CausalBroadcast(n=${n})`,
    nodes: { node: n },
    roles: {
      node: {
        init: (): CausalNode => ({ vc: Array(n).fill(0), clock: 0, delivered: [], buffer: [] }),
        onStart(_s, ctx) {
          ctx.setTimer('broadcast');
        },
        timers: {
          broadcast(s, ctx) {
            const deps = s.delivered.map((d) => d.id);
            s.vc[ctx.index - 1]++;
            s.clock++;
            const m: Bcast = { type: 'Bcast', id: ctx.self, stamp: lamport ? [s.clock] : [...s.vc], deps };
            s.delivered.push({ id: m.id, deps });
            ctx.broadcast('node', m);
          },
        },
        on: {
          Bcast(s, msg) {
            // A duplicate: already delivered or already waiting.
            if (s.delivered.some((d) => d.id === msg.id) || s.buffer.some((b) => b.id === msg.id)) return;
            s.buffer.push(msg);
            s.buffer.sort((a, b) => (a.id < b.id ? -1 : 1));
            drain(s);
          },
        },
      },
    },
    invariants: { CausalOrder: causalOrder, DeliveredOnce: deliveredOnce },
    reachable: {
      // The pass is not vacuous: a message arrives before its causal past and waits, and everyone delivers everything.
      CausalWait: (w) => w.nodes('node').some((s) => s.buffer.length > 0),
      AllDeliveredEverywhere: (w) => w.nodes('node').every((s) => s.delivered.length === n),
    },
    terminal: {
      // Nothing waits forever in a buffer: once the network is quiet, everyone delivered everything.
      AllDelivered: (w) => w.nodes('node').every((s) => s.delivered.length === n),
    },
  });
}
