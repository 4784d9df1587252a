import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { check } from '../../api/index.ts';
import { serializeTrace } from '../../counterexamples/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExplorer, traceStart, type CheckStatus, type ExplorerServer, type SpecView, type StepView } from '../../explorer/index.ts';
import { EXPLORER_CSP } from '../../explorer/server.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const spec = (file: string) => path.join(ROOT, file);

/** One request with full control of its headers (fetch may not set Host). */
function raw(server: ExplorerServer, route: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: route, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function getJson<T>(server: ExplorerServer, route: string, method = 'GET'): Promise<{ status: number; body: T }> {
  const r = await raw(server, route, {}, method);
  return { status: r.status, body: JSON.parse(r.body) as T };
}

async function waitFor(server: ExplorerServer, id: number): Promise<CheckStatus> {
  for (let i = 0; i < 300; i++) {
    const { body } = await getJson<CheckStatus>(server, `/api/check/${id}`);
    if (body.status !== 'running') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the search did not end');
}

describe('the explorer API over HTTP: two-phase, variant=commit-early (a kernel model)', () => {
  let server: ExplorerServer;
  beforeAll(async () => {
    server = await startExplorer({ recipe: { specFile: spec('protocols/two-phase.ts'), params: { variant: 'commit-early' }, environment: {} }, port: 0 });
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and describes the spec', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const { status, body } = await getJson<SpecView>(server, '/api/spec');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'TwoPhase/commit-early', params: { variant: 'commit-early' }, actor: false, initialStates: 1, propertyKinds: { TCConsistent: 'invariant' }, start: [0] });
    expect(body.valency).toBe('not a consensus protocol (no consensus declaration)');
  });

  it('GET /api/state/0: the initial state, its 8 actions with their diffs, every property', async () => {
    const { status, body } = await getJson<StepView>(server, '/api/state/0');
    expect(status).toBe(200);
    expect(body.actions.map((a) => a.label)).toEqual([
      'TMCommit',
      'TMAbort',
      'RMPrepare(rm1)',
      'RMChooseToAbort(rm1)',
      'RMPrepare(rm2)',
      'RMChooseToAbort(rm2)',
      'RMPrepare(rm3)',
      'RMChooseToAbort(rm3)',
    ]);
    expect(body.actions.map((a) => a.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(body.actions.every((a) => a.kind === 'step' && a.group === 'step')).toBe(true);
    expect(body.actions[0].diff).toEqual(['msgs.commit: false → true', 'tmState: "init" → "committed"']);
    expect(body.properties).toEqual({ TCConsistent: true });
    expect(body.quiescent).toBe(false);
    expect(body.valency).toBeUndefined();
    expect(body.state).toMatchObject({ tmState: 'init', rmState: ['working', 'working', 'working'] });
    expect(body.path).toEqual([{ index: 0, label: 'initial state' }]);
    expect(body.diagram).toMatch(/^<svg class="diagram/);
  });

  it('the three steps of the violation: TMCommit, RMChooseToAbort(rm1), RMRcvCommitMsg(rm2) = /0/0/1/3, where TCConsistent fails', async () => {
    const { status, body } = await getJson<StepView>(server, '/api/state/0/0/1/3');
    expect(status).toBe(200);
    expect(body.path.map((p) => p.label)).toEqual(['initial state', 'TMCommit', 'RMChooseToAbort(rm1)', 'RMRcvCommitMsg(rm2)']);
    expect(body.properties).toEqual({ TCConsistent: false });
    // The kernel path is drawn on one `system` lifeline, ending in the violation.
    expect(body.diagram).toContain('>system</text>');
    expect(body.diagram).toContain('✗ TCConsistent violated');
    expect(body.diagram).toContain('>3. RMRcvCommitMsg(rm2)</text>');
    // One step before, nothing is violated and no violation row is drawn.
    const before = await getJson<StepView>(server, '/api/state/0/0/1');
    expect(before.body.properties).toEqual({ TCConsistent: true });
    expect(before.body.diagram).not.toContain('violated');
  });

  it('a path that no longer applies is a 404 naming the first index that failed', async () => {
    const tooFar = await getJson<{ error: string; at: number; index: number; valid: number[] }>(server, '/api/state/0/0/99/3');
    expect(tooFar.status).toBe(404);
    expect(tooFar.body).toEqual({ error: 'the path does not apply at position 2 (index 99): the state after 1 step has 9 actions', at: 2, index: 99, valid: [0, 0] });
    const noInit = await getJson<{ at: number; index: number }>(server, '/api/state/1');
    expect(noInit.status).toBe(404);
    expect(noInit.body).toMatchObject({ at: 0, index: 1, error: 'the path does not apply at position 0 (index 1): there is 1 initial state' });
  });

  it('what is not a path is a 400 naming the position; unknown endpoints are 404s', async () => {
    for (const [route, at] of [
      ['/api/state/0/x', 1],
      ['/api/state/0/-1', 1],
      ['/api/state/0/1.5', 1],
      ['/api/state/0/01', 1],
      ['/api/state/0//1', 1],
      ['/api/state/__proto__', 0],
      ['/api/state/constructor/0', 0],
      ['/api/state/0/99999999999', 1],
      ['/api/state', 0],
    ] as const) {
      const r = await getJson<{ error: string; at: number }>(server, route);
      expect(r.status, route).toBe(400);
      expect(r.body.at, route).toBe(at);
    }
    const long = await getJson<{ error: string }>(server, `/api/state/0${'/0'.repeat(10_001)}`);
    expect(long.status).toBe(400);
    expect(long.body.error).toBe('a path has at most 10000 steps');
    expect((await raw(server, '/api/nothing')).status).toBe(404);
    expect((await raw(server, '/api/state/0', {}, 'DELETE')).status).toBe(405);
    expect((await raw(server, '/etc/passwd')).status).toBe(404);
    expect((await raw(server, '/../../package.json')).status).toBe(404);
    expect((await raw(server, '/__proto__')).status).toBe(404);
    expect((await raw(server, '/constructor')).status).toBe(404);
  });

  it('refuses a Host header that is not its own (DNS rebinding), a missing one, and a cross-site Origin', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `127.0.0.1.evil.example:${server.port}`]) {
      const r = await raw(server, '/api/state/0', { Host: host });
      expect(r.status, host).toBe(403);
      expect(r.body).toContain('refused: the Host header is not this server');
    }
    expect((await raw(server, '/', { Host: `localhost:${server.port}` })).status).toBe(200);
    const cross = await raw(server, '/api/check/0', { Origin: 'http://evil.example' }, 'POST');
    expect(cross.status).toBe(403);
    expect(cross.body).toContain('refused: a request from another site');
    // HTTP/1.0 without a Host header.
    const { Socket } = await import('node:net');
    const bare = await new Promise<string>((resolve) => {
      const socket = new Socket();
      let text = '';
      socket.connect(server.port, '127.0.0.1', () => socket.write('GET /api/state/0 HTTP/1.0\r\n\r\n'));
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
    });
    expect(bare).toMatch(/^HTTP\/1\.1 403/);
  });

  it('serves the page, one script and one style sheet, under a CSP without unsafe-inline; nothing from the network', async () => {
    const page = await raw(server, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(EXPLORER_CSP);
    expect(EXPLORER_CSP).not.toContain('unsafe-inline');
    expect(EXPLORER_CSP).toContain("script-src 'self'");
    expect(EXPLORER_CSP).toContain("connect-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<script src="/explorer.js" defer></script>');
    expect(page.body).toContain('<link rel="stylesheet" href="/explorer.css">');
    expect(page.body).not.toMatch(/<script>|<style|style=|\son\w+=/);
    const js = await raw(server, '/explorer.js');
    const css = await raw(server, '/explorer.css');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const text of [page.body, js.body, css.body]) expect(text).not.toMatch(/https?:\/\/|@import|url\(\s*['"]?(https?:)?\/\//);
  });

  it('check from here: a BFS on a worker thread finds the shortest violation from the current state', async () => {
    const started = await getJson<CheckStatus>(server, '/api/check/0', 'POST');
    expect(started.status).toBe(202);
    const done = await waitFor(server, started.body.id);
    // From the initial state, the same search as `faultline check`: 49 distinct states, 77 generated, depth 4.
    expect(done).toMatchObject({ status: 'done', verdict: 'violation', stats: { distinctStates: 49, generatedStates: 77, depth: 4 }, violation: { property: 'TCConsistent', path: [0, 0, 1, 3] } });
    // From a state after RMChooseToAbort(rm1): TMCommit then RMRcvCommitMsg(rm2).
    const later = await waitFor(server, (await getJson<CheckStatus>(server, '/api/check/0/3', 'POST')).body.id);
    expect(later).toMatchObject({ status: 'done', verdict: 'violation', violation: { property: 'TCConsistent', path: [0, 3, 0, 3] } });
    // From a state where the TM has aborted, nothing can go wrong.
    const safe = await waitFor(server, (await getJson<CheckStatus>(server, '/api/check/0/1', 'POST')).body.id);
    expect(safe).toMatchObject({ status: 'done', verdict: 'pass', stats: { distinctStates: 64, generatedStates: 289, depth: 7 } });
    expect((await getJson<CheckStatus>(server, '/api/check/0/99', 'POST')).status).toBe(404);
    expect((await getJson<{ error: string }>(server, '/api/check/123456')).status).toBe(404);
  });
});

describe('the explorer API: two-phase-commit (an actor protocol)', () => {
  let server: ExplorerServer;
  beforeAll(async () => {
    server = await startExplorer({ recipe: { specFile: spec('protocols/two-phase-commit.ts'), params: {}, environment: { crashes: 1 } }, port: 0, checkBounds: { maxStates: 100_000, timeoutSeconds: 30 } });
  });
  afterAll(() => server.close());

  it('groups deliveries, timers and faults, and shows the nodes and the messages in flight', async () => {
    const { body } = await getJson<StepView>(server, '/api/state/0');
    expect(body.actions.map((a) => `${a.group}/${a.kind}: ${a.label}`)).toEqual([
      'delivery/deliver: deliver Prepare coordinator→participant-1 [chose true]',
      'delivery/deliver: deliver Prepare coordinator→participant-1 [chose false]',
      'delivery/deliver: deliver Prepare coordinator→participant-2 [chose true]',
      'delivery/deliver: deliver Prepare coordinator→participant-2 [chose false]',
      'timer/timer: timer timeout @coordinator',
      'fault/crash: crash coordinator',
      'fault/crash: crash participant-1',
      'fault/crash: crash participant-2',
    ]);
    expect(body.world!.nodes.map((n) => [n.id, n.up, n.timers])).toEqual([
      ['coordinator', true, { timeout: 'armed' }],
      ['participant-1', true, {}],
      ['participant-2', true, {}],
    ]);
    expect(body.world!.inFlight).toEqual(['Prepare coordinator→participant-1', 'Prepare coordinator→participant-2']);
    expect(body.propertyKinds).toEqual({ Atomicity: 'invariant', NoBlocking: 'terminal' });
    expect(body.properties).toEqual({ Atomicity: true, NoBlocking: true });
    expect(body.quiescent).toBe(false);
  });

  it('draws the path as the HTML report\'s sequence diagram: one arrow per delivered message', async () => {
    // Prepare→p1 (yes), Prepare→p2 (yes), Vote p1→c, Vote p2→c, Commit c→p1.
    const { body } = await getJson<StepView>(server, '/api/state/0/0/0/0/0/0');
    expect(body.path.map((p) => p.label)).toEqual([
      'initial state',
      'deliver Prepare coordinator→participant-1 [chose true]',
      'deliver Prepare coordinator→participant-2 [chose true]',
      'deliver Vote(by=participant-1, yes=true) participant-1→coordinator',
      'deliver Vote(by=participant-2, yes=true) participant-2→coordinator',
      'deliver Commit coordinator→participant-1',
    ]);
    const arrows = [...body.diagram.matchAll(/<g class="arrow delivered" data-from="([^"]*)" data-to="([^"]*)">/g)].map((m) => `${m[1]}→${m[2]}`);
    expect(arrows).toEqual(['coordinator→participant-1', 'coordinator→participant-2', 'participant-1→coordinator', 'participant-2→coordinator', 'coordinator→participant-1']);
  });

  it('a crash shows the node down; check from there is bounded and answers', async () => {
    const crashed = await getJson<StepView>(server, '/api/state/0/5');
    expect(crashed.body.path[1].label).toBe('crash coordinator');
    expect(crashed.body.world!.nodes[0]).toMatchObject({ id: 'coordinator', up: false });
    const run = await waitFor(server, (await getJson<CheckStatus>(server, '/api/check/0/5', 'POST')).body.id);
    expect(run).toMatchObject({ status: 'done', verdict: 'violation', violation: { property: 'NoBlocking' } });
    if (run.status !== 'done') throw new Error('unreachable');
    expect(run.violation!.path.slice(0, 2)).toEqual([0, 5]);
    const end = await getJson<StepView>(server, `/api/state/${run.violation!.path.join('/')}`);
    expect(end.body.quiescent).toBe(true);
    expect(end.body.properties.NoBlocking).toBe(false);
  });
});

describe('the explorer API: valency of a consensus protocol', () => {
  it('consensus-wait-all: {0,1} at the start, {0} once node-1 proposed 0', async () => {
    const server = await startExplorer({ recipe: { specFile: spec('protocols/consensus-wait-all.ts'), params: {}, environment: {} }, port: 0 });
    try {
      const { body: about } = await getJson<SpecView>(server, '/api/spec');
      expect(about.valency).toBe('computed for 729 reachable states');
      expect((await getJson<StepView>(server, '/api/state/0')).body.valency).toBe('{0,1}');
      expect((await getJson<StepView>(server, '/api/state/0/0')).body.valency).toBe('{0}');
      expect((await getJson<StepView>(server, '/api/state/0/1')).body.valency).toBe('{0,1}');
    } finally {
      await server.close();
    }
  });

  it('no valency when the state space is larger than the bounds', async () => {
    const server = await startExplorer({ recipe: { specFile: spec('protocols/consensus-wait-all.ts'), params: {}, environment: {} }, port: 0, valencyBounds: { maxStates: 100, timeoutSeconds: 5 } });
    try {
      expect((await getJson<SpecView>(server, '/api/spec')).body.valency).toBe("the state space is larger than the valency search's bounds (100 states, 5 s)");
      expect((await getJson<StepView>(server, '/api/state/0')).body.valency).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe('the explorer API: spec-controlled names stay data', () => {
  const EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)> \u001b[2J\u202e';
  it('labels, node names and properties come back as JSON strings; the diagram escapes them', async () => {
    const server = await startExplorer({ recipe: { specFile: spec('test/fixtures/specs/explorer/hostile-names.ts'), params: {}, environment: {} }, port: 0 });
    try {
      const r = await raw(server, '/api/state/0/0');
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = JSON.parse(r.body) as StepView;
      expect(body.properties).toEqual({ [`Quiet ${EVIL}`]: false });
      expect(body.world!.nodes.map((n) => n.id)).toEqual(['<script>-a', `<script>-b"&'`]);
      expect(body.path[1].label).toBe(`deliver Say(text=${EVIL}) <script>-a→<script>-b"&'`);
      // The SVG holds no element made of spec text, and no raw control or BiDi character.
      expect(body.diagram).not.toMatch(/<script|<img|<[^>]*\sonerror=/);
      expect(body.diagram).not.toMatch(/[\u001b\u202e]/);
      expect(body.diagram).toContain('data-to="&lt;script&gt;-b&quot;&amp;&#39;"');
      expect(body.diagram).toContain('✗ Quiet &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; \\u001b[2J\\u202e violated');
    } finally {
      await server.close();
    }
  });
});

describe('the explorer opens a trace file at its last step', () => {
  it('two-generals rounds=3 with one drop: the trace\'s params and environment, Agreement violated at the end', async () => {
    const report = await check(spec('protocols/two-generals.ts'), { params: { rounds: 3 }, environment: { maxDrops: 1 } });
    expect(report.result).toBe('violation');
    const trace = report.violations[0].trace;
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-explore-trace-'));
    const file = path.join(dir, 'agreement.json');
    writeFileSync(file, serializeTrace(trace));
    const server = await startExplorer({ ...traceStart(file), port: 0 });
    try {
      const start = [trace.initial.index, ...trace.steps.map((s) => s.index)];
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/#/${start.join('/')}`);
      const { body: about } = await getJson<SpecView>(server, '/api/spec');
      expect(about).toMatchObject({ start, params: { rounds: 3 }, trace: { file, property: 'terminal Agreement' } });
      expect(about.environment).toBe('unordered network, drops ≤ 1, dups ≤ 0, crashes ≤ 0 (crash-stop), partitions ≤ 0');
      const { body } = await getJson<StepView>(server, `/api/state/${start.join('/')}`);
      expect(body.path.slice(1).map((p) => p.label)).toEqual(trace.steps.map((s) => s.label));
      expect(body.properties.Agreement).toBe(false);
      expect(body.quiescent).toBe(true);
      expect(body.diagram).toContain('class="arrow dropped"');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('check from here never blocks the server', () => {
  it('a spec whose next() never returns: the server keeps answering; the search is ended as stuck', async () => {
    const server = await startExplorer({
      recipe: { specFile: spec('test/fixtures/specs/hostile/hang.ts'), params: {}, environment: {} },
      port: 0,
      checkBounds: { maxStates: 1000, timeoutSeconds: 1 },
      stepTimeoutSeconds: 1,
    });
    try {
      const started = await getJson<CheckStatus>(server, '/api/check/0', 'POST');
      expect(started.status).toBe(202);
      const t0 = performance.now();
      const step = await getJson<StepView>(server, '/api/state/0/0/0');
      expect(step.status).toBe(200);
      expect(step.body.state).toBe(2);
      expect(performance.now() - t0).toBeLessThan(1000);
      expect((await getJson<CheckStatus>(server, `/api/check/${started.body.id}`)).body.status).toBe('running');
      const done = await waitFor(server, started.body.id);
      expect(done).toMatchObject({ status: 'done', verdict: 'incomplete', incomplete: 'stuck' });
      // A step whose successors never come (next(3) loops): a 504 after the step timeout, and
      // the server, on a fresh spec thread, answers the next request.
      const stuck = await getJson<{ error: string }>(server, '/api/state/0/0/0/0');
      expect(stuck).toEqual({ status: 504, body: { error: 'the spec did not answer within 1 s at this state (look for a loop in actions(), next() or a property)' } });
      expect((await getJson<StepView>(server, '/api/state/0/0')).body.state).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('the explorer API: clocks and partitions', () => {
  it('lease-lock --skew 1 --partitions 1: local clocks, ticks and partitions grouped, each node\'s side', async () => {
    const server = await startExplorer({ recipe: { specFile: spec('protocols/lease-lock.ts'), params: {}, environment: { skew: 1, partitions: 1 } }, port: 0 });
    try {
      const { body } = await getJson<StepView>(server, '/api/state/0');
      expect(body.actions.map((a) => `${a.group}/${a.kind}`)).toEqual([
        'delivery/deliver',
        'delivery/deliver',
        'tick/tick',
        ...Array.from({ length: 7 }, () => 'fault/partition'),
      ]);
      expect(body.world!.time).toBe(0);
      expect(body.world!.nodes.map((n) => [n.id, n.clock ?? null])).toEqual([['service', null], ['client-1', -1], ['client-2', -1], ['storage', null]]);
      const split = await getJson<StepView>(server, '/api/state/0/3');
      expect(split.body.path[1].label).toBe('partition {service} | {client-1, client-2, storage}');
      expect(split.body.world!.nodes.map((n) => [n.id, n.side])).toEqual([['service', 'A'], ['client-1', 'B'], ['client-2', 'B'], ['storage', 'B']]);
    } finally {
      await server.close();
    }
  });
});
