/**
 * Regenerates counterexamples/gallery/: the trace (.json) and report (.md) of every bundled
 * buggy configuration listed in entries.json. Run: npm run gallery
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const entries = JSON.parse(readFileSync('counterexamples/gallery/entries.json', 'utf8')) as { spec: string; args: string[] }[];
for (const { spec, args } of entries) {
  const run = spawnSync('node', ['bin/faultline.js', 'check', spec, ...args, '--out', 'counterexamples/gallery'], { encoding: 'utf8' });
  const line = run.stdout.split('\n').find((l) => l.startsWith('violation:')) ?? run.stderr.trim();
  console.log(`${spec} ${args.join(' ')}: ${line}`);
  if (run.status !== 1) process.exitCode = 1;
}
