/**
 * Exit signals, links and monitors. Each test names the OTP rule it pins down; the rules are
 * those of erlang:exit/2, erlang:link/1 and erlang:monitor/2 in the Erlang reference manual.
 */
import { describe, expect, it } from 'vitest';
import {
  _,
  catchExit,
  exit,
  Process,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  spawnMonitor,
} from '../index';
import { virtualRuntime } from './helpers';

describe('links', () => {
  it('an unlinked crash leaves the parent alive', async () => {
    const { rt } = virtualRuntime();
    const alive = await rt.run(async () => {
      spawn(() => exit('boom'));
      await sleep(10);
      return Process.alive(self());
    });
    expect(alive).toBe(true);
  });

  it('a linked crash takes the parent down with the same reason', async () => {
    const { rt } = virtualRuntime();
    const result = await catchExit(
      rt.run(async () => {
        spawnLink(() => exit('boom'));
        await sleep(10);
        return 'survived';
      }),
    );
    expect(result).toEqual(['exit', 'boom']);
  });

  it('a normal exit does not propagate through a link', async () => {
    const { rt } = virtualRuntime();
    const result = await rt.run(async () => {
      spawnLink(() => 'done');
      spawnLink(() => exit('normal'));
      await sleep(10);
      return 'survived';
    });
    expect(result).toBe('survived');
  });

  it('Process.link by hand links both sides, and unlink removes both', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const other = spawn(() => sleep('infinity'));
      Process.link(other);
      const linked = [Process.info(self(), 'links')[1], Process.info(other, 'links')[1]];
      Process.unlink(other);
      const unlinked = [Process.info(self(), 'links')[1], Process.info(other, 'links')[1]];
      return { me: self(), other, linked, unlinked };
    });
    expect(got.linked).toEqual([[got.other], [got.me]]);
    expect(got.unlinked).toEqual([[], []]);
  });

  it('a crash travels along a long chain of links and takes every process down', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const me = self();
      const link = (left: number) => async () => {
        if (left === 0) {
          Process.register(self(), 'tail');
          send(me, 'ready');
          await receive('crash');
          exit('chain broke');
        }
        spawnLink(link(left - 1));
        await sleep('infinity');
      };
      const first = spawnLink(link(3000));
      await receive('ready');
      const before = Process.list().length;
      send('tail', 'crash');
      const [, , reason] = await receive(['EXIT', first, _]);
      return [before - Process.list().length, reason];
    });
    expect(got).toEqual([3001, 'chain broke']);
  });

  it('linking to a dead process exits a non-trapping caller with noproc', async () => {
    const { rt } = virtualRuntime();
    const result = await catchExit(
      rt.run(async () => {
        const dead = spawn(() => null);
        await sleep(1);
        Process.link(dead);
        return 'linked';
      }),
    );
    expect(result).toEqual(['exit', 'noproc']);
  });

  it('linking to a dead process is a noproc exit the caller can catch and survive', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const dead = spawn(() => null);
      await sleep(1);
      const caught = await catchExit(() => Process.link(dead));
      return [caught, Process.alive(self())];
    });
    expect(got).toEqual([['exit', 'noproc'], true]);
  });

  it('linking to a dead process gives a trapping caller an EXIT message with noproc', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const dead = spawn(() => null);
      await sleep(1);
      Process.link(dead);
      return [await receive(), dead];
    });
    expect(got[0]).toEqual(['EXIT', got[1], 'noproc']);
  });
});

describe('trapping exits', () => {
  it('turns exit signals from links into EXIT messages', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const previous = Process.flag('trap_exit', true);
      const child = spawnLink(() => exit('boom'));
      const message = await receive();
      return { previous, message, child, alive: Process.alive(self()) };
    });
    expect(got.previous).toBe(false);
    expect(got.message).toEqual(['EXIT', got.child, 'boom']);
    expect(got.alive).toBe(true);
  });

  it('a trapping process also gets EXIT for a normal exit of a linked process', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const child = spawnLink(() => 'done');
      return [await receive(), child];
    });
    expect(got[0]).toEqual(['EXIT', got[1], 'normal']);
  });

  it('a thrown error arrives as the EXIT reason', async () => {
    const { rt } = virtualRuntime();
    const reason = await rt.run(async () => {
      Process.flag('trap_exit', true);
      spawnLink(() => {
        throw new Error('bad input');
      });
      const [, , r] = await receive(['EXIT', _, _]);
      return r;
    });
    expect(reason).toBeInstanceOf(Error);
    expect((reason as Error).message).toBe('bad input');
  });

  it('an exit-trapper survives normal and other signals but not kill', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      const trapper = spawn(async () => {
        Process.flag('trap_exit', true);
        for (;;) send(me, ['trapped', await receive()]);
      });
      await sleep(1);
      Process.exit(trapper, 'normal');
      const first = await receive(['trapped', _]);
      Process.exit(trapper, 'please stop');
      const second = await receive(['trapped', _]);
      const aliveBeforeKill = Process.alive(trapper);
      Process.exit(trapper, 'kill');
      return { first, second, aliveBeforeKill, aliveAfterKill: Process.alive(trapper), me };
    });
    expect(got.first).toEqual(['trapped', ['EXIT', got.me, 'normal']]);
    expect(got.second).toEqual(['trapped', ['EXIT', got.me, 'please stop']]);
    expect(got.aliveBeforeKill).toBe(true);
    expect(got.aliveAfterKill).toBe(false);
  });
});

describe('Process.exit', () => {
  it("'normal' sent to another non-trapping process is ignored", async () => {
    const { rt } = virtualRuntime();
    const alive = await rt.run(async () => {
      const other = spawn(() => sleep('infinity'));
      Process.exit(other, 'normal');
      await sleep(1);
      return Process.alive(other);
    });
    expect(alive).toBe(true);
  });

  it("'normal' sent to itself ends the caller normally", async () => {
    const { rt } = virtualRuntime();
    await expect(
      rt.run(async () => {
        Process.exit(self(), 'normal');
        return 'still running';
      }),
    ).resolves.toBeUndefined();
  });

  it("'kill' cannot be trapped: the target exits with 'killed' and links see 'killed'", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const victim = spawnLink(async () => {
        Process.flag('trap_exit', true);
        await sleep('infinity');
      });
      const [, ref] = [victim, Process.monitor(victim)];
      Process.exit(victim, 'kill');
      const exitMsg = await receive(['EXIT', victim, _]);
      const down = await receive(['DOWN', ref, _, _, _]);
      return { exitMsg, down, victim };
    });
    expect(got.exitMsg).toEqual(['EXIT', got.victim, 'killed']);
    expect(got.down[4]).toBe('killed');
  });

  it("a process's own exit('kill') is an ordinary, trappable reason for its links", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      Process.flag('trap_exit', true);
      const child = spawnLink(() => exit('kill'));
      return [await receive(), child];
    });
    expect(got[0]).toEqual(['EXIT', got[1], 'kill']);
  });

  it("a non-trapping process linked to one that exits with 'kill' exits with 'kill' itself", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const middle = spawn(async () => {
        spawnLink(() => exit('kill'));
        await sleep('infinity');
      });
      const ref = Process.monitor(middle);
      return receive(['DOWN', ref, 'process', middle, _]);
    });
    expect(got[4]).toBe('kill');
  });

  it('a killed process is dead at once and its later sends and receives are refused', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const me = self();
      let refused: unknown = null;
      const victim = spawn(async () => {
        // Kill itself while running: the runtime refuses everything after the kill.
        try {
          Process.exit(self(), 'kill');
        } catch (e) {
          refused = e;
        }
        try {
          send(me, 'should not arrive');
        } catch (e) {
          refused = [refused, e];
        }
      });
      const ref = Process.monitor(victim);
      const down = await receive(['DOWN', ref, _, _, _]);
      const queued = Process.info(me, 'messages')[1];
      return { down, queued, refused };
    });
    expect(got.down[4]).toBe('killed');
    expect(got.queued).toEqual([]);
    expect(Array.isArray(got.refused)).toBe(true);
  });

  it('a killed process frees its registered name and mailbox at once', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const victim = spawn(() => sleep('infinity'));
      Process.register(victim, 'victim');
      send(victim, 'unread');
      Process.exit(victim, 'kill');
      // No await: the name is free synchronously.
      return [Process.whereis('victim'), Process.alive(victim)];
    });
    expect(got).toEqual([null, false]);
  });
});

describe('monitors', () => {
  it('deliver DOWN with the exit reason, even for a normal exit', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [pid, ref] = spawnMonitor(() => 'fine');
      const down = await receive();
      return { down, pid, ref };
    });
    expect(got.down).toEqual(['DOWN', got.ref, 'process', got.pid, 'normal']);
  });

  it('are one-way: the monitoring process is not affected by a crash', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, ref] = spawnMonitor(() => exit('crash'));
      const [, , , , reason] = await receive(['DOWN', ref, _, _, _]);
      return [reason, Process.alive(self())];
    });
    expect(got).toEqual(['crash', true]);
  });

  it('monitoring a dead pid or an unknown name gives DOWN with noproc at once', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const dead = spawn(() => null);
      await sleep(1);
      const r1 = Process.monitor(dead);
      const r2 = Process.monitor('nobody');
      return [await receive(['DOWN', r1, _, _, _]), await receive(['DOWN', r2, _, _, _]), dead];
    });
    expect(got[0][4]).toBe('noproc');
    expect(got[0][3]).toBe(got[2]);
    expect(got[1][3]).toBe('nobody');
    expect(got[1][4]).toBe('noproc');
  });

  it('demonitor stops the DOWN; with flush it removes one already delivered', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const a = spawn(() => receive('stop'));
      const refA = Process.monitor(a);
      Process.demonitor(refA);
      send(a, 'stop');
      await sleep(1);
      const afterDemonitor = Process.info(self(), 'message_queue_len')[1];
      const b = spawn(() => null);
      const refB = Process.monitor(b);
      await sleep(1);
      const beforeFlush = Process.info(self(), 'message_queue_len')[1];
      Process.demonitor(refB, { flush: true });
      return [afterDemonitor, beforeFlush, Process.info(self(), 'message_queue_len')[1]];
    });
    expect(got).toEqual([0, 1, 0]);
  });

  it('Process.info shows monitors on both sides', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const target = spawn(() => sleep('infinity'));
      Process.monitor(target);
      return [
        Process.info(self(), 'monitors')[1],
        Process.info(target, 'monitored_by')[1],
        target,
        self(),
      ];
    });
    expect(got[0]).toEqual([['process', got[2]]]);
    expect(got[1]).toEqual([got[3]]);
  });
});

describe('catchExit', () => {
  it("resolves ['ok', value] or ['exit', reason] and lets errors through", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => [
      await catchExit(Promise.resolve(1)),
      await catchExit(async () => exit('nope')),
      await catchExit(async () => {
        throw new Error('real error');
      }).catch((e: Error) => e.message),
    ]);
    expect(got).toEqual([['ok', 1], ['exit', 'nope'], 'real error']);
  });
});
