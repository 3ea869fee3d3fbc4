/**
 * What compiled cell code calls at every `await` (see instrument.ts): `proc()` once when an async
 * function starts, `await(p, x)` on the awaited value, and `resume(p, v)` when it comes back.
 *
 * `await` tells the scheduler the process is waiting on a plain promise, so the process is
 * resumed through the run queue (pause, step and virtual time see it); `resume` makes the process
 * current again, so `self()` is right after any await, even when promise continuations of
 * several processes interleave.
 *
 * Hosts whose own code runs inside a process (the notebook engine's `viz` and `check`, called
 * from cells) make the same two calls by hand. They get the process as a pid (`self()`) and use
 * `awaitAs`/`resumeAs`, so no process handle leaves the runtime; compiled code keeps the handle,
 * which spares it a lookup at every await.
 */
import { runningProc, setRunning } from './current';
import { ArgumentError } from './errors';
import { inspect } from './inspect';
import type { Proc } from './process';
import type { Runtime } from './runtime';
import { Pid } from './terms';

/** The running process as a host sees it: plain data, read when asked. */
export interface RunningProcess {
  /** The runtime the process belongs to. */
  readonly runtime: Runtime;
  /** Its pid: what a host keeps, passes back (`onExit`, `awaitAs`, ...) and compares. */
  readonly pid: Pid;
  /** Where its output goes (the I/O device of a cell, for the notebook). */
  readonly groupLeader: Pid;
}

/** The live process behind `pid` for the host-side awaits, or null (no process, or exited). */
function hostProc(pid: Pid | null, what: string): Proc | null {
  if (pid === null) return null;
  if (!(pid instanceof Pid)) {
    throw new ArgumentError(`cellSupport.${what} expects a pid or null, got ${inspect(pid)}`);
  }
  return pid.proc as Proc | null;
}

/** Loop iterations between two clock reads of the loop guard (a power of two). */
const GUARD_EVERY = 1024;
let guardCount = 0;

export const cellSupport = {
  /** Called at the top of every loop body in compiled code: stops a runaway process. */
  guard(): void {
    if ((++guardCount & (GUARD_EVERY - 1)) !== 0) return;
    const proc = runningProc();
    if (proc !== null) proc.runtime.checkRunaway(proc);
  },

  /** The process running the function that is starting (captured in its prologue). */
  proc(): Proc | null {
    return runningProc();
  },

  /** Wraps the operand of an `await`. */
  await(proc: Proc | null, value: unknown): unknown {
    return proc === null ? value : proc.runtime.awaitValue(proc, value);
  },

  /** Wraps the result of an `await`: the process that awaited is running again. */
  resume<T>(proc: Proc | null, value: T): T {
    if (proc !== null) setRunning(proc);
    return value;
  },

  /** Wraps the iterable of a `for await` loop, so each step suspends like an await. */
  iter<T>(proc: Proc | null, iterable: AsyncIterable<T> | Iterable<T>): AsyncIterable<T> {
    const source = iterable as AsyncIterable<T> & Iterable<T>;
    if (proc === null) return source;
    const iterator: AsyncIterator<T> | Iterator<T> =
      typeof source[Symbol.asyncIterator] === 'function'
        ? source[Symbol.asyncIterator]()
        : source[Symbol.iterator]();
    return {
      [Symbol.asyncIterator]: () => ({
        next: (...args: [] | [unknown]) =>
          Promise.resolve(proc.runtime.awaitValue(proc, iterator.next(...args))) as Promise<
            IteratorResult<T>
          >,
        return: (value?: unknown) =>
          Promise.resolve(
            iterator.return
              ? proc.runtime.awaitValue(proc, iterator.return(value))
              : { done: true, value },
          ) as Promise<IteratorResult<T>>,
      }),
    };
  },

  // For host code running in a process (the notebook engine): the same calls, by pid.

  /** The running process (its runtime, pid and group leader) for host code, or null outside any. */
  self(): RunningProcess | null {
    const proc = runningProc();
    if (proc === null) return null;
    return { runtime: proc.runtime, pid: proc.pid, groupLeader: proc.groupLeader };
  },

  /** `await` for host code running as process `pid` (from `self()`): wraps the awaited value. */
  awaitAs(pid: Pid | null, value: unknown): unknown {
    return cellSupport.await(hostProc(pid, 'awaitAs'), value);
  },

  /**
   * `resume` for host code running as process `pid`: it is the running process again. If it
   * exited meanwhile, no process is: its leftover code then fails at its next runtime call
   * instead of acting as whichever process ran last.
   */
  resumeAs<T>(pid: Pid | null, value: T): T {
    if (pid !== null) setRunning(hostProc(pid, 'resumeAs'));
    return value;
  },
};

/** The type of the object compiled code reaches as `__ab`. */
export type CellSupport = typeof cellSupport;
