/**
 * A timeout-based failure detector, and why a timeout cannot tell slow from dead.
 *
 * `monitored` sends a Heartbeat to `monitor` every `period` ticks of its own clock; the monitor
 * suspects it when `timeout` ticks of its own clock pass without one (every heartbeat
 * re-arms the timeout). Nothing crashes, so every suspicion is a false one. Timers fire
 * promptly (before time moves on once due) and messages take at most `maxDelay` ticks.
 *
 * The rule the checker confirms (period 2, maxDelay 1..3, skew 1..2, drift 1..2, up to 16
 * ticks): heartbeats arrive at most period + maxDelay ticks apart, and a timer that fires
 * at the same tick as a heartbeat arrives may win the race, so
 * - without drift, offsets are constant and durations are measured exactly: skew alone is
 *   harmless, and the detector is safe iff timeout > period + maxDelay (the default 4 > 3;
 *   `--max-delay 2` or `--max-delay 3` breaks it);
 * - with drift, a duration measured on a clock is off by up to 2·skew once the offset can
 *   cross its whole range (drift · duration ≥ 2·skew): the monitored node's period
 *   stretches by up to 2·skew *and* the monitor's timeout shrinks by up to 2·skew, so safe
 *   iff timeout > period + maxDelay + 4·skew — not + 2·skew. `--skew 1 --drift 1` fails for
 *   timeout ≤ 7 (timeout 6 included) and passes from `--param timeout=8`.
 * A timeout cannot tell a slow network or a slow clock from a dead node: it is only as
 * right as these bounds.
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';

type Msg = { type: 'Heartbeat' };

interface Monitor {
  /** Whether the monitor has declared the monitored node dead. */
  suspected: boolean;
}

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Heartbeats and a timeout: with --skew 1 --drift 1 or --max-delay 2 a live node is declared dead; safe iff timeout > period + maxDelay (+ 4·skew with drift)',
  params: {
    period: 'ticks between heartbeats, on the monitored node\'s clock (default 2)',
    timeout: 'ticks of silence, on the monitor\'s clock, before it suspects (default 4)',
  },
  flags: ['--skew', '1', '--drift', '1'],
  expect: 'violation',
  variants: {},
} satisfies SpecAbout;

function positive(params: Params, key: string, fallback: number): number {
  const n = Number(params[key] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a positive integer, got ${params[key]}`);
  return n;
}

/** The detector: one monitor, one monitored node. */
export default function heartbeatDetector(params: Params = {}) {
  const period = positive(params, 'period', 2);
  const timeout = positive(params, 'timeout', 4);
  if (params.variant !== undefined && params.variant !== 'correct') throw new Error(`unknown variant "${params.variant}" (none)`);

  return protocol<Msg>()({
    name: 'HeartbeatDetector',
    nodes: { monitor: 1, monitored: 1 },
    // Prompt timers: a heartbeat timer may not fire arbitrarily late (that alone would
    // break the detector); messages take at most one tick.
    environment: { maxTime: 8, maxDelay: 1, promptTimers: true },
    roles: {
      monitor: {
        init: (): Monitor => ({ suspected: false }),
        onStart(_m, ctx) {
          ctx.setTimer('timeout', timeout);
        },
        on: {
          Heartbeat(_m, _msg, ctx) {
            ctx.setTimer('timeout', timeout);
          },
        },
        timers: {
          timeout(m) {
            m.suspected = true;
          },
        },
      },
      monitored: {
        init: {},
        onStart(_s, ctx) {
          ctx.setTimer('beat', period);
        },
        timers: {
          beat(_s, ctx) {
            ctx.send('monitor', { type: 'Heartbeat' });
            ctx.setTimer('beat', period);
          },
        },
      },
    },
    invariants: {
      /** The monitor never suspects a node that has not crashed. */
      NeverSuspectLive: (w) => !w.node('monitor').suspected || w.crashed('monitored'),
    },
  });
}
