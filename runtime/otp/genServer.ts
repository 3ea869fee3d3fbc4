/**
 * GenServer: a process that keeps state and answers calls, casts and plain messages through
 * callbacks, with OTP's protocol and return shapes.
 *
 * The server loop is a native (callback-driven) process: each message is one continuation that
 * calls the learner's callback and waits for the next message, with no promise in between unless
 * the callback itself is async. The start under a name, the call protocol (`genCall`), replies,
 * system messages and the sorting of messages (`dispatch`) come from the behaviour core
 * (`gen.ts`), shared with the supervisors and Registry; this file holds gen_server's callbacks,
 * return values, timeouts, hibernation and reports.
 */
import { callerProc } from '../api';
import { exitReasonOf, isExitSignal } from '../errors';
import { inspect } from '../inspect';
import { after } from '../pattern';
import type { Proc } from '../process';
import type { Dest, Runtime } from '../runtime';
import type { Pid } from '../terms';
import type { Behaviour, From, ServerName, ServerRef, StartResult } from './gen';
import {
  ANY_MESSAGE,
  dispatch,
  failStart,
  genCall,
  ignoreStart,
  initCrashed,
  invoke,
  moduleLabel,
  refused,
  reply,
  resolveServer,
  startBehaviour,
  systemStop,
} from './gen';

export type { From, ServerName, ServerRef, StartResult } from './gen';

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

/** True for reasons that end a process without an error report: normal and shutdown. */
export function isNormalExit(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  );
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

/** One running server; the core's loop (`dispatch`) hands it each message. */
class Server implements Behaviour {
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
      this.rt.waitFor(this.proc, ANY_MESSAGE, (message) => this.handle(message));
    } else {
      this.rt.waitFor(
        this.proc,
        { ...ANY_MESSAGE, timeout: after(timeout) },
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
    this.onInfo('timeout');
  }

  private handle(message: unknown): void {
    this.lastMessage = message;
    dispatch(this, message);
  }

  // Any message but a system message ends a timeout (the handlers below reset it).

  onCall(request: unknown, from: From): void {
    this.timeout = 'infinity';
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

  onCast(request: unknown): void {
    this.timeout = 'infinity';
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

  /** gen_server stops on its parent's EXIT; a server made by start is its own parent. */
  onParentExit(reason: unknown): void {
    this.stop(reason, null);
  }

  onInfo(message: unknown): void {
    this.timeout = 'infinity';
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

  systemGetState(): unknown {
    return this.state;
  }

  systemReplaceState(state: unknown): void {
    this.state = state;
  }

  systemTrace(on: boolean): void {
    this.traced = on;
  }

  systemTerminate(reason: unknown): void {
    this.stop(reason, null);
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

function start(
  module: GenServerCallbacks,
  arg: unknown,
  options: StartOptions,
  link: boolean,
  what: string,
): Promise<StartResult> {
  const parent = callerProc(what);
  return startBehaviour(
    parent,
    {
      link,
      label: moduleLabel(module, 'GenServer'),
      behaviour: 'gen_server',
      name: options.name,
      timeout: options.timeout,
    },
    (proc, ack) => {
      const server = new Server(proc, module, undefined, link ? parent.pid : proc.pid);
      proc.behaviourServer = server;
      const init = module.init ?? ((state: unknown) => ['ok', state] as InitResult<unknown>);
      invoke(
        proc,
        () => init.call(module, arg),
        (result: unknown) => {
          if (result === 'ignore') return ignoreStart(proc, ack);
          if (Array.isArray(result)) {
            if (
              result[0] === 'ok' &&
              (result.length === 2 || (result.length === 3 && isNextAction(result[2])))
            ) {
              ack(['ok', proc.pid]);
              return server.next(result[1], result[2], result);
            }
            if (result[0] === 'stop' && result.length === 2) return failStart(proc, ack, result[1]);
            if (result[0] === 'error' && result.length === 2) {
              return failStart(proc, ack, result[1], 'normal');
            }
          }
          failStart(proc, ack, ['bad_return_value', result]);
        },
        (e) => initCrashed(proc, ack, e),
      );
    },
  );
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
  const where = ['GenServer', 'call', [server, request, timeout]];
  const pid = resolveServer(caller.runtime, server);
  if (pid === null || pid === caller.pid) return refused(pid, where);
  return genCall(caller, namedOr(server, pid), pid, '$gen_call', request, timeout, where);
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
  const where = ['GenServer', 'stop', [server, reason, timeout]];
  return systemStop(callerProc('GenServer.stop'), server, reason, timeout, where);
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
  const pid = resolveServer(caller.runtime, server);
  const where = ['sys', name, [server, timeout]];
  if (pid === null) return refused(null, where);
  return genCall(caller, pid, pid, '$system', request, timeout, where);
}

export type { Dest };
