import { describe, expect, it } from 'vitest';
import {
  _,
  Agent,
  ArgumentError,
  GenServer,
  Process,
  Registry,
  Supervisor,
  catchExit,
  receive,
  self,
  sleep,
  sys,
} from '../index';
import type { Pid } from '../index';
import { virtualRuntime } from './helpers';

describe('Agent.start and Agent.startLink', () => {
  it('runs the initial function inside the agent process and resolves [ok, pid]', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const started = (await Agent.startLink(() => ({ owner: self(), items: [] as number[] }))) as [
        'ok',
        Pid,
      ];
      const state = (await Agent.get(started[1], (s: { owner: Pid }) => s)) as { owner: Pid };
      return {
        started,
        owner: state.owner,
        linked: (Process.info(self(), 'links')[1] as Pid[]).includes(started[1]),
      };
    });
    expect(got.started[0]).toBe('ok');
    expect(got.owner).toBe(got.started[1]);
    expect(got.linked).toBe(true);
  });

  it('Agent.start is not linked; an async initial function works too', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, pid] = (await Agent.start(async () => {
        await sleep(50);
        return 7;
      })) as ['ok', Pid];
      return [
        (Process.info(self(), 'links')[1] as Pid[]).includes(pid),
        await Agent.get(pid, (n: number) => n),
        rt.clock.now(),
      ];
    });
    expect(got).toEqual([false, 7, 50]);
  });

  it("registers a name; a taken name gives ['error', ['already_started', pid]]", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, pid] = (await Agent.start(() => 0, { name: 'counter' })) as ['ok', Pid];
      const again = await Agent.start(() => 1, { name: 'counter' });
      await Agent.update('counter', (n: number) => n + 1);
      return { pid, again, value: await Agent.get('counter', (n: number) => n) };
    });
    expect(got.again).toEqual(['error', ['already_started', got.pid]]);
    expect(got.value).toBe(1);
  });

  it('works with a Registry via name', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'agents' });
      const name = Registry.via('agents', 'bucket');
      await Agent.start(() => new Map([['milk', 1]]), { name });
      await Agent.update(name, (m: Map<string, number>) => m.set('eggs', 12));
      return Agent.get(name, (m: Map<string, number>) => [...m.keys()]);
    });
    expect(got).toEqual(['milk', 'eggs']);
  });

  it("an initial function that throws fails the start with ['error', reason]", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () =>
      Agent.start(() => {
        throw new Error('no state for you');
      }),
    );
    expect(got[0]).toBe('error');
    expect((got as ['error', Error])[1].message).toBe('no state for you');
  });

  it('refuses something that is not a function', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      try {
        await Agent.start(42 as unknown as () => number);
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(got).toBeInstanceOf(ArgumentError);
  });
});

describe('reading and changing the state', () => {
  it('get, update, getAndUpdate and cast, in order', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.startLink(() => [] as string[])) as ['ok', Pid];
      const log: unknown[] = [];
      log.push(await Agent.update(agent, (list: string[]) => [...list, 'a']));
      log.push(Agent.cast(agent, (list: string[]) => [...list, 'b']));
      log.push(await Agent.getAndUpdate(agent, (list: string[]) => [list.length, [...list, 'c']]));
      log.push(await Agent.get(agent, (list: string[]) => list.join('')));
      return log;
    });
    expect(got).toEqual(['ok', 'ok', 2, 'abc']);
  });

  it('functions run in the agent process and may be async', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.startLink(() => 1)) as ['ok', Pid];
      const where = await Agent.get(agent, () => self());
      await Agent.update(agent, async (n: number) => {
        await sleep(10);
        return n * 10;
      });
      return [where === agent, await Agent.get(agent, (n: number) => n)];
    });
    expect(got).toEqual([true, 10]);
  });

  it("get exits the caller with ['timeout', ['GenServer', 'call', ...]] when the function takes too long", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.start(() => 0)) as ['ok', Pid];
      const slow = async (n: number) => {
        await sleep(200);
        return n;
      };
      const late = await catchExit(Agent.get(agent, slow, 100));
      return { late, agent, slow, fine: await Agent.get(agent, (n: number) => n, 'infinity') };
    });
    expect(got.late).toEqual([
      'exit',
      ['timeout', ['GenServer', 'call', [got.agent, ['get', got.slow], 100]]],
    ]);
    expect(got.fine).toBe(0);
  });

  it('a function that throws crashes the agent, and the caller exits with the error', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.start(() => 0)) as ['ok', Pid];
      const result = await catchExit(
        Agent.update(agent, () => {
          throw new Error('bad update');
        }),
      );
      await sleep(1);
      return { result, alive: Process.alive(agent) };
    });
    expect(got.result[0]).toBe('exit');
    expect((got.result[1] as [Error, unknown])[0].message).toBe('bad update');
    expect(got.alive).toBe(false);
  });

  it('a getAndUpdate function that does not return [reply, newState] stops the agent with bad_return_value', async () => {
    const { rt } = virtualRuntime();
    const notAPair = ((n: number) => n) as unknown as (n: number) => [number, number];
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.start(() => 0)) as ['ok', Pid];
      const result = await catchExit(Agent.getAndUpdate(agent, notAPair));
      return { agent, result, alive: Process.alive(agent) };
    });
    expect(got.result).toEqual([
      'exit',
      [
        ['bad_return_value', 0],
        ['GenServer', 'call', [got.agent, ['get_and_update', notAPair], 5000]],
      ],
    ]);
    expect(got.alive).toBe(false);
  });
});

describe('an Agent is a GenServer', () => {
  it('sys.getState reads its state; GenServer.call and stop work on it', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.start(() => ({ hits: 3 }))) as ['ok', Pid];
      const state = await sys.getState(agent);
      const viaCall = await GenServer.call(agent, ['get', (s: { hits: number }) => s.hits]);
      return { state, viaCall, agent };
    });
    expect(got.state).toEqual({ hits: 3 });
    expect(got.viaCall).toBe(3);
  });

  it('Agent.stop stops it with a reason; stopping a dead agent exits with noproc', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.start(() => 0)) as ['ok', Pid];
      const ref = Process.monitor(agent);
      const stopped = await Agent.stop(agent, 'shutdown');
      const down = await receive(['DOWN', ref, 'process', agent, _]);
      const again = await catchExit(Agent.stop(agent));
      return {
        stopped,
        reason: (down as unknown[])[4],
        again: again[0],
        againReason: (again[1] as unknown[])[0],
      };
    });
    expect(got).toEqual({
      stopped: 'ok',
      reason: 'shutdown',
      again: 'exit',
      againReason: 'noproc',
    });
  });
});

describe('child specs', () => {
  it("Agent.childSpec(fn) is exactly {id: Agent, start: [Agent, 'startLink', [fn]]}, and each start runs fn again (a restart starts over)", async () => {
    const { rt } = virtualRuntime();
    const initial = () => ({ count: 0 });
    const spec = Agent.childSpec(initial);
    expect(spec).toEqual({ id: Agent, start: [Agent, 'startLink', [initial]] });
    const got = await rt.run(async () => {
      // What a supervisor does: apply start, and apply it again after the child crashed.
      const [module, fn, args] = spec.start as [
        Record<string, (...a: unknown[]) => Promise<unknown>>,
        string,
        unknown[],
      ];
      Process.flag('trap_exit', true);
      const [, first] = (await module[fn]!(...args)) as ['ok', Pid];
      await Agent.update(first, (s: { count: number }) => ({ count: s.count + 5 }));
      const before = await Agent.get(first, (s: { count: number }) => s.count);
      Process.exit(first, 'kill');
      const [, second] = (await module[fn]!(...args)) as ['ok', Pid];
      return [before, await Agent.get(second, (s: { count: number }) => s.count), first !== second];
    });
    expect(got).toEqual([5, 0, true]);
  });

  it('Agent.define gives a module with its own startLink a child spec, like `use Agent`', () => {
    const Counter = Agent.define(
      {
        startLink: (start: number) => Agent.startLink(() => start, { name: 'counter' }),
        value: () => Agent.get('counter', (n: number) => n),
      },
      { restart: 'transient' },
    );
    expect(Counter.childSpec(3)).toEqual({
      id: Counter,
      start: [Counter, 'startLink', [3]],
      restart: 'transient',
    });
  });
});

describe('an Agent under a supervisor', () => {
  it('restarts with its initial state after a crash, through Agent.childSpec and a plain spec', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const initial = () => ({ count: 0 });
      const [, sup] = (await Supervisor.startLink(
        [
          { ...Agent.childSpec(initial), id: 'a' },
          { id: 'b', start: [Agent, 'startLink', [() => 100, { name: 'b' }]] },
        ],
        { strategy: 'one_for_one' },
      )) as ['ok', Pid];
      const pidOf = async (id: string) =>
        ((await Supervisor.whichChildren(sup)) as unknown[][]).find(
          (row) => row[0] === id,
        )![1] as Pid;
      const a1 = await pidOf('a');
      await Agent.update(a1, (s: { count: number }) => ({ count: s.count + 1 }));
      await Agent.update('b', (n: number) => n + 1);
      const before = [
        await Agent.get(a1, (s: { count: number }) => s.count),
        await Agent.get('b', (n: number) => n),
      ];
      Process.exit(a1, 'kill');
      Process.exit(Process.whereis('b')!, 'kill');
      await sleep(1);
      const a2 = await pidOf('a');
      const after = [
        await Agent.get(a2, (s: { count: number }) => s.count),
        await Agent.get('b', (n: number) => n),
      ];
      return { before, after, restarted: a1 !== a2 };
    });
    expect(got).toEqual({ before: [1, 101], after: [0, 100], restarted: true });
  });
});
