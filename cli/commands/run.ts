import { parseParams } from '../../api/params.ts';
import { run as runProtocol, type CrashPlan } from '../../runtime/index.ts';
import { BadInputError, ExitCode } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline run`. */
export interface RunCommandOptions {
  param?: string[];
  /** Seconds to run. */
  for?: number;
  /** The JSON-lines log to write. */
  log?: string;
  transport?: string;
  dropRate?: number;
  dupRate?: number;
  /** `NODE@SECONDS`, repeatable. */
  crash?: string[];
  restartAfter?: number;
  seed?: number;
  tickMs?: number;
  maxTime?: number;
  /** Clock skew bound in ticks. */
  skew?: number;
  json?: boolean;
}

/** `participant-1@0.5` → a crash plan. */
function crashPlan(text: string): CrashPlan {
  const at = text.lastIndexOf('@');
  const seconds = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isFinite(seconds) || seconds < 0 || text.slice(at + 1).trim() === '') {
    throw new BadInputError(`--crash ${text}: expected NODE@SECONDS, e.g. --crash participant-1@0.5`);
  }
  return { node: text.slice(0, at), at: seconds };
}

/**
 * `faultline run <spec>`: runs the protocol's handlers for real over the memory or udp
 * transport, with drops, duplicates and crashes, and writes the JSON-lines log. Exit 0 when
 * the run completed (a run has no verdict: `faultline conform` judges its log), 2 on bad input.
 */
export async function run(spec: string, options: RunCommandOptions): Promise<number> {
  const transport = options.transport ?? 'memory';
  if (transport !== 'memory' && transport !== 'udp') throw new BadInputError(`--transport ${transport}: unknown (use memory or udp)`);
  const report = await runProtocol(spec, {
    params: parseParams(options.param ?? []),
    ...(options.maxTime !== undefined ? { environment: { maxTime: options.maxTime } } : {}),
    seconds: options.for ?? 2,
    ...(options.log !== undefined ? { log: options.log } : {}),
    transport,
    dropRate: options.dropRate ?? 0,
    dupRate: options.dupRate ?? 0,
    crashes: (options.crash ?? []).map(crashPlan),
    ...(options.restartAfter !== undefined ? { restartAfter: options.restartAfter } : {}),
    seed: options.seed ?? 1,
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
    ...(options.skew !== undefined ? { skew: options.skew } : {}),
  });
  if (options.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return ExitCode.pass;
  }
  const lines = [
    `ran ${report.protocol} for ${report.seconds.toFixed(1)} s over ${report.transport}: ${report.events} events${report.log ? ` → ${report.log}` : ' (no --log: nothing written)'}`,
    ...Object.entries(report.finalStates).map(([node, state]) => `  ${node.padEnd(16)} ${JSON.stringify(state)}`),
  ];
  if (report.log) lines.push(`check it: faultline conform ${spec} ${report.log}`);
  process.stdout.write(terminalText(lines.join('\n')) + '\n');
  return ExitCode.pass;
}
