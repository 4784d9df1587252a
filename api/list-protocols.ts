import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ExpectedVerdict, SpecAbout, VariantAbout } from '../specs/index.ts';
import { BadInputError } from './errors.ts';
import { optionsFromFlags } from './options-from-flags.ts';

/** One buggy twin (or other named configuration) of a bundled protocol. */
export interface VariantListing {
  /** Selected with `--param variant=<name>`. */
  name: string;
  description: string;
  /** The flags that expose it (besides `--param variant=<name>`). */
  flags: string[];
  /** The verdict `faultline check <file> --param variant=<name> …flags` gives. */
  expect: ExpectedVerdict;
}

/** A bundled protocol, as `faultline list --json` prints it. */
export interface ProtocolListing {
  /** Its file, relative to the package root: `protocols/paxos.ts`. */
  file: string;
  /** The file's name without its extension: `paxos`. */
  name: string;
  description: string;
  /** The `--param` keys its factory reads, each with its meaning. */
  params: Record<string, string>;
  /** The flags of the correct version's documented check. */
  flags: string[];
  /** The correct version's verdict under `flags`. */
  expect: ExpectedVerdict;
  variants: VariantListing[];
}

/** Where the bundled protocols are, from the sources (`api/`) or the package (`dist/api/`). */
const BUNDLED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../protocols');

/**
 * Every protocol in `dir` (default: the bundled zoo) with what its `about` says: params,
 * the flags of its documented check and the verdict expected, and each variant in the
 * full form (a string-form variant becomes `{ description, flags: [], expect: 'violation' }`).
 * Sorted by file. Rejects, naming the file, a module that does not load or an `about`
 * whose flags `faultline check` would refuse or whose `expect` is not pass or violation.
 */
export async function listProtocols(dir: string = BUNDLED): Promise<ProtocolListing[]> {
  const files = readdirSync(dir)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js'))
    .sort();
  const listings: ProtocolListing[] = [];
  for (const name of files) {
    const file = path.join(path.basename(dir), name);
    let about: unknown;
    try {
      about = ((await import(pathToFileURL(path.join(dir, name)).href)) as { about?: unknown }).about;
    } catch (error) {
      throw new BadInputError(`${file}: does not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    listings.push(listingOf(file, about));
  }
  return listings;
}

/** One protocol's listing from its `about`, checked. */
function listingOf(file: string, raw: unknown): ProtocolListing {
  const about = (raw !== null && typeof raw === 'object' ? raw : {}) as SpecAbout;
  const where = (field: string) => `${file}: about.${field}`;
  const variants: VariantListing[] = [];
  for (const [name, variant] of Object.entries(about.variants ?? {})) {
    const full: VariantAbout = typeof variant === 'string' ? { description: variant } : variant;
    if (full === null || typeof full !== 'object' || typeof full.description !== 'string') {
      throw new BadInputError(`${where(`variants[${JSON.stringify(name)}]`)} must be a description or { description, flags?, expect? }`);
    }
    variants.push({
      name,
      description: full.description,
      flags: flagsOf(full.flags, where(`variants[${JSON.stringify(name)}].flags`)),
      expect: verdictOf(full.expect, 'violation', where(`variants[${JSON.stringify(name)}].expect`)),
    });
  }
  return {
    file,
    name: path.basename(file).replace(/\.(ts|js)$/, ''),
    description: typeof about.description === 'string' ? about.description : '',
    params: { ...(about.params ?? {}) },
    flags: flagsOf(about.flags, where('flags')),
    expect: verdictOf(about.expect, 'pass', where('expect')),
    variants,
  };
}

function flagsOf(flags: unknown, where: string): string[] {
  if (flags === undefined) return [];
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string')) throw new BadInputError(`${where} must be a list of strings such as ['--crashes', '1']`);
  try {
    optionsFromFlags(flags);
  } catch (error) {
    throw new BadInputError(`${where}: ${(error as Error).message}`);
  }
  return [...flags];
}

function verdictOf(expect: unknown, fallback: ExpectedVerdict, where: string): ExpectedVerdict {
  if (expect === undefined) return fallback;
  if (expect !== 'pass' && expect !== 'violation') throw new BadInputError(`${where} must be 'pass' or 'violation', got ${JSON.stringify(expect)}`);
  return expect;
}
