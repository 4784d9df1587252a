import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintHex } from '../../../checker/index.ts';
import { hash53, maskedHash } from '../../../specs/actor/masked-hash.ts';
import { clonePlain, freezePlain } from '../../../specs/actor/plain-data.ts';
import { renameIds } from '../../../specs/actor/rename-ids.ts';

const hex = (v: unknown) => fingerprintHex(fingerprint(v));

describe('a handler’s draft (clonePlain) keeps every value a state may hold', () => {
  it('copies Dates, typed arrays, Maps, Sets, objects without a prototype and "__proto__" keys as what they are', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const tricky = JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}') as Record<string, unknown>;
    const value = { at: new Date(7), bytes: new Uint8Array([1, 2]), m: new Map([[NaN, -0]]), s: new Set([undefined]), bare, tricky };
    const copy = clonePlain(value);
    expect(hex(copy)).toBe(hex(value));
    expect(copy.at).not.toBe(value.at);
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.bytes).toBeInstanceOf(Uint8Array);
    expect(copy.bytes).not.toBe(value.bytes);
    expect(Object.getPrototypeOf(copy.bare)).toBe(null);
    expect(Object.keys(copy.tricky)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(copy.tricky)).toBe(Object.prototype);
  });

  it('freezes messages holding typed arrays without throwing', () => {
    expect(() => freezePlain({ bytes: new Uint8Array([1]) })).not.toThrow();
  });

  it('renames ids without changing a value’s kind', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { n1: 'n2' });
    const renamed = renameIds({ bare, at: new Date(1) }, new Map([['n1', 'n2'], ['n2', 'n1']]));
    expect(Object.getPrototypeOf(renamed.bare)).toBe(null);
    expect({ ...renamed.bare }).toEqual({ n2: 'n1' });
    expect(renamed.at).toBeInstanceOf(Date);
  });
});

describe('symmetry signatures (maskedHash, hash53) are canonical and tell kinds apart', () => {
  const roleOf = new Map([['p1', 'peer']]);
  it('NaN of any bits is one value; -0, undefined, Maps, Dates are values of their own', () => {
    const bits = new Float64Array(1);
    new Uint32Array(bits.buffer)[1] = 0xfff80000;
    expect(hash53({ x: bits[0] })).toBe(hash53({ x: NaN }));
    expect(maskedHash({ x: bits[0] }, { roleOf })).toBe(maskedHash({ x: NaN }, { roleOf }));
    const distinct = [NaN, 'NaN', 0, -0, undefined, null, new Map([['k', 1]]), { $map: [['k', 1]] }, new Date(1), new Date(2), new Uint8Array([1]), [1]];
    expect(new Set(distinct.map((v) => hash53([v]))).size).toBe(distinct.length);
  });
});
