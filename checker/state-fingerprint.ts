import type { Model } from '../specs/index.ts';
import { fingerprintInto, type Fingerprint } from './fingerprint.ts';
import type { SuccessorFingerprints } from './successor-fingerprint.ts';
import { slotOf } from '../specs/hash-mix.ts';

/**
 * Writes the fingerprint under which an exhaustive search stores `state`: that of its
 * representative when the model declares a symmetry (computed by the model itself when it
 * can, see Model.representativeFingerprint), else its own (computed by `successors` when
 * given: `state` is then a successor of the state they were set to).
 *
 * A search generates most states several times over, and a representative costs several
 * times a fingerprint, so each model remembers, in a direct-mapped table, the
 * representative's fingerprint of the states it fingerprinted last. States with equal
 * fingerprints are already the same state to the search, so this adds no new kind of error.
 */
export function fingerprintState<S, A>(model: Pick<Model<S, A>, 'representative' | 'representativeFingerprint'>, state: S, out: Fingerprint, successors?: SuccessorFingerprints): void {
  if (successors) successors.fingerprintInto(state, out);
  else fingerprintInto(state, out);
  if (!model.representative) return;
  const memo = memoOf(model);
  const at = 4 * (slotOf(out.hi, out.lo, MEMO_SLOTS - 1));
  const hi = out.hi | 0;
  const lo = out.lo | 0;
  // A slot whose representative fingerprint is 0:0 reads as empty (it is merely recomputed).
  if (memo[at] === hi && memo[at + 1] === lo && (memo[at + 2] | memo[at + 3]) !== 0) {
    out.hi = memo[at + 2] >>> 0;
    out.lo = memo[at + 3] >>> 0;
    return;
  }
  if (model.representativeFingerprint) model.representativeFingerprint(state, out);
  else fingerprintInto(model.representative(state), out);
  memo[at] = hi;
  memo[at + 1] = lo;
  memo[at + 2] = out.hi;
  memo[at + 3] = out.lo;
}

/** 2^18 slots of (state, representative) fingerprints: 4 MB per model with a symmetry. */
const MEMO_SLOTS = 1 << 18;
const memos = new WeakMap<object, Int32Array>();

function memoOf(model: object): Int32Array {
  let memo = memos.get(model);
  if (memo === undefined) {
    memo = new Int32Array(4 * MEMO_SLOTS);
    memos.set(model, memo);
  }
  return memo;
}
