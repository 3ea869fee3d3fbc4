import { describe, expect, it } from 'vitest';
import {
  DynamicSupervisor,
  GenServer,
  Process,
  Registry,
  Supervisor,
  after,
  isAlive,
  on,
  pendingReceive,
  processMessages,
  processSnapshot,
  processSnapshots,
  receive,
  registryTable,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  supervisorState,
  supervisorStates,
} from '../index';
import type { Pid } from '../index';
import { virtualRuntime } from './helpers';

const idle = GenServer.define({ init: (n: number) => ['ok', n] });

describe('processSnapshot', () => {
  it('reports what Process.info reports for the same process', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const worker = spawnLink(async () => {
        Process.flag('trap_exit', true);
        Process.register(self(), 'worker');
        Process.monitor(me);
        send(me, 'ready');
        await receive('never');
      });
      await receive('ready');
      send(worker, ['job', 1]);
      send(worker, ['job', 2]);
      const snapshot = processSnapshot(rt, worker)!;
      const info = Object.fromEntries(Process.info(worker) as [string, unknown][]);
      return { worker, me, snapshot, info };
    });
    const { snapshot, info, worker, me } = got;
    expect(snapshot.pid).toBe(worker);
    expect(snapshot.registeredName).toBe('worker');
    expect(snapshot.status).toBe('waiting');
    expect(snapshot.queueLength).toBe(2);
    expect(snapshot.links).toEqual([me]);
    expect(snapshot.monitors.map(([, pid]) => pid)).toEqual([me]);
    expect(snapshot.trapExit).toBe(true);
    expect(snapshot.parent).toBe(me);
    expect(snapshot.behaviour).toBeNull();
    expect(snapshot.ioDevice).toBe(false);
    expect(info['registered_name']).toBe(snapshot.registeredName);
    expect(info['status']).toBe(snapshot.status);
    expect(info['message_queue_len']).toBe(snapshot.queueLength);
    expect(info['links']).toEqual(snapshot.links);
    expect(info['monitors']).toEqual(snapshot.monitors.map(([, pid]) => ['process', pid]));
    expect(info['trap_exit']).toBe(snapshot.trapExit);
    expect(info['reductions']).toBe(snapshot.reductions);
    expect(info['group_leader']).toBe(snapshot.groupLeader);
    expect(info['initial_call']).toBe(snapshot.label);
    expect(info['messages']).toEqual([
      ['job', 1],
      ['job', 2],
    ]);
  });

  it('is a copy: changing it changes nothing in the runtime, and later changes do not show', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      const peer = spawnLink(() => receive('never'));
      const before = processSnapshot(rt, self())!;
      (before.links as Pid[]).length = 0;
      Process.unlink(peer);
      expect(processSnapshot(rt, self())!.links).toEqual([]);
      Process.link(peer);
      expect(processSnapshot(rt, self())!.links).toEqual([peer]);
      expect(before.links).toEqual([]);
    });
  });

  it('shares one frozen empty list among processes without links, so it cannot be filled', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      spawn(() => receive('never'));
      spawn(() => receive('never'));
      const lonely = processSnapshots(rt).filter((s) => s.parent === self());
      expect(lonely).toHaveLength(2);
      expect(lonely[0]!.links).toBe(lonely[1]!.links);
      expect(() => (lonely[0]!.links as Pid[]).push(self())).toThrow(TypeError);
    });
  });

  it('gives null for a dead process and refuses a pid of another runtime', async () => {
    const { rt } = virtualRuntime();
    const other = virtualRuntime().rt;
    const done = await rt.run(async () => {
      const pid = spawn(() => 'done');
      await sleep(1);
      return pid;
    });
    expect(processSnapshot(rt, done)).toBeNull();
    expect(isAlive(rt, done)).toBe(false);
    expect(isAlive(rt, done.id)).toBe(false);
    expect(() => processSnapshot(other, done)).toThrow(/belongs to another runtime/);
  });

  it('finds a process by its pid number, as the panels send it', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      expect(processSnapshot(rt, self().id)?.pid).toBe(self());
      expect(isAlive(rt, self().id)).toBe(true);
      expect(isAlive(rt, 1_000_000)).toBe(false);
    });
  });

  it('names the behaviour of a GenServer and marks I/O devices', async () => {
    const { rt } = virtualRuntime();
    const device = rt.createIoDevice(() => {});
    await rt.run(async () => {
      const [, server] = (await GenServer.startLink(idle, 1)) as ['ok', Pid];
      expect(processSnapshot(rt, server)?.behaviour).toBe('gen_server');
    });
    expect(processSnapshot(rt, device)?.ioDevice).toBe(true);
  });
});

describe('processMessages', () => {
  it('copies only the slice asked for, oldest first or the newest ones', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      for (let i = 1; i <= 5; i++) send(self(), { n: i });
      expect(processMessages(rt, self(), { limit: 2 })).toEqual({
        total: 5,
        first: 0,
        messages: [{ n: 1 }, { n: 2 }],
      });
      expect(processMessages(rt, self(), { limit: 2, which: 'newest' })).toEqual({
        total: 5,
        first: 3,
        messages: [{ n: 4 }, { n: 5 }],
      });
      expect(processMessages(rt, self())?.messages).toHaveLength(5);
      expect(processMessages(rt, self(), { limit: Infinity })?.messages).toHaveLength(5);
    });
  });

  it('refuses a limit that is not a whole number from 0', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      for (const limit of [-1, 1.5, Number.NaN]) {
        expect(() => processMessages(rt, self(), { limit })).toThrow(
          /limit should be a whole number/,
        );
      }
    });
  });

  it('hands out copies, so changing one does not change what the receive takes', async () => {
    const { rt } = virtualRuntime();
    const taken = await rt.run(async () => {
      send(self(), { count: 1 });
      const [copy] = processMessages(rt, self())!.messages as { count: number }[];
      copy!.count = 99;
      const [fromInfo] = (Process.info(self(), 'messages') as [string, { count: number }[]])[1];
      fromInfo!.count = 98;
      return receive();
    });
    expect(taken).toEqual({ count: 1 });
  });
});

describe('pendingReceive', () => {
  it('describes the patterns and the timeout of the receive a process waits in', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      const waiter = spawn(() =>
        receive(
          on(['add', (n: number) => n > 0], () => 'added'),
          on('stop', () => 'stopped'),
          after(500, () => 'timeout'),
        ),
      );
      const idler = spawn(() => sleep(1000));
      await sleep(1);
      const pending = pendingReceive(rt, waiter)!;
      expect(pending.patterns).toHaveLength(2);
      expect(pending.patterns[0]).toMatch(/^\['add', /);
      expect(pending.patterns[1]).toBe("'stop'");
      expect(pending.timeout).toBe(500);
      expect(pending.hibernating).toBe(false);
      expect(pendingReceive(rt, self())).toBeNull();
      expect(isAlive(rt, idler)).toBe(true);
    });
  });

  it('says a hibernating process takes any message', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      const sleeper = spawn(() => Process.hibernate());
      await sleep(1);
      expect(pendingReceive(rt, sleeper)).toEqual({
        patterns: ['_'],
        timeout: null,
        hibernating: true,
      });
      expect(processSnapshot(rt, sleeper)?.hibernating).toBe(true);
    });
  });
});

describe('supervisorState', () => {
  it('gives a frozen state that stays the same object until the supervisor changes', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([{ id: 'a', start: [idle, 'startLink', [1]] }], {
        strategy: 'one_for_all',
      })) as ['ok', Pid];
      const first = supervisorState(rt, sup)!;
      expect(first.strategy).toBe('one_for_all');
      expect(first.children.map((c) => c.id)).toEqual(['a']);
      expect(Object.isFrozen(first)).toBe(true);
      expect(Object.isFrozen(first.children)).toBe(true);
      expect(Object.isFrozen(first.children[0])).toBe(true);
      expect(supervisorState(rt, sup)).toBe(first);
      await Supervisor.startChild(sup, { id: 'b', start: [idle, 'startLink', [2]] });
      const second = supervisorState(rt, sup)!;
      expect(second).not.toBe(first);
      expect(second.children.map((c) => c.id)).toEqual(['a', 'b']);
      expect(first.children.map((c) => c.id)).toEqual(['a']);
    });
  });

  it('lists every supervisor, dynamic ones too, and nothing else', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      const [, top] = (await Supervisor.startLink([], { strategy: 'one_for_one' })) as ['ok', Pid];
      const [, dynamic] = (await DynamicSupervisor.startLink({ strategy: 'one_for_one' })) as [
        'ok',
        Pid,
      ];
      const [, server] = (await GenServer.startLink(idle, 1)) as ['ok', Pid];
      expect(supervisorStates(rt).map((s) => [s.pid, s.state.kind])).toEqual([
        [top, 'supervisor'],
        [dynamic, 'dynamic_supervisor'],
      ]);
      expect(supervisorState(rt, server)).toBeNull();
    });
  });
});

describe('registryTable', () => {
  it('copies the live entries of a registry, by name or pid', async () => {
    const { rt } = virtualRuntime();
    await rt.run(async () => {
      const [, reg] = (await Registry.startLink({ keys: 'unique', name: 'rooms' })) as ['ok', Pid];
      Registry.register('rooms', 'lobby', { seats: 4 });
      const table = registryTable(rt, 'rooms')!;
      expect(table.keys).toBe('unique');
      expect(table.entries).toEqual([['lobby', self(), { seats: 4 }]]);
      (table.entries[0]![2] as { seats: number }).seats = 0;
      expect(Registry.lookup('rooms', 'lobby')).toEqual([[self(), { seats: 4 }]]);
      expect(registryTable(rt, reg)?.entries).toHaveLength(1);
      expect(registryTable(rt, 'no_such_registry')).toBeNull();
    });
  });
});
