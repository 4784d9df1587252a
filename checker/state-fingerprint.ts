import type { Model } from '../specs/index.ts';
import { fingerprintInto, type Fingerprint } from './fingerprint.ts';

/**
 * Writes the fingerprint under which an exhaustive search stores `state`: that of its
 * representative when the model declares a symmetry, else its own.
 */
export function fingerprintState<S, A>(model: Model<S, A>, state: S, out: Fingerprint): void {
  fingerprintInto(model.representative ? model.representative(state) : state, out);
}
