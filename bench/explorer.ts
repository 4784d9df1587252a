/**
 * How long `faultline explore` takes to answer a step (issue 16): random walks through a spec
 * (default protocols/paxos.ts), one step at a time as the page takes them.
 *
 *   node --import tsx bench/explorer.ts [spec] [--steps 200] [--depth 30] [--seed 1] [--page]
 *
 * - api: `GET /api/state/<path>` over HTTP for each step, the path one action longer than the
 *   last (the server remembers recent states, as it does for a person clicking);
 * - cold link: a fresh server answering a deep link (every state of the path replayed);
 * - page (`--page`, needs /usr/bin/chromium): a click on an action in headless Chromium until
 *   the page shows the new state (fetch, diagram, tables).
 * Prints the median and the 95th percentile of each, in milliseconds.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startExplorer, type StepView } from '../explorer/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const spec = path.resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--steps') && !args[i - 1]?.startsWith('--depth') && !args[i - 1]?.startsWith('--seed')) ?? 'protocols/paxos.ts');
const STEPS = option('--steps', 200);
const DEPTH = option('--depth', 30);
let seed = option('--seed', 1);
/** A small deterministic generator (mulberry32), so runs are repeatable. */
function random(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (${ms.length} steps)`;
}

const server = await startExplorer({ recipe: { specFile: spec, params: {}, environment: {} }, port: 0 });
const api: number[] = [];
const walks: number[][] = [];
let walk = [0];
const depths: number[] = [];
for (let i = 0; i < STEPS; i++) {
  const t0 = performance.now();
  const r = await fetch(new URL(`/api/state/${walk.join('/')}`, server.url));
  const view = (await r.json()) as StepView;
  api.push(performance.now() - t0);
  const enabled = view.actions.filter((a) => !a.noStep);
  if (enabled.length === 0 || walk.length > DEPTH) {
    walks.push(walk);
    depths.push(walk.length - 1);
    walk = [0];
  } else {
    walk = [...walk, enabled[Math.floor(random() * enabled.length)].index];
  }
}
walks.push(walk);
await server.close();
console.log(`spec ${path.relative(process.cwd(), spec)}: ${walks.length} random walks, ${STEPS} steps`);
console.log(`api (one step more):  ${stats(api)}`);

// Deep links, each opened on a fresh server (nothing remembered).
const cold: number[] = [];
const links = walks.filter((w) => w.length > 5).slice(0, 10);
for (const w of links) {
  const fresh = await startExplorer({ recipe: { specFile: spec, params: {}, environment: {} }, port: 0 });
  const t0 = performance.now();
  await (await fetch(new URL(`/api/state/${w.join('/')}`, fresh.url))).json();
  cold.push(performance.now() - t0);
  await fresh.close();
}
if (cold.length > 0) {
  const lengths = links.map((w) => w.length - 1);
  console.log(`cold link (${Math.min(...lengths)}–${Math.max(...lengths)} steps, a fresh server each): ${stats(cold)}`);
}

if (args.includes('--page') && existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const ui = await startExplorer({ recipe: { specFile: spec, params: {}, environment: {} }, port: 0 });
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(`${ui.url}#/0`);
  await page.waitForSelector('html[data-state="0"]');
  const clicks: number[] = [];
  let at = [0];
  while (clicks.length < Math.min(STEPS, 200)) {
    const buttons = page.locator('button.action:not([disabled])');
    const n = await buttons.count();
    if (n === 0 || at.length > DEPTH) {
      at = [0];
      await page.goto(`${ui.url}#/0`);
      await page.waitForSelector('html[data-state="0"]');
      continue;
    }
    const button = buttons.nth(Math.floor(random() * n));
    const index = Number(await button.getAttribute('data-index'));
    at = [...at, index];
    const t0 = performance.now();
    await button.click();
    await page.waitForSelector(`html[data-state="${at.join('/')}"]`);
    clicks.push(performance.now() - t0);
  }
  console.log(`page (click → shown): ${stats(clicks)}`);
  await browser.close();
  await ui.close();
}
