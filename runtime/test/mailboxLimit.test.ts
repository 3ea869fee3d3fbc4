import { describe, expect, it } from 'vitest';
import { Process, receive, self, send, sleep, spawn, spawnMonitor } from '../index';
import { virtualRuntime } from './helpers';

describe('the mailbox limit', () => {
  it('kills a receiver whose mailbox passes the limit, with a line saying why', async () => {
    const { rt, text } = virtualRuntime({ maxMailbox: 1000 });
    const result = await rt.run(async () => {
      const [sink, ref] = spawnMonitor(() => sleep('infinity'));
      for (let i = 0; i < 5000 && Process.alive(sink); i++) send(sink, i);
      const down = await receive<[string, unknown, string, unknown, unknown]>();
      return { ref: down[1] === ref, reason: down[4], alive: Process.alive(sink) };
    });
    expect(result).toEqual({ ref: true, reason: 'killed', alive: false });
    expect(text('stderr')).toMatch(/was killed: its mailbox passed the limit of 1,000 messages/);
  });

  it('keeps a mailbox of exactly the limit, and the receiver takes every message', async () => {
    const { rt, text } = virtualRuntime({ maxMailbox: 1000 });
    const total = await rt.run(async () => {
      for (let i = 0; i < 1000; i++) send(self(), 1);
      let sum = 0;
      for (let i = 0; i < 1000; i++) sum += await receive<number>();
      return sum;
    });
    expect(total).toBe(1000);
    expect(text('stderr')).toBe('');
  });

  it('stops a process flooding its own mailbox at the send that passed the limit', async () => {
    const { rt, text } = virtualRuntime({ maxMailbox: 1000 });
    let sent = 0;
    const reason = await rt.run(async () => {
      spawnMonitor(() => {
        for (;;) {
          send(self(), 'again');
          sent++;
        }
      });
      const down = await receive<[string, unknown, string, unknown, unknown]>();
      return down[4];
    });
    // The 1001st send kills it before it returns.
    expect(sent).toBe(1000);
    expect(reason).toBe('killed');
    expect(text('stderr')).toMatch(/mailbox passed the limit/);
  });

  it('leaves the runtime usable after a flood was stopped', async () => {
    const { rt } = virtualRuntime({ maxMailbox: 100 });
    const alive = await rt.run(async () => {
      const sink = spawn(() => sleep('infinity'));
      for (let i = 0; i < 200; i++) send(sink, i);
      return Process.alive(sink);
    });
    expect(alive).toBe(false);
    expect(await rt.run(async () => (send(self(), 'still here'), receive()))).toBe('still here');
  });
});
