import { canonicalJson, runtimeFaultKnobs, describeMessage, type ActorAction, type ActorModel, type Envelope, type NodeId, type WorldState } from '../specs/index.ts';
import { describeEvent, groupLog, type LogGroup } from './log-groups.ts';
import type { ParsedLog } from './parse-log.ts';

/** Options of {@link conform}. */
export interface ConformOptions {
  /**
   * The log may miss events (gaps in a node's sequence numbers): search, up to `maxHidden`
   * model steps deep, for steps the log does not show that explain what it does show.
   * Without it a gap is itself a divergence (a deleted line is caught).
   */
  partial?: boolean;
  /** The most unlogged model steps inserted before one logged event (default 3). */
  maxHidden?: number;
  /** The most model states kept or searched at once (default 20,000). */
  maxWorlds?: number;
  /**
   * The most times the merge goes back to try another order of the events ready at a choice,
   * after an order led to an event the model cannot match (default 1,000).
   */
  maxBacktracks?: number;
}

/** Choices kept open for backtracking at most (older ones are dropped, as a window over the log). */
const MAX_OPEN_CHOICES = 10_000;

/** The merge so far: each node's next step, the model states consistent with it, and counts. */
interface Merge {
  cursor: number[];
  frontier: WorldState[];
  /** Messages sent to a node the model has down: lost when sent, so a later drop of one is no step. */
  lostAtSend: Set<string>;
  matched: number;
  steps: number;
  searched: number;
  unchecked: number;
  /** The matched events, latest first. */
  prefix: { event: string; before: Merge['prefix'] } | undefined;
}

/** One way to go on at a choice: take a ready step (after unlogged model steps, when `hidden`). */
interface Move {
  group: LogGroup;
  hidden: boolean;
}

/** Why the first unmatched event fails. */
export interface ConformFailure {
  /** `file:line` of the event. */
  where: string;
  /** The event, as `node#seq kind …`. */
  event: string;
  /** `not enabled: …`, `state differs in field X: …`, `sends differ: …`, `missing events: …`. */
  reason: string;
}

/** What {@link conform} found. */
export interface ConformReport {
  result: 'conforms' | 'diverges';
  /** The protocol's name. */
  protocol: string;
  /** Event lines in the log. */
  events: number;
  /** Event lines matched, in the merged order: the longest matched prefix. */
  matched: number;
  /** Model steps taken (the fewest unlogged ones included). */
  steps: number;
  /** Places where the search considered unlogged model steps for events the log does not show (partial logs). */
  searched: number;
  /** Effect lines whose handler event is missing (partial logs only): not checked. */
  unchecked: number;
  /** The matched steps in the merged order, as `node#seq kind …`. */
  prefix: string[];
  failure?: ConformFailure;
  /** Reachable model states consistent with the whole log (or with the matched prefix). */
  worlds: number;
  /** Times the merge went back to try another order of ready events (only when one order led nowhere). */
  backtracks?: number;
  seconds: number;
}

/**
 * The model a log is validated against: the real run's faults are all allowed, without
 * budgets; a timed protocol's clocks may be off by the run's `skew` (each node's offset is
 * unknown to the log and found by following every offset the log is consistent with).
 */
export function conformModel(model: ActorModel, lastNow = 0, skew = 0): ActorModel {
  const timed = model.environment.maxTime > 0;
  return model.configure({
    environment: {
      ...runtimeFaultKnobs('conform'),
      maxInFlight: Infinity,
      // A timed protocol's clock must reach the last logged time (a real run outlasts a check's bound).
      ...(timed ? { maxTime: Math.max(model.environment.maxTime, lastNow + skew + 1), skew: Math.max(model.environment.skew, skew) } : {}),
    },
    symmetry: false,
  });
}

/**
 * Timed protocols: the worlds of the frontier with the model's clock advanced (by its own
 * tick actions) until `node`'s local clock reads `now`, the time its handler logged.
 */
function advanceTo(model: ActorModel, frontier: WorldState[], node: NodeId, now: number): { worlds: WorldState[]; why?: string } {
  const out: WorldState[] = [];
  let why: string | undefined;
  for (let w of frontier) {
    const local = (x: WorldState): number => model.clocks(x)?.local[node] ?? x.clock?.t ?? 0;
    while (local(w) < now) {
      const tick = [...model.actions(w)].find((a) => a.kind === 'tick');
      if (!tick) {
        why ??= `not enabled: the model's time cannot advance from ${w.clock?.t ?? 0} to ${node}'s logged now ${now} (a message overdue, or a timer that must fire first)`;
        break;
      }
      w = tick.result;
    }
    if (local(w) === now) out.push(w);
    else why ??= `not enabled: ${node}'s logged now ${now} is before the model's ${local(w)} (the clock went back)`;
  }
  return out.length > 0 ? { worlds: out } : { worlds: out, why };
}

/** A value as the log holds it: JSON (Maps, Sets and undefined fields are what JSON makes of them). */
function asLogged(value: unknown): string {
  return value === undefined ? 'undefined' : canonicalJson(JSON.parse(JSON.stringify(value)) as unknown);
}

function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

const own = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** The first field where the logged state (a projection: only its fields count) differs from the model's. */
function stateDifference(logged: unknown, model: unknown): string | undefined {
  const plain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (plain(logged) && plain(model)) {
    for (const key of Object.keys(logged)) {
      if (!own(model, key)) return `state differs in field ${key}: logged ${show(logged[key])}, the model's state has no such field`;
      if (canonicalJson(logged[key]) !== asLogged(model[key])) return `state differs in field ${key}: logged ${show(logged[key])}, model ${show(model[key])}`;
    }
    return undefined;
  }
  return canonicalJson(logged) === asLogged(model) ? undefined : `state differs: logged ${show(logged)}, model ${show(model)}`;
}

function envelopeKey(from: string, to: string, msg: unknown): string {
  return `${from}\u0000${to}\u0000${asLogged(msg)}`;
}

function counts(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** The messages a step put in flight: the network after it minus before it (plus what it consumed). */
function newEnvelopes(before: WorldState, after: WorldState, consumed: Envelope | undefined): Map<string, number> {
  const m = counts(after.net.map((e) => envelopeKey(e.from, e.to, e.msg)));
  for (const e of before.net) m.set(envelopeKey(e.from, e.to, e.msg), (m.get(envelopeKey(e.from, e.to, e.msg)) ?? 0) - 1);
  if (consumed) {
    const k = envelopeKey(consumed.from, consumed.to, consumed.msg);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  for (const [k, n] of m) if (n <= 0) m.delete(k);
  return m;
}

function describeKeys(m: Map<string, number>): string {
  const parts: string[] = [];
  for (const [k, n] of m) {
    const [, to, msg] = k.split('\u0000');
    const text = `${describeMessage(JSON.parse(msg) as { type: string })}→${to}`;
    parts.push(n > 1 ? `${text} ×${n}` : text);
  }
  return parts.length === 0 ? 'none' : parts.sort().join(', ');
}

/** Does action `a` (taken in world `w`) do what group `g` logged? Undefined when yes, else why not. */
function mismatch(g: LogGroup, w: WorldState, a: ActorAction): string | undefined {
  const head = g.head;
  const r = a.result;
  if (head.kind === 'crash' || head.kind === 'drop' || head.kind === 'duplicate') return undefined;
  const node = head.node;
  if ('chose' in head && head.chose !== undefined && canonicalJson(head.chose) !== asLogged(a.chosen)) {
    return `choose differs: logged ${show(head.chose)}, model ${show(a.chosen)}`;
  }
  if ('state' in head && head.state !== undefined) {
    const why = stateDifference(head.state, r.nodes[node]);
    if (why) return why;
  }
  if ('timers' in head && head.timers !== undefined) {
    const model = Object.keys(r.timers[node] ?? {}).sort();
    if (canonicalJson([...head.timers].sort()) !== canonicalJson(model)) return `timers differ: logged [${head.timers.join(', ')}], model [${model.join(', ')}]`;
  }
  // Sends to a node the model has down are lost at once (the model drops them when sent).
  const logged = counts(g.effects.filter((e) => e.kind === 'send' && !r.down.includes(e.to)).map((e) => envelopeKey(node, (e as { to: string }).to, (e as { msg: unknown }).msg)));
  const made = newEnvelopes(w, r, a.kind === 'deliver' ? a.envelope : undefined);
  const equal = [...logged].every(([k, n]) => (made.get(k) ?? 0) === n) && [...made].every(([k, n]) => (logged.get(k) ?? 0) === n);
  const contained = [...logged].every(([k, n]) => (made.get(k) ?? 0) >= n);
  if (!(g.complete ? equal : contained)) return `sends differ: logged ${describeKeys(logged)}, model ${describeKeys(made)}`;
  const history = (r.history ?? []).slice((w.history ?? []).length).map((e) => (e.kind === 'invoke' ? { kind: 'invoke', value: e.input } : { kind: 'respond', value: e.output }));
  const loggedHistory = g.effects
    .filter((e) => e.kind === 'invoke' || e.kind === 'respond')
    .map((e) => (e.kind === 'invoke' ? { kind: 'invoke', value: e.input } : { kind: 'respond', value: (e as { output: unknown }).output }));
  if (g.complete ? asLogged(history) !== canonicalJson(loggedHistory) : loggedHistory.length > history.length) {
    return `client operations differ: logged ${show(loggedHistory)}, model ${show(history)}`;
  }
  return undefined;
}

/** The model's actions that are the logged event (before comparing what they did). */
function candidates(model: ActorModel, w: WorldState, g: LogGroup): ActorAction[] {
  const head = g.head;
  const sameEnvelope = (e: Envelope, from: string, to: string, msg: unknown): boolean =>
    e.from === from && e.to === to && asLogged(e.msg) === canonicalJson(msg);
  return [...model.actions(w)].filter((a) => {
    switch (head.kind) {
      case 'deliver':
        return a.kind === 'deliver' && sameEnvelope(a.envelope, head.from, head.node, head.msg);
      case 'drop':
      case 'duplicate':
        return a.kind === head.kind && sameEnvelope(a.envelope, head.node, head.to, head.msg);
      case 'timer':
        return a.kind === 'timer' && a.node === head.node && a.timer === head.timer;
      case 'crash':
      case 'recover':
        return a.kind === head.kind && a.node === head.node;
      default:
        return false;
    }
  });
}

/** Why no world enables the event at all. */
function notEnabled(worlds: WorldState[], g: LogGroup): string {
  const head = g.head;
  const w = worlds[0];
  const down = worlds.every((x) => x.down.includes(head.node));
  switch (head.kind) {
    case 'deliver':
      if (down) return `not enabled: ${head.node} is crashed in the model`;
      return `not enabled: no ${describeMessage(head.msg)} from ${head.from} to ${head.node} is in flight in the model (never sent, already delivered, dropped, or lost in a crash)`;
    case 'drop':
    case 'duplicate':
      return `not enabled: no ${describeMessage(head.msg)} from ${head.node} to ${head.to} is in flight in the model`;
    case 'timer':
      if (down) return `not enabled: ${head.node} is crashed in the model`;
      if (w?.timers[head.node]?.[head.timer] !== undefined) {
        return `not enabled: timer ${head.timer} at ${head.node} is armed for local time ${w.timers[head.node][head.timer]} but the model's clock is at ${w.clock?.t ?? 0}`;
      }
      return `not enabled: timer ${head.timer} is not armed at ${head.node} in the model (armed: ${Object.keys(w?.timers[head.node] ?? {}).sort().join(', ') || 'none'})`;
    case 'recover':
      return `not enabled: ${head.node} is not crashed in the model`;
    case 'crash':
      return `not enabled: ${head.node} is already crashed in the model`;
    default:
      return `not enabled: a ${head.kind} event is not a step`;
  }
}

/** The divergence of a step that has events missing before it at its node. */
function missingEvents(g: LogGroup): string {
  if (g.gapBefore === 0) return 'missing events: no handler event before this effect at its node (a partial log? --partial skips it)';
  const n = g.gapBefore;
  const range = n > 1 ? `events ${g.head.seq - n}–${g.head.seq - 1} are` : `event ${g.head.seq - 1} is`;
  return `missing events: ${g.head.node}'s ${range} not in the log (a partial log? --partial searches for model steps that explain them)`;
}

const keyOf = (w: WorldState): string => canonicalJson(w);

/** The worlds after the group's step, from each world of the frontier; or why there are none. */
function step(model: ActorModel, frontier: WorldState[], g: LogGroup): { next: WorldState[]; why?: string } {
  const found: WorldState[] = [];
  let why: string | undefined;
  let enabled = false;
  for (const w of frontier) {
    for (const a of candidates(model, w, g)) {
      enabled = true;
      const problem = mismatch(g, w, a);
      if (problem) why ??= problem;
      else found.push(a.result);
    }
  }
  // One successor (the usual case) needs no de-duplication.
  if (found.length === 1) return { next: found };
  if (found.length > 1) return { next: [...new Map(found.map((w) => [keyOf(w), w])).values()] };
  return { next: [], why: enabled ? why : notEnabled(frontier, g) };
}

/** Worlds reachable in 1..depth unlogged steps (breadth-first, at most `cap` states per level). */
function hiddenLevels(model: ActorModel, frontier: WorldState[], depth: number, cap: number): WorldState[][] {
  const levels: WorldState[][] = [];
  let level = frontier;
  const seen = new Set(frontier.map(keyOf));
  for (let d = 0; d < depth && level.length > 0; d++) {
    const next: WorldState[] = [];
    for (const w of level) {
      for (const a of model.actions(w)) {
        const k = keyOf(a.result);
        if (seen.has(k) || next.length >= cap) continue;
        seen.add(k);
        next.push(a.result);
      }
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The initial worlds consistent with every node's logged start. */
function initial(model: ActorModel, starts: LogGroup[]): { worlds: WorldState[]; why?: string; at?: LogGroup } {
  let worlds = [...model.init()];
  for (const g of starts) {
    const node = g.head.node;
    let why: string | undefined;
    worlds = worlds.filter((w) => {
      // The start of one node, seen alone: its state, timers and the sends it made.
      const before: WorldState = { ...w, net: w.net.filter((e) => e.from !== node), history: (w.history ?? []).filter((e) => e.client !== node) };
      const problem = mismatch(g, before, { kind: 'recover', node, chosen: (g.head as { chose?: unknown[] }).chose ?? [], result: w });
      why ??= problem;
      return problem === undefined;
    });
    if (worlds.length === 0) return { worlds, why: why ?? 'not enabled', at: g };
  }
  return { worlds };
}

/**
 * Validates a run log against a protocol's model (TLA+-style trace validation): every logged
 * event must be a step the model allows from a state reached so far, with the same effects
 * (sends, timers armed, client operations, `choose` picks) and the logged state (or the
 * fields it logs) equal to the model's. Per-node logs are merged in an order consistent with
 * each node's sequence numbers and with causality (a delivery after its send), preferring
 * the logged times; nondeterminism is followed as a set of candidate states. With `partial`,
 * gaps are explained by a bounded search for unlogged model steps.
 */
export function conform(protocol: ActorModel, log: ParsedLog, options: ConformOptions = {}): ConformReport {
  const started = performance.now();
  const lastNow = Math.max(0, ...log.events.map((e) => ('now' in e && typeof e.now === 'number' ? e.now : 0)));
  const model = conformModel(protocol, lastNow, log.header?.skew ?? 0);
  const timedModel = model.environment.maxTime > 0;
  const maxHidden = options.maxHidden ?? 3;
  const cap = options.maxWorlds ?? 20_000;
  const maxBacktracks = options.maxBacktracks ?? 1_000;
  const grouped = groupLog(model, log.events);
  const ids = model.topology.ids;
  const nodeIndex = new Map(ids.map((id, i) => [id, i]));
  // A step's place in its node's list: it is consumed once its node's cursor is past it.
  const position = new Map<LogGroup, number>();
  for (const list of grouped.byNode.values()) list.forEach((g, i) => position.set(g, i));
  const size = (g: LogGroup): number => 1 + g.effects.length;

  const report = (m: Merge, result: ConformReport['result'], extra: Partial<ConformReport>): ConformReport => {
    const prefix: string[] = [];
    for (let p = m.prefix; p; p = p.before) prefix.push(p.event);
    return {
      result,
      protocol: model.name,
      events: log.events.length,
      matched: m.matched,
      steps: m.steps,
      searched: m.searched,
      unchecked: m.unchecked,
      prefix: prefix.reverse(),
      worlds: m.frontier.length,
      seconds: (performance.now() - started) / 1000,
      ...extra,
    };
  };
  const failureAt = (g: LogGroup, reason: string): ConformFailure => ({ where: g.head.where, event: describeEvent(g.head), reason });

  // Initial worlds: the logged starts (a node's first group, when it is its start).
  const cursor = ids.map(() => 0);
  const starts: LogGroup[] = [];
  for (const id of ids) {
    const first = grouped.byNode.get(id)![0];
    if (first?.head.kind === 'start' && first.gapBefore === 0) {
      starts.push(first);
      cursor[nodeIndex.get(id)!] = 1;
    }
  }
  let current: Merge = { cursor, frontier: [], lostAtSend: new Set(), matched: 0, steps: 0, searched: 0, unchecked: 0, prefix: undefined };
  const init = initial(model, starts);
  if (init.worlds.length === 0) return report(current, 'diverges', { failure: failureAt(init.at!, init.why!) });
  current.frontier = init.worlds;
  for (const g of starts) {
    current.matched += size(g);
    current.prefix = { event: describeEvent(g.head), before: current.prefix };
  }

  const consumed = (m: Merge, g: LogGroup): boolean => position.get(g)! < m.cursor[nodeIndex.get(g.head.node)!];
  const hiddenCache = new WeakMap<Merge, WorldState[][]>();
  const hiddenOf = (m: Merge): WorldState[][] => {
    let levels = hiddenCache.get(m);
    if (!levels) hiddenCache.set(m, (levels = hiddenLevels(model, m.frontier, maxHidden, cap)));
    return levels;
  };

  /** The merge after taking `g` (with a log-constrained search for unlogged steps first, when `hidden`), or why not. */
  const take = (m: Merge, g: LogGroup, hidden: boolean): Merge | { why?: string; gap?: true } => {
    const after = (frontier: WorldState[], counts: Partial<Pick<Merge, 'steps' | 'searched' | 'unchecked'>>, counted: boolean): Merge => {
      const next: Merge = { ...m, cursor: [...m.cursor], frontier, steps: m.steps + (counts.steps ?? 0), searched: m.searched + (counts.searched ?? 0), unchecked: m.unchecked + (counts.unchecked ?? 0) };
      next.cursor[nodeIndex.get(g.head.node)!]++;
      for (const e of g.effects) {
        if (e.kind === 'send' && frontier[0].down.includes(e.to)) {
          if (next.lostAtSend === m.lostAtSend) next.lostAtSend = new Set(m.lostAtSend);
          next.lostAtSend.add(e.mid);
        }
      }
      if (counted) {
        next.matched += size(g);
        next.prefix = { event: describeEvent(g.head), before: m.prefix };
      }
      return next;
    };
    if (hidden) {
      // Unlogged model steps before this event; every explanation up to the bound is kept (the shortest may not fit what follows).
      const found = new Map<string, WorldState>();
      let depth = 0;
      hiddenOf(m).forEach((level, d) => {
        for (const w of step(model, level, g).next) {
          if (found.size === 0) depth = d + 1;
          if (found.size < cap) found.set(keyOf(w), w);
        }
      });
      return found.size > 0 ? after([...found.values()], { searched: 1, steps: depth + 1 }, true) : {};
    }
    if ((g.gapBefore > 0 || g.orphan) && !options.partial) return { gap: true };
    // Partial log: an effect whose handler event is missing cannot be checked on its own.
    if (g.orphan) return after(m.frontier, { unchecked: size(g) }, false);
    if ((g.head.kind === 'drop' || g.head.kind === 'duplicate') && g.mid !== undefined && m.lostAtSend.has(g.mid)) {
      // The network dropped (or copied) a message the model had already lost: sent to a crashed node.
      return after(m.frontier, {}, true);
    }
    if (g.gapBefore > 0 && options.partial) {
      // Events are missing right here: keep every explanation, with 0 up to gap (≤ maxHidden) unlogged steps.
      const found = new Map<string, WorldState>();
      let depth = -1;
      [m.frontier, ...hiddenLevels(model, m.frontier, Math.min(g.gapBefore, maxHidden), cap)].forEach((level, d) => {
        for (const w of step(model, level, g).next) {
          if (depth < 0) depth = d;
          if (found.size < cap) found.set(keyOf(w), w);
        }
      });
      if (found.size > 0) return after([...found.values()], { searched: 1, steps: depth + 1 }, true);
    }
    let from = m.frontier;
    if (timedModel && 'now' in g.head && typeof g.head.now === 'number') {
      const advanced = advanceTo(model, from, g.head.node, g.head.now);
      if (advanced.worlds.length === 0) return { why: advanced.why };
      from = advanced.worlds;
    }
    const { next, why } = step(model, from, g);
    return next.length > 0 ? after(next.length > cap ? next.slice(0, cap) : next, { steps: 1 }, true) : { why };
  };

  // Merges already known to lead nowhere (recorded once backtracking has begun): two orders of
  // independent events often meet again.
  let seen: Set<string> | undefined;
  const mergeKey = (m: Merge): string | undefined => (m.frontier.length > 64 ? undefined : `${m.cursor.join(',')}|${m.frontier.map(keyOf).sort().join('|')}`);

  /** The first of `moves` from `index` on that `m` can take: the merge after it and its index; or why none can. */
  const firstMove = (m: Merge, moves: Move[], index: number): { next: Merge; index: number } | { failure: ConformFailure } => {
    let firstWhy: string | undefined;
    let gapped: LogGroup | undefined;
    for (let i = index; i < moves.length; i++) {
      const outcome = take(m, moves[i].group, moves[i].hidden);
      if ('cursor' in outcome) {
        const key = seen && mergeKey(outcome);
        if (key !== undefined && seen!.has(key)) continue;
        if (key !== undefined) seen!.add(key);
        return { next: outcome, index: i };
      }
      if (outcome.gap) gapped ??= moves[i].group;
      else firstWhy ??= outcome.why;
    }
    // Nothing matches: a gap in the sequence numbers, when there is one, is the first explanation.
    if (gapped) return { failure: failureAt(gapped, missingEvents(gapped)) };
    return { failure: failureAt(moves[0].group, firstWhy ?? 'not enabled') };
  };

  // Depth-first over merge orders: the logged times' order first, and on a dead end the other
  // orders of the events that were ready at the latest choice, within `maxBacktracks`.
  const choices: { at: Merge; moves: Move[]; next: number }[] = [];
  let deepest: { at: Merge; failure: ConformFailure } | undefined;
  let backtracks = 0;
  for (;;) {
    const ready: LogGroup[] = [];
    let remaining = false;
    for (const id of ids) {
      const g = grouped.byNode.get(id)![current.cursor[nodeIndex.get(id)!]];
      if (!g) continue;
      remaining = true;
      const sentBy = g.mid === undefined ? undefined : grouped.sender.get(g.mid);
      if (sentBy === undefined || consumed(current, sentBy)) ready.push(g);
    }
    if (!remaining) return report(current, 'conforms', backtracks > 0 ? { backtracks } : {});
    let failure: ConformFailure;
    if (ready.length === 0) {
      const stuck = ids.map((id) => grouped.byNode.get(id)![current.cursor[nodeIndex.get(id)!]]).find((g) => g !== undefined)!;
      failure = failureAt(stuck, `not enabled: it consumes message ${stuck.mid}, whose send is logged only after events that depend on this one (causality violated)`);
    } else {
      ready.sort((a, b) => a.head.t - b.head.t || a.nodeIndex - b.nodeIndex || a.head.seq - b.head.seq);
      const moves: Move[] = ready.map((group) => ({ group, hidden: false }));
      if (options.partial) moves.push(...ready.map((group) => ({ group, hidden: true })));
      const found = firstMove(current, moves, 0);
      if ('next' in found) {
        if (found.index + 1 < moves.length) choices.push({ at: current, moves, next: found.index + 1 });
        // Each choice keeps its states alive: on a long log only the latest ones stay open.
        if (choices.length > MAX_OPEN_CHOICES) choices.splice(0, MAX_OPEN_CHOICES / 2);
        current = found.next;
        continue;
      }
      failure = found.failure;
    }
    // A dead end: the deepest one is what the report shows; try the latest untried order.
    if (!deepest || current.matched > deepest.at.matched) deepest = { at: current, failure };
    seen ??= new Set();
    let resumed = false;
    while (!resumed) {
      const point = choices.pop();
      if (!point) return report(deepest.at, 'diverges', { failure: deepest.failure, backtracks });
      if (++backtracks > maxBacktracks) {
        const f = deepest.failure;
        return report(deepest.at, 'diverges', { failure: { ...f, reason: `${f.reason} (no other merge order found within ${maxBacktracks} backtracks)` }, backtracks: maxBacktracks });
      }
      const found = firstMove(point.at, point.moves, point.next);
      if ('next' in found) {
        if (found.index + 1 < point.moves.length) choices.push({ ...point, next: found.index + 1 });
        current = found.next;
        resumed = true;
      }
    }
  }
}
