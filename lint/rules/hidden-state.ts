/**
 * Hidden state: variables outside the model's state that its functions write. The checker
 * fingerprints and restores only the model's state, so such a variable silently carries
 * information from one explored branch into another. Likewise state inside the state that
 * the checker cannot see: class instances (private fields) and opaque built-ins.
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

/** Constructors whose instances a state may hold: the checker compares them by content. */
const STATE_CONSTRUCTORS = new Set([
  'Map', 'Set', 'Date', 'Array', 'Object',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);
/** Built-ins the checker cannot see into (Promise is no-async's, Date() no-wall-clock's). */
const OPAQUE_GLOBALS = new Set([
  'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'RegExp', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Proxy', 'Number', 'String', 'Boolean', 'Error', 'TypeError', 'RangeError',
]);

/**
 * no-opaque-state: `new SomeClass(…)` (or a built-in the checker cannot compare, such as a
 * WeakMap) in code the checker calls — a handler, `init`, `next`, a role's initial state —
 * where the instance may end up in a state. Its private fields and methods are invisible
 * to fingerprints, so states that differ only there would be one; the search refuses them
 * at run time, this says so before. An instance that is thrown, or used at once
 * (`new Parser(x).parse()`), is not flagged.
 */
function opaqueState(a: Analysis): void {
  for (const n of a.news) {
    let parent: ts.Node = n.parent;
    while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent) || ts.isNonNullExpression(parent)) parent = parent.parent;
    if (ts.isThrowStatement(parent) || ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) continue;
    if (!a.specFunctionAt(n) && !inInitialState(n)) continue;
    const global = a.globalName(n.expression);
    let what: string | undefined;
    if (global !== undefined) {
      if (STATE_CONSTRUCTORS.has(global) || !OPAQUE_GLOBALS.has(global)) continue;
      what = `${/^[AEIOU]/.test(global) ? 'an' : 'a'} ${global}, whose contents the checker cannot compare`;
    } else {
      const name = classNameOf(a, n.expression);
      if (name === undefined) continue;
      what = `an instance of class ${name}, whose private fields and methods are invisible to fingerprints`;
    }
    const where = a.where(n) || " in a role's initial state";
    a.report(
      'no-opaque-state',
      n,
      `new ${n.expression.getText()}()${where} makes ${what}: states differing only there would be one state, so the search refuses it`,
    );
  }
}

/** True inside the object literal of a role's `init` (a node's initial state). */
function inInitialState(n: ts.Node): boolean {
  for (let p: ts.Node | undefined = n.parent; p && !ts.isSourceFile(p); p = p.parent) {
    if (ts.isFunctionLike(p)) return false;
    if (ts.isPropertyAssignment(p) && p.name.getText() === 'init') return true;
  }
  return false;
}

/** The name of the class `expr` (a `new` target) refers to, when it is a class. */
function classNameOf(a: Analysis, expr: ts.Expression): string | undefined {
  let sym = a.checker.getSymbolAtLocation(expr);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = a.checker.getAliasedSymbol(sym);
  const isClass = sym?.declarations?.some((d) => ts.isClassDeclaration(d) || ts.isClassExpression(d));
  return isClass ? sym!.getName() : undefined;
}

/** no-module-state, no-captured-mutable, no-opaque-state. */
export function hiddenState(a: Analysis): void {
  opaqueState(a);
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
