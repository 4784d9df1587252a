/** The memo of handler runs: what it remembers a run by, its bound, and the deterministic check it keeps. */
import { describe, expect, it } from 'vitest';
import { bfs, SpecError } from '../../../checker/index.ts';
import { HandlerError } from '../../../specs/index.ts';
import model from '../../fixtures/specs/nondeterministic-handler.ts';
import { HandlerMemo, type HandlerInputs } from '../../../specs/actor/handler-memo.ts';
import type { Effects } from '../../../specs/actor/handler.ts';

const local = Object.freeze({ n: 1 });
const message = Object.freeze({ type: 'Ping' });
const inputs: HandlerInputs = { local, message, handler: 'server.on.Ping', node: 'server-1', timers: undefined, now: undefined, pending: undefined, sender: 'client' };
const effects = (n: number): Effects[] => [{ local: Object.freeze({ n }), sends: [], timers: {}, chosen: [], events: [] }];

describe('HandlerMemo', () => {
  it('remembers a run by all of its inputs', () => {
    const memo = new HandlerMemo();
    expect(memo.get(inputs)).toBeUndefined();
    const fx = effects(2);
    expect(memo.set(inputs, fx)).toBeUndefined();
    expect(memo.get(inputs)).toBe(fx);
    expect(memo.get({ ...inputs })).toBe(fx); // the same inputs in another object
    const others: Partial<HandlerInputs>[] = [
      { local: Object.freeze({ n: 1 }) }, // equal, but not the same object: not known
      { message: Object.freeze({ type: 'Ping' }) },
      { message: undefined },
      { handler: 'server.on.Pong' },
      { node: 'server-2' },
      { timers: Object.freeze({}) },
      { now: 0 },
      { pending: 'x' },
      { sender: 'server-2' },
    ];
    for (const other of others) expect(memo.get({ ...inputs, ...other })).toBeUndefined();
  });

  it('hands one repeat in `recheckEvery` back to be run again, and says how a second run differs', () => {
    const memo = new HandlerMemo(100, 3);
    memo.set(inputs, effects(2));
    expect(memo.get(inputs)).toBeDefined();
    expect(memo.get(inputs)).toBeDefined();
    expect(memo.get(inputs)).toBeUndefined(); // the third repeat: run it again
    expect(memo.set(inputs, effects(2))).toBeUndefined(); // the same effects: fine
    expect(memo.set(inputs, effects(3))).toBe('first [{"chosen":[],"events":[],"local":{"n":2},"sends":[],"timers":{}}], then [{"chosen":[],"events":[],"local":{"n":3},"sends":[],"timers":{}}]');
  });

  it('starts over past its bound', () => {
    const memo = new HandlerMemo(2, 1000);
    const a = { ...inputs, node: 'a' };
    const b = { ...inputs, node: 'b' };
    const c = { ...inputs, node: 'c' };
    memo.set(a, effects(1));
    memo.set(b, effects(2));
    expect(memo.get(a)).toBeDefined();
    memo.set(c, effects(3));
    expect(memo.get(a)).toBeUndefined();
    expect(memo.get(b)).toBeUndefined();
    expect(memo.get(c)).toBeDefined();
  });
});

describe('a protocol whose handler is not deterministic', () => {
  it('is caught while the memo remembers its runs: a HandlerError that says so, naming the handler (fixtures/specs/nondeterministic-handler.ts)', () => {
    let error: unknown;
    try {
      bfs(model, { maxStates: 100_000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const cause = (error as SpecError).original;
    expect(cause).toBeInstanceOf(HandlerError);
    expect(cause).toMatchObject({ handler: 'counter.on.Tick', node: 'counter' });
    expect((error as Error).message).toMatch(
      /^counter\.on\.Tick is not deterministic at counter handling Tick from pinger-[12]: run twice on the same local state, timers and message, it did different things \(first \[\{"chosen":\[\],"events":\[\],"local":\{"seen":[01]\},"sends":\[\],"timers":\{\}\}\], then \[\{"chosen":\[\],"events":\[\],"local":\{"seen":[01]\},"sends":\[\],"timers":\{\}\}\]\); does it read Date\.now, Math\.random or a variable outside its local state\?$/,
    );
  });
});
