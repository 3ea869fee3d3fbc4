import { describe, expect, it } from 'vitest';
import {
  _,
  DynamicSupervisor,
  GenServer,
  Process,
  Task,
  TaskSupervisor,
  catchExit,
  exit,
  receive,
  self,
  send,
  sleep,
} from '../index';
import type { From, Pid } from '../index';
import { virtualRuntime } from './helpers';

const messages = () => Process.info(self(), 'messages')[1] as unknown[];
const links = () => Process.info(self(), 'links')[1] as Pid[];

describe('Task.Supervisor.startLink', () => {
  it("is a DynamicSupervisor: ['ok', pid], a name, and DynamicSupervisor functions work on it", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const started = (await Task.Supervisor.startLink({ name: 'tasks' })) as ['ok', Pid];
      const counts = await DynamicSupervisor.countChildren('tasks');
      return {
        started,
        whereis: Process.whereis('tasks'),
        counts,
        same: Task.Supervisor === TaskSupervisor,
      };
    });
    expect(got.started[0]).toBe('ok');
    expect(got.whereis).toBe(got.started[1]);
    expect(got.counts).toEqual({ specs: 0, active: 0, supervisors: 0, workers: 0 });
    expect(got.same).toBe(true);
  });

  it('gives a supervisor child spec', () => {
    expect(Task.Supervisor.childSpec({ name: 'tasks' })).toEqual({
      id: 'tasks',
      start: [TaskSupervisor, 'startLink', [{ name: 'tasks' }]],
      restart: 'permanent',
      shutdown: 'infinity',
      type: 'supervisor',
    });
  });
});

describe('Task.Supervisor.async', () => {
  it('starts the task as a child of the supervisor, linked to and monitored by the caller', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      const task = await Task.Supervisor.async(sup, async () => {
        await sleep(100);
        return 'supervised result';
      });
      const state = {
        children: await Task.Supervisor.children(sup),
        linkedToMe: links().includes(task.pid!),
        taskLinks: Process.info(task.pid!, 'links')[1] as Pid[],
        owner: task.owner,
      };
      const result = await Task.await(task);
      await sleep(1);
      return {
        task,
        sup,
        me: self(),
        ...state,
        result,
        after: await Task.Supervisor.children(sup),
        mailbox: messages(),
      };
    });
    expect(got.children).toEqual([got.task.pid]);
    expect(got.linkedToMe).toBe(true);
    expect(got.taskLinks).toEqual(expect.arrayContaining([got.sup, got.me]));
    expect(got.owner).toBe(got.me);
    expect(got.result).toBe('supervised result');
    expect(got.after).toEqual([]);
    expect(got.mailbox).toEqual([]);
  });

  it('a crashing task takes its linked caller down, not the supervisor', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      Process.flag('trap_exit', true);
      const task = await Task.Supervisor.async(sup, () => exit('task crashed'));
      const exitMsg = await receive(['EXIT', task.pid, _]);
      const awaited = await catchExit(Task.await(task));
      return { exitReason: exitMsg[2], awaited, task, supAlive: Process.alive(sup) };
    });
    expect(got.exitReason).toBe('task crashed');
    expect(got.awaited).toEqual(['exit', ['task crashed', ['Task', 'await', [got.task, 5000]]]]);
    expect(got.supAlive).toBe(true);
  });

  it('raises when the supervisor has reached maxChildren', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink({ maxChildren: 1 })) as ['ok', Pid];
      await Task.Supervisor.async(sup, () => sleep(100));
      try {
        await Task.Supervisor.async(sup, () => 'no room');
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(got).toMatch(/reached the maximum number of tasks for this task supervisor/);
  });
});

describe('Task.Supervisor.asyncNolink', () => {
  it('is not linked: a crash arrives as a DOWN only, and the caller lives on', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      const task = await Task.Supervisor.asyncNolink(sup, async () => {
        await sleep(10);
        throw new Error('nolink crash');
      });
      const linked = links().includes(task.pid!);
      const result = await Task.yield(task, 1000);
      return {
        linked,
        result: [result![0], (result![1] as Error).message],
        alive: Process.alive(self()),
      };
    });
    expect(got).toEqual({ linked: false, result: ['exit', 'nolink crash'], alive: true });
  });

  it('a GenServer gets [ref, result] and the DOWN in handleInfo', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink({ name: 'jobs' })) as ['ok', Pid];
      type State = { refs: Map<unknown, string>; log: unknown[] };
      const Server = GenServer.define({
        init: () => ['ok', { refs: new Map(), log: [] }] as ['ok', State],
        async handleCall(req: [string, number], _from: From, state: State) {
          if (req[0] === 'log') return ['reply', state.log, state];
          const [name, ms] = req;
          const task = await Task.Supervisor.asyncNolink('jobs', async () => {
            await sleep(ms);
            if (name === 'bad') throw new Error('job failed');
            return `${name} done`;
          });
          state.refs.set(task.ref, name);
          return ['reply', 'started', state];
        },
        handleInfo(msg: unknown[], state: State) {
          if (msg[0] === 'DOWN') {
            const name = state.refs.get(msg[1]);
            if (name === undefined) return ['noreply', state];
            state.refs.delete(msg[1]);
            const reason = msg[4] instanceof Error ? msg[4].message : msg[4];
            return ['noreply', { ...state, log: [...state.log, ['down', name, reason]] }];
          }
          const name = state.refs.get(msg[0]);
          // Like Elixir: demonitor with flush once the result is in, so no DOWN follows.
          Process.demonitor(msg[0] as never, { flush: true });
          state.refs.delete(msg[0]);
          return ['noreply', { ...state, log: [...state.log, ['result', name, msg[1]]] }];
        },
      });
      const [, server] = (await GenServer.start(Server)) as ['ok', Pid];
      await GenServer.call(server, ['good', 50]);
      await GenServer.call(server, ['bad', 100]);
      await sleep(200);
      return {
        log: await GenServer.call(server, ['log', 0]),
        serverAlive: Process.alive(server),
        supAlive: Process.alive(sup),
      };
    });
    expect(got).toEqual({
      log: [
        ['result', 'good', 'good done'],
        ['down', 'bad', 'job failed'],
      ],
      serverAlive: true,
      supAlive: true,
    });
  });
});

describe('Task.Supervisor.startChild', () => {
  it("starts a fire-and-forget task: ['ok', pid], no reply, not linked to the caller", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      const me = self();
      const started = (await Task.Supervisor.startChild(sup, () => send(me, 'side effect'))) as [
        'ok',
        Pid,
      ];
      const linked = links().includes(started[1]);
      await receive('side effect');
      await sleep(1);
      return {
        ok: started[0],
        linked,
        mailbox: messages(),
        children: await Task.Supervisor.children(sup),
      };
    });
    expect(got).toEqual({ ok: 'ok', linked: false, mailbox: [], children: [] });
  });

  it("is temporary by default; restart: 'transient' reruns a task that crashed", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      const me = self();
      let runs = 0;
      const flaky = () => {
        runs++;
        send(me, ['run', runs]);
        if (runs < 3) exit('flaky');
        return 'finally';
      };
      await Task.Supervisor.startChild(sup, () => exit('once'));
      await Task.Supervisor.startChild(sup, flaky, { restart: 'transient' });
      for (let i = 1; i <= 3; i++) await receive(['run', i]);
      await sleep(10);
      return { runs, children: await Task.Supervisor.children(sup) };
    });
    expect(got).toEqual({ runs: 3, children: [] });
  });

  it('children lists running tasks; terminateChild stops one', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      const [, a] = (await Task.Supervisor.startChild(sup, () => sleep(1000))) as ['ok', Pid];
      const [, b] = (await Task.Supervisor.startChild(sup, () => sleep(1000))) as ['ok', Pid];
      const both = await Task.Supervisor.children(sup);
      const stopped = await Task.Supervisor.terminateChild(sup, a);
      return {
        a,
        b,
        both,
        stopped,
        left: await Task.Supervisor.children(sup),
        aAlive: Process.alive(a),
      };
    });
    expect(got.both).toEqual([got.a, got.b]);
    expect(got.stopped).toBe('ok');
    expect(got.left).toEqual([got.b]);
    expect(got.aAlive).toBe(false);
  });

  it('stopping the supervisor shuts its tasks down', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as ['ok', Pid];
      const [, pid] = (await Task.Supervisor.startChild(sup, () => sleep(10_000))) as ['ok', Pid];
      await DynamicSupervisor.stop(sup);
      return Process.alive(pid);
    });
    expect(got).toBe(false);
  });
});
