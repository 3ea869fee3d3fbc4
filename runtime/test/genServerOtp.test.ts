/**
 * GenServer details a learner can observe and compare with Erlang/OTP's gen_server and Elixir's
 * GenServer: who the parent is, what a failed init leaves behind, callback timeouts, noproc and
 * calling_self, `name: null`, child specs and stop reports.
 */
import { describe, expect, it } from 'vitest';
import {
  _,
  after,
  Agent,
  catchExit,
  GenServer,
  makeRef,
  on,
  Process,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnMonitor,
  Supervisor,
  sys,
} from '../index';
import type { From, Pid } from '../index';
import { virtualRuntime } from './helpers';

/** A server that traps exits and records its handleInfo messages and terminate reasons. */
function trappingRecorder(log: unknown[]) {
  return GenServer.define({
    init: () => {
      Process.flag('trap_exit', true);
      return ['ok', null];
    },
    handleInfo: (message: unknown, state: null) => {
      log.push(['info', message]);
      return ['noreply', state];
    },
    terminate: (reason: unknown) => {
      log.push(['terminate', reason]);
    },
  });
}

describe('the parent of a server', () => {
  it('a server made by start is its own parent: an EXIT from its starter reaches handleInfo', async () => {
    const { rt } = virtualRuntime();
    const log: unknown[] = [];
    const got = await rt.run(async () => {
      const [, pid] = (await GenServer.start(trappingRecorder(log))) as ['ok', Pid];
      Process.exit(pid, 'shutdown');
      await sleep(1);
      return { me: self(), alive: Process.alive(pid) };
    });
    expect(log).toEqual([['info', ['EXIT', got.me, 'shutdown']]]);
    expect(got.alive).toBe(true);
  });

  it('a linked server stops on its parent’s EXIT, running terminate with that reason', async () => {
    const { rt } = virtualRuntime();
    const log: unknown[] = [];
    const got = await rt.run(async () => {
      const me = self();
      const [parent, ref] = spawnMonitor(async () => {
        const [, pid] = (await GenServer.startLink(trappingRecorder(log))) as ['ok', Pid];
        send(me, pid);
        await receive('never');
      });
      const server = (await receive()) as Pid;
      const watch = Process.monitor(server);
      Process.exit(parent, 'restructured');
      await receive(['DOWN', ref, 'process', parent, 'restructured']);
      const down = await receive(['DOWN', watch, 'process', server, (_r: unknown) => true]);
      return down[4];
    });
    expect(log).toEqual([['terminate', 'restructured']]);
    expect(got).toBe('restructured');
  });

  it('an EXIT from a linked process that is not the parent reaches handleInfo of a linked server; the parent’s normal exit stops it', async () => {
    const { rt } = virtualRuntime();
    const log: unknown[] = [];
    const got = await rt.run(async () => {
      const [, pid] = (await GenServer.startLink(trappingRecorder(log))) as ['ok', Pid];
      const neighbour = spawn(async () => {
        Process.link(pid);
        await receive('go');
        Process.exit(self(), 'neighbour left');
      });
      await sleep(1);
      send(neighbour, 'go');
      await sleep(1);
      // Read before this process (the parent) ends, which stops the server.
      return { neighbour, alive: Process.alive(pid), log: [...log] };
    });
    expect(got.log).toEqual([['info', ['EXIT', got.neighbour, 'neighbour left']]]);
    expect(got.alive).toBe(true);
    expect(log.at(-1)).toEqual(['terminate', 'normal']);
  });
});

describe('when init does not return ok', () => {
  const stopping = GenServer.define({ init: () => ['stop', 'no disk'] as ['stop', string] });
  const erring = GenServer.define({ init: () => ['error', 'no config'] as ['error', string] });
  const ignoring = GenServer.define({ init: () => 'ignore' as const });

  it("start and startLink return ['error', r] for ['stop', r], and a trapping caller is left no EXIT message (OTP 26+ proc_lib)", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const results = [
        await GenServer.start(stopping),
        await GenServer.startLink(stopping),
        await GenServer.startLink(erring),
        await GenServer.startLink(ignoring),
      ];
      await sleep(1);
      return { results, mailbox: Process.info(self(), 'messages')[1] };
    });
    expect(got.results).toEqual([
      ['error', 'no disk'],
      ['error', 'no disk'],
      ['error', 'no config'],
      'ignore',
    ]);
    expect(got.mailbox).toEqual([]);
  });

  it("['stop', r] makes the server exit with r, which kills a linked caller that does not trap exits", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [pid, ref] = spawnMonitor(async () => {
        await GenServer.startLink(stopping);
        await sleep(1);
      });
      return [pid, await receive(['DOWN', ref, 'process', pid, (_r: unknown) => true])];
    });
    expect((got[1] as unknown[])[4]).toBe('no disk');
  });

  it("['error', r] and 'ignore' make the server exit normally, so a linked caller lives on", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [pid, ref] = spawnMonitor(async () => {
        const results = [await GenServer.startLink(erring), await GenServer.startLink(ignoring)];
        await sleep(1);
        return results;
      });
      return [pid, await receive(['DOWN', ref, 'process', pid, (_r: unknown) => true])];
    });
    expect((got[1] as unknown[])[4]).toBe('normal');
  });

  it("an init returning ['ok', state, x] with a wrong x fails the start with bad_return_value", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () =>
      GenServer.start(GenServer.define({ init: () => ['ok', 1, 'soon'] as never })),
    );
    expect(got).toEqual(['error', ['bad_return_value', ['ok', 1, 'soon']]]);
  });
});

describe('callback timeouts', () => {
  /** Records each handleInfo with the virtual time it ran at (read through `now`). */
  function sleeper(log: unknown[], now: () => number, initTimeout: number | 'hibernate' | null) {
    return GenServer.define({
      init: (state: string) => (initTimeout === null ? ['ok', state] : ['ok', state, initTimeout]),
      handleCall: (request: unknown, _from: From, state: string) =>
        typeof request === 'number' ? ['reply', 'ok', state, request] : ['reply', 'ok', state],
      handleCast: (ms: number | 'hibernate', state: string) => ['noreply', state, ms],
      handleInfo: (message: unknown, state: string) => {
        log.push([message, now()]);
        return ['noreply', state];
      },
    });
  }

  /** Runs `body` beside a fresh sleeper; resolves what `body` returned and the sleeper's log. */
  async function withSleeper<R>(
    initTimeout: number | 'hibernate' | null,
    body: (pid: Pid) => Promise<R>,
  ): Promise<{ log: unknown[]; result: R }> {
    const { rt } = virtualRuntime();
    const log: unknown[] = [];
    const result = await rt.run(async () => {
      const server = sleeper(log, () => rt.clock.now(), initTimeout);
      const [, pid] = (await GenServer.start(server, 'idle')) as ['ok', Pid];
      return body(pid);
    });
    return { log, result };
  }

  it("['ok', state, ms] from init runs handleInfo('timeout') once after ms without a message", async () => {
    const { log } = await withSleeper(100, () => sleep(500));
    expect(log).toEqual([['timeout', 100]]);
  });

  it('any message cancels the timeout', async () => {
    const { log } = await withSleeper(null, async (pid) => {
      GenServer.cast(pid, 100);
      await sleep(50);
      send(pid, 'poke');
      await sleep(500);
    });
    expect(log).toEqual([['poke', 50]]);
  });

  it("['reply', r, state, ms] replies, then times out after ms", async () => {
    const { log, result } = await withSleeper(null, async (pid) => {
      await sleep(10);
      const answer = await GenServer.call(pid, 30);
      await sleep(100);
      return answer;
    });
    expect(result).toBe('ok');
    expect(log).toEqual([['timeout', 40]]);
  });

  it('a timeout of 0 never pre-empts a message that is already waiting', async () => {
    const { log } = await withSleeper(null, async (pid) => {
      GenServer.cast(pid, 0);
      send(pid, 'already here');
      await sleep(10);
      GenServer.cast(pid, 0);
      await sleep(10);
    });
    expect(log).toEqual([
      ['already here', 0],
      ['timeout', 10],
    ]);
  });

  it('a sys call does not cancel the timeout: it starts again in full, as in gen_server', async () => {
    const { log } = await withSleeper(100, async (pid) => {
      await sleep(60);
      await sys.getState(pid);
      await sleep(500);
    });
    expect(log).toEqual([['timeout', 160]]);
  });

  it("'hibernate' keeps the server and its state; the next message wakes it", async () => {
    const { log, result } = await withSleeper('hibernate', async (pid) => {
      await sleep(10);
      const [, status] = Process.info(pid, 'status') as [string, string];
      GenServer.cast(pid, 'hibernate');
      send(pid, 'wake');
      await sleep(10);
      return [status, await GenServer.call(pid, 'still there?'), Process.alive(pid)];
    });
    expect(result).toEqual(['waiting', 'ok', true]);
    expect(log).toEqual([['wake', 10]]);
  });

  it('a return with something other than a timeout, hibernate or continue after the state crashes with bad_return_value of the whole return', async () => {
    const { result } = await withSleeper(null, async (pid) => {
      const ref = Process.monitor(pid);
      GenServer.cast(pid, 'later' as never);
      return receive(['DOWN', ref, 'process', pid, (_r: unknown) => true]);
    });
    expect((result as unknown[])[4]).toEqual(['bad_return_value', ['noreply', 'idle', 'later']]);
  });
});

describe('servers that are not there', () => {
  it("call, stop and sys.getState exit with ['noproc', ...] for null, a dead pid and an unknown name", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const dead = spawn(() => null);
      await sleep(1);
      return {
        dead,
        calls: [
          await catchExit(GenServer.call(null, 'hi')),
          await catchExit(GenServer.stop(null)),
          await catchExit(GenServer.stop(dead, 'shutdown', 100)),
          await catchExit(GenServer.stop('nobody')),
          await catchExit(sys.getState(null as never)),
        ],
      };
    });
    expect(got.calls).toEqual([
      ['exit', ['noproc', ['GenServer', 'call', [null, 'hi', 5000]]]],
      ['exit', ['noproc', ['GenServer', 'stop', [null, 'normal', 'infinity']]]],
      ['exit', ['noproc', ['GenServer', 'stop', [got.dead, 'shutdown', 100]]]],
      ['exit', ['noproc', ['GenServer', 'stop', ['nobody', 'normal', 'infinity']]]],
      ['exit', ['noproc', ['sys', 'getState', [null, 5000]]]],
    ]);
  });

  it("cast returns 'ok' and whereis null for null, a dead pid and an unknown name", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const dead = spawn(() => null);
      await sleep(1);
      return [
        GenServer.cast(null, 'x'),
        GenServer.cast(dead, 'x'),
        GenServer.cast('nobody', 'x'),
        GenServer.whereis(null),
        GenServer.whereis(dead),
        GenServer.whereis('nobody'),
      ];
    });
    expect(got).toEqual(['ok', 'ok', 'ok', null, null, null]);
  });

  it('a server that stops itself exits the caller with calling_self', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Selfish = GenServer.define({
        handleCall: async (_r: unknown, _f: From, s: null) => [
          'reply',
          await catchExit(GenServer.stop(self())),
          s,
        ],
      });
      const [, pid] = (await GenServer.start(Selfish)) as ['ok', Pid];
      return [pid, await GenServer.call(pid, 'go'), Process.alive(pid)];
    });
    expect(got[1]).toEqual([
      'exit',
      ['calling_self', ['GenServer', 'stop', [got[0], 'normal', 'infinity']]],
    ]);
    expect(got[2]).toBe(true);
  });

  it('a call to itself exits with calling_self and the call’s arguments', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Selfish = GenServer.define({
        handleCall: async (r: unknown, _f: From, s: null) =>
          r === 'go'
            ? ['reply', await catchExit(GenServer.call(self(), 'again')), s]
            : ['reply', r, s],
      });
      const [, pid] = (await GenServer.start(Selfish)) as ['ok', Pid];
      return [pid, await GenServer.call(pid, 'go')];
    });
    expect(got[1]).toEqual([
      'exit',
      ['calling_self', ['GenServer', 'call', [got[0], 'again', 5000]]],
    ]);
  });
});

describe('the call protocol', () => {
  it("answers a call sent by hand as ['$gen_call', [pid, ref], request] with [ref, reply], as gen:reply does", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Echo = GenServer.define({
        handleCall: (request: unknown, _from: From, s: null) => ['reply', ['echo', request], s],
      });
      const [, pid] = (await GenServer.start(Echo)) as ['ok', Pid];
      const ref = makeRef();
      send(pid, ['$gen_call', [self(), ref], 'hi']);
      return [
        ref,
        await receive(
          on([ref, _], (m) => m),
          after(100, () => 'no reply'),
        ),
      ];
    });
    expect(got[1]).toEqual([got[0], ['echo', 'hi']]);
  });

  it('lets GenServer.call talk to a process that answers the envelope with send and receive', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const byHand = spawn(async () => {
        const [, [caller, tag], request] = (await receive(['$gen_call', [_, _], _])) as [
          string,
          From,
          string,
        ];
        send(caller, [tag, `got ${request}`]);
      });
      return [await GenServer.call(byHand, 'ping'), Process.info(self(), 'messages')[1]];
    });
    expect(got).toEqual(['got ping', []]);
  });
});

describe('names', () => {
  it('{name: null} and {name: undefined} start a server without a name, as name: nil does', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const Plain = GenServer.define({ init: (s: unknown) => ['ok', s] as ['ok', unknown] });
      const before = Process.registered().length;
      const results = [
        await GenServer.start(Plain, 1, { name: null }),
        await GenServer.start(Plain, 2, { name: undefined }),
        await Agent.start(() => 3, { name: null }),
      ];
      // One call at a time: a process waits in one receive at a time.
      const states: unknown[] = [];
      for (const r of results) states.push(await sys.getState((r as [string, Pid])[1]));
      return {
        oks: results.map((r) => (r as [string, Pid])[0]),
        states,
        added: Process.registered().length - before,
      };
    });
    expect(got).toEqual({ oks: ['ok', 'ok', 'ok'], states: [1, 2, 3], added: 0 });
  });
});

describe('child specs and the supervisor', () => {
  it('a defined module’s child spec holds only id and start; the supervisor fills permanent, 5000 and worker', async () => {
    const Worker = GenServer.define({ init: (n: number) => ['ok', n] as ['ok', number] });
    expect(Worker.childSpec(7)).toEqual({ id: Worker, start: [Worker, 'startLink', [7]] });
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([[Worker, 7]], {
        strategy: 'one_for_one',
      })) as ['ok', Pid];
      const [row] = (await Supervisor.whichChildren(sup)) as [unknown, Pid, string, unknown][];
      Process.exit(row![1], 'kill');
      await sleep(1);
      const [again] = (await Supervisor.whichChildren(sup)) as [unknown, Pid, string, unknown][];
      return {
        type: row![2],
        restarted: again![1] !== row![1],
        state: await sys.getState(again![1]),
      };
    });
    expect(got).toEqual({ type: 'worker', restarted: true, state: 7 });
  });
});

describe('stop reports', () => {
  it('GenServer.stop with a reason other than normal or shutdown logs an error report; normal does not', async () => {
    const { rt, text } = virtualRuntime();
    await rt.run(async () => {
      const Plain = GenServer.define({ init: (s: unknown) => ['ok', s] as ['ok', unknown] });
      const [, calm] = (await GenServer.start(Plain, 'calm')) as ['ok', Pid];
      await GenServer.stop(calm);
      await GenServer.stop(((await GenServer.start(Plain, 'tidy')) as ['ok', Pid])[1], 'shutdown');
      const [, busy] = (await GenServer.start(Plain, 'busy')) as ['ok', Pid];
      await GenServer.stop(busy, 'maintenance');
    });
    const stderr = text('stderr');
    expect(stderr).toMatch(
      /\[error\] GenServer #PID<[\d.]+> terminating\n\*\* \(stop\) 'maintenance'/,
    );
    expect(stderr).toContain("State: 'busy'");
    expect(stderr).not.toContain('calm');
    expect(stderr).not.toContain('tidy');
  });

  it('a server that stops while a call waits replies after terminate and before it exits', async () => {
    const { rt } = virtualRuntime();
    const log: string[] = [];
    const got = await rt.run(async () => {
      const Closing = GenServer.define({
        handleCall: (_r: unknown, _f: From, s: null) => ['stop', 'normal', 'closed', s],
        terminate: () => {
          log.push('terminate');
        },
      });
      const [, pid] = (await GenServer.start(Closing)) as ['ok', Pid];
      const ref = Process.monitor(pid);
      const answer = await GenServer.call(pid, 'close');
      log.push(`reply ${answer}`);
      return receive(['DOWN', ref, 'process', pid, (_r: unknown) => true]);
    });
    expect(log).toEqual(['terminate', 'reply closed']);
    expect((got as unknown[])[4]).toBe('normal');
  });
});

describe('default callbacks', () => {
  it('a server without handleInfo logs an error naming it and keeps running, like Elixir’s default', async () => {
    const { rt, text } = virtualRuntime();
    const got = await rt.run(async () => {
      const Quiet = GenServer.define({ init: (s: unknown) => ['ok', s] as ['ok', unknown] });
      const [, pid] = (await GenServer.start(Quiet, 0)) as ['ok', Pid];
      const [, named] = (await GenServer.start(Quiet, 0, { name: 'quiet' })) as ['ok', Pid];
      send(pid, 'hello?');
      send(named, 'anyone?');
      await sleep(1);
      return [pid, Process.alive(pid), Process.alive(named)];
    });
    expect(got.slice(1)).toEqual([true, true]);
    expect(text('stderr')).toBe(
      `[error] GenServer ${String(got[0])} received unexpected message in handleInfo: 'hello?'\n` +
        `[error] GenServer 'quiet' received unexpected message in handleInfo: 'anyone?'\n`,
    );
  });

  it('a cast to a server without handleCast crashes it with a message naming the server', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const NoCast = GenServer.define({ init: (s: unknown) => ['ok', s] as ['ok', unknown] });
      const [, pid] = (await GenServer.start(NoCast, 0, { name: 'no_cast' })) as ['ok', Pid];
      const ref = Process.monitor(pid);
      GenServer.cast(pid, 'hi');
      return receive(['DOWN', ref, 'process', pid, (_r: unknown) => true]);
    });
    expect(((got as unknown[])[4] as Error).message).toBe(
      "attempted to cast GenServer 'no_cast' but no handleCast callback was given",
    );
  });
});
