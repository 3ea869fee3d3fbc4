import { describe, expect, it } from 'vitest';
import {
  _,
  ArgumentError,
  GenServer,
  Process,
  Registry,
  RegistryViaModule,
  catchExit,
  exit,
  receive,
  self,
  send,
  sleep,
  spawn,
  sys,
} from '../index';
import type { From, Pid } from '../index';
import { virtualRuntime } from './helpers';

/** Spawns a process that registers under `key` in `registry`, reports, then waits for 'stop'. */
function registrant(registry: string, key: unknown, value: unknown = null): Promise<Pid> {
  const me = self();
  const pid = spawn(async () => {
    send(me, ['registered', self(), Registry.register(registry, key, value)]);
    await receive('stop');
  });
  return receive(['registered', pid, _]).then(() => pid);
}

describe('Registry.startLink', () => {
  it("starts a registry process registered under its name and resolves ['ok', pid]", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const started = await Registry.startLink({ keys: 'unique', name: 'reg' });
      return [started, Process.whereis('reg'), Process.info(self(), 'links')[1]];
    });
    const [started, whereis, links] = got as [['ok', Pid], Pid, Pid[]];
    expect(started[0]).toBe('ok');
    expect(whereis).toBe(started[1]);
    expect(links).toContain(started[1]);
  });

  it('refuses a second registry with the same name, and bad options', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, pid] = (await Registry.startLink({ keys: 'unique', name: 'reg' })) as ['ok', Pid];
      const again = await Registry.startLink({ keys: 'duplicate', name: 'reg' });
      const badKeys = await catchError(() =>
        Registry.startLink({ keys: 'many' as 'unique', name: 'x' }),
      );
      const noName = await catchError(() => Registry.startLink({ keys: 'unique' } as never));
      const badPartitions = await catchError(() =>
        Registry.startLink({ keys: 'unique', name: 'y', partitions: 0 }),
      );
      return { pid, again, badKeys, noName, badPartitions };
    });
    expect(got.again).toEqual(['error', ['already_started', got.pid]]);
    expect(got.badKeys).toBeInstanceOf(ArgumentError);
    expect(got.noName).toBeInstanceOf(ArgumentError);
    expect(got.badPartitions).toBeInstanceOf(ArgumentError);
  });

  it('operations on an unknown registry raise ArgumentError', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => [
      await catchError(() => Registry.register('nope', 'k', 1)),
      await catchError(() => Registry.lookup('nope', 'k')),
      await catchError(() => Registry.count('nope')),
    ]);
    for (const e of got) expect((e as Error).message).toBe("unknown registry: 'nope'");
  });

  it('gives a supervisor child spec with the name as id', () => {
    const opts = { keys: 'unique' as const, name: 'reg' };
    expect(Registry.childSpec(opts)).toEqual({
      id: 'reg',
      start: [Registry, 'startLink', [opts]],
      type: 'supervisor',
    });
  });
});

describe('unique keys', () => {
  it("register returns ['ok', owner] with the registry pid and lookup returns [[pid, value]]", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, reg] = (await Registry.startLink({ keys: 'unique', name: 'reg' })) as ['ok', Pid];
      const registered = Registry.register('reg', 'alice', { age: 30 });
      return {
        reg,
        registered,
        lookup: Registry.lookup('reg', 'alice'),
        missing: Registry.lookup('reg', 'bob'),
        me: self(),
      };
    });
    expect(got.registered).toEqual(['ok', got.reg]);
    expect(got.lookup).toEqual([[got.me, { age: 30 }]]);
    expect(got.missing).toEqual([]);
  });

  it("a key held by another live process gives ['error', ['already_registered', pid]], also for the same process", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg' });
      const other = await registrant('reg', 'k', 'theirs');
      const mine = Registry.register('reg', 'k', 'mine');
      Registry.register('reg', 'own', 1);
      const twice = Registry.register('reg', 'own', 2);
      return { other, mine, twice, me: self(), lookup: Registry.lookup('reg', 'k') };
    });
    expect(got.mine).toEqual(['error', ['already_registered', got.other]]);
    expect(got.twice).toEqual(['error', ['already_registered', got.me]]);
    expect(got.lookup).toEqual([[got.other, 'theirs']]);
  });

  it('keys compare by value, as terms do: a tuple key found with an equal tuple', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg' });
      Registry.register('reg', ['room', 1], 'a');
      return [
        Registry.lookup('reg', ['room', 1]).length,
        Registry.lookup('reg', ['room', 2]).length,
        Registry.register('reg', ['room', 1], 'b')[0],
        Registry.keys('reg', self()),
      ];
    });
    expect(got).toEqual([1, 0, 'error', [['room', 1]]]);
  });

  it('unregister removes the entry, unlinks the caller when it holds nothing else, and returns ok', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, reg] = (await Registry.startLink({ keys: 'unique', name: 'reg' })) as ['ok', Pid];
      const me = self();
      spawn(() => {
        Registry.register('reg', 'a', 1);
        Registry.register('reg', 'b', 2);
        const linked = () => (Process.info(self(), 'links')[1] as Pid[]).includes(reg);
        const linkedBefore = linked();
        const r1 = Registry.unregister('reg', 'a');
        const linkedAfterOne = linked();
        Registry.unregister('reg', 'b');
        Registry.unregister('reg', 'never-registered');
        const linkedAfterAll = linked();
        send(me, [
          'result',
          { r1, linkedBefore, linkedAfterOne, linkedAfterAll, a: Registry.lookup('reg', 'a') },
        ]);
      });
      return (await receive(['result', _]))[1];
    });
    expect(got).toEqual({
      r1: 'ok',
      linkedBefore: true,
      linkedAfterOne: true,
      linkedAfterAll: false,
      a: [],
    });
  });

  it('stores a copy of the value: mutating it after registering changes nothing', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg' });
      const value = { n: 1 };
      Registry.register('reg', 'k', value);
      value.n = 2;
      return Registry.lookup('reg', 'k')[0]![1];
    });
    expect(got).toEqual({ n: 1 });
  });
});

describe('cleanup when an owner dies', () => {
  it('lookup never returns a dead owner, even before the registry handled its EXIT', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg' });
      const pid = await registrant('reg', 'worker', 'v');
      const before = Registry.lookup('reg', 'worker');
      Process.exit(pid, 'kill');
      // No await between the kill and the reads: the registry has not run yet.
      const at = [
        Registry.lookup('reg', 'worker'),
        Registry.count('reg'),
        Registry.keys('reg', pid),
      ];
      const takeOver = Registry.register('reg', 'worker', 'mine');
      return { pid, before, at, takeOver };
    });
    expect(got.before).toEqual([[got.pid, 'v']]);
    expect(got.at).toEqual([[], 0, []]);
    expect(got.takeOver[0]).toBe('ok');
  });

  it('the registry removes the entries of an owner that exits, and a new registration does not lose them', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, reg] = (await Registry.startLink({ keys: 'duplicate', name: 'reg' })) as ['ok', Pid];
      const a = await registrant('reg', 'topic', 'a');
      const b = await registrant('reg', 'topic', 'b');
      send(a, 'stop');
      await sleep(1);
      const state = await sys.getState(reg);
      return { a, b, lookup: Registry.lookup('reg', 'topic'), count: Registry.count('reg'), state };
    });
    expect(got.lookup).toEqual([[got.b, 'b']]);
    expect(got.count).toBe(1);
    expect(got.state).toEqual({
      keys: 'duplicate',
      partitions: 1,
      entries: [['topic', got.b, 'b']],
    });
  });

  it('owners are linked to the registry: when the registry exits, they exit too', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, reg] = (await Registry.startLink({ keys: 'unique', name: 'reg' })) as ['ok', Pid];
      const owner = await registrant('reg', 'k');
      Process.flag('trap_exit', true);
      Process.exit(reg, 'kill');
      await sleep(1);
      return [Process.alive(owner), Process.whereis('reg')];
    });
    expect(got).toEqual([false, null]);
  });

  it("the registry exits with its parent's exit reason", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const parent = spawn(async () => {
        const [, reg] = (await Registry.startLink({ keys: 'unique', name: 'reg' })) as ['ok', Pid];
        send(me, reg);
        await receive('never');
      });
      const reg = (await receive((m: unknown) => m !== parent)) as Pid;
      const ref = Process.monitor(reg);
      Process.exit(parent, 'shutdown');
      return receive(['DOWN', ref, 'process', reg, _]);
    });
    expect((got as unknown[])[4]).toBe('shutdown');
  });
});

describe('duplicate keys', () => {
  it('several processes register the same key and dispatch reaches them all (local pub/sub)', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'pubsub' });
      const me = self();
      const subscribers = [1, 2, 3].map((n) =>
        spawn(async () => {
          Registry.register('pubsub', 'news', { n });
          send(me, 'subscribed');
          const msg = await receive(['broadcast', _]);
          send(me, ['got', n, msg[1]]);
        }),
      );
      for (const _s of subscribers) await receive('subscribed');
      let calls = 0;
      const result = Registry.dispatch('pubsub', 'news', (entries) => {
        calls++;
        for (const [pid] of entries) send(pid, ['broadcast', 'hello']);
      });
      const untouched = Registry.dispatch('pubsub', 'sports', () => {
        calls += 100;
      });
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(await receive(['got', _, _]));
      return { result, untouched, calls, replies: replies.map((r) => r[1]).sort() };
    });
    expect(got).toEqual({ result: 'ok', untouched: 'ok', calls: 1, replies: [1, 2, 3] });
  });

  it('the same process may register a key twice; lookup and keys list every registration', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'dup' });
      const r1 = Registry.register('dup', 'k', 1);
      const r2 = Registry.register('dup', 'k', 2);
      Registry.register('dup', 'j', 3);
      return {
        r: [r1[0], r2[0]],
        lookup: Registry.lookup('dup', 'k').map(([, v]) => v),
        keys: Registry.keys('dup', self()),
        values: Registry.values('dup', 'k', self()),
        count: Registry.count('dup'),
        afterUnregister: (Registry.unregister('dup', 'k'), Registry.lookup('dup', 'k')),
      };
    });
    expect(got).toEqual({
      r: ['ok', 'ok'],
      lookup: [1, 2],
      keys: ['k', 'k', 'j'],
      values: [1, 2],
      count: 3,
      afterUnregister: [],
    });
  });

  it('dispatch takes [module, fnName, args] too, with the entries as first argument', async () => {
    const { rt } = virtualRuntime();
    const seen: unknown[] = [];
    const Handler = {
      handle: (entries: unknown[], tag: string) => seen.push([entries.length, tag]),
    };
    await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'dup' });
      Registry.register('dup', 'k', 1);
      Registry.dispatch('dup', 'k', [Handler, 'handle', ['extra']]);
    });
    expect(seen).toEqual([[1, 'extra']]);
  });
});

describe('match, countMatch, unregisterMatch', () => {
  it('match filters values with receive-style patterns and guard functions', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'dup' });
      Registry.register('dup', 'k', ['admin', 40]);
      Registry.register('dup', 'k', ['user', 20]);
      Registry.register('dup', 'k', { role: 'user', age: 70 });
      const values = (rows: Array<[Pid, unknown]>) => rows.map(([, v]) => v);
      return [
        values(Registry.match('dup', 'k', ['admin', _])),
        values(Registry.match('dup', 'k', [_, (age: number) => age > 10])),
        values(Registry.match('dup', 'k', { role: 'user' })),
        values(Registry.match('dup', 'k', _, (v: unknown) => Array.isArray(v) && v[1] < 30)),
        values(Registry.match('dup', 'other', _)),
        Registry.countMatch('dup', 'k', [_, _]),
      ];
    });
    expect(got).toEqual([
      [['admin', 40]],
      [
        ['admin', 40],
        ['user', 20],
      ],
      [{ role: 'user', age: 70 }],
      [['user', 20]],
      [],
      2,
    ]);
  });

  it("unregisterMatch removes only the caller's matching entries", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'dup' });
      Registry.register('dup', 'k', 'keep');
      Registry.register('dup', 'k', 'drop');
      return [
        Registry.unregisterMatch('dup', 'k', 'drop'),
        Registry.lookup('dup', 'k').map(([, v]) => v),
      ];
    });
    expect(got).toEqual(['ok', ['keep']]);
  });
});

describe('updateValue and meta', () => {
  it('updates the value of a key the caller holds; otherwise error', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg', meta: [['color', 'blue']] });
      Registry.register('reg', 'n', 1);
      const other = await registrant('reg', 'theirs', 5);
      return [
        Registry.updateValue('reg', 'n', (v: number) => v + 1),
        Registry.lookup('reg', 'n')[0]![1],
        Registry.updateValue('reg', 'theirs', (v: number) => v + 1),
        Registry.updateValue('reg', 'missing', (v: number) => v),
        Registry.meta('reg', 'color'),
        Registry.putMeta('reg', 'size', 3),
        Registry.meta('reg', 'size'),
        Registry.meta('reg', 'nothing'),
        Boolean(other),
      ];
    });
    expect(got).toEqual([
      [2, 1],
      2,
      'error',
      'error',
      ['ok', 'blue'],
      'ok',
      ['ok', 3],
      'error',
      true,
    ]);
  });
});

describe('Registry.deleteMeta', () => {
  it("removes a metadata key and returns 'ok', also for a key that was never set", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'topics', meta: { owner: 'ops' } });
      return [
        Registry.deleteMeta('topics', 'owner'),
        Registry.meta('topics', 'owner'),
        Registry.deleteMeta('topics', 'never-set'),
        await catchError(() => Registry.deleteMeta('nope', 'owner')),
      ];
    });
    expect(got.slice(0, 3)).toEqual(['ok', 'error', 'ok']);
    expect(got[3]).toBeInstanceOf(ArgumentError);
  });
});

describe('partitions', () => {
  it('spreads entries over partitions with the same behaviour as one partition', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'u', partitions: 4 });
      await Registry.startLink({ keys: 'duplicate', name: 'd', partitions: 4 });
      const owners: Pid[] = [];
      for (let i = 0; i < 8; i++) owners.push(await registrant('u', `key${i}`, i));
      for (let i = 0; i < 8; i++) await registrant('d', 'topic', i);
      const dupErr = Registry.register('u', 'key3', 'again');
      const lookups = Array.from({ length: 8 }, (_x, i) => Registry.lookup('u', `key${i}`)[0]![1]);
      let dispatched = 0;
      let calls = 0;
      Registry.dispatch('d', 'topic', (entries) => {
        calls++;
        dispatched += entries.length;
      });
      const table = Process.whereis('u');
      const state = (await sys.getState(table!)) as { partitions: number };
      return {
        dupErr: dupErr[0] === 'error' && dupErr[1][1] === owners[3],
        lookups,
        count: [Registry.count('u'), Registry.count('d')],
        topic: Registry.lookup('d', 'topic')
          .map(([, v]) => v as number)
          .sort(),
        dispatched,
        perPartitionCalls: calls > 1 && calls <= 4,
        partitions: state.partitions,
        keysOf3: Registry.keys('u', owners[3]!),
      };
    });
    expect(got).toEqual({
      dupErr: true,
      lookups: [0, 1, 2, 3, 4, 5, 6, 7],
      count: [8, 8],
      topic: [0, 1, 2, 3, 4, 5, 6, 7],
      dispatched: 8,
      perPartitionCalls: true,
      partitions: 4,
      keysOf3: ['key3'],
    });
  });
});

describe('Registry.via', () => {
  const Counter = GenServer.define({
    init: (n: number) => ['ok', n] as ['ok', number],
    handleCall: (req: string, _from: From, n: number) =>
      ['reply', req === 'get' ? n : 'unknown', n] as ['reply', unknown, number],
    handleCast: (_req: string, n: number) => ['noreply', n + 1] as ['noreply', number],
  });

  it("makes ['via', RegistryViaModule, [registry, key]] names (with the value when given)", () => {
    expect(Registry.via('reg', 'k')).toEqual(['via', RegistryViaModule, ['reg', 'k']]);
    expect(Registry.via('reg', 'k', 'v')).toEqual(['via', RegistryViaModule, ['reg', 'k', 'v']]);
  });

  it('names GenServers: start, call, cast and send reach them through the registry', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg' });
      const name = Registry.via('reg', ['counter', 1]);
      const [, pid] = (await GenServer.start(Counter, 10, { name })) as ['ok', Pid];
      GenServer.cast(name, 'inc');
      const again = await GenServer.start(Counter, 0, { name });
      const withValue = await GenServer.start(Counter, 0, {
        name: Registry.via('reg', 'valued', { role: 'x' }),
      });
      return {
        pid,
        value: await GenServer.call(Registry.via('reg', ['counter', 1]), 'get'),
        whereis: GenServer.whereis(name),
        again,
        lookup: Registry.lookup('reg', ['counter', 1]),
        valued: Registry.lookup('reg', 'valued')[0]![1],
        withValue: withValue[0],
      };
    });
    expect(got.value).toBe(11);
    expect(got.whereis).toBe(got.pid);
    expect(got.again).toEqual(['error', ['already_started', got.pid]]);
    expect(got.lookup).toEqual([[got.pid, null]]);
    expect(got.valued).toEqual({ role: 'x' });
    expect(got.withValue).toBe('ok');
  });

  it('a call to a via name nobody holds exits with noproc; the name frees up when the server dies', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg' });
      const name = Registry.via('reg', 'srv');
      const missing = await catchExit(GenServer.call(name, 'get', 100));
      const [, pid] = (await GenServer.start(Counter, 1, { name })) as ['ok', Pid];
      await GenServer.stop(pid);
      const afterStop = GenServer.whereis(name);
      const restarted = await GenServer.start(Counter, 2, { name });
      return {
        missing,
        afterStop,
        restarted: restarted[0],
        value: await GenServer.call(name, 'get'),
      };
    });
    expect(got.missing).toEqual([
      'exit',
      ['noproc', ['GenServer', 'call', [Registry.via('reg', 'srv'), 'get', 100]]],
    ]);
    expect(got.afterStop).toBeNull();
    expect(got.restarted).toBe('ok');
    expect(got.value).toBe(2);
  });

  it('send to a via name delivers, and raises ArgumentError when nobody holds it', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'unique', name: 'reg' });
      Registry.register('reg', 'me');
      send(Registry.via('reg', 'me'), 'hello');
      const received = await receive('hello');
      const err = await catchError(() => send(Registry.via('reg', 'nobody'), 'lost'));
      return [received, err instanceof ArgumentError];
    });
    expect(got).toEqual(['hello', true]);
  });

  it('on a duplicate registry raises ArgumentError in the caller of start and startLink, starting nothing', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'topics' });
      const before = Process.list().length;
      const errors = [
        await catchError(() => GenServer.start({}, null, { name: Registry.via('topics', 't') })),
        await catchError(() =>
          GenServer.startLink({}, null, { name: Registry.via('topics', 't', 'v') }),
        ),
      ];
      await sleep(10);
      return {
        errors: errors.map((e) => [e instanceof ArgumentError, (e as Error).message]),
        started: Process.list().length - before,
        alive: Process.alive(self()),
      };
    });
    expect(got).toEqual({
      errors: [
        [true, 'via is not supported for duplicate registries'],
        [true, 'via is not supported for duplicate registries'],
      ],
      started: 0,
      alive: true,
    });
  });

  it('is refused for duplicate registries', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      await Registry.startLink({ keys: 'duplicate', name: 'dup' });
      return catchError(() => GenServer.whereis(Registry.via('dup', 'k')));
    });
    expect((got as Error).message).toMatch(/duplicate registries/);
  });
});

describe('listeners', () => {
  it('tells listeners about explicit registrations and unregistrations', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.register(self(), 'listener');
      await Registry.startLink({ keys: 'unique', name: 'reg', listeners: ['listener'] });
      const pid = spawn(() => {
        Registry.register('reg', 'k', 'v');
        Registry.unregister('reg', 'k');
        exit('normal');
      });
      return [await receive(['register', _, _, _, _]), await receive(['unregister', _, _, _]), pid];
    });
    const pid = got[2];
    expect(got[0]).toEqual(['register', 'reg', 'k', pid, 'v']);
    expect(got[1]).toEqual(['unregister', 'reg', 'k', pid]);
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
