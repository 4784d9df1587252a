#!/usr/bin/env node
// From a checkout the CLI runs its TypeScript sources through tsx; the package runs dist/.
import { existsSync } from 'node:fs';
const source = new URL('../cli/main.ts', import.meta.url);
if (existsSync(source)) (await import('tsx/esm/api')).register();
const { main } = await import(existsSync(source) ? source.href : new URL('../dist/cli/main.js', import.meta.url).href);
process.exitCode = await main(process.argv);
