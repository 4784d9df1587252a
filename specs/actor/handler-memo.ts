import { canonicalJson } from '../canonical.ts';
import type { Effects } from './handler.ts';
import { hash53 } from './masked-hash.ts';
import type { NodeId } from './types.ts';

/** Past this many remembered calls the memo starts over: its memory stays bounded. */
const MAX_ENTRIES = 1 << 18;
/** One remembered call in this many is run again and must do the same (handlers must be deterministic). */
const RECHECK_EVERY = 128;

/** Everything a handler run depends on besides the protocol itself. */
export interface HandlerInputs {
  /** The node's local state (an object: frozen, shared by the worlds that hold it). */
  local: object;
  /** The message handled (frozen and shared), or undefined for a timer or hook. */
  message: object | undefined;
  /** `server.on.Ping`, `client.timers.retry`…: with `node`, which handler runs. */
  handler: string;
  node: NodeId;
  /** The node's armed timers in the world the step starts from (for a timer: before it fired). */
  timers: object | undefined;
  now: number | undefined;
  pending: unknown;
  sender: NodeId | undefined;
}

/** A remembered run: its inputs besides the local state and message (which find its list), and what it did. */
interface Entry extends Omit<HandlerInputs, 'local' | 'message'> {
  effects: readonly Effects[];
}

/**
 * What each handler did, remembered by its inputs. A handler is a function of the node's local
 * state, the message, its timers, its clock and its operation in flight; those are frozen
 * values shared by every world that holds them (and kept so through the checker's frontier),
 * so the same delivery recurs in many worlds that differ elsewhere — each of paxos's
 * deliveries, for one. Remembering the effects spares the draft's copy, the handler, the
 * sharing of unchanged parts and the freezing on every repeat.
 *
 * The effects remembered must be settled (frozen, never written again). A handler that is
 * not deterministic would be hidden by the memo, so one repeat in {@link RECHECK_EVERY} runs
 * it again and {@link recheck} compares.
 */
export class HandlerMemo {
  private byLocal = new WeakMap<object, Map<object | undefined, Entry[]>>();
  private entries = 0;
  private hits = 0;

  /** At most `maxEntries` calls are remembered at once; one repeat in `recheckEvery` is run again. */
  constructor(
    private readonly maxEntries = MAX_ENTRIES,
    private readonly recheckEvery = RECHECK_EVERY,
  ) {}

  /** The effects remembered for these inputs, or undefined (also when this repeat is to be run again). */
  get(inputs: HandlerInputs): readonly Effects[] | undefined {
    const entry = this.find(inputs);
    if (entry === undefined) return undefined;
    if (++this.hits % this.recheckEvery === 0) return undefined;
    return entry.effects;
  }

  /**
   * Remembers `effects` for `inputs`, or, when they were remembered already (a rechecked
   * repeat), returns the description of how the new run differs; undefined when it does not.
   */
  set(inputs: HandlerInputs, effects: readonly Effects[]): string | undefined {
    const known = this.find(inputs);
    if (known !== undefined) return differs(known.effects, effects);
    if (this.entries >= this.maxEntries) {
      this.byLocal = new WeakMap();
      this.entries = 0;
    }
    let byMessage = this.byLocal.get(inputs.local);
    if (byMessage === undefined) {
      byMessage = new Map();
      this.byLocal.set(inputs.local, byMessage);
    }
    let list = byMessage.get(inputs.message);
    if (list === undefined) {
      list = [];
      byMessage.set(inputs.message, list);
    }
    const { handler, node, timers, now, pending, sender } = inputs;
    list.push({ handler, node, timers, now, pending, sender, effects });
    this.entries++;
    return undefined;
  }

  private find(inputs: HandlerInputs): Entry | undefined {
    const list = this.byLocal.get(inputs.local)?.get(inputs.message);
    if (list === undefined) return undefined;
    for (const e of list) {
      if (e.handler === inputs.handler && e.node === inputs.node && e.timers === inputs.timers && Object.is(e.now, inputs.now) && e.pending === inputs.pending && e.sender === inputs.sender) {
        return e;
      }
    }
    return undefined;
  }
}

/** How two runs' effects differ (their canonical text), or undefined when they are the same. */
function differs(before: readonly Effects[], after: readonly Effects[]): string | undefined {
  // Equal 53-bit hashes answer the common case without building texts (unequal data collide with odds of about 2^-53).
  if (hash53(before.map(comparable)) === hash53(after.map(comparable))) return undefined;
  const a = canonicalJson(before.map(comparable), 'effects');
  const b = canonicalJson(after.map(comparable), 'effects');
  return a === b ? undefined : `first ${a}, then ${b}`;
}

function comparable(fx: Effects): unknown {
  return { local: fx.local, sends: fx.sends, timers: fx.timers, chosen: fx.chosen, events: fx.events };
}
