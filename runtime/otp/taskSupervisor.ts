/**
 * Task.Supervisor: a DynamicSupervisor whose children are tasks, like Elixir's Task.Supervisor.
 *
 * Tasks started through it are children of the supervisor (so they show in its tree and are shut
 * down with it) while still reporting to the process that asked for them: `async` links the task
 * to the caller and the caller monitors it, `asyncNolink` only monitors, so a GenServer can take
 * `[ref, result]` or the DOWN in handleInfo without being taken down by a crashing task.
 *
 * As in Elixir, a task started for a caller waits for `['$task', owner, ref]` from that caller
 * before it runs: the monitor's ref only exists once the supervisor has returned the pid.
 */
import { callerProc } from '../api';
import { ArgumentError } from '../errors';
import { inspect } from '../inspect';
import { OnClause, receiveSpec } from '../pattern';
import type { Proc } from '../process';
import type { Pid, Ref } from '../terms';
import { _ } from '../terms';
import type { ChildSpec, ServerName, ServerRef, StartResult } from './genServer';
import { DynamicSupervisor } from './dynamicSupervisor';
import type { DynamicStartChildResult } from './dynamicSupervisor';
import type { RestartType, ShutdownType } from './supervisor';
import type { MFA, Task as TaskStruct } from './task';
import { runTask, watchTask } from './task';

/** Options of `Task.Supervisor.startLink`. */
export interface TaskSupervisorOptions {
  name?: ServerName;
  /** Most tasks at once (default infinity); then `async` raises and `startChild` gives max_children. */
  maxChildren?: number | 'infinity';
  maxRestarts?: number;
  maxSeconds?: number;
}

/** Options of `Task.Supervisor.startChild`. */
export interface TaskChildOptions {
  /** Default 'temporary': a task that ends is not restarted. */
  restart?: RestartType;
  /** How long the task gets to stop when shut down (default 5000). */
  shutdown?: ShutdownType;
}

/** Task functions, or `[module, fnName, args]`. */
type TaskFn<R> = (() => R | Promise<R>) | [module: object, fnName: string, args: unknown[]];

function toThunk<R>(fn: TaskFn<R>, what: string): [() => unknown, MFA] {
  if (typeof fn === 'function') return [fn, ['erlang', 'apply', 2]];
  if (Array.isArray(fn) && fn.length === 3) {
    const [module, name, args] = fn;
    const f = (module as Record<string, unknown>)?.[name];
    if (typeof f === 'function' && Array.isArray(args)) {
      return [
        () => (f as (...a: unknown[]) => unknown).apply(module, args),
        [module, name, args.length],
      ];
    }
  }
  throw new ArgumentError(
    `${what} expects a function or [module, fnName, args], got ${inspect(fn)}`,
  );
}

/**
 * What the supervisor calls to start a task child (Elixir's Task.Supervised.start_link): spawns
 * the task linked to the supervisor; with an owner to report to, it first waits for the owner's
 * `['$task', owner, ref]`.
 */
export const TaskSupervised = {
  name: 'Task.Supervised',

  startLink(owner: Pid, fn: () => unknown, reports: boolean): ['ok', Pid] {
    const sup = callerProc('Task.Supervised.startLink');
    const rt = sup.runtime;
    const child = rt.spawnNative(
      sup,
      (proc: Proc) => {
        if (!reports) return runTask(proc, fn, null, owner);
        const spec = receiveSpec(
          [new OnClause(['$task', owner, _], (m: unknown[]) => m[2])],
          proc.pid.id,
        );
        rt.waitFor(proc, spec, (message) => {
          const ref = (message as unknown[])[2] as Ref;
          runTask(proc, fn, { owner, ref }, owner);
        });
      },
      { link: true, label: 'Task' },
    );
    return ['ok', child.pid];
  },
};

function taskSpec(
  owner: Pid,
  fn: () => unknown,
  reports: boolean,
  restart: RestartType,
  shutdown: ShutdownType,
): ChildSpec {
  return {
    id: TaskSupervised,
    start: [TaskSupervised, 'startLink', [owner, fn, reports]],
    restart,
    shutdown,
    type: 'worker',
  };
}

const MAX_CHILDREN_MESSAGE =
  'reached the maximum number of tasks for this task supervisor. The maximum number of tasks ' +
  'that are allowed to run at the same time under this supervisor can be configured with the ' +
  'maxChildren option passed to Task.Supervisor.startLink';

async function startAsync<R>(
  sup: ServerRef,
  fn: TaskFn<R>,
  link: boolean,
  options: { shutdown?: ShutdownType },
  what: string,
): Promise<TaskStruct<R>> {
  const owner = callerProc(what);
  const rt = owner.runtime;
  const [thunk, mfa] = toThunk(fn, what);
  const result = await DynamicSupervisor.startChild(
    sup,
    taskSpec(owner.pid, thunk, true, 'temporary', options.shutdown ?? 5000),
  );
  if (Array.isArray(result) && result[0] === 'error') {
    if (result[1] === 'max_children') throw new Error(MAX_CHILDREN_MESSAGE);
    throw new Error(`Task.Supervisor could not start the task: ${inspect(result[1])}`);
  }
  if (!Array.isArray(result))
    throw new Error(`Task.Supervisor could not start the task: ${inspect(result)}`);
  const pid = result[1];
  if (link) rt.link(owner, pid);
  const task = watchTask(owner, pid, mfa);
  rt.send(owner, pid, ['$task', owner.pid, task.ref]);
  return task as TaskStruct<R>;
}

/** Task.Supervisor functions, named after Elixir's Task.Supervisor module. */
export const TaskSupervisor = {
  /** Starts a task supervisor (a DynamicSupervisor) linked to the caller: `['ok', pid]`. */
  startLink(options: TaskSupervisorOptions = {}): Promise<StartResult> {
    if (typeof options !== 'object' || options === null) {
      throw new ArgumentError(`Task.Supervisor.startLink takes options, got ${inspect(options)}`);
    }
    return DynamicSupervisor.startLink({ ...options, strategy: 'one_for_one' });
  },

  /** `{id: name ?? Task.Supervisor, start: [Task.Supervisor, 'startLink', [options]], type: 'supervisor'}`. */
  childSpec(options: TaskSupervisorOptions = {}): ChildSpec {
    return {
      id: options.name ?? TaskSupervisor,
      start: [TaskSupervisor, 'startLink', [options]],
      restart: 'permanent',
      shutdown: 'infinity',
      type: 'supervisor',
    };
  },

  /**
   * Starts a task under the supervisor, linked to the caller and monitored by it: await it with
   * `Task.await`. Resolves the task.
   */
  async<R>(
    sup: ServerRef,
    fn: TaskFn<R>,
    options: { shutdown?: ShutdownType } = {},
  ): Promise<TaskStruct<R>> {
    return startAsync(sup, fn, true, options, 'Task.Supervisor.async');
  },

  /**
   * Like `async` but not linked: a crash only shows as `['DOWN', task.ref, 'process', pid, reason]`
   * (or `['exit', reason]` from Task.yield); the result arrives as `[task.ref, result]`.
   */
  asyncNolink<R>(
    sup: ServerRef,
    fn: TaskFn<R>,
    options: { shutdown?: ShutdownType } = {},
  ): Promise<TaskStruct<R>> {
    return startAsync(sup, fn, false, options, 'Task.Supervisor.asyncNolink');
  },

  /**
   * Starts a task under the supervisor for its side effects (no reply): `['ok', pid]`.
   * `restart` defaults to 'temporary'; 'transient' restarts it after a crash.
   */
  startChild(
    sup: ServerRef,
    fn: TaskFn<unknown>,
    options: TaskChildOptions = {},
  ): Promise<DynamicStartChildResult> {
    const owner = callerProc('Task.Supervisor.startChild');
    const [thunk] = toThunk(fn, 'Task.Supervisor.startChild');
    return DynamicSupervisor.startChild(
      sup,
      taskSpec(owner.pid, thunk, false, options.restart ?? 'temporary', options.shutdown ?? 5000),
    );
  },

  /** The pids of the tasks running under the supervisor. */
  async children(sup: ServerRef): Promise<Pid[]> {
    const rows = await DynamicSupervisor.whichChildren(sup);
    return rows
      .map((row) => row[1])
      .filter((pid): pid is Pid => typeof pid === 'object' && pid !== null);
  },

  /** Stops a task of the supervisor: 'ok' or `['error', 'not_found']`. */
  terminateChild(sup: ServerRef, pid: Pid): Promise<'ok' | ['error', 'not_found']> {
    return DynamicSupervisor.terminateChild(sup, pid);
  },
};
