/**
 * The checker's structural fingerprints. They live in specs/fingerprint.ts because specs may
 * not import checker/ and the actor layer's symmetry reduction computes them too (a
 * representative's fingerprint from its parts' cached hashes, see specs/actor/symmetry.ts).
 */
export * from '../specs/fingerprint.ts';
