import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import {
  _,
  GenServer,
  Process,
  Task,
  createRuntime,
  exit,
  receive,
  self,
  send,
  spawn,
} from '../index';
import type { Pid } from '../index';

describe('uncompiled code with an async context (the Node aid)', () => {
  it('keeps self() right across awaits of plain promises between interleaving processes', async () => {
    const rt = createRuntime({ clock: 'virtual', asyncContext: new AsyncLocalStorage() });
    const got = await rt.run(async () => {
      const me = self();
      const worker = (delays: number[]) => async () => {
        const mine = self();
        const seen: boolean[] = [];
        for (const ms of delays) {
          await new Promise((resolve) => setTimeout(resolve, ms));
          seen.push(self() === mine);
        }
        send(me, seen);
      };
      spawn(worker([1, 6, 1]));
      spawn(worker([3, 1, 8]));
      return [await receive(), await receive()];
    });
    expect(got).toEqual([
      [true, true, true],
      [true, true, true],
    ]);
  });
});

describe('uncompiled task functions with an async context', () => {
  /** Runs `body` in a task that waits for a message, then reports who it is and whether exit() works. */
  const probe = (me: ReturnType<typeof self>) => async () => {
    const before = self();
    await receive('go');
    const after = self();
    send(me, ['probe', before === after]);
    exit('finished');
  };

  it('keeps self() after await receive() in Task.Supervisor.asyncNolink, async and startChild tasks', async () => {
    const rt = createRuntime({ clock: 'virtual', asyncContext: new AsyncLocalStorage() });
    const got = await rt.run(async () => {
      const me = self();
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      Process.flag('trap_exit', true);
      const nolink = await Task.Supervisor.asyncNolink(sup, probe(me));
      const linked = await Task.Supervisor.async(sup, probe(me));
      const [, child] = (await Task.Supervisor.startChild(sup, probe(me))) as ['ok', Pid];
      const results: unknown[] = [];
      for (const pid of [nolink.pid!, linked.pid!, child]) {
        send(pid, 'go');
        results.push((await receive(['probe', _]))[1]);
      }
      const downs = [
        (await receive(['DOWN', nolink.ref, 'process', _, _]))[4],
        (await receive(['DOWN', linked.ref, 'process', _, _]))[4],
      ];
      return { results, downs };
    });
    expect(got).toEqual({ results: [true, true, true], downs: ['finished', 'finished'] });
  });

  it('keeps self() after await receive() in Task.async tasks', async () => {
    const rt = createRuntime({ clock: 'virtual', asyncContext: new AsyncLocalStorage() });
    const got = await rt.run(async () => {
      const me = self();
      Process.flag('trap_exit', true);
      const task = Task.async(probe(me));
      send(task.pid!, 'go');
      return [
        (await receive(['probe', _]))[1],
        (await receive(['DOWN', task.ref, 'process', _, _]))[4],
      ];
    });
    expect(got).toEqual([true, 'finished']);
  });
});

describe('uncompiled GenServer callbacks with an async context', () => {
  it('keep self() after await receive() inside an async handleCall', async () => {
    const rt = createRuntime({ clock: 'virtual', asyncContext: new AsyncLocalStorage() });
    const got = await rt.run(async () => {
      const Waiter = GenServer.define({
        async handleCall(request: 'wait', _from: unknown, state: null) {
          const before = self();
          const helper = spawn(() => {
            send(before, 'go');
          });
          await receive('go');
          return ['reply', [request, self() === before, Process.alive(helper)], state];
        },
      });
      const [, pid] = (await GenServer.start(Waiter, null)) as ['ok', Pid];
      return GenServer.call(pid, 'wait');
    });
    expect(got).toEqual(['wait', true, false]);
  });
});
