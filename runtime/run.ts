import { BadInputError } from '../api/errors.ts';
import { loadSpec, modelOf } from '../api/load-spec.ts';
import { isActorModel, type ActorModel } from '../specs/index.ts';
import { clockOffsets, skewOf } from './clock-offsets.ts';
import { runtimeModel } from './node-runner.ts';
import { resolveRunOptions, type RunOptions, type RunReport } from './run-options.ts';
import { runInProcess } from './run-in-process.ts';
import { runOverUdp } from './run-over-udp.ts';

/** The actor protocol a spec file describes for `params`, or bad input naming the file. */
export async function loadProtocol(file: string, options: Pick<RunOptions, 'params' | 'environment'>): Promise<ActorModel> {
  const model = modelOf(await loadSpec(file), options.params ?? {});
  if (!isActorModel(model)) throw new BadInputError(`${file}: not an actor protocol (faultline run and conform need one written with protocol(), whose handlers can run for real)`);
  return configured(model, options, file);
}

function configured(model: ActorModel, options: Pick<RunOptions, 'environment'>, where: string): ActorModel {
  if (!options.environment || Object.keys(options.environment).length === 0) return model;
  try {
    return model.configure({ environment: options.environment });
  } catch (error) {
    throw new BadInputError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Runs a protocol for real: its very handlers, with real timers, a seeded `choose`, a durable
 * store per node, crashes and restarts, over the `memory` transport (one process), `udp` (one
 * process per node, localhost datagrams; needs a spec file) or a {@link Transport} of your own.
 * Every event is logged as JSON lines (`options.log`), for `conform`.
 */
export async function run(protocol: ActorModel | string, options: RunOptions = {}): Promise<RunReport> {
  let resolved;
  try {
    resolved = resolveRunOptions(options);
  } catch (error) {
    throw new BadInputError(`run: ${(error as Error).message}`);
  }
  const spec = typeof protocol === 'string' ? protocol : undefined;
  const model = typeof protocol === 'string' ? await loadProtocol(protocol, options) : configured(protocol, options, protocol.name);
  if (!isActorModel(model)) throw new BadInputError('run: expected an actor protocol (written with protocol())');
  try {
    const offsets = clockOffsets(runtimeModel(model), resolved);
    resolved = { ...resolved, clockOffsets: offsets, skew: skewOf(offsets, resolved.skew) };
  } catch (error) {
    throw new BadInputError(`run: ${(error as Error).message}`);
  }
  for (const c of resolved.crashes) {
    if (!model.topology.node.has(c.node)) throw new BadInputError(`--crash ${c.node}@${c.at}: no node "${c.node}" (nodes: ${model.topology.ids.join(', ')})`);
  }
  if (options.transport === 'udp') {
    if (spec === undefined) throw new BadInputError('run: the udp transport runs each node in its own process, which loads the spec: pass a spec file, not a model');
    return runOverUdp(model, spec, resolved);
  }
  const custom = typeof options.transport === 'object' ? options.transport : undefined;
  if (options.transport !== undefined && options.transport !== 'memory' && !custom) {
    throw new BadInputError(`run: unknown transport ${JSON.stringify(options.transport)} (memory, udp, or an object with open, send and close)`);
  }
  return runInProcess(model, resolved, custom, spec);
}
