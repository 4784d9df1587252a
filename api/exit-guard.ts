import { SpecExit } from './load-spec.ts';

let depth = 0;
let realExit: typeof process.exit | undefined;

/**
 * Runs `work` with `process.exit` replaced by a throw of {@link SpecExit}: a spec that ends
 * the process would otherwise end it with its own exit code (0: a false pass) and no output.
 */
export async function withExitGuard<T>(work: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    realExit = process.exit;
    process.exit = ((code?: number | string | null) => {
      throw new SpecExit(code);
    }) as typeof process.exit;
  }
  try {
    return await work();
  } finally {
    if (--depth === 0 && realExit) process.exit = realExit;
  }
}
