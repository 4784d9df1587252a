/**
 * Lamport's TwoPhase.tla: a transaction manager (TM) and `rm` resource managers (RMs)
 * commit or abort together. Messages go into a set that never shrinks, as in the TLA+ spec,
 * so state counts match TLC's (rm=3: 288 distinct, 1146 generated, depth 11).
 *
 * Variant `commit-early`: the TM commits without waiting for every RM to be prepared.
 */
import { defineModel, type Model, type Params, type SpecAbout } from '../specs/index.ts';

type RMState = 'working' | 'prepared' | 'committed' | 'aborted';

/** The state of TwoPhase: sets over RMs are boolean arrays indexed by RM. */
export interface TwoPhaseState {
  rmState: RMState[];
  tmState: 'init' | 'committed' | 'aborted';
  tmPrepared: boolean[];
  /** The message set: a Prepared message per RM, one Commit, one Abort. */
  msgs: { prepared: boolean[]; commit: boolean; abort: boolean };
}

/** An action of TwoPhase; `rm` is the index of the resource manager. */
export type TwoPhaseAction =
  | { type: 'TMCommit' }
  | { type: 'TMAbort' }
  | { type: 'TMRcvPrepared' | 'RMPrepare' | 'RMChooseToAbort' | 'RMRcvCommitMsg' | 'RMRcvAbortMsg'; rm: number };

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: "Lamport's TwoPhase.tla: a TM and N resource managers commit or abort together",
  params: { rm: 'number of resource managers (default 3)' },
  flags: [],
  expect: 'pass',
  variants: { 'commit-early': { description: 'the TM commits before every RM is prepared: TCConsistent fails in 3 steps', flags: [], expect: 'violation' } },
} satisfies SpecAbout;

function withRm<T>(xs: readonly T[], rm: number, value: T): T[] {
  const copy = xs.slice();
  copy[rm] = value;
  return copy;
}

/** TwoPhase with `rm` resource managers. */
export default function twoPhase(params: Params = {}): Model<TwoPhaseState, TwoPhaseAction> {
  const n = Number(params.rm ?? 3);
  if (!Number.isInteger(n) || n < 1) throw new Error(`rm must be a positive integer, got ${params.rm}`);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && variant !== 'commit-early') {
    throw new Error(`unknown variant "${variant}" (known: commit-early)`);
  }
  const rms = Array.from({ length: n }, (_, i) => i);

  return defineModel<TwoPhaseState, TwoPhaseAction>({
    name: variant === 'correct' ? 'TwoPhase' : `TwoPhase/${variant}`,
    init: () => [
      {
        rmState: rms.map(() => 'working'),
        tmState: 'init',
        tmPrepared: rms.map(() => false),
        msgs: { prepared: rms.map(() => false), commit: false, abort: false },
      },
    ],
    actions(s) {
      const out: TwoPhaseAction[] = [];
      if (s.tmState === 'init') {
        if (variant === 'commit-early' || s.tmPrepared.every(Boolean)) out.push({ type: 'TMCommit' });
        out.push({ type: 'TMAbort' });
      }
      for (const rm of rms) {
        if (s.tmState === 'init' && s.msgs.prepared[rm]) out.push({ type: 'TMRcvPrepared', rm });
        if (s.rmState[rm] === 'working') {
          out.push({ type: 'RMPrepare', rm });
          out.push({ type: 'RMChooseToAbort', rm });
        }
        if (s.msgs.commit) out.push({ type: 'RMRcvCommitMsg', rm });
        if (s.msgs.abort) out.push({ type: 'RMRcvAbortMsg', rm });
      }
      return out;
    },
    next(s, a) {
      switch (a.type) {
        case 'TMCommit':
          return { ...s, tmState: 'committed', msgs: { ...s.msgs, commit: true } };
        case 'TMAbort':
          return { ...s, tmState: 'aborted', msgs: { ...s.msgs, abort: true } };
        case 'TMRcvPrepared':
          return { ...s, tmPrepared: withRm(s.tmPrepared, a.rm, true) };
        case 'RMPrepare':
          return {
            ...s,
            rmState: withRm(s.rmState, a.rm, 'prepared'),
            msgs: { ...s.msgs, prepared: withRm(s.msgs.prepared, a.rm, true) },
          };
        case 'RMChooseToAbort':
        case 'RMRcvAbortMsg':
          return { ...s, rmState: withRm(s.rmState, a.rm, 'aborted') };
        case 'RMRcvCommitMsg':
          return { ...s, rmState: withRm(s.rmState, a.rm, 'committed') };
      }
    },
    invariants: {
      TCConsistent: (s) => !(s.rmState.includes('aborted') && s.rmState.includes('committed')),
    },
    // The pass is not vacuous: some run commits every resource manager, and some aborts.
    reachable: {
      AllCommitted: (s) => s.rmState.every((r) => r === 'committed'),
      SomeAborted: (s) => s.rmState.includes('aborted'),
    },
    describe: (a) => ('rm' in a ? `${a.type}(rm${a.rm + 1})` : a.type),
  });
}
