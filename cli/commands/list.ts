import { listProtocols } from '../../api/index.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline list`. */
export interface ListCommandOptions {
  /** Print the listing as one JSON array. */
  json?: boolean;
}

/** `faultline list`: the bundled protocols, their parameters, documented checks and buggy variants. */
export async function list(options: ListCommandOptions = {}): Promise<number> {
  const protocols = await listProtocols();
  if (options.json) {
    process.stdout.write(JSON.stringify(protocols, null, 2) + '\n');
    return 0;
  }
  const flagsOf = (flags: string[]) => (flags.length === 0 ? '' : ` ${flags.join(' ')}`);
  const out: string[] = [];
  for (const p of protocols) {
    out.push(p.file);
    out.push(`  ${p.description || '(no description)'}`);
    for (const [name, what] of Object.entries(p.params)) out.push(`  --param ${name}=…  ${what}`);
    out.push(`  check:  faultline check ${p.file}${flagsOf(p.flags)}  → ${p.expect}`);
    for (const v of p.variants) {
      out.push(`  --param variant=${v.name}  ${v.description}`);
      out.push(`    check:  faultline check ${p.file} --param variant=${v.name}${flagsOf(v.flags)}  → ${v.expect}`);
    }
    out.push('');
  }
  process.stdout.write(terminalText(out.join('\n')) + '\n');
  return 0;
}
