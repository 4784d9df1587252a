import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SpecAbout } from '../../specs/index.ts';


const PROTOCOLS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../protocols');

/** `faultline list`: the bundled protocols, their parameters and buggy variants. */
export async function list(): Promise<number> {
  const files = readdirSync(PROTOCOLS)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const out: string[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(PROTOCOLS, file)).href)) as { about?: SpecAbout };
    const about = mod.about;
    out.push(`protocols/${file}`);
    out.push(`  ${about?.description ?? '(no description)'}`);
    for (const [name, what] of Object.entries(about?.params ?? {})) out.push(`  --param ${name}=…  ${what}`);
    for (const [name, what] of Object.entries(about?.variants ?? {})) out.push(`  --param variant=${name}  ${typeof what === 'string' ? what : what.description}`);
    out.push('');
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
