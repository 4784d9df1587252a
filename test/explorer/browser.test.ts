import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExplorer, type ExplorerServer } from '../../explorer/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SKIPPED = HAS_CHROMIUM ? '' : ` — SKIPPED: no ${CHROMIUM} (install Debian's chromium package, as .ci/run does)`;

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

/** A page that records CSP violations, console errors and uncaught exceptions. */
async function openPage(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:')) problems.push(`request outside the server: ${r.url()}`);
  });
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', function (e) { console.error('CSP violation: ' + e.violatedDirective); });" });
  await page.goto(url);
  return { page, problems };
}

/** Waits until the page shows the state at `path` (`0/0/1`). */
async function at(page: Page, path: string): Promise<void> {
  await page.waitForSelector(`html[data-state="${path}"]`, { timeout: 20_000 });
}

/** Clicks the enabled action with this exact label. */
async function take(page: Page, label: string): Promise<void> {
  await page.locator('button.action', { hasText: label }).filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).click();
}

describe.skipIf(!HAS_CHROMIUM)('faultline explore in headless Chromium' + SKIPPED, () => {
  let browser: Browser;
  const servers: ExplorerServer[] = [];
  const serve = async (file: string, params: Record<string, string> = {}, environment = {}): Promise<ExplorerServer> => {
    const server = await startExplorer({ recipe: { specFile: path.join(ROOT, file), params, environment }, specLabel: file, port: 0 });
    servers.push(server);
    return server;
  };
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  it('two-phase commit-early: clicking TMCommit, RMChooseToAbort(rm1), RMRcvCommitMsg(rm2) shows TCConsistent violated; back, forward and the link', async () => {
    const server = await serve('protocols/two-phase.ts', { variant: 'commit-early' });
    const { page, problems } = await openPage(browser, server.url);
    await at(page, '0');
    expect(await page.title()).toBe('TwoPhase/commit-early — faultline explore');
    expect(await page.locator('#properties li.holds').allTextContents()).toEqual(['✓TCConsistent invariant']);
    // The diff of a step shows on hover.
    await page.locator('button.action', { hasText: 'TMCommit' }).hover();
    expect(await page.locator('#preview code').allTextContents()).toEqual(['msgs.commit: false → true', 'tmState: "init" → "committed"']);
    await take(page, 'TMCommit');
    await at(page, '0/0');
    await take(page, 'RMChooseToAbort(rm1)');
    await at(page, '0/0/1');
    expect(await page.locator('#properties li.violated').count()).toBe(0);
    await take(page, 'RMRcvCommitMsg(rm2)');
    await at(page, '0/0/1/3');
    expect(new URL(page.url()).hash).toBe('#/0/0/1/3');
    expect(await page.locator('#properties li.violated').allTextContents()).toEqual(['✗TCConsistent invariant — violated here']);
    expect(await page.locator('svg.diagram .note.violation text').textContent()).toBe('✗ TCConsistent violated');
    expect(await page.locator('#link').textContent()).toBe('#/0/0/1/3');
    // Back and forward walk the path.
    await page.click('#back');
    await at(page, '0/0/1');
    await page.click('#forward');
    await at(page, '0/0/1/3');
    // Clicking a row of the diagram goes back to that step.
    await page.locator('svg.diagram g.step[data-step="1"]').click();
    await at(page, '0/0');
    // A stable link: a fresh page opened at the URL shows the same state.
    const again = await openPage(browser, `${server.url}#/0/0/1/3`);
    await at(again.page, '0/0/1/3');
    expect(await again.page.locator('#properties li.violated').count()).toBe(1);
    expect([...problems, ...again.problems]).toEqual([]);
    // A path that does not apply says where (the browser logs the 404 of its request).
    await again.page.goto(`${server.url}#/0/0/77`);
    await again.page.waitForSelector('html[data-state="error"]');
    expect(await again.page.locator('#error').textContent()).toBe('the path does not apply at position 2 (index 77): the state after 1 step has 9 actions — the state before it: #/0/0');
    // Check from here jumps to the shortest violation.
    await page.goto(`${server.url}#/0`);
    await at(page, '0');
    await page.click('#check');
    await page.waitForSelector('html[data-check="violation"]', { timeout: 30_000 });
    await at(page, '0/0/1/3');
    expect(await page.locator('#check-status').textContent()).toMatch(/^✗ TCConsistent violated 3 steps from here \(\d+ states, depth \d+\): shown$/);
    expect(problems).toEqual([]);
    expect(again.problems).toEqual(['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await again.page.close();
    await page.close();
  });

  it('two-phase-commit (actor): a walked path is drawn as the sequence diagram, one arrow per delivery; a screenshot for the README', async () => {
    const server = await serve('protocols/two-phase-commit.ts', {}, { crashes: 1 });
    const { page, problems } = await openPage(browser, server.url);
    await at(page, '0');
    expect(await page.locator('#actions .group h3').allTextContents()).toEqual(['Deliveries (4)', 'Timers (1)', 'Faults (3)']);
    expect(await page.locator('table.nodes td.id').allTextContents()).toEqual(['coordinator', 'participant-1', 'participant-2']);
    await take(page, 'deliver Prepare coordinator→participant-1 [chose true]');
    await at(page, '0/0');
    await take(page, 'deliver Prepare coordinator→participant-2 [chose true]');
    await at(page, '0/0/0');
    await take(page, 'deliver Vote(by=participant-1, yes=true) participant-1→coordinator');
    await at(page, '0/0/0/0');
    await take(page, 'deliver Vote(by=participant-2, yes=true) participant-2→coordinator');
    await at(page, '0/0/0/0/0');
    await take(page, 'deliver Commit coordinator→participant-1');
    await at(page, '0/0/0/0/0/0');
    await take(page, 'crash coordinator');
    await at(page, '0/0/0/0/0/0/3');
    const arrows = await page.locator('svg.diagram g.arrow.delivered').evaluateAll((gs) => gs.map((g) => `${g.getAttribute('data-from')}→${g.getAttribute('data-to')}`));
    expect(arrows).toEqual(['coordinator→participant-1', 'coordinator→participant-2', 'participant-1→coordinator', 'participant-2→coordinator', 'coordinator→participant-1']);
    expect(await page.locator('svg.diagram .note.crash text').textContent()).toBe('6. crash');
    expect(await page.locator('svg.diagram .life.down').count()).toBe(1);
    expect(await page.locator('table.nodes tr.down td.id').allTextContents()).toEqual(['coordinator']);
    // The crash took the Ack meant for the coordinator with it.
    expect(await page.locator('ul.inflight li').allTextContents()).toEqual(['Commit coordinator→participant-2']);
    // Back to where one vote has arrived (a click on the diagram's row 3), and check from
    // there: the shortest violation crashes the coordinator, leaving the participants blocked.
    await page.locator('svg.diagram g.step[data-step="3"]').click();
    await at(page, '0/0/0/0');
    await page.click('#check');
    await page.waitForSelector('html[data-check="violation"]', { timeout: 30_000 });
    await page.waitForSelector('html[data-state^="0/0/0/0/"]');
    expect(await page.locator('#properties li.violated .name').allTextContents()).toEqual(['NoBlocking']);
    expect(await page.locator('#check-status').textContent()).toMatch(/^✗ NoBlocking violated 1 step from here \([\d,]+ states?, depth \d+\): shown$/);
    expect(await page.locator('svg.diagram .note.crash text').textContent()).toBe('4. crash');
    expect(await page.locator('svg.diagram .note.violation text').textContent()).toBe('✗ NoBlocking violated');
    // At the end nothing is enabled: the run is over, participant-2 prepared forever.
    expect(await page.locator('#actions button.action').count()).toBe(0);
    expect(await page.locator('#quiescent').textContent()).toBe('quiescent: nothing but faults is enabled');
    mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'docs', 'explorer.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('spec-controlled names stay text on the page: no script runs, no element is made of them', async () => {
    const server = await serve('test/fixtures/specs/explorer/hostile-names.ts');
    const { page, problems } = await openPage(browser, server.url);
    await page.addInitScript({ content: 'window.alert = function () { window.alerted = true; };' });
    await page.reload();
    await at(page, '0');
    await page.locator('button.action[data-kind="deliver"]').click();
    await at(page, '0/0');
    expect(await page.locator('script').count()).toBe(1); // the page's own
    expect(await page.locator('img').count()).toBe(0);
    // Nothing of the spec's ran: no alert was called (it would be recorded here).
    expect(await page.evaluate('window.alerted')).toBeUndefined();
    expect(await page.locator('table.nodes td.id').allTextContents()).toEqual(['<script>-a', '<script>-b"&\'']);
    // Control and BiDi characters are shown as escapes, as in every faultline output.
    expect(await page.locator('#properties li.violated .name').textContent()).toBe('Quiet <script>alert("x")</script> & <img src=x onerror=alert(1)> \\u001b[2J\\u202e');
    expect(await page.locator('h1').textContent()).toBe('Hostile <script>alert("x")</script> & <img src=x onerror=alert(1)> \\u001b[2J\\u202e');
    expect(await page.locator('svg.diagram g.arrow.delivered').getAttribute('data-to')).toBe('<script>-b"&\'');
    expect(problems).toEqual([]);
    await page.close();
  });
});
