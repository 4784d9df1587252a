/**
 * Message coverage from the spec's types: the `type` literals of the message union (the
 * `M` of protocol<M>) and of every message sent, against the `on` handlers each role
 * declares. A type sent that no receiving role handles stops the check at its delivery; a
 * handler for a type nobody sends is dead code or a forgotten send.
 */
import { ts } from 'ts-morph';
import { contains, position, snippet, stringLiteralOf, unwrap } from '../ast.ts';
import type { Analysis } from '../analysis.ts';
import type { ProtocolShape } from '../shape.ts';
import type { ProtocolFacts } from '../types.ts';

/** Literal values a type may take; `unknown` when some value is not a known literal. */
interface Literals {
  values: Set<string>;
  unknown: boolean;
  /** For union members: where each literal is declared. */
  where: Map<string, ts.Node>;
}

const none = (): Literals => ({ values: new Set(), unknown: false, where: new Map() });
const unknown = (): Literals => ({ values: new Set(), unknown: true, where: new Map() });

function merge(a: Literals, b: Literals): Literals {
  return { values: new Set([...a.values, ...b.values]), unknown: a.unknown || b.unknown, where: new Map([...b.where, ...a.where]) };
}

function stringLiterals(t: ts.Type): Literals {
  if (t.flags & ts.TypeFlags.Never) return none();
  if (t.isUnion()) return t.types.map(stringLiterals).reduce(merge, none());
  if (t.isStringLiteral()) return { values: new Set([t.value]), unknown: false, where: new Map() };
  return unknown();
}

/** The `type` literals of a message type (a union of message shapes, or one). */
function messageTypesOf(checker: ts.TypeChecker, t: ts.Type): Literals {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return unknown();
  if (t.flags & ts.TypeFlags.Never) return none();
  if (t.isUnion()) return t.types.map((m) => messageTypesOf(checker, m)).reduce(merge, none());
  const prop = checker.getPropertyOfType(t, 'type');
  if (!prop) return unknown();
  const lits = stringLiterals(checker.getTypeOfSymbol(prop));
  const decl = prop.valueDeclaration ?? prop.declarations?.[0];
  if (decl) for (const v of lits.values) lits.where.set(v, decl);
  return lits;
}

/** The `type` literals of a message expression: syntactically when it is an object literal, else from its type. */
function sentTypesOf(checker: ts.TypeChecker, expr: ts.Expression): Literals {
  const e = unwrap(expr);
  if (ts.isConditionalExpression(e)) return merge(sentTypesOf(checker, e.whenTrue), sentTypesOf(checker, e.whenFalse));
  if (ts.isObjectLiteralExpression(e)) {
    const typeProp = e.properties.findLast((p) => ts.isPropertyAssignment(p) && p.name.getText() === 'type') as ts.PropertyAssignment | undefined;
    if (typeProp) {
      const s = stringLiteralOf(typeProp.initializer);
      if (s !== undefined) return { values: new Set([s]), unknown: false, where: new Map() };
      const init = unwrap(typeProp.initializer);
      if (ts.isConditionalExpression(init)) {
        const both = [init.whenTrue, init.whenFalse].map(stringLiteralOf);
        if (both.every((v) => v !== undefined)) return { values: new Set(both as string[]), unknown: false, where: new Map() };
      }
      return stringLiterals(checker.getTypeAtLocation(typeProp.initializer));
    }
  }
  return messageTypesOf(checker, checker.getTypeAtLocation(e));
}

/** A send of the spec: `ctx.send(to, msg)`, `ctx.broadcast(role, msg)`, `ctx.reply(msg)`. */
interface Send {
  call: ts.CallExpression;
  method: 'send' | 'broadcast' | 'reply';
  msg: ts.Expression;
  types: Literals;
  /** The node id (send) or role (broadcast) it goes to, when a literal. */
  target?: string;
}

function sendsOf(a: Analysis): Send[] {
  const out: Send[] = [];
  for (const call of a.calls) {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) continue;
    const method = callee.name.text;
    if (method !== 'send' && method !== 'broadcast' && method !== 'reply') continue;
    if (call.arguments.length !== (method === 'reply' ? 1 : 2)) continue;
    if (a.globalName(callee.expression) !== undefined) continue; // process.send & co.: not a protocol send
    const msg = call.arguments[method === 'reply' ? 0 : 1];
    let target: string | undefined;
    if (method !== 'reply') {
      target = stringLiteralOf(call.arguments[0]);
      if (target === undefined) {
        const t = a.checker.getTypeAtLocation(call.arguments[0]);
        if (t.isStringLiteral()) target = t.value;
      }
    }
    out.push({ call, method, msg, types: sentTypesOf(a.checker, msg), target });
  }
  return out;
}

/** The role a node id belongs to: the role itself, or `role-…`. */
function roleOfNode(id: string, roles: readonly string[]): string | undefined {
  if (roles.includes(id)) return id;
  return roles.filter((r) => id.startsWith(`${r}-`)).sort((x, y) => y.length - x.length)[0];
}

function list(values: Iterable<string>): string {
  return [...values].join(', ');
}

/** unhandled-message, unsent-message; returns what it learnt about each protocol. */
export function messages(a: Analysis): ProtocolFacts[] {
  const sends = sendsOf(a);
  const protocols = a.shape.protocols;
  // Which protocols a send belongs to: those whose factory (or file, for a module-level
  // protocol) holds it; else those of its file; else (a helper module) every protocol.
  const candidates = new Map<Send, ProtocolShape[]>();
  for (const s of sends) {
    let ps = protocols.filter((p) => contains(p.scope, s.call));
    if (ps.length > 1) {
      const innermost = ps.filter((p) => !ps.some((q) => q !== p && q.scope !== p.scope && contains(p.scope, q.scope)));
      ps = innermost;
    }
    if (ps.length === 0) ps = protocols.filter((p) => p.call.getSourceFile() === s.call.getSourceFile());
    if (ps.length === 0) ps = protocols;
    candidates.set(s, ps);
  }

  for (const s of sends) {
    const ps = candidates.get(s)!;
    if (ps.length === 0) continue;
    const handled = new Set(ps.flatMap((p) => p.roles.flatMap((r) => [...r.on.keys()])));
    const missing = [...s.types.values].filter((t) => !handled.has(t));
    const where = a.where(s.call);
    if (missing.length > 0) {
      a.report(
        'unhandled-message',
        s.msg,
        `ctx.${s.method}(${snippet(s.msg, 30)})${where} sends ${list(missing)}, which no role handles (no on.${missing[0]}): the check stops when it is delivered`,
      );
      continue;
    }
    // A send of exactly one type to a known role: that role must handle it.
    if (ps.length !== 1 || s.target === undefined || s.types.unknown || s.types.values.size !== 1) continue;
    const roleNames = ps[0].roles.map((r) => r.name);
    const role = s.method === 'broadcast' ? (roleNames.includes(s.target) ? s.target : undefined) : roleOfNode(s.target, roleNames);
    const only = [...s.types.values][0];
    const shape = ps[0].roles.find((r) => r.name === role);
    if (shape && !shape.on.has(only)) {
      a.report(
        'unhandled-message',
        s.msg,
        `ctx.${s.method}(${snippet(s.msg, 30)})${where} sends ${only} to ${s.target}, whose role ${role} has no on.${only}: the check stops when it is delivered`,
        { fix: `add on.${only} to role ${role}, or send it to a role that handles it` },
      );
    }
  }

  const facts: ProtocolFacts[] = [];
  for (const p of protocols) {
    const handled = new Set(p.roles.flatMap((r) => [...r.on.keys()]));
    const own = sends.filter((s) => candidates.get(s)!.includes(p));
    const declared = p.typeArg ? messageTypesOf(a.checker, a.checker.getTypeFromTypeNode(p.typeArg)) : undefined;
    const sentKnown = !own.some((s) => s.types.unknown);
    const sent = new Set(own.flatMap((s) => [...s.types.values]));
    if (sentKnown) {
      for (const r of p.roles) {
        for (const [type, key] of r.on) {
          if (sent.has(type)) continue;
          a.report('unsent-message', key, `${r.name}.on.${type} handles a message type that nothing sends: it never runs`, {
            fix: `send ${type} where it should be sent, or remove the handler`,
          });
        }
      }
      for (const type of declared?.values ?? []) {
        if (handled.has(type) || sent.has(type)) continue;
        const at = declared!.where.get(type);
        if (at && a.inUserCode(at)) {
          a.report('unsent-message', at, `message type ${type} is declared in ${snippet(p.typeArg!, 30)} but nothing sends or handles it`, {
            fix: `remove ${type} from the union, or send and handle it`,
          });
        }
      }
    }
    facts.push({
      file: a.display(p.call.getSourceFile()),
      line: position(p.call).line,
      ...(declared && !declared.unknown ? { messageTypes: [...declared.values] } : {}),
      roles: p.roles.map((r) => ({ role: r.name, on: [...r.on.keys()], timers: [...r.timers.keys()] })),
      ...(sentKnown ? { sentTypes: [...sent].sort() } : {}),
    });
  }
  return facts;
}
