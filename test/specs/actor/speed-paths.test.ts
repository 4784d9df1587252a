/**
 * The actor layer's fast paths give exactly what the general ones give: an envelope's sort key
 * built from its message's cached text is its canonical JSON, and a local state whose unchanged
 * parts are shared with the old state is equal to the handler's draft.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../specs/canonical.ts';
import { envelopeKey, sealEnvelope, sealMessage } from '../../../specs/actor/network.ts';
import { clonePlain, freezePlain, shareUnchanged } from '../../../specs/actor/plain-data.ts';
import type { Envelope } from '../../../specs/actor/types.ts';

const messages: unknown[] = [
  { type: 'Ping' },
  { type: 'Vote', by: 'participant-2', yes: true },
  { type: 'P1b', ballot: -0, accepted: [1, 'x', null, { z: 1, a: [NaN] }] },
  { type: 'Odd', 'quote"key': 'line\nbreak', '\u2028': 1e21, big: 12n, when: new Date(5) },
  { type: 'Sets', s: new Set(['b', 'a']), m: new Map([[2, 'x'], [1, 'y']]), u: undefined },
  { type: 'Proto', ['__proto__']: 1 },
  Object.assign(Object.create(null), { type: 'Bare', k: 'v' }),
];

describe('envelope sort keys from cached message texts', () => {
  for (const [i, msg] of messages.entries()) {
    for (const age of [undefined, 0, 3]) {
      it(`message ${i}, age ${age}: the key is the envelope's canonical JSON`, () => {
        const m = sealMessage(clonePlain(msg) as { type: string });
        const e: Envelope = age === undefined ? { from: 'a', to: 'b"\u0000', msg: m } : { from: 'a', to: 'b"\u0000', msg: m, age };
        const fresh = { ...e, msg: clonePlain(msg) as { type: string } };
        expect(envelopeKey(sealEnvelope(e), false)).toBe(canonicalJson(fresh, 'envelope'));
      });
    }
  }

  it('a message that cannot be encoded is still refused, naming the envelope path', () => {
    const m = sealMessage({ type: 'Bad', f: () => 1 } as unknown as { type: string });
    expect(() => sealEnvelope({ from: 'a', to: 'b', msg: m })).toThrow(/envelope\.msg\.f/);
  });

  it('an envelope with an extra key takes the general path', () => {
    const e = { from: 'a', to: 'b', msg: sealMessage({ type: 'X' }), extra: 1 } as unknown as Envelope;
    expect(envelopeKey(e, false)).toBe('{"extra":1,"from":"a","msg":{"type":"X"},"to":"b"}');
  });
});

describe('shareUnchanged', () => {
  const old = freezePlain({ log: [{ n: 1 }, { n: 2 }], votes: { a: true }, z: -0, name: 'x' });

  it('returns the old state when nothing changed', () => {
    expect(shareUnchanged(clonePlain(old), old)).toBe(old);
  });

  it('shares the unchanged parts and keeps the changed ones', () => {
    const draft = clonePlain(old);
    draft.log.push({ n: 3 });
    const next = shareUnchanged(draft, old);
    expect(next).not.toBe(old);
    expect(next.log[0]).toBe(old.log[0]);
    expect(next.votes).toBe(old.votes);
    expect(canonicalJson(next)).toBe(canonicalJson({ ...old, log: [...old.log, { n: 3 }] }));
  });

  it('tells -0 from 0, a missing key from an undefined one, and key order', () => {
    expect(shareUnchanged({ ...clonePlain(old), z: 0 }, old)).not.toBe(old);
    expect(shareUnchanged({ ...clonePlain(old), extra: undefined }, old)).not.toBe(old);
    const { name, ...rest } = clonePlain(old);
    expect(shareUnchanged({ name, ...rest }, old)).not.toBe(old);
  });

  it('leaves __proto__ keys, Maps and frozen drafts alone', () => {
    const withProto = freezePlain(JSON.parse('{"__proto__": {"a": 1}}'));
    const draft = JSON.parse('{"__proto__": {"a": 1}}');
    expect(shareUnchanged(draft, withProto)).toBe(draft);
    const map = freezePlain({ m: new Map([[1, 2]]) });
    const mapDraft = clonePlain(map);
    expect(shareUnchanged(mapDraft, map).m).toBe(mapDraft.m);
  });
});
