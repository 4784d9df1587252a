import { canonicalJson } from '../canonical.ts';
import type { Envelope } from './types.ts';
import { freezePlain } from './plain-data.ts';

// An envelope's sort key is its canonical text, which is injective (specs/canonical.ts): two
// envelopes share a key exactly when no handler can tell them apart, so a duplicate copy is
// the only envelope ever skipped as "the same delivery" (distinctIndices).
// Envelopes are immutable and shared between states: compute each one's sort key once and
// keep it on the envelope under a non-enumerable symbol, which hashing, canonical JSON, JSON
// and structured clones all skip. (A WeakMap cache cost more than the keys: its lookups and
// the collector's ephemeron work showed up in profiles.) The actor layer keys its envelopes
// before it freezes them (sealEnvelope); an envelope frozen without a key uses the WeakMap.
const SORT_KEY = Symbol('faultline.envelopeKey');
const frozenKeys = new WeakMap<Envelope, string>();
// A message's canonical text, kept on it the same way: a message is shared by the envelopes of
// a broadcast and by its renamed and aged copies, so its text is computed once, not per envelope.
const MESSAGE_TEXT = Symbol('faultline.messageText');

/** The sort key of an envelope: its whole content, or only its link when FIFO. */
export function envelopeKey(e: Envelope, fifo: boolean): string {
  if (fifo) return `${e.from}\u0000${e.to}`;
  const cached = (e as { [SORT_KEY]?: string })[SORT_KEY];
  if (cached !== undefined) return cached;
  let key = frozenKeys.get(e);
  if (key !== undefined) return key;
  key = fastEnvelopeText(e) ?? canonicalJson(e, 'envelope');
  if (Object.isExtensible(e)) Object.defineProperty(e, SORT_KEY, { value: key });
  else frozenKeys.set(e, key);
  return key;
}

/**
 * `canonicalJson(e)` built from the message's cached text, for an envelope of exactly
 * `age?`, `from`, `msg`, `to` (keys in sorted order, as canonicalJson writes them); undefined
 * for anything else, or a message that cannot be encoded (canonicalJson then names the problem).
 */
function fastEnvelopeText(e: Envelope): string | undefined {
  const { from, to, msg, age } = e;
  if (typeof from !== 'string' || typeof to !== 'string' || msg === null || typeof msg !== 'object') return undefined;
  let fields = 3;
  if (age !== undefined) {
    if (!Number.isInteger(age) || Object.is(age, -0)) return undefined;
    fields++;
  }
  let own = 0;
  for (const _ in e) own++;
  if (own !== fields) return undefined; // other keys, or an `age: undefined` key: the general path
  const text = messageText(msg);
  if (text === undefined) return undefined;
  return `{${age === undefined ? '' : `"age":${age},`}"from":${quoted(from)},"msg":${text},"to":${quoted(to)}}`;
}

/** The canonical text of a message, cached on it when it can carry it; undefined when it cannot be encoded. */
function messageText(msg: object): string | undefined {
  const cached = (msg as { [MESSAGE_TEXT]?: string })[MESSAGE_TEXT];
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = canonicalJson(msg, 'message');
  } catch {
    return undefined;
  }
  if (Object.isExtensible(msg)) Object.defineProperty(msg, MESSAGE_TEXT, { value: text });
  return text;
}

// Node ids repeat in every envelope: their JSON text is remembered (up to a bound).
const QUOTED_LIMIT = 1 << 12;
const quotedIds = new Map<string, string>();

function quoted(id: string): string {
  let q = quotedIds.get(id);
  if (q === undefined) {
    q = JSON.stringify(id);
    if (quotedIds.size < QUOTED_LIMIT) quotedIds.set(id, q);
  }
  return q;
}

/**
 * Freezes a new message, deeply, its canonical text computed first and kept on it (see
 * {@link envelopeKey}). A message that cannot be encoded is frozen all the same: the
 * envelope's key then reports where the problem is.
 */
export function sealMessage<M extends object>(msg: M): M {
  messageText(msg);
  return freezePlain(msg);
}

/**
 * Freezes a new envelope, its sort key computed first and kept on it: envelopes are shared by
 * every world that holds them, and a frozen one keeps its identity (and key) through the
 * checker's frontier, which hash-conses frozen values.
 */
export function sealEnvelope(e: Envelope): Envelope {
  envelopeKey(e, false);
  return Object.freeze(e);
}

/** The network's order: by sort key (see {@link envelopeKey}); a stable sort keeps FIFO links in queue order. */
export function compareEnvelopes(a: Envelope, b: Envelope, fifo: boolean): number {
  const ka = envelopeKey(a, fifo);
  const kb = envelopeKey(b, fifo);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Inserts `e` into the sorted network `net` in place, after the envelopes whose key equals its
 * own: equal keys keep send order, which is what makes a FIFO link a queue.
 */
export function insertEnvelope(net: Envelope[], e: Envelope, fifo: boolean): void {
  const key = envelopeKey(e, fifo);
  let lo = 0;
  let hi = net.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (envelopeKey(net[mid], fifo) <= key) lo = mid + 1;
    else hi = mid;
  }
  net.splice(lo, 0, e);
}

/** The network without the envelope at `index`. */
export function removeEnvelope(net: readonly Envelope[], index: number): Envelope[] {
  const out = net.slice();
  out.splice(index, 1);
  return out;
}

/** Indices of envelopes that differ from the one before (a duplicate copy adds no new choice). */
export function distinctIndices(net: readonly Envelope[]): number[] {
  const out: number[] = [];
  let previous = '';
  for (let i = 0; i < net.length; i++) {
    // The same object is the same delivery (a duplicated envelope is often shared).
    if (i > 0 && net[i] === net[i - 1]) continue;
    const key = envelopeKey(net[i], false);
    if (i > 0 && key === previous) continue;
    previous = key;
    out.push(i);
  }
  return out;
}

/** Indices of the envelopes at the head of their link: the only deliverable ones when FIFO. */
export function linkHeads(net: readonly Envelope[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < net.length; i++) {
    if (i > 0 && net[i].from === net[i - 1].from && net[i].to === net[i - 1].to) continue;
    out.push(i);
  }
  return out;
}
