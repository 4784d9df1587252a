import { readFileSync } from 'node:fs';
import { BadInputError, mergeReports, parseShardReport, render, type MergedReport } from '../../api/index.ts';
import { describeFaults } from '../../counterexamples/index.ts';
import { ExitCode } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline merge`. */
export interface MergeCommandOptions {
  json?: boolean;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** `faultline merge <report.json>…`: one verdict from the --json reports of a sharded check. */
export async function merge(files: string[], options: MergeCommandOptions): Promise<number> {
  const inputs = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new BadInputError(`${file}: cannot read the report (${(error as NodeJS.ErrnoException).code ?? String(error)}); give the --json reports of the shards`);
    }
    return parseShardReport(text, file);
  });
  const merged = mergeReports(inputs);
  if (options.json) process.stdout.write(JSON.stringify(merged) + '\n');
  else process.stdout.write(terminalText(mergedText(merged)) + '\n');
  return merged.result === 'pass' ? ExitCode.pass : merged.result === 'violation' ? ExitCode.violation : ExitCode.incomplete;
}

function mergedText(m: MergedReport): string {
  const params = Object.entries(m.spec.params ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
  const lines = [
    `faultline merge: ${m.shards.length} of ${m.shards.length + m.missing.length} shards`,
    `  spec      ${m.spec.name}${params ? ` (${params})` : ''}`,
    ...(m.spec.environment ? [`  network   ${m.spec.environment}`] : []),
    ...m.shards.map((s) => `  shard ${s.index}   ${s.result}${s.incomplete ? ` (${s.incomplete})` : ''}, ${count(s.distinctStates)} states${s.seed !== undefined ? `, seed ${s.seed}` : ''}`),
    '',
    ...m.warnings.map((w) => `note: ${w}`),
  ];
  const summary = `${count(m.stats.distinctStates)} states explored over all shards (overlaps counted once per shard), depth ${m.stats.depth}`;
  if (m.result === 'pass') lines.push('pass: every shard explored its part and every property held', summary);
  else if (m.result === 'incomplete') lines.push(`incomplete: ${m.incomplete}; no violation found so far`, summary);
  else {
    const [v, ...rest] = m.violations;
    const steps = v.length === 1 ? '1 step' : `${v.length} steps`;
    lines.push(
      `violation: ${v.kind} ${v.property} fails after ${steps} (${describeFaults(v.faults)}), found by shard ${v.shard.index}/${v.shard.count}${v.shard.seed !== undefined ? ` (seed ${v.shard.seed})` : ''}`,
      summary,
      ...(rest.length > 0 ? [`${rest.length} more violation${rest.length === 1 ? '' : 's'} from the shards (--json lists them all)`] : []),
      '',
      render(v.trace, 'text'),
    );
  }
  return lines.join('\n');
}
