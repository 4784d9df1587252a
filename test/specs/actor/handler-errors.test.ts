/** What a protocol says when a handler throws or a message has nowhere to go: the role, the handler, the node. */
import { describe, expect, it } from 'vitest';
import { HandlerError, protocol, type ActorModel } from '../../../specs/index.ts';

type Msg = { type: 'Ping'; n: number } | { type: 'Pong' };

/** The error the first expansion step throws: init(), then actions() of each initial state. */
function firstError(model: ActorModel): unknown {
  try {
    for (const s of model.init()) {
      let frontier = [s];
      for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
        frontier = frontier.flatMap((w) => [...model.actions(w)].map((a) => model.next(w, a)!));
      }
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('handler errors name the role, the handler, the node and the message', () => {
  it('a message handler: role.on.Type, the node, the message and its sender', () => {
    const model = protocol<Msg>()({
      name: 'boom',
      nodes: { client: 1, server: 2 },
      roles: {
        client: { init: {}, onStart: (_s, ctx) => ctx.send('server-2', { type: 'Ping', n: 1 }) },
        server: {
          init: { seen: 0 },
          on: {
            Ping: (s, msg) => {
              if (msg.n === 1) throw new Error('no ping 1 please');
              s.seen = msg.n;
            },
          },
        },
      },
    });
    const error = firstError(model);
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as Error).message).toBe('server.on.Ping threw at server-2 handling Ping(n=1) from client: no ping 1 please');
    expect(error).toMatchObject({ handler: 'server.on.Ping', node: 'server-2', handling: 'Ping(n=1) from client' });
  });

  it('onStart, timers and onRecover', () => {
    const hook = (where: 'onStart' | 'timer' | 'onRecover') =>
      protocol<Msg>()({
        name: 'hooks',
        nodes: { node: 2 },
        environment: { crashes: 1, recover: true },
        roles: {
          node: {
            init: { up: true },
            onStart: (_s, ctx) => {
              if (where === 'onStart' && ctx.index === 2) throw new Error('bad start');
              if (where === 'timer') ctx.setTimer('tick');
            },
            timers: {
              tick: () => {
                throw new Error('bad tick');
              },
            },
            onRecover: () => {
              throw new Error('bad recovery');
            },
          },
        },
      });
    expect(firstError(hook('onStart'))).toHaveProperty('message', 'node.onStart threw at node-2: bad start');
    expect(firstError(hook('timer'))).toHaveProperty('message', 'node.timers.tick threw at node-1: bad tick');
    expect(firstError(hook('onRecover'))).toHaveProperty('message', 'node.onRecover threw at node-1: bad recovery');
  });

  it('a message no handler of its receiver takes', () => {
    const model = protocol({
      name: 'unhandled',
      nodes: { a: 1, b: 1 },
      roles: { a: { init: {}, onStart: (_s, ctx) => ctx.send('b', { type: 'Pong' }) }, b: { init: {} } },
    });
    expect(firstError(model)).toHaveProperty('message', 'b received Pong from a but role b has no handler for Pong (add on.Pong to role b)');
  });

  it('message types and timers named like Object.prototype members are not handled by them', () => {
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const model = protocol({
        name: 'prototype-named',
        nodes: { a: 1, b: 1 },
        roles: { a: { init: {}, onStart: (_s, ctx) => ctx.send('b', { type }) }, b: { init: {}, on: { Ping: () => {} } } },
      });
      expect(firstError(model)).toHaveProperty('message', `b received ${type} from a but role b has no handler for ${type} (add on.${type} to role b)`);
    }
    for (const timer of ['constructor', 'toString', 'valueOf']) {
      const model = protocol({
        name: 'prototype-named-timer',
        nodes: { a: 1 },
        roles: { a: { init: {}, onStart: (_s, ctx) => ctx.setTimer(timer), timers: { tick: () => {} } } },
      });
      expect(firstError(model)).toHaveProperty('message', `a armed timer "${timer}" but role a has no handler for it (add timers.${timer} to role a)`);
    }
  });

  it('sending a message type the protocol does not declare (plain JavaScript)', () => {
    const model = protocol({
      name: 'undeclared',
      messages: ['Ping'],
      nodes: { a: 1, b: 1 },
      roles: { a: { init: {}, onStart: (_s, ctx) => ctx.send('b', { type: 'Pnig' }) }, b: { init: {}, on: { Ping: () => {} } } },
    });
    expect(firstError(model)).toHaveProperty('message', 'a.onStart threw at a: send(b, …): Pnig is not a message type of the protocol (messages: Ping)');
  });
});
