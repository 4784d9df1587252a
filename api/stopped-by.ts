import type { IncompleteReason } from '../checker/index.ts';

/** What stopped an incomplete search; `{}` is the library option or CLI flag that sets the bound. */
const STOPS: Record<IncompleteReason, { text: string; option: string; flag: string }> = {
  'max-depth': { text: 'the depth bound ({})', option: 'maxDepth', flag: '--max-depth' },
  'max-states': { text: 'the state bound ({})', option: 'maxStates', flag: '--max-states' },
  timeout: { text: 'the time limit ({})', option: 'timeout', flag: '--timeout' },
  random: { text: 'the random walks ({}), which prove nothing', option: 'runs', flag: '--runs' },
  memory: { text: 'the memory limit ({}, or a nearly full heap)', option: 'maxMemory', flag: '--max-memory' },
  interrupted: { text: 'an interrupt ({})', option: 'SIGINT', flag: 'Ctrl-C' },
  stuck: { text: 'the time limit ({}), inside spec code that never returned', option: 'timeout', flag: '--timeout' },
};

/** `the state bound (--max-states)`: what stopped the search, naming the CLI flag or the library option. */
export function stoppedBy(reason: IncompleteReason | undefined, names: 'flag' | 'option'): string {
  const stop = STOPS[reason ?? 'timeout'];
  return stop ? stop.text.replace('{}', stop[names]) : String(reason);
}
