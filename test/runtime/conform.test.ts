import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { conform, loadProtocol, parseLog, type ConformReport } from '../../runtime/index.ts';
import type { ActorModel } from '../../specs/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// A real log: faultline run two-phase-commit --param retries=2 --for 0.8 --crash participant-1@0.1
// --drop-rate 0.2 --dup-rate 0.3 --seed 6 (memory transport): duplicates, drops, a crash and a recovery.
const LOG = path.join(ROOT, 'test/fixtures/runtime/two-phase-commit.jsonl');
const TEXT = readFileSync(LOG, 'utf8');

let model: ActorModel;
beforeAll(async () => {
  model = await loadProtocol('protocols/two-phase-commit.ts', { params: { retries: 2 } });
});

function check(text: string, options: { partial?: boolean } = {}): ConformReport {
  return conform(model, parseLog(text, 'run.jsonl'), options);
}

/** The log with each line passed through `edit` (return undefined to delete it). */
function tamper(edit: (entry: Record<string, any>) => Record<string, any> | undefined): string {
  return TEXT.trim().split('\n').map((line) => edit(JSON.parse(line))).filter((e) => e !== undefined).map((e) => JSON.stringify(e)).join('\n');
}

describe('conform on a real two-phase-commit log', () => {
  it('conforms: every one of its 39 events is a model step', () => {
    const r = check(TEXT);
    expect(r).toMatchObject({ result: 'conforms', events: 39, matched: 39, steps: 24, searched: 0, unchecked: 0, worlds: 1 });
    expect(r.prefix.slice(-2)).toEqual(['participant-1#11 crash', 'participant-1#12 recover']);
  });

  it('does not depend on the order of lines in the file (per-node sequence numbers and causality order it)', () => {
    const [header, ...events] = TEXT.trim().split('\n');
    expect(check([header, ...events.reverse()].join('\n'))).toMatchObject({ result: 'conforms', matched: 39, steps: 24 });
  });

  it('catches an edited state field, naming the field, with the longest matched prefix', () => {
    const text = tamper((e) => (e.node === 'participant-1' && e.seq === 7 ? { ...e, state: { state: 'aborted' } } : e));
    const r = check(text);
    expect(r.result).toBe('diverges');
    expect(r.failure).toEqual({
      where: 'run.jsonl:27',
      event: 'participant-1#7 deliver Commit coordinator→participant-1',
      reason: 'state differs in field state: logged "aborted", model "committed"',
    });
    expect(r.matched).toBe(30);
  });

  it('catches an edited choose() pick and an edited send', () => {
    const chose = check(tamper((e) => (e.node === 'participant-2' && e.seq === 2 ? { ...e, chose: [false] } : e)));
    expect(chose.failure?.reason).toBe('choose differs: logged [false], model [true]');
    const send = check(tamper((e) => (e.node === 'participant-2' && e.seq === 3 ? { ...e, msg: { ...e.msg, yes: false } } : e)));
    expect(send.failure?.reason).toBe('sends differ: logged Vote(by=participant-2, yes=false)→coordinator, model Vote(by=participant-2, yes=true)→coordinator');
  });

  it('catches reordered events (a node delivering Commit before its own vote was sent)', () => {
    // participant-2's Prepare (seq 2, its vote seq 3) and Commit (seq 7, its ack seq 8) swapped.
    const swap: Record<number, number> = { 2: 7, 3: 8, 7: 2, 8: 3 };
    const r = check(tamper((e) => (e.node === 'participant-2' && swap[e.seq] ? { ...e, seq: swap[e.seq] } : e)));
    expect(r.result).toBe('diverges');
    expect(r.failure?.reason).toMatch(/causality violated/);
  });

  it('catches a deleted event as a gap; --partial explains the gap by unlogged model steps', () => {
    // participant-1's second Prepare delivery, its Vote and the Vote's duplicate are gone.
    const text = tamper((e) => (e.node === 'participant-1' && e.seq >= 4 && e.seq <= 6 ? undefined : e));
    const strict = check(text);
    expect(strict.failure).toMatchObject({ event: 'participant-1#7 deliver Commit coordinator→participant-1', reason: expect.stringContaining("missing events: participant-1's events 4–6 are not in the log") });
    const partial = check(text, { partial: true });
    expect(partial).toMatchObject({ result: 'conforms', events: 36, matched: 36, searched: 1, worlds: 3 });
  });

  it('catches a deleted event even when the sequence numbers are renumbered to hide the gap', () => {
    const text = tamper((e) => (e.node === 'participant-1' && e.seq >= 4 && e.seq <= 6 ? undefined : e.node === 'participant-1' && e.seq > 6 ? { ...e, seq: e.seq - 3 } : e));
    const r = check(text);
    expect(r.result).toBe('diverges');
    expect(r.failure?.reason).toBe('not enabled: no Vote(by=participant-1, yes=true) from participant-1 to coordinator is in flight in the model (never sent, already delivered, dropped, or lost in a crash)');
  });

  it('catches a recovery the spec does not allow (the vote forgotten)', () => {
    const r = check(tamper((e) => (e.kind === 'recover' ? { ...e, state: { state: 'working' } } : e)));
    expect(r.failure).toEqual({ where: 'run.jsonl:40', event: 'participant-1#12 recover', reason: 'state differs in field state: logged "working", model "committed"' });
    expect(r.matched).toBe(38);
  });

  it('compares only the fields a line logs (a projection), and rejects a field the model does not have', () => {
    expect(check(tamper((e) => (e.node === 'coordinator' && e.state ? { ...e, state: { decision: e.state.decision } } : e))).result).toBe('conforms');
    const extra = check(tamper((e) => (e.node === 'participant-2' && e.seq === 2 ? { ...e, state: { ...e.state, ['__proto__']: 1 } } : e)));
    expect(extra.failure?.reason).toBe("state differs in field __proto__: logged 1, the model's state has no such field");
  });
});

describe('the merge order: logged times first, other orders when they lead nowhere', () => {
  // A real log (faultline run lease-lock --transport udp --for 3 --skew 2 --seed 5 --tick-ms 50)
  // whose times were then reversed (t ← 100000 - t): the times of separate processes mislead the
  // merge, as unsynchronised machines' would. The sequence numbers, causality and each node's
  // now() still fix a valid order.
  const MISORDERED = path.join(ROOT, 'test/fixtures/runtime/lease-skew-misordered.jsonl');
  let lease: ActorModel;
  beforeAll(async () => {
    lease = await loadProtocol('protocols/lease-lock.ts', {});
  });

  it('backtracks to another order of the ready events and conforms', () => {
    const r = conform(lease, parseLog(readFileSync(MISORDERED, 'utf8'), 'misordered.jsonl'));
    expect(r).toMatchObject({ result: 'conforms', events: 39, matched: 39, steps: 21, backtracks: 5 });
  });

  it('greedy alone (maxBacktracks 0) stops at the first dead end, and says it did not look further', () => {
    const r = conform(lease, parseLog(readFileSync(MISORDERED, 'utf8'), 'misordered.jsonl'), { maxBacktracks: 0 });
    expect(r).toMatchObject({ result: 'diverges', matched: 18 });
    expect(r.failure).toEqual({
      where: 'misordered.jsonl:27',
      event: 'client-2#7 timer retry',
      reason: "not enabled: client-2's logged now 1 is before the model's 20 (the clock went back) (no other merge order found within 0 backtracks)",
    });
  });

  it('a real divergence stays one after every order was tried: the deepest dead end is reported', () => {
    const edited = readFileSync(MISORDERED, 'utf8').replace('"state":{"holder":"client-1","expiresAt":5,"token":1}', '"state":{"holder":"client-2","expiresAt":5,"token":1}');
    const r = conform(lease, parseLog(edited, 'edited.jsonl'));
    expect(r.result).toBe('diverges');
    expect(r.failure?.reason).toMatch(/^state differs in field holder: logged "client-2", model "client-1"/);
  });
});
