import { describe, expect, it } from 'vitest';
import {
  _,
  catchExit,
  exit,
  GenServer,
  Process,
  receive,
  self,
  send,
  sleep,
  spawn,
  sys,
} from '../index';
import type { From, Pid, TraceEvent, ViaModule } from '../index';
import { virtualRuntime } from './helpers';

/** A counter used across these tests; `log` records callback order when given. */
function makeCounter(log: string[] = []) {
  return GenServer.define({
    init(start: number) {
      log.push('init');
      return ['ok', start];
    },
    handleCall(request: string, _from: From, n: number) {
      if (request === 'get') return ['reply', n, n];
      if (request === 'stop') return ['stop', 'normal', 'bye', n];
      return ['reply', 'unknown', n];
    },
    handleCast(request: string, n: number) {
      return request === 'inc' ? ['noreply', n + 1] : ['noreply', n];
    },
    handleInfo(message: unknown, n: number) {
      log.push(`info ${String(message)}`);
      return ['noreply', n + 10];
    },
    terminate(reason: unknown) {
      log.push(`terminate ${String(reason)}`);
    },
  });
}

describe('GenServer lifecycle', () => {
  it('starts synchronously, then answers casts, calls and plain messages', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const Counter = makeCounter(log);
      const [ok, pid] = (await GenServer.startLink(Counter, 5)) as ['ok', Pid];
      const initDone = log.includes('init');
      GenServer.cast(pid, 'inc');
      send(pid, 'tick');
      return [ok, initDone, await GenServer.call(pid, 'get')];
    });
    expect(got).toEqual(['ok', true, 16]);
    expect(log).toEqual(['init', 'info tick']);
  });

  it("init can return 'ignore', ['error', r] or ['stop', r], and a throwing init fails the start", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const starts = [
        await GenServer.start(GenServer.define({ init: () => 'ignore' as const })),
        await GenServer.start(
          GenServer.define({ init: () => ['error', 'no config'] as ['error', string] }),
        ),
        await GenServer.start(
          GenServer.define({ init: () => ['stop', 'bad arg'] as ['stop', string] }),
        ),
      ];
      const thrown = await GenServer.startLink(
        GenServer.define({
          init() {
            throw new Error('init blew up');
          },
        }),
      );
      return { starts, thrown, mailbox: Process.info(self(), 'messages')[1] };
    });
    expect(got.starts).toEqual(['ignore', ['error', 'no config'], ['error', 'bad arg']]);
    expect(got.thrown[0]).toBe('error');
    expect((got.thrown[1] as Error).message).toBe('init blew up');
    // The EXIT of the failed linked start is consumed, as proc_lib does.
    expect(got.mailbox).toEqual([]);
  });

  it('runs handleContinue right after init, before any message', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Loader = GenServer.define({
        init: () => ['ok', 'empty', ['continue', 'load']],
        handleContinue: (what: string, _s: string) => ['noreply', `${what}ed`],
        handleCall: (_r: unknown, _f: From, s: string) => ['reply', s, s],
      });
      const [, pid] = (await GenServer.start(Loader)) as ['ok', Pid];
      return GenServer.call(pid, 'state?');
    });
    expect(got).toBe('loaded');
  });

  it("['stop', reason, reply, state] runs terminate before the reply is delivered", async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, pid] = (await GenServer.start(makeCounter(log), 0)) as ['ok', Pid];
      const answer = await GenServer.call(pid, 'stop');
      log.push(`reply ${answer}`);
      await sleep(1);
      return Process.alive(pid);
    });
    expect(log).toEqual(['init', 'terminate normal', 'reply bye']);
    expect(got).toBe(false);
  });

  it('GenServer.stop runs terminate with the reason and resolves ok; a dead server exits the caller with noproc', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, pid] = (await GenServer.start(makeCounter(log), 0)) as ['ok', Pid];
      const stopped = await GenServer.stop(pid, 'shutdown');
      const again = await catchExit(GenServer.stop(pid));
      return [stopped, again, pid];
    });
    expect(got[0]).toBe('ok');
    expect(got[1]).toEqual([
      'exit',
      ['noproc', ['GenServer', 'stop', [got[2], 'normal', 'infinity']]],
    ]);
    expect(log).toContain('terminate shutdown');
  });
});

describe('when terminate runs', () => {
  const probe = (log: string[], trap: boolean) =>
    GenServer.define({
      init: () => {
        if (trap) Process.flag('trap_exit', true);
        return ['ok', null];
      },
      handleCall: () => {
        throw new Error('callback failed');
      },
      terminate: (reason: unknown) => {
        log.push(
          reason instanceof Error ? `terminate ${reason.message}` : `terminate ${String(reason)}`,
        );
      },
    });

  it('runs when a callback raises, and the server exits with the error', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const [, pid] = (await GenServer.start(probe(log, false))) as ['ok', Pid];
      return catchExit(GenServer.call(pid, 'boom'));
    });
    expect(log).toEqual(['terminate callback failed']);
    expect(got[0]).toBe('exit');
  });

  it('runs when the server traps exits and its parent exits', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    await rt.run(async () => {
      const me = self();
      spawn(async () => {
        await GenServer.startLink(probe(log, true));
        send(me, 'started');
        exit('parent gone');
      });
      await receive('started');
      await sleep(5);
    });
    expect(log).toEqual(['terminate parent gone']);
  });

  it('does not run when the server does not trap exits and its parent exits, nor when killed', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    await rt.run(async () => {
      const me = self();
      spawn(async () => {
        await GenServer.startLink(probe(log, false));
        send(me, 'started');
        exit('parent gone');
      });
      await receive('started');
      const [, trapping] = (await GenServer.start(probe(log, true))) as ['ok', Pid];
      Process.exit(trapping, 'kill');
      await sleep(5);
    });
    expect(log).toEqual([]);
  });
});

describe('GenServer.call', () => {
  const Slow = GenServer.define({
    handleCall: async (ms: number, _from: From, state: null) => {
      await sleep(ms);
      return ['reply', `slept ${ms}`, state];
    },
  });

  it('exits the caller with the contract timeout reason, and a late reply never lands', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, pid] = (await GenServer.start(Slow)) as ['ok', Pid];
      const result = await catchExit(GenServer.call(pid, 3000, 1000));
      await sleep(5000);
      return { result, mailbox: Process.info(self(), 'messages')[1], pid };
    });
    expect(got.result).toEqual(['exit', ['timeout', ['GenServer', 'call', [got.pid, 3000, 1000]]]]);
    expect(got.mailbox).toEqual([]);
  });

  it('defaults to a 5 second timeout', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, pid] = (await GenServer.start(Slow)) as ['ok', Pid];
      const ok = await GenServer.call(pid, 4999);
      const late = await catchExit(GenServer.call(pid, 5001));
      return [ok, late[0]];
    });
    expect(got).toEqual(['slept 4999', 'exit']);
  });

  it("exits with ['noproc', ...] for a dead server and an unknown name", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const dead = spawn(() => null);
      await sleep(1);
      return [
        await catchExit(GenServer.call(dead, 'hi')),
        await catchExit(GenServer.call('nobody', 'hi', 100)),
        dead,
      ];
    });
    expect(got[0]).toEqual(['exit', ['noproc', ['GenServer', 'call', [got[2], 'hi', 5000]]]]);
    expect(got[1]).toEqual(['exit', ['noproc', ['GenServer', 'call', ['nobody', 'hi', 100]]]]);
  });

  it('exits with the server exit reason when the server dies during the call', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Fragile = GenServer.define({
        handleCall: () => ['stop', 'gave up', null] as ['stop', string, null],
      });
      const [, pid] = (await GenServer.start(Fragile)) as ['ok', Pid];
      return catchExit(GenServer.call(pid, 'anything'));
    });
    expect(got).toEqual([
      'exit',
      ['gave up', ['GenServer', 'call', [expect.anything(), 'anything', 5000]]],
    ]);
  });

  it('GenServer.reply lets a server answer later from another process and stay responsive', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Kitchen = GenServer.define({
        handleCall(request: string, from: From, orders: number) {
          if (request === 'count') return ['reply', orders, orders];
          spawn(async () => {
            await sleep(100);
            GenServer.reply(from, `${request} is ready`);
          });
          return ['noreply', orders + 1];
        },
      });
      const [, kitchen] = (await GenServer.start(Kitchen, 0)) as ['ok', Pid];
      const me = self();
      spawn(async () => send(me, ['soup', await GenServer.call(kitchen, 'soup')]));
      spawn(async () => send(me, ['cake', await GenServer.call(kitchen, 'cake')]));
      await sleep(10);
      const countWhileCooking = await GenServer.call(kitchen, 'count');
      return [
        countWhileCooking,
        await receive(['soup', _]),
        await receive(['cake', _]),
        rt.clock.now(),
      ];
    });
    expect(got).toEqual([2, ['soup', 'soup is ready'], ['cake', 'cake is ready'], 100]);
  });

  it('refuses to call itself', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Selfish = GenServer.define({
        handleCall: async (_r: unknown, _f: From, s: null) => {
          const inner = await catchExit(GenServer.call(self(), 'again'));
          return ['reply', inner, s];
        },
      });
      const [, pid] = (await GenServer.start(Selfish)) as ['ok', Pid];
      return GenServer.call(pid, 'go');
    });
    expect((got as [string, [string]])[1][0]).toBe('calling_self');
  });
});

describe('names', () => {
  it('registers by string; a second start gets already_started', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Counter = makeCounter();
      const first = await GenServer.start(Counter, 1, { name: 'counter' });
      const second = await GenServer.start(Counter, 2, { name: 'counter' });
      GenServer.cast('counter', 'inc');
      return [first, second, await GenServer.call('counter', 'get'), GenServer.whereis('counter')];
    });
    expect(got[1]).toEqual(['error', ['already_started', (got[0] as [string, Pid])[1]]]);
    expect(got[2]).toBe(2);
    expect(got[3]).toBe((got[0] as [string, Pid])[1]);
  });

  it('registers through a via module', async () => {
    const { rt } = virtualRuntime();
    const names = new Map<unknown, Pid>();
    const Via: ViaModule = {
      whereisName: (name) => names.get(name) ?? null,
      registerName: (name, pid) => (names.has(name) ? 'no' : (names.set(name, pid), 'yes')),
    };
    const got = await rt.run(async () => {
      await GenServer.start(makeCounter(), 7, { name: ['via', Via, 'seven'] });
      return GenServer.call(['via', Via, 'seven'], 'get');
    });
    expect(got).toBe(7);
  });
});

describe('define and childSpec', () => {
  it('gives a child spec with the module as id and only the options given to define', async () => {
    const Worker = GenServer.define(
      { init: (x: number) => ['ok', x] as ['ok', number] },
      { restart: 'transient', shutdown: 1000 },
    );
    expect(Worker.childSpec(3)).toEqual({
      id: Worker,
      start: [Worker, 'startLink', [3]],
      restart: 'transient',
      shutdown: 1000,
    });
    const { rt } = virtualRuntime();
    const state = await rt.run(async () => {
      const [, pid] = (await Worker.startLink(3)) as ['ok', Pid];
      return sys.getState(pid);
    });
    expect(state).toBe(3);
  });
});

describe('sys', () => {
  it('sys.trace prints every event of the server to its group leader', async () => {
    const { rt, text } = virtualRuntime();
    await rt.run(async () => {
      const [, pid] = (await GenServer.start(makeCounter(), 0)) as ['ok', Pid];
      await sys.trace(pid, true);
      await GenServer.call(pid, 'get');
      GenServer.cast(pid, 'inc');
      await sys.getState(pid);
    });
    expect(text()).toMatch(/\*DBG\* #PID<0\.\d+\.0> got call 'get' from #PID<0\.\d+\.0>/);
    expect(text()).toMatch(/\*DBG\* #PID<0\.\d+\.0> sent 0 to #PID<0\.\d+\.0>, new state 0/);
    expect(text()).toMatch(/got cast 'inc'\n.*new state 1/);
  });

  it('a crashing server writes an error report with the last message and state', async () => {
    const { rt, text } = virtualRuntime();
    await rt.run(async () => {
      const Crashy = GenServer.define({
        handleCast: () => {
          throw new Error('bad cast');
        },
      });
      const [, pid] = (await GenServer.start(Crashy, { items: 1 })) as ['ok', Pid];
      GenServer.cast(pid, 'explode');
      await sleep(1);
    });
    expect(text('stderr')).toMatch(
      /GenServer #PID<0\.\d+\.0> terminating\n\*\* \(Error\) bad cast\nLast message: \['\$gen_cast', 'explode'\]\nState: \{ items: 1 \}/,
    );
  });
});

describe('trace classification', () => {
  it('labels GenServer traffic as call, cast, info and reply', async () => {
    const { rt } = virtualRuntime();
    rt.trace.record(true);
    await rt.run(async () => {
      const [, pid] = (await GenServer.start(makeCounter(), 0)) as ['ok', Pid];
      await GenServer.call(pid, 'get');
      GenServer.cast(pid, 'inc');
      send(pid, 'hello');
      await sleep(1);
    });
    const kinds = rt.trace
      .events()
      .filter((e): e is Extract<TraceEvent, { type: 'send' }> => e.type === 'send')
      .map((e) => e.kind);
    for (const kind of ['call', 'cast', 'info', 'reply']) expect(kinds).toContain(kind);
  });

  it('keeps the name a server was called and cast by in the trace', async () => {
    const { rt } = virtualRuntime();
    rt.trace.record(true);
    await rt.run(async () => {
      await GenServer.start(makeCounter(), 0, { name: 'counter' });
      await GenServer.call('counter', 'get');
      GenServer.cast('counter', 'inc');
      await sleep(1);
    });
    const named = rt.trace
      .events()
      .filter((e): e is Extract<TraceEvent, { type: 'send' }> => e.type === 'send')
      .filter((e) => e.kind === 'call' || e.kind === 'cast')
      .map((e) => [e.kind, e.name]);
    expect(named).toEqual([
      ['call', 'counter'],
      ['cast', 'counter'],
    ]);
  });
});
