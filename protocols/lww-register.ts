/**
 * A last-write-wins register on wall-clock timestamps, and the update that skew loses.
 *
 * Two replicas hold one register. A write arrives at one replica, which stamps it with its
 * own clock (`ts = [now(), replica]`, the replica's number breaking ties), keeps it if its
 * stamp beats the one it holds, acknowledges it and replicates (value, ts) to the other
 * replica, which applies the same rule. One client (no clock of its own) writes v1
 * through replica-1; once acknowledged, and at least one tick later, it reads its write
 * back from replica-1 (skip with `--param read=false`) and then writes v2 through
 * replica-2: v2 is causally later than v1. Property (in every quiescent state): every
 * replica holds the client's last acknowledged write.
 *
 * With skew 0 v2 is stamped at least one tick after v1 and wins. With skew S, replica-1's
 * clock may run 2·S ahead of replica-2's: as soon as 2·S exceeds the gap between the two
 * writes (one tick), v2 gets the smaller stamp and is silently discarded everywhere although
 * it was acknowledged — the lost update of Cassandra-style LWW (`--skew 1` already loses it).
 * Variant `hlc`: replicas stamp with hybrid logical clocks [l, c] (merged on every message
 * received), and the client carries the stamp of its last acknowledged write in its next
 * request, which the replica merges into its clock before stamping: a causally later write
 * always gets a larger stamp, at any skew.
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';

/** A timestamp, compared lexicographically: `[wall, replica]`, or `[l, c, replica]` with HLC. */
type Stamp = number[];

type Msg =
  | { type: 'Write'; value: string; since?: Stamp }
  | { type: 'Ack'; value: string; ts: Stamp }
  | { type: 'Read' }
  | { type: 'ReadReply'; value: string | null; ts: Stamp | null }
  | { type: 'Replicate'; value: string; ts: Stamp };

interface Replica {
  value: string | null;
  ts: Stamp | null;
  /** The hybrid logical clock (variant `hlc` only). */
  hlc?: { l: number; c: number };
}

interface Client {
  /** The last write acknowledged to the client, with its stamp. */
  acked: { value: string; ts: Stamp } | null;
  /** What the read of its first write returned. */
  read?: string | null;
}

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Last-write-wins on wall clocks: with --skew 2 a causally later, acknowledged write loses (lost update)',
  params: { read: 'the client reads its first write back before the second (default true)' },
  flags: ['--skew', '2'],
  expect: 'violation',
  variants: {
    hlc: { description: 'hybrid logical clocks, and the client passes on the stamp of its last write: no update is lost at any skew', flags: ['--skew', '2'], expect: 'pass' },
  },
} satisfies SpecAbout;

/** -1, 0 or 1 as stamp `a` is older than, the same as or newer than `b`. */
function compare(a: Stamp, b: Stamp): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The LWW register with two replicas and one client. */
export default function lwwRegister(params: Params = {}) {
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && variant !== 'hlc') throw new Error(`unknown variant "${variant}" (known: hlc)`);
  const hlc = variant === 'hlc';
  const read = String(params.read ?? 'true');
  if (read !== 'true' && read !== 'false') throw new Error(`read must be true or false, got ${params.read}`);
  const reads = read === 'true';

  /** HLC receive rule: merge a remote [l, c] and the physical clock `pt` into the local clock. */
  const merge = (r: Replica, pt: number, remote?: Stamp): void => {
    const { l, c } = r.hlc!;
    if (!remote) {
      // A local event: the HLC send rule.
      const l2 = Math.max(l, pt);
      r.hlc = { l: l2, c: l2 === l ? c + 1 : 0 };
      return;
    }
    const [ml, mc] = remote;
    const l2 = Math.max(l, ml, pt);
    const c2 = l2 === l && l2 === ml ? Math.max(c, mc) + 1 : l2 === l ? c + 1 : l2 === ml ? mc + 1 : 0;
    r.hlc = { l: l2, c: c2 };
  };

  /** LWW: keep (value, ts) if it is newer than what the replica holds. */
  const apply = (r: Replica, value: string, ts: Stamp): void => {
    if (r.ts === null || compare(ts, r.ts) > 0) {
      r.value = value;
      r.ts = ts;
    }
  };

  return protocol<Msg>()({
    name: hlc ? 'LWWRegister/hlc' : 'LWWRegister',
    nodes: { replica: 2, client: 1 },
    // Time 0..2: the second write happens at t = 1, and nothing needs a later tick.
    environment: { maxTime: 2 },
    roles: {
      replica: {
        init: (): Replica => (hlc ? { value: null, ts: null, hlc: { l: 0, c: 0 } } : { value: null, ts: null }),
        on: {
          Write(r, msg, ctx) {
            let ts: Stamp;
            if (hlc) {
              merge(r, ctx.now(), msg.since);
              ts = [r.hlc!.l, r.hlc!.c, ctx.index];
            } else {
              ts = [ctx.now(), ctx.index];
            }
            apply(r, msg.value, ts);
            ctx.reply({ type: 'Ack', value: msg.value, ts });
            ctx.broadcast('replica', { type: 'Replicate', value: msg.value, ts });
          },
          Replicate(r, msg, ctx) {
            if (hlc) merge(r, ctx.now(), msg.ts);
            apply(r, msg.value, msg.ts);
          },
          Read(r, _msg, ctx) {
            ctx.reply({ type: 'ReadReply', value: r.value, ts: r.ts });
          },
        },
      },
      client: {
        clock: false,
        init: (): Client => (reads ? { acked: null, read: null } : { acked: null }),
        onStart(_c, ctx) {
          ctx.send('replica-1', { type: 'Write', value: 'v1' });
        },
        on: {
          Ack(c, msg, ctx) {
            c.acked = { value: msg.value, ts: msg.ts };
            // At least one tick later: with skew 0 the second write gets a larger stamp.
            if (msg.value === 'v1') ctx.setTimer('next', 1);
          },
          ReadReply(c, msg, ctx) {
            c.read = msg.value;
            ctx.send('replica-2', secondWrite(c));
          },
        },
        timers: {
          next(c, ctx) {
            if (reads) ctx.send('replica-1', { type: 'Read' });
            else ctx.send('replica-2', secondWrite(c));
          },
        },
      },
    },
    terminal: {
      /** Once everything is delivered, every replica holds the client's last acknowledged write. */
      NoLostUpdate: (w) => {
        const last = w.node('client').acked;
        return last === null || w.nodes('replica').every((r) => r.value === last.value);
      },
    },
  });

  function secondWrite(c: Client): Msg {
    return hlc ? { type: 'Write', value: 'v2', since: c.acked!.ts } : { type: 'Write', value: 'v2' };
  }
}
