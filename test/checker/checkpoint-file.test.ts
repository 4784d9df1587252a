import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointFile, identityDifference, readCheckpoint, serializeStates, writeCheckpoint, type Checkpoint, type CheckpointIdentity } from '../../checker/checkpoint.ts';

const root = mkdtempSync(path.join(tmpdir(), 'faultline-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => path.join(root, `c${n++}`);

const identity: CheckpointIdentity = { faultline: '0.1.0', spec: 'TwoPhase', specSha256: 'ab', params: { rm: 3 }, search: { strategy: 'bfs', symmetry: true } };

function sample(states: unknown[] = [{ a: 1, m: new Map([[1, 'x']]) }, { b: [1, 2, { c: null }] }]): Checkpoint<unknown> {
  return {
    identity,
    progress: { distinctStates: 4, generatedStates: 9, depth: 2, steps: 1, seconds: 0.5 },
    log: { hi: Uint32Array.of(1, 2, 3, 4), lo: Uint32Array.of(5, 6, 7, 8), parent: Int32Array.of(-1, 0, 0, 1), action: Uint32Array.of(0, 1, 2, 0) },
    frontier: { ids: Int32Array.of(...states.map((_, i) => i + 2)), states },
  };
}

describe('checkpoint files', () => {
  it('round-trip: what is written is what is read, Maps and key order included', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -1, max: 1000 }), fc.nat()), { maxLength: 50 }), (states, rows) => {
        const dir = folder();
        const checkpoint: Checkpoint<unknown> = {
          ...sample(states),
          log: {
            hi: Uint32Array.from(rows.map((r) => r[0])),
            lo: Uint32Array.from(rows.map((r) => r[1])),
            parent: Int32Array.from(rows.map((r) => r[2])),
            action: Uint32Array.from(rows.map((r) => r[3])),
          },
        };
        writeCheckpoint(dir, checkpoint);
        expect(readCheckpoint(dir)).toEqual(checkpoint);
      }),
      { numRuns: 30 },
    );
    const dir = folder();
    writeCheckpoint(dir, sample());
    const back = readCheckpoint(dir);
    expect(back.frontier.states).toEqual(sample().frontier.states);
    expect(Object.keys(back.frontier.states[1] as object)).toEqual(['b']);
  });

  it('states serialised in chunks (as workers hand them over) read back as one list; a format-1 file still reads', () => {
    const dir = folder();
    const states = [{ a: 1 }, { b: 2 }, { c: new Map([[1, 2]]) }];
    writeCheckpoint(dir, { ...sample(), frontier: { ids: Int32Array.of(1, 2, 3), chunks: [serializeStates(states.slice(0, 2)), serializeStates([]), serializeStates(states.slice(2))] } });
    expect(readCheckpoint(dir).frontier).toEqual({ ids: Int32Array.of(1, 2, 3), states });

    // Format 1: the states as one serialised list, without a chunk count.
    const c = sample();
    const header = Buffer.from(JSON.stringify({ identity: c.identity, progress: c.progress, states: 4, frontier: 2 }));
    const u32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer);
    const blob = serialize(c.frontier.states);
    const body = Buffer.concat([Buffer.from('faultline-checkpoint 1\n'), u32(header.length), header, ...[c.log.hi, c.log.lo, c.log.parent, c.log.action, c.frontier.ids].map((a) => Buffer.from(a.buffer)), u32(blob.length), blob]);
    const old = folder();
    mkdirSync(old);
    writeFileSync(checkpointFile(old), Buffer.concat([body, createHash('sha256').update(body).digest()]));
    expect(readCheckpoint(old)).toEqual(c);
  });

  it('a new checkpoint replaces the old one atomically, leaving no temporary file', () => {
    const dir = folder();
    writeCheckpoint(dir, sample());
    writeCheckpoint(dir, { ...sample(), progress: { ...sample().progress, distinctStates: 99 } });
    expect(readdirSync(dir)).toEqual(['checkpoint.bin']);
    expect(readCheckpoint(dir).progress.distinctStates).toBe(99);
  });

  it('refuses a damaged, truncated, foreign or missing checkpoint in one line naming the file', () => {
    const dir = folder();
    writeCheckpoint(dir, sample());
    const file = checkpointFile(dir);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 40] ^= 1;
    writeFileSync(file, flipped);
    expect(() => readCheckpoint(dir)).toThrow(/checkpoint.bin: damaged checkpoint \(its checksum does not match\)/);
    writeFileSync(file, good.subarray(0, good.length - 10));
    expect(() => readCheckpoint(dir)).toThrow(/damaged checkpoint/);
    writeFileSync(file, '{"not":"a checkpoint"}');
    expect(() => readCheckpoint(dir)).toThrow(/not a faultline checkpoint/);
    expect(() => readCheckpoint(folder())).toThrow(/no checkpoint here \(checkpoint.bin is missing\)/);
  });

  it('names what differs between the checkpoint and the check asked for', () => {
    expect(identityDifference(identity, { ...identity })).toBeUndefined();
    expect(identityDifference(identity, { ...identity, params: { rm: 4 } })).toBe('its params are [["rm",3]], not [["rm",4]]');
    expect(identityDifference(identity, { ...identity, specSha256: 'cd' })).toBe("the spec's source changed since it was written");
    expect(identityDifference(identity, { ...identity, faultline: '0.2.0' })).toBe('it was written by faultline 0.1.0, this is 0.2.0');
    expect(identityDifference(identity, { ...identity, environment: { maxDrops: 1 } })).toBe('its environment is none, not [["maxDrops",1]]');
    expect(identityDifference(identity, { ...identity, search: { strategy: 'bfs', symmetry: true, maxDepth: 5 } })).toMatch(/^its search options are/);
  });
});
