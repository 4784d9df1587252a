import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Params } from '../specs/index.ts';
import { BadInputError } from '../api/errors.ts';
import type { SpecRecipeArgs } from '../api/spec-recipe.ts';
import { CheckRunner, DEFAULT_CHECK_BOUNDS, type CheckBounds } from './check-from-here.ts';
import { MAX_PATH_STEPS } from './path-walker.ts';
import { StepWorker, type SpecFacts } from './step-worker.ts';
import { DEFAULT_VALENCY_BOUNDS, type ValencyBounds } from './valency-index.ts';

/** What the explorer serves: a spec with its params and environment, and where to start. */
export interface ExplorerOptions {
  /** The spec file (absolute), params and environment overrides: what the model is built from. */
  recipe: SpecRecipeArgs;
  /** The spec as the user named it, for the page's header. */
  specLabel?: string;
  /** The path the page opens at when the URL names none (a trace's): `[init, a1, …]`. */
  start?: number[];
  /** The trace file opened, and the property it violates, for the page's header. */
  trace?: { file: string; property: string };
  /** 127.0.0.1 unless told otherwise (tests only: the server is for this machine). */
  host?: string;
  /** The port (0: any free one). */
  port?: number;
  checkBounds?: CheckBounds;
  valencyBounds?: ValencyBounds;
  /** How long the spec may take to answer one step (default 10 s): past it, a 504 and a fresh thread. */
  stepTimeoutSeconds?: number;
}

/** How long the spec may take to answer one step unless told otherwise. */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 10;

/** A running explorer. */
export interface ExplorerServer {
  /** `http://127.0.0.1:<port>/`, plus the start path as `#/…` when there is one. */
  url: string;
  port: number;
  /** The model's name. */
  name: string;
  close(): Promise<void>;
}

/** What `GET /api/spec` answers: the page's header and where to start. */
export interface SpecView {
  name: string;
  spec: string;
  params: Params;
  environment?: string;
  actor: boolean;
  initialStates: number;
  propertyKinds: Record<string, string>;
  valency: string;
  start: number[];
  trace?: { file: string; property: string };
  checkBounds: CheckBounds;
}

const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/explorer.js': { file: 'explorer.js', type: 'text/javascript; charset=utf-8' },
  '/explorer.css': { file: 'explorer.css', type: 'text/css; charset=utf-8' },
};

/**
 * The page's policy: its own script and style sheet only (no `'unsafe-inline'`), requests to
 * its own server only, nothing framed, submitted or used as a base URL.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': EXPLORER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/** `[0, 3, 1]` from `0/3/1`, or the position of the first segment that is not an index. */
function parsePath(rest: string): number[] | { at: number; error: string } {
  const segments = rest === '' ? [] : rest.split('/');
  if (segments.length === 0) return { at: 0, error: 'a path starts with the index of an initial state: /api/state/0' };
  if (segments.length > MAX_PATH_STEPS + 1) return { at: MAX_PATH_STEPS + 1, error: `a path has at most ${MAX_PATH_STEPS} steps` };
  const out: number[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (!/^(0|[1-9]\d{0,8})$/.test(segments[i])) return { at: i, error: `position ${i}: ${JSON.stringify(segments[i].slice(0, 40))} is not an index (a whole number)` };
    out.push(Number(segments[i]));
  }
  return out;
}

/**
 * Starts `faultline explore`'s server: the page (plain HTML, one script, one style sheet,
 * nothing from the network) and the JSON API it uses —
 * `GET /api/spec`, `GET /api/state/<init>/<a1>/…` (404 naming the first index that fails),
 * `POST /api/check/<init>/<a1>/…` (a bounded search from that state on a worker thread) and
 * `GET /api/check/<id>` (its progress, then its outcome). It listens on 127.0.0.1 and
 * refuses requests whose `Host` is not its own (DNS rebinding) and cross-site `Origin`s.
 * Spec code runs on threads of its own: a step the spec does not answer within
 * `stepTimeoutSeconds` is a 504 (and a fresh thread), so the server always answers.
 */
export async function startExplorer(options: ExplorerOptions): Promise<ExplorerServer> {
  const label = options.specLabel ?? options.recipe.specFile;
  // Spec code runs on a thread of its own: a spec that never returns cannot hang the server.
  const steps = new StepWorker(
    options.recipe,
    options.valencyBounds ?? DEFAULT_VALENCY_BOUNDS,
    options.stepTimeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
  );
  let facts: SpecFacts;
  try {
    facts = await steps.start();
  } catch (error) {
    await steps.close();
    if (error instanceof BadInputError) throw new BadInputError(error.message.replace(options.recipe.specFile, label));
    throw error;
  }
  const fail = async (message: string): Promise<never> => {
    await steps.close();
    throw new BadInputError(message);
  };
  if (facts.initialStates === 0) await fail(`${label}: the spec has no initial state (init() must yield at least one)`);
  const start = options.start ?? [0];
  const opened = await steps.step(start);
  if (opened.status === 404) {
    const failure = JSON.parse(opened.body) as { error: string; at: number; index: number };
    await fail(
      `${options.trace?.file ?? label}: the path no longer applies at position ${failure.at} (index ${failure.index}): ${failure.error.replace(/^.*?: /, '')} (the spec changed: re-run faultline check for a new trace)`,
    );
  } else if (opened.status !== 200) {
    await fail(`${label}: ${(JSON.parse(opened.body) as { error: string }).error} (fix the spec)`);
  }
  const runner = new CheckRunner(options.recipe, options.checkBounds ?? DEFAULT_CHECK_BOUNDS);
  const pageDir = new URL('./page/', import.meta.url);
  const page = Object.fromEntries(Object.entries(PAGE_FILES).map(([route, f]) => [route, { ...f, body: readFileSync(new URL(f.file, pageDir), 'utf8') }]));
  const specView: SpecView = {
    name: facts.name,
    spec: label,
    params: options.recipe.params,
    ...(facts.environment !== undefined ? { environment: facts.environment } : {}),
    actor: facts.actor,
    initialStates: facts.initialStates,
    propertyKinds: facts.propertyKinds,
    valency: facts.valency,
    start,
    ...(options.trace ? { trace: options.trace } : {}),
    checkBounds: runner.bounds,
  };

  let allowedHosts = new Set<string>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const host = req.headers.host;
    if (host === undefined || !allowedHosts.has(host.toLowerCase())) {
      send(res, 403, 'text/plain; charset=utf-8', 'faultline explore: refused: the Host header is not this server\'s (open the URL faultline explore printed)\n');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, '').toLowerCase())) {
      send(res, 403, 'text/plain; charset=utf-8', 'faultline explore: refused: a request from another site\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://explorer.invalid');
    const route = url.pathname;
    try {
      if (req.method === 'GET' && route === '/favicon.ico') {
        // No icon, and no 404 in the browser's console for it.
        res.writeHead(204, SECURITY_HEADERS);
        res.end();
      } else if (req.method === 'GET' && Object.hasOwn(page, route)) {
        const f = page[route];
        send(res, 200, f.type, f.body);
      } else if (req.method === 'GET' && route === '/api/spec') {
        json(res, 200, specView);
      } else if (req.method === 'GET' && (route === '/api/state' || route.startsWith('/api/state/'))) {
        const parsed = parsePath(route.slice('/api/state/'.length));
        if (!Array.isArray(parsed)) return json(res, 400, { error: parsed.error, at: parsed.at });
        steps.step(parsed).then(
          (answer) => send(res, answer.status, 'application/json; charset=utf-8', answer.body),
          (error: Error) => json(res, 500, { error: error.message }),
        );
      } else if (req.method === 'POST' && route.startsWith('/api/check/')) {
        const parsed = parsePath(route.slice('/api/check/'.length));
        if (!Array.isArray(parsed)) return json(res, 400, { error: parsed.error, at: parsed.at });
        // Only a path that applies is searched from.
        steps.step(parsed).then(
          (answer) => {
            if (answer.status !== 200) return send(res, answer.status, 'application/json; charset=utf-8', answer.body);
            json(res, 202, runner.status(runner.start(parsed)));
          },
          (error: Error) => json(res, 500, { error: error.message }),
        );
      } else if (req.method === 'GET' && /^\/api\/check\/\d{1,9}$/.test(route)) {
        const status = runner.status(Number(route.slice('/api/check/'.length)));
        if (!status) return json(res, 404, { error: 'no such search (only the latest are kept)' });
        json(res, 200, status);
      } else if (route.startsWith('/api/')) {
        json(res, req.method === 'GET' || req.method === 'POST' ? 404 : 405, { error: `${req.method} ${route}: no such endpoint` });
      } else {
        send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
      }
    } catch (error) {
      json(res, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  // Paths of thousands of steps are long URLs: allow request heads up to 256 KB (Node's default is 16 KB).
  const server: Server = createServer({ maxHeaderSize: 256 * 1024 }, handle);
  const host = options.host ?? '127.0.0.1';
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new BadInputError(`port ${options.port}: already in use (pass --port N for another one, or --port 0 for any free port)`));
      else if (error.code === 'EACCES') reject(new BadInputError(`port ${options.port}: not allowed (pass --port N above 1023, or --port 0 for any free port)`));
      else reject(error);
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  try {
    await listening;
  } catch (error) {
    await steps.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${host}:${port}`]);
  const hash = options.start ? `#/${options.start.join('/')}` : '';
  return {
    url: `http://127.0.0.1:${port}/${hash}`,
    port,
    name: facts.name,
    async close() {
      await runner.close();
      await steps.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
