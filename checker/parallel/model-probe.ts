import type { Model } from '../../specs/index.ts';
import { fingerprintState } from '../state-fingerprint.ts';

/** What identifies a model cheaply: its name and its initial states' fingerprints. */
export interface ModelProbe {
  name: string;
  /** Fingerprints of the initial states, in order; undefined when the spec throws on them (the search reports that). */
  inits?: [number, number][];
}

/**
 * The probe of a model built from its initial states only: calling nothing else keeps the
 * module state of nondeterministic specs as a single-threaded search would find it.
 */
export function probeModel<S, A>(model: Model<S, A>, inits: readonly S[]): ModelProbe {
  try {
    const fp = { hi: 0, lo: 0 };
    return {
      name: model.name,
      inits: inits.map((s) => {
        fingerprintState(model, s, fp);
        return [fp.hi, fp.lo];
      }),
    };
  } catch {
    return { name: model.name };
  }
}

/** Why a worker's model is not the main thread's, or undefined when the probes agree. */
export function probeMismatch(main: ModelProbe, worker: ModelProbe): string | undefined {
  if (main.name !== worker.name) return `its model is named "${worker.name}", not "${main.name}"`;
  if (!main.inits || !worker.inits) return undefined;
  if (main.inits.length !== worker.inits.length) return `its init() returned ${worker.inits.length} states, not ${main.inits.length}`;
  const i = main.inits.findIndex(([hi, lo], k) => worker.inits![k][0] !== hi || worker.inits![k][1] !== lo);
  return i < 0 ? undefined : `its initial state #${i} differs`;
}
