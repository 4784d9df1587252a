/**
 * Small helpers over the TypeScript compiler API (the AST ts-morph wraps). The rules walk
 * raw compiler nodes: wrapping every node in a ts-morph object costs more than the analysis.
 */
import { ts } from 'ts-morph';

/** The expression without parentheses, `as`, `satisfies`, `!` and `<T>` casts. */
export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) {
      e = e.expression;
    } else {
      return e;
    }
  }
}

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

export function isFunctionNode(n: ts.Node): n is FunctionNode {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n) ||
    ts.isConstructorDeclaration(n)
  );
}

/** The innermost function containing `n` (not `n` itself), or undefined at module level. */
export function enclosingFunction(n: ts.Node): FunctionNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunctionNode(p)) return p;
  return undefined;
}

/** True when `inner` is `outer` or lies inside it. */
export function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end && inner.getSourceFile() === outer.getSourceFile();
}

/** The text of a property name when it is static (`a`, `'a'`, `1`, `['a']`). */
export function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const e = unwrap(name.expression);
    if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e)) return e.text;
  }
  return undefined;
}

/** A string the expression is syntactically (a literal or a template without substitutions). */
export function stringLiteralOf(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  return ts.isStringLiteralLike(u) ? u.text : undefined;
}

/** Methods that return a reference into their receiver: writing through their result writes the receiver. */
const REFERENCE_METHODS = new Set(['node', 'get', 'find', 'findLast', 'at', 'inFlight', 'ids']);
/** Methods that return a fresh container whose elements are the receiver's: writing an element's fields writes the receiver. */
const FRESH_METHODS = new Set(['nodes', 'slice', 'filter', 'concat', 'flat', 'toSorted', 'toReversed', 'values']);

/**
 * The variable whose object an expression evaluates into: `msg` for `msg.items[0]`,
 * `w` for `w.node('x').log`. Undefined when the object is not reached from a variable
 * (a literal, a call's fresh result: `msg.items.slice()`, `w.nodes('r')`). With `elements`,
 * the root of the elements the expression evaluates to (`w.nodes('r')` → `w`).
 */
export function rootOf(expr: ts.Expression, elements = false): ts.Identifier | undefined {
  let e = unwrap(expr);
  let hops = elements ? 1 : 0; // the elements of a fresh container still belong to its root
  for (;;) {
    if (ts.isIdentifier(e)) return e;
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      e = unwrap(e.expression);
      hops++;
      continue;
    }
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const method = callee.name.text;
      if (REFERENCE_METHODS.has(method) || (FRESH_METHODS.has(method) && hops > 0)) {
        e = unwrap(callee.expression);
        hops++;
        continue;
      }
      return undefined;
    }
    return undefined;
  }
}

/** In-place mutators of arrays, Maps and Sets. */
export const MUTATING_METHODS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

/** A place where the program writes: rebinding a variable, or changing an object reached from one. */
export interface Write {
  /** The node to report (the assignment, update, delete or call). */
  site: ts.Node;
  /** The variable written, or whose object is changed. */
  root: ts.Identifier;
  /** True when the variable itself is reassigned (`x = …`, `x++`), false when its object changes. */
  rebinding: boolean;
  /** What the write is, for messages: `=`, `++`, `delete`, `.push()`. */
  what: string;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Adds the writes an assignment target makes (destructuring patterns included). */
function targetWrites(target: ts.Expression, site: ts.Node, what: string, out: Write[]): void {
  const t = unwrap(target);
  if (ts.isIdentifier(t)) {
    out.push({ site, root: t, rebinding: true, what });
  } else if (ts.isPropertyAccessExpression(t) || ts.isElementAccessExpression(t)) {
    const root = rootOf(t.expression);
    if (root) out.push({ site, root, rebinding: false, what });
  } else if (ts.isArrayLiteralExpression(t)) {
    for (const el of t.elements) targetWrites(ts.isSpreadElement(el) ? el.expression : el, site, what, out);
  } else if (ts.isObjectLiteralExpression(t)) {
    for (const p of t.properties) {
      if (ts.isPropertyAssignment(p)) targetWrites(p.initializer, site, what, out);
      else if (ts.isShorthandPropertyAssignment(p)) out.push({ site, root: p.name, rebinding: true, what });
      else if (ts.isSpreadAssignment(p)) targetWrites(p.expression, site, what, out);
    }
  } else if (ts.isBinaryExpression(t) && t.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    targetWrites(t.left, site, what, out); // a default value in a destructuring pattern
  }
}

/** The writes node `n` itself performs (not those of its children). */
export function writesOf(n: ts.Node, out: Write[]): void {
  if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
    targetWrites(n.left, n, ts.tokenToString(n.operatorToken.kind) ?? '=', out);
  } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
    targetWrites(n.operand, n, n.operator === ts.SyntaxKind.PlusPlusToken ? '++' : '--', out);
  } else if (ts.isDeleteExpression(n)) {
    targetWrites(n.expression, n, 'delete', out);
  } else if (ts.isCallExpression(n)) {
    const callee = unwrap(n.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = unwrap(callee.expression);
      if (MUTATING_METHODS.has(method) && n.arguments.length <= 3) {
        // `nodes('r').sort()` sorts a fresh array: rootOf gives no root for a call receiver it cannot see through.
        const root = rootOf(receiver);
        if (root && !(ts.isCallExpression(receiver) && isFreshCall(receiver))) out.push({ site: n, root, rebinding: false, what: `.${method}()` });
      } else if (ts.isIdentifier(receiver) && (receiver.text === 'Object' || receiver.text === 'Reflect') && ['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf', 'set', 'deleteProperty'].includes(method)) {
        const first = n.arguments[0];
        const root = first && rootOf(first);
        if (root) out.push({ site: n, root, rebinding: false, what: `${receiver.text}.${method}()` });
      }
    }
  } else if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) {
    targetWrites(n.initializer as ts.Expression, n, ts.isForOfStatement(n) ? 'for…of' : 'for…in', out);
  }
}

function isFreshCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) && FRESH_METHODS.has(callee.name.text);
}

/** 1-based line and column of a node's first token. */
export function position(node: ts.Node): { line: number; column: number } {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return { line: line + 1, column: character + 1 };
}

/** Short source text of a node, for messages. */
export function snippet(node: ts.Node, max = 40): string {
  const text = node.getText(node.getSourceFile()).replace(/\s+/g, ' ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
