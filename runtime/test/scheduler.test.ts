import { describe, expect, it } from 'vitest';
import {
  _,
  after,
  cellSupport,
  createRuntime,
  GenServer,
  instrumentAwaits,
  on,
  Process,
  RealClock,
  receive,
  self,
  send,
  sleep,
  spawn,
} from '../index';
import type { Pid } from '../index';
import { virtualRuntime } from './helpers';

/** Compiles `body` the way cells are compiled and runs it as an async function with the API in scope. */
function compileCell(body: string): (...args: unknown[]) => Promise<unknown> {
  const AsyncFunction = (async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<unknown>;
  const js = instrumentAwaits(body, { loopGuard: true });
  return new AsyncFunction(
    '__ab',
    'spawn',
    'self',
    'send',
    'receive',
    'sleep',
    'Process',
    'log',
    js,
  );
}

const hostTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('scheduling', () => {
  it('two busy processes interleave at their awaits', async () => {
    const { rt } = virtualRuntime();
    const order: string[] = [];
    await rt.run(async () => {
      const me = self();
      const busy = (name: string) => async () => {
        for (let i = 0; i < 3; i++) {
          order.push(`${name}${i}`);
          await Process.yield();
        }
        send(me, 'done');
      };
      spawn(busy('a'));
      spawn(busy('b'));
      await receive('done');
      await receive('done');
    });
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });

  it('a process that always finds a message waiting still lets others run', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      let handled = 0;
      const greedy = spawn(async () => {
        for (let i = 0; i < 20_000; i++) {
          await receive();
          handled++;
        }
      });
      for (let i = 0; i < 20_000; i++) send(greedy, i);
      spawn(() => send(me, ['observer ran', handled]));
      const [, seen] = await receive();
      return seen as number;
    });
    expect(got).toBeLessThan(20_000);
  });

  it('counts reductions per process as it works', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const worker = spawn(async () => {
        for (;;) await receive();
      });
      await sleep(1);
      const [, before] = Process.info(worker, 'reductions');
      for (let i = 0; i < 50; i++) send(worker, i);
      await sleep(1);
      const [, afterwards] = Process.info(worker, 'reductions');
      return (afterwards as number) - (before as number);
    });
    expect(got).toBeGreaterThanOrEqual(50);
  });

  it('yields to the host between slices while a heavy workload runs', async () => {
    const rt = createRuntime({ clock: 'real', sliceMs: 2 });
    let exchanged = 0;
    const total = 200_000;
    const done = rt.run(async () => {
      const me = self();
      const echo = spawn(async () => {
        for (;;) {
          const [from, n] = await receive();
          send(from as Pid, n);
        }
      });
      for (let i = 0; i < total; i++) {
        send(echo, [me, i]);
        await receive();
        exchanged++;
      }
    });
    await hostTick();
    await hostTick();
    const seenByHost = exchanged;
    await done;
    expect(seenByHost).toBeGreaterThan(0);
    expect(seenByHost).toBeLessThan(total);
    expect(rt.stats().slices).toBeGreaterThan(1);
    rt.shutdown();
  });
});

describe('pause, step and resume', () => {
  it('pause stops processes, step runs one message at a time, resume finishes the work', async () => {
    const rt = createRuntime({ clock: 'real' });
    const log: number[] = [];
    let counter: Pid | null = null;
    await rt.run(() => {
      counter = spawn(async () => {
        for (;;) log.push((await receive()) as number);
      });
    });
    rt.pause();
    const sender = rt.run(() => {
      for (let i = 0; i < 5; i++) send(counter!, i);
    });
    await hostTick();
    expect(rt.paused).toBe(true);
    expect(log).toEqual([]);
    rt.step(); // the sender runs and queues five messages
    await hostTick();
    expect(log).toEqual([]);
    rt.step(); // the counter takes one message
    await hostTick();
    expect(log).toEqual([0]);
    rt.step();
    await hostTick();
    expect(log).toEqual([0, 1]);
    rt.resume();
    await sender;
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual([0, 1, 2, 3, 4]);
    rt.shutdown();
  });

  it('a step taken while nothing can run stays paused until the next process runs, and resume still works', async () => {
    const rt = createRuntime({ clock: 'real' });
    const log: string[] = [];
    let listener: Pid | null = null;
    await rt.run(() => {
      listener = spawn(async () => {
        for (;;) log.push((await receive()) as string);
      });
    });
    rt.pause();
    rt.step(); // nothing is runnable: the step waits for the next message
    await hostTick();
    expect(rt.paused).toBe(true);
    rt.send(null, listener!, 'a');
    rt.send(null, listener!, 'b');
    await hostTick();
    expect(log).toEqual(['a']);
    expect(rt.paused).toBe(true);
    rt.step();
    await hostTick();
    expect(log).toEqual(['a', 'b']);
    rt.step(); // waiting again, and resume ends the wait
    rt.resume();
    expect(rt.paused).toBe(false);
    rt.send(null, listener!, 'c');
    rt.send(null, listener!, 'd');
    await hostTick();
    expect(log).toEqual(['a', 'b', 'c', 'd']);
    rt.shutdown();
  });
});

describe('timers while paused', () => {
  it('still deliver their messages, and the receiver runs only after resume', async () => {
    const rt = createRuntime({ clock: 'real' });
    const log: string[] = [];
    const waiter = await rt.run(async () => {
      const waiter = spawn(async () => {
        log.push((await receive('go')) as string);
      });
      await sleep(1); // the waiter is in its receive
      Process.sendAfter(waiter, 'go', 30);
      // Paused while another process is still queued: the scheduler never went idle.
      spawn(() => null);
      rt.pause();
      return waiter;
    });
    await new Promise((r) => setTimeout(r, 80));
    expect(log).toEqual([]);
    expect(rt.procOf(waiter)?.status).toBe('runnable');
    rt.resume();
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['go']);
    rt.shutdown();
  });
});

describe('slow motion', () => {
  it('runs a real clock at a fraction of real time', async () => {
    const rt = createRuntime({ clock: 'real' });
    rt.setSpeed(0.5);
    const started = Date.now();
    await rt.run(() => sleep(30));
    // 30 ms of runtime time at half speed takes about 60 ms of real time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    rt.shutdown();
  });
});

/** Keeps the host busy, as a loaded machine or a long task in the worker does. */
function blockHost(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('late wake-ups on the real clock', () => {
  it('resume time from the moment asked for, not from when the host got round to it', async () => {
    const clock = new RealClock();
    const at = clock.now() + 20;
    const seen = await new Promise<number>((resolve) => {
      clock.wakeAt(at, () => resolve(clock.now()));
      blockHost(120); // the wake-up comes about 100 ms late
    });
    expect(seen).toBeGreaterThanOrEqual(at);
    expect(seen - at).toBeLessThan(10);
  });

  it('never go back past a reading made during the delay', async () => {
    const clock = new RealClock();
    const at = clock.now() + 20;
    let readLate = 0;
    const seen = await new Promise<number>((resolve) => {
      clock.wakeAt(at, () => resolve(clock.now()));
      blockHost(120);
      readLate = clock.now();
    });
    expect(readLate - at).toBeGreaterThan(90);
    expect(seen).toBeGreaterThanOrEqual(readLate);
  });

  it('keep the timers of a process in rhythm while the host is blocked', async () => {
    const rt = createRuntime({ clock: 'real' });
    setTimeout(() => blockHost(150), 30);
    const ticks = await rt.run(async () => {
      const began = rt.clock.now();
      const ticks: number[] = [];
      for (let i = 0; i < 3; i++) {
        Process.sendAfter(self(), 'tick', 100);
        await receive('tick');
        ticks.push(rt.clock.now() - began);
      }
      return ticks;
    });
    // Without resuming from the due time the first tick would come at about 180 ms, and the
    // others 100 ms after it.
    expect(ticks.map((ms) => Math.floor(ms / 10) * 10)).toEqual([100, 200, 300]);
    rt.shutdown();
  });
});

describe('virtual time', () => {
  it('jumps straight to the next timer when every process waits', async () => {
    const { rt } = virtualRuntime();
    const wall = Date.now();
    const got = await rt.run(async () => {
      const me = self();
      spawn(async () => {
        await sleep(3_600_000);
        send(me, ['slow', rt.clock.now()]);
      });
      spawn(async () => {
        await sleep(1_000);
        send(me, ['fast', rt.clock.now()]);
      });
      return [await receive(), await receive()];
    });
    expect(got).toEqual([
      ['fast', 1_000],
      ['slow', 3_600_000],
    ]);
    expect(Date.now() - wall).toBeLessThan(2_000);
  });

  it('does not jump while a process waits on a plain promise', async () => {
    const { rt } = virtualRuntime();
    const cell = compileCell(`
      const me = self();
      spawn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        send(me, 'external done');
      });
      spawn(async () => {
        await sleep(5000);
        send(me, 'timer done');
      });
      return [await receive(), await receive()];
    `);
    const got = await rt.run(() => cell(cellSupport, spawn, self, send, receive, sleep, Process));
    expect(got).toEqual(['external done', 'timer done']);
  });

  it('jumps to the next timer when a helper the cell awaits blocks after an await that did not suspend', async () => {
    const { rt } = virtualRuntime();
    // `receive(after(0))` finds nothing and returns at once, so the helper's promise is still
    // pending when the cell awaits it; the helper then blocks in the runtime on a timed message.
    const cell = compileCell(`
      async function nothingUrgent() {
        const urgent = await receive(log.on(['urgent', log._], (m) => m), log.after(0, () => null));
        Process.sendAfter(self(), 'later', 5000);
        return [urgent, await receive()];
      }
      return await nothingUrgent();
    `);
    const wall = Date.now();
    const got = await rt.run(() =>
      cell(cellSupport, spawn, self, send, receive, sleep, Process, { on, after, _ }),
    );
    expect(got).toEqual([null, 'later']);
    expect(rt.clock.now()).toBe(5000);
    expect(Date.now() - wall).toBeLessThan(2_000);
  });

  it('runs the same timed program to the same result every time', async () => {
    const program = async () => {
      const { rt } = virtualRuntime();
      return rt.run(async () => {
        const me = self();
        const events: unknown[] = [];
        for (const [name, ms] of [
          ['x', 30],
          ['y', 10],
          ['z', 20],
          ['w', 10],
        ] as const) {
          spawn(async () => {
            await sleep(ms);
            send(me, name);
          });
        }
        for (let i = 0; i < 4; i++) events.push([await receive(), rt.clock.now()]);
        return events;
      });
    };
    const first = await program();
    expect(first).toEqual([
      ['y', 10],
      ['w', 10],
      ['z', 20],
      ['x', 30],
    ]);
    expect(await program()).toEqual(first);
  });
});

describe('compiled cell code', () => {
  it('keeps self() right across awaits of plain promises while two processes interleave', async () => {
    const { rt } = virtualRuntime();
    const cell = compileCell(`
      const me = self();
      const worker = (name, delays) => async () => {
        const mine = self();
        const seen = [];
        for (const ms of delays) {
          await new Promise((resolve) => setTimeout(resolve, ms));
          await Promise.resolve();
          seen.push(self() === mine);
          log.push(name);
        }
        send(me, [name, seen]);
      };
      spawn(worker('a', [1, 8, 1]));
      spawn(worker('b', [4, 1, 10]));
      return [await receive(), await receive()];
    `);
    const log: string[] = [];
    const got = (await rt.run(() =>
      cell(cellSupport, spawn, self, send, receive, sleep, Process, log),
    )) as Array<[string, boolean[]]>;
    const byName = Object.fromEntries(got);
    expect(byName.a).toEqual([true, true, true]);
    expect(byName.b).toEqual([true, true, true]);
    // They really interleaved: neither ran all its steps first.
    expect(log.join('')).not.toMatch(/^(aaabbb|bbbaaa)$/);
  });

  it('keeps self() right in async helpers and for-await loops', async () => {
    const { rt } = virtualRuntime();
    const cell = compileCell(`
      async function helper() {
        await new Promise((r) => setTimeout(r, 2));
        return self();
      }
      async function* ticks() {
        for (let i = 0; i < 3; i++) {
          await new Promise((r) => setTimeout(r, 1));
          yield i;
        }
      }
      const me = self();
      const checks = [];
      const other = spawn(async () => {
        for (;;) { await new Promise((r) => setTimeout(r, 1)); }
      });
      checks.push((await helper()) === me);
      for await (const t of ticks()) checks.push(self() === me);
      const viaArrow = await (async () => (await helper()))();
      checks.push(viaArrow === me);
      Process.exit(other, 'kill');
      return checks;
    `);
    const got = await rt.run(() => cell(cellSupport, spawn, self, send, receive, sleep, Process));
    expect(got).toEqual([true, true, true, true, true]);
  });

  it('a receive handler can be async and its result is what receive returns', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      send(self(), 21);
      return receive(
        on(
          (n: number) => typeof n === 'number',
          async (n: number) => {
            await sleep(5);
            return n * 2;
          },
        ),
        after(1000, () => 'timeout'),
      );
    });
    expect(got).toBe(42);
  });
});

describe("a process's own turn", () => {
  it('is still the running process after a receive it did not await lets others run', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const other = spawn(() => receive());
      // From here on this code runs in a promise continuation, not inside the scheduler's loop.
      await Process.yield();
      // Blocks this process; the scheduler runs `other` (and goes idle) inside this call.
      const pending = receive();
      const stillMe = self() === me;
      send(me, 'wake');
      await pending;
      send(other, 'done');
      return stillMe;
    });
    expect(got).toBe(true);
  });

  it('refuses a second call made in the same turn, however much of the slice is left', async () => {
    const outcome = async (spendSlice: boolean) => {
      const { rt } = virtualRuntime({ sliceMs: 4 });
      return rt.run(async () => {
        const echo = GenServer.define({
          init: () => ['ok', null],
          handleCall: (request: string) => ['reply', request, null],
        });
        const [, a] = (await GenServer.start(echo)) as ['ok', Pid];
        const [, b] = (await GenServer.start(echo)) as ['ok', Pid];
        // A slice used up before the call: the server only answers after a host turn.
        const start = performance.now();
        while (spendSlice && performance.now() - start < 6);
        const me = self();
        const first = GenServer.call(a, 'from a');
        const stillMe = self() === me;
        try {
          GenServer.call(b, 'from b');
          return [stillMe, 'second accepted', await first];
        } catch (e) {
          return [stillMe, 'second refused', (e as Error).message, await first];
        }
      });
    };
    const roomy = await outcome(false);
    const spent = await outcome(true);
    expect(roomy).toEqual(spent);
    expect(roomy).toEqual([
      true,
      'second refused',
      expect.stringMatching(/already waiting/),
      'from a',
    ]);
  });
});

describe('the loop guard', () => {
  it('kills a spawned while(true) loop alone: the parent and other processes keep running', async () => {
    const { rt, text } = virtualRuntime({ runawayMs: 100 });
    const cell = compileCell(`
      const me = self();
      const steady = spawn(async () => { for (;;) { const m = await receive(); send(me, ['echo', m]); } });
      const [runaway, ref] = [spawn(() => { let n = 0; while (true) { n++; } }), null];
      const down = Process.monitor(runaway);
      const reason = await receive((m) => m[0] === 'DOWN' && m[1] === down);
      send(steady, 'still here');
      const echo = await receive((m) => m[0] === 'echo');
      return [reason[4], echo[1], Process.alive(steady), Process.alive(self())];
    `);
    const got = await rt.run(() => cell(cellSupport, spawn, self, send, receive, sleep, Process));
    expect(got).toEqual(['killed', 'still here', true, true]);
    expect(text('stderr')).toMatch(/stopped by the loop guard: it ran for \d+ ms without waiting/);
  });

  it('stops a runaway loop in the calling process itself, which exits with killed', async () => {
    const { rt } = virtualRuntime({ runawayMs: 50 });
    const cell = compileCell('for (let i = 0; ; i++) { if (i < 0) break; }');
    const result = await rt
      .run(() => cell(cellSupport, spawn, self, send, receive, sleep, Process))
      .catch((e: { reason?: unknown }) => e.reason);
    expect(result).toBe('killed');
  });

  it('lets a long loop live that calls sleep(0) now and then, however few those calls are', async () => {
    // Six rounds of 40 ms of work, each ended by a sleep(0): 240 ms in all, against a guard of
    // 100 ms. A sleep(0) after a used-up slice is a real yield, and the guard counts from there.
    const { rt, text } = virtualRuntime({ runawayMs: 100 });
    const cell = compileCell(`
      let rounds = 0;
      for (let round = 0; round < 6; round++) {
        const end = performance.now() + 40;
        while (performance.now() < end) {}
        await sleep(0);
        rounds++;
      }
      return rounds;
    `);
    const got = await rt.run(() => cell(cellSupport, spawn, self, send, receive, sleep, Process));
    expect(got).toBe(6);
    expect(text('stderr')).toBe('');
  });
});
