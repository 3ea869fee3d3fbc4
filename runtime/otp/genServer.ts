/**
 * GenServer: a process that keeps state and answers calls, casts and plain messages through
 * callbacks, with OTP's protocol and return shapes.
 *
 * The server loop is a native (callback-driven) process: each message is one continuation that
 * calls the learner's callback and waits for the next message, with no promise in between unless
 * the callback itself is async. Calls follow gen_server: the caller monitors the server, sends
 * `['$gen_call', [pid, tag], request]` and waits for `[tag, reply]` or the DOWN. The tag stays
 * registered only while the caller waits, so a reply after a caught timeout is dropped instead of
 * landing in the caller's mailbox (OTP uses process aliases for this).
 */
import { callerProc } from '../api';
import { ArgumentError, ExitSignal, exitReasonOf, isExitSignal } from '../errors';
import { inspect } from '../inspect';
import type { ReceiveSpec } from '../pattern';
import { OnClause, after, receiveSpec } from '../pattern';
import type { Proc } from '../process';
import type { Dest, Runtime, ViaTuple } from '../runtime';
import { Pid, Ref, _ } from '../terms';

/** `from` in handleCall: the caller's pid and the call's tag. */
export type From = [pid: Pid, tag: Ref];

/** A server reference: a pid, a registered name or a via tuple. */
export type ServerRef = Pid | string | ViaTuple;

/** What a GenServer name option accepts. */
export type ServerName = string | ViaTuple;

type Maybe<T> = T | Promise<T>;

/**
 * What a callback may ask for after its new state: `['continue', arg]` runs handleContinue next;
 * a number of ms makes `handleInfo('timeout', state)` run if no message comes in that time (any
 * message cancels it); `'infinity'` waits as usual; `'hibernate'` waits with a compacted mailbox.
 */
export type NextAction = ['continue', unknown] | number | 'infinity' | 'hibernate';

/** Return values of init; `['stop', r]` and `['error', r]` make the start return `['error', r]`. */
export type InitResult<S> =
  ['ok', S] | ['ok', S, NextAction] | 'ignore' | ['stop', unknown] | ['error', unknown];
/** Return values of handleCall (`['stop', reason, reply, state]` replies, then exits). */
export type CallResult<S> =
  | ['reply', unknown, S]
  | ['reply', unknown, S, NextAction]
  | ['noreply', S]
  | ['noreply', S, NextAction]
  | ['stop', unknown, unknown, S]
  | ['stop', unknown, S];
/** Return values of handleCast, handleInfo and handleContinue. */
export type NoReplyResult<S> = ['noreply', S] | ['noreply', S, NextAction] | ['stop', unknown, S];

/** The callbacks of a GenServer module; all optional, all may be async. */
export interface GenServerCallbacks<S = any> {
  init?(arg: any): Maybe<InitResult<S>>;
  handleCall?(request: any, from: From, state: S): Maybe<CallResult<S>>;
  handleCast?(request: any, state: S): Maybe<NoReplyResult<S>>;
  handleInfo?(message: any, state: S): Maybe<NoReplyResult<S>>;
  handleContinue?(arg: any, state: S): Maybe<NoReplyResult<S>>;
  terminate?(reason: unknown, state: S): unknown;
}

/** Child-spec defaults given to `GenServer.define` (like `use GenServer, restart: ...`). */
export interface ChildSpecDefaults {
  id?: unknown;
  restart?: 'permanent' | 'transient' | 'temporary';
  shutdown?: 'brutal_kill' | 'infinity' | number;
  type?: 'worker' | 'supervisor';
}

/** A child specification, as supervisors take it. */
export interface ChildSpec {
  id: unknown;
  start: [module: object, fn: string, args: unknown[]];
  restart?: 'permanent' | 'transient' | 'temporary';
  shutdown?: 'brutal_kill' | 'infinity' | number;
  type?: 'worker' | 'supervisor';
  modules?: unknown;
}

/** A module made by `GenServer.define`: the callbacks, the helpers given, `childSpec` and `startLink`. */
export type GenServerModule<T> = T & {
  childSpec(arg?: unknown): ChildSpec;
  startLink(arg?: unknown, options?: StartOptions): Promise<StartResult>;
  readonly __behaviour: 'gen_server';
};

/** Options of start/startLink. */
export interface StartOptions {
  /** The name to register; null or undefined registers none. */
  name?: ServerName | null;
  /** Milliseconds init may take before the start fails with timeout (default: infinity). */
  timeout?: number | 'infinity';
}

/** What start and startLink resolve to. */
export type StartResult = ['ok', Pid] | ['error', unknown] | 'ignore';

const ANY: ReceiveSpec = {
  clauses: [new OnClause(_, (m: never) => m)],
  timeout: null,
  scanFrom: 0,
};

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** True for reasons that end a process without an error report: normal and shutdown. */
export function isNormalExit(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  );
}

/**
 * Resolves a server reference to a live pid, or null; `null` (Elixir's nil) names nobody, so it
 * resolves to null like an unregistered name.
 */
export function resolveServer(rt: Runtime, server: ServerRef | null | undefined): Pid | null {
  if (server === null || server === undefined) return null;
  if (server instanceof Pid) return rt.procOf(server) ? server : null;
  if (typeof server === 'string') return rt.whereis(server);
  if (Array.isArray(server) && server[0] === 'via') {
    const pid = server[1].whereisName(server[2]);
    return pid instanceof Pid && rt.procOf(pid) ? pid : null;
  }
  throw new ArgumentError(`not a server reference: ${inspect(server)}`);
}

/**
 * Runs a callback that may return a promise; `onResult` gets its value, `onError` what it threw.
 * An async callback suspends the process until it settles, so other processes keep running.
 */
export function invoke(
  proc: Proc,
  callback: () => unknown,
  onResult: (value: any) => void,
  onError: (e: unknown) => void,
): void {
  let result: unknown;
  try {
    result = callback();
  } catch (e) {
    onError(e);
    return;
  }
  if (isThenable(result)) proc.runtime.suspendOn(proc, result, onResult, onError);
  else onResult(result);
}

/** Registers `pid` under a GenServer-style name; returns the holder's pid if the name is taken. */
export function registerName(rt: Runtime, name: ServerName, pid: Pid): Pid | null {
  if (typeof name === 'string') {
    const holder = rt.whereis(name);
    if (holder) return holder;
    rt.register(pid, name);
    return null;
  }
  if (Array.isArray(name) && name[0] === 'via') {
    const module = name[1];
    if (!module.registerName) throw new ArgumentError(`${inspect(name)} cannot register names`);
    if (module.registerName(name[2], pid) === 'yes') return null;
    const holder = module.whereisName(name[2]);
    return holder instanceof Pid ? holder : pid;
  }
  throw new ArgumentError(`a name is a string or a via tuple, got ${inspect(name)}`);
}

/**
 * The start protocol shared by every behaviour (proc_lib's start/start_link): spawn the process,
 * let it run `init` and wait for its acknowledgement, or for its death. When the start does not
 * succeed (an error, 'ignore' or a timeout), a linked start by a process that traps exits also
 * consumes the child's EXIT message, as proc_lib does since OTP 26.
 */
export function startAndWait(
  parent: Proc,
  link: boolean,
  label: string,
  behaviour: string,
  body: (proc: Proc, ack: (result: StartResult) => void) => void,
  timeout: number | 'infinity' = 'infinity',
): Promise<StartResult> {
  const rt = parent.runtime;
  const tag = rt.makeRef(parent);
  const child = rt.spawnNative(
    parent,
    (proc) => {
      proc.behaviour = behaviour;
      body(proc, (result) => rt.send(proc, parent.pid, ['$ack', tag, result], 'reply'));
    },
    { link, label },
  );
  const monitor = rt.monitor(parent, child.pid);
  const spec = receiveSpec(
    [
      new OnClause(['$ack', tag, _], (m: [string, Ref, StartResult]) => m[2]),
      new OnClause(
        ['DOWN', monitor, 'process', _, _],
        (m: unknown[]) => ['error', m[4]] as StartResult,
      ),
      after(timeout, () => 'timeout' as const),
    ],
    parent.pid.id,
  );
  return (rt.receive(parent, spec) as Promise<StartResult | 'timeout'>).then((result) => {
    rt.demonitor(parent, monitor, true);
    if (result === 'timeout') {
      if (link) rt.unlink(parent, child.pid);
      rt.exitPid(parent, child.pid, 'kill');
      return ['error', 'timeout'];
    }
    if ((result === 'ignore' || result[0] === 'error') && link && parent.trapExit) {
      // proc_lib (OTP 26+) consumes the EXIT of a child that failed to start.
      void rt.receive(
        parent,
        receiveSpec([new OnClause(['EXIT', child.pid, _], () => null), after(0)], parent.pid.id),
      );
    }
    return result;
  });
}

/** True for what a callback may put after its new state (see NextAction). */
function isNextAction(action: unknown): action is NextAction {
  return (
    action === 'infinity' ||
    action === 'hibernate' ||
    (typeof action === 'number' && Number.isInteger(action) && action >= 0) ||
    (Array.isArray(action) && action.length === 2 && action[0] === 'continue')
  );
}

/** One running server. */
class Server {
  traced = false;
  lastMessage: unknown = undefined;
  /** How long the current wait may last before handleInfo('timeout') runs (gen_server's Time). */
  private timeout: number | 'infinity' = 'infinity';
  constructor(
    readonly proc: Proc,
    readonly module: GenServerCallbacks,
    public state: unknown,
    /** The process whose EXIT stops the server: the starter for startLink, itself for start. */
    readonly parent: Pid,
  ) {}

  get rt(): Runtime {
    return this.proc.runtime;
  }

  /**
   * Waits for the next message. A system message (sys.*) does not end a timeout: like
   * gen_server, the server goes back to waiting with the same timeout, counted afresh.
   */
  serve(hibernate = false): void {
    const timeout = this.timeout;
    if (timeout === 'infinity') {
      this.rt.waitFor(this.proc, ANY, (message) => this.handle(message));
    } else {
      this.rt.waitFor(
        this.proc,
        { ...ANY, timeout: after(timeout) },
        (message) => this.handle(message),
        () => this.handleTimeout(),
      );
    }
    if (hibernate && this.proc.wait !== null) {
      // No message was there, so the server sleeps with a compacted mailbox (Process.hibernate).
      this.proc.mailbox.compact();
      this.proc.hibernating = true;
    }
  }

  private handleTimeout(): void {
    this.timeout = 'infinity';
    this.lastMessage = 'timeout';
    this.handleInfo('timeout');
  }

  private handle(message: unknown): void {
    this.lastMessage = message;
    if (Array.isArray(message)) {
      const [type] = message;
      if (type === '$system' && message.length === 3)
        return this.handleSystem(message[1] as From, message[2]);
      this.timeout = 'infinity';
      if (type === '$gen_call' && message.length === 3)
        return this.handleCall(message[2], message[1] as From);
      if (type === '$gen_cast' && message.length === 2) return this.handleCast(message[1]);
      // gen_server stops on its parent's EXIT; a server made by start is its own parent.
      if (type === 'EXIT' && message.length === 3 && message[1] === this.parent) {
        return this.stop(message[2], null);
      }
    }
    this.timeout = 'infinity';
    this.handleInfo(message);
  }

  private handleCall(request: unknown, from: From): void {
    this.debug(`got call ${inspect(request)} from ${from[0].toString()}`);
    const { handleCall } = this.module;
    if (!handleCall) {
      return this.crash(
        new Error(`attempted to call GenServer ${this.who()} but no handleCall callback was given`),
      );
    }
    invoke(
      this.proc,
      () => handleCall.call(this.module, request, from, this.state),
      (result: unknown) => this.afterCall(result, from),
      (e) => this.crash(e),
    );
  }

  private afterCall(result: unknown, from: From): void {
    if (Array.isArray(result)) {
      const [tag] = result;
      if (tag === 'reply' && (result.length === 3 || result.length === 4)) {
        reply(this.rt, this.proc, from, result[1]);
        this.debug(
          `sent ${inspect(result[1])} to ${from[0].toString()}, new state ${inspect(result[2])}`,
        );
        return this.next(result[2], result[3], result);
      }
      if (tag === 'noreply' && (result.length === 2 || result.length === 3)) {
        this.debug(`new state ${inspect(result[1])}`);
        return this.next(result[1], result[2], result);
      }
      if (tag === 'stop' && result.length === 4) {
        this.state = result[3];
        return this.stop(result[1], () => reply(this.rt, this.proc, from, result[2]));
      }
      if (tag === 'stop' && result.length === 3) {
        this.state = result[2];
        return this.stop(result[1], null);
      }
    }
    this.crash(['bad_return_value', result]);
  }

  private handleCast(request: unknown): void {
    this.debug(`got cast ${inspect(request)}`);
    const { handleCast } = this.module;
    if (!handleCast)
      return this.crash(
        new Error(`attempted to cast GenServer ${this.who()} but no handleCast callback was given`),
      );
    invoke(
      this.proc,
      () => handleCast.call(this.module, request, this.state),
      (r: unknown) => this.afterNoReply(r),
      (e) => this.crash(e),
    );
  }

  private handleInfo(message: unknown): void {
    this.debug(`got info ${inspect(message)}`);
    const { handleInfo } = this.module;
    if (!handleInfo) {
      // Elixir's default: log an error naming the server and keep going.
      this.rt.output(
        this.proc,
        `[error] GenServer ${this.who()} received unexpected message in handleInfo: ${inspect(message)}\n`,
        'stderr',
      );
      return this.serve();
    }
    invoke(
      this.proc,
      () => handleInfo.call(this.module, message, this.state),
      (r: unknown) => this.afterNoReply(r),
      (e) => this.crash(e),
    );
  }

  private afterNoReply(result: unknown): void {
    if (Array.isArray(result)) {
      if (result[0] === 'noreply' && (result.length === 2 || result.length === 3)) {
        this.debug(`new state ${inspect(result[1])}`);
        return this.next(result[1], result[2], result);
      }
      if (result[0] === 'stop' && result.length === 3) {
        this.state = result[2];
        return this.stop(result[1], null);
      }
    }
    this.crash(['bad_return_value', result]);
  }

  /**
   * Moves to `state`, then does what the callback asked for: continue, a timeout, or hibernate.
   * Anything else crashes the server with `['bad_return_value', returned]`, the whole return.
   */
  next(state: unknown, action: unknown, returned: unknown): void {
    this.state = state;
    if (action === undefined || action === 'infinity') return this.serve();
    if (!isNextAction(action)) return this.crash(['bad_return_value', returned]);
    if (action === 'hibernate') return this.serve(true);
    if (typeof action === 'number') {
      this.timeout = action;
      return this.serve();
    }
    const { handleContinue } = this.module;
    if (!handleContinue)
      return this.crash(
        new Error('a callback asked to continue but there is no handleContinue callback'),
      );
    invoke(
      this.proc,
      () => handleContinue.call(this.module, action[1], this.state),
      (r: unknown) => this.afterNoReply(r),
      (e) => this.crash(e),
    );
  }

  private handleSystem(from: From, request: unknown): void {
    if (request === 'get_state') {
      reply(this.rt, this.proc, from, this.state);
      return this.serve();
    }
    if (Array.isArray(request) && request[0] === 'trace') {
      this.traced = request[1] === true;
      reply(this.rt, this.proc, from, 'ok');
      return this.serve();
    }
    if (Array.isArray(request) && request[0] === 'replace_state') {
      invoke(
        this.proc,
        () => (request[1] as (s: unknown) => unknown)(this.state),
        (state: unknown) => {
          this.state = state;
          reply(this.rt, this.proc, from, state);
          this.serve();
        },
        (e) => this.crash(e),
      );
      return;
    }
    if (Array.isArray(request) && request[0] === 'terminate') return this.stop(request[1], null);
    reply(this.rt, this.proc, from, ['error', 'unknown_system_request']);
    this.serve();
  }

  /** Runs terminate, then `afterTerminate` (a pending reply), then exits with `reason`. */
  stop(reason: unknown, afterTerminate: (() => void) | null): void {
    const finish = (finalReason: unknown) => {
      if (afterTerminate) afterTerminate();
      this.report(finalReason);
      this.rt.terminate(this.proc, finalReason);
    };
    const { terminate } = this.module;
    if (!terminate) return finish(reason);
    invoke(
      this.proc,
      () => terminate.call(this.module, reason, this.state),
      () => finish(reason),
      (e) => finish(exitReasonOf(e)),
    );
  }

  /** A callback threw or returned something invalid: terminate runs, then the process exits. */
  crash(error: unknown): void {
    this.stop(isExitSignal(error) ? error.reason : error, null);
  }

  private report(reason: unknown): void {
    if (isNormalExit(reason)) return;
    const what =
      reason instanceof Error
        ? `** (${reason.name}) ${reason.message}`
        : `** (stop) ${inspect(reason)}`;
    this.rt.output(
      this.proc,
      `[error] GenServer ${this.proc.pid.toString()} terminating\n${what}\nLast message: ${inspect(this.lastMessage)}\nState: ${inspect(this.state)}\n`,
      'stderr',
    );
  }

  /** The server as Elixir's default callbacks name it: its registered name, else its pid. */
  private who(): string {
    return this.proc.name === null ? this.proc.pid.toString() : inspect(this.proc.name);
  }

  private debug(line: string): void {
    if (this.traced)
      this.rt.output(this.proc, `*DBG* ${this.proc.pid.toString()} ${line}\n`, 'stdout');
  }
}

/** Sends a call's reply, unless the caller has stopped waiting for it. */
function reply(rt: Runtime, sender: Proc | null, from: From, value: unknown): void {
  const [pid, tag] = from;
  if (!rt.activeCallTags.has(tag)) return;
  rt.send(sender, pid, [tag, value], 'reply');
}

function start(
  module: GenServerCallbacks,
  arg: unknown,
  options: StartOptions,
  link: boolean,
  what: string,
): Promise<StartResult> {
  const parent = callerProc(what);
  const rt = parent.runtime;
  return startAndWait(
    parent,
    link,
    moduleLabel(module),
    'gen_server',
    (proc, ack) => {
      // A null name is Elixir's `name: nil`: no name.
      if (options.name !== undefined && options.name !== null) {
        const holder = registerName(rt, options.name, proc.pid);
        if (holder) {
          ack(['error', ['already_started', holder]]);
          rt.terminate(proc, 'normal');
          return;
        }
      }
      const server = new Server(proc, module, undefined, link ? parent.pid : proc.pid);
      proc.behaviourServer = server;
      const init = module.init ?? ((state: unknown) => ['ok', state] as InitResult<unknown>);
      invoke(
        proc,
        () => init.call(module, arg),
        (result: unknown) => {
          if (result === 'ignore') {
            ack('ignore');
            return rt.terminate(proc, 'normal');
          }
          if (Array.isArray(result)) {
            if (
              result[0] === 'ok' &&
              (result.length === 2 || (result.length === 3 && isNextAction(result[2])))
            ) {
              ack(['ok', proc.pid]);
              return server.next(result[1], result[2], result);
            }
            if (result[0] === 'stop' && result.length === 2) {
              ack(['error', result[1]]);
              return rt.terminate(proc, result[1]);
            }
            if (result[0] === 'error' && result.length === 2) {
              ack(['error', result[1]]);
              return rt.terminate(proc, 'normal');
            }
          }
          const reason = ['bad_return_value', result];
          ack(['error', reason]);
          rt.terminate(proc, reason);
        },
        (e) => {
          const reason = exitReasonOf(e);
          ack(['error', reason]);
          if (!isExitSignal(e)) rt.crashReport(proc, e);
          rt.terminate(proc, reason);
        },
      );
    },
    options.timeout,
  );
}

function moduleLabel(module: object): string {
  return (module as { name?: unknown }).name &&
    typeof (module as { name?: unknown }).name === 'string'
    ? (module as { name: string }).name
    : 'GenServer';
}

/**
 * Makes a synchronous request and waits for the reply. The caller exits with
 * `['timeout', ['GenServer', 'call', [server, request, timeout]]]` when no reply comes in time,
 * with `['noproc', ...]` if the server is not alive, and with the server's exit reason if it dies.
 */
function call<R = any>(
  server: ServerRef | null,
  request: unknown,
  timeout: number | 'infinity' = 5000,
): Promise<R> {
  const caller = callerProc('GenServer.call');
  const rt = caller.runtime;
  const where = ['GenServer', 'call', [server, request, timeout]];
  const pid = resolveServer(rt, server);
  if (pid === null || pid === caller.pid) return refused(pid, where);
  const tag = rt.monitor(caller, pid);
  rt.activeCallTags.add(tag);
  // Sending by the name the caller gave keeps it in the trace (diagrams show `counter`, not a pid).
  rt.send(caller, namedOr(server, pid), ['$gen_call', [caller.pid, tag], request], 'call');
  const spec = receiveSpec(
    [
      new OnClause([tag, _], (m: [Ref, unknown]) => ['reply', m[1]]),
      new OnClause(['DOWN', tag, 'process', _, _], (m: unknown[]) => ['down', m[4]]),
      after(timeout, () => ['timeout']),
    ],
    caller.pid.id,
  );
  return (rt.receive(caller, spec) as Promise<[string, unknown?]>).then(([outcome, value]) => {
    rt.activeCallTags.delete(tag);
    if (outcome === 'reply') {
      rt.demonitor(caller, tag, true);
      return value as R;
    }
    if (outcome === 'down') throw new ExitSignal([value === 'noproc' ? 'noproc' : value, where]);
    rt.demonitor(caller, tag, true);
    throw new ExitSignal(['timeout', where]);
  });
}

/**
 * The exit of a call or stop that cannot be made: no live server (`noproc`), or the caller
 * itself (`calling_self`: it would wait for its own answer forever), as Elixir's GenServer does.
 */
function refused(pid: Pid | null, where: unknown[]): Promise<never> {
  return Promise.reject(new ExitSignal([pid === null ? 'noproc' : 'calling_self', where]));
}

/** The registered name a server was addressed by, else its resolved pid. */
function namedOr(server: ServerRef | null, pid: Pid): Pid | string {
  return typeof server === 'string' ? server : pid;
}

/** Sends an asynchronous request; returns 'ok' at once, whether or not the server exists. */
function cast(server: ServerRef | null, request: unknown): 'ok' {
  const caller = callerProc('GenServer.cast');
  const rt = caller.runtime;
  const pid = resolveServer(rt, server);
  if (pid) rt.send(caller, namedOr(server, pid), ['$gen_cast', request], 'cast');
  return 'ok';
}

/**
 * Stops a server: it runs terminate with `reason` and exits. Resolves 'ok'; exits the caller with
 * noproc if the server is not alive, calling_self if it is the caller, timeout if it does not stop
 * in time, and with the server's own reason if it exits with another one.
 */
function stop(
  server: ServerRef | null,
  reason: unknown = 'normal',
  timeout: number | 'infinity' = 'infinity',
): Promise<'ok'> {
  const caller = callerProc('GenServer.stop');
  const rt = caller.runtime;
  const where = ['GenServer', 'stop', [server, reason, timeout]];
  const pid = resolveServer(rt, server);
  if (pid === null || pid === caller.pid) return refused(pid, where);
  const monitor = rt.monitor(caller, pid);
  // Like proc_lib:stop, wait for the DOWN rather than a reply.
  rt.send(caller, pid, ['$system', [caller.pid, monitor], ['terminate', reason]], 'call');
  const spec = receiveSpec(
    [
      new OnClause(['DOWN', monitor, 'process', _, _], (m: unknown[]) => ['down', m[4]]),
      after(timeout, () => ['timeout']),
    ],
    caller.pid.id,
  );
  return (rt.receive(caller, spec) as Promise<[string, unknown?]>).then(([outcome, exitReason]) => {
    rt.demonitor(caller, monitor, true);
    if (outcome === 'timeout') throw new ExitSignal(['timeout', where]);
    if (exitReason !== reason) throw new ExitSignal([exitReason, where]);
    return 'ok';
  });
}

function define<T extends GenServerCallbacks & Record<string, any>>(
  callbacks: T,
  defaults: ChildSpecDefaults = {},
): GenServerModule<T> {
  const module = callbacks as GenServerModule<T> & Record<string, unknown>;
  Object.defineProperty(module, '__behaviour', { value: 'gen_server' });
  if (typeof module.startLink !== 'function') {
    (module as Record<string, unknown>).startLink = (arg?: unknown, options: StartOptions = {}) =>
      GenServer.startLink(module, arg, options);
  }
  // Like `use GenServer`: only id, start and the options given; supervisors fill the defaults.
  return withChildSpec(module, defaults, {});
}

/**
 * Gives `module` a `childSpec(arg)` that starts it with `module.startLink(arg)`, unless it has its
 * own: what Elixir's `use GenServer`, `use Agent`, `use Task` and `use Supervisor` generate. The
 * behaviour's `base` settings apply unless `defaults` (given to define) say otherwise.
 */
export function withChildSpec<T extends object>(
  module: T,
  defaults: ChildSpecDefaults,
  base: Omit<ChildSpec, 'id' | 'start'>,
): T & { childSpec(arg?: unknown): ChildSpec } {
  const withSpec = module as T & { childSpec(arg?: unknown): ChildSpec };
  if (typeof withSpec.childSpec === 'function') return withSpec;
  withSpec.childSpec = (arg?: unknown): ChildSpec => {
    const spec: ChildSpec = {
      id: defaults.id ?? module,
      start: [module, 'startLink', [arg]],
      ...base,
    };
    if (defaults.restart !== undefined) spec.restart = defaults.restart;
    if (defaults.shutdown !== undefined) spec.shutdown = defaults.shutdown;
    if (defaults.type !== undefined) spec.type = defaults.type;
    return spec;
  };
  return withSpec;
}

/** GenServer functions, named after Elixir's GenServer module. */
export const GenServer = {
  /**
   * Makes a GenServer module from its callbacks (and any helper functions you add); it gets
   * `childSpec(arg)` and, unless you give one, `startLink(arg, options)`.
   */
  define,

  /** Starts a server (not linked): runs init and resolves `['ok', pid]`, `['error', reason]` or `'ignore'`. */
  start(
    module: GenServerCallbacks,
    arg?: unknown,
    options: StartOptions = {},
  ): Promise<StartResult> {
    return start(module, arg, options, false, 'GenServer.start');
  },

  /** Starts a server linked to the caller (see start). */
  startLink(
    module: GenServerCallbacks,
    arg?: unknown,
    options: StartOptions = {},
  ): Promise<StartResult> {
    return start(module, arg, options, true, 'GenServer.startLink');
  },

  call,
  cast,
  stop,

  /** Replies to a call from any process; the caller's handleCall must have returned noreply. */
  reply(from: From, value: unknown): 'ok' {
    const proc = callerProc('GenServer.reply');
    reply(proc.runtime, proc, from, value);
    return 'ok';
  },

  /** The pid behind a server reference, or null. */
  whereis(server: ServerRef | null): Pid | null {
    return resolveServer(callerProc('GenServer.whereis').runtime, server);
  },
};

/** Debugging helpers named after Erlang's sys module. */
export const sys = {
  /** The state of a GenServer (or any behaviour that answers system messages). */
  getState(server: ServerRef, timeout: number | 'infinity' = 5000): Promise<any> {
    return systemCall(server, 'get_state', timeout, 'getState');
  },

  /** Replaces a server's state with `fn(state)`; resolves the new state. */
  replaceState(
    server: ServerRef,
    fn: (state: any) => unknown,
    timeout: number | 'infinity' = 5000,
  ): Promise<any> {
    return systemCall(server, ['replace_state', fn], timeout, 'replaceState');
  },

  /** Turns on (or off) printing every event of a server to its group leader, like :sys.trace. */
  trace(server: ServerRef, on: boolean, timeout: number | 'infinity' = 5000): Promise<'ok'> {
    return systemCall(server, ['trace', on], timeout, 'trace');
  },
};

function systemCall(
  server: ServerRef,
  request: unknown,
  timeout: number | 'infinity',
  name: string,
): Promise<any> {
  const caller = callerProc(`sys.${name}`);
  const rt = caller.runtime;
  const pid = resolveServer(rt, server);
  const where = ['sys', name, [server, timeout]];
  if (pid === null) return Promise.reject(new ExitSignal(['noproc', where]));
  const tag = rt.monitor(caller, pid);
  rt.activeCallTags.add(tag);
  rt.send(caller, pid, ['$system', [caller.pid, tag], request], 'call');
  const spec = receiveSpec(
    [
      new OnClause([tag, _], (m: [Ref, unknown]) => ['reply', m[1]]),
      new OnClause(['DOWN', tag, 'process', _, _], (m: unknown[]) => ['down', m[4]]),
      after(timeout, () => ['timeout']),
    ],
    caller.pid.id,
  );
  return (rt.receive(caller, spec) as Promise<[string, unknown?]>).then(([outcome, value]) => {
    rt.activeCallTags.delete(tag);
    rt.demonitor(caller, tag, true);
    if (outcome === 'reply') return value;
    throw new ExitSignal([outcome === 'down' ? value : 'timeout', where]);
  });
}

export type { Dest };
