/**
 * The one copy of the 32-bit hash mixer every hash in faultline is built from: murmur3's
 * block step and finaliser (specs/fingerprint.ts's lane A, specs/actor/masked-hash.ts),
 * and the slot a 64-bit fingerprint starts probing from in the open-addressed tables
 * (the visited sets, the state graph's index, the representative memo). It lives in specs/
 * because specs may not import checker/; checker imports it from here.
 */

/** murmur3's block step: mixes the 32-bit word `k` into the running hash `h`. */
export function mix32(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser (fmix32): every input bit reaches every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The slot a fingerprint (`hi`, `lo`) starts probing from in a table of `mask + 1` slots. */
export function slotOf(hi: number, lo: number, mask: number): number {
  return (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
}
