/**
 * What a spec module says about itself: `export const about = { … } satisfies SpecAbout`.
 * `faultline list` prints it, `--param` is checked against it, and `faultline list --json`
 * turns it into the zoo's self-test (each variant run with its flags must give its verdict).
 */

/** A verdict a configuration is documented to give. */
export type ExpectedVerdict = 'pass' | 'violation';

/** A buggy twin (or any named configuration) selected with `--param variant=<name>`. */
export interface VariantAbout {
  /** One line: what is wrong with it and which property catches it. */
  description: string;
  /** The CLI flags that expose it (environment flags and `--param`s other than `variant`), e.g. `['--crashes', '1', '--recover']`. */
  flags?: readonly string[];
  /** The verdict `faultline check <spec> --param variant=<name> …flags` gives (default `violation`). */
  expect?: ExpectedVerdict;
}

/** What a spec module may say about itself (`export const about = { … }`). */
export interface SpecAbout {
  /** One line: what the spec models. */
  description?: string;
  /** The `--param` keys the spec's factory reads, each with a one-line meaning. Others are refused. */
  params?: Record<string, string>;
  /** The flags of the documented check of the correct version (default: none). */
  flags?: readonly string[];
  /** The verdict of the correct version under `flags` (default `pass`). */
  expect?: ExpectedVerdict;
  /** Buggy twins selected with `--param variant=<name>`: a one-line description, or the full form. */
  variants?: Record<string, string | VariantAbout>;
}
