/**
 * Nondeterminism and effects: the wall clock, randomness, asynchrony and I/O. Each makes the
 * same state have different successors on different runs, or acts outside the model.
 */
import { ts } from 'ts-morph';
import { enclosingFunction, stringLiteralOf } from '../ast.ts';
import type { Analysis } from '../analysis.ts';

const WALL_CLOCK = new Set(['Date.now', 'Date', 'performance.now', 'process.hrtime', 'process.hrtime.bigint', 'process.uptime']);
const RANDOM = /^(Math\.random|crypto\.(random\w*|getRandomValues|subtle\.generateKey))$/;
const DEFERRED = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'requestIdleCallback', 'process.nextTick']);
const PROCESS_CONTROL = new Set(['process.exit', 'process.abort', 'process.kill', 'process.reallyExit']);
const IO_CALLS = new Set(['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'require']);
const IO_MODULES = new Set([
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'dns/promises', 'tls', 'child_process',
  'cluster', 'worker_threads', 'readline', 'readline/promises', 'inspector', 'undici', 'axios', 'node-fetch', 'ws',
]);

/** True for a kernel-model spec (no protocol): the fixes differ. */
function kernelAt(a: Analysis, node: ts.Node): boolean {
  const f = a.specFunctionAt(node);
  return f ? f.kernel : a.shape.protocols.length === 0;
}

function ioModule(specifier: string): boolean {
  return IO_MODULES.has(specifier.replace(/^node:/, ''));
}

/** no-wall-clock, no-random, no-async, no-io. */
export function effects(a: Analysis): void {
  const clockFix = (n: ts.Node) =>
    kernelAt(a, n) ? 'keep time in the state, advanced by an action' : 'use ctx.now() (the node’s local clock, explored over every skew; needs --max-time)';
  const randomFix = (n: ts.Node) =>
    kernelAt(a, n) ? 'return one action per option from actions() so every option is explored' : 'use ctx.choose([...options]): the checker explores every option';

  for (const call of a.calls) {
    if (call.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const spec = stringLiteralOf(call.arguments[0]);
      if (spec !== undefined && ioModule(spec)) {
        a.report('no-io', call, `import('${spec}')${a.where(call)} does I/O: its results differ between runs and its effects are not undone when the checker backtracks`);
      } else {
        a.report('no-async', call, `dynamic import()${a.where(call)} is asynchronous: the checker never awaits it`, { fix: 'import statically at the top of the file' });
      }
      continue;
    }
    const name = a.globalName(call.expression);
    if (name === undefined) continue;
    if (WALL_CLOCK.has(name)) {
      a.report('no-wall-clock', call, `${name}()${a.where(call)} reads the wall clock: it differs on every run, so a state's successors and a trace's replay differ too`, { fix: clockFix(call) });
    } else if (RANDOM.test(name)) {
      a.report('no-random', call, `${name}()${a.where(call)} draws one value where the checker must explore every one, and draws another on replay`, { fix: randomFix(call) });
    } else if (DEFERRED.has(name)) {
      a.report('no-async', call, `${name}()${a.where(call)} runs its callback after the handler returned, outside every explored state`, {
        fix: kernelAt(a, call) ? 'model the delay as an action' : 'use ctx.setTimer(name, delay) and a timers.<name> handler',
      });
    } else if (name === 'Promise' || name.startsWith('Promise.') || name.startsWith('timers/promises')) {
      a.report('no-async', call, `${name}()${a.where(call)} settles after the handler returned: the checker never sees what follows`);
    } else if (name === 'require') {
      const spec = stringLiteralOf(call.arguments[0]);
      if (spec !== undefined && ioModule(spec)) a.report('no-io', call, `require('${spec}')${a.where(call)} does I/O: outside the model, not undone when the checker backtracks`);
    } else if (PROCESS_CONTROL.has(name)) {
      a.report('no-io', call, `${name}()${a.where(call)} acts on the checker's own process, not on a node: the check would end (or be killed) mid-search`, {
        fix: kernelAt(a, call) ? 'throw an Error for a broken assumption, or make the end a state of the model' : 'throw an Error for a broken assumption; a node that stops is a crash (--crashes)',
      });
    } else if (IO_CALLS.has(name) || [...IO_MODULES].some((m) => name === m || name.startsWith(`${m}.`))) {
      a.report('no-io', call, `${name}()${a.where(call)} does I/O: its results differ between runs and its effects are not undone when the checker backtracks`);
    }
  }

  for (const n of a.news) {
    const name = a.globalName(n.expression);
    if (name === undefined) continue;
    if (name === 'Date' && (n.arguments?.length ?? 0) === 0) {
      a.report('no-wall-clock', n, `new Date()${a.where(n)} reads the wall clock: it differs on every run, so a state's successors and a trace's replay differ too`, { fix: clockFix(n) });
    } else if (name === 'Promise') {
      a.report('no-async', n, `new Promise()${a.where(n)} settles after the handler returned: the checker never sees what follows`);
    } else if (IO_CALLS.has(name)) {
      a.report('no-io', n, `new ${name}()${a.where(n)} does I/O: outside the model, not undone when the checker backtracks`);
    }
  }

  for (const fn of a.functions) {
    const asyncKeyword = ts.canHaveModifiers(fn) ? ts.getModifiers(fn)?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword) : undefined;
    if (!asyncKeyword) continue;
    const label = a.specFunctionAt(fn)?.fn === fn ? a.specFunctionAt(fn)!.label : 'function';
    a.report('no-async', asyncKeyword, `async ${label}: the checker runs it synchronously and never awaits it; everything after the first await happens outside the model`);
  }
  for (const aw of a.awaits) {
    if (enclosingFunction(aw) === undefined) a.report('no-async', aw, 'top-level await: the spec must load synchronously and deterministically');
  }
  for (const loop of a.forAwaits) {
    if (enclosingFunction(loop) === undefined) a.report('no-async', loop, 'top-level for await: the spec must load synchronously and deterministically');
  }

  for (const decl of a.imports) {
    const spec = decl.moduleSpecifier && ts.isStringLiteral(decl.moduleSpecifier) ? decl.moduleSpecifier.text : undefined;
    if (spec === undefined || !ioModule(spec)) continue;
    if (ts.isImportDeclaration(decl) && typeOnly(decl)) continue;
    if (ts.isExportDeclaration(decl) && decl.isTypeOnly) continue;
    a.report('no-io', decl.moduleSpecifier!, `imports '${spec}': I/O reaches outside the model; its results differ between runs and are not undone when the checker backtracks`);
  }
}

function typeOnly(decl: ts.ImportDeclaration): boolean {
  const clause = decl.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}
