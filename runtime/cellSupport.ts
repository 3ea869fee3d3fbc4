/**
 * What compiled cell code calls at every `await` (see instrument.ts): `proc()` once when an async
 * function starts, `await(p, x)` on the awaited value, and `resume(p, v)` when it comes back.
 *
 * `await` tells the scheduler the process is waiting on a plain promise, so the process is
 * resumed through the run queue (pause, step and virtual time see it); `resume` makes the process
 * current again, so `self()` is right after any await, even when promise continuations of
 * several processes interleave.
 */
import { runningProc, setRunning } from './current';
import type { Proc } from './process';

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
};

/** The type of the object compiled code reaches as `__ab`. */
export type CellSupport = typeof cellSupport;
