/**
 * `check`: the small assertion namespace an exercise's hidden check cell uses (and learners may
 * use too). It runs where cells run, inside the evaluator process, so it can wait for messages,
 * monitor processes and read mailboxes with the runtime's own API.
 *
 * Why its own failure type and wording: a failed check is shown to a learner as the reason their
 * answer is not there yet, so each message says what was expected, what happened instead (values
 * printed with the runtime's `inspect`, the way cells show them) and, for anything that waits,
 * what the mailbox held when the wait gave up. `CheckFailed` tells such a failure apart from the
 * check itself crashing (a TypeError because the learner's function is missing, say).
 */
import type { Pattern, Pid } from '../../runtime/index';
import {
  ArgumentError,
  Process,
  cellSupport,
  Ref,
  _,
  after,
  inspect,
  isExitSignal,
  matches,
  on,
  receive,
  self,
  Pid as PidClass,
} from '../../runtime/index';

/** Thrown by a failing `check` call; its message is written for the learner. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** How long a waiting check waits. */
export interface WithinOptions {
  /** Milliseconds to wait (default 1000). */
  readonly within?: number;
}

/** Options of `check.down`. */
export interface DownOptions extends WithinOptions {
  /**
   * Called (and awaited) once the process is watched, before the wait: for code that stops it
   * at once (`Process.exit(pid, 'kill')`), whose exit would otherwise come before the watch.
   */
  readonly trigger?: () => unknown;
}

/** Assertions for exercise checks: each one throws `CheckFailed` with a readable message. */
export interface Check {
  /** Asserts that `actual` is the same term as `expected` (arrays, objects, Map, Set by content; pids and refs by identity). */
  equal(actual: unknown, expected: unknown, what?: string): void;
  /** Asserts that `value` matches a receive-style `pattern` (`_`, guards, partial objects). */
  matches(value: unknown, pattern: Pattern, what?: string): void;
  /** Asserts that `condition` is truthy; `message` says what should have been true. */
  ok(condition: unknown, message: string): void;
  /** Asserts that a process (a pid or a registered name) is alive. */
  alive(process: Pid | string | null | undefined, what?: string): void;
  /** Asserts that a process (a pid or a registered name) is not alive. */
  dead(process: Pid | string | null | undefined, what?: string): void;
  /** Waits for a message matching `pattern` in the cell's mailbox and returns it (removed from the mailbox). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a message is any term, as receive's is
  receives<M = any>(pattern: Pattern, options?: WithinOptions): Promise<M>;
  /** Waits for `pid` to exit (optionally with a reason matching `reason`) and returns its exit reason. */
  down(
    pid: Pid | string | null | undefined,
    reason?: Pattern,
    options?: DownOptions,
  ): Promise<unknown>;
  /** Runs `fn` and asserts that it throws; `expected` is text or a regular expression the error's message must match. Returns the error. */
  throws(fn: () => unknown, expected?: string | RegExp, what?: string): Promise<unknown>;
  /** Runs `fn` and asserts that it makes the caller exit (a `GenServer.call` to a dead server...) with a reason matching `reason`; returns the reason. */
  exits(fn: () => unknown, reason?: Pattern, what?: string): Promise<unknown>;
}

const DEFAULT_WITHIN = 1000;
const TIMED_OUT = Symbol('timed out');
const NO_THROW = Symbol('no throw');

/** The `check` namespace cells get. */
export const check: Check = {
  equal(actual, expected, what) {
    if (sameTerm(actual, expected)) return;
    fail(`${what ?? 'the value'}: expected ${show(expected)}, got ${show(actual)}`);
  },

  matches(value, pattern, what) {
    if (matches(pattern, value)) return;
    fail(
      `${what ?? 'the value'}: expected something matching ${show(pattern)}, got ${show(value)}`,
    );
  },

  ok(condition, message) {
    if (typeof message !== 'string' || message === '') {
      throw new ArgumentError(
        'check.ok(condition, message) needs a message saying what should hold',
      );
    }
    if (!condition) fail(message);
  },

  alive(process, what) {
    const pid = resolve(process, 'check.alive');
    const name = what ?? describeProcess(process);
    if (pid === null) fail(`expected ${name} to be alive, but no process has that name`);
    if (!Process.alive(pid)) fail(`expected ${name} to be alive, but it has exited`);
  },

  dead(process, what) {
    const pid = resolve(process, 'check.dead');
    if (pid !== null && Process.alive(pid)) {
      fail(`expected ${what ?? describeProcess(process)} to have exited, but it is still alive`);
    }
  },

  async receives(pattern, options) {
    const within = withinOf(options, 'check.receives');
    const me = callerPid();
    // Resumed by hand: a receive that gives up at once (`within: 0`) may come back with no
    // process current, and the failure message reads the mailbox.
    const got = cellSupport.resumeAs(
      me,
      await receive(
        on(pattern, (message: unknown) => ({ message })),
        after(within, () => TIMED_OUT),
      ),
    );
    if (got === TIMED_OUT) {
      fail(
        `expected a message matching ${show(pattern)} within ${duration(within)}; ${mailboxText()}`,
      );
    }
    return (got as { message: never }).message;
  },

  async down(process, reason = _, options) {
    const within = withinOf(options, 'check.down');
    const pid = resolve(process, 'check.down');
    const name = describeProcess(process);
    const wanted = reason === _ ? 'to exit' : `to exit with reason ${show(reason)}`;
    if (pid === null) fail(`expected ${name} ${wanted}, but no process has that name`);
    const ref = Process.monitor(pid);
    const me = callerPid();
    if (options?.trigger !== undefined) {
      const attempted = attempt(me, options.trigger);
      const triggered =
        attempted instanceof Promise ? cellSupport.resumeAs(me, await attempted) : attempted;
      if (!triggered.ok) {
        Process.demonitor(ref, { flush: true });
        throw triggered.error;
      }
    }
    const got = cellSupport.resumeAs(
      me,
      await receive(
        on(['DOWN', ref, 'process', _, _], (message: unknown[]) => message[4]),
        after(within, () => TIMED_OUT),
      ),
    );
    if (got === TIMED_OUT) {
      Process.demonitor(ref, { flush: true });
      fail(
        `expected ${name} ${wanted} within ${duration(within)}, but it is still alive; ${mailboxText()}`,
      );
    }
    if (got === 'noproc') {
      if (reason === _ || matches(reason, 'noproc')) return got;
      fail(
        `expected ${name} ${wanted}, but it had already exited before the check looked, so its reason is lost`,
      );
    }
    if (!matches(reason, got))
      fail(`expected ${name} ${wanted}, but it exited with reason ${show(got)}`);
    return got;
  },

  async throws(fn, expected, what) {
    const name = what ?? 'the function';
    const me = callerPid();
    const attempted = attempt(me, fn);
    const run =
      attempted instanceof Promise ? cellSupport.resumeAs(me, await attempted) : attempted;
    if (!run.ok && isExitSignal(run.error)) throw run.error;
    const thrown = run.ok ? NO_THROW : run.error;
    if (thrown === NO_THROW) fail(`expected ${name} to throw, but it returned normally`);
    if (expected !== undefined) {
      const message = thrown instanceof Error ? thrown.message : inspect(thrown);
      const ok = typeof expected === 'string' ? message.includes(expected) : expected.test(message);
      if (!ok) {
        const wanted = typeof expected === 'string' ? show(expected) : expected.toString();
        fail(
          `expected ${name} to throw an error with ${wanted} in its message, but it threw ${show(thrown)}`,
        );
      }
    }
    return thrown;
  },

  async exits(fn, reason = _, what) {
    const name = what ?? 'the call';
    const me = callerPid();
    const attempted = attempt(me, fn);
    const run =
      attempted instanceof Promise ? cellSupport.resumeAs(me, await attempted) : attempted;
    if (!run.ok && !isExitSignal(run.error)) {
      fail(`expected ${name} to exit the caller, but it threw ${show(run.error)}`);
    }
    const exited = run.ok ? null : { reason: (run.error as { reason: unknown }).reason };
    const wanted = reason === _ ? '' : ` with reason ${show(reason)}`;
    if (exited === null)
      fail(`expected ${name} to exit the caller${wanted}, but it returned normally`);
    if (!matches(reason, exited.reason)) {
      fail(
        `expected ${name} to exit the caller${wanted}, but the reason was ${show(exited.reason)}`,
      );
    }
    return exited.reason;
  },
};

/** How the learner's function ended: its value, or what it threw. */
type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Calls the learner's `fn` in the calling process `me` and, when it returns a promise, gives a
 * promise of how it ended, which suspends `me` until then (`cellSupport.awaitAs`); a plain value
 * or a throw comes back at once, so the caller need not await at all. Engine code is not
 * instrumented like cell code, so a caller that awaits the promise makes its process the running
 * one again right after (`cellSupport.resumeAs`, as `viz.seqTrace` does); otherwise no process,
 * or another one, would be current for its next runtime call.
 */
function attempt(me: Pid | null, fn: () => unknown): Settled | Promise<Settled> {
  let value: unknown;
  try {
    value = fn();
  } catch (error) {
    return { ok: false, error };
  }
  // A plain value needs no await: the caller's process simply stays the running one.
  if (!isThenable(value)) return { ok: true, value };
  const settled = (async (): Promise<Settled> => {
    try {
      return { ok: true, value: await value };
    } catch (error) {
      return { ok: false, error };
    }
  })();
  return cellSupport.awaitAs(me, settled) as Promise<Settled>;
}

/** The calling process's pid, or null when a check runs outside any process. */
function callerPid(): Pid | null {
  return cellSupport.self()?.pid ?? null;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function fail(message: string): never {
  throw new CheckFailed(message);
}

function show(term: unknown): string {
  return inspect(term, { depth: 6, limit: 20 });
}

function duration(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function withinOf(options: WithinOptions | undefined, call: string): number {
  const within = options?.within ?? DEFAULT_WITHIN;
  if (typeof within !== 'number' || !(within >= 0) || !Number.isFinite(within)) {
    throw new ArgumentError(
      `${call}: within must be a number of milliseconds, got ${show(within)}`,
    );
  }
  return within;
}

function resolve(process: Pid | string | null | undefined, call: string): Pid | null {
  if (process instanceof PidClass) return process;
  if (typeof process === 'string') return Process.whereis(process);
  throw new ArgumentError(`${call} needs a pid or a registered name, got ${show(process)}`);
}

function describeProcess(process: Pid | string | null | undefined): string {
  return typeof process === 'string' ? `the process registered as ${show(process)}` : show(process);
}

/** What the cell's own mailbox holds now, for messages about a wait that gave up. */
function mailboxText(): string {
  const info = Process.info(self(), 'messages') as [string, unknown[]] | null;
  const messages = info?.[1] ?? [];
  if (messages.length === 0) return 'the mailbox was empty';
  const shown = messages.slice(0, 5).map(show).join(', ');
  const more = messages.length > 5 ? `, and ${messages.length - 5} more` : '';
  return `the mailbox had ${messages.length === 1 ? '1 message' : `${messages.length} messages`}: ${shown}${more}`;
}

/** Structural equality of terms, the way `===` of Erlang terms works for copied data. */
export function sameTerm(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof PidClass || a instanceof Ref || b instanceof PidClass || b instanceof Ref) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => sameTerm(x, b[i]))
    );
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !sameTerm(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    for (const x of a) if (!b.has(x)) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (k) =>
      Object.hasOwn(b, k) &&
      sameTerm((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
