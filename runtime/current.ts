/**
 * Which process is running right now, for `self()` and every global that acts on "the caller".
 *
 * The scheduler sets it whenever it resumes a process, and compiled cell code restores it after
 * every `await` (see instrument.ts), so it is right even when promise continuations of several
 * processes interleave. Code that is not compiled (a Node test awaiting a plain promise) can
 * register an AsyncLocalStorage-like context instead, which carries the process along promises.
 */
import type { Proc } from './process';

/** The subset of Node's AsyncLocalStorage the runtime uses. */
export interface AsyncContext {
  getStore(): unknown;
  run<R>(store: unknown, fn: () => R): R;
}

let running: Proc | null = null;
let inContinuation = false;
let asyncContext: AsyncContext | null = null;

/** Called by the scheduler and by compiled code after an await. */
export function setRunning(proc: Proc | null): void {
  running = proc;
}

/** True while the scheduler runs a continuation synchronously (the async context is stale then). */
export function setInContinuation(value: boolean): void {
  inContinuation = value;
}

/** Makes processes started from now on carry their identity through promise chains. */
export function setAsyncContext(context: AsyncContext | null): void {
  asyncContext = context;
}

/** The registered async context, or null when only compiled code tracks the running process. */
export function getAsyncContext(): AsyncContext | null {
  return asyncContext;
}

/** The process the scheduler last set running, ignoring any async context. */
export function runningProcRaw(): Proc | null {
  return running;
}

/** The calling process, or null outside any process. */
export function runningProc(): Proc | null {
  if (asyncContext !== null && !inContinuation) {
    const store = asyncContext.getStore() as Proc | undefined;
    if (store !== undefined) return store;
  }
  return running;
}

/**
 * Runs `fn` as `proc`: sets the running process and, when an async context is registered,
 * enters it, so the promise continuations `fn` creates also see `proc`. Native processes use it
 * to call learner functions from a scheduler callback, where the ambient context is whichever
 * process happened to drive the scheduler.
 */
export function runAs<T>(proc: Proc, fn: () => T): T {
  setRunning(proc);
  return asyncContext ? asyncContext.run(proc, fn) : fn();
}
