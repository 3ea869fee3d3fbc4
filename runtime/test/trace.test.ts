import { describe, expect, it } from 'vitest';
import {
  _,
  GenServer,
  makeRef,
  Process,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
} from '../index';
import type { From, Pid, TraceEvent } from '../index';
import { virtualRuntime } from './helpers';

describe('tracing', () => {
  it('records spawn, send, receive, link, monitor, DOWN, exit, signals, names and timers as typed events', async () => {
    const { rt } = virtualRuntime();
    rt.trace.record(true);
    await rt.run(async () => {
      Process.flag('trap_exit', true);
      const child = spawnLink(async () => {
        Process.register(self(), 'child');
        await receive('stop');
      });
      const ref = Process.monitor(child);
      await sleep(1);
      const timer = Process.sendAfter(self(), 'later', 5);
      Process.cancelTimer(timer);
      Process.sendAfter(self(), 'tick', 5);
      await receive('tick');
      send('child', 'stop');
      await receive(['DOWN', ref, _, _, _]);
      await receive(['EXIT', _, _]);
    });
    const types = new Set(rt.trace.events().map((e) => e.type));
    for (const type of [
      'spawn',
      'link',
      'monitor',
      'register',
      'send',
      'receive',
      'timer_start',
      'timer_cancel',
      'timer_fire',
      'exit',
      'exit_signal',
      'down',
      'unregister',
      'trap_exit',
    ]) {
      expect(types, type).toContain(type);
    }
  });

  it('numbers events in order with clock times, and pairs a receive with its send', async () => {
    const { rt } = virtualRuntime();
    rt.trace.record(true);
    await rt.run(async () => {
      send(self(), 'early');
      await sleep(30);
      await receive('early');
    });
    const events = rt.trace.events();
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const sent = events.find((e) => e.type === 'send' && e.msg === 'early') as Extract<
      TraceEvent,
      { type: 'send' }
    >;
    const got = events.find((e) => e.type === 'receive' && e.msg === 'early') as Extract<
      TraceEvent,
      { type: 'receive' }
    >;
    expect(got.msgId).toBe(sent.msgId);
    expect(sent.time).toBe(0);
    expect(got.time).toBe(30);
  });

  it('marks a message sent to a dead process as dropped (no receiver)', async () => {
    const { rt } = virtualRuntime();
    rt.trace.record(true);
    await rt.run(async () => {
      const gone = spawn(() => null);
      await sleep(1);
      send(gone, 'anyone?');
    });
    const dropped = rt.trace.events().find((e) => e.type === 'send' && e.msg === 'anyone?');
    expect(dropped).toMatchObject({ type: 'send', to: null });
  });

  it('keeps only the newest events in a bounded ring buffer', async () => {
    const { rt } = virtualRuntime({ traceCapacity: 50 });
    rt.trace.record(true);
    await rt.run(async () => {
      for (let i = 0; i < 200; i++) send(self(), i);
      for (let i = 0; i < 200; i++) await receive();
    });
    const events = rt.trace.events();
    expect(events).toHaveLength(50);
    expect(events.at(-1)!.type).toBe('exit');
  });

  it('delivers events to subscribers until they unsubscribe, and builds none when nobody listens', async () => {
    const { rt } = virtualRuntime();
    const seen: TraceEvent[] = [];
    expect(rt.trace.active).toBe(false);
    const unsubscribe = rt.trace.subscribe((e) => seen.push(e));
    expect(rt.trace.active).toBe(true);
    await rt.run(() => send(self(), 'one'));
    const count = seen.length;
    expect(count).toBeGreaterThan(0);
    unsubscribe();
    expect(rt.trace.active).toBe(false);
    await rt.run(() => send(self(), 'two'));
    expect(seen).toHaveLength(count);
    expect(rt.trace.events()).toEqual([]);
  });

  it('traces a DOWN taken by demonitor with flush as received, so queue counts stay right', async () => {
    const { rt } = virtualRuntime();
    rt.trace.record(true);
    const left = await rt.run(async () => {
      const child = spawn(async () => {});
      const ref = Process.monitor(child);
      await sleep(1);
      Process.demonitor(ref, { flush: true });
      return Process.info(self(), 'message_queue_len');
    });
    expect(left).toEqual(['message_queue_len', 0]);
    const sends = rt.trace.events().filter((e) => e.type === 'send');
    const received = new Set(
      rt.trace.events().flatMap((e) => (e.type === 'receive' ? [e.msgId] : [])),
    );
    const down = sends.find((e) => Array.isArray(e.msg) && e.msg[0] === 'DOWN');
    expect(down).toBeDefined();
    expect(received.has(down!.msgId)).toBe(true);
  });

  it('labels plain sends shaped like a call, a cast or the reply to a call as call, cast and reply', async () => {
    const { rt } = virtualRuntime();
    rt.trace.record(true);
    await rt.run(async () => {
      const byHand = spawn(async () => {
        for (;;) {
          const message = await receive();
          if (Array.isArray(message) && message[0] === '$gen_call') {
            const [, [caller, tag]] = message as [string, From];
            send(caller, [tag, 'answer']);
          }
        }
      });
      const Quiet = GenServer.define({ handleInfo: (_m: unknown, s: null) => ['noreply', s] });
      const [, server] = (await GenServer.start(Quiet)) as ['ok', Pid];
      const ref = makeRef();
      send(byHand, ['$gen_call', [self(), ref], 'by hand']);
      await receive([ref, _]);
      await GenServer.call(byHand, 'through GenServer.call');
      send(byHand, ['$gen_cast', 'a cast']);
      send(byHand, ['$gen_call', 'not a from', 'x']);
      send(server, 'an info');
      send(byHand, [makeRef(), 'a stray ref']);
      await sleep(1);
    });
    const sends = rt.trace
      .events()
      .flatMap((e) => (e.type === 'send' && e.kind !== 'io' ? [[e.kind, e.msg] as const] : []));
    const kindOf = (test: (msg: unknown[]) => boolean) =>
      sends.filter(([, msg]) => Array.isArray(msg) && test(msg as unknown[])).map(([k]) => k);
    expect(kindOf((m) => m[2] === 'by hand')).toEqual(['call']);
    expect(kindOf((m) => m[2] === 'through GenServer.call')).toEqual(['call']);
    expect(kindOf((m) => m[1] === 'answer')).toEqual(['reply', 'reply']);
    expect(kindOf((m) => m[1] === 'a cast')).toEqual(['cast']);
    expect(kindOf((m) => m[1] === 'not a from')).toEqual(['send']);
    expect(kindOf((m) => m[1] === 'a stray ref')).toEqual(['send']);
    expect(sends.filter(([, msg]) => msg === 'an info').map(([k]) => k)).toEqual(['info']);
  });
});
