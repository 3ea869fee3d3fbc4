import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DynamicSupervisor,
  GenServer,
  PartitionSupervisor,
  Process,
  Supervisor,
  exit,
  receive,
  self,
  sleep,
  spawn,
  sys,
} from '../index';
import type { ChildSpecDefaults, From, Pid, SupervisorState } from '../index';
import { virtualRuntime } from './helpers';

/** A worker that logs `start X` and, when stopped by its supervisor, `stop X`; its state is its args. */
function makeWorker(log: string[], id: string, defaults: ChildSpecDefaults = {}) {
  const Worker = GenServer.define(
    {
      init(args: unknown[]) {
        Process.flag('trap_exit', true);
        log.push(`start ${id}`);
        return ['ok', args];
      },
      handleCall(request: unknown, _from: From, state: unknown) {
        if (Array.isArray(request) && request[0] === 'exit')
          return ['stop', request[1], 'ok', state];
        return ['reply', state, state];
      },
      terminate() {
        log.push(`stop ${id}`);
      },
    },
    { id, ...defaults },
  );
  // start_link(extra..., arg): collects every argument, so extraArguments show in the state.
  return Object.assign(Worker, {
    startLink: (...args: unknown[]) => GenServer.startLink(Worker, args),
  });
}

async function childPids(sup: Pid | string): Promise<Array<Pid | 'restarting'>> {
  return (await DynamicSupervisor.whichChildren(sup)).map((r) => r[1] as Pid | 'restarting');
}

describe('DynamicSupervisor', () => {
  it('starts with no children and adds them on demand; ids are undefined', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [ok, sup] = (await DynamicSupervisor.startLink({ name: 'jobs' })) as ['ok', Pid];
      const empty = await DynamicSupervisor.countChildren('jobs');
      const a = await DynamicSupervisor.startChild('jobs', [makeWorker(log, 'A'), 1]);
      const b = await DynamicSupervisor.startChild(
        sup,
        makeWorker(log, 'B', { restart: 'temporary' }),
      );
      const rows = await DynamicSupervisor.whichChildren('jobs');
      const counts = await DynamicSupervisor.countChildren('jobs');
      return { ok, empty, a, b, rows, counts, behaviour: rt.procOf(sup)!.behaviour };
    });
    expect(got.ok).toBe('ok');
    expect(got.behaviour).toBe('supervisor');
    expect(got.empty).toEqual({ specs: 0, active: 0, supervisors: 0, workers: 0 });
    expect(got.rows).toEqual([
      ['undefined', (got.a as ['ok', Pid])[1], 'worker', [expect.anything()]],
      ['undefined', (got.b as ['ok', Pid])[1], 'worker', [expect.anything()]],
    ]);
    expect(got.counts).toEqual({ specs: 2, active: 2, supervisors: 0, workers: 2 });
    expect(log).toEqual(['start A', 'start B']);
  });

  it('puts extraArguments before the arguments of each child', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      await DynamicSupervisor.startLink({ name: 'jobs', extraArguments: ['tenant-1', 42] });
      const [, pid] = (await DynamicSupervisor.startChild('jobs', [
        makeWorker(log, 'A'),
        'own arg',
      ])) as ['ok', Pid];
      return sys.getState(pid);
    });
    expect(got).toEqual(['tenant-1', 42, 'own arg']);
  });

  it("refuses children beyond maxChildren with ['error', 'max_children']", async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink({ maxChildren: 2 })) as ['ok', Pid];
      const A = makeWorker(log, 'A');
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await DynamicSupervisor.startChild(sup, [A, i]));
      const [, first] = results[0] as ['ok', Pid];
      await DynamicSupervisor.terminateChild(sup, first);
      results.push(await DynamicSupervisor.startChild(sup, [A, 3]));
      return results.map((r) => (Array.isArray(r) ? (r[0] === 'ok' ? 'ok' : r) : r));
    });
    expect(got).toEqual(['ok', 'ok', ['error', 'max_children'], 'ok']);
  });

  it("terminateChild stops a child by pid and forgets it; an unknown pid is ['error', 'not_found']", async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      const [, a] = (await DynamicSupervisor.startChild(sup, makeWorker(log, 'A'))) as ['ok', Pid];
      const first = await DynamicSupervisor.terminateChild(sup, a);
      const again = await DynamicSupervisor.terminateChild(sup, a);
      const stranger = await DynamicSupervisor.terminateChild(sup, self());
      return {
        first,
        again,
        stranger,
        alive: Process.alive(a),
        counts: await DynamicSupervisor.countChildren(sup),
      };
    });
    expect(got.first).toBe('ok');
    expect(got.again).toEqual(['error', 'not_found']);
    expect(got.stranger).toEqual(['error', 'not_found']);
    expect(got.alive).toBe(false);
    expect(got.counts.specs).toBe(0);
    expect(log).toEqual(['start A', 'stop A']);
  });

  it("start results: 'ignore', ['error', reason], ['ok', pid, info]; an invalid spec is refused in the caller", async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      const Shy = GenServer.define({ init: () => 'ignore' as const });
      const Broken = GenServer.define({ init: () => ['stop', 'no'] as ['stop', string] });
      const A = makeWorker(log, 'A');
      const Info = {
        startLink: async () => {
          const [, pid] = (await GenServer.startLink(A, [])) as ['ok', Pid];
          return ['ok', pid, 'info'];
        },
      };
      return {
        ignore: await DynamicSupervisor.startChild(sup, Shy),
        error: await DynamicSupervisor.startChild(sup, Broken),
        info: await DynamicSupervisor.startChild(sup, { id: 'x', start: [Info, 'startLink', []] }),
        invalid: await DynamicSupervisor.startChild(sup, {
          id: 'y',
          start: [A, 'startLink', []],
          restart: 'sometimes' as never,
        }),
        counts: await DynamicSupervisor.countChildren(sup),
        mailbox: Process.info(self(), 'messages')[1],
      };
    });
    expect(got.ignore).toBe('ignore');
    expect(got.error).toEqual(['error', 'no']);
    expect(got.info).toEqual(['ok', expect.anything(), 'info']);
    expect(got.invalid).toEqual(['error', ['invalid_restart_type', 'sometimes']]);
    expect(got.counts.specs).toBe(1);
    expect(got.mailbox).toEqual([]);
  });

  it('restarts permanent children; transient ones only after a crash; temporary ones never', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink({ maxRestarts: 10 })) as ['ok', Pid];
      const start = async (id: string, restart: 'permanent' | 'transient' | 'temporary') =>
        (
          (await DynamicSupervisor.startChild(sup, makeWorker(log, id, { restart }))) as ['ok', Pid]
        )[1];
      const p = await start('P', 'permanent');
      const tNormal = await start('Tn', 'transient');
      const tCrash = await start('Tc', 'transient');
      const temp = await start('X', 'temporary');
      log.length = 0;
      await GenServer.call(p, ['exit', 'normal']);
      await GenServer.call(tNormal, ['exit', 'shutdown']);
      Process.exit(tCrash, 'kill');
      Process.exit(temp, 'kill');
      const pids = await childPids(sup);
      return { pids, seen: [...log], old: [p, tCrash] };
    });
    expect(got.seen).toEqual(['stop P', 'stop Tn', 'start P', 'start Tc']);
    expect(got.pids).toHaveLength(2);
    expect(got.pids).not.toContain(got.old[0]);
    expect(got.pids).not.toContain(got.old[1]);
  });

  it("gives up after too many restarts: stops its children and exits with 'shutdown'", async () => {
    const { rt, text } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const [, sup] = (await DynamicSupervisor.startLink({ maxRestarts: 1, maxSeconds: 10 })) as [
        'ok',
        Pid,
      ];
      await DynamicSupervisor.startChild(sup, makeWorker(log, 'calm'));
      const [, a] = (await DynamicSupervisor.startChild(sup, makeWorker(log, 'A'))) as ['ok', Pid];
      Process.exit(a, 'kill');
      const restarted = (await childPids(sup))[1] as Pid;
      Process.exit(restarted, 'kill');
      return (await receive(['EXIT', sup, (_r: unknown) => true]))[2];
    });
    expect(got).toBe('shutdown');
    expect(log).toEqual(['start calm', 'start A', 'start A', 'stop calm']);
    expect(text('stderr')).toMatch(/DynamicSupervisor #PID<0\.\d+\.0> caused shutdown/);
  });

  it("shows a child whose restart failed as 'restarting' and tries again", async () => {
    const { rt } = virtualRuntime();
    let attempts = 0;
    const got = await rt.run(async () => {
      const Flaky = GenServer.define({
        async init() {
          attempts++;
          await sleep(100);
          return attempts === 2 || attempts === 3 ? ['stop', 'not yet'] : ['ok', null];
        },
      });
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      const [, pid] = (await DynamicSupervisor.startChild(sup, Flaky)) as ['ok', Pid];
      Process.exit(pid, 'kill');
      await sleep(50);
      // Each call waits behind the attempt in progress, which fails: the child is still restarting.
      const during = await DynamicSupervisor.whichChildren(sup);
      const counts = await DynamicSupervisor.countChildren(sup);
      await sleep(500);
      return { during, counts, after: await childPids(sup), attempts };
    });
    expect(got.during.map((r) => r[1])).toEqual(['restarting']);
    expect(got.counts).toEqual({ specs: 1, active: 0, supervisors: 0, workers: 1 });
    expect(got.after).toHaveLength(1);
    expect(got.after[0]).not.toBe('restarting');
    expect(got.attempts).toBe(4);
  });

  it('stops all children at once, each within its own shutdown time', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const Slow = (id: string, ms: number, shutdown: number) =>
        GenServer.define(
          {
            init() {
              Process.flag('trap_exit', true);
              return ['ok', null];
            },
            async terminate() {
              await sleep(ms);
              log.push(`${id} done`);
            },
          },
          { shutdown },
        );
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      await DynamicSupervisor.startChild(sup, Slow('quick', 200, 1000));
      await DynamicSupervisor.startChild(sup, Slow('stubborn', 5000, 1000));
      await DynamicSupervisor.startChild(sup, Slow('patient', 800, 1000));
      const t0 = rt.clock.now();
      await DynamicSupervisor.stop(sup);
      return rt.clock.now() - t0;
    });
    // Together: the slowest allowed (1000 ms, when 'stubborn' is killed), not 200 + 1000 + 800.
    expect(got).toBe(1000);
    expect(log).toEqual(['quick done', 'patient done']);
  });

  it('stops when its parent exits and ignores EXITs of strangers', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      await DynamicSupervisor.startChild(sup, makeWorker(log, 'A'));
      spawn(() => {
        Process.link(sup);
        exit('stranger crashed');
      });
      await sleep(10);
      return [Process.alive(sup), [...log]];
    });
    expect(got).toEqual([true, ['start A']]);
    // The run's process (the parent) has exited normally: the supervisor follows, children first.
    await rt.whenIdle();
    expect(log).toEqual(['start A', 'stop A']);
  });

  it('module-based: define, init(options) and startLink(module, arg, {name})', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const Pool = DynamicSupervisor.define({
      init: (limit: number) =>
        DynamicSupervisor.init({ maxChildren: limit, extraArguments: ['pool'] }),
    });
    expect(DynamicSupervisor.init({})).toEqual([
      'ok',
      {
        strategy: 'one_for_one',
        intensity: 3,
        period: 5,
        maxChildren: 'infinity',
        extraArguments: [],
      },
    ]);
    // Like `use DynamicSupervisor`: only id, start and type; the parent fills in the rest.
    expect(Pool.childSpec(1)).toEqual({
      id: Pool,
      start: [Pool, 'startLink', [1]],
      type: 'supervisor',
    });
    const got = await rt.run(async () => {
      await DynamicSupervisor.startLink(Pool, 1, { name: 'pool' });
      const first = await DynamicSupervisor.startChild('pool', [makeWorker(log, 'A'), 'a']);
      const second = await DynamicSupervisor.startChild('pool', [makeWorker(log, 'B'), 'b']);
      const state = (await sys.getState('pool')) as SupervisorState;
      return { state: await sys.getState((first as ['ok', Pid])[1]), second, panel: state };
    });
    expect(got.state).toEqual(['pool', 'a']);
    expect(got.second).toEqual(['error', 'max_children']);
    expect(got.panel).toMatchObject({
      kind: 'dynamic_supervisor',
      strategy: 'one_for_one',
      maxChildren: 1,
    });
    expect(got.panel.children.map((c) => c.id)).toEqual(['undefined']);
  });

  it("fails to start with ['supervisor_data', reason] for another strategy or a bad limit, as Elixir does", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const attempts: Array<Record<string, unknown>> = [
        { strategy: 'rest_for_one' },
        { maxRestarts: -2 },
        { maxSeconds: 2.5 },
        { maxChildren: 'lots' },
        { extraArguments: 'x' },
      ];
      const results = [];
      for (const options of attempts) results.push(await DynamicSupervisor.startLink(options));
      return { results, mailbox: Process.info(self(), 'messages')[1] };
    });
    expect(got.results).toEqual([
      ['error', ['supervisor_data', ['invalid_strategy', 'rest_for_one']]],
      ['error', ['supervisor_data', ['invalid_intensity', -2]]],
      ['error', ['supervisor_data', ['invalid_period', 2.5]]],
      ['error', ['supervisor_data', ['invalid_max_children', 'lots']]],
      ['error', ['supervisor_data', ['invalid_extra_arguments', 'x']]],
    ]);
    expect(got.mailbox).toEqual([]);
    // init only gathers the options, like Elixir's DynamicSupervisor.init: nothing is raised.
    const [, flags] = DynamicSupervisor.init({ strategy: 'one_for_all' as never }) as [
      'ok',
      { strategy: unknown },
    ];
    expect(flags.strategy).toBe('one_for_all');
  });

  it('a flags object written by hand gets Elixir’s defaults: one_for_one, 1 restart in 5 s', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Bare = DynamicSupervisor.define({ init: () => ['ok', {}] as never });
      const [, sup] = (await DynamicSupervisor.startLink(Bare)) as ['ok', Pid];
      return sys.getState(sup) as Promise<SupervisorState>;
    });
    expect(got).toMatchObject({ strategy: 'one_for_one', maxRestarts: 1, maxSeconds: 5 });
  });

  it("startChild refuses a spec without an id or a three-element start as ['invalid_child_spec', spec]", async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      const A = makeWorker(log, 'A');
      const noId = { start: [A, 'startLink', []] };
      const shortStart = { id: 'a', start: [A, 'startLink'] };
      return {
        noId: await DynamicSupervisor.startChild(sup, noId as never),
        shortStart: await DynamicSupervisor.startChild(sup, shortStart as never),
        badMfa: await DynamicSupervisor.startChild(sup, {
          id: 'a',
          start: [A, 'startLink', 'no list' as never],
        }),
        // Elixir checks the shutdown before the type.
        both: await DynamicSupervisor.startChild(sup, {
          id: 'a',
          start: [A, 'startLink', []],
          shutdown: -5,
          type: 'robot' as never,
        }),
        modules: await DynamicSupervisor.startChild(sup, {
          id: 'a',
          start: [A, 'startLink', []],
          modules: 'some' as never,
        }),
        oneModule: await DynamicSupervisor.startChild(sup, {
          id: 'a',
          start: [A, 'startLink', []],
          modules: [A, 7],
        }),
        counts: await DynamicSupervisor.countChildren(sup),
        noId$: noId,
        shortStart$: shortStart,
      };
    });
    expect(got.noId).toEqual(['error', ['invalid_child_spec', got.noId$]]);
    expect(got.shortStart).toEqual(['error', ['invalid_child_spec', got.shortStart$]]);
    expect(got.badMfa).toEqual([
      'error',
      ['invalid_mfa', [expect.anything(), 'startLink', 'no list']],
    ]);
    expect(got.both).toEqual(['error', ['invalid_shutdown', -5]]);
    expect(got.modules).toEqual(['error', ['invalid_modules', 'some']]);
    // Elixir names the whole list, where OTP's supervisor names the module.
    expect(got.oneModule).toEqual(['error', ['invalid_modules', [expect.anything(), 7]]]);
    expect(got.counts.specs).toBe(0);
    expect(log).toEqual([]);
  });

  it('fills in restart, shutdown and type for a spec that gives only id and start', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      const A = makeWorker(log, 'A');
      const Inner = Supervisor.define({
        init: () => Supervisor.init([], { strategy: 'one_for_one' }),
      });
      await DynamicSupervisor.startChild(sup, { id: 'w', start: [A, 'startLink', []] });
      await DynamicSupervisor.startChild(sup, Inner);
      return ((await sys.getState(sup)) as SupervisorState).children;
    });
    expect(got.map((c) => [c.restart, c.shutdown, c.type])).toEqual([
      ['permanent', 5000, 'worker'],
      ['permanent', 'infinity', 'supervisor'],
    ]);
  });

  it("a start function that throws gives ['error', reason], without OTP's EXIT wrapper", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      const Boom = {
        startLink() {
          exit('no disk');
        },
      };
      return DynamicSupervisor.startChild(sup, { id: 'b', start: [Boom, 'startLink', []] });
    });
    expect(got).toEqual(['error', 'no disk']);
  });

  it('ignores a cast it does not know and keeps its children, as Elixir does', async () => {
    const { rt, text } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      await DynamicSupervisor.startChild(sup, makeWorker(log, 'A'));
      GenServer.cast(sup, 'tidy up');
      await sleep(10);
      return [Process.alive(sup), (await DynamicSupervisor.countChildren(sup)).active];
    });
    expect(got).toEqual([true, 1]);
    expect(text('stderr')).toBe('');
  });

  it('terminateChild raises for anything but a pid, as children have no ids here', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink()) as ['ok', Pid];
      try {
        await DynamicSupervisor.terminateChild(sup, 'worker-1' as never);
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(got).toBeInstanceOf(ArgumentError);
    expect((got as Error).message).toBe(
      "DynamicSupervisor.terminateChild expects the pid of a child, got: 'worker-1'",
    );
  });

  it('its childSpec is {id, start, type} with the name as id (a via name gives its own name)', () => {
    const via = ['via', PartitionSupervisor, 'pools'] as const;
    expect(DynamicSupervisor.childSpec({ name: 'jobs' })).toEqual({
      id: 'jobs',
      start: [DynamicSupervisor, 'startLink', [{ name: 'jobs' }]],
      type: 'supervisor',
    });
    expect(DynamicSupervisor.childSpec({ name: via }).id).toBe('pools');
    expect(DynamicSupervisor.childSpec().id).toBe(DynamicSupervisor);
  });

  it('runs under a Supervisor as [DynamicSupervisor, options]', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, top] = (await Supervisor.startLink([[DynamicSupervisor, { name: 'dyn' }]], {
        strategy: 'one_for_one',
      })) as ['ok', Pid];
      await DynamicSupervisor.startChild('dyn', makeWorker(log, 'A'));
      const rows = await Supervisor.whichChildren(top);
      await Supervisor.stop(top);
      return rows;
    });
    expect(got).toEqual([['dyn', expect.anything(), 'supervisor', [DynamicSupervisor]]]);
    expect(log).toEqual(['start A', 'stop A']);
  });
});
