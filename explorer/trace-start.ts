import { readTraceFile, locateTraceSpec } from '../api/trace-model.ts';
import type { SpecRecipeArgs } from '../api/spec-recipe.ts';
import { decodeEnvironment } from '../specs/index.ts';
import { BadInputError } from '../api/errors.ts';
import type { ExplorerOptions } from './server.ts';

/**
 * What the explorer needs to open a saved counterexample at its last step: the trace's spec
 * (which must lie inside this project, the trace's folder or faultline's protocols unless
 * `allowSpecOutside`), params and environment, and its path of indices.
 */
export function traceStart(file: string, allowSpecOutside = false): Pick<ExplorerOptions, 'recipe' | 'specLabel' | 'start' | 'trace'> {
  const trace = readTraceFile(file);
  const located = locateTraceSpec(trace, file, allowSpecOutside);
  let environment: SpecRecipeArgs['environment'] = {};
  if (trace.environment) {
    try {
      environment = decodeEnvironment(trace.environment);
    } catch (error) {
      throw new BadInputError(`${file}: environment: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    recipe: { specFile: located.absolute, params: trace.params, environment },
    specLabel: trace.spec.path,
    start: [trace.initial.index, ...trace.steps.map((s) => s.index)],
    trace: { file, property: `${trace.property.kind} ${trace.property.name}` },
  };
}
