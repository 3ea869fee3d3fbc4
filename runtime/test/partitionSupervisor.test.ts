import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DEFAULT_PARTITIONS,
  DynamicSupervisor,
  GenServer,
  PartitionSupervisor,
  Process,
  Supervisor,
  catchExit,
  inspect,
  receive,
  self,
  send,
  spawn,
  supervisorState,
  sys,
} from '../index';
import type { From, Pid } from '../index';
import { virtualRuntime } from './helpers';

/** Answers 'whoami' with its start arguments; forwards plain messages to the pid in them. */
function makeEcho(log: string[] = []) {
  const Echo = GenServer.define({
    init(args: unknown[]) {
      Process.flag('trap_exit', true);
      log.push(`start ${inspect(args)}`);
      return ['ok', args];
    },
    handleCall(request: unknown, _from: From, args: unknown[]) {
      return ['reply', request === 'whoami' ? args : request, args];
    },
    handleInfo(message: [Pid, unknown], args: unknown[]) {
      send(message[0], ['got', message[1], args]);
      return ['noreply', args];
    },
    terminate(_reason: unknown, args: unknown[]) {
      log.push(`stop ${inspect(args)}`);
    },
  });
  // start_link(arg, partition?): the partition arrives as a second argument through withArguments.
  return Object.assign(Echo, {
    startLink: (...args: unknown[]) => GenServer.startLink(Echo, args),
  });
}

/** FNV-1a (32 bit) over UTF-16 code units, written out again to pin the routing down. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    for (let i = 0; i < ch.length; i++) h = Math.imul(h ^ ch.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

describe('PartitionSupervisor', () => {
  it('starts one child per partition with withArguments(args, partition); ids are partitions', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [ok, sup] = (await PartitionSupervisor.startLink({
        name: 'echoes',
        childSpec: [makeEcho(log), 'hello'],
        partitions: 3,
        withArguments: (args: unknown[], partition: number) => [...args, partition],
      })) as ['ok', Pid];
      const rows = await PartitionSupervisor.whichChildren('echoes');
      const states = [];
      for (const row of [...rows].reverse()) states.push(await sys.getState(row[1] as Pid));
      return {
        ok,
        ids: rows.map((r) => r[0]),
        types: rows.map((r) => r[2]),
        states,
        counts: await PartitionSupervisor.countChildren('echoes'),
        partitions: PartitionSupervisor.partitions('echoes'),
        panel: supervisorState(rt, sup),
      };
    });
    expect(got.ok).toBe('ok');
    expect(got.ids).toEqual([2, 1, 0]);
    expect(got.types).toEqual(['worker', 'worker', 'worker']);
    expect(got.states).toEqual([
      ['hello', 0],
      ['hello', 1],
      ['hello', 2],
    ]);
    expect(got.counts).toEqual({ specs: 3, active: 3, supervisors: 0, workers: 3 });
    expect(got.partitions).toBe(3);
    expect(got.panel).toMatchObject({
      kind: 'partition_supervisor',
      partitions: 3,
      strategy: 'one_for_one',
    });
    expect(log).toEqual(["start ['hello', 0]", "start ['hello', 1]", "start ['hello', 2]"]);
  });

  it(`has ${DEFAULT_PARTITIONS} partitions by default, and passes the arguments unchanged`, async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await PartitionSupervisor.startLink({ name: 'p', childSpec: [makeEcho(), 'x'] });
      const first = (await PartitionSupervisor.whichChildren('p'))[0]!;
      return { n: PartitionSupervisor.partitions('p'), args: await sys.getState(first[1] as Pid) };
    });
    expect(got).toEqual({ n: DEFAULT_PARTITIONS, args: ['x'] });
  });

  it('routes integer keys by rem(abs(key), n), through GenServer.call and send', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await PartitionSupervisor.startLink({
        name: 'echoes',
        childSpec: makeEcho(),
        partitions: 4,
        withArguments: (_args: unknown[], partition: number) => [partition],
      });
      const routed: unknown[] = [];
      for (const key of [0, 1, 5, 7, -7, 12]) {
        routed.push(await GenServer.call(PartitionSupervisor.via('echoes', key), 'whoami'));
      }
      send(PartitionSupervisor.via('echoes', 6), [self(), 'hi']);
      const viaSend = await receive(['got', 'hi', (_a: unknown) => true]);
      return {
        routed,
        viaSend,
        resolved: PartitionSupervisor.resolvePartition('echoes', -7),
        elixirStyle: await GenServer.call(['via', PartitionSupervisor, ['echoes', 3]], 'whoami'),
      };
    });
    expect(got.routed).toEqual([[0], [1], [1], [3], [3], [0]]);
    expect(got.viaSend).toEqual(['got', 'hi', [2]]);
    expect(got.resolved).toBe(3);
    expect(got.elixirStyle).toEqual([3]);
  });

  it('routes any other key by FNV-1a of its inspected form, the same key always to the same partition', async () => {
    const { rt } = virtualRuntime();
    const keys = ['user-42', 'user-43', { id: 7 }, ['room', 3], 2.5];
    const got = await rt.run(async () => {
      await PartitionSupervisor.startLink({
        name: 'echoes',
        childSpec: makeEcho(),
        partitions: 5,
        withArguments: (_args: unknown[], partition: number) => [partition],
      });
      const out: Array<[number, unknown, unknown]> = [];
      for (const key of keys) {
        out.push([
          PartitionSupervisor.resolvePartition('echoes', key),
          await GenServer.call(PartitionSupervisor.via('echoes', key), 'whoami'),
          await GenServer.call(PartitionSupervisor.via('echoes', structuredClone(key)), 'whoami'),
        ]);
      }
      const me = self();
      return {
        out,
        pidKey: [PartitionSupervisor.resolvePartition('echoes', me), fnv(inspect(me)) % 5],
      };
    });
    got.out.forEach(([partition, reached, again], i) => {
      expect(partition).toBe(fnv(inspect(keys[i])) % 5);
      expect(reached).toEqual([partition]);
      expect(again).toEqual([partition]);
    });
    expect(got.pidKey[0]).toBe(got.pidKey[1]);
  });

  it('finds a restarted partition under its new pid', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await PartitionSupervisor.startLink({
        name: 'echoes',
        childSpec: makeEcho(),
        partitions: 2,
        withArguments: (_args: unknown[], partition: number) => [partition],
      });
      const before = GenServer.whereis(PartitionSupervisor.via('echoes', 1))!;
      Process.exit(before, 'kill');
      await PartitionSupervisor.countChildren('echoes'); // the restart is done when this answers
      const after = GenServer.whereis(PartitionSupervisor.via('echoes', 1))!;
      return {
        changed: before !== after,
        reply: await GenServer.call(PartitionSupervisor.via('echoes', 1), 'whoami'),
      };
    });
    expect(got).toEqual({ changed: true, reply: [1] });
  });

  it('scales a DynamicSupervisor: startChild through the via tuple lands in the key’s partition', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await PartitionSupervisor.startLink({
        name: 'dyns',
        childSpec: DynamicSupervisor,
        partitions: 3,
        withArguments: ([options]: unknown[], partition: number) => [
          { ...(options as object), extraArguments: [`partition ${partition}`] },
        ],
      });
      const Echo = makeEcho();
      const started = [];
      for (const key of [1, 4, 2]) {
        started.push(
          await DynamicSupervisor.startChild(PartitionSupervisor.via('dyns', key), [Echo, key]),
        );
      }
      const perPartition = [];
      for (let p = 0; p < 3; p++) {
        perPartition.push(
          (await DynamicSupervisor.countChildren(PartitionSupervisor.via('dyns', p))).active,
        );
      }
      const states = [];
      for (const s of started) states.push(await sys.getState((s as ['ok', Pid])[1]));
      return {
        perPartition,
        states,
        types: (await PartitionSupervisor.whichChildren('dyns')).map((r) => r[2]),
      };
    });
    expect(got.perPartition).toEqual([0, 2, 1]);
    expect(got.states).toEqual([
      ['partition 1', 1],
      ['partition 1', 4],
      ['partition 2', 2],
    ]);
    expect(got.types).toEqual(['supervisor', 'supervisor', 'supervisor']);
  });

  it('needs a name and a childSpec, and a positive number of partitions', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const errors: unknown[] = [];
      const attempts = [
        () => PartitionSupervisor.startLink({ childSpec: makeEcho() } as never),
        () => PartitionSupervisor.startLink({ name: 'p' } as never),
        () => PartitionSupervisor.startLink({ name: 'p', childSpec: makeEcho(), partitions: 0 }),
      ];
      for (const attempt of attempts) {
        try {
          await attempt();
        } catch (e) {
          errors.push(e);
        }
      }
      return errors;
    });
    expect(got).toHaveLength(3);
    for (const e of got) expect(e).toBeInstanceOf(ArgumentError);
  });

  it('raises in the caller, before any process starts, when withArguments does not return an array', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      try {
        await PartitionSupervisor.startLink({
          name: 'p',
          childSpec: makeEcho(log),
          withArguments: () => 'oops' as never,
        });
        return null;
      } catch (e) {
        return { error: e, named: Process.whereis('p') };
      }
    });
    expect((got!.error as Error).message).toBe(
      "the call to the function in withArguments must return an array, got: 'oops'",
    );
    expect(got!.named).toBeNull();
    expect(log).toEqual([]);
  });

  it('a via name of a PartitionSupervisor that does not exist exits a call with noproc', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      return catchExit(GenServer.call(PartitionSupervisor.via('nobody', 1), 'hi'));
    });
    expect((got as ['exit', [string]])[1][0]).toBe('noproc');
  });

  it("partitions, resolvePartition, whichChildren and countChildren of an unknown name exit the caller with noproc, as Elixir's do", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const exitOf = (fn: () => unknown) =>
        catchExit(
          (async () => {
            await Promise.resolve();
            return fn();
          })(),
        );
      return {
        partitions: await exitOf(() => PartitionSupervisor.partitions('nobody')),
        resolve: await exitOf(() => PartitionSupervisor.resolvePartition('nobody', 7)),
        which: await catchExit(PartitionSupervisor.whichChildren('nobody')),
        count: await catchExit(PartitionSupervisor.countChildren('nobody')),
      };
    });
    const partitionsExit = ['exit', ['noproc', ['PartitionSupervisor', 'partitions', ['nobody']]]];
    expect(got.partitions).toEqual(partitionsExit);
    expect(got.resolve).toEqual(partitionsExit);
    expect(got.which).toEqual([
      'exit',
      ['noproc', ['GenServer', 'call', ['nobody', 'which_children', 'infinity']]],
    ]);
    expect(got.count).toEqual([
      'exit',
      ['noproc', ['GenServer', 'call', ['nobody', 'count_children', 'infinity']]],
    ]);
  });

  it('a process that does not catch the noproc of partitions exits with it', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const pid = spawn(async () => {
        PartitionSupervisor.partitions('nobody');
      });
      const ref = Process.monitor(pid);
      return (await receive(['DOWN', ref, 'process', pid, (_r: unknown) => true]))[4];
    });
    expect(got).toEqual(['noproc', ['PartitionSupervisor', 'partitions', ['nobody']]]);
  });

  it('its childSpec is {id: name, start, type}; the parent fills in the rest', () => {
    const options = { name: 'echoes', childSpec: makeEcho() };
    expect(PartitionSupervisor.childSpec(options)).toEqual({
      id: 'echoes',
      start: [PartitionSupervisor, 'startLink', [options]],
      type: 'supervisor',
    });
  });

  it('PartitionSupervisor.stop stops the partitions newest first', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      await PartitionSupervisor.startLink({
        name: 'echoes',
        childSpec: makeEcho(log),
        partitions: 3,
        withArguments: (_a: unknown[], p: number) => [p],
      });
      return [await PartitionSupervisor.stop('echoes'), Process.whereis('echoes')];
    });
    expect(got).toEqual(['ok', null]);
    expect(log.slice(3)).toEqual(['stop [2]', 'stop [1]', 'stop [0]']);
  });

  it('runs under a Supervisor as [PartitionSupervisor, options]', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, top] = (await Supervisor.startLink(
        [
          [
            PartitionSupervisor,
            {
              name: 'echoes',
              childSpec: makeEcho(log),
              partitions: 2,
              withArguments: (_a: unknown[], p: number) => [p],
            },
          ],
        ],
        { strategy: 'one_for_one' },
      )) as ['ok', Pid];
      const rows = await Supervisor.whichChildren(top);
      const reply = await GenServer.call(PartitionSupervisor.via('echoes', 3), 'whoami');
      await Supervisor.stop(top);
      return { rows, reply };
    });
    expect(got.rows).toEqual([['echoes', expect.anything(), 'supervisor', [PartitionSupervisor]]]);
    expect(got.reply).toEqual([1]);
    expect(log).toEqual(['start [0]', 'start [1]', 'stop [1]', 'stop [0]']);
  });
});
