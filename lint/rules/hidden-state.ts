/**
 * Hidden state: variables outside the model's state that its functions write. The checker
 * fingerprints and restores only the model's state, so such a variable silently carries
 * information from one explored branch into another.
 */
import { ts } from 'ts-morph';
import { enclosingFunction, position, unwrap, type FunctionNode, type Write } from '../ast.ts';
import { bindingKind, scopeOf, type Analysis } from '../analysis.ts';

/** A function that may run later (a named helper, a method, a callback stored somewhere), not an inline callback. */
function deferred(fn: FunctionNode): boolean {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return true;
  let p: ts.Node = fn.parent;
  let child: ts.Node = fn;
  while (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p)) {
    child = p;
    p = p.parent;
  }
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.includes(child as ts.Expression)) return false;
  if (ts.isCallExpression(p) && unwrap(p.expression) === fn) return false; // an IIFE
  return true;
}

function nameOf(fn: FunctionNode): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.name) return fn.name.getText();
  const p = fn.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isPropertyAssignment(p)) return p.name.getText();
  return undefined;
}

/** ` in client.on.Pong`, ` in decide()`, or ` in a function`. */
function place(a: Analysis, site: ts.Node): string {
  const spec = a.where(site);
  if (spec) return spec;
  const fn = enclosingFunction(site);
  const name = fn && nameOf(fn);
  return name ? ` in ${name}()` : ' in a function';
}

function describeWrite(w: Write): string {
  return `${w.rebinding ? 'assigned' : 'changed'} (${w.what})`;
}

/** no-module-state, no-captured-mutable. */
export function hiddenState(a: Analysis): void {
  const byDecl = new Map<ts.Declaration, Write[]>();
  for (const w of a.writes) {
    const decl = a.declarationOf(w.root);
    if (!decl) continue;
    const list = byDecl.get(decl);
    if (list) list.push(w);
    else byDecl.set(decl, [w]);
  }

  // Module-level variables.
  for (const sf of a.files) {
    for (const statement of sf.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        for (const id of boundNames(decl.name)) {
          const binding = a.checker.getSymbolAtLocation(id)?.valueDeclaration ?? decl;
          const kind = bindingKind(binding);
          const inFunctions = (byDecl.get(binding) ?? []).filter((w) => enclosingFunction(w.site) !== undefined);
          if (inFunctions.length > 0) {
            const w = inFunctions[0];
            const more = inFunctions.length > 1 ? ` (and ${inFunctions.length - 1} more place${inFunctions.length > 2 ? 's' : ''})` : '';
            a.report(
              'no-module-state',
              w.site,
              `module-level ${kind} \`${id.text}\` (line ${position(decl).line}) is ${describeWrite(w)}${place(a, w.site)}${more}: state outside the model's state, which the checker neither fingerprints nor restores when it backtracks`,
            );
          } else if (kind === 'let' || kind === 'var') {
            a.report('no-module-state', id, `module-level ${kind} \`${id.text}\`: mutable state outside the model (nothing writes it inside a function yet)`, {
              severity: 'warning',
              fix: 'declare it const',
            });
          }
        }
      }
    }
  }

  // Variables of enclosing functions (factories) written by closures that outlive the call.
  for (const [decl, writes] of byDecl) {
    const scope = scopeOf(decl);
    if (!scope || a.specFunctionAt(scope)) continue; // module level, or local to one run of a spec function
    for (const w of writes) {
      let escapes = false;
      for (let fn = enclosingFunction(w.site); fn && fn !== scope; fn = enclosingFunction(fn)) {
        if (a.specFunctionAt(fn) || deferred(fn)) {
          escapes = true;
          break;
        }
      }
      if (!escapes) continue;
      const name = ts.isIdentifier((decl as ts.NamedDeclaration).name as ts.Node) ? ((decl as ts.NamedDeclaration).name as ts.Identifier).text : w.root.text;
      const outer = nameOf(scope);
      a.report(
        'no-captured-mutable',
        w.site,
        `\`${name}\`, a ${bindingKind(decl) === 'param' ? 'parameter' : `${bindingKind(decl)}`} of ${outer ? `${outer}()` : 'an enclosing function'} (line ${position(decl).line}), is ${describeWrite(w)}${place(a, w.site)}: one copy shared by every explored state, invisible to fingerprints and never restored`,
      );
      break; // one finding per variable
    }
  }
}

function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  const out: ts.Identifier[] = [];
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) out.push(...boundNames(el.name));
  return out;
}
