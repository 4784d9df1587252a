/**
 * Partial-order reduction on the whole zoo (issue 18): every bundled protocol and variant, with
 * the flags its `about` documents, gets the same verdict (and the same violated property) with
 * and without `por`; the state counts are pinned both ways; every counterexample found under
 * it replays; and every gallery trace still replays, its configuration checked both ways.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, listProtocols, optionsFromFlags, type ProtocolListing } from '../../api/index.ts';
import { modelOfTrace } from '../../api/trace-model.ts';
import { parseTrace, replayTrace } from '../../counterexamples/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GALLERY = path.join(ROOT, 'counterexamples', 'gallery');

/** Distinct states without and with `por` (`=`: `por` does not apply, the search ran unreduced: clocks or a state constraint). */
const COUNTS: Record<string, [number, number | '=']> = {
  'abd-register': [1535, 1535],
  'abd-register variant=no-write-back': [470, 470],
  'cap-register --partitions 1': [26, 26],
  'causal-broadcast --max-dups 1': [5242, 5242],
  'causal-broadcast variant=lamport': [96, 96],
  'chain-replication': [215, 215],
  'chain-replication variant=read-from-head': [271, 271],
  'consensus-timeout --crashes 1': [6440, '='],
  'consensus-timeout variant=async': [25769, '='],
  'consensus-wait-all --crashes 1': [2916, 2916],
  'consensus-wait-majority': [239, 239],
  'die-hard': [14, '='],
  'gossip --max-drops 1': [2016, 2016],
  'gossip variant=stop-after-first-contact': [752, 726],
  'heartbeat-detector --skew 1 --drift 1': [155, '='],
  'lease-lock --skew 3': [37176, '='],
  'lease-lock variant=fencing --skew 3': [39670, '='],
  'lww-register --skew 2': [1291, '='],
  'lww-register variant=hlc --skew 2': [1735, '='],
  'paxos --crashes 1 --recover': [52164, 52164],
  'paxos variant=forget-promise --crashes 1 --recover': [54467, 54467],
  'payments --max-drops 1': [14, '='],
  'payments variant=naive-retry --max-drops 1': [12, '='],
  'quorum-kv --loss': [3422, 3422],
  'quorum-kv variant=linearizable': [21184, 21184],
  'raft --param maxTerm=1 --crashes 1 --recover': [851, 851],
  'raft variant=vote-not-persisted --crashes 1 --recover': [4112, 4112],
  'raft variant=figure-8 --param maxTerm=4 --max-in-flight 4 --fifo': [36315, '='],
  'raft variant=no-up-to-date-check': [2236, 2236],
  'saga --max-drops 1 --max-dups 1': [14559, 14559],
  'saga variant=non-idempotent-compensation': [104, 104],
  'two-generals --max-drops 1': [5, 5],
  'two-phase-commit --crashes 1 --recover': [9541, 9541],
  'two-phase-commit variant=no-durable-decision --crashes 1 --recover': [2210, 2210],
  'two-phase': [288, '='],
  'two-phase variant=commit-early': [49, '='],
};

const zoo = await listProtocols();
const configurations = zoo.flatMap((p: ProtocolListing) => [
  { label: `${p.name} ${p.flags.join(' ')}`.trim(), file: p.file, variant: undefined as string | undefined, flags: p.flags },
  ...p.variants.map((v) => ({ label: `${p.name} variant=${v.name} ${v.flags.join(' ')}`.trim(), file: p.file, variant: v.name, flags: v.flags })),
]);

describe('partial-order reduction on the zoo: same verdicts, counts pinned both ways', () => {
  it('pins every configuration the zoo documents', () => {
    expect(configurations.map((c) => c.label).sort()).toEqual(Object.keys(COUNTS).sort());
  });

  it.each(configurations)('$label', async ({ label, file, variant, flags }) => {
    const options = optionsFromFlags(flags);
    const params = { ...options.params, ...(variant === undefined ? {} : { variant }) };
    const run = (por: boolean) => check(path.join(ROOT, file), { ...options, params, lint: false, maxStates: 200_000, timeout: 60, por });
    const full = await run(false);
    const reduced = await run(true);
    expect(reduced.result).toBe(full.result);
    expect(reduced.violations.map((v) => v.property)).toEqual(full.violations.map((v) => v.property));
    expect((reduced.reached ?? []).map((g) => g.goal)).toEqual((full.reached ?? []).map((g) => g.goal));
    const [without, withPor] = COUNTS[label];
    expect(full.stats.distinctStates).toBe(without);
    expect(reduced.stats.distinctStates).toBe(withPor === '=' ? without : withPor);
    expect(reduced.partialOrder === undefined).toBe(withPor === '=');
    // A counterexample found under the reduction is real: it replays.
    for (const v of reduced.violations) {
      if (v.trace.steps.length === 0) continue;
      const { model } = await modelOfTrace(v.trace, file);
      expect(replayTrace(model, v.trace).kind).toBe('reproduced');
    }
  }, 180_000);
});

describe('partial-order reduction and the gallery', () => {
  const files = readdirSync(GALLERY).filter((f) => f.endsWith('.json') && f !== 'entries.json');
  it.each(files)('%s replays, and its configuration gets the same verdict both ways', async (file) => {
    const trace = parseTrace(readFileSync(path.join(GALLERY, file), 'utf8'));
    const { model } = await modelOfTrace(trace, file);
    expect(replayTrace(model, trace).kind).toBe('reproduced');
    const full = await check(model, { maxStates: 200_000, timeout: 60 });
    const reduced = await check(model, { maxStates: 200_000, timeout: 60, por: true });
    expect(reduced.result).toBe(full.result);
    expect(full.result).toBe('violation');
    expect(reduced.violations.map((v) => v.property)).toEqual(full.violations.map((v) => v.property));
    for (const v of reduced.violations) if (v.trace.steps.length > 0) expect(replayTrace(model, v.trace).kind).toBe('reproduced');
  }, 180_000);
});
