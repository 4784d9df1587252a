/**
 * One pass over the analysed files collects what the rules look at (calls, writes,
 * functions, imports); the rules then report through `report`.
 */
import { ts } from 'ts-morph';
import { enclosingFunction, isFunctionNode, position, unwrap, writesOf, type FunctionNode, type Write } from './ast.ts';
import { ruleInfo, type RuleId, type Severity } from './rules.ts';
import { specFunctionAt, specShape, type SpecFunction, type SpecShape } from './shape.ts';
import type { LintFinding } from './types.ts';

/** Where an identifier's value comes from. */
export type Origin = { kind: 'global' } | { kind: 'import'; module: string; name: string } | { kind: 'local'; decl: ts.Declaration };

export type BindingKind = 'let' | 'var' | 'const' | 'param' | 'other';

export class Analysis {
  readonly shape: SpecShape;
  readonly writes: Write[] = [];
  readonly calls: ts.CallExpression[] = [];
  readonly news: ts.NewExpression[] = [];
  readonly functions: FunctionNode[] = [];
  readonly imports: (ts.ImportDeclaration | ts.ExportDeclaration)[] = [];
  readonly awaits: ts.AwaitExpression[] = [];
  readonly forAwaits: ts.ForOfStatement[] = [];
  readonly findings: LintFinding[] = [];
  private readonly fileSet: Set<ts.SourceFile>;
  private readonly seen = new Set<string>();

  constructor(
    readonly checker: ts.TypeChecker,
    readonly files: readonly ts.SourceFile[],
    /** A file's path as findings show it. */
    readonly display: (sf: ts.SourceFile) => string,
  ) {
    this.fileSet = new Set(files);
    this.shape = specShape(checker, files);
    const visit = (n: ts.Node): void => {
      writesOf(n, this.writes);
      if (ts.isCallExpression(n)) this.calls.push(n);
      else if (ts.isNewExpression(n)) this.news.push(n);
      else if (isFunctionNode(n)) this.functions.push(n);
      else if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) this.imports.push(n);
      else if (ts.isAwaitExpression(n)) this.awaits.push(n);
      else if (ts.isForOfStatement(n) && n.awaitModifier) this.forAwaits.push(n);
      ts.forEachChild(n, visit);
    };
    for (const sf of files) visit(sf);
  }

  /** True when `node` is in one of the analysed (user) files. */
  inUserCode(node: ts.Node): boolean {
    return this.fileSet.has(node.getSourceFile());
  }

  symbolOf(id: ts.Identifier): ts.Symbol | undefined {
    return this.checker.getSymbolAtLocation(id);
  }

  /** Where identifier `id` gets its value: a global (nothing in the user's files declares it), an import, or a local declaration. */
  originOf(id: ts.Identifier): Origin {
    const decl = this.symbolOf(id)?.declarations?.[0];
    if (!decl || !this.inUserCode(decl)) return { kind: 'global' };
    if (ts.isImportSpecifier(decl)) {
      const module = moduleOf(decl);
      if (module !== undefined) return { kind: 'import', module, name: (decl.propertyName ?? decl.name).text };
    }
    if (ts.isImportClause(decl) || ts.isNamespaceImport(decl)) {
      const module = moduleOf(decl);
      if (module !== undefined) return { kind: 'import', module, name: ts.isImportClause(decl) ? 'default' : '*' };
    }
    return { kind: 'local', decl };
  }

  /**
   * The dotted name an expression denotes when its root is a global or an imported module:
   * `Date.now`, `crypto.randomUUID` (also for `import { randomUUID } from 'node:crypto'`),
   * `fs.readFileSync`. Undefined for locals.
   */
  globalName(expr: ts.Expression): string | undefined {
    const parts: string[] = [];
    let e = unwrap(expr);
    for (;;) {
      if (ts.isPropertyAccessExpression(e)) parts.unshift(e.name.text);
      else if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) parts.unshift(e.argumentExpression.text);
      else break;
      e = unwrap(e.expression);
    }
    if (!ts.isIdentifier(e)) return undefined;
    const origin = this.originOf(e);
    if (origin.kind === 'local') return undefined;
    let base: string[];
    if (origin.kind === 'global') {
      base = [e.text];
      if (['globalThis', 'window', 'self', 'global'].includes(e.text) && parts.length > 0) base = [];
    } else {
      const module = origin.module.replace(/^node:/, '');
      base = origin.name === 'default' || origin.name === '*' ? [module] : [module, origin.name];
    }
    const name = [...base, ...parts].join('.');
    // Modules that re-export globals.
    return name.replace(/^perf_hooks\.performance\b/, 'performance').replace(/^crypto\.webcrypto\b/, 'crypto').replace(/^timers\./, '');
  }

  /** The declaration of the variable `id` refers to, when it is declared in user code. */
  declarationOf(id: ts.Identifier): ts.Declaration | undefined {
    const sym = this.symbolOf(id);
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    return decl && this.inUserCode(decl) ? decl : undefined;
  }

  /** The spec function (handler, property, next, …) that `node` is in. */
  specFunctionAt(node: ts.Node): SpecFunction | undefined {
    return specFunctionAt(this.shape, node);
  }

  /** ` in client.on.Pong` when `node` is in a spec function, else ''. */
  where(node: ts.Node): string {
    const f = this.specFunctionAt(node);
    return f ? ` in ${f.label}` : '';
  }

  report(rule: RuleId, node: ts.Node, message: string, options: { fix?: string; severity?: Severity } = {}): void {
    const info = ruleInfo(rule);
    const { line, column } = position(node);
    const file = this.display(node.getSourceFile());
    const key = `${rule}:${file}:${line}:${column}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push({ rule, severity: options.severity ?? info.severity, file, line, column, message, fix: options.fix ?? info.fix });
  }
}

function moduleOf(decl: ts.Node): string | undefined {
  for (let p: ts.Node | undefined = decl; p; p = p.parent) {
    if (ts.isImportDeclaration(p)) return ts.isStringLiteral(p.moduleSpecifier) ? p.moduleSpecifier.text : undefined;
  }
  return undefined;
}

/** How a variable is bound. */
export function bindingKind(decl: ts.Declaration): BindingKind {
  if (ts.isParameter(decl)) return 'param';
  let p: ts.Node = decl;
  while (ts.isBindingElement(p) || ts.isObjectBindingPattern(p) || ts.isArrayBindingPattern(p)) p = p.parent;
  if (ts.isParameter(p)) return 'param';
  if (ts.isVariableDeclaration(p) && ts.isVariableDeclarationList(p.parent)) {
    const flags = p.parent.flags;
    if (flags & ts.NodeFlags.Const) return 'const';
    if (flags & ts.NodeFlags.Let) return 'let';
    return 'var';
  }
  return 'other';
}

/** The function a variable belongs to (undefined: module level). */
export function scopeOf(decl: ts.Declaration): FunctionNode | undefined {
  let p: ts.Node = decl;
  while (ts.isBindingElement(p) || ts.isObjectBindingPattern(p) || ts.isArrayBindingPattern(p)) p = p.parent;
  if (ts.isParameter(p)) return isFunctionNode(p.parent) ? p.parent : enclosingFunction(p);
  return enclosingFunction(p);
}
