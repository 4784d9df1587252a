import { canonicalJson } from '../canonical.ts';
import type { Envelope } from './types.ts';

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

/** The sort key of an envelope: its whole content, or only its link when FIFO. */
export function envelopeKey(e: Envelope, fifo: boolean): string {
  if (fifo) return `${e.from}\u0000${e.to}`;
  const cached = (e as { [SORT_KEY]?: string })[SORT_KEY];
  if (cached !== undefined) return cached;
  let key = frozenKeys.get(e);
  if (key !== undefined) return key;
  key = canonicalJson(e, 'envelope');
  if (Object.isExtensible(e)) Object.defineProperty(e, SORT_KEY, { value: key });
  else frozenKeys.set(e, key);
  return key;
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

/**
 * Adds an envelope to a sorted network, returning a new array. Equal keys keep send
 * order, which is what makes a FIFO link a queue.
 */
export function addEnvelope(net: readonly Envelope[], e: Envelope, fifo: boolean): Envelope[] {
  const key = envelopeKey(e, fifo);
  let lo = 0;
  let hi = net.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (envelopeKey(net[mid], fifo) <= key) lo = mid + 1;
    else hi = mid;
  }
  const out = net.slice();
  out.splice(lo, 0, e);
  return out;
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
  for (let i = 0; i < net.length; i++) {
    if (i > 0 && envelopeKey(net[i], false) === envelopeKey(net[i - 1], false)) continue;
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
