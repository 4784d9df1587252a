import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checker } from '../../checker/index.ts';
import { NO_FAULTS, renderHtml, traceOf, type Trace } from '../../counterexamples/index.ts';
import leaseLock from '../../protocols/lease-lock.ts';
import twoGenerals from '../../protocols/two-generals.ts';
import twoPhase from '../../protocols/two-phase.ts';
import { encodeEnvironment, type ActorModel } from '../../specs/index.ts';

function actorTrace(model: ActorModel, specPath: string, params: Record<string, number>): Trace {
  return traceOf(model, checker(model).bfs().violations[0], {
    specPath,
    params,
    environment: encodeEnvironment(model.environment),
    strategy: 'bfs',
  });
}

/** Computes a value once, on first use. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Two Generals, 3 rounds, one drop: two deliveries, one drop. */
const twoGeneralsTrace = once((): Trace =>
  actorTrace(twoGenerals({ rounds: 3 }).configure({ environment: { maxDrops: 1 } }), 'protocols/two-generals.ts', { rounds: 3 }),
);

/** Lease lock with skew 3: timed (clocks, ticks, timers), many deliveries. */
const leaseLockTrace = once((): Trace => actorTrace(leaseLock({}).configure({ environment: { skew: 3 } }), 'protocols/lease-lock.ts', {}));

function commitEarlyTrace(): Trace {
  const model = twoPhase({ variant: 'commit-early' });
  return traceOf(model, checker(model).bfs().violations[0], { specPath: 'protocols/two-phase.ts', params: { variant: 'commit-early' }, strategy: 'bfs' });
}

const EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)> \'q\'';

/** Spec-provided text everywhere: node ids, message fields, labels, spec name and path, params, property. */
function hostileTrace(): Trace {
  const a = `a<b>`;
  const b = `b"&'`;
  const nodes = { [a]: { note: EVIL }, [b]: {} };
  const base = { timers: {}, down: [], split: [], faults: {} };
  const say = { from: a, to: b, msg: { type: 'Say', text: EVIL } };
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: `specs/${EVIL}.ts`, name: `Spec ${EVIL}` },
    params: { p: EVIL },
    strategy: 'bfs',
    property: { name: `Prop ${EVIL}`, kind: 'invariant' },
    faults: { ...NO_FAULTS },
    initial: { index: 0, state: { ...base, nodes, net: [say] } },
    steps: [
      { label: `deliver Say(text=${EVIL}) ${a}→${b}`, index: 0, state: { ...base, nodes: { ...nodes, [b]: { heard: EVIL } }, net: [] } },
      { label: `custom step ${EVIL}`, index: 0, state: { ...base, nodes, net: [] } },
    ],
  };
}

function delivered(trace: Trace): number {
  return trace.steps.filter((s) => s.label.startsWith('deliver ')).length;
}

/** The page's Content Security Policy, from its meta element. */
function csp(html: string): string {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  expect(meta).not.toBeNull();
  return meta![1];
}

/** A CSP hash source for an inline element's text. */
function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

describe('renderHtml', () => {
  it('escapes every spec-provided text: a <script> in a label, a node id, a message or a state shows as text', () => {
    const html = renderHtml(hostileTrace());
    expect(count(html, '<script')).toBe(1); // the page's own, static script
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*\sonerror=/);
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; &#39;q&#39;');
    expect(html).toMatch(/<text class="head" [^>]*>a&lt;b&gt;<\/text>/);
    expect(html).toContain('data-to="b&quot;&amp;&#39;"');
    // The title, the summary and the panel of the custom step carry it escaped too.
    expect(html).toMatch(/<title>invariant Prop &lt;script&gt;.*<\/title>/);
    expect(html).toMatch(/<code>custom step &lt;script&gt;/);
  });

  it('is self-contained: no fetch of any kind, and a Content Security Policy that forbids them', () => {
    for (const trace of [twoGeneralsTrace(), hostileTrace(), commitEarlyTrace()]) {
      const html = renderHtml(trace);
      expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<link|<iframe|<object|<embed|@import|url\((?!#)/i);
      expect(html).not.toMatch(/<[^>]*\s(src|href|srcset|action|data)\s*=/i); // no attribute that fetches, at all
      expect(csp(html)).toMatch(/^default-src 'none'; /);
    }
  });

  it("allows no 'unsafe-inline': the page's one style and one script are allowed by their SHA-256, nothing else", () => {
    for (const trace of [twoGeneralsTrace(), hostileTrace(), commitEarlyTrace()]) {
      const html = renderHtml(trace);
      const policy = csp(html);
      expect(policy).not.toContain('unsafe');
      expect(count(html, '<style>')).toBe(1);
      expect(count(html, '<script>')).toBe(1);
      expect(html).not.toMatch(/<[^>]*\sstyle=/); // no style attribute (it would need 'unsafe-hashes')
      expect(html).not.toMatch(/<[^>]*\son\w+=/); // no inline event handler
      const style = html.split('<style>')[1].split('</style>')[0];
      const script = html.split('<script>')[1].split('</script>')[0];
      expect(policy).toBe(
        `default-src 'none'; style-src ${sha256(style)}; script-src ${sha256(script)}; base-uri 'none'; form-action 'none'`,
      );
    }
  });

  it('draws one `arrow delivered` per delivered message, a lost arrow per drop, and a panel and a slider position per state', () => {
    for (const trace of [twoGeneralsTrace(), leaseLockTrace(), hostileTrace()]) {
      const html = renderHtml(trace);
      expect(count(html, 'class="arrow delivered"')).toBe(delivered(trace));
      expect(count(html, 'class="arrow dropped"')).toBe(trace.steps.filter((s) => s.label.startsWith('drop ')).length);
      expect(count(html, '<section class="panel"')).toBe(trace.steps.length + 1);
      expect(html).toContain(`<input id="step" type="range" min="0" max="${trace.steps.length}" value="${trace.steps.length}"`);
      for (let i = 0; i <= trace.steps.length; i++) expect(html).toContain(`data-step="${i}"`);
    }
    expect(delivered(twoGeneralsTrace())).toBe(2);
    expect(delivered(leaseLockTrace())).toBe(8);
  });

  it('shows each step\'s state diff in its panel, the clocks of timed traces, and the violation at the last step', () => {
    const html = renderHtml(twoGeneralsTrace());
    const panel = (i: number): string => html.split(`<section class="panel" data-step="${i}"`)[1].split('</section>')[0];
    expect(panel(0)).toMatch(/^ hidden><h2>Initial state<\/h2>/);
    expect(panel(1)).toContain('<li class="removed"><code>net − Messenger(n=1) general-A→general-B</code></li>');
    expect(panel(1)).toContain('<li class="added"><code>net + Messenger(n=2) general-B→general-A</code></li>');
    expect(panel(1)).toContain('<li class="set"><code>nodes.general-B.received: 0 → 1</code></li>');
    expect(panel(3)).toMatch(/^><h2>Step 3: <code>drop Messenger\(n=3\) general-A→general-B<\/code><\/h2><p class="verdict">✗ terminal Agreement is violated in this state<\/p>/);
    const timed = renderHtml(leaseLockTrace());
    expect(timed).toContain('<p class="clock">time: t=0, clocks client-1@-3 client-2@-3</p>');
    expect(timed).toMatch(/<g class="note tick">.*5\. tick → t=1, clocks client-1@-2 client-2@-2<\/text><\/g>/);
    expect(timed).toMatch(/<g class="note timer">.*9\. timer write \(local clock 1\)<\/text><\/g>/);
  });

  it('draws a kernel trace on one system lifeline, a note per step', () => {
    const trace = commitEarlyTrace();
    const html = renderHtml(trace);
    expect(html).toContain('>system</text>');
    expect(count(html, 'class="arrow ')).toBe(0);
    expect(count(html, '<g class="note other">')).toBe(trace.steps.length);
    expect(html).toContain('>1. TMCommit</text>');
  });
});

const CHROMIUM = '/usr/bin/chromium';

/**
 * Loads a page in headless Chromium: the DOM after its scripts ran, and what the browser
 * logged (console messages, CSP violations among them, go to stderr).
 */
function dumpDom(file: string, profile: string): Promise<{ dom: string; log: string }> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--enable-logging=stderr',
    '--v=0',
    `--user-data-dir=${profile}`,
    '--dump-dom',
    pathToFileURL(file).href,
  ];
  return new Promise((resolve, reject) =>
    execFile(CHROMIUM, args, { encoding: 'utf8', timeout: 50_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error ? reject(error) : resolve({ dom: stdout, log: stderr }),
    ),
  );
}

/**
 * A test-only script, run first, that records every CSP violation on the root element
 * (`data-csp-violations`); it is allowed into the page's policy by its own hash.
 */
const WATCH = "document.addEventListener('securitypolicyviolation',function(e){var h=document.documentElement;h.setAttribute('data-csp-violations',(h.getAttribute('data-csp-violations')||'')+e.violatedDirective+' ');});";

function watched(html: string): string {
  const meta = /<meta http-equiv="Content-Security-Policy" content="[^"]*">/;
  return html
    .replace(/script-src ([^;"]+)/, (_, sources: string) => `script-src ${sources} ${sha256(WATCH)}`)
    .replace(meta, (tag) => `${tag}\n<script>${WATCH}</script>`);
}

/** The `<html>` start tag of a dumped DOM, with the attributes scripts set on it. */
function rootTag(dom: string): string {
  return /<html[^>]*>/.exec(dom)![0];
}

const HAS_CHROMIUM = existsSync(CHROMIUM);

describe('renderHtml in a real browser', () => {
  it.skipIf(!HAS_CHROMIUM)(
    'headless Chromium renders one delivered arrow per delivered message and runs the slider script, with no CSP violation' +
      (HAS_CHROMIUM ? '' : ` — SKIPPED: no ${CHROMIUM} (install Debian's chromium package, as .ci/run does)`),
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'faultline-html-'));
      try {
        for (const [name, trace] of [['two-generals', twoGeneralsTrace()], ['lease-lock', leaseLockTrace()], ['hostile', hostileTrace()]] as const) {
          const file = path.join(dir, `${name}.html`);
          writeFileSync(file, watched(renderHtml(trace)));
          const { dom, log } = await dumpDom(file, path.join(dir, `profile-${name}`));
          // The script ran to its end: the page is marked ready, the last step is current.
          expect(dom).toMatch(/<html lang="en" data-ready="true">/);
          expect(dom).toContain(`<span id="position">step ${trace.steps.length} of ${trace.steps.length}</span>`);
          expect(count(dom, 'class="step current"')).toBe(1);
          // One arrow per delivered message in the DOM the browser built.
          expect(count(dom, 'class="arrow delivered"')).toBe(delivered(trace));
          // Spec text stayed text: no element came out of it.
          expect(count(dom, '<script')).toBe(2); // the page's own and the test's watcher
          expect(dom).not.toContain('<img');
          // The policy blocked nothing: the style and the script are the ones it allows.
          expect(rootTag(dom)).toBe('<html lang="en" data-ready="true">'); // no data-csp-violations
          expect(log).not.toMatch(/Content Security Policy|Refused to/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!HAS_CHROMIUM)('the policy is in force: a script or style that is not the page\'s own is blocked and reported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-html-'));
    try {
      const file = path.join(dir, 'injected.html');
      const page = watched(renderHtml(commitEarlyTrace()))
        .replace('</h1>', '</h1><style>h1{color:red}</style>')
        .replace('</body>', "<script>document.documentElement.setAttribute('data-injected','ran')</script></body>");
      writeFileSync(file, page);
      const { dom, log } = await dumpDom(file, path.join(dir, 'profile'));
      const root = rootTag(dom);
      expect(root).toContain('data-ready="true"'); // the page's own script still runs
      expect(root).not.toContain('data-injected'); // the injected one does not
      expect(root).toMatch(/data-csp-violations="[^"]*style-src-elem/);
      expect(root).toMatch(/data-csp-violations="[^"]*script-src-elem/);
      expect(log).toMatch(/Content Security Policy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
