/**
 * Supervisor: a process that starts children from child specs, watches them through links and
 * restarts them by OTP's rules (strategies, restart types, shutdown, restart intensity).
 *
 * Like GenServer, the supervisor is a native process whose idle loop waits with `waitFor`, so an
 * idle tree costs no promises. The work a message starts may wait several times (starting a
 * child waits for its ack, stopping one waits for its DOWN), so that work is an async function
 * of the supervisor process. It only awaits runtime receives of the supervisor itself and the
 * start functions it calls, and it ends by serving again; while it runs, every other message
 * (calls, other EXITs) waits in the mailbox, exactly as an OTP supervisor is busy during a
 * restart. The start, the sorting of messages, replies and system messages come from the
 * behaviour core (`gen.ts`); what is shared with DynamicSupervisor on top of it (calls and casts
 * as work, children's EXITs, restart intensity, starting and stopping children) lives here in
 * `SupervisorBase`.
 *
 * Child ids are compared as terms (`sameTerm`), not by identity: a call carrying a module as an
 * id is copied like any message, and the copy still names the same child, as atoms do in OTP.
 */
import { callerProc } from '../api';
import { getAsyncContext, setRunning } from '../current';
import { ArgumentError, exitReasonOf, isExitSignal } from '../errors';
import { inspect } from '../inspect';
import type { OnClause } from '../pattern';
import { AfterClause, OnClause as Clause, after, receiveSpec } from '../pattern';
import type { Proc } from '../process';
import type { Runtime } from '../runtime';
import { Pid, _, isPlainObject } from '../terms';
import type { Ref } from '../terms';
import type { Behaviour } from './gen';
import {
  ANY_MESSAGE,
  dispatch,
  failStart,
  ignoreStart,
  initCrashed,
  invoke,
  moduleLabel,
  reply,
  startBehaviour,
} from './gen';
import { GenServer, withChildSpec } from './genServer';
import type { ChildSpec, From, ServerName, ServerRef, StartResult } from './genServer';

/** How a child is restarted: always, only after an abnormal exit, or never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** How a child is stopped: killed at once, asked with a deadline in ms, or asked and awaited. */
export type ShutdownType = 'brutal_kill' | 'infinity' | number;
/** Whether a child is a worker or a supervisor of its own. */
export type ChildType = 'worker' | 'supervisor';
/** Which children a supervisor restarts when one of them exits. */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
/** A child's pid in whichChildren: the pid, 'undefined' when not running, 'restarting'. */
export type ChildPid = Pid | 'undefined' | 'restarting';

/** A module that can be a child: it makes its own child spec (GenServer.define gives one). */
export interface ChildModule {
  childSpec(arg?: unknown): ChildSpec;
}

/** What supervisors accept as a child: a spec, `[module, arg]` or a module (`module.childSpec([])`). */
export type ChildSpecInput = ChildSpec | readonly [ChildModule, unknown] | ChildModule;

/** Options of `Supervisor.startLink(children, options)` and `Supervisor.init`. */
export interface SupervisorOptions {
  strategy: Strategy;
  /** Most restarts allowed within maxSeconds (default 3). */
  maxRestarts?: number;
  /** The window of the restart intensity, in seconds (default 5). */
  maxSeconds?: number;
  name?: ServerName;
}

/** A supervisor's flags, as `Supervisor.init` returns them (OTP's sup_flags map). */
export interface SupervisorFlags {
  strategy: Strategy;
  intensity: number;
  period: number;
}

/** What a Supervisor module's init returns: `Supervisor.init(children, options)` or 'ignore'. */
export type SupervisorInitResult = ['ok', [SupervisorFlags, ChildSpecInput[]]] | 'ignore';

/** The callback of a module-based supervisor. */
export interface SupervisorCallbacks {
  init(arg: any): SupervisorInitResult | Promise<SupervisorInitResult>;
}

/** A module made by `Supervisor.define`: init, `childSpec(arg)` and `startLink(arg, options)`. */
export type SupervisorModule<T> = T & {
  childSpec(arg?: unknown): ChildSpec;
  startLink(arg?: unknown, options?: { name?: ServerName }): Promise<StartResult>;
  readonly __behaviour: 'supervisor';
};

/** What startChild and restartChild resolve to. */
export type StartChildResult =
  ['ok', Pid | 'undefined'] | ['ok', Pid, unknown] | ['error', unknown] | 'ignore';

/** One row of whichChildren: `[id, pid | 'undefined' | 'restarting', type, modules]`. */
export type WhichChildrenRow = [id: unknown, pid: ChildPid, type: ChildType, modules: unknown];

/** What countChildren resolves to. */
export interface ChildCounts {
  specs: number;
  active: number;
  supervisors: number;
  workers: number;
}

/**
 * What a supervisor publishes in `proc.publishedState` for introspection: a fresh object after every
 * change (so a panel can compare by identity), children in start order, oldest first.
 */
export interface SupervisorState {
  readonly kind: 'supervisor' | 'dynamic_supervisor' | 'partition_supervisor';
  readonly strategy: Strategy;
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  /** Restarts done so far, all children together. */
  readonly restarts: number;
  /** DynamicSupervisor only: the most children at once. */
  readonly maxChildren?: number | 'infinity';
  /** PartitionSupervisor only: how many partitions. */
  readonly partitions?: number;
  readonly children: readonly SupervisorChildState[];
}

/** One child in `SupervisorState`. */
export interface SupervisorChildState {
  /** The child's id: 'undefined' under a DynamicSupervisor, the partition under a PartitionSupervisor. */
  readonly id: unknown;
  readonly pid: ChildPid;
  readonly type: ChildType;
  readonly restart: RestartType;
  readonly shutdown: ShutdownType;
  readonly modules: unknown;
  /** How many times this child has been restarted. */
  readonly restarts: number;
}

/** A checked child spec, as a supervisor keeps it. */
export interface Child {
  id: unknown;
  pid: ChildPid;
  start: [module: object, fn: string, args: unknown[]];
  restart: RestartType;
  shutdown: ShutdownType;
  type: ChildType;
  modules: unknown;
  restarts: number;
}

type Maybe<T> = T | Promise<T>;

const RESTART_TYPES: readonly unknown[] = ['permanent', 'transient', 'temporary'];
const CHILD_TYPES: readonly unknown[] = ['worker', 'supervisor'];
const SPEC_KEYS: readonly string[] = [
  'id',
  'start',
  'restart',
  'shutdown',
  'type',
  'modules',
  'significant',
];

// ------------------------------------------------------------------------- terms and specs

/**
 * Equality of terms as OTP compares ids: primitives by value, arrays and plain objects by
 * content, everything else (pids, refs, functions, class instances) by identity.
 */
export function sameTerm(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameTerm(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => k in b && sameTerm(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

function hasChildSpec(value: unknown): value is ChildModule {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { childSpec?: unknown }).childSpec === 'function'
  );
}

/** A readable name for a module or id in reports: its `name`, or the term inspected. */
export function termLabel(term: unknown): string {
  if ((typeof term === 'object' || typeof term === 'function') && term !== null) {
    const name = (term as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
    if (hasChildSpec(term)) return 'module';
  }
  return inspect(term, { depth: 2, limit: 5 });
}

/**
 * Turns a child (`spec`, `[module, arg]` or `module`) into a child spec map, like Elixir's
 * Supervisor.child_spec/2 without overrides; throws ArgumentError for anything else.
 */
export function toChildSpec(child: unknown): ChildSpec {
  if (Array.isArray(child) && child.length === 2 && hasChildSpec(child[0])) {
    return child[0].childSpec(child[1]);
  }
  if (hasChildSpec(child)) return child.childSpec([]);
  if (Array.isArray(child) && child.length === 2) {
    throw new ArgumentError(
      `the module ${termLabel(child[0])} was given as a child to a supervisor but it does not implement childSpec`,
    );
  }
  if (isPlainObject(child)) {
    // A module here is an object of functions: one without childSpec (and without a spec's
    // start) is the module given bare, which Elixir refuses the same way as [module, arg].
    if (!('start' in child) && Object.values(child).some((v) => typeof v === 'function')) {
      throw new ArgumentError(
        `the module ${termLabel(child)} was given as a child to a supervisor but it does not implement childSpec`,
      );
    }
    return { ...child } as unknown as ChildSpec;
  }
  throw new ArgumentError(
    'supervisors expect each child to be one of: a module, a [module, arg] pair, or a child ' +
      `spec object with at least id and start; got: ${inspect(child)}`,
  );
}

/** Which rules a child spec is checked by: OTP's supervisor, or Elixir's DynamicSupervisor. */
export type SpecRules = 'supervisor' | 'dynamic_supervisor';

/**
 * Checks a child spec map and fills in the defaults a spec may leave out (restart 'permanent',
 * type 'worker', shutdown 5000 for a worker and 'infinity' for a supervisor, modules
 * `[module]`); returns the child, or the error reason (`'missing_id'`, `['invalid_mfa', start]`,
 * `['invalid_restart_type', r]`, ...). Under the 'supervisor' rules (OTP's check_childspec) a
 * missing id or start has its own reason and the checks run mfa, restart, type, shutdown,
 * modules; under 'dynamic_supervisor' (Elixir's validate_child) a map without an id or a
 * three-element start is `['invalid_child_spec', spec]` and the checks run mfa, restart,
 * shutdown, type, modules.
 */
export function checkChildSpec(
  spec: unknown,
  rules: SpecRules = 'supervisor',
): Child | { error: unknown } {
  if (!isPlainObject(spec)) return { error: ['invalid_child_spec', spec] };
  const dynamic = rules === 'dynamic_supervisor';
  if (dynamic && !('id' in spec && Array.isArray(spec.start) && spec.start.length === 3)) {
    return { error: ['invalid_child_spec', spec] };
  }
  if (!('id' in spec)) return { error: 'missing_id' };
  if (!('start' in spec)) return { error: 'missing_start' };
  const start = spec.start;
  if (
    !Array.isArray(start) ||
    start.length !== 3 ||
    !((typeof start[0] === 'object' || typeof start[0] === 'function') && start[0] !== null) ||
    typeof start[1] !== 'string' ||
    !Array.isArray(start[2])
  ) {
    return { error: ['invalid_mfa', start] };
  }
  const restart = spec.restart ?? 'permanent';
  const type = spec.type ?? 'worker';
  const shutdown = spec.shutdown ?? (type === 'supervisor' ? 'infinity' : 5000);
  const modules = spec.modules ?? [start[0]];
  const checks: Record<string, () => unknown> = {
    restart: () => (RESTART_TYPES.includes(restart) ? null : ['invalid_restart_type', restart]),
    type: () => (CHILD_TYPES.includes(type) ? null : ['invalid_child_type', type]),
    shutdown: () =>
      shutdown === 'brutal_kill' ||
      shutdown === 'infinity' ||
      (typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0)
        ? null
        : ['invalid_shutdown', shutdown],
    modules: () => {
      if (modules === 'dynamic') return null;
      if (!Array.isArray(modules)) return ['invalid_modules', modules];
      // A module is an object (or a function); OTP names the first element that is not one.
      const odd = modules.findIndex(
        (m) => !((typeof m === 'object' || typeof m === 'function') && m !== null),
      );
      if (odd < 0) return null;
      return dynamic ? ['invalid_modules', modules] : ['invalid_module', modules[odd]];
    },
  };
  const order = dynamic
    ? ['restart', 'shutdown', 'type', 'modules']
    : ['restart', 'type', 'shutdown', 'modules'];
  for (const key of order) {
    const error = checks[key]!();
    if (error !== null) return { error };
  }
  return {
    id: spec.id,
    pid: 'undefined',
    start: [start[0] as object, start[1], [...(start[2] as unknown[])]],
    restart: restart as RestartType,
    shutdown: shutdown as ShutdownType,
    type: type as ChildType,
    modules,
    restarts: 0,
  };
}

/** The child spec map of a checked child (what getChildspec returns). */
function specOf(child: Child): ChildSpec {
  return {
    id: child.id,
    start: child.start,
    restart: child.restart,
    shutdown: child.shutdown,
    type: child.type,
    modules: child.modules,
  };
}

/** The panel view of a child. */
export function childState(child: Child, id: unknown = child.id): SupervisorChildState {
  return {
    id,
    pid: child.pid,
    type: child.type,
    restart: child.restart,
    shutdown: child.shutdown,
    modules: child.modules,
    restarts: child.restarts,
  };
}

/** True for exits after which a transient child stays down: normal and shutdown. */
export function isCleanExit(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  );
}

// ------------------------------------------------------------------------- process helpers

/** Runs `fn` as `proc` (for code that finds its caller through the running process). */
function asProcess<T>(proc: Proc, fn: () => T): T {
  setRunning(proc);
  const context = getAsyncContext();
  return context ? context.run(proc, fn) : fn();
}

/** A receive of the supervisor process itself. */
function take<T>(proc: Proc, ...clauses: Array<OnClause | AfterClause>): Promise<T> {
  return proc.runtime.receive(proc, receiveSpec(clauses, proc.pid.id)) as Promise<T>;
}

/** What calling a child's start function gave: a normalised start result. */
export type StartOutcome = ['ok', Pid] | ['ok', Pid, unknown] | 'ignore' | ['error', unknown];

/**
 * Calls a child's start function as the supervisor (so `GenServer.startLink` links the child to
 * it) and normalises its result, as OTP's do_start_child does: anything but `['ok', pid]`,
 * `['ok', pid, info]`, `'ignore'` or `['error', r]` becomes `['error', thatValue]`. A start
 * function that throws (or does not exist) gives `['error', ['EXIT', reason]]` under
 * `rules` 'supervisor' (OTP calls it inside `catch`) and `['error', reason]` under
 * 'dynamic_supervisor' (Elixir's try/catch).
 */
export async function callStart(
  proc: Proc,
  start: readonly [object, string, readonly unknown[]],
  rules: SpecRules = 'supervisor',
): Promise<StartOutcome> {
  const [module, fn, args] = start;
  const crashed = (reason: unknown): StartOutcome => [
    'error',
    rules === 'supervisor' ? ['EXIT', reason] : reason,
  ];
  let result: unknown;
  try {
    const f = (module as Record<string, unknown>)[fn];
    if (typeof f !== 'function') return crashed(['undef', [termLabel(module), fn, args]]);
    result = asProcess(proc, () => (f as (...a: unknown[]) => unknown).apply(module, [...args]));
    result = await proc.runtime.awaitValue(proc, result);
  } catch (e) {
    if (proc.status === 'dead') throw e;
    return crashed(exitReasonOf(e));
  }
  if (result === 'ignore') return 'ignore';
  if (Array.isArray(result)) {
    if (result[0] === 'ok' && result[1] instanceof Pid) {
      if (result.length === 2) return ['ok', result[1]];
      if (result.length === 3) return ['ok', result[1], result[2]];
    }
    if (result[0] === 'error' && result.length === 2) return ['error', result[1]];
  }
  return ['error', result];
}

/**
 * Stops one child as OTP's supervisor does: monitor it, unlink, take an EXIT that already came
 * (it died meanwhile), else send `'shutdown'` (or kill) and wait for the DOWN, killing it when
 * the shutdown time runs out. Resolves with the child's exit reason.
 */
export async function shutdownChild(
  proc: Proc,
  pid: Pid,
  shutdown: ShutdownType,
): Promise<unknown> {
  const rt = proc.runtime;
  const ref = rt.monitor(proc, pid);
  rt.unlink(proc, pid);
  const down = (timeout: number | 'infinity') =>
    take<unknown>(
      proc,
      new Clause(['DOWN', ref, 'process', pid, _], (m: unknown[]) => m[4]),
      after(timeout, () => TIMED_OUT),
    );
  const early = await take<unknown[] | null>(
    proc,
    new Clause(['EXIT', pid, _], (m: unknown[]) => m),
    after(0, () => null),
  );
  if (early) {
    await down('infinity');
    return early[2];
  }
  rt.exitPid(proc, pid, shutdown === 'brutal_kill' ? 'kill' : 'shutdown');
  const reason = await down(shutdown === 'brutal_kill' ? 'infinity' : shutdown);
  if (reason !== TIMED_OUT) return reason;
  rt.exitPid(proc, pid, 'kill');
  return down('infinity');
}

const TIMED_OUT = Symbol('timed out');

/**
 * Stops several children at once, as DynamicSupervisor does: all are asked together and each
 * one is killed when its own shutdown time runs out.
 */
export async function shutdownChildren(
  proc: Proc,
  children: ReadonlyArray<{ pid: Pid; shutdown: ShutdownType }>,
): Promise<void> {
  const rt = proc.runtime;
  const pending = new Map<Ref, { pid: Pid; deadline: number | null }>();
  for (const { pid, shutdown } of children) {
    const ref = rt.monitor(proc, pid);
    rt.unlink(proc, pid);
    const early = await take<unknown>(
      proc,
      new Clause(['EXIT', pid, _], () => true),
      after(0, () => false),
    );
    if (early) {
      await take(proc, new Clause(['DOWN', ref, 'process', pid, _], () => null));
      continue;
    }
    rt.exitPid(proc, pid, shutdown === 'brutal_kill' ? 'kill' : 'shutdown');
    const deadline = typeof shutdown === 'number' ? rt.clock.now() + shutdown : null;
    pending.set(ref, { pid, deadline });
  }
  const isPending = (ref: unknown) => pending.has(ref as Ref);
  while (pending.size > 0) {
    let next: number | null = null;
    for (const { deadline } of pending.values()) {
      if (deadline !== null && (next === null || deadline < next)) next = deadline;
    }
    const wait = next === null ? 'infinity' : Math.max(0, next - rt.clock.now());
    const ref = await take<Ref | null>(
      proc,
      new Clause(['DOWN', isPending, 'process', _, _], (m: unknown[]) => m[1] as Ref),
      after(wait, () => null),
    );
    if (ref) {
      pending.delete(ref);
      continue;
    }
    const now = rt.clock.now();
    for (const entry of pending.values()) {
      if (entry.deadline !== null && entry.deadline <= now) {
        entry.deadline = null;
        rt.exitPid(proc, entry.pid, 'kill');
      }
    }
  }
}

// ------------------------------------------------------------------------- the shared loop

/** Restart intensity and what the panels show, given to a supervisor loop. */
export interface SupervisorSettings {
  strategy: Strategy;
  intensity: number;
  period: number;
}

/**
 * The loop every supervisor runs: calls, casts, system messages, the parent's EXIT, EXITs of
 * children, restart intensity and the report when it gives up. Subclasses keep the children.
 */
export abstract class SupervisorBase implements Behaviour {
  /** Clock times (whole seconds) of recent restarts, newest first. */
  private restartTimes: number[] = [];
  protected restartTotal = 0;
  private lastMessage: unknown = undefined;

  constructor(
    readonly proc: Proc,
    readonly parent: Pid | null,
    readonly settings: SupervisorSettings,
  ) {}

  get rt(): Runtime {
    return this.proc.runtime;
  }

  /** The panel view (set as `proc.publishedState` whenever the loop serves). */
  abstract state(): SupervisorState;
  /** Stops every child, in the order the kind of supervisor uses. */
  protected abstract terminateChildren(): Promise<void>;
  /** A child (or a stranger) exited. Returns work to run, or null when nothing waits. */
  protected abstract childExited(pid: Pid, reason: unknown): (() => Promise<void>) | null;
  /** A call: returns the reply at once, or work that replies itself. */
  protected abstract handleRequest(
    request: unknown,
    from: From,
  ): { reply: unknown } | { work: () => Promise<void> } | null;
  /** A cast; returns work or null. Unknown casts return undefined. */
  protected abstract handleCastRequest(request: unknown): (() => Promise<void>) | null | undefined;

  /** A plain message of the supervisor's own protocol; undefined when it is not one. */
  protected handleInfo(_message: unknown): (() => Promise<void>) | null | undefined {
    return undefined;
  }

  /** Publishes the state and waits for the next message. */
  serve(): void {
    this.publish();
    this.rt.waitFor(this.proc, ANY_MESSAGE, (message) => this.handle(message));
  }

  publish(): void {
    this.proc.publishedState = this.state();
  }

  /** Runs work that may wait; when it is done the supervisor serves again (unless it exited). */
  protected async(work: () => Promise<void>): void {
    let promise: Promise<void>;
    try {
      promise = work();
    } catch (e) {
      this.fail(e);
      return;
    }
    promise.then(
      () => {
        if (this.proc.status !== 'dead') this.serve();
      },
      (e: unknown) => this.fail(e),
    );
  }

  /** Something unexpected went wrong inside the supervisor: it exits, taking its links along. */
  private fail(e: unknown): void {
    if (this.proc.status === 'dead') return;
    if (!isExitSignal(e)) this.rt.crashReport(this.proc, e);
    this.rt.terminate(this.proc, exitReasonOf(e));
  }

  private handle(message: unknown): void {
    this.lastMessage = message;
    dispatch(this, message);
  }

  onCall(request: unknown, from: From): void {
    const outcome = this.handleRequest(request, from);
    if (outcome === null) return this.async(() => this.crash(['bad_call', request]));
    if ('reply' in outcome) {
      this.reply(from, outcome.reply);
      return this.serve();
    }
    this.async(outcome.work);
  }

  onCast(request: unknown): void {
    const work = this.handleCastRequest(request);
    if (work === undefined) return this.async(() => this.crash(['bad_cast', request]));
    return work ? this.async(work) : this.serve();
  }

  onParentExit(reason: unknown): void {
    this.async(() => this.terminateAndExit(reason));
  }

  /** EXITs of children (or strangers), the supervisor's own messages, else an error report. */
  onInfo(message: unknown): void {
    if (
      Array.isArray(message) &&
      message.length === 3 &&
      message[0] === 'EXIT' &&
      message[1] instanceof Pid
    ) {
      const work = this.childExited(message[1], message[2]);
      return work ? this.async(work) : this.serve();
    }
    const work = this.handleInfo(message);
    if (work !== undefined) return work ? this.async(work) : this.serve();
    this.rt.output(
      this.proc,
      `[error] ${this.title()} received unexpected message: ${inspect(message)}\n`,
      'stderr',
    );
    this.serve();
  }

  /** sys.getState of a supervisor: the view the panels draw. */
  systemGetState(): SupervisorState {
    return this.state();
  }

  systemTerminate(reason: unknown): void {
    this.async(() => this.terminateAndExit(reason));
  }

  /** Sends a call's reply, unless the caller has stopped waiting for it. */
  reply(from: From, value: unknown): void {
    reply(this.rt, this.proc, from, value);
  }

  /**
   * OTP's add_restart: records a restart; false when the restart intensity is exceeded. Like
   * OTP it counts in whole seconds of the clock: a restart stays counted while it happened at
   * most maxSeconds (whole) seconds before this one.
   */
  protected addRestart(): boolean {
    const now = Math.floor(this.rt.clock.now() / 1000);
    const threshold = now - this.settings.period;
    this.restartTimes = [now, ...this.restartTimes.filter((t) => t >= threshold)];
    this.restartTotal++;
    return this.restartTimes.length <= this.settings.intensity;
  }

  /** Stops the children, then exits with `reason`. */
  protected async terminateAndExit(reason: unknown): Promise<void> {
    await this.terminateChildren();
    this.publish();
    this.rt.terminate(this.proc, reason);
  }

  /** Too many restarts: reports it, stops every child and exits with 'shutdown'. */
  protected async giveUp(id: unknown, start: Child['start']): Promise<void> {
    const { intensity, period } = this.settings;
    this.rt.output(
      this.proc,
      `[error] Child ${termLabel(id)} of ${this.title()} caused shutdown\n` +
        `** (exit) 'reached_max_restart_intensity' (more than ${intensity} restarts in ${period} s)\n` +
        `Start Call: ${termLabel(start[0])}.${start[1]}(${start[2].map((a) => inspect(a)).join(', ')})\n`,
      'stderr',
    );
    await this.terminateAndExit('shutdown');
  }

  /** A request no supervisor knows: like OTP, the supervisor crashes (after stopping its children). */
  private async crash(reason: unknown): Promise<void> {
    this.rt.output(
      this.proc,
      `[error] ${this.title()} terminating\n** (stop) ${inspect(reason)}\nLast message: ${inspect(this.lastMessage)}\n`,
      'stderr',
    );
    await this.terminateAndExit(reason);
  }

  /** `Supervisor 'name'` or `Supervisor #PID<...>`, for reports. */
  protected title(): string {
    const kind = this.state().kind === 'dynamic_supervisor' ? 'DynamicSupervisor' : 'Supervisor';
    return `${kind} ${this.proc.name !== null ? inspect(this.proc.name) : this.proc.pid.toString()}`;
  }
}

// ------------------------------------------------------------------------- Supervisor

/** The static supervisor: children from a list of specs, three strategies. */
class StaticSupervisor extends SupervisorBase {
  /** In start order, oldest first. */
  children: Child[] = [];

  constructor(
    proc: Proc,
    parent: Pid | null,
    settings: SupervisorSettings,
    private readonly kind: SupervisorState['kind'],
    private readonly partitions: number | undefined,
  ) {
    super(proc, parent, settings);
  }

  state(): SupervisorState {
    const state: SupervisorState = {
      kind: this.kind,
      strategy: this.settings.strategy,
      maxRestarts: this.settings.intensity,
      maxSeconds: this.settings.period,
      restarts: this.restartTotal,
      children: this.children.map((c) => childState(c)),
    };
    return this.partitions === undefined ? state : { ...state, partitions: this.partitions };
  }

  private find(id: unknown): Child | undefined {
    return this.children.find((c) => sameTerm(c.id, id));
  }

  private remove(child: Child): void {
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
  }

  /** OTP's del_child: a temporary child is forgotten, others keep their spec without a pid. */
  private deleteChild(child: Child): void {
    if (child.restart === 'temporary') this.remove(child);
    else child.pid = 'undefined';
  }

  /** Starts `list` in order; on a failure stops there and returns the failed child and reason. */
  async startChildren(list: Child[]): Promise<{ child: Child; reason: unknown } | null> {
    for (const child of list) {
      const outcome = await callStart(this.proc, child.start);
      if (outcome === 'ignore') {
        if (child.restart === 'temporary') this.remove(child);
        else child.pid = 'undefined';
      } else if (outcome[0] === 'ok') {
        child.pid = outcome[1];
      } else {
        return { child, reason: outcome[1] };
      }
      this.publish();
    }
    return null;
  }

  /** Stops the running children of `list` newest first; temporary ones are forgotten. */
  async terminateList(list: Child[]): Promise<void> {
    for (const child of [...list].reverse()) {
      if (child.pid instanceof Pid) await shutdownChild(this.proc, child.pid, child.shutdown);
      if (child.restart === 'temporary') this.remove(child);
      else child.pid = 'undefined';
      this.publish();
    }
  }

  protected terminateChildren(): Promise<void> {
    return this.terminateList(this.children);
  }

  protected childExited(pid: Pid, reason: unknown): (() => Promise<void>) | null {
    const child = this.children.find((c) => c.pid === pid);
    if (!child) return null; // an EXIT from a process that is not a child is ignored
    if (child.restart === 'permanent' || (child.restart === 'transient' && !isCleanExit(reason))) {
      return () => this.restart(child);
    }
    this.deleteChild(child);
    return null;
  }

  /** OTP's restart/2: counts the restart, then applies the strategy. */
  private async restart(child: Child): Promise<void> {
    if (!this.addRestart()) {
      this.deleteChild(child);
      return this.giveUp(child.id, child.start);
    }
    child.restarts++;
    const { strategy } = this.settings;
    if (strategy === 'one_for_one') {
      const outcome = await callStart(this.proc, child.start);
      if (outcome === 'ignore') child.pid = 'undefined';
      else if (outcome[0] === 'ok') child.pid = outcome[1];
      else this.tryAgain(child);
      return;
    }
    const from = strategy === 'one_for_all' ? 0 : this.children.indexOf(child);
    if (child.pid instanceof Pid) child.pid = 'undefined'; // it is dead: its EXIT brought us here
    await this.terminateList(this.children.slice(from));
    const failed = await this.startChildren(this.children.slice(from));
    if (failed) this.tryAgain(failed.child);
  }

  /** A restart failed: the child shows as restarting and the restart is tried again later. */
  private tryAgain(child: Child): void {
    child.pid = 'restarting';
    this.rt.send(this.proc, this.proc.pid, ['$gen_cast', ['try_again_restart', child.id]], 'cast');
  }

  protected handleCastRequest(request: unknown): (() => Promise<void>) | null | undefined {
    if (Array.isArray(request) && request.length === 2 && request[0] === 'try_again_restart') {
      const child = this.find(request[1]);
      return child && child.pid === 'restarting' ? () => this.restart(child) : null;
    }
    return undefined;
  }

  protected handleRequest(
    request: unknown,
    from: From,
  ): { reply: unknown } | { work: () => Promise<void> } | null {
    if (request === 'which_children') {
      return {
        reply: [...this.children]
          .reverse()
          .map((c): WhichChildrenRow => [c.id, c.pid, c.type, c.modules]),
      };
    }
    if (request === 'count_children') {
      // OTP's count_child: a child is active only if its process is still alive, even when its
      // EXIT is still waiting in the mailbox behind this call.
      return { reply: countOf(this.children, (pid) => this.rt.procOf(pid) !== null) };
    }
    if (!Array.isArray(request) || request.length !== 2) return null;
    const [what, arg] = request as [unknown, unknown];
    switch (what) {
      case 'start_child':
        return this.startChildRequest(arg, from);
      case 'terminate_child': {
        const child = this.find(arg);
        if (!child) return { reply: ['error', 'not_found'] };
        return {
          work: async () => {
            if (child.pid instanceof Pid) await shutdownChild(this.proc, child.pid, child.shutdown);
            this.deleteChild(child);
            this.reply(from, 'ok');
          },
        };
      }
      case 'restart_child': {
        const child = this.find(arg);
        if (!child) return { reply: ['error', 'not_found'] };
        if (child.pid === 'restarting') return { reply: ['error', 'restarting'] };
        if (child.pid !== 'undefined') return { reply: ['error', 'running'] };
        return {
          work: async () => {
            const outcome = await callStart(this.proc, child.start);
            if (outcome === 'ignore') return this.reply(from, ['ok', 'undefined']);
            if (outcome[0] === 'ok') child.pid = outcome[1];
            this.reply(from, outcome);
          },
        };
      }
      case 'delete_child': {
        const child = this.find(arg);
        if (!child) return { reply: ['error', 'not_found'] };
        if (child.pid === 'restarting') return { reply: ['error', 'restarting'] };
        if (child.pid !== 'undefined') return { reply: ['error', 'running'] };
        this.remove(child);
        return { reply: 'ok' };
      }
      case 'get_childspec': {
        const child = this.find(arg);
        return { reply: child ? ['ok', specOf(child)] : ['error', 'not_found'] };
      }
    }
    return null;
  }

  private startChildRequest(
    spec: unknown,
    from: From,
  ): { reply: unknown } | { work: () => Promise<void> } {
    const checked = checkChildSpec(spec);
    if ('error' in checked) return { reply: ['error', checked.error] };
    const existing = this.find(checked.id);
    if (existing) {
      return {
        reply:
          existing.pid instanceof Pid
            ? ['error', ['already_started', existing.pid]]
            : ['error', 'already_present'],
      };
    }
    return {
      work: async () => {
        const outcome = await callStart(this.proc, checked.start);
        if (outcome === 'ignore') {
          if (checked.restart !== 'temporary') this.children.push(checked);
          return this.reply(from, ['ok', 'undefined']);
        }
        if (outcome[0] === 'ok') {
          checked.pid = outcome[1];
          this.children.push(checked);
          return this.reply(from, outcome);
        }
        // OTP's handle_start_child: the spec is not kept, and the reason comes with the child
        // it belongs to, except a start that found the child already running under its name.
        const reason = outcome[1];
        const alreadyStarted =
          Array.isArray(reason) && reason.length === 2 && reason[0] === 'already_started';
        this.reply(from, ['error', alreadyStarted ? reason : [reason, specOf(checked)]]);
      },
    };
  }
}

/**
 * `{specs, active, supervisors, workers}` of a list of children; a child is active when it has a
 * pid that `alive` accepts (every pid by default, as Elixir's DynamicSupervisor counts).
 */
export function countOf(
  children: Iterable<{ pid: ChildPid; type: ChildType }>,
  alive: (pid: Pid) => boolean = () => true,
): ChildCounts {
  const counts: ChildCounts = { specs: 0, active: 0, supervisors: 0, workers: 0 };
  for (const child of children) {
    counts.specs++;
    if (child.pid instanceof Pid && alive(child.pid)) counts.active++;
    if (child.type === 'supervisor') counts.supervisors++;
    else counts.workers++;
  }
  return counts;
}

/** Validates init's flags as OTP's check_flags does; returns the settings or the error reason. */
function checkFlags(flags: unknown): SupervisorSettings | { error: unknown } {
  if (!isPlainObject(flags)) return { error: ['invalid_type', flags] };
  // OTP's default_flags, for a flags object written by hand (Supervisor.init gives 3 and 5).
  const { strategy = 'one_for_one', intensity = 1, period = 5 } = flags;
  if (strategy !== 'one_for_one' && strategy !== 'one_for_all' && strategy !== 'rest_for_one') {
    return { error: ['invalid_strategy', strategy] };
  }
  if (typeof intensity !== 'number' || !Number.isInteger(intensity) || intensity < 0) {
    return { error: ['invalid_intensity', intensity] };
  }
  if (typeof period !== 'number' || !Number.isInteger(period) || period <= 0) {
    return { error: ['invalid_period', period] };
  }
  return { strategy, intensity, period };
}

/** How a supervisor process is started (shared by Supervisor and PartitionSupervisor). */
export interface SupervisorStart {
  init: () => Maybe<unknown>;
  name?: ServerName;
  label: string;
  kind: 'supervisor' | 'partition_supervisor';
  partitions?: number;
}

/**
 * Starts a supervisor process linked to the caller: it registers its name, traps exits, runs
 * `init`, starts the children in order and only then acknowledges. If a child fails to start,
 * the children already started are stopped (newest first) and the start fails with
 * `['shutdown', ['failed_to_start_child', id, reason]]`, which is also the supervisor's exit reason.
 */
export function startSupervisor(what: string, options: SupervisorStart): Promise<StartResult> {
  return startSupervisorProcess(
    what,
    options.name,
    options.label,
    options.init,
    (proc, parent, result, ack, fail) => {
      if (
        !Array.isArray(result) ||
        result.length !== 2 ||
        result[0] !== 'ok' ||
        !Array.isArray(result[1]) ||
        result[1].length !== 2 ||
        !Array.isArray(result[1][1])
      ) {
        return fail(['bad_return', [options.label, 'init', result]]);
      }
      const [flags, specs] = result[1] as [unknown, unknown[]];
      const settings = checkFlags(flags);
      if ('error' in settings) return fail(['supervisor_data', settings.error]);
      const children: Child[] = [];
      for (const spec of specs) {
        let checked: Child | { error: unknown };
        try {
          checked = checkChildSpec(toChildSpec(spec));
        } catch (e) {
          checked = { error: exitReasonOf(e) };
        }
        if ('error' in checked) return fail(['start_spec', checked.error]);
        if (children.some((c) => sameTerm(c.id, checked.id))) {
          return fail(['start_spec', ['duplicate_child_name', checked.id]]);
        }
        children.push(checked);
      }
      const server = new StaticSupervisor(proc, parent, settings, options.kind, options.partitions);
      server.children = children;
      server.publish();
      const startAll = async () => {
        const failed = await server.startChildren([...children]);
        if (!failed) {
          ack(['ok', proc.pid]);
          return server.serve();
        }
        await server.terminateList(server.children);
        fail(['shutdown', ['failed_to_start_child', failed.child.id, failed.reason]]);
      };
      startAll().catch((e: unknown) => {
        if (proc.status !== 'dead') fail(exitReasonOf(e));
      });
    },
  );
}

/**
 * The start both kinds of supervisor share: a process linked to the caller, registered under
 * `name`, trapping exits, that runs `init` as itself. 'ignore' ends the start; any other result
 * goes to `accept`, which checks it, acknowledges (or calls `fail`) and serves.
 */
export function startSupervisorProcess(
  what: string,
  name: ServerName | null | undefined,
  label: string,
  init: () => unknown,
  accept: (
    proc: Proc,
    parent: Pid,
    result: unknown,
    ack: (result: StartResult) => void,
    fail: (reason: unknown) => void,
  ) => void,
): Promise<StartResult> {
  const parent = callerProc(what);
  return startBehaviour(
    parent,
    { link: true, label, behaviour: 'supervisor', name },
    (proc, ack) => {
      parent.runtime.setTrapExit(proc, true);
      invoke(
        proc,
        () => asProcess(proc, init),
        (result: unknown) => {
          if (result === 'ignore') return ignoreStart(proc, ack);
          accept(proc, parent.pid, result, ack, (reason) => failStart(proc, ack, reason));
        },
        (e) => initCrashed(proc, ack, e),
      );
    },
  );
}

function init(
  children: readonly ChildSpecInput[],
  options: SupervisorOptions,
): SupervisorInitResult {
  if (!Array.isArray(children)) {
    throw new ArgumentError(
      `Supervisor.init expects a list of children, got: ${inspect(children)}`,
    );
  }
  if (!isPlainObject(options)) {
    throw new ArgumentError(`Supervisor.init expects an options object, got: ${inspect(options)}`);
  }
  if (options.strategy === undefined || options.strategy === null) {
    throw new ArgumentError('expected strategy option to be given');
  }
  const flags: SupervisorFlags = {
    strategy: options.strategy,
    intensity: options.maxRestarts ?? 3,
    period: options.maxSeconds ?? 5,
  };
  return ['ok', [flags, children.map((c) => toChildSpec(c))]];
}

function startLink(
  childrenOrModule: readonly ChildSpecInput[] | SupervisorCallbacks,
  argOrOptions?: unknown,
  maybeOptions: { name?: ServerName } = {},
): Promise<StartResult> {
  if (Array.isArray(childrenOrModule)) {
    const options = (argOrOptions ?? {}) as SupervisorOptions;
    const result = init(childrenOrModule as readonly ChildSpecInput[], options);
    return startSupervisor('Supervisor.startLink', {
      init: () => result,
      name: options.name,
      label: 'Supervisor',
      kind: 'supervisor',
    });
  }
  const module = childrenOrModule as SupervisorCallbacks;
  if (typeof module?.init !== 'function') {
    throw new ArgumentError(
      'Supervisor.startLink expects a list of children and options, or a module with init and its argument',
    );
  }
  return startSupervisor('Supervisor.startLink', {
    init: () => module.init(argOrOptions),
    name: maybeOptions.name,
    label: moduleLabel(module, 'Supervisor'),
    kind: 'supervisor',
  });
}

/** A call to a supervisor, as Elixir makes them: GenServer.call with no timeout. */
function supCall<R>(sup: ServerRef, request: unknown): Promise<R> {
  return GenServer.call<R>(sup, request, 'infinity');
}

/**
 * Makes a module-based supervisor of either kind: marks the behaviour and gives the module
 * `startLink(arg, options)` and `childSpec(arg)` (type 'supervisor', shutdown infinity) unless it
 * has its own.
 */
export function defineSupervisorModule<M extends Record<string, any>>(
  callbacks: M,
  behaviour: 'supervisor' | 'dynamic_supervisor',
  start: (module: M, arg: unknown, options: { name?: ServerName }) => Promise<StartResult>,
  defaults: { id?: unknown; restart?: RestartType; shutdown?: ShutdownType },
): M {
  const module = callbacks as M & Record<string, unknown>;
  Object.defineProperty(module, '__behaviour', { value: behaviour });
  if (typeof module.startLink !== 'function') {
    (module as Record<string, unknown>).startLink = (
      arg?: unknown,
      options: { name?: ServerName } = {},
    ) => start(module, arg, options);
  }
  // Like `use Supervisor`: only the type is set; restart and shutdown ('infinity' for a
  // supervisor) are defaults the parent supervisor fills in.
  return withChildSpec(module, defaults, { type: 'supervisor' });
}

function define<T extends SupervisorCallbacks & Record<string, any>>(
  callbacks: T,
  defaults: { id?: unknown; restart?: RestartType; shutdown?: ShutdownType } = {},
): SupervisorModule<T> {
  return defineSupervisorModule(
    callbacks,
    'supervisor',
    (module, arg, options) => startLink(module, arg, options),
    defaults,
  ) as SupervisorModule<T>;
}

/** Supervisor functions, named after Elixir's Supervisor module. */
export const Supervisor = {
  /** Makes a module-based supervisor from `{init(arg)}`; it gets `childSpec(arg)` and `startLink(arg, options)`. */
  define,

  /**
   * `startLink(children, {strategy, maxRestarts, maxSeconds, name})`, or
   * `startLink(module, arg, {name})` for a module-based supervisor. Starts the children in order;
   * resolves `['ok', pid]`, `'ignore'` or `['error', reason]`.
   */
  startLink: startLink as {
    (children: readonly ChildSpecInput[], options: SupervisorOptions): Promise<StartResult>;
    (
      module: SupervisorCallbacks,
      arg?: unknown,
      options?: { name?: ServerName },
    ): Promise<StartResult>;
  },

  /** What a module's init returns: the children as specs and the flags `{strategy, intensity, period}`. */
  init,

  /** Turns a child into its spec map and applies `overrides` (id, start, restart, shutdown, type, modules). */
  childSpec(spec: ChildSpecInput, overrides: Partial<ChildSpec> = {}): ChildSpec {
    const base = toChildSpec(spec);
    for (const key of Object.keys(overrides)) {
      if (!SPEC_KEYS.includes(key)) {
        throw new ArgumentError(`unknown key ${inspect(key)} in child specification override`);
      }
    }
    return { ...base, ...overrides };
  },

  /** Adds a child and starts it; errors: `['already_started', pid]`, `'already_present'`, or the start's reason. */
  startChild(sup: ServerRef, spec: ChildSpecInput): Promise<StartChildResult> {
    return supCall(sup, ['start_child', toChildSpec(spec)]);
  },

  /** Stops a child by id, keeping its spec (a temporary child is forgotten); `'ok'` or `['error', 'not_found']`. */
  terminateChild(sup: ServerRef, id: unknown): Promise<'ok' | ['error', 'not_found']> {
    return supCall(sup, ['terminate_child', id]);
  },

  /** Starts a stopped child again; `['ok', pid]`, or `['error', 'running' | 'restarting' | 'not_found' | reason]`. */
  restartChild(sup: ServerRef, id: unknown): Promise<StartChildResult> {
    return supCall(sup, ['restart_child', id]);
  },

  /** Forgets a stopped child's spec; `'ok'`, or `['error', 'running' | 'restarting' | 'not_found']`. */
  deleteChild(sup: ServerRef, id: unknown): Promise<'ok' | ['error', unknown]> {
    return supCall(sup, ['delete_child', id]);
  },

  /** The spec of a child: `['ok', spec]` or `['error', 'not_found']`. */
  getChildspec(sup: ServerRef, id: unknown): Promise<['ok', ChildSpec] | ['error', 'not_found']> {
    return supCall(sup, ['get_childspec', id]);
  },

  /** Rows `[id, pid | 'undefined' | 'restarting', type, modules]`, newest child first. */
  whichChildren(sup: ServerRef): Promise<WhichChildrenRow[]> {
    return supCall(sup, 'which_children');
  },

  /** `{specs, active, supervisors, workers}`. */
  countChildren(sup: ServerRef): Promise<ChildCounts> {
    return supCall(sup, 'count_children');
  },

  /** Stops the supervisor: its children stop newest first, then it exits with `reason`. */
  stop(
    sup: ServerRef,
    reason: unknown = 'normal',
    timeout: number | 'infinity' = 'infinity',
  ): Promise<'ok'> {
    return GenServer.stop(sup, reason, timeout);
  },
};
