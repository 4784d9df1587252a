import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conform, loadProtocol, parseLog, run, type Packet, type Transport } from '../../runtime/index.ts';
import type { ActorModel } from '../../specs/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-run-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FORGETFUL = 'test/fixtures/runtime/forgetful-participant.ts';

let spec: ActorModel;
beforeAll(async () => {
  spec = await loadProtocol('protocols/two-phase-commit.ts', {});
});

function logOf(file: string) {
  return parseLog(readFileSync(file, 'utf8'), file);
}

function kinds(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of logOf(file).events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

describe('faultline run over the memory transport', () => {
  it('runs two-phase commit with drops, duplicates and a crash, and its logs conform (3 seeds)', async () => {
    for (const seed of [1, 2, 3]) {
      const log = path.join(dir, `memory-${seed}.jsonl`);
      const report = await run('protocols/two-phase-commit.ts', { seconds: 0.6, log, seed, dropRate: 0.2, dupRate: 0.2, crashes: [{ node: 'participant-1', at: 0.1 }] });
      expect(report).toMatchObject({ protocol: 'TwoPhaseCommit(n=2)', transport: 'memory' });
      const parsed = logOf(log);
      expect(parsed.header).toMatchObject({ v: 1, kind: 'run', protocol: 'TwoPhaseCommit(n=2)', transport: 'memory', seed, dropRate: 0.2, dupRate: 0.2 });
      expect(parsed.events).toHaveLength(report.events);
      expect(kinds(log)).toMatchObject({ start: 3, crash: 1, recover: 1 });
      const verdict = conform(spec, parsed);
      expect(verdict.failure).toBeUndefined();
      expect(verdict).toMatchObject({ result: 'conforms', matched: report.events });
    }
  });

  it('takes a transport of your own (open, send, close)', async () => {
    const carried: Packet[] = [];
    let receive: (p: Packet) => void = () => {};
    const transport: Transport = {
      open: (r) => void (receive = r),
      send: (p) => {
        carried.push(p);
        setImmediate(() => receive(p));
      },
      close: () => {},
    };
    const log = path.join(dir, 'custom.jsonl');
    // 50 ms ticks: the vote timeout (20 ticks) cannot fire within the run, even on a loaded machine.
    const report = await run(spec, { seconds: 0.3, log, transport, seed: 4, tickMs: 50 });
    expect(report.transport).toBe('custom');
    // Prepare ×2, Vote ×2, Commit ×2, Ack ×2: seed 4 makes both participants vote yes.
    expect(carried.map((p) => p.msg.type).sort()).toEqual(['Ack', 'Ack', 'Commit', 'Commit', 'Prepare', 'Prepare', 'Vote', 'Vote']);
    expect(report.finalStates).toMatchObject({ 'participant-1': { state: 'committed' }, 'participant-2': { state: 'committed' } });
    expect(conform(spec, logOf(log)).result).toBe('conforms');
  });

  it('catches a wrong implementation that looked healthy: a participant that forgets its vote on restart', async () => {
    const log = path.join(dir, 'forgetful.jsonl');
    // 25 ms ticks: the vote timeout fires after 0.5 s, long after the commit; the crash comes once it is done.
    const report = await run(FORGETFUL, { seconds: 0.8, log, seed: 4, tickMs: 25, crashes: [{ node: 'participant-1', at: 0.3 }] });
    // Live, nothing is wrong: the transaction committed, no participant aborted, Atomicity holds.
    expect(report.finalStates).toMatchObject({ coordinator: { decision: 'commit' }, 'participant-2': { state: 'committed' }, 'participant-1': { state: 'working' } });
    const verdict = conform(spec, logOf(log));
    expect(verdict.result).toBe('diverges');
    expect(verdict.failure).toMatchObject({ event: 'participant-1#7 recover', reason: 'state differs in field state: logged "working", model "committed"' });
    expect(verdict.matched).toBe(report.events - 1);
    // The correct implementation, run the same way, conforms.
    const good = path.join(dir, 'correct.jsonl');
    const correct = await run('protocols/two-phase-commit.ts', { seconds: 0.8, log: good, seed: 4, tickMs: 25, crashes: [{ node: 'participant-1', at: 0.3 }] });
    expect(correct.finalStates).toMatchObject({ 'participant-1': { state: 'committed' } });
    expect(conform(spec, logOf(good)).result).toBe('conforms');
  });

  it('runs a timed protocol on the real clock (a tick = 100 ms) and conform advances the model clock to each logged now()', async () => {
    // lww-register stamps writes with now(); its model bounds neither message delay nor timer lateness, so a loaded machine cannot make it diverge.
    const log = path.join(dir, 'lww.jsonl');
    const report = await run('protocols/lww-register.ts', { seconds: 1, tickMs: 100, log, seed: 1 });
    expect(report.finalStates).toMatchObject({ 'replica-1': { value: 'v2' }, 'replica-2': { value: 'v2' }, client: { read: 'v1' } });
    const model = await loadProtocol('protocols/lww-register.ts', {});
    const parsed = logOf(log);
    expect(parsed.events.filter((e) => 'now' in e && (e as { now?: number }).now! >= 1).length).toBeGreaterThan(0);
    const verdict = conform(model, parsed);
    expect(verdict.failure).toBeUndefined();
    expect(verdict.result).toBe('conforms');
    // A logged now() the model's clock has already passed is caught.
    const edited = readFileSync(log, 'utf8')
      .split('\n')
      .map((line) => (line.includes('"type":"ReadReply"') && line.includes('"kind":"deliver"') ? line.replace(/"now":\d+/, '"now":0') : line))
      .join('\n');
    expect(conform(model, parseLog(edited, 'lww.jsonl')).failure?.reason).toMatch(/^not enabled: client's logged now 0 is before the model's \d+ \(the clock went back\)$/);
  });

  it('skews the clocks (--skew): each clocked node reads real time plus its offset, and conform finds the offsets', async () => {
    const log = path.join(dir, 'lease-skew.jsonl');
    await run('protocols/lease-lock.ts', { seconds: 0.6, tickMs: 50, log, seed: 1, skew: 2, clockOffsets: { 'client-1': -2, 'client-2': 2 } });
    const parsed = logOf(log);
    expect(parsed.header?.skew).toBe(2);
    const startNow = Object.fromEntries(parsed.events.filter((e) => e.kind === 'start').map((e) => [e.node, (e as { now?: number }).now]));
    // service and storage have clock: false (the reference clock); the clients start at their offsets.
    expect(startNow).toEqual({ service: 0, 'client-1': -2, 'client-2': 2, storage: 0 });
    const model = await loadProtocol('protocols/lease-lock.ts', {});
    const verdict = conform(model, parsed);
    expect(verdict.failure).toBeUndefined();
    expect(verdict.result).toBe('conforms');
    // Without the header's skew the model's clocks are all true time: the clients' skewed nows cannot be matched.
    const unskewed = readFileSync(log, 'utf8').replace(',"skew":2', '');
    const refused = conform(model, parseLog(unskewed, 'lease-skew.jsonl'));
    expect(refused.result).toBe('diverges');
    expect(refused.failure?.event).toMatch(/^client-[12]#\d+ /);
    expect(refused.failure?.reason).toMatch(/^not enabled: .*client-[12]'s logged now -?\d+ /);
    // Offsets drawn from the seed stay within the skew, and the log conforms as well.
    const drawn = path.join(dir, 'lease-drawn.jsonl');
    await run('protocols/lease-lock.ts', { seconds: 0.4, tickMs: 50, log: drawn, seed: 3, skew: 3 });
    const starts = logOf(drawn).events.filter((e) => e.kind === 'start' && e.node.startsWith('client'));
    for (const e of starts) expect(Math.abs((e as { now?: number }).now!)).toBeLessThanOrEqual(3);
    expect(conform(model, logOf(drawn)).result).toBe('conforms');
  });

  it('refuses bad options with one line', async () => {
    await expect(run(spec, { skew: 2 })).rejects.toThrow('run: TwoPhaseCommit(n=2) is untimed (no timers read the clock): skew means nothing here (drop --skew, or give the protocol a maxTime)');
    await expect(run('protocols/lease-lock.ts', { skew: 1, clockOffsets: { 'client-1': 3 } })).rejects.toThrow('run: clock offset for client-1: 3 is outside the skew ±1');
    await expect(run('protocols/lease-lock.ts', { clockOffsets: { service: 1 } })).rejects.toThrow('run: clock offset for service: its role has clock: false (it reads true time)');
    await expect(run('protocols/lease-lock.ts', { skew: 1.5 })).rejects.toThrow('run: skew is a whole number of ticks from 0 to 1000, got 1.5');
    await expect(run(spec, { dropRate: 1.5 })).rejects.toThrow('run: dropRate is a probability in [0, 1), got 1.5');
    await expect(run(spec, { crashes: [{ node: 'nobody', at: 0 }] })).rejects.toThrow('--crash nobody@0: no node "nobody" (nodes: coordinator, participant-1, participant-2)');
    await expect(run(spec, { transport: 'udp' })).rejects.toThrow(/pass a spec file, not a model/);
  });
});

describe('faultline run over udp (one process per node)', () => {
  it('runs two-phase commit over localhost datagrams, kills and restarts a node, and the log conforms', async () => {
    const log = path.join(dir, 'udp.jsonl');
    const report = await run('protocols/two-phase-commit.ts', {
      transport: 'udp',
      // A restarted node process takes a second or two to start: the run outlasts it.
      seconds: 3,
      log,
      seed: 2,
      dropRate: 0.1,
      dupRate: 0.1,
      crashes: [{ node: 'participant-1', at: 0.2 }],
      restartAfter: 0.1,
    });
    expect(report.transport).toBe('udp');
    const parsed = logOf(log);
    expect(parsed.header).toMatchObject({ transport: 'udp', nodes: ['coordinator', 'participant-1', 'participant-2'] });
    expect(kinds(log)).toMatchObject({ start: 3, crash: 1, recover: 1 });
    const verdict = conform(spec, parsed);
    expect(verdict.failure).toBeUndefined();
    expect(verdict.result).toBe('conforms');
  }, 30_000);

  it('a node killed while busy (a token ring never rests) leaves a log that still conforms: the store carries the lines of the step it saved', async () => {
    const log = path.join(dir, 'ring.jsonl');
    const report = await run('test/fixtures/runtime/token-ring.ts', { transport: 'udp', seconds: 3, log, seed: 1, crashes: [{ node: 'node-2', at: 0.7 }], restartAfter: 0.1 });
    expect(report.events).toBeGreaterThan(300);
    expect(kinds(log)).toMatchObject({ start: 3, crash: 1, recover: 1 });
    const ring = await loadProtocol('test/fixtures/runtime/token-ring.ts', {});
    const verdict = conform(ring, logOf(log));
    expect(verdict.failure).toBeUndefined();
    expect(verdict).toMatchObject({ result: 'conforms', matched: report.events });
  }, 30_000);
});
