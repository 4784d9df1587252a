/**
 * Type-level tests of the actor DSL: what `protocol` infers, and the mistakes it rejects.
 * `tsc --noEmit -p .` (the first half of `npm test`) checks this file: every `expectTypeOf`
 * must hold and every `@ts-expect-error` must still mark an error, or the build fails. The
 * mistakes that a plain-JavaScript spec can also make are run too, and must throw at load time.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineModel,
  eventually,
  protocol,
  type ActorModel,
  type Envelope,
  type Model,
  type NodeId,
  type NodeInfo,
  type World,
} from '../../../specs/index.ts';

type Msg = { type: 'Ping'; n: number } | { type: 'Pong'; n: number; by: string };
type Ping = Extract<Msg, { type: 'Ping' }>;
type Pong = Extract<Msg, { type: 'Pong' }>;

/** A declared local state: init's return type, where inference from the value would be too narrow. */
interface Acceptor {
  promised: number;
  phase: 'idle' | 'promised';
  voters: string[];
}
type Client = { sent: number; acked: number };
type Watcher = { me: string; seen: number };
type Locals = { client: Client; acceptor: Acceptor; watcher: Watcher };

const model = protocol<Msg>()({
  name: 'types',
  messages: ['Ping', 'Pong'],
  nodes: { client: 1, acceptor: 3, watcher: 1 },
  roles: {
    client: {
      init: { sent: 0, acked: 0 },
      persistent: ['sent'],
      onStart: (c, ctx) => {
        expectTypeOf(c).toEqualTypeOf<Client>();
        expectTypeOf(ctx.sender).toEqualTypeOf<NodeId | undefined>();
        expectTypeOf(ctx.role).toEqualTypeOf<'client' | 'acceptor' | 'watcher'>();
        c.sent = 1;
        ctx.broadcast('acceptor', { type: 'Ping', n: 1 });
        ctx.setTimer('retry');
      },
      on: {
        Pong: (c, msg, ctx) => {
          expectTypeOf(msg).toEqualTypeOf<Pong>();
          expectTypeOf(ctx.sender).toEqualTypeOf<NodeId>();
          c.acked = Math.max(c.acked, msg.n);
        },
      },
      timers: {
        retry: (c, ctx) => {
          expectTypeOf(c).toEqualTypeOf<Client>();
          if (c.acked < c.sent) ctx.send('acceptor-1', { type: 'Ping', n: c.sent });
        },
      },
      onRecover: (c, ctx) => {
        expectTypeOf(c).toEqualTypeOf<Client>();
        ctx.setTimer('retry');
      },
    },
    acceptor: {
      init: (): Acceptor => ({ promised: 0, phase: 'idle', voters: [] }),
      persistent: ['promised', 'voters'],
      on: {
        Ping: (a, msg, ctx) => {
          expectTypeOf(a).toEqualTypeOf<Acceptor>();
          expectTypeOf(msg).toEqualTypeOf<Ping>();
          a.phase = 'promised';
          a.voters.push(ctx.sender);
          ctx.reply({ type: 'Pong', n: msg.n, by: ctx.self });
        },
      },
    },
    watcher: {
      // A function of the node: annotate its parameter (TypeScript infers no state from an unannotated one).
      init: (node: NodeInfo) => ({ me: node.self, seen: 0 }),
      // A handler may also return the new state instead of mutating its draft.
      onStart: (s) => ({ ...s, seen: 1 }),
    },
  },
  invariants: {
    'the world is typed': (w) => {
      expectTypeOf(w).toEqualTypeOf<World<Locals, Msg>>();
      expectTypeOf(w.nodes('acceptor')).toEqualTypeOf<Acceptor[]>();
      expectTypeOf(w.node('acceptor-2')).toEqualTypeOf<Acceptor>();
      expectTypeOf(w.node('client')).toEqualTypeOf<Client>();
      const id: string = w.ids('acceptor')[0];
      // An id computed at run time: the union of the roles' states, or say which with node<T>.
      expectTypeOf(w.node(id)).toEqualTypeOf<Client | Acceptor | Watcher>();
      expectTypeOf(w.node<Acceptor>(id)).toEqualTypeOf<Acceptor>();
      expectTypeOf(w.nodes<Acceptor>('acceptor')).toEqualTypeOf<Acceptor[]>();
      expectTypeOf(w.inFlight('Pong')).toEqualTypeOf<Envelope<Pong>[]>();
      expectTypeOf(w.inFlight()).toEqualTypeOf<Envelope<Msg>[]>();
      return w.node('client').acked <= w.node('client').sent;
    },
  },
  terminal: { 'acks arrive': (w) => w.crashed('client') || w.node('client').acked === 1 },
  constraint: (w) => w.nodes('acceptor').every((a) => a.voters.length <= 1),
  liveness: { 'a ping is answered': eventually((w) => w.inFlight('Pong').length > 0) },
  symmetric: ['acceptor'],
});

describe('protocol<M>()({ … }): inferred types', () => {
  it('types the model and its world by the roles and messages', () => {
    expectTypeOf(model).toEqualTypeOf<ActorModel<Locals, Msg>>();
    expectTypeOf(model.configure({})).toEqualTypeOf<ActorModel<Locals, Msg>>();
    expectTypeOf(model.world).returns.toEqualTypeOf<World<Locals, Msg>>();
    const [initial] = model.init();
    expect(model.world(initial).node('watcher')).toEqual({ me: 'watcher', seen: 1 });
  });

  it('protocol({ … }) without a message type infers the states, messages are untyped', () => {
    const untyped = protocol({
      name: 'untyped',
      nodes: { a: 1 },
      roles: {
        a: {
          init: { count: 0 },
          on: {
            Anything: (s, msg) => {
              expectTypeOf(s).toEqualTypeOf<{ count: number }>();
              expectTypeOf(msg).toBeAny();
              s.count = msg.n;
            },
          },
        },
      },
    });
    expectTypeOf(untyped.world).returns.toEqualTypeOf<World<{ a: { count: number } }>>();
  });

  it('protocol<M>({ … }) (one call) types the messages; states are any (TypeScript infers nothing once a type argument is given)', () => {
    protocol<Msg>({
      name: 'messages only',
      nodes: { a: 1 },
      roles: {
        a: {
          init: { count: 0 },
          on: {
            Ping: (s, msg) => {
              expectTypeOf(s).toBeAny();
              expectTypeOf(msg).toEqualTypeOf<Ping>();
            },
          },
        },
      },
    });
  });

  it('kernel models keep defineModel<S, A> inference', () => {
    const jugs = defineModel({
      name: 'jugs',
      init: () => [{ small: 0, big: 0 }],
      actions: () => ['fill' as const],
      next: (s, a) => (a === 'fill' ? { ...s, big: 5 } : undefined),
    });
    expectTypeOf(jugs).toEqualTypeOf<Model<{ small: number; big: number }, 'fill'>>();
  });
});

/** A protocol of one role `a` whose nodes count `seen` Pings, with `role` merged in. */
const mistake = (role: object) =>
  protocol<Msg>()({
    name: 'mistake',
    nodes: { a: 1 },
    roles: { a: { init: { seen: 0 }, on: { Ping: () => {} }, ...role } },
  });

describe('mistakes are compile errors', () => {
  // Never called: these are for tsc only (and would throw at load time, see below).
  function compileErrors(): void {
    protocol<Msg>()({
      name: 'unknown field',
      nodes: { a: 1 },
      roles: {
        a: {
          init: { seen: 0 },
          on: {
            Ping: (s, msg) => {
              // @ts-expect-error: no field bogus in the local state
              s.bogus = 'x';
              // @ts-expect-error: a Ping has no field trem
              s.seen = msg.trem;
              // @ts-expect-error: a field has its type
              s.seen = 'one';
            },
          },
        },
      },
    });
    protocol<Msg>()({
      name: 'unknown persistent field',
      nodes: { a: 1 },
      // @ts-expect-error: persistent names a field that is not in the local state
      roles: { a: { init: { seen: 0 }, persistent: ['nosuch'] } },
    });
    protocol<Msg>()({
      name: 'no such message type',
      nodes: { a: 1 },
      roles: {
        a: {
          init: { seen: 0 },
          on: {
            // @ts-expect-error: Pnig is not a message type of Msg
            Pnig: () => {},
          },
        },
      },
    });
    protocol<Msg>()({
      name: 'sending a non-M',
      nodes: { a: 1, b: 1 },
      roles: {
        a: {
          init: { seen: 0 },
          onStart: (_s, ctx) => {
            // @ts-expect-error: no message type Pnig
            ctx.send('b', { type: 'Pnig', n: 1 });
            // @ts-expect-error: a Ping's n is a number
            ctx.broadcast('b', { type: 'Ping', n: '1' });
            // @ts-expect-error: no role c
            ctx.broadcast('c', { type: 'Ping', n: 1 });
            // @ts-expect-error: outside a message handler the sender may be undefined
            const from: NodeId = ctx.sender;
            void from;
          },
          on: {
            Ping: (_s, _msg, ctx) => {
              // @ts-expect-error: a reply is an M too
              ctx.reply({ type: 'Pong', n: 1 });
            },
          },
        },
        b: { init: {} },
      },
    });
    protocol<Msg>()({
      name: 'the world',
      // @ts-expect-error: no role c
      nodes: { a: 1, c: 2 },
      roles: { a: { init: { seen: 0 } } },
      invariants: {
        // @ts-expect-error: no role c
        'no such role': (w) => w.nodes('c').length === 0,
        // @ts-expect-error: a's state has no field bogus
        'no such field': (w) => w.node('a').bogus === 0,
        // @ts-expect-error: a Ping has no field by
        'no such message field': (w) => w.inFlight('Ping').every((e) => e.msg.by === 'a'),
      },
      // @ts-expect-error: no role c
      symmetric: ['c'],
    });
    protocol<Msg>()({
      name: 'a handler returns a state of another shape',
      nodes: { a: 1 },
      // @ts-expect-error: the handler's result is not an { seen: number }
      roles: { a: { init: { seen: 0 }, onStart: () => ({ seen: 'x' }) } },
    });
  }
  it('compiles only with @ts-expect-error (tsc checks this file)', () => {
    expect(compileErrors).toBeTypeOf('function');
  });
});

describe('the same mistakes in plain JavaScript: thrown when the protocol is built, one line naming the role and the field', () => {
  it('an unknown persistent field', () => {
    expect(() => mistake({ persistent: ['nosuch'] })).toThrow(
      /^role a: persistent: "nosuch" is not a field of its local state \(fields: seen\)$/,
    );
  });

  it('an on key that is no declared message type', () => {
    const build = () =>
      protocol({ name: 'js', messages: ['Ping', 'Pong'], nodes: { a: 1 }, roles: { a: { init: {}, on: { Pnig: () => {} } } } });
    expect(build).toThrow(/^role a: on\.Pnig: Pnig is not a message type of the protocol \(messages: Ping, Pong\)$/);
  });

  it('an unknown role field, a handler that is not a function, a missing init', () => {
    expect(() => mistake({ onRecovery: () => {} })).toThrow(/^role a: unknown field "onRecovery" \(a role has init, persistent, onStart, on, timers, clock, onRecover\)$/);
    expect(() => mistake({ on: { Ping: 1 } })).toThrow(/^role a: on\.Ping is not a function$/);
    expect(() => protocol({ name: 'js', nodes: { a: 1 }, roles: { a: {} as never } })).toThrow(/^role a: init is missing/);
  });
});

describe('liveness: ({ eventually, leadsTo }) => …: a typed world without annotations', () => {
  const typed = protocol<Msg>()({
    name: 'typed-liveness',
    nodes: { client: 1, acceptor: 2 },
    roles: {
      client: { init: { sent: 0, acked: 0 }, onStart: (c, ctx) => void ctx.broadcast('acceptor', { type: 'Ping', n: 1 }), on: { Pong: (c, msg) => void (c.acked = msg.n) } },
      acceptor: { init: { pings: 0 }, on: { Ping: (a, msg, ctx) => { a.pings += 1; ctx.reply({ type: 'Pong', n: msg.n, by: ctx.self }); } } },
    },
    liveness: ({ eventually, leadsTo }) => ({
      Acked: eventually((w) => {
        expectTypeOf(w.nodes('client')).toEqualTypeOf<{ sent: number; acked: number }[]>();
        return w.node('client').acked === 1;
      }),
      PingsLeadToAcks: leadsTo(
        (w) => w.nodes('acceptor').some((a) => a.pings > 0),
        // @ts-expect-error: an acceptor has no field acked
        (w) => w.nodes('acceptor').every((a) => a.acked > 0),
      ),
    }),
  });

  it('checks the function form like the record form', () => {
    expect(Object.keys(typed.liveness)).toEqual(['Acked', 'PingsLeadToAcks']);
    expect(typed.liveness.Acked.kind).toBe('eventually');
    expect(typed.liveness.PingsLeadToAcks.kind).toBe('leadsTo');
  });
});
