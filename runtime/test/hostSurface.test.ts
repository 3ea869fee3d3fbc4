/**
 * What a host (the notebook engine) uses: processes by pid, never by the runtime's handle. The
 * runtime's own spawn and exit hooks are tested through the API in processes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  catchExit,
  cellSupport,
  isAlive,
  Pid,
  Process,
  processSnapshot,
  receive,
  self,
  send,
  sleep,
} from '../index';
import { virtualRuntime } from './helpers';

describe('processes by pid', () => {
  it('spawns from the host or from a parent pid and returns the new pid', async () => {
    const { rt } = virtualRuntime();
    const lone = rt.spawn(null, () => receive('stop'), { label: 'lone' });
    expect(lone).toBeInstanceOf(Pid);
    expect(processSnapshot(rt, lone)).toMatchObject({ label: 'lone', parent: null });

    const [parent, child, linked] = await rt.run(async () => {
      const me = self();
      const child = rt.spawn(me, () => receive('stop'), { link: true });
      await sleep(1);
      return [me, child, Process.info(me, 'links')];
    });
    expect(processSnapshot(rt, child)?.parent).toBe(parent);
    expect(linked).toEqual(['links', [child]]);
  });

  it('refuses a parent pid that is not alive, saying so', async () => {
    const { rt } = virtualRuntime();
    const gone = await rt.run(() => self());
    expect(() => rt.spawn(gone, () => 1)).toThrow(ArgumentError);
    expect(() => rt.spawn(gone, () => 1)).toThrow(
      `cannot spawn from ${gone.toString()}: that process is not alive`,
    );
  });

  it('refuses a parent pid of another runtime', async () => {
    const { rt } = virtualRuntime();
    const { rt: other } = virtualRuntime();
    const stranger = other.spawn(null, () => receive('stop'));
    expect(() => rt.spawn(stranger, () => 1)).toThrow(/belongs to another runtime/);
  });

  it('tells an exit hook by pid the reason and, after a normal return, the value', async () => {
    const { rt } = virtualRuntime();
    const exits: unknown[] = [];
    const returns = rt.spawn(null, () => 'done');
    const crashes = rt.spawn(null, async () => {
      await receive('never');
    });
    rt.onExit(returns, (reason, returned) => exits.push([reason, returned]));
    rt.onExit(crashes, (reason) => exits.push([reason]));
    rt.exitPid(null, crashes, 'shutdown');
    await rt.whenIdle();
    expect(exits).toEqual([['shutdown'], ['normal', 'done']]);
  });

  it('tells an exit hook for a pid that is already gone noproc at once', async () => {
    const { rt } = virtualRuntime();
    const gone = await rt.run(() => self());
    const exits: unknown[] = [];
    rt.onExit(gone, (reason, returned) => exits.push([reason, returned]));
    expect(exits).toEqual([['noproc', undefined]]);
  });

  it('settles code run in the process by pid and drops the receive it left pending', async () => {
    const { rt } = virtualRuntime();
    const result = await rt.run(async () => {
      const me = self();
      let abandoned = false;
      const value = await rt.settleInProcess(
        me,
        (async () => {
          void receive('never');
          return 7;
        })(),
        () => (abandoned = true),
      );
      send(me, 'next');
      return [value, abandoned, await receive()];
    });
    expect(result).toEqual([7, true, 'next']);
  });

  it('never settles for a process that has exited: it has no next continuation', async () => {
    const { rt } = virtualRuntime();
    const gone = await rt.run(() => self());
    let settled = false;
    void rt.settleInProcess(gone, Promise.resolve(1), () => {}).then(() => (settled = true));
    await rt.whenIdle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
  });
});

describe('cellSupport for host code in a process', () => {
  it('gives no running process outside any', () => {
    expect(cellSupport.self()).toBeNull();
  });

  it('gives the running process as its runtime, pid and group leader', async () => {
    const { rt } = virtualRuntime();
    const [seen, pid, leader] = await rt.run(() => [
      cellSupport.self(),
      self(),
      Process.groupLeader(),
    ]);
    expect(seen).toEqual({ runtime: rt, pid, groupLeader: leader });
  });

  it('resumes the process through the run queue after a plain promise, current again', async () => {
    const { rt } = virtualRuntime();
    let release!: (value: string) => void;
    const plain = new Promise<string>((resolve) => (release = resolve));
    const waiter = rt.spawn(null, async () => {
      const me = cellSupport.self()!.pid;
      const value = cellSupport.resumeAs(me, (await cellSupport.awaitAs(me, plain)) as string);
      return [value, self() === me];
    });
    const exits: unknown[] = [];
    rt.onExit(waiter, (reason, returned) => exits.push([reason, returned]));
    await rt.whenIdle();
    expect(processSnapshot(rt, waiter)?.status).toBe('suspended');
    // Paused, the scheduler holds the process back even though its promise has settled.
    rt.pause();
    release('ready');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([]);
    rt.resume();
    await rt.whenIdle();
    expect(exits).toEqual([['normal', ['ready', true]]]);
  });

  it('leaves no process current when the process resumed by pid has exited', async () => {
    const { rt } = virtualRuntime();
    let afterResume: unknown = 'not reached';
    const outcome = await catchExit(
      rt.run(() => {
        const me = self();
        try {
          Process.exit(me, 'kill');
        } catch {
          // The kill took effect at once; this code is what is left of the process.
        }
        cellSupport.resumeAs(me, null);
        afterResume = [isAlive(rt, me), cellSupport.self()];
      }),
    );
    expect(outcome).toEqual(['exit', 'killed']);
    expect(afterResume).toEqual([false, null]);
  });

  it('rejects what is not a pid with a clear message', () => {
    expect(() => cellSupport.awaitAs('me' as never, 1)).toThrow(
      "cellSupport.awaitAs expects a pid or null, got 'me'",
    );
    expect(() => cellSupport.resumeAs({} as never, 1)).toThrow(
      /cellSupport.resumeAs expects a pid/,
    );
  });

  it('passes values through for code outside any process', async () => {
    const promise = Promise.resolve(3);
    expect(cellSupport.awaitAs(null, promise)).toBe(promise);
    expect(cellSupport.resumeAs(null, 4)).toBe(4);
  });
});
