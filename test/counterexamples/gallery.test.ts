import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace, replayTrace } from '../../counterexamples/index.ts';
import { modelOfTrace } from '../../api/trace-model.ts';

const root = path.resolve(import.meta.dirname, '../..');
const gallery = path.join(root, 'counterexamples', 'gallery');

/** Every committed counterexample and its length: the zoo's regression suite. */
const EXPECTED: Record<string, number> = {
  'die-hard-NotFour.json': 6,
  'two-phase-TCConsistent.json': 3,
  'two-generals-Agreement.json': 3,
  'two-phase-commit-Atomicity.json': 8,
  'two-phase-commit-NoBlocking.json': 3,
  'payments-ChargedAtMostOnce.json': 4,
  'paxos-Agreement.json': 14,
  'quorum-kv-NoStaleRead.json': 5,
  'quorum-kv-Linearizable.json': 11,
  'lease-lock-NoSplitBrainWrites.json': 16,
  'lww-register-NoLostUpdate.json': 10,
  'heartbeat-detector-NeverSuspectLive.json': 3,
  'causal-broadcast-variant=lamport-CausalOrder.json': 5,
  'saga-variant=non-idempotent-compensation-NoMoneyLost.json': 9,
  'cap-register-EveryOperationCompletes.json': 4,
  'cap-register-mode=ap-Linearizable.json': 3,
  'gossip-variant=stop-after-first-contact-Converges.json': 9,
  'raft-variant=vote-not-persisted-ElectionSafety.json': 8,
  'raft-variant=figure-8-maxTerm=4-LeaderCompleteness.json': 22,
  'raft-variant=no-up-to-date-check-LeaderCompleteness.json': 9,
  'abd-register-variant=no-write-back-Linearizable.json': 11,
  'chain-replication-variant=read-from-head-Linearizable.json': 7,
};

describe('the gallery of counterexamples', () => {
  const files = readdirSync(gallery).filter((f) => f.endsWith('.json') && f !== 'entries.json');

  it('holds exactly the expected traces, each with its Markdown report', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const f of files) expect(readdirSync(gallery)).toContain(f.replace(/\.json$/, '.md'));
  });

  for (const file of Object.keys(EXPECTED)) {
    it(`${file} still reproduces, in ${EXPECTED[file]} steps`, async () => {
      const trace = parseTrace(readFileSync(path.join(gallery, file), 'utf8'));
      expect(trace.steps).toHaveLength(EXPECTED[file]);
      const { model } = await modelOfTrace(trace, file);
      const outcome = replayTrace(model, trace);
      expect(outcome.kind).toBe('reproduced');
      if (outcome.kind === 'reproduced') expect(outcome.path.actions).toHaveLength(EXPECTED[file]);
    });
  }
});
