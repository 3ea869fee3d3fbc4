import { describe, expect, it } from 'vitest';
import {
  _,
  ArgumentError,
  DEFAULT_MAX_CONCURRENCY,
  GenServer,
  Process,
  Task,
  catchExit,
  exit,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnMonitor,
} from '../index';
import type { From, Pid, StreamResult } from '../index';
import { virtualRuntime } from './helpers';

const messages = () => Process.info(self(), 'messages')[1] as unknown[];
const links = () => Process.info(self(), 'links')[1] as Pid[];

/** A task function that sleeps `ms` then returns `value`. */
const after =
  <T>(ms: number, value: T) =>
  async () => {
    await sleep(ms);
    return value;
  };

describe('Task.async', () => {
  it('returns a plain {pid, ref, owner, mfa} task, linked to and monitored by the caller', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(10, 'v'));
      return {
        task,
        me: self(),
        linked: links().includes(task.pid!),
        monitored: (Process.info(self(), 'monitors')[1] as unknown[]).length,
        keys: Object.keys(task).sort(),
      };
    });
    expect(got.keys).toEqual(['mfa', 'owner', 'pid', 'ref']);
    expect(got.task.owner).toBe(got.me);
    expect(got.task.mfa).toEqual(['erlang', 'apply', 2]);
    expect(got.linked).toBe(true);
    expect(got.monitored).toBe(1);
  });

  it("the reply arrives as [task.ref, result], followed by a DOWN with 'normal'", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(() => 6 * 7);
      await sleep(5);
      return { task, mailbox: messages() };
    });
    expect(got.mailbox).toEqual([
      [got.task.ref, 42],
      ['DOWN', got.task.ref, 'process', got.task.pid, 'normal'],
    ]);
  });

  it('takes [module, fnName, args] too, with the mfa recorded', async () => {
    const { rt } = virtualRuntime();
    const MathMod = { add: (a: number, b: number) => a + b };
    const got = await rt.run(async () => {
      const task = Task.async(MathMod, 'add', [2, 3]);
      return [await Task.await(task), task.mfa];
    });
    expect(got).toEqual([5, [MathMod, 'add', 2]]);
  });

  it('a crashing task takes its linked owner down; a trapping owner gets the EXIT and the DOWN', async () => {
    const { rt, text } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const victim = spawn(async () => {
        Task.async(() => {
          throw new Error('task failed');
        });
        await sleep(100);
        send(me, 'survived');
      });
      const ref = Process.monitor(victim);
      const down = await receive(['DOWN', ref, _, _, _]);
      Process.flag('trap_exit', true);
      const task = Task.async(() => exit('oops'));
      const exitMsg = await receive(['EXIT', task.pid, _]);
      const taskDown = await receive(['DOWN', task.ref, _, _, _]);
      return {
        victimReason: (down[4] as Error).message,
        exitMsg: exitMsg[2],
        taskDown: taskDown[4],
      };
    });
    expect(got).toEqual({ victimReason: 'task failed', exitMsg: 'oops', taskDown: 'oops' });
    expect(text('stderr')).toMatch(
      /\[error\] Task #PID<0\.\d+\.0> started from #PID<0\.\d+\.0> terminating\n\*\* \(Error\) task failed/,
    );
  });
});

describe('Task.await', () => {
  it('returns the result, demonitors and flushes the DOWN: nothing is left in the mailbox', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(100, 'done'));
      const result = await Task.await(task);
      await sleep(10);
      return {
        result,
        mailbox: messages(),
        now: rt.clock.now(),
        monitors: Process.info(self(), 'monitors')[1],
      };
    });
    expect(got).toEqual({ result: 'done', mailbox: [], now: 110, monitors: [] });
  });

  it('works when the reply and DOWN are already in the mailbox', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(() => 'early');
      await sleep(50);
      return [await Task.await(task), messages()];
    });
    expect(got).toEqual(['early', []]);
  });

  it("on timeout exits the caller with ['timeout', ['Task', 'await', [task, timeout]]] and the linked task dies too", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const owner = spawn(async () => {
        const task = Task.async(after(1000, 'late'));
        send(me, ['task', task]);
        await Task.await(task, 100);
      });
      const ref = Process.monitor(owner);
      const [, task] = (await receive(['task', _])) as [string, ReturnType<typeof Task.async>];
      const down = await receive(['DOWN', ref, _, _, _]);
      await sleep(1);
      return { reason: down[4], task, taskAlive: Process.alive(task.pid!), now: rt.clock.now() };
    });
    expect(got.reason).toEqual(['timeout', ['Task', 'await', [got.task, 100]]]);
    expect(got.taskAlive).toBe(false);
    expect(got.now).toBe(101);
  });

  it('a caught timeout leaves no late reply in the mailbox (the alias is gone)', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const task = Task.async(after(300, 'late'));
      const result = await catchExit(Task.await(task, 100));
      await sleep(500);
      return {
        result: result[0],
        mailbox: messages().filter((m) => !(Array.isArray(m) && m[0] === 'EXIT')),
      };
    });
    expect(got).toEqual({ result: 'exit', mailbox: [] });
  });

  it("exits with [reason, ['Task', 'await', [task, timeout]]] when the task dies", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const task = Task.async(async () => {
        await sleep(10);
        exit('boom');
      });
      return { result: await catchExit(Task.await(task)), task };
    });
    expect(got.result).toEqual(['exit', ['boom', ['Task', 'await', [got.task, 5000]]]]);
  });

  it('defaults to 5000 ms and accepts infinity', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const fine = await Task.await(Task.async(after(4999, 'ok')));
      const late = await catchExit(Task.await(Task.async(after(5001, 'late'))));
      const forever = await Task.await(Task.async(after(60_000, 'patient')), 'infinity');
      return [fine, late[0], forever];
    });
    expect(got).toEqual(['ok', 'exit', 'patient']);
  });

  it('awaiting a task owned by another process raises ArgumentError', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const task = Task.async(after(100, 1));
      spawn(async () => {
        try {
          await Task.await(task);
          send(me, 'no error');
        } catch (e) {
          send(me, ['error', e]);
        }
      });
      const [, error] = (await receive(['error', _])) as [string, Error];
      return { error, value: await Task.await(task) };
    });
    expect(got.error).toBeInstanceOf(ArgumentError);
    expect(got.error.message).toMatch(/must be queried from the owner but was queried from #PID/);
    expect(got.value).toBe(1);
  });
});

describe('Task.awaitMany', () => {
  it('returns the results in task order, however they finish, within one timeout', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const tasks = [
        Task.async(after(300, 'a')),
        Task.async(after(100, 'b')),
        Task.async(after(200, 'c')),
      ];
      return [await Task.awaitMany(tasks), rt.clock.now(), messages()];
    });
    expect(got).toEqual([['a', 'b', 'c'], 300, []]);
  });

  it("exits with ['timeout', ['Task', 'awaitMany', [tasks, timeout]]] when the total time runs out", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const tasks = [Task.async(after(100, 'a')), Task.async(after(1000, 'b'))];
      return { result: await catchExit(Task.awaitMany(tasks, 500)), tasks, now: rt.clock.now() };
    });
    expect(got.result).toEqual(['exit', ['timeout', ['Task', 'awaitMany', [got.tasks, 500]]]]);
    expect(got.now).toBe(500);
  });

  it('exits with the reason of a task that dies', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const tasks = [Task.async(after(100, 'a')), Task.async(() => exit('bad'))];
      return { result: await catchExit(Task.awaitMany(tasks)), tasks };
    });
    expect(got.result).toEqual(['exit', ['bad', ['Task', 'awaitMany', [got.tasks, 5000]]]]);
  });
});

describe('Task.yield', () => {
  it("returns null while running (keeping the monitor), then ['ok', v], then null again", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(300, 'answer'));
      const first = await Task.yield(task, 100);
      const monitorsKept = (Process.info(self(), 'monitors')[1] as unknown[]).length;
      const second = await Task.yield(task, 1000);
      const third = await Task.yield(task, 100);
      return { first, monitorsKept, second, third, now: rt.clock.now(), mailbox: messages() };
    });
    expect(got).toEqual({
      first: null,
      monitorsKept: 1,
      second: ['ok', 'answer'],
      third: null,
      now: 400,
      mailbox: [],
    });
  });

  it("returns ['exit', reason] when the task died (caller trapping exits)", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const task = Task.async(() => exit('broken'));
      return Task.yield(task);
    });
    expect(got).toEqual(['exit', 'broken']);
  });

  it('defaults to 5000 ms', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(6000, 'x'));
      const r = await Task.yield(task);
      const at = rt.clock.now();
      await Task.shutdown(task);
      return [r, at];
    });
    expect(got).toEqual([null, 5000]);
  });

  it('from another process raises ArgumentError', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(10, 1));
      const me = self();
      spawn(async () => {
        const r = await catchError(() => Task.yield(task, 0));
        send(me, ['r', r]);
      });
      return (await receive(['r', _]))[1];
    });
    expect(got).toBeInstanceOf(ArgumentError);
  });
});

describe('Task.yieldMany', () => {
  it('gives [task, result] pairs in task order: ok, exit, or null for tasks still running', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const tasks = [
        Task.async(after(50, 'fast')),
        Task.async(() => exit('crashed')),
        Task.async(after(1000, 'slow')),
      ];
      const results = await Task.yieldMany(tasks, { timeout: 200 });
      const slowAlive = Process.alive(tasks[2]!.pid!);
      const later = await Task.yield(tasks[2]!, 2000);
      return { tasks, results, slowAlive, later, now: rt.clock.now() };
    });
    expect(got.results).toEqual([
      [got.tasks[0], ['ok', 'fast']],
      [got.tasks[1], ['exit', 'crashed']],
      [got.tasks[2], null],
    ]);
    expect(got.slowAlive).toBe(true);
    expect(got.later).toEqual(['ok', 'slow']);
  });

  it('takes a plain timeout too, and returns early once every task answered', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const tasks = [Task.async(after(10, 1)), Task.async(after(20, 2))];
      const results = await Task.yieldMany(tasks, 5000);
      return [results.map(([, r]) => r), rt.clock.now()];
    });
    expect(got).toEqual([
      [
        ['ok', 1],
        ['ok', 2],
      ],
      20,
    ]);
  });

  it("onTimeout 'kill_task' shuts down the tasks that did not answer in time", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const tasks = [Task.async(after(50, 'fast')), Task.async(after(1000, 'slow'))];
      const results = await Task.yieldMany(tasks, { timeout: 100, onTimeout: 'kill_task' });
      await sleep(2000);
      return {
        results: results.map(([, r]) => r),
        slowAlive: Process.alive(tasks[1]!.pid!),
        mailbox: messages(),
      };
    });
    expect(got).toEqual({ results: [['ok', 'fast'], null], slowAlive: false, mailbox: [] });
  });

  it("onTimeout 'ignore' leaves them running, unlinked, and their replies never arrive", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const tasks = [Task.async(after(1000, 'slow'))];
      const results = await Task.yieldMany(tasks, { timeout: 100, onTimeout: 'ignore' });
      const alive = Process.alive(tasks[0]!.pid!);
      const linked = links().includes(tasks[0]!.pid!);
      await sleep(2000);
      return { results: results.map(([, r]) => r), alive, linked, mailbox: messages() };
    });
    expect(got).toEqual({ results: [null], alive: true, linked: false, mailbox: [] });
  });

  it("onTimeout 'nothing' (the default) keeps the monitors: the tasks can be yielded later", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const tasks = [Task.async(after(1000, 'slow'))];
      const first = await Task.yieldMany(tasks, { timeout: 100 });
      const second = await Task.yieldMany(tasks, { timeout: 2000 });
      return [first[0]![1], second[0]![1]];
    });
    expect(got).toEqual([null, ['ok', 'slow']]);
  });

  it('limit returns as soon as that many tasks answered, without the timeout action', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const tasks = [
        Task.async(after(10, 'a')),
        Task.async(after(20, 'b')),
        Task.async(after(500, 'c')),
      ];
      const results = await Task.yieldMany(tasks, { limit: 2, onTimeout: 'kill_task' });
      return {
        results: results.map(([, r]) => r),
        now: rt.clock.now(),
        cAlive: Process.alive(tasks[2]!.pid!),
      };
    });
    expect(got).toEqual({ results: [['ok', 'a'], ['ok', 'b'], null], now: 20, cAlive: true });
  });

  it('refuses bad options and tasks of another owner', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(10, 1));
      return [
        await catchError(() => Task.yieldMany([task], { onTimeout: 'shutdown' as 'ignore' })),
        await catchError(() => Task.yieldMany([{ ...task, owner: task.pid! }])),
      ];
    });
    expect(got[0]).toBeInstanceOf(ArgumentError);
    expect(got[1]).toBeInstanceOf(ArgumentError);
  });
});

describe('Task.ignore', () => {
  it('unlinks and demonitors a running task, which keeps running; returns null', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(100, 'unwanted'));
      const result = Task.ignore(task);
      const state = {
        linked: links().includes(task.pid!),
        monitors: (Process.info(self(), 'monitors')[1] as unknown[]).length,
      };
      await sleep(50);
      const aliveMidway = Process.alive(task.pid!);
      await sleep(100);
      return { result, ...state, aliveMidway, mailbox: messages() };
    });
    expect(got).toEqual({
      result: null,
      linked: false,
      monitors: 0,
      aliveMidway: true,
      mailbox: [],
    });
  });

  it("returns ['ok', reply] if the reply already arrived, ['exit', reason] if the task died", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const done = Task.async(() => 'ready');
      const dead = Task.async(() => exit('gone'));
      await sleep(10);
      return [
        Task.ignore(done),
        Task.ignore(dead),
        messages().filter((m) => !(Array.isArray(m) && m[0] === 'EXIT')),
      ];
    });
    expect(got).toEqual([['ok', 'ready'], ['exit', 'gone'], []]);
  });
});

describe('Task.shutdown', () => {
  it("returns null when it had to stop the task, after sending 'shutdown'", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(1000, 'x'));
      const result = await Task.shutdown(task);
      return {
        result,
        alive: Process.alive(task.pid!),
        now: rt.clock.now(),
        mailbox: messages(),
        linked: links().length,
      };
    });
    expect(got).toEqual({ result: null, alive: false, now: 0, mailbox: [], linked: 0 });
  });

  it('unlinks first: the owner survives the shutdown exit of its linked task', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(1000, 'x'));
      await Task.shutdown(task, 'brutal_kill');
      await sleep(10);
      return Process.alive(self());
    });
    expect(got).toBe(true);
  });

  it("returns ['ok', reply] when the reply arrived before the shutdown", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(() => 'made it');
      await sleep(10);
      return [await Task.shutdown(task), messages()];
    });
    expect(got).toEqual([['ok', 'made it'], []]);
  });

  it("returns ['exit', reason] when the task died of something else", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const alreadyDead = Task.async(() => exit('crashed'));
      await sleep(10);
      const first = await Task.shutdown(alreadyDead);
      const trapping = Task.async(async () => {
        Process.flag('trap_exit', true);
        await receive(['EXIT', _, 'shutdown']);
        exit('cleaned up');
      });
      await sleep(1);
      const second = await Task.shutdown(trapping);
      return [first, second];
    });
    expect(got).toEqual([
      ['exit', 'crashed'],
      ['exit', 'cleaned up'],
    ]);
  });

  it("kills a task that traps the shutdown and outlives the timeout, and returns ['exit', 'killed']", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(async () => {
        Process.flag('trap_exit', true);
        await sleep(10_000);
        return 'too late';
      });
      await sleep(1);
      const result = await Task.shutdown(task, 200);
      return { result, now: rt.clock.now(), alive: Process.alive(task.pid!) };
    });
    expect(got).toEqual({ result: ['exit', 'killed'], now: 201, alive: false });
  });

  it("'brutal_kill' kills at once", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(async () => {
        Process.flag('trap_exit', true);
        await sleep(10_000);
      });
      await sleep(1);
      return [await Task.shutdown(task, 'brutal_kill'), rt.clock.now()];
    });
    expect(got).toEqual([null, 1]);
  });

  it("returns ['exit', 'noproc'] when the task's outcome was already consumed", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const task = Task.async(() => exit('x'));
      await Task.yield(task);
      return Task.shutdown(task);
    });
    expect(got).toEqual(['exit', 'noproc']);
  });

  it('from another process raises ArgumentError', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.async(after(10, 1));
      const me = self();
      spawn(async () => send(me, ['r', await catchError(() => Task.shutdown(task))]));
      return (await receive(['r', _]))[1];
    });
    expect(got).toBeInstanceOf(ArgumentError);
  });
});

describe('Task.start and Task.startLink', () => {
  it("return ['ok', pid] at once; startLink links, start does not; no reply is sent", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const linked = Task.startLink(() => send(me, 'linked ran'));
      const unlinked = Task.start(() => send(me, 'unlinked ran'));
      const state = {
        linked: links().includes(linked[1]),
        unlinkedLinked: links().includes(unlinked[1]),
      };
      await receive('linked ran');
      await receive('unlinked ran');
      await sleep(1);
      return { ok: [linked[0], unlinked[0]], ...state, mailbox: messages() };
    });
    expect(got).toEqual({ ok: ['ok', 'ok'], linked: true, unlinkedLinked: false, mailbox: [] });
  });

  it('Task.childSpec(fn) is temporary and starts Task.startLink(fn); Task.define is like `use Task`', () => {
    const fn = () => null;
    expect(Task.childSpec(fn)).toEqual({
      id: Task,
      start: [Task, 'startLink', [fn]],
      restart: 'temporary',
    });
    const Worker = Task.define(
      { startLink: (arg: number) => Task.startLink(() => arg) },
      { restart: 'transient' },
    );
    expect(Worker.childSpec(1)).toEqual({
      id: Worker,
      start: [Worker, 'startLink', [1]],
      restart: 'transient',
    });
  });

  it('Task.completed gives a task that awaits to its value at once', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const task = Task.completed('cached');
      return [task.pid, await Task.await(task), messages()];
    });
    expect(got).toEqual([null, 'cached', []]);
  });
});

describe('Task.asyncStream', () => {
  const sleepy = async (n: number) => {
    await sleep(100);
    return n * 2;
  };

  async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of stream) out.push(item);
    return out;
  }

  it('runs at most maxConcurrency tasks at once: 10 items of 100 ms with 5 take 200 ms', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const results = await collect(Task.asyncStream(items, sleepy, { maxConcurrency: 5 }));
      const concurrent = rt.clock.now();
      const sequential = await collect(Task.asyncStream(items, sleepy, { maxConcurrency: 1 }));
      return { results, concurrent, sequential: rt.clock.now() - concurrent, same: sequential };
    });
    expect(got.results).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((v) => ['ok', v]));
    expect(got.concurrent).toBe(200);
    expect(got.sequential).toBe(1000);
    expect(got.same).toEqual(got.results);
  });

  it(`defaults to ${DEFAULT_MAX_CONCURRENCY} tasks at once`, async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      let running = 0;
      let most = 0;
      const track = async () => {
        most = Math.max(most, ++running);
        await sleep(10);
        running--;
      };
      await collect(
        Task.asyncStream(
          Array.from({ length: 20 }, (_x, i) => i),
          track,
        ),
      );
      return most;
    });
    expect(got).toBe(DEFAULT_MAX_CONCURRENCY);
  });

  it('keeps input order by default, and yields in completion order with ordered: false', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const delays = [300, 100, 200];
      const work = async (ms: number) => {
        await sleep(ms);
        return ms;
      };
      const ordered = await collect(Task.asyncStream(delays, work));
      const unordered = await collect(Task.asyncStream(delays, work, { ordered: false }));
      return { ordered, unordered };
    });
    expect(got.ordered).toEqual([
      ['ok', 300],
      ['ok', 100],
      ['ok', 200],
    ]);
    expect(got.unordered).toEqual([
      ['ok', 100],
      ['ok', 200],
      ['ok', 300],
    ]);
  });

  it('an ordered stream yields each result as soon as those before it are done', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const seen: Array<[unknown, number]> = [];
      const work = async (ms: number) => {
        await sleep(ms);
        return ms;
      };
      for await (const [, v] of Task.asyncStream([100, 300, 200], work))
        seen.push([v, rt.clock.now()]);
      return seen;
    });
    expect(got).toEqual([
      [100, 100],
      [300, 300],
      [200, 300],
    ]);
  });

  it('links the tasks to one process linked to the caller (as Elixir does), and leaves no messages behind', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const holders: Pid[] = [];
      const holderLinks: Pid[][] = [];
      const me = self();
      let callerLinks: Pid[] = [];
      const stream = Task.asyncStream([1, 2], async (n: number) => {
        const [holder] = links();
        holders.push(holder!);
        holderLinks.push(Process.info(holder!, 'links')[1] as Pid[]);
        callerLinks = Process.info(me, 'links')[1] as Pid[];
        await sleep(10);
        return n;
      });
      await collect(stream);
      return {
        oneHolder: holders[0] !== me && holders[0] === holders[1],
        holderLinkedToCaller: holderLinks.every((l) => l.includes(me)),
        callerLinkedOnlyToHolder: callerLinks.length === 1 && callerLinks[0] === holders[0],
        holderGone: !Process.alive(holders[0]!),
        mailbox: messages(),
        links: links(),
      };
    });
    expect(got).toEqual({
      oneHolder: true,
      holderLinkedToCaller: true,
      callerLinkedOnlyToHolder: true,
      holderGone: true,
      mailbox: [],
      links: [],
    });
  });

  it("a task over the timeout exits the caller with ['timeout', ...] by default", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const consumer = spawn(async () => {
        await collect(
          Task.asyncStream(
            [50, 500],
            async (ms: number) => {
              await sleep(ms);
              return ms;
            },
            { timeout: 100 },
          ),
        );
        send(me, 'finished');
      });
      const ref = Process.monitor(consumer);
      const down = await receive(['DOWN', ref, _, _, _]);
      return { reason: down[4], now: rt.clock.now(), processes: Process.list().length };
    });
    expect(got.reason).toEqual(['timeout', ['Task.Supervised', 'stream', [100]]]);
    expect(got.now).toBe(100);
  });

  it("onTimeout 'kill_task' kills the late task and yields ['exit', 'timeout'] for it", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const pids: Pid[] = [];
      const results = await collect(
        Task.asyncStream(
          [50, 500, 80],
          async (ms: number) => {
            pids.push(self());
            await sleep(ms);
            return ms;
          },
          { timeout: 100, onTimeout: 'kill_task' },
        ),
      );
      return {
        results,
        now: rt.clock.now(),
        alive: pids.map((p) => Process.alive(p)),
        mailbox: messages(),
      };
    });
    expect(got.results).toEqual([
      ['ok', 50],
      ['exit', 'timeout'],
      ['ok', 80],
    ]);
    expect(got.now).toBe(100);
    expect(got.alive).toEqual([false, false, false]);
    expect(got.mailbox).toEqual([]);
  });

  it("a crashing task takes the caller down; a trapping caller gets ['exit', reason] for it", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      return collect(Task.asyncStream([1, 2, 3], (n: number) => (n === 2 ? exit('two') : n)));
    });
    expect(got).toEqual([
      ['ok', 1],
      ['exit', 'two'],
      ['ok', 3],
    ]);
  });

  it("a trapping caller gets ['exit', reason] per crashing element and no EXIT message in its mailbox", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const results = await collect(
        Task.asyncStream(['ok', 'bad', 'worse'], (s: string) => (s === 'ok' ? s : exit(s))),
      );
      await sleep(10);
      return { results, mailbox: messages(), links: links() };
    });
    expect(got).toEqual({
      results: [
        ['ok', 'ok'],
        ['exit', 'bad'],
        ['exit', 'worse'],
      ],
      mailbox: [],
      links: [],
    });
  });

  it('a caller that does not trap exits dies with the reason of a crashing element', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [pid, ref] = spawnMonitor(async () => {
        await collect(Task.asyncStream([7, 8], (n: number) => (n === 8 ? exit('eight') : n)));
        return 'finished';
      });
      return receive(['DOWN', ref, 'process', pid, _]);
    });
    expect(got[4]).toBe('eight');
  });

  it('a finished stream leaves nothing behind in its caller: no holder process, no exit hook', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const before = Process.list().length;
      const hooksBefore = rt.procOf(self())!.exitHooks?.length ?? 0;
      for (let round = 0; round < 3; round++)
        await collect(Task.asyncStream([1, 2], (n: number) => n));
      return {
        processes: Process.list().length - before,
        hooks: (rt.procOf(self())!.exitHooks?.length ?? 0) - hooksBefore,
      };
    });
    expect(got).toEqual({ processes: 0, hooks: 0 });
  });

  it("an exiting caller takes the stream's running tasks down with it", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const pid = spawn(async () => {
        for await (const r of Task.asyncStream([1, 5000, 5000], async (ms: number) => {
          send(me, ['task', self()]);
          await sleep(ms);
          return ms;
        })) {
          if (r[0] === 'ok') exit('normal');
        }
      });
      const tasks = [
        (await receive(['task', _]))[1],
        (await receive(['task', _]))[1],
        (await receive(['task', _]))[1],
      ] as Pid[];
      await sleep(100);
      return { caller: Process.alive(pid), tasks: tasks.map((t) => Process.alive(t)) };
    });
    expect(got).toEqual({ caller: false, tasks: [false, false, false] });
  });

  it('breaking out of the loop kills the tasks still running', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const pids: Pid[] = [];
      let first: StreamResult<number> | null = null;
      const stream = Task.asyncStream([10, 1000, 1000], async (ms: number) => {
        pids.push(self());
        await sleep(ms);
        return ms;
      });
      for await (const r of stream) {
        first = r;
        break;
      }
      await sleep(5000);
      return {
        first,
        alive: pids.map((p) => Process.alive(p)),
        mailbox: messages(),
        links: links(),
      };
    });
    expect(got).toEqual({
      first: ['ok', 10],
      alive: [false, false, false],
      mailbox: [],
      links: [],
    });
  });

  it('starts tasks lazily, only when iterated, and can be iterated again', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      let calls = 0;
      const stream = Task.asyncStream([1, 2], (n: number) => {
        calls++;
        return n;
      });
      await sleep(10);
      const before = calls;
      const a = await collect(stream);
      const b = await collect(stream);
      return [before, calls, a, b];
    });
    expect(got).toEqual([
      0,
      4,
      [
        ['ok', 1],
        ['ok', 2],
      ],
      [
        ['ok', 1],
        ['ok', 2],
      ],
    ]);
  });

  it('rejects bad options', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => [
      await catchError(() => Task.asyncStream([1], (x: number) => x, { maxConcurrency: 0 })),
      await catchError(() =>
        Task.asyncStream([1], (x: number) => x, { onTimeout: 'kill' as 'exit' }),
      ),
      await catchError(() => Task.asyncStream(42 as unknown as number[], (x: number) => x)),
    ]);
    for (const e of got) expect(e).toBeInstanceOf(ArgumentError);
    expect((got[0] as Error).message).toMatch(
      /^maxConcurrency must be an integer greater than zero/,
    );
  });
});

describe('tasks inside a GenServer', () => {
  it('a server can start a task and handle its [ref, result] and DOWN in handleInfo', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Fetcher = GenServer.define({
        init: () => ['ok', { results: [] as unknown[] }],
        handleCall(req: string, _from: From, state: { results: unknown[] }) {
          if (req === 'results') return ['reply', state.results, state];
          Task.async(after(100, `fetched ${req}`));
          return ['reply', 'started', state];
        },
        handleInfo(msg: unknown, state: { results: unknown[] }) {
          if (Array.isArray(msg) && msg[0] === 'DOWN')
            return ['noreply', { results: [...state.results, ['down', msg[4]]] }];
          return ['noreply', { results: [...state.results, (msg as unknown[])[1]] }];
        },
      });
      const [, pid] = (await GenServer.start(Fetcher)) as ['ok', Pid];
      await GenServer.call(pid, 'page');
      await sleep(200);
      return GenServer.call(pid, 'results');
    });
    expect(got).toEqual(['fetched page', ['down', 'normal']]);
  });
});

async function catchError(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return null;
  } catch (e) {
    return e;
  }
}
