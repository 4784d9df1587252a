/**
 * Mutation that breaks exploration: a received message (shared by every state it is in
 * flight in), the world or state a property checks, the state a kernel model's `next` is
 * given; and, milder, a message changed after `send` copied it.
 */
import { ts } from 'ts-morph';
import { contains, enclosingFunction, position, rootOf, snippet, unwrap, type FunctionNode, type Write } from '../ast.ts';
import { scopeOf, type Analysis } from '../analysis.ts';
import type { RuleId } from '../rules.ts';

const CALLBACK_METHODS = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findLast', 'findIndex', 'flatMap', 'reduce', 'reduceRight']);

function boundIds(name: ts.BindingName, out: ts.Identifier[]): ts.Identifier[] {
  if (ts.isIdentifier(name)) out.push(name);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) boundIds(el.name, out);
  return out;
}

/**
 * The symbols through which `fn` can reach the object its parameter `param` holds:
 * the parameter, and locals initialised from it (`const c = w.node('c')`,
 * `for (const n of w.nodes('r'))`, callbacks over its arrays).
 */
function reachable(a: Analysis, fn: FunctionNode, param: ts.ParameterDeclaration): Set<ts.Symbol> {
  const tracked = new Set<ts.Symbol>();
  const track = (name: ts.BindingName): boolean => {
    let added = false;
    for (const id of boundIds(name, [])) {
      const s = a.checker.getSymbolAtLocation(id);
      if (s && !tracked.has(s)) {
        tracked.add(s);
        added = true;
      }
    }
    return added;
  };
  const isTracked = (e: ts.Expression | undefined, elements = false): boolean => {
    const root = e && rootOf(e, elements);
    const s = root && a.symbolOf(root);
    return s !== undefined && tracked.has(s);
  };
  track(param.name);
  if (!fn.body) return tracked;
  // Aliases may chain (`const c = w.node('c'); const log = c.log`): iterate to a fixpoint.
  for (let changed = true; changed; ) {
    changed = false;
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && n.initializer && isTracked(n.initializer)) changed = track(n.name) || changed;
      if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && ts.isVariableDeclarationList(n.initializer) && ts.isForOfStatement(n) && isTracked(n.expression, true)) {
        for (const d of n.initializer.declarations) changed = track(d.name) || changed;
      }
      if (ts.isCallExpression(n)) {
        const callee = unwrap(n.expression);
        const cb = n.arguments[0] && unwrap(n.arguments[0]);
        if (ts.isPropertyAccessExpression(callee) && CALLBACK_METHODS.has(callee.name.text) && cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) && isTracked(callee.expression, true)) {
          const p = cb.parameters[callee.name.text.startsWith('reduce') ? 1 : 0];
          if (p) changed = track(p.name) || changed;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
  }
  return tracked;
}

/** no-message-mutation, no-world-mutation, no-state-mutation. */
export function mutation(a: Analysis): void {
  const bySymbol = new Map<ts.Symbol, Write[]>();
  for (const w of a.writes) {
    if (w.rebinding) continue; // reassigning a local changes nobody's object
    const s = a.symbolOf(w.root);
    if (!s) continue;
    const list = bySymbol.get(s);
    if (list) list.push(w);
    else bySymbol.set(s, [w]);
  }
  const check = (fn: FunctionNode, param: ts.ParameterDeclaration | undefined, rule: RuleId, what: (w: Write) => string, fix: string): void => {
    if (!param) return;
    for (const s of reachable(a, fn, param)) {
      for (const w of bySymbol.get(s) ?? []) if (contains(fn, w.site)) a.report(rule, w.site, what(w), { fix });
    }
  };

  for (const f of a.shape.functions.values()) {
    const params = f.fn.parameters;
    if (f.kind === 'message') {
      check(
        f.fn,
        params[1],
        'no-message-mutation',
        (w) => `\`${snippet(w.site)}\` writes to the message ${f.label} received: a message in flight is shared by every state that holds it`,
        'copy what you need into the node’s state (or spread a copy) and change that',
      );
    } else if (f.kind === 'invariant' || f.kind === 'terminal' || f.kind === 'constraint') {
      check(
        f.fn,
        params[0],
        'no-world-mutation',
        (w) => `\`${snippet(w.site)}\` writes to the ${f.kernel ? 'state' : 'world'} that ${f.label} checks: properties run on states the checker keeps and shares`,
        'properties only read: compute on copies ([...xs].sort(), { ...obj })',
      );
    } else if (f.kernel && (f.kind === 'next' || f.kind === 'actions' || f.kind === 'describe')) {
      check(
        f.fn,
        params[0],
        'no-state-mutation',
        (w) => `\`${snippet(w.site)}\` writes to the state ${f.label} is given: the checker keeps that state and expands it again for every action`,
        'return a new state ({ ...s, field: value }) and leave the given one unchanged',
      );
    }
  }

  // A message changed after it was sent: send copies it, so the write is lost (or meant for a later send).
  for (const call of a.calls) {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) continue;
    const method = callee.name.text;
    const arg = method === 'reply' ? call.arguments[0] : method === 'send' || method === 'broadcast' ? call.arguments[1] : undefined;
    if (!arg || call.arguments.length !== (method === 'reply' ? 1 : 2)) continue;
    const id = unwrap(arg);
    if (!ts.isIdentifier(id)) continue;
    const s = a.symbolOf(id);
    const decl = a.declarationOf(id);
    const fn = enclosingFunction(call);
    if (!s || !decl || !fn || scopeOf(decl) !== fn) continue; // only messages built in this function
    const after = (bySymbol.get(s) ?? []).find((w) => w.site.pos >= call.end && contains(fn, w.site));
    if (after) {
      a.report(
        'no-message-mutation',
        after.site,
        `\`${snippet(after.site)}\` changes \`${id.text}\` after ctx.${method}() sent it (line ${position(call).line})${a.where(call)}: send copied the message, so the one in flight keeps the old value`,
        { severity: 'warning', fix: 'set every field before sending; build a new message for each send' },
      );
    }
  }
}
