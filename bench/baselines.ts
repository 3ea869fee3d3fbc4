/**
 * What PingPong and Counting cost elsewhere, measured in the same run as ours:
 *
 * - a bare run queue: a loop over an array of (handler, message) pairs, with no processes, no
 *   copying, no matching and no promises. Nothing message-driven in JavaScript goes much faster, so
 *   it is the ceiling our runtime is held against;
 * - xstate v5 (actors as state machines: createActor, send, sendTo);
 * - nact (Node only: it needs Node's setImmediate, assert and crypto) and effect (fibers talking
 *   through queues), the actor-ish libraries a JavaScript programmer might reach for instead.
 *
 * Each baseline does the same work as the Savina workload it stands beside and returns the same
 * outcome, so suite.ts times them all alike. Libraries come in as arguments (types only here), so
 * a host that cannot load one simply passes nothing.
 */
import type * as EffectModule from 'effect';
import type * as NactModule from 'nact';
import type { AnyActorRef } from 'xstate';
import { assign, createActor, sendTo, setup } from 'xstate';
import type { WorkloadOutcome } from './savina';

// ------------------------------------------------------------------------- bare run queue

/** A message handler of the bare loop: the whole "process". */
type Handler = (message: unknown) => void;

/** A run queue of (handler, message) pairs in two growable arrays, drained front to back. */
class BareRunQueue {
  private handlers: Handler[] = [];
  private messages: unknown[] = [];
  private head = 0;

  send(handler: Handler, message: unknown): void {
    this.handlers.push(handler);
    this.messages.push(message);
  }

  run(): void {
    while (this.head < this.handlers.length) {
      const handler = this.handlers[this.head]!;
      const message = this.messages[this.head];
      this.head++;
      handler(message);
    }
    this.handlers = [];
    this.messages = [];
    this.head = 0;
  }
}

export function barePingPong(roundTrips: number): WorkloadOutcome {
  const queue = new BareRunQueue();
  let pongs = 0;
  const pinger: Handler = () => {
    pongs++;
    if (pongs < roundTrips) queue.send(ponger, ['ping', pinger]);
  };
  const ponger: Handler = (message) => queue.send((message as [string, Handler])[1], 'pong');
  queue.send(ponger, ['ping', pinger]);
  queue.run();
  return { operations: 2 * roundTrips, correct: pongs === roundTrips, detail: `${pongs} pongs` };
}

export function bareCounting(messages: number): WorkloadOutcome {
  const queue = new BareRunQueue();
  let total = 0;
  let answer = -1;
  const counter: Handler = (message) => {
    if (message === 'increment') total++;
    else (message as [string, Handler])[1](total);
  };
  for (let i = 0; i < messages; i++) queue.send(counter, 'increment');
  queue.send(counter, ['get', (count: unknown) => (answer = count as number)]);
  queue.run();
  return { operations: messages + 2, correct: answer === messages, detail: `count ${answer}` };
}

// ------------------------------------------------------------------------- xstate

type PongerEvent = { type: 'ping'; from: AnyActorRef };
type PingerEvent = { type: 'pong' };

/** A pinger machine that invokes a ponger machine and plays `roundTrips` rounds with it. */
export function xstatePingPong(roundTrips: number): Promise<WorkloadOutcome> {
  return new Promise((resolve) => {
    const ponger = setup({ types: { events: {} as PongerEvent } }).createMachine({
      on: { ping: { actions: sendTo(({ event }) => event.from, { type: 'pong' }) } },
    });
    const pinger = setup({
      types: { context: {} as { pongs: number }, events: {} as PingerEvent },
      actors: { ponger },
    }).createMachine({
      context: { pongs: 0 },
      invoke: { id: 'ponger', src: 'ponger' },
      entry: sendTo('ponger', ({ self }) => ({ type: 'ping' as const, from: self })),
      on: {
        pong: [
          {
            guard: ({ context }) => context.pongs + 1 === roundTrips,
            actions: ({ context }) => {
              const pongs = context.pongs + 1;
              resolve({ operations: 2 * roundTrips, correct: true, detail: `${pongs} pongs` });
            },
          },
          {
            actions: [
              assign({ pongs: ({ context }) => context.pongs + 1 }),
              sendTo('ponger', ({ self }) => ({ type: 'ping' as const, from: self })),
            ],
          },
        ],
      },
    });
    const actor = createActor(pinger);
    actor.start();
  });
}

type CounterEvent = { type: 'increment' } | { type: 'get'; reply: (count: number) => void };

export function xstateCounting(messages: number): WorkloadOutcome {
  const counter = setup({
    types: { context: {} as { total: number }, events: {} as CounterEvent },
  }).createMachine({
    context: { total: 0 },
    on: {
      increment: { actions: assign({ total: ({ context }) => context.total + 1 }) },
      get: { actions: ({ context, event }) => event.reply(context.total) },
    },
  });
  const actor = createActor(counter);
  actor.start();
  for (let i = 0; i < messages; i++) actor.send({ type: 'increment' });
  let answer = -1;
  actor.send({ type: 'get', reply: (count) => (answer = count) });
  actor.stop();
  return { operations: messages + 2, correct: answer === messages, detail: `count ${answer}` };
}

// ------------------------------------------------------------------------- nact

export type Nact = typeof NactModule;

type NactPing = { from: NactModule.Ref<'pong'> };

export function nactPingPong(nact: Nact, roundTrips: number): Promise<WorkloadOutcome> {
  const system = nact.start();
  return new Promise<WorkloadOutcome>((resolve) => {
    const ponger = nact.spawnStateless(system, (message: NactPing) => {
      nact.dispatch(message.from, 'pong');
    });
    const pinger = nact.spawn(system, (pongs: number = 0, _message: 'pong' | 'start', ctx) => {
      if (_message === 'pong') pongs++;
      if (pongs === roundTrips) {
        resolve({ operations: 2 * roundTrips, correct: true, detail: `${pongs} pongs` });
      } else {
        nact.dispatch(ponger, { from: ctx.self as NactModule.Ref<'pong'> });
      }
      return pongs;
    });
    nact.dispatch(pinger, 'start');
  }).finally(() => nact.stop(system));
}

type NactCounterMessage = 'increment' | { get: (count: number) => void };

export function nactCounting(nact: Nact, messages: number): Promise<WorkloadOutcome> {
  const system = nact.start();
  return new Promise<WorkloadOutcome>((resolve) => {
    const counter = nact.spawn(system, (total: number = 0, message: NactCounterMessage) => {
      if (message === 'increment') return total + 1;
      message.get(total);
      return total;
    });
    for (let i = 0; i < messages; i++) nact.dispatch(counter, 'increment');
    nact.dispatch(counter, {
      get: (count) =>
        resolve({
          operations: messages + 2,
          correct: count === messages,
          detail: `count ${count}`,
        }),
    });
  }).finally(() => nact.stop(system));
}

// ------------------------------------------------------------------------- effect

export type EffectLib = typeof EffectModule;

/**
 * Effect's default scheduler yields to the host with setImmediate, or where there is none (a
 * browser) with setTimeout(0), which browsers clamp to 4 ms once nested: a few hundred messages a
 * second. Our runtime yields through a MessageChannel there, so effect gets the same: a scheduler
 * whose macrotasks are MessageChannel posts. Where setImmediate exists, the default is kept.
 */
function runEffect<A>(lib: EffectLib, program: EffectModule.Effect.Effect<A>): Promise<A> {
  const { Effect, Scheduler } = lib;
  if ('setImmediate' in globalThis) return Effect.runPromise(program);
  const channel = new MessageChannel();
  const pending: Array<() => void> = [];
  channel.port1.onmessage = () => pending.shift()?.();
  const scheduler = new Scheduler.MixedScheduler('async', (task) => {
    let cancelled = false;
    pending.push(() => {
      if (!cancelled) task();
    });
    channel.port2.postMessage(0);
    return () => {
      cancelled = true;
    };
  });
  return Effect.runPromise(Effect.provideService(program, Scheduler.Scheduler, scheduler)).finally(
    () => channel.port1.close(),
  );
}

/** Two fibers, each with an unbounded queue as its mailbox. */
export function effectPingPong(lib: EffectLib, roundTrips: number): Promise<WorkloadOutcome> {
  const { Effect, Fiber, Queue } = lib;
  const program = Effect.gen(function* () {
    const pongerInbox = yield* Queue.unbounded<'ping'>();
    const pingerInbox = yield* Queue.unbounded<'pong'>();
    const ponger = yield* Effect.forkChild(
      Effect.forever(
        Effect.flatMap(Queue.take(pongerInbox), () => Queue.offer(pingerInbox, 'pong' as const)),
      ),
    );
    let pongs = 0;
    for (let i = 0; i < roundTrips; i++) {
      yield* Queue.offer(pongerInbox, 'ping');
      if ((yield* Queue.take(pingerInbox)) === 'pong') pongs++;
    }
    yield* Fiber.interrupt(ponger);
    return pongs;
  });
  return runEffect(lib, program).then((pongs) => ({
    operations: 2 * roundTrips,
    correct: pongs === roundTrips,
    detail: `${pongs} pongs`,
  }));
}

/** A producer fiber offers `messages` increments; a counter fiber takes them and answers. */
export function effectCounting(lib: EffectLib, messages: number): Promise<WorkloadOutcome> {
  const { Effect, Fiber, Queue } = lib;
  const program = Effect.gen(function* () {
    const inbox = yield* Queue.unbounded<'increment' | 'get'>();
    const counter = yield* Effect.forkChild(
      Effect.gen(function* () {
        let total = 0;
        while ((yield* Queue.take(inbox)) === 'increment') total++;
        return total;
      }),
    );
    for (let i = 0; i < messages; i++) yield* Queue.offer(inbox, 'increment');
    yield* Queue.offer(inbox, 'get');
    return yield* Fiber.join(counter);
  });
  return runEffect(lib, program).then((count) => ({
    operations: messages + 2,
    correct: count === messages,
    detail: `count ${count}`,
  }));
}
