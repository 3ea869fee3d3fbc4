/**
 * The names learners type: `spawn`, `send`, `receive`, `Process.*`, `IO.*` and friends.
 *
 * These are plain functions, not methods of a runtime: inside a process they act on the runtime
 * that process belongs to, found through the running process (see current.ts). Each one is a
 * thin translation to a Runtime method, so the rules live in one place (runtime.ts).
 */
import { runningProc } from './current';
import { ArgumentError, ExitSignal, isExitSignal } from './errors';
import { inspect } from './inspect';
import type { ProcessSnapshot } from './introspect';
import { processDictionary, processMemory, processMessages, processSnapshot } from './introspect';
import type { AfterClause, OnClause, Pattern } from './pattern';
import { after, receiveSpec } from './pattern';
import type { Proc } from './process';
import type { Dest, Runtime } from './runtime';
import { Pid, Ref } from './terms';

/** The process calling, or a clear error when code runs outside any process. */
export function callerProc(what: string): Proc {
  const proc = runningProc();
  if (proc === null) {
    throw new ArgumentError(
      `${what} can only be called inside a process (start one with spawn or rt.run)`,
    );
  }
  return proc;
}

/** The pid of the calling process. */
export function self(): Pid {
  return callerProc('self()').pid;
}

/** Starts a new process running `fn`; returns its pid at once. */
export function spawn(fn: () => unknown): Pid {
  const proc = callerProc('spawn');
  return proc.runtime.spawn(proc, fn);
}

/** Starts a new process linked to the caller: if either exits abnormally, the other gets the signal. */
export function spawnLink(fn: () => unknown): Pid {
  const proc = callerProc('spawnLink');
  return proc.runtime.spawn(proc, fn, { link: true });
}

/** Starts a new process monitored by the caller; returns `[pid, ref]` (DOWN carries the ref). */
export function spawnMonitor(fn: () => unknown): [Pid, Ref] {
  const proc = callerProc('spawnMonitor');
  const child = proc.runtime.spawn(proc, fn);
  return [child, proc.runtime.monitor(proc, child)];
}

/** Sends a copy of `message` to a pid, a registered name or a via tuple; returns `message`. */
export function send<M>(dest: Dest, message: M): M {
  const proc = callerProc('send');
  proc.runtime.send(proc, dest, message);
  return message;
}

/**
 * Waits for a message. `receive()` takes the next one; `receive(pattern)` the first that matches;
 * `receive(on(pattern, handler), ..., after(ms, handler))` runs the handler of the first clause
 * that matches (or the timeout's) and returns its result. Unmatched messages stay, in order.
 */
export function receive<T = any>(...clauses: Array<OnClause | AfterClause | Pattern>): Promise<T> {
  const proc = callerProc('receive');
  return proc.runtime.receive(proc, receiveSpec(clauses, proc.pid.id)) as Promise<T>;
}

/** Ends the calling process with `reason` ('normal' is a normal exit). */
export function exit(reason: unknown): never {
  callerProc('exit');
  throw new ExitSignal(reason);
}

/** Suspends the calling process for `ms` milliseconds (messages keep arriving meanwhile). */
export function sleep(ms: number | 'infinity'): Promise<'ok'> {
  const proc = callerProc('sleep');
  if (ms !== 'infinity' && !(typeof ms === 'number' && ms >= 0)) {
    throw new ArgumentError(
      `sleep needs a non-negative number of ms or 'infinity', got ${inspect(ms)}`,
    );
  }
  const spec = { clauses: [], timeout: after(ms, () => 'ok' as const), scanFrom: 0 };
  return proc.runtime.receive(proc, spec) as Promise<'ok'>;
}

/** A new unique reference. */
export function makeRef(): Ref {
  const proc = runningProc();
  if (proc) return proc.runtime.makeRef(proc);
  throw new ArgumentError('makeRef can only be called inside a process');
}

/** Prints and removes every message in the caller's mailbox, like IEx's flush(); returns 'ok'. */
export function flush(): 'ok' {
  const proc = callerProc('flush');
  for (const message of proc.runtime.flush(proc))
    proc.runtime.output(proc, `${inspect(message)}\n`, 'stdout');
  return 'ok';
}

/**
 * Resolves to `['ok', value]`, or to `['exit', reason]` if the operation exits the caller
 * (a call timeout, a call to a dead server, `exit(...)`); errors are not caught.
 */
export async function catchExit<T>(
  operation: Promise<T> | (() => Promise<T> | T),
): Promise<['ok', T] | ['exit', unknown]> {
  try {
    const value = typeof operation === 'function' ? await operation() : await operation;
    return ['ok', value];
  } catch (e) {
    if (isExitSignal(e)) return ['exit', e.reason];
    throw e;
  }
}

export { inspect };

// ------------------------------------------------------------------------- Process

const INFO_KEYS = [
  'registered_name',
  'status',
  'message_queue_len',
  'messages',
  'links',
  'monitors',
  'monitored_by',
  'trap_exit',
  'dictionary',
  'reductions',
  'group_leader',
  'memory',
  'initial_call',
] as const;

/** A key of `Process.info`. */
export type InfoKey = (typeof INFO_KEYS)[number];

/**
 * One `Process.info` value, read through the introspection API, so what a cell asks and what
 * the panels draw cannot disagree. `snapshot` is the process's snapshot, taken once per call.
 */
function infoValue(rt: Runtime, snapshot: ProcessSnapshot, key: InfoKey): unknown {
  switch (key) {
    case 'registered_name':
      return snapshot.registeredName ?? [];
    case 'status':
      return snapshot.status;
    case 'message_queue_len':
      return snapshot.queueLength;
    case 'messages':
      return processMessages(rt, snapshot.pid)?.messages ?? [];
    case 'links':
      return [...snapshot.links];
    case 'monitors':
      return snapshot.monitors.map(([, pid]) => ['process', pid]);
    case 'monitored_by':
      return snapshot.monitoredBy.map(([, pid]) => pid);
    case 'trap_exit':
      return snapshot.trapExit;
    case 'dictionary':
      return processDictionary(rt, snapshot.pid) ?? [];
    case 'reductions':
      return snapshot.reductions;
    case 'group_leader':
      return snapshot.groupLeader;
    case 'memory':
      return processMemory(rt, snapshot.pid);
    case 'initial_call':
      return snapshot.label;
  }
}

function liveProc(caller: Proc, pid: Pid): Proc | null {
  return caller.runtime.procOf(pid);
}

/** The caller's group leader: the process its output goes to. */
function groupLeader(): Pid;
/** Makes `leader` the group leader of `pid`: its output goes there from now on. */
function groupLeader(pid: Pid, leader: Pid): true;
// Overloads, so that `Process.groupLeader()` is typed as the Pid it returns.
function groupLeader(...args: [] | [pid: Pid, leader: Pid]): Pid | true {
  const proc = callerProc('Process.groupLeader');
  if (args.length === 0) return proc.groupLeader;
  const [pid, leader] = args;
  const target = liveProc(proc, pid);
  if (!target)
    throw new ArgumentError(`cannot set the group leader of ${pid.toString()}: it is not alive`);
  if (!(leader instanceof Pid)) throw new ArgumentError('a group leader is a pid');
  target.groupLeader = leader;
  return true;
}

/** Process functions, named after Elixir's Process module. */
export const Process = {
  /** True if `pid` is a live process. */
  alive(pid: Pid): boolean {
    return liveProc(callerProc('Process.alive'), pid) !== null;
  },

  /**
   * Facts about a live process: `info(pid)` gives `[key, value]` pairs, `info(pid, key)` gives
   * `[key, value]` (e.g. `['messages', [...]]`); null if the process is dead.
   */
  info(pid: Pid, key?: InfoKey): any {
    const caller = callerProc('Process.info');
    const rt = caller.runtime;
    // procOf refuses what is not a pid of this runtime; the snapshot functions also take numbers.
    const snapshot = liveProc(caller, pid) && processSnapshot(rt, pid);
    if (!snapshot) return null;
    if (key === undefined) return INFO_KEYS.map((k) => [k, infoValue(rt, snapshot, k)]);
    if (!INFO_KEYS.includes(key))
      throw new ArgumentError(`Process.info has no key ${inspect(key)}`);
    return [key, infoValue(rt, snapshot, key)];
  },

  /** Links the caller and `pid` both ways. */
  link(pid: Pid): true {
    const proc = callerProc('Process.link');
    return proc.runtime.link(proc, pid);
  },

  /** Removes the link between the caller and `pid`. */
  unlink(pid: Pid): true {
    const proc = callerProc('Process.unlink');
    return proc.runtime.unlink(proc, pid);
  },

  /** Monitors a pid or registered name; returns the ref its DOWN message will carry. */
  monitor(target: Pid | string): Ref {
    const proc = callerProc('Process.monitor');
    return proc.runtime.monitor(proc, target);
  },

  /** Stops a monitor; `{flush: true}` also removes its DOWN message if it already arrived. */
  demonitor(ref: Ref, options: { flush?: boolean } = {}): boolean {
    const proc = callerProc('Process.demonitor');
    return proc.runtime.demonitor(proc, ref, options.flush === true);
  },

  /** Sends an exit signal to `pid` (`'kill'` cannot be trapped; `'normal'` is ignored by others). */
  exit(pid: Pid, reason: unknown): true {
    const proc = callerProc('Process.exit');
    return proc.runtime.exitPid(proc, pid, reason);
  },

  /** Sets a process flag and returns its previous value; `'trap_exit'` is the one there is. */
  flag(flag: 'trap_exit', value: boolean): boolean {
    const proc = callerProc('Process.flag');
    if (flag !== 'trap_exit') throw new ArgumentError(`unknown process flag ${inspect(flag)}`);
    if (typeof value !== 'boolean') throw new ArgumentError('trap_exit takes true or false');
    return proc.runtime.setTrapExit(proc, value);
  },

  /** Registers `pid` under `name` (fails if the name is taken or the pid already has one). */
  register(pid: Pid, name: string): true {
    return callerProc('Process.register').runtime.register(pid, name);
  },

  /** Removes the registration of `name`. */
  unregister(name: string): true {
    return callerProc('Process.unregister').runtime.unregister(name);
  },

  /** The pid registered under `name`, or null. */
  whereis(name: string): Pid | null {
    return callerProc('Process.whereis').runtime.whereis(name);
  },

  /** Every registered name. */
  registered(): string[] {
    return callerProc('Process.registered').runtime.registered();
  },

  /** Sends `message` to `dest`, like `send`. */
  send<M>(dest: Dest, message: M): M {
    return send(dest, message);
  },

  /** Stores `value` under `key` in the caller's process dictionary; returns the previous value or null. */
  put(key: unknown, value: unknown): unknown {
    const proc = callerProc('Process.put');
    const dictionary = (proc.dictionary ??= new Map());
    const previous = dictionary.has(key) ? dictionary.get(key) : null;
    dictionary.set(key, value);
    return previous;
  },

  /** Reads `key` from the caller's process dictionary (`fallback`, default null, if absent). */
  get(key: unknown, fallback: unknown = null): any {
    const dictionary = callerProc('Process.get').dictionary;
    return dictionary?.has(key) ? dictionary.get(key) : fallback;
  },

  /** Removes `key` from the process dictionary; returns its value or null. */
  delete(key: unknown): unknown {
    const dictionary = callerProc('Process.delete').dictionary;
    if (!dictionary?.has(key)) return null;
    const value = dictionary.get(key);
    dictionary.delete(key);
    return value;
  },

  /** The keys of the process dictionary (with `value`, only the keys holding it). */
  getKeys(...value: [unknown?]): unknown[] {
    const dictionary = callerProc('Process.getKeys').dictionary;
    if (!dictionary) return [];
    if (value.length === 0) return [...dictionary.keys()];
    return [...dictionary].filter(([, v]) => v === value[0]).map(([k]) => k);
  },

  /** Sends `message` to `dest` after `ms`; returns a ref for cancelTimer/readTimer. */
  sendAfter(dest: Pid | string, message: unknown, ms: number): Ref {
    const proc = callerProc('Process.sendAfter');
    return proc.runtime.sendAfter(proc, dest, message, ms);
  },

  /** Cancels a timer: the ms it had left, or false if it already fired. */
  cancelTimer(ref: Ref): number | false {
    return callerProc('Process.cancelTimer').runtime.cancelTimer(ref);
  },

  /** The ms left on a timer, or false. */
  readTimer(ref: Ref): number | false {
    return callerProc('Process.readTimer').runtime.readTimer(ref);
  },

  /** Suspends the caller for `ms`. */
  sleep,

  /**
   * Lets the caller sleep with minimal memory until a message arrives (the message stays in the
   * mailbox for the next receive).
   */
  hibernate(): Promise<unknown> {
    const proc = callerProc('Process.hibernate');
    return proc.runtime.hibernate(proc);
  },

  /**
   * Lets every other runnable process run before the caller continues. JavaScript cannot preempt
   * a running function, so a long computation in an async process calls this now and then.
   */
  yield(): Promise<'ok'> {
    const proc = callerProc('Process.yield');
    return proc.runtime.yieldNow(proc);
  },

  /** `groupLeader()` is the caller's group leader; `groupLeader(pid, leader)` sets `pid`'s. */
  groupLeader,

  /** The pids of every live process. */
  list(): Pid[] {
    return callerProc('Process.list')
      .runtime.processes()
      .map((p) => p.pid);
  },
};

// ------------------------------------------------------------------------- System

/** The time units `System.monotonicTime` counts in. */
export type TimeUnit = 'second' | 'millisecond' | 'microsecond';

const UNITS_PER_MS: Readonly<Record<TimeUnit, number>> = {
  second: 1 / 1000,
  millisecond: 1,
  microsecond: 1000,
};

/** Facts about the system a process runs on, named after Elixir's System module. */
export const System = {
  /**
   * The runtime's monotonic clock in `unit` (default 'millisecond'), a whole number: the virtual
   * clock under virtual time, the host's (slowed by slow motion) otherwise. Only differences of
   * two readings mean anything, as with Elixir's System.monotonic_time/1.
   */
  monotonicTime(unit: TimeUnit = 'millisecond'): number {
    const proc = callerProc('System.monotonicTime');
    const perMs = Object.hasOwn(UNITS_PER_MS, unit) ? UNITS_PER_MS[unit] : undefined;
    if (perMs === undefined) {
      throw new ArgumentError(
        `System.monotonicTime takes 'second', 'millisecond' or 'microsecond', got: ${inspect(unit)}`,
      );
    }
    return Math.floor(proc.runtime.clock.now() * perMs);
  },
};

// ------------------------------------------------------------------------- IO

/** Where IO writes: the caller's group leader (`'stdio'`), its error stream, or a device pid. */
export type Device = 'stdio' | 'stderr' | Pid;

function text(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object' && value !== null
      ? inspect(value)
      : String(value);
}

function write(proc: Proc, device: Device, chars: string): void {
  if (device === 'stdio') proc.runtime.output(proc, chars, 'stdout');
  else if (device === 'stderr') proc.runtime.output(proc, chars, 'stderr');
  else if (device instanceof Pid) {
    const saved = proc.groupLeader;
    proc.groupLeader = device;
    try {
      proc.runtime.output(proc, chars, 'stdout');
    } finally {
      proc.groupLeader = saved;
    }
  } else
    throw new ArgumentError(`cannot write to ${inspect(device)}: use 'stdio', 'stderr' or a pid`);
}

/** Output through the caller's group leader, named after Elixir's IO module. */
export const IO = {
  /** Writes a line: `IO.puts(text)`, or `IO.puts(device, text)` for 'stderr' or a device pid. */
  puts(...args: [value: unknown] | [device: Device, value: unknown]): 'ok' {
    const proc = callerProc('IO.puts');
    const [device, value] = args.length === 2 ? args : (['stdio', args[0]] as const);
    write(proc, device, `${text(value)}\n`);
    return 'ok';
  },

  /** Writes without a newline. */
  write(...args: [value: unknown] | [device: Device, value: unknown]): 'ok' {
    const proc = callerProc('IO.write');
    const [device, value] = args.length === 2 ? args : (['stdio', args[0]] as const);
    write(proc, device, text(value));
    return 'ok';
  },

  /** Prints `inspect(value)` (after `label: ` if given) and returns `value` unchanged. */
  inspect<T>(value: T, options: { label?: string } = {}): T {
    const proc = callerProc('IO.inspect');
    const prefix = options.label === undefined ? '' : `${options.label}: `;
    write(proc, 'stdio', `${prefix}${inspect(value)}\n`);
    return value;
  },

  /** Writes a warning line to the error stream. */
  warn(value: unknown): 'ok' {
    const proc = callerProc('IO.warn');
    write(proc, 'stderr', `warning: ${text(value)}\n`);
    return 'ok';
  },
};
