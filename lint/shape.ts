/**
 * The shape of a spec as its source declares it: every `protocol({...})` with its roles and
 * handlers, every kernel model (an object with `init`, `actions` and `next`), and the
 * functions the checker will call — handlers, properties, `next`, … — with a label each.
 */
import { ts } from 'ts-morph';
import { isFunctionNode, propertyNameText, unwrap, type FunctionNode } from './ast.ts';

export type SpecFunctionKind =
  | 'message'
  | 'timer'
  | 'start'
  | 'recover'
  | 'role-init'
  | 'invariant'
  | 'terminal'
  | 'constraint'
  | 'init'
  | 'actions'
  | 'next'
  | 'describe';

/** A function the checker calls while exploring. */
export interface SpecFunction {
  fn: FunctionNode;
  kind: SpecFunctionKind;
  /** `client.on.Pong`, `client.timers.retry`, `invariant Agreement`, `next()`. */
  label: string;
  /** True for functions of a kernel model (as opposed to an actor protocol). */
  kernel: boolean;
}

export interface RoleShape {
  name: string;
  /** Handled message types → the key's node. */
  on: Map<string, ts.Node>;
  /** Timer names → the key's node. */
  timers: Map<string, ts.Node>;
}

export interface ProtocolShape {
  call: ts.CallExpression;
  /** The `M` of `protocol<M>(…)`, when written. */
  typeArg?: ts.TypeNode;
  roles: RoleShape[];
  /** The function whose body holds the call (the factory), or the source file. */
  scope: ts.Node;
}

export interface SpecShape {
  protocols: ProtocolShape[];
  functions: Map<ts.Node, SpecFunction>;
}

type Member = { name: string; node: Exclude<ts.ObjectLiteralElementLike, ts.SpreadAssignment> };

/** Follows identifiers to the object literal they are initialised with. */
function resolveObject(checker: ts.TypeChecker, expr: ts.Expression | undefined, depth = 0): ts.ObjectLiteralExpression | undefined {
  if (!expr || depth > 5) return undefined;
  const e = unwrap(expr);
  if (ts.isObjectLiteralExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    const decl = checker.getSymbolAtLocation(e)?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl)) return resolveObject(checker, decl.initializer, depth + 1);
  }
  return undefined;
}

/** The object's static members, spreads of resolvable objects included (later members win). */
function members(checker: ts.TypeChecker, obj: ts.ObjectLiteralExpression | undefined, depth = 0): Member[] {
  if (!obj || depth > 5) return [];
  const out: Member[] = [];
  for (const p of obj.properties) {
    if (ts.isSpreadAssignment(p)) {
      out.push(...members(checker, resolveObject(checker, p.expression), depth + 1));
      continue;
    }
    const name = propertyNameText(p.name);
    if (name !== undefined) out.push({ name, node: p });
  }
  return out;
}

function member(checker: ts.TypeChecker, obj: ts.ObjectLiteralExpression | undefined, name: string): Member | undefined {
  return members(checker, obj).findLast((m) => m.name === name);
}

/** The value expression of a member (undefined for methods and accessors). */
function valueOf(m: Member | undefined): ts.Expression | undefined {
  if (!m) return undefined;
  if (ts.isPropertyAssignment(m.node)) return m.node.initializer;
  if (ts.isShorthandPropertyAssignment(m.node)) return m.node.name;
  return undefined;
}

/** Follows identifiers to the function they name. */
function resolveFunction(checker: ts.TypeChecker, expr: ts.Expression | undefined, depth = 0): FunctionNode | undefined {
  if (!expr || depth > 5) return undefined;
  const e = unwrap(expr);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    const sym = ts.isShorthandPropertyAssignment(e.parent) ? checker.getShorthandAssignmentValueSymbol(e.parent) : checker.getSymbolAtLocation(e);
    const decl = sym?.valueDeclaration;
    if (!decl) return undefined;
    if (ts.isFunctionDeclaration(decl)) return decl;
    if (ts.isVariableDeclaration(decl)) return resolveFunction(checker, decl.initializer, depth + 1);
  }
  return undefined;
}

function functionOf(checker: ts.TypeChecker, m: Member | undefined): FunctionNode | undefined {
  if (!m) return undefined;
  if (isFunctionNode(m.node)) return m.node as FunctionNode;
  return resolveFunction(checker, valueOf(m));
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** Finds the protocols, kernel models and spec functions of the analysed files. */
export function specShape(checker: ts.TypeChecker, files: readonly ts.SourceFile[]): SpecShape {
  const shape: SpecShape = { protocols: [], functions: new Map() };
  const add = (fn: FunctionNode | undefined, kind: SpecFunctionKind, label: string, kernel: boolean): void => {
    if (fn && !shape.functions.has(fn)) shape.functions.set(fn, { fn, kind, label, kernel });
  };
  const properties = (obj: ts.ObjectLiteralExpression | undefined, kind: SpecFunctionKind, kernel: boolean): void => {
    for (const m of members(checker, obj)) add(functionOf(checker, m), kind, `${kind} ${m.name}`, kernel);
  };

  const protocolCall = (call: ts.CallExpression, typeArg = call.typeArguments?.[0]): void => {
    const def = resolveObject(checker, call.arguments[0]);
    const rolesObj = resolveObject(checker, valueOf(member(checker, def, 'roles')));
    if (!def || !rolesObj) return;
    let scope: ts.Node = call.getSourceFile();
    for (let p = call.parent; p; p = p.parent) {
      if (isFunctionNode(p)) {
        scope = p;
        break;
      }
    }
    const roles: RoleShape[] = [];
    for (const r of members(checker, rolesObj)) {
      const roleObj = resolveObject(checker, valueOf(r) ?? (ts.isShorthandPropertyAssignment(r.node) ? r.node.name : undefined));
      const role: RoleShape = { name: r.name, on: new Map(), timers: new Map() };
      roles.push(role);
      if (!roleObj) continue;
      for (const m of members(checker, resolveObject(checker, valueOf(member(checker, roleObj, 'on'))))) {
        role.on.set(m.name, m.node.name);
        add(functionOf(checker, m), 'message', `${r.name}.on.${m.name}`, false);
      }
      for (const m of members(checker, resolveObject(checker, valueOf(member(checker, roleObj, 'timers'))))) {
        role.timers.set(m.name, m.node.name);
        add(functionOf(checker, m), 'timer', `${r.name}.timers.${m.name}`, false);
      }
      add(functionOf(checker, member(checker, roleObj, 'onStart')), 'start', `${r.name}.onStart`, false);
      add(functionOf(checker, member(checker, roleObj, 'onRecover')), 'recover', `${r.name}.onRecover`, false);
      add(functionOf(checker, member(checker, roleObj, 'init')), 'role-init', `${r.name}.init`, false);
    }
    properties(resolveObject(checker, valueOf(member(checker, def, 'invariants'))), 'invariant', false);
    properties(resolveObject(checker, valueOf(member(checker, def, 'terminal'))), 'terminal', false);
    add(functionOf(checker, member(checker, def, 'constraint')), 'constraint', 'constraint', false);
    shape.protocols.push({ call, typeArg, roles, scope });
  };

  const kernelModel = (obj: ts.ObjectLiteralExpression): void => {
    const names = new Set(obj.properties.map((p) => propertyNameText(p.name)));
    if (!names.has('actions') || !names.has('next')) return;
    for (const kind of ['init', 'actions', 'next', 'constraint', 'describe'] as const) {
      add(functionOf(checker, member(checker, obj, kind)), kind, `${kind}()`, true);
    }
    properties(resolveObject(checker, valueOf(member(checker, obj, 'invariants'))), 'invariant', true);
  };

  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && calleeName(n) === 'protocol' && n.arguments.length > 0) protocolCall(n);
    // protocol<M>()({ … }): the typed form, its definition in the outer call, M in the inner one.
    else if (ts.isCallExpression(n) && ts.isCallExpression(unwrap(n.expression)) && calleeName(unwrap(n.expression) as ts.CallExpression) === 'protocol') {
      protocolCall(n, (unwrap(n.expression) as ts.CallExpression).typeArguments?.[0]);
    }
    else if (ts.isObjectLiteralExpression(n)) kernelModel(n);
    ts.forEachChild(n, visit);
  };
  for (const sf of files) visit(sf);
  return shape;
}

/** The innermost spec function containing `n` (or `n` itself), if any. */
export function specFunctionAt(shape: SpecShape, n: ts.Node): SpecFunction | undefined {
  for (let p: ts.Node | undefined = n; p; p = p.parent) {
    const f = shape.functions.get(p);
    if (f) return f;
  }
  return undefined;
}
