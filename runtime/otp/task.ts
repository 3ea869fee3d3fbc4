/**
 * Task: run one computation in its own process and collect its result, like Elixir's Task.
 *
 * A task is a plain object `{pid, ref, owner, mfa}`. `Task.async` spawns a process linked to the
 * caller and monitored by it; `ref` is the monitor's reference. When the function returns, the
 * task sends `[ref, result]` to its owner and exits normally, so the owner then also gets
 * `['DOWN', ref, 'process', pid, 'normal']` unless it demonitored (await and yield do, with flush).
 *
 * The ref doubles as the task's reply alias (as in Elixir, which monitors with `alias: :demonitor`):
 * once the owner stops watching the task (await timed out, yield got the result, ignore, shutdown),
 * a later reply is dropped instead of landing in the owner's mailbox.
 */
import { callerProc } from '../api';
import { runAs } from '../current';
import { ArgumentError, ExitSignal, exitReasonOf, isExitSignal } from '../errors';
import { inspect } from '../inspect';
import { after, on, receiveSpec } from '../pattern';
import type { Proc } from '../process';
import type { Runtime } from '../runtime';
import { Pid, Ref, _ } from '../terms';
import type { ChildSpec, ChildSpecDefaults } from './genServer';
import { invoke, receiveReply, reply } from './gen';
import { isNormalExit, withChildSpec } from './genServer';
import { TaskSupervisor } from './taskSupervisor';

/** `[module, functionName, arity]` of what the task runs (`['erlang', 'apply', 2]` for a function). */
export type MFA = [module: unknown, fn: string, arity: number];

/** A task started with `async`: the reply arrives as `[task.ref, result]`. */
export interface Task<R = any> {
  readonly pid: Pid | null;
  readonly ref: Ref;
  readonly owner: Pid;
  readonly mfa: MFA;
  /** Phantom field carrying the result type; never set. */
  readonly __result?: R;
}

/** What `yield`, `ignore` and `shutdown` give: the reply, the exit reason, or null. */
export type YieldResult<R = any> = ['ok', R] | ['exit', unknown] | null;

type Timeout = number | 'infinity';

/** Tasks run a function, or `module[fnName](...args)` (Elixir's MFA form). */
type TaskArgs<R> = [fn: () => R | Promise<R>] | [module: object, fnName: string, args: unknown[]];

const FUNCTION_MFA: MFA = ['erlang', 'apply', 2];

/** Default `maxConcurrency` of `asyncStream` (Elixir uses the number of schedulers, often 8). */
export const DEFAULT_MAX_CONCURRENCY = 8;

function toThunk<R>(args: TaskArgs<R>, what: string): [() => unknown, MFA] {
  if (args.length === 1) {
    const [fn] = args;
    if (typeof fn !== 'function')
      throw new ArgumentError(`${what} expects a function, got ${inspect(fn)}`);
    return [fn, [...FUNCTION_MFA]];
  }
  const [module, name, fnArgs] = args;
  const fn = (module as Record<string, unknown>)?.[name];
  if (typeof fn !== 'function' || !Array.isArray(fnArgs)) {
    throw new ArgumentError(
      `${what} expects [module, fnName, args] naming a function, got ${inspect(args)}`,
    );
  }
  return [
    () => (fn as (...a: unknown[]) => unknown).apply(module, fnArgs),
    [module, name, fnArgs.length],
  ];
}

function checkTimeout(timeout: unknown, what: string): asserts timeout is Timeout {
  if (timeout !== 'infinity' && !(typeof timeout === 'number' && timeout >= 0)) {
    throw new ArgumentError(`${what} needs a timeout in ms or 'infinity', got ${inspect(timeout)}`);
  }
}

// ------------------------------------------------------------------------- the task process

/** How a task process learns where to send its result. */
export type ReplyTarget = { owner: Pid; ref: Ref | null } | null;

/**
 * Starts a task process: it runs `fn`, sends `[ref, result]` to `target` (if any, and if the
 * owner still waits for it), then exits normally; an error ends it with that error and a report.
 * `target.ref` may be filled in after the spawn: the process only runs once the caller yields.
 */
export function spawnTask(
  parent: Proc,
  fn: () => unknown,
  options: { link: boolean; target: ReplyTarget; owner: Pid; label?: string },
): Proc {
  const rt = parent.runtime;
  return rt.spawnNative(parent, (proc) => runTask(proc, fn, options.target, options.owner), {
    link: options.link,
    label: options.label ?? 'Task',
  });
}

/** The body of every task process (also used by Task.Supervisor's tasks). */
export function runTask(proc: Proc, fn: () => unknown, target: ReplyTarget, owner: Pid): void {
  const rt = proc.runtime;
  invoke(
    proc,
    () => runAs(proc, fn),
    (result: unknown) => {
      // The task's ref is its reply tag: a reply the owner no longer waits for is dropped.
      if (target && target.ref) reply(rt, proc, [target.owner, target.ref], result);
      rt.terminate(proc, 'normal');
    },
    (e) => {
      const reason = exitReasonOf(e);
      if (!isNormalExit(reason)) {
        const what = isExitSignal(e)
          ? `** (stop) ${inspect(reason)}`
          : e instanceof Error
            ? `** (${e.name}) ${e.message}`
            : `** (throw) ${inspect(e)}`;
        rt.output(
          proc,
          `[error] Task ${proc.pid.toString()} started from ${owner.toString()} terminating\n${what}\nFunction: ${fnName(fn)}\n    Args: []\n`,
          'stderr',
        );
      }
      rt.terminate(proc, reason);
    },
  );
}

function fnName(fn: () => unknown): string {
  return fn.name ? `${fn.name}` : '#Function<anonymous>';
}

/** Makes `owner` monitor the task process and activates the reply alias; returns the task. */
export function watchTask(owner: Proc, taskProc: Pid, mfa: MFA): Task {
  const rt = owner.runtime;
  const ref = rt.monitor(owner, taskProc);
  rt.activeCallTags.add(ref);
  rt.replyAliases.add(ref);
  const proc = rt.procOf(taskProc);
  if (proc) rt.onExit(proc, () => rt.activeCallTags.delete(ref));
  else rt.activeCallTags.delete(ref);
  return { pid: taskProc, ref, owner: owner.pid, mfa };
}

/** Stops watching a task: no DOWN, no late reply. */
function forget(rt: Runtime, owner: Proc, ref: Ref): void {
  rt.activeCallTags.delete(ref);
  rt.demonitor(owner, ref, true);
}

function ownerCheck(caller: Proc, task: Task): void {
  if (typeof task !== 'object' || task === null || !(task.ref instanceof Ref)) {
    throw new ArgumentError(`expected a task, got ${inspect(task)}`);
  }
  if (task.owner !== caller.pid) {
    throw new ArgumentError(
      `task ${inspect(task)} must be queried from the owner but was queried from ${caller.pid.toString()}`,
    );
  }
}

/** Runs `body` after the owner check; a failed check rejects the returned promise. */
function checked<T>(what: string, task: Task, body: (caller: Proc) => Promise<T>): Promise<T> {
  const caller = callerProc(what);
  try {
    ownerCheck(caller, task);
  } catch (e) {
    return Promise.reject(e);
  }
  return body(caller);
}

/** Takes a reply already in the mailbox: ['ok', v] or null. */
async function flushReply(caller: Proc, ref: Ref): Promise<YieldResult> {
  const spec = receiveSpec(
    [on([ref, _], (m: [Ref, unknown]) => ['ok', m[1]]), after(0, () => null)],
    caller.pid.id,
  );
  return (await caller.runtime.receive(caller, spec)) as YieldResult;
}

// ------------------------------------------------------------------------- the API

function async<R>(...args: TaskArgs<R>): Task<R> {
  const owner = callerProc('Task.async');
  const [fn, mfa] = toThunk(args, 'Task.async');
  const target: { owner: Pid; ref: Ref | null } = { owner: owner.pid, ref: null };
  const child = spawnTask(owner, fn, { link: true, target, owner: owner.pid });
  const task = watchTask(owner, child.pid, mfa);
  target.ref = task.ref;
  return task as Task<R>;
}

function awaitTask<R>(task: Task<R>, timeout: Timeout = 5000): Promise<R> {
  return checked('Task.await', task, async (caller) => {
    checkTimeout(timeout, 'Task.await');
    const where = ['Task', 'await', [task, timeout]];
    const [outcome, value] = await receiveReply(caller, task.ref, timeout);
    if (outcome === 'reply') {
      forget(caller.runtime, caller, task.ref);
      return value as R;
    }
    if (outcome === 'down') throw new ExitSignal([value, where]);
    forget(caller.runtime, caller, task.ref);
    throw new ExitSignal(['timeout', where]);
  });
}

/**
 * Waits until `deadline` (a clock time, or Infinity) for the reply or the DOWN of one of the
 * tasks whose refs are in `refs`; resolves that message, or null when the time is up.
 */
function nextOfMany(caller: Proc, refs: Set<Ref>, deadline: number): Promise<unknown[] | null> {
  const rt = caller.runtime;
  const ours = (m: unknown) =>
    Array.isArray(m) &&
    ((m.length === 2 && refs.has(m[0] as Ref)) ||
      (m.length === 5 && m[0] === 'DOWN' && refs.has(m[1] as Ref)));
  const left = deadline === Infinity ? 'infinity' : Math.max(0, deadline - rt.clock.now());
  const spec = receiveSpec([on(ours, (m: unknown[]) => m), after(left, () => null)], caller.pid.id);
  return rt.receive(caller, spec) as Promise<unknown[] | null>;
}

async function awaitMany<R>(tasks: Array<Task<R>>, timeout: Timeout = 5000): Promise<R[]> {
  const caller = callerProc('Task.awaitMany');
  const rt = caller.runtime;
  for (const task of tasks) ownerCheck(caller, task);
  checkTimeout(timeout, 'Task.awaitMany');
  const where = ['Task', 'awaitMany', [tasks, timeout]];
  const awaiting = new Set(tasks.map((t) => t.ref));
  const replies = new Map<Ref, unknown>();
  const deadline = timeout === 'infinity' ? Infinity : rt.clock.now() + timeout;
  while (awaiting.size > 0) {
    const message = await nextOfMany(caller, awaiting, deadline);
    if (message === null) {
      for (const ref of awaiting) forget(rt, caller, ref);
      throw new ExitSignal(['timeout', where]);
    }
    if (message.length === 5) {
      for (const ref of awaiting) forget(rt, caller, ref);
      throw new ExitSignal([message[4], where]);
    }
    const ref = message[0] as Ref;
    forget(rt, caller, ref);
    awaiting.delete(ref);
    replies.set(ref, message[1]);
  }
  return tasks.map((t) => replies.get(t.ref) as R);
}

function yieldTask<R>(task: Task<R>, timeout: Timeout = 5000): Promise<YieldResult<R>> {
  return checked('Task.yield', task, async (caller) => {
    checkTimeout(timeout, 'Task.yield');
    const [outcome, value] = await receiveReply(caller, task.ref, timeout);
    if (outcome === 'reply') {
      forget(caller.runtime, caller, task.ref);
      return ['ok', value as R];
    }
    if (outcome === 'down') {
      caller.runtime.activeCallTags.delete(task.ref);
      return ['exit', value];
    }
    return null;
  });
}

/** Options of `Task.yieldMany`. */
export interface YieldManyOptions {
  /** Total ms to wait for all the tasks (default 5000). */
  timeout?: Timeout;
  /** What to do with tasks still running at the timeout (default 'nothing'). */
  onTimeout?: 'nothing' | 'ignore' | 'kill_task';
  /** Return as soon as this many tasks have replied or exited (default: all of them). */
  limit?: number;
}

async function yieldMany<R>(
  tasks: Array<Task<R>>,
  options: YieldManyOptions | Timeout = {},
): Promise<Array<[Task<R>, YieldResult<R>]>> {
  const caller = callerProc('Task.yieldMany');
  const rt = caller.runtime;
  const opts = typeof options === 'object' ? options : { timeout: options };
  const timeout = opts.timeout ?? 5000;
  const onTimeout = opts.onTimeout ?? 'nothing';
  const limit = opts.limit ?? tasks.length;
  checkTimeout(timeout, 'Task.yieldMany');
  if (onTimeout !== 'nothing' && onTimeout !== 'ignore' && onTimeout !== 'kill_task') {
    throw new ArgumentError(
      `onTimeout must be 'nothing', 'ignore' or 'kill_task', got ${inspect(onTimeout)}`,
    );
  }
  if (!(Number.isInteger(limit) && limit > 0) && tasks.length > 0) {
    throw new ArgumentError(`limit must be a positive integer, got ${inspect(limit)}`);
  }
  for (const task of tasks) ownerCheck(caller, task);
  const pending = new Set(tasks.map((t) => t.ref));
  const results = new Map<Ref, YieldResult<R>>();
  const deadline = timeout === 'infinity' ? Infinity : rt.clock.now() + timeout;
  let timedOut = false;
  while (pending.size > 0 && results.size < limit) {
    const message = await nextOfMany(caller, pending, deadline);
    if (message === null) {
      timedOut = true;
      break;
    }
    if (message.length === 5) {
      const ref = message[1] as Ref;
      pending.delete(ref);
      rt.activeCallTags.delete(ref);
      results.set(ref, ['exit', message[4]]);
    } else {
      const ref = message[0] as Ref;
      pending.delete(ref);
      forget(rt, caller, ref);
      results.set(ref, ['ok', message[1] as R]);
    }
  }
  const out: Array<[Task<R>, YieldResult<R>]> = [];
  for (const task of tasks) {
    if (results.has(task.ref)) out.push([task, results.get(task.ref)!]);
    else if (timedOut && onTimeout === 'kill_task')
      out.push([task, await shutdown(task, 'brutal_kill')]);
    else if (timedOut && onTimeout === 'ignore') out.push([task, ignore(task)]);
    else out.push([task, null]);
  }
  return out;
}

/**
 * Stops caring about a task: it keeps running, unlinked, and its reply and DOWN never arrive.
 * Returns `['ok', reply]` or `['exit', reason]` if that already came, else null.
 */
function ignore<R>(task: Task<R>): YieldResult<R> {
  const caller = callerProc('Task.ignore');
  ownerCheck(caller, task);
  const rt = caller.runtime;
  const taken = takeNow(caller, task.ref);
  if (taken && taken[0] === 'ok') {
    if (task.pid) rt.unlink(caller, task.pid);
    forget(rt, caller, task.ref);
    return taken as YieldResult<R>;
  }
  if (taken) {
    if (task.pid) rt.unlink(caller, task.pid);
    rt.activeCallTags.delete(task.ref);
    return taken;
  }
  if (task.pid) rt.unlink(caller, task.pid);
  forget(rt, caller, task.ref);
  return null;
}

/**
 * Takes the task's reply or DOWN from the mailbox without waiting, like a receive with
 * `after(0)`, but synchronously (ignore returns a plain value).
 */
function takeNow(caller: Proc, ref: Ref): YieldResult {
  const mailbox = caller.mailbox;
  for (
    let i = mailbox.indexFromSeq(ref.owner === caller.pid.id ? ref.mark : 0);
    i < mailbox.length;
    i++
  ) {
    const m = mailbox.at(i);
    if (!Array.isArray(m)) continue;
    if (m.length === 2 && m[0] === ref) {
      caller.runtime.consumeAt(caller, i);
      return ['ok', m[1]];
    }
    if (m.length === 5 && m[0] === 'DOWN' && m[1] === ref) {
      caller.runtime.consumeAt(caller, i);
      return ['exit', m[4]];
    }
  }
  return null;
}

/**
 * Unlinks and stops a task: `'shutdown'` exit, then a kill after `timeout` ms (or a kill at once
 * with 'brutal_kill'). Resolves `['ok', reply]` if the reply came meanwhile, null if the task
 * died of the 'shutdown' (or of the brutal kill), else `['exit', reason]`: `['exit', 'killed']`
 * for a task that ignored the 'shutdown' (it traps exits) and was killed after `timeout` ms.
 */
function shutdown<R>(task: Task<R>, how: Timeout | 'brutal_kill' = 5000): Promise<YieldResult<R>> {
  return checked('Task.shutdown', task, async (caller) => {
    if (task.pid === null)
      throw new ArgumentError(`task ${inspect(task)} does not have an associated task process`);
    if (how !== 'brutal_kill') checkTimeout(how, 'Task.shutdown');
    const rt = caller.runtime;
    const pid = task.pid;
    const mon = rt.monitor(caller, pid);
    rt.unlink(caller, pid);
    rt.exitPid(caller, pid, how === 'brutal_kill' ? 'kill' : 'shutdown');
    /**
     * True when the task died of the signal we sent: then the result is null. As in Elixir, a
     * task that outlived the 'shutdown' and was killed after the timeout is `['exit', 'killed']`.
     */
    const ourKill = (reason: unknown) =>
      how === 'brutal_kill' ? reason === 'killed' : reason === 'shutdown';
    const downSpec = (timeout: Timeout) =>
      receiveSpec(
        [
          on(['DOWN', mon, 'process', _, _], (m: unknown[]) => m[4]),
          after(timeout, () => undefined),
        ],
        caller.pid.id,
      );
    let reason = await rt.receive(caller, downSpec(how === 'brutal_kill' ? 'infinity' : how));
    if (reason === undefined) {
      rt.exitPid(caller, pid, 'kill');
      reason = await rt.receive(caller, downSpec('infinity'));
    }
    let result: YieldResult<R>;
    if (reason === 'noproc') {
      // Already dead: its DOWN tells how, unless it was already received.
      const taken = takeNow(caller, task.ref);
      const down = taken && taken[0] === 'exit' ? taken : null;
      if (taken && taken[0] === 'ok') result = taken as YieldResult<R>;
      else if (down) result = ourKill(down[1]) ? null : ['exit', down[1]];
      else result = ['exit', 'noproc'];
      const reply = await flushReply(caller, task.ref);
      if (reply) result = reply as YieldResult<R>;
    } else {
      const reply = await flushReply(caller, task.ref);
      result = reply ? (reply as YieldResult<R>) : ourKill(reason) ? null : ['exit', reason];
    }
    forget(rt, caller, task.ref);
    return result;
  });
}

/** Starts a task linked to the caller, for supervision trees; returns `['ok', pid]` at once. */
function startLink(...args: TaskArgs<unknown>): ['ok', Pid] {
  const parent = callerProc('Task.startLink');
  const [fn] = toThunk(args, 'Task.startLink');
  return ['ok', spawnTask(parent, fn, { link: true, target: null, owner: parent.pid }).pid];
}

/** Starts a task that is not linked to the caller (for side effects); returns `['ok', pid]`. */
function start(...args: TaskArgs<unknown>): ['ok', Pid] {
  const parent = callerProc('Task.start');
  const [fn] = toThunk(args, 'Task.start');
  return ['ok', spawnTask(parent, fn, { link: false, target: null, owner: parent.pid }).pid];
}

/** A task that is already done: awaiting it gives `result` (no process is involved). */
function completed<R>(result: R): Task<R> {
  const owner = callerProc('Task.completed');
  const rt = owner.runtime;
  const ref = rt.makeRef(owner);
  rt.send(owner, owner.pid, [ref, result], 'reply');
  return { pid: null, ref, owner: owner.pid, mfa: [Task, 'completed', 1] };
}

// ------------------------------------------------------------------------- asyncStream

/** Options of `Task.asyncStream`. */
export interface AsyncStreamOptions {
  /** Most tasks running at once (default DEFAULT_MAX_CONCURRENCY = 8). */
  maxConcurrency?: number;
  /** Results in input order (default true) or as they complete. */
  ordered?: boolean;
  /** Ms each task may run (default 5000). */
  timeout?: Timeout;
  /** 'exit' (default): the caller exits; 'kill_task': that task is killed and gives ['exit', 'timeout']. */
  onTimeout?: 'exit' | 'kill_task';
}

/** One element of an async stream: `['ok', value]`, or `['exit', reason]`. */
export type StreamResult<R> = ['ok', R] | ['exit', unknown];

interface Running {
  readonly index: number;
  readonly pid: Pid;
  readonly deadline: number;
}

class StreamRun<T, R> implements AsyncIterator<StreamResult<R>> {
  private readonly source: Iterator<T>;
  private sourceDone = false;
  private nextIndex = 0;
  private nextToEmit = 0;
  private readonly running = new Map<Ref, Running>();
  private readonly done = new Map<number, StreamResult<R>>();
  private readonly completionOrder: StreamResult<R>[] = [];
  private owner: Proc | null = null;
  /** The process the tasks are linked to (Elixir's stream monitor); see `startLinkHolder`. */
  private holder: Proc | null = null;
  /** The owner's exit hook that ends the holder; dropped when the stream finishes first. */
  private ownerHook: ((reason: unknown) => void) | null = null;
  private finished = false;

  constructor(
    items: Iterable<T>,
    private readonly fn: (item: T) => R | Promise<R>,
    private readonly max: number,
    private readonly ordered: boolean,
    private readonly timeout: Timeout,
    private readonly onTimeout: 'exit' | 'kill_task',
  ) {
    this.source = items[Symbol.iterator]();
  }

  async next(): Promise<IteratorResult<StreamResult<R>>> {
    const owner = (this.owner ??= callerProc('Task.asyncStream'));
    if (owner !== callerProc('Task.asyncStream')) {
      throw new ArgumentError(
        'an async stream must be iterated by the process that started iterating it',
      );
    }
    const rt = owner.runtime;
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      this.fill(owner);
      const ready = this.takeReady();
      if (ready) return { done: false, value: ready };
      if (this.running.size === 0 && this.sourceDone) {
        this.finish(owner);
        return { done: true, value: undefined };
      }
      const running = this.running;
      const ours = (m: unknown) =>
        Array.isArray(m) &&
        ((m.length === 2 && running.has(m[0] as Ref)) ||
          (m.length === 5 && m[0] === 'DOWN' && running.has(m[1] as Ref)));
      let earliest = Infinity;
      for (const r of running.values()) earliest = Math.min(earliest, r.deadline);
      const left = earliest === Infinity ? 'infinity' : Math.max(0, earliest - rt.clock.now());
      const spec = receiveSpec(
        [on(ours, (m: unknown[]) => m), after(left, () => null)],
        owner.pid.id,
      );
      const message = (await rt.receive(owner, spec)) as unknown[] | null;
      if (message === null) this.timedOut(owner);
      else if (message.length === 2) {
        const ref = message[0] as Ref;
        this.settle(owner, ref, ['ok', message[1] as R]);
      } else {
        const ref = message[1] as Ref;
        this.settle(owner, ref, ['exit', message[4]]);
      }
    }
  }

  /** The consumer stopped early (`break`): the tasks still running are killed. */
  async return(): Promise<IteratorResult<StreamResult<R>>> {
    const owner = this.owner;
    if (owner && owner.status !== 'dead') this.finish(owner);
    else this.finished = true;
    return { done: true, value: undefined };
  }

  /** Kills the tasks still running and ends the holder, unlinked first: no EXIT reaches the owner. */
  private finish(owner: Proc): void {
    this.finished = true;
    for (const ref of [...this.running.keys()]) this.kill(owner, ref);
    const holder = this.holder;
    this.holder = null;
    const hooks = owner.exitHooks;
    const at = hooks && this.ownerHook ? hooks.indexOf(this.ownerHook) : -1;
    if (at >= 0) hooks!.splice(at, 1);
    this.ownerHook = null;
    if (holder && holder.status !== 'dead') {
      owner.runtime.unlink(owner, holder.pid);
      owner.runtime.terminate(holder, 'normal');
    }
  }

  /**
   * The tasks are not linked to the owner but to a process linked to it that traps exits when the
   * owner does, as in Elixir's async_stream: a crash then reaches a trapping owner only as
   * `['exit', reason]` in the stream (no EXIT message), and still takes a non-trapping owner down
   * (the holder dies of it and passes it on through its link). When the owner exits, the holder
   * kills the tasks and exits with the owner's reason.
   */
  private startHolder(owner: Proc): Proc {
    const rt = owner.runtime;
    const holder = rt.spawnNative(owner, (proc) => absorbExits(proc), {
      link: true,
      label: 'Task.asyncStream',
    });
    rt.setTrapExit(holder, owner.trapExit);
    this.ownerHook = (reason) => {
      if (this.holder !== holder || holder.status === 'dead') return;
      for (const entry of this.running.values()) rt.exitPid(holder, entry.pid, 'kill');
      this.running.clear();
      this.holder = null;
      rt.terminate(holder, reason);
    };
    rt.onExit(owner, this.ownerHook);
    return holder;
  }

  private fill(owner: Proc): void {
    const rt = owner.runtime;
    while (this.running.size < this.max && !this.sourceDone) {
      const step = this.source.next();
      if (step.done) {
        this.sourceDone = true;
        break;
      }
      const item = step.value;
      const index = this.nextIndex++;
      const target: { owner: Pid; ref: Ref | null } = { owner: owner.pid, ref: null };
      const holder = (this.holder ??= this.startHolder(owner));
      const child = spawnTask(holder, () => this.fn(item), {
        link: true,
        target,
        owner: owner.pid,
      });
      const task = watchTask(owner, child.pid, [...FUNCTION_MFA]);
      target.ref = task.ref;
      const deadline = this.timeout === 'infinity' ? Infinity : rt.clock.now() + this.timeout;
      this.running.set(task.ref, { index, pid: child.pid, deadline });
    }
  }

  private takeReady(): StreamResult<R> | null {
    if (this.ordered) {
      const result = this.done.get(this.nextToEmit);
      if (result === undefined) return null;
      this.done.delete(this.nextToEmit++);
      return result;
    }
    return this.completionOrder.shift() ?? null;
  }

  private settle(owner: Proc, ref: Ref, result: StreamResult<R>): void {
    const entry = this.running.get(ref)!;
    this.running.delete(ref);
    if (result[0] === 'ok') forget(owner.runtime, owner, ref);
    else owner.runtime.activeCallTags.delete(ref);
    if (this.ordered) this.done.set(entry.index, result);
    else this.completionOrder.push(result);
  }

  private timedOut(owner: Proc): void {
    const now = owner.runtime.clock.now();
    const late = [...this.running].filter(([, r]) => r.deadline <= now);
    if (this.onTimeout === 'exit') {
      this.finish(owner);
      throw new ExitSignal(['timeout', ['Task.Supervised', 'stream', [this.timeout]]]);
    }
    for (const [ref, entry] of late) {
      this.kill(owner, ref);
      if (this.ordered) this.done.set(entry.index, ['exit', 'timeout']);
      else this.completionOrder.push(['exit', 'timeout']);
    }
  }

  private kill(owner: Proc, ref: Ref): void {
    const rt = owner.runtime;
    const entry = this.running.get(ref);
    this.running.delete(ref);
    forget(rt, owner, ref);
    if (entry) {
      if (this.holder) rt.unlink(this.holder, entry.pid);
      rt.exitPid(owner, entry.pid, 'kill');
    }
  }
}

/** A receive that takes any message. */
const ANY_MESSAGE = receiveSpec([], 0);

/** The holder's loop: takes the EXIT messages of its tasks (when trapping) and drops them. */
function absorbExits(proc: Proc): void {
  proc.runtime.waitFor(proc, ANY_MESSAGE, () => absorbExits(proc));
}

/**
 * Runs `fn` on each item in its own task, at most `maxConcurrency` at a time, as an async
 * iterable of `['ok', result]` (in input order unless `ordered: false`). Iterate it with
 * `for await` in the process that should own the tasks: they are linked to it and it receives
 * their replies. Breaking out of the loop kills the tasks still running.
 */
function asyncStream<T, R>(
  items: Iterable<T>,
  fn: (item: T) => R | Promise<R>,
  options: AsyncStreamOptions = {},
): AsyncIterable<StreamResult<Awaited<R>>> {
  const {
    maxConcurrency = DEFAULT_MAX_CONCURRENCY,
    ordered = true,
    timeout = 5000,
    onTimeout = 'exit',
  } = options;
  if (typeof fn !== 'function')
    throw new ArgumentError(`Task.asyncStream expects a function, got ${inspect(fn)}`);
  if (items === null || typeof (items as Partial<Iterable<T>>)[Symbol.iterator] !== 'function') {
    throw new ArgumentError(`Task.asyncStream expects an iterable, got ${inspect(items)}`);
  }
  if (!(Number.isInteger(maxConcurrency) && maxConcurrency > 0)) {
    throw new ArgumentError(
      `maxConcurrency must be an integer greater than zero, got ${inspect(maxConcurrency)}`,
    );
  }
  checkTimeout(timeout, 'Task.asyncStream');
  if (onTimeout !== 'exit' && onTimeout !== 'kill_task') {
    throw new ArgumentError(`onTimeout must be 'exit' or 'kill_task', got ${inspect(onTimeout)}`);
  }
  return {
    [Symbol.asyncIterator]: () =>
      new StreamRun<T, Awaited<R>>(
        items,
        fn as (item: T) => Awaited<R>,
        maxConcurrency,
        ordered,
        timeout,
        onTimeout,
      ),
  };
}

// ------------------------------------------------------------------------- child specs

function childSpec(arg: unknown): ChildSpec {
  return { id: Task, start: [Task, 'startLink', [arg]], restart: 'temporary' };
}

/** Like `use Task`: gives a module with its own `startLink(arg)` a child spec (restart 'temporary'). */
function define<T extends Record<string, any>>(
  module: T,
  defaults: ChildSpecDefaults = {},
): T & { childSpec(arg?: unknown): ChildSpec } {
  return withChildSpec(module, defaults, { restart: 'temporary' });
}

/** Task functions, named after Elixir's Task module. */
export const Task = {
  /** Runs `fn` (or `module[fnName](...args)`) in a task linked to and monitored by the caller. */
  async,
  /**
   * Waits for a task's result (default 5000 ms). Exits the caller with
   * `['timeout', ['Task', 'await', [task, timeout]]]`, or with the task's exit reason if it dies.
   */
  await: awaitTask,
  /** Awaits every task within one timeout; results in task order. */
  awaitMany,
  /** Waits up to `timeout` for the result: `['ok', v]`, `['exit', reason]` or null (still running). */
  yield: yieldTask,
  /** Yields to many tasks within one timeout: `[task, result]` pairs in task order. */
  yieldMany,
  ignore,
  shutdown,
  start,
  startLink,
  completed,
  asyncStream,
  /** `{id: Task, start: [Task, 'startLink', [arg]], restart: 'temporary'}`. */
  childSpec,
  define,
  /** Task.Supervisor: a DynamicSupervisor for tasks (see taskSupervisor.ts). */
  get Supervisor(): typeof TaskSupervisor {
    return TaskSupervisor;
  },
};
