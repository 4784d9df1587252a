import { BadInputError } from '../api/errors.ts';
import { describeMessage, type ActorModel, type NodeId } from '../specs/index.ts';
import { EFFECT_KINDS, HANDLER_KINDS } from './log-format.ts';
import type { LoggedEvent } from './parse-log.ts';

/** A step the model must take for the log: one event and the effects logged right after it. */
export interface LogGroup {
  /** The event: a handler run, a crash, a drop or a duplicate. */
  head: LoggedEvent;
  /** Its sends, invokes and responds, in sequence order. */
  effects: LoggedEvent[];
  /** False when sequence numbers are missing inside or right after it (its effects may be incomplete). */
  complete: boolean;
  /** Events missing at this node just before it (a gap in the sequence numbers). */
  gapBefore: number;
  /** The index of the node in node order (merge preference). */
  nodeIndex: number;
  /** True when the head is an effect line with no handler event before it (events are missing): not a step. */
  orphan: boolean;
  /** The id of the message it consumes (deliver, drop, duplicate), if logged. */
  mid?: string;
}

/** The log as per-node lists of steps, and which step sent each message. */
export interface GroupedLog {
  /** Per node, in node order: its steps in sequence order. */
  byNode: Map<NodeId, LogGroup[]>;
  /** Message id → the step whose effects include its send line. */
  sender: Map<string, LogGroup>;
}

/** A name from the log, quoted and cut short for a one-line message. */
function quote(name: string): string {
  const text = JSON.stringify(name);
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

const isHandler = (e: LoggedEvent): boolean => (HANDLER_KINDS as readonly string[]).includes(e.kind);
const isEffect = (e: LoggedEvent): boolean => (EFFECT_KINDS as readonly string[]).includes(e.kind);

/** `deliver Vote(by=participant-1, yes=true) participant-1→coordinator`: an event as reports show it. */
export function describeEvent(e: LoggedEvent): string {
  switch (e.kind) {
    case 'deliver':
      return `${e.node}#${e.seq} deliver ${describeMessage(e.msg)} ${e.from}→${e.node}`;
    case 'send':
    case 'drop':
    case 'duplicate':
      return `${e.node}#${e.seq} ${e.kind} ${describeMessage(e.msg)} ${e.node}→${e.to}`;
    case 'timer':
      return `${e.node}#${e.seq} timer ${e.timer}`;
    case 'invoke':
      return `${e.node}#${e.seq} invoke ${JSON.stringify(e.input)}`;
    case 'respond':
      return `${e.node}#${e.seq} respond ${JSON.stringify(e.output)}`;
    default:
      return `${e.node}#${e.seq} ${e.kind}`;
  }
}

/**
 * Sorts each node's events by sequence number and groups each handler event with the effects
 * logged after it. A repeated sequence number, or a node or peer the protocol does not have,
 * is bad input naming the line.
 */
export function groupLog(model: ActorModel, events: readonly LoggedEvent[]): GroupedLog {
  const ids = model.topology.ids;
  const known = (id: string): boolean => model.topology.node.has(id);
  const perNode = new Map<NodeId, LoggedEvent[]>(ids.map((id) => [id, []]));
  for (const e of events) {
    const fix = `the log is not of this protocol's nodes (${ids.join(', ')}): give faultline conform the --param values it ran with`;
    if (!known(e.node)) throw new BadInputError(`${e.where}: unknown node ${quote(e.node)} (${fix})`);
    const peer = 'from' in e ? e.from : 'to' in e ? e.to : undefined;
    if (peer !== undefined && !known(peer)) throw new BadInputError(`${e.where}: unknown node ${quote(peer)} (${fix})`);
    perNode.get(e.node)!.push(e);
  }
  const byNode = new Map<NodeId, LogGroup[]>();
  const sender = new Map<string, LogGroup>();
  ids.forEach((id, nodeIndex) => {
    const list = perNode.get(id)!.sort((a, b) => a.seq - b.seq);
    const groups: LogGroup[] = [];
    let previous = 0;
    let current: LogGroup | undefined;
    // An effect right after its handler event belongs to it; after a gap it starts an orphan group.
    for (const e of list) {
      if (e.seq === previous) {
        const first = list.find((x) => x.seq === e.seq)!;
        throw new BadInputError(`${e.where}: ${id} has two events with seq ${e.seq} (also ${first.where}); sequence numbers are unique per node (a log concatenated twice?)`);
      }
      const gap = e.seq - previous - 1;
      previous = e.seq;
      if (gap > 0 && current) current.complete = false;
      if (isEffect(e) && current && gap === 0 && isHandler(current.head)) {
        current.effects.push(e);
        if (e.kind === 'send') sender.set(e.mid, current);
        continue;
      }
      current = {
        head: e,
        effects: [],
        complete: true,
        gapBefore: gap,
        orphan: isEffect(e),
        nodeIndex,
        ...('mid' in e && !isEffect(e) && typeof e.mid === 'string' ? { mid: e.mid } : {}),
      };
      groups.push(current);
    }
    byNode.set(id, groups);
  });
  return { byNode, sender };
}
