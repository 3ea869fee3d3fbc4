import { describe, expect, it } from 'vitest';
import {
  _,
  after,
  ArgumentError,
  catchExit,
  exit,
  flush,
  IO,
  on,
  Process,
  receive,
  self,
  send,
  sleep,
  spawn,
  System,
  SystemLimitError,
} from '../index';
import type { Pid } from '../index';
import { virtualRuntime } from './helpers';

describe('spawn and lifecycle', () => {
  it('a spawned process is alive until its function returns, then dead', async () => {
    const { rt } = virtualRuntime();
    const seen = await rt.run(async () => {
      const child = spawn(async () => {
        await receive('go');
      });
      const before = Process.alive(child);
      send(child, 'go');
      await sleep(1);
      return [before, Process.alive(child)];
    });
    expect(seen).toEqual([true, false]);
  });

  it('rt.run resolves with the return value and rejects with the exit reason', async () => {
    const { rt } = virtualRuntime();
    await expect(rt.run(() => 42)).resolves.toBe(42);
    await expect(catchExit(rt.run(() => exit('boom')))).resolves.toEqual(['exit', 'boom']);
    await expect(rt.run(() => Promise.reject(new Error('bad')))).rejects.toThrow('bad');
  });

  it('self() outside any process is a clear error', () => {
    expect(() => self()).toThrow(/inside a process/);
  });

  it('fails a runaway spawn loop cleanly with system_limit instead of freezing', async () => {
    const { rt } = virtualRuntime({ maxProcesses: 500 });
    const result = await rt.run(() => {
      let spawned = 0;
      try {
        for (;;) {
          spawn(() => sleep('infinity'));
          spawned++;
        }
      } catch (e) {
        return [spawned, e instanceof SystemLimitError, (e as Error).message];
      }
    });
    // 500 minus the user I/O device and the run process itself
    expect(result[0]).toBe(498);
    expect(result[1]).toBe(true);
    expect(result[2]).toMatch(/system_limit/);
  });
});

describe('send and receive', () => {
  it('delivers messages in order and receive() takes the oldest', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      send(self(), 1);
      send(self(), 2);
      return [await receive(), await receive()];
    });
    expect(got).toEqual([1, 2]);
  });

  it('selective receive takes the first match and leaves the others in order', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      for (const m of [
        ['a', 1],
        ['b', 2],
        ['a', 3],
        ['b', 4],
      ])
        send(self(), m);
      const b = await receive(['b', _]);
      const [, queued] = Process.info(self(), 'messages');
      return { b, queued };
    });
    expect(got.b).toEqual(['b', 2]);
    expect(got.queued).toEqual([
      ['a', 1],
      ['a', 3],
      ['b', 4],
    ]);
  });

  it('clauses are tried in order for each message, and guards filter', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      send(self(), ['v', 3]);
      send(self(), ['v', 9]);
      return receive(
        on(['v', (n: number) => n > 5], ([, n]: [string, number]) => `big ${n}`),
        on(['other'], () => 'other'),
      );
    });
    expect(got).toBe('big 9');
  });

  it('a waiting receive wakes when a matching message arrives, not for others', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      spawn(async () => {
        send(me, 'noise');
        await sleep(10);
        send(me, ['reply', 7]);
      });
      const reply = await receive(['reply', _]);
      return [reply, Process.info(me, 'message_queue_len')];
    });
    expect(got).toEqual([
      ['reply', 7],
      ['message_queue_len', 1],
    ]);
  });

  it('after(ms) fires when nothing matches in time; after(0) only checks the mailbox', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const started = rt.clock.now();
      const timedOut = await receive(
        on('never', () => 'no'),
        after(250, () => 'timeout'),
      );
      const waited = rt.clock.now() - started;
      send(self(), 'here');
      const immediate = await receive(
        on('here', () => 'matched'),
        after(0, () => 'empty'),
      );
      const empty = await receive(
        on('here', () => 'matched'),
        after(0, () => 'empty'),
      );
      return [timedOut, waited, immediate, empty];
    });
    expect(got).toEqual(['timeout', 250, 'matched', 'empty']);
  });

  it('a throwing guard counts as not matching', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      send(self(), null);
      send(self(), { n: 1 });
      return receive((m: { n: number }) => m.n === 1);
    });
    expect(got).toEqual({ n: 1 });
  });

  it('copies messages: mutating after send does not change what the receiver sees', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const cart = { items: ['apple'] };
      const receiver = spawn(async () => {
        const m = await receive();
        send(me, m);
      });
      send(receiver, cart);
      cart.items.push('pear');
      return receive();
    });
    expect(got).toEqual({ items: ['apple'] });
  });

  it('sending to a dead pid is silently dropped; to an unknown name is an ArgumentError', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const child = spawn(() => 'done');
      await sleep(1);
      const returned = send(child, 'hello?');
      let error: unknown = null;
      try {
        send('nobody', 'hi');
      } catch (e) {
        error = e;
      }
      return [returned, error instanceof ArgumentError];
    });
    expect(got).toEqual(['hello?', true]);
  });

  it('flush prints and empties the mailbox', async () => {
    const { rt, text } = virtualRuntime();
    const len = await rt.run(async () => {
      send(self(), 'one');
      send(self(), ['two', 2]);
      flush();
      return Process.info(self(), 'message_queue_len');
    });
    expect(text()).toBe("'one'\n['two', 2]\n");
    expect(len).toEqual(['message_queue_len', 0]);
  });

  it('a process can wait in only one receive at a time', async () => {
    const { rt } = virtualRuntime();
    await expect(
      rt.run(async () => {
        void receive('a');
        await receive('b');
      }),
    ).rejects.toThrow(/already waiting/);
  });
});

describe('Process.info and the dictionary', () => {
  it('reports the contract keys for a live process and null for a dead one', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.register(self(), 'inspector');
      Process.put('color', 'blue');
      send(self(), 'queued');
      const all = new Map(Process.info(self()) as Array<[string, unknown]>);
      const dead = spawn(() => null);
      await sleep(1);
      return { all, dead: Process.info(dead), status: Process.info(self(), 'status') };
    });
    expect(got.all.get('registered_name')).toBe('inspector');
    expect(got.all.get('messages')).toEqual(['queued']);
    expect(got.all.get('message_queue_len')).toBe(1);
    expect(got.all.get('dictionary')).toEqual([['color', 'blue']]);
    expect(got.all.get('trap_exit')).toBe(false);
    expect(got.all.get('links')).toEqual([]);
    expect(got.all.get('reductions')).toBeGreaterThan(0);
    for (const key of ['monitors', 'monitored_by', 'status', 'group_leader'])
      expect(got.all.has(key)).toBe(true);
    expect(got.dead).toBeNull();
    expect(got.status).toEqual(['status', 'running']);
  });

  it('shows a blocked process as waiting', async () => {
    const { rt } = virtualRuntime();
    const status = await rt.run(async () => {
      const child = spawn(() => receive());
      await sleep(1);
      return Process.info(child, 'status');
    });
    expect(status).toEqual(['status', 'waiting']);
  });

  it('put returns the previous value, get falls back, delete removes', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(() => [
      Process.put('k', 1),
      Process.put('k', 2),
      Process.get('k'),
      Process.get('missing', 'default'),
      Process.getKeys(),
      Process.delete('k'),
      Process.get('k'),
    ]);
    expect(got).toEqual([null, 1, 2, 'default', ['k'], 2, null]);
  });
});

describe('names', () => {
  it('register, whereis, send by name, registered, unregister', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const echo = spawn(async () => {
        const m = await receive();
        send(me, ['echo', m]);
      });
      Process.register(echo, 'echo');
      send('echo', 'hi');
      const reply = await receive();
      return [reply, Process.whereis('echo'), Process.registered().includes('echo')];
    });
    expect(got[0]).toEqual(['echo', 'hi']);
    // the echo process exited after replying, which freed the name
    expect(got[1]).toBeNull();
    expect(got[2]).toBe(false);
  });

  it('refuses a taken name, a second name, a dead pid and unregistering an unknown name', async () => {
    const { rt } = virtualRuntime();
    const errors = await rt.run(async () => {
      const a = spawn(() => sleep('infinity'));
      const b = spawn(() => sleep('infinity'));
      const dead = spawn(() => null);
      await sleep(1);
      Process.register(a, 'taken');
      const attempts = [
        () => Process.register(b, 'taken'),
        () => Process.register(a, 'second'),
        () => Process.register(dead, 'ghost'),
        () => Process.unregister('nobody'),
      ];
      return attempts.map((attempt) => {
        try {
          attempt();
          return 'no error';
        } catch (e) {
          return (e as Error).name;
        }
      });
    });
    expect(errors).toEqual(['ArgumentError', 'ArgumentError', 'ArgumentError', 'ArgumentError']);
  });
});

describe('timers', () => {
  it('sendAfter delivers after the delay; cancelTimer returns what was left', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const t0 = rt.clock.now();
      const kept = Process.sendAfter(self(), 'tick', 100);
      const cancelled = Process.sendAfter(self(), 'never', 300);
      await sleep(40);
      const read = Process.readTimer(kept);
      const left = Process.cancelTimer(cancelled);
      const msg = await receive();
      return [
        read,
        left,
        msg,
        rt.clock.now() - t0,
        Process.cancelTimer(kept),
        Process.readTimer(kept),
      ];
    });
    expect(got).toEqual([60, 260, 'tick', 100, false, false]);
  });

  it('timers due at the same moment fire in the order they were set', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      for (const n of [1, 2, 3]) Process.sendAfter(self(), n, 50);
      return [await receive(), await receive(), await receive()];
    });
    expect(got).toEqual([1, 2, 3]);
  });

  it('a timer to a pid is cancelled when that process exits', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const child = spawn(() => sleep(10));
      const ref = Process.sendAfter(child, 'late', 100);
      await sleep(20);
      return Process.readTimer(ref);
    });
    expect(got).toBe(false);
  });

  it('sleep keeps messages in the mailbox and virtual time jumps straight to the deadline', async () => {
    const { rt } = virtualRuntime();
    const wall = Date.now();
    const got = await rt.run(async () => {
      send(self(), 'kept');
      await sleep(60_000);
      return [rt.clock.now(), await receive()];
    });
    expect(got).toEqual([60_000, 'kept']);
    expect(Date.now() - wall).toBeLessThan(2_000);
  });
});

describe('System.monotonicTime', () => {
  it('follows the runtime clock, so a sleep of 1500 ms reads as 1500 ms, 1 s or 1500000 µs in virtual time', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const start = [System.monotonicTime(), System.monotonicTime('microsecond')];
      await sleep(1500);
      return [
        System.monotonicTime() - start[0]!,
        System.monotonicTime('second'),
        System.monotonicTime('microsecond') - start[1]!,
      ];
    });
    expect(got).toEqual([1500, 1, 1_500_000]);
  });

  it('refuses a unit it does not know, naming the ones it takes', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      try {
        System.monotonicTime('hour' as 'second');
        return null;
      } catch (e) {
        return [e instanceof ArgumentError, (e as Error).message];
      }
    });
    expect(got).toEqual([
      true,
      "System.monotonicTime takes 'second', 'millisecond' or 'microsecond', got: 'hour'",
    ]);
  });
});

describe('hibernate', () => {
  it('a hibernating process shrinks, wakes on a message and still receives it', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const sleeper = spawn(async () => {
        for (let i = 0; i < 100; i++) send(self(), i);
        for (let i = 0; i < 100; i++) await receive();
        send(me, ['before', Process.info(self(), 'memory')[1]]);
        await Process.hibernate();
        send(me, ['woke', await receive()]);
      });
      const [, before] = await receive(['before', _]);
      await sleep(1);
      const during = Process.info(sleeper, 'memory')[1] as number;
      send(sleeper, 'wake up');
      const woke = await receive(['woke', _]);
      return { before, during, woke };
    });
    expect(got.during).toBeLessThan(got.before as number);
    expect(got.woke).toEqual(['woke', 'wake up']);
  });
});

describe('output and group leaders', () => {
  it('a spawned process inherits its group leader and its output goes there', async () => {
    const { rt, outputs } = virtualRuntime();
    const device: string[] = [];
    const devicePid = rt.createIoDevice((o) => device.push(o.text), 'cell-1');
    await rt.run(
      async () => {
        IO.puts('from the parent');
        spawn(() => IO.puts('from the child'));
        await sleep(1);
      },
      { groupLeader: devicePid },
    );
    expect(device).toEqual(['from the parent\n', 'from the child\n']);
    expect(outputs).toEqual([]);
  });

  it('output written after the spawning code finished still reaches the same group leader', async () => {
    const { rt } = virtualRuntime();
    const device: string[] = [];
    const devicePid = rt.createIoDevice((o) => device.push(o.text));
    await rt.run(
      () =>
        void spawn(async () => {
          await sleep(500);
          IO.puts('late');
        }),
      { groupLeader: devicePid },
    );
    expect(device).toEqual([]);
    await rt.run(() => sleep(1000));
    expect(device).toEqual(['late\n']);
  });

  it("Process.groupLeader() gives the pid of the caller's group leader, typed as a Pid", async () => {
    const { rt } = virtualRuntime();
    const devicePid = rt.createIoDevice(() => {});
    const [leader, info] = await rt.run(
      () => {
        // Typed as Pid, not Pid | true: the no-argument form only ever returns the leader.
        const own: Pid = Process.groupLeader();
        return [own, Process.info(self(), 'group_leader')] as const;
      },
      { groupLeader: devicePid },
    );
    expect(leader).toBe(devicePid);
    expect(info).toEqual(['group_leader', devicePid]);
  });

  it('Process.groupLeader redirects a process, and a process can act as a group leader', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const collector = spawn(async () => {
        const request = await receive(['io_request', _, _, _]);
        send(me, request[3]);
      });
      const writer = spawn(async () => {
        await receive('write');
        IO.puts('captured');
      });
      Process.groupLeader(writer, collector);
      send(writer, 'write');
      return receive();
    });
    expect(got).toEqual(['put_chars', 'unicode', 'captured\n']);
  });

  it('IO.inspect prints with a label and returns its value', async () => {
    const { rt, text } = virtualRuntime();
    const value = await rt.run(() => IO.inspect({ n: 1 }, { label: 'state' }));
    expect(value).toEqual({ n: 1 });
    expect(text()).toBe('state: { n: 1 }\n');
  });

  it('a process that throws writes a crash report to its group leader', async () => {
    const { rt, text } = virtualRuntime();
    await rt.run(async () => {
      spawn(() => {
        throw new Error('kaboom');
      });
      await sleep(1);
    });
    expect(text('stderr')).toMatch(
      /\[error\] Process #PID<0\.\d+\.0> raised an exception\n\*\* \(Error\) kaboom/,
    );
  });
});

describe('refs', () => {
  it('makeRef is unique and a receive on a fresh ref skips older messages', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const { makeRef } = await import('../index');
      for (let i = 0; i < 1000; i++) send(self(), ['old', i]);
      const ref = makeRef();
      const other = makeRef();
      const server = spawn(async () => {
        const [from, r] = await receive();
        send(from as Pid, [r, 'reply']);
      });
      send(server, [self(), ref]);
      const reply = await receive([ref, _]);
      return [reply[1], ref === other, Process.info(self(), 'message_queue_len')];
    });
    expect(got).toEqual(['reply', false, ['message_queue_len', 1000]]);
  });

  it('a reply wait on a fresh ref does not rescan the messages that were already queued', async () => {
    const { rt } = virtualRuntime();
    const scanned = await rt.run(async () => {
      const { makeRef } = await import('../index');
      for (let i = 0; i < 5000; i++) send(self(), ['old', i]);
      const before = rt.stats().messagesScanned;
      for (let round = 0; round < 10; round++) {
        const ref = makeRef();
        const me = self();
        spawn(() => send(me, [ref, 'reply']));
        await receive([ref, _]);
      }
      return rt.stats().messagesScanned - before;
    });
    // Without the marker each of the 10 waits would examine all 5000 old messages.
    expect(scanned).toBeLessThan(50);
  });
});
