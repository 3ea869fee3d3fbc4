/**
 * The behaviour core, as OTP's `gen` and `proc_lib`: what every behaviour (GenServer, the
 * supervisors, Registry) does the same way, written once.
 *
 * - **start**: `startBehaviour` spawns the process, registers its name (or acknowledges
 *   `['error', ['already_started', holder]]`) and waits for the acknowledgement or the death;
 * - **call**: `genCall` monitors the server, sends `[envelope, [pid, tag], request]` and waits
 *   for `[tag, reply]`, the DOWN or the timeout; `reply` answers one;
 * - **system messages**: `handleSystem` answers `$system` requests (get_state, replace_state,
 *   trace, terminate) for any behaviour, so `sys.*` works on all of them alike; `systemStop` is
 *   proc_lib's stop;
 * - **the loop**: `dispatch` sorts a received message into call, cast, system, the parent's EXIT
 *   or info and hands it to the behaviour.
 *
 * Everything here is callback-driven: a behaviour's process stays native, and handling a message
 * costs no promise and no allocation beyond the behaviour's own.
 */
import { runAs } from '../current';
import { ArgumentError, ExitSignal, exitReasonOf, isExitSignal } from '../errors';
import { inspect } from '../inspect';
import type { ReceiveSpec } from '../pattern';
import { OnClause, after, receiveSpec } from '../pattern';
import type { Proc } from '../process';
import type { Runtime, ViaTuple } from '../runtime';
import { isThenable } from '../runtime';
import { Pid, Ref, _ } from '../terms';

/** `from` in handleCall: the caller's pid and the call's tag. */
export type From = [pid: Pid, tag: Ref];

/** A server reference: a pid, a registered name or a via tuple. */
export type ServerRef = Pid | string | ViaTuple;

/** What a name option accepts: a registered name or a via tuple. */
export type ServerName = string | ViaTuple;

/** What start and startLink resolve to. */
export type StartResult = ['ok', Pid] | ['error', unknown] | 'ignore';

/** The timeout of a call or a start: milliseconds or 'infinity'. */
export type Timeout = number | 'infinity';

/** A receive spec that takes the next message, whatever it is: every behaviour's idle wait. */
export const ANY_MESSAGE: ReceiveSpec = {
  clauses: [new OnClause(_, (m: never) => m)],
  timeout: null,
  scanFrom: 0,
};

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
    // Inside the process's async context, so uncompiled async callbacks keep self() after awaits.
    result = runAs(proc, callback);
  } catch (e) {
    onError(e);
    return;
  }
  if (isThenable(result)) proc.runtime.suspendOn(proc, result, onResult, onError);
  else onResult(result);
}

// ------------------------------------------------------------------------- names

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

/** Registers `pid` under a name (gen's register_name); returns the holder's pid if it is taken. */
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

// ------------------------------------------------------------------------- start

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
  timeout: Timeout = 'infinity',
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

/** How `startBehaviour` starts a process. */
export interface BehaviourStart {
  /** Linked to the starter (startLink) or not (start). */
  link: boolean;
  /** The process's label in panels and traces (the module's name). */
  label: string;
  /** What `proc.behaviour` says: 'gen_server', 'supervisor', 'registry', ... */
  behaviour: string;
  /** The name to register before init runs; null or undefined (Elixir's nil) registers none. */
  name?: ServerName | null;
  /** Milliseconds init may take before the start fails with timeout (default: infinity). */
  timeout?: Timeout;
}

/**
 * gen's start: spawns the process, registers its name and runs `init(proc, ack)` in it; when the
 * name is taken the start gives `['error', ['already_started', holder]]` and the process exits
 * normally without running init. Resolves what the process acknowledges (see startAndWait).
 */
export function startBehaviour(
  parent: Proc,
  options: BehaviourStart,
  init: (proc: Proc, ack: (result: StartResult) => void) => void,
): Promise<StartResult> {
  const { name } = options;
  if (name !== undefined && name !== null) {
    // gen:start looks the name up in the caller first: a taken name spawns nothing, and a name
    // its via module refuses (a duplicate Registry) raises here, in the caller.
    const holder = resolveServer(parent.runtime, name);
    if (holder) return Promise.resolve(['error', ['already_started', holder]]);
  }
  return startAndWait(
    parent,
    options.link,
    options.label,
    options.behaviour,
    (proc, ack) => {
      if (name !== undefined && name !== null) {
        const holder = registerName(proc.runtime, name, proc.pid);
        if (holder) {
          ack(['error', ['already_started', holder]]);
          proc.runtime.terminate(proc, 'normal');
          return;
        }
      }
      init(proc, ack);
    },
    options.timeout,
  );
}

/** A behaviour process's label: its module's `name` when that is a non-empty string, else `fallback`. */
export function moduleLabel(module: object, fallback: string): string {
  const name = (module as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : fallback;
}

/** Ends a start that failed: acknowledges `['error', reason]` and exits with `exitReason`. */
export function failStart(
  proc: Proc,
  ack: (result: StartResult) => void,
  reason: unknown,
  exitReason: unknown = reason,
): void {
  ack(['error', reason]);
  proc.runtime.terminate(proc, exitReason);
}

/** Ends a start whose init threw: a crash report unless it was an exit, then failStart. */
export function initCrashed(proc: Proc, ack: (result: StartResult) => void, e: unknown): void {
  if (!isExitSignal(e)) proc.runtime.crashReport(proc, e);
  failStart(proc, ack, exitReasonOf(e));
}

/** Ends a start whose init returned 'ignore': acknowledges it and exits normally. */
export function ignoreStart(proc: Proc, ack: (result: StartResult) => void): void {
  ack('ignore');
  proc.runtime.terminate(proc, 'normal');
}

// ------------------------------------------------------------------------- call and reply

/**
 * gen's call: monitors the server, sends `[envelope, [caller, tag], request]` to `dest` (the
 * name the caller gave keeps it in the trace, else `pid`) and waits for `[tag, reply]`. The
 * caller exits with `[reason, where]` when the server dies and with `['timeout', where]` when no
 * reply comes in time. The tag stays active only while the caller waits, so a late reply is
 * dropped (OTP uses process aliases for this).
 */
export function genCall(
  caller: Proc,
  dest: Pid | string,
  pid: Pid,
  envelope: '$gen_call' | '$system',
  request: unknown,
  timeout: Timeout,
  where: unknown,
): Promise<any> {
  const rt = caller.runtime;
  const tag = rt.monitor(caller, pid);
  rt.activeCallTags.add(tag);
  rt.replyAliases.add(tag);
  rt.send(caller, dest, [envelope, [caller.pid, tag], request], 'call');
  return receiveReply(caller, tag, timeout).then(([outcome, value]) => {
    rt.activeCallTags.delete(tag);
    if (outcome === 'down') throw new ExitSignal([value, where]);
    rt.demonitor(caller, tag, true);
    if (outcome === 'reply') return value;
    throw new ExitSignal(['timeout', where]);
  });
}

/**
 * Waits for the reply tagged `tag` (`[tag, value]`), the DOWN of the monitor `tag`, or the
 * timeout: resolves `['reply', value]`, `['down', reason]` or `['timeout']`. Calls and tasks
 * both use a monitor's ref as the reply tag.
 */
export function receiveReply(
  caller: Proc,
  tag: Ref,
  timeout: Timeout,
): Promise<[outcome: 'reply' | 'down' | 'timeout', value?: unknown]> {
  const spec = receiveSpec(
    [
      new OnClause([tag, _], (m: [Ref, unknown]) => ['reply', m[1]]),
      new OnClause(['DOWN', tag, 'process', _, _], (m: unknown[]) => ['down', m[4]]),
      after(timeout, () => ['timeout']),
    ],
    caller.pid.id,
  );
  return caller.runtime.receive(caller, spec) as Promise<['reply' | 'down' | 'timeout', unknown?]>;
}

/**
 * The exit of a call or stop that cannot be made: no live server (`noproc`), or the caller
 * itself (`calling_self`: it would wait for its own answer forever), as Elixir's GenServer does.
 */
export function refused(pid: Pid | null, where: unknown): Promise<never> {
  return Promise.reject(new ExitSignal([pid === null ? 'noproc' : 'calling_self', where]));
}

/**
 * Sends a call's reply (gen's reply), unless the caller has stopped waiting for it: a tag made
 * by a call or a task is an alias, dropped once inactive; any other tag is answered as it is.
 */
export function reply(rt: Runtime, sender: Proc | null, from: From, value: unknown): void {
  const [pid, tag] = from;
  if (rt.replyAliases.has(tag) && !rt.activeCallTags.has(tag)) return;
  rt.send(sender, pid, [tag, value], 'reply');
}

// ------------------------------------------------------------------------- system messages

/** What a behaviour gives the core so that it answers system messages (sys.*). */
export interface SystemHandlers {
  readonly proc: Proc;
  /** What `sys.getState` answers. */
  systemGetState(): unknown;
  /**
   * Takes the state `sys.replaceState`'s function computed. A behaviour without it answers
   * replace_state with `['error', 'unknown_system_request']`.
   */
  systemReplaceState?(state: unknown): void;
  /** Turns the behaviour's event printing on or off (sys.trace); without it trace is a no-op. */
  systemTrace?(on: boolean): void;
  /** Stops the behaviour with `reason`, as its own stop does (sys.terminate, GenServer.stop). */
  systemTerminate(reason: unknown): void;
  /** Goes back to waiting for the next message. */
  serve(): void;
}

/**
 * Answers one system message for any behaviour: get_state, replace_state (its function runs in
 * the process; if it throws, the behaviour stops with that reason), trace and terminate; anything
 * else gets `['error', 'unknown_system_request']`.
 */
export function handleSystem(b: SystemHandlers, from: From, request: unknown): void {
  const rt = b.proc.runtime;
  if (request === 'get_state') {
    reply(rt, b.proc, from, b.systemGetState());
    return b.serve();
  }
  if (Array.isArray(request)) {
    const [kind, arg] = request as [unknown, unknown];
    if (kind === 'terminate') return b.systemTerminate(arg);
    if (kind === 'trace') {
      b.systemTrace?.(arg === true);
      reply(rt, b.proc, from, 'ok');
      return b.serve();
    }
    if (kind === 'replace_state' && b.systemReplaceState) {
      invoke(
        b.proc,
        () => (arg as (s: unknown) => unknown)(b.systemGetState()),
        (state: unknown) => {
          b.systemReplaceState!(state);
          reply(rt, b.proc, from, state);
          b.serve();
        },
        (e) => b.systemTerminate(isExitSignal(e) ? e.reason : e),
      );
      return;
    }
  }
  reply(rt, b.proc, from, ['error', 'unknown_system_request']);
  b.serve();
}

/**
 * proc_lib's stop: asks the process to terminate with `reason` through a system message and
 * waits for its DOWN. Resolves 'ok'; exits the caller with noproc if it is not alive,
 * calling_self if it is the caller, timeout if it does not stop in time, and with its own reason
 * if it exits with another one.
 */
export function systemStop(
  caller: Proc,
  server: ServerRef | null,
  reason: unknown,
  timeout: Timeout,
  where: unknown,
): Promise<'ok'> {
  const rt = caller.runtime;
  const pid = resolveServer(rt, server);
  if (pid === null || pid === caller.pid) return refused(pid, where);
  const monitor = rt.monitor(caller, pid);
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

// ------------------------------------------------------------------------- the loop

/** A behaviour's side of the loop: `dispatch` calls one of these for each message. */
export interface Behaviour extends SystemHandlers {
  /** The process whose EXIT stops the behaviour (its starter, or itself); null for none. */
  readonly parent: Pid | null;
  /** `['$gen_call', from, request]`. */
  onCall(request: unknown, from: From): void;
  /** `['$gen_cast', request]`. */
  onCast(request: unknown): void;
  /** `['EXIT', parent, reason]`: the behaviour stops with `reason`. */
  onParentExit(reason: unknown): void;
  /** Any other message. */
  onInfo(message: unknown): void;
}

/**
 * Sorts one message as gen_server's loop does: calls, casts and system messages by their
 * envelope, the parent's EXIT, and everything else as info.
 */
export function dispatch(b: Behaviour, message: unknown): void {
  if (Array.isArray(message)) {
    const type: unknown = message[0];
    if (message.length === 3) {
      if (type === '$gen_call') return b.onCall(message[2], message[1] as From);
      if (type === '$system') return handleSystem(b, message[1] as From, message[2]);
      if (type === 'EXIT' && b.parent !== null && message[1] === b.parent) {
        return b.onParentExit(message[2]);
      }
    } else if (message.length === 2 && type === '$gen_cast') {
      return b.onCast(message[1]);
    }
  }
  b.onInfo(message);
}
