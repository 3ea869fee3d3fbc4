/**
 * One runtime: the scheduler, the process table and OTP's rules for signals, names and timers.
 *
 * Scheduling. JavaScript gives us one thread, so processes take turns: a process runs from the
 * moment the scheduler resumes it until it suspends (waits in a receive, sleeps, awaits a promise)
 * or exits, and only then does the scheduler resume the next one. For a process written as an
 * async function, "resume" means resolving the promise it awaits; its code then runs in a
 * microtask, and when it suspends again it hands control back (`yielded`), which runs the next
 * process from that same microtask. So a busy runtime runs as a chain of microtasks, one process
 * at a time, and every few milliseconds (a slice) the chain is broken with a macrotask so the host
 * can serve control requests (pause, kill, snapshot) and draw.
 *
 * Every way a process can resume goes through the run queue, including awaits of plain promises
 * in compiled cell code (see `suspendOn`), so pause, step and virtual time see all of it.
 *
 * Signals (exits through links, kills, DOWN) are handled synchronously: a killed process is dead
 * for the runtime at once, even if its JavaScript only stops at its next runtime call.
 */
import type { Clock } from './clock';
import { RealClock, VirtualClock } from './clock';
import { copyMessage } from './copy';
import type { AsyncContext } from './current';
import {
  getAsyncContext,
  runningProcRaw,
  setAsyncContext,
  setInContinuation,
  setRunning,
} from './current';
import { ArgumentError, ExitSignal, SystemLimitError, exitReasonOf, isExitSignal } from './errors';
import { hostNow, scheduleMacrotask } from './host';
import { inspect } from './inspect';
import type { ReceiveSpec } from './pattern';
import { matchingClause, takeMessage } from './pattern';
import type { OutputSink, ProcessStatus } from './process';
import { Proc, TIMED_OUT, Wait } from './process';
import { RunQueue } from './runQueue';
import type { Timer } from './timers';
import { TimerHeap } from './timers';
import type { MessageKind } from './trace';
import { Tracer } from './trace';
import { Pid, Ref } from './terms';

/** Options of `createRuntime`. */
export interface RuntimeOptions {
  /** 'real' (default) follows the host's time; 'virtual' jumps to the next timer when idle. */
  clock?: 'real' | 'virtual' | Clock;
  /** Most processes alive at once before spawn fails with system_limit (default 262,144). */
  maxProcesses?: number;
  /**
   * Most messages one mailbox may hold: a send past it kills the receiver (reason `'killed'`,
   * with an error line), as the BEAM's `max_heap_size` does (default 1,000,000).
   */
  maxMailbox?: number;
  /** Trace events kept in the ring buffer (default 10,000). */
  traceCapacity?: number;
  /** Longest run of the scheduler before it yields to the host, in ms (default 4). */
  sliceMs?: number;
  /** Where output to the default group leader goes. */
  onOutput?: OutputSink;
  /** Carries process identity through plain promise chains (Node's AsyncLocalStorage). */
  asyncContext?: AsyncContext;
  /**
   * How long (real ms) compiled code may run without waiting before the loop guard kills its
   * process (default 2,000).
   */
  runawayMs?: number;
}

/** Destination of a message: a pid, a registered name, or `['via', module, name]`. */
export type Dest = Pid | string | ViaTuple;

/** `['via', module, name]`: a name resolved by a registry module (Registry.via, ...). */
export type ViaTuple = readonly ['via', ViaModule, unknown];

/** A module that resolves via-names, like Erlang's `{via, Module, Name}`. */
export interface ViaModule {
  whereisName(name: unknown): Pid | null | 'undefined';
  registerName?(name: unknown, pid: Pid): 'yes' | 'no';
  unregisterName?(name: unknown): void;
  sendName?(name: unknown, message: unknown): void;
}

/** Options for starting a process. */
export interface SpawnOptions {
  link?: boolean;
  /** Name shown in panels for the process's initial call. */
  label?: string;
  groupLeader?: Pid;
}

/** Figures the benchmarks and panels read. */
export interface RuntimeStats {
  processes: number;
  runQueue: number;
  timers: number;
  messagesSent: number;
  spawned: number;
  slices: number;
  longestSliceMs: number;
  /** Mailbox messages examined by receive scans (shows the scan marker at work). */
  messagesScanned: number;
}

const DEFAULT_MAX_PROCESSES = 262_144;
/** A million small messages are some tens of MB: a flood stops well before the tab runs out. */
const DEFAULT_MAX_MAILBOX = 1_000_000;
/** Resumptions of one process in a row that take the fast path before it must requeue. */
const FAST_PATH_BUDGET = 2_000;

let nextRuntimeId = 1;

/**
 * The promise the runtime handed out last. Compiled code asks `isRuntimePromise` right after the
 * runtime call that made it (`await receive()`), so comparing with the last one is enough and
 * costs nothing; an older runtime promise that is awaited later is treated as a plain promise,
 * which is slower but still correct (see suspendOn).
 */
let lastIssued: Promise<unknown> | null = null;

/** True for the promise a runtime operation just returned (resolved through the run queue). */
export function isRuntimePromise(value: unknown): boolean {
  return value === lastIssued && value !== null;
}

function tag<T>(promise: Promise<T>): Promise<T> {
  lastIssued = promise;
  return promise;
}

/** True for values with a `then` method (promises and other thenables). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T | PromiseLike<T>) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T | PromiseLike<T>) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface TimerEntry {
  readonly timer: Timer;
  readonly dest: Proc | null;
}

export class Runtime {
  readonly id = nextRuntimeId++;
  readonly clock: Clock;
  readonly trace: Tracer;
  readonly maxProcesses: number;
  /** Most messages one mailbox may hold before a send kills its process. */
  readonly maxMailbox: number;
  /** The default group leader: output of processes without another one goes to `onOutput`. */
  readonly user: Pid;

  private readonly procs = new Map<number, Proc>();
  private readonly names = new Map<string, Proc>();
  private readonly runQueue = new RunQueue<Proc>();
  private readonly timers = new TimerHeap();
  private readonly timerRefs = new Map<number, TimerEntry>();
  private readonly sliceMs: number;
  private readonly runawayMs: number;
  /** Real time at which the current holder was last resumed (for the loop guard). */
  private resumedAt = 0;
  private nextPid = 80;
  private nextRef = 0;
  private msgSeq = 0;
  private spawned = 0;
  private scanned = 0;

  // Scheduler state.
  private looping = false;
  /** The async process that holds the scheduler until it hands back control. */
  private holder: Proc | null = null;
  /** The process whose synchronous turn is below the running loop (see `yielded`). */
  private inTurnOf: Proc | null = null;
  private turnDeferred = false;
  private loopQueued = false;
  private sliceQueued = false;
  private advanceQueued = false;
  /** Virtual time stands still while held (see holdVirtualTime). */
  private virtualTimeHeld = false;
  private stallCheckQueued = false;
  private sliceStart = 0;
  private slices = 0;
  private longestSlice = 0;
  private externalWaits = 0;
  private pausedFlag = false;
  private stepsLeft = 0;
  private stopped = false;
  private fastPathRun = 0;
  private lastResumed: Proc | null = null;
  private idleWaiters: Array<() => void> = [];

  // Exit signals are queued so long chains of links are handled iteratively.
  /** Reply tags of calls still waiting; a reply to any other tag is dropped (OTP's aliases). */
  readonly activeCallTags = new Set<Ref>();
  /**
   * Every tag ever made a reply alias (by a call or a task). Only these are dropped once
   * inactive: a `from` built by hand (`[self(), makeRef()]`) is answered like any pid, as
   * gen:reply sends `{Tag, Reply}` to a plain `{Pid, Tag}`.
   */
  readonly replyAliases = new WeakSet<Ref>();

  private readonly pendingSignals: Array<[from: Pid, to: Proc, reason: unknown]> = [];
  private drainingSignals = false;

  constructor(options: RuntimeOptions = {}) {
    const clock = options.clock ?? 'real';
    this.clock =
      clock === 'real' ? new RealClock() : clock === 'virtual' ? new VirtualClock() : clock;
    this.maxProcesses = options.maxProcesses ?? DEFAULT_MAX_PROCESSES;
    this.maxMailbox = options.maxMailbox ?? DEFAULT_MAX_MAILBOX;
    this.sliceMs = options.sliceMs ?? 4;
    this.runawayMs = options.runawayMs ?? 2_000;
    this.trace = new Tracer(options.traceCapacity ?? 10_000, () => this.clock.now());
    if (options.asyncContext) setAsyncContext(options.asyncContext);
    const user = this.createIoDevice(options.onOutput ?? (() => {}), 'user');
    this.user = user;
  }

  // ---------------------------------------------------------------- processes

  /**
   * Starts a process running `fn` (async or not) and returns its pid. `parent` is the caller:
   * its handle inside the runtime, its pid from a host (the notebook engine), null for none.
   */
  spawn(parent: Proc | Pid | null, fn: () => unknown, options: SpawnOptions = {}): Pid {
    const from = parent instanceof Pid ? this.liveParent(parent) : parent;
    if (from) this.checkAlive(from);
    const proc = this.newProc(from, options.groupLeader, options.label ?? (fn.name || 'anonymous'));
    proc.resume = () => this.startFunction(proc, fn);
    if (options.link && from) this.addLink(from, proc);
    this.traceSpawn(proc, from, options.link === true);
    this.enqueue(proc);
    return proc.pid;
  }

  /** The live process behind a parent pid a host gave; a parent that has exited spawns nothing. */
  private liveParent(pid: Pid): Proc {
    const proc = this.procOf(pid);
    if (proc === null) {
      throw new ArgumentError(`cannot spawn from ${pid.toString()}: that process is not alive`);
    }
    return proc;
  }

  /**
   * Runs `fn` as a new process of this runtime: resolves with its return value, rejects with an
   * ExitSignal carrying its exit reason (or with the Error it threw).
   */
  run<T>(fn: () => T | Promise<T>, options: SpawnOptions = {}): Promise<T> {
    if (this.stopped) return Promise.reject(new ArgumentError('this runtime has been shut down'));
    const pid = this.spawn(null, fn, { label: 'run', ...options });
    return new Promise<T>((resolve, reject) => {
      this.onExit(pid, (reason, returned) => {
        if (reason === 'normal') resolve(returned as T);
        else reject(reason instanceof Error ? reason : new ExitSignal(reason));
      });
    });
  }

  /**
   * Starts a callback-driven process: `init` runs as its first continuation and sets up waits
   * with `waitFor`; no promise is involved, which is what makes the behaviours fast.
   */
  spawnNative(parent: Proc | null, init: (proc: Proc) => void, options: SpawnOptions = {}): Proc {
    if (parent) this.checkAlive(parent);
    const proc = this.newProc(parent, options.groupLeader, options.label ?? 'native');
    proc.resume = () => init(proc);
    if (options.link && parent) this.addLink(parent, proc);
    this.traceSpawn(proc, parent, options.link === true);
    this.enqueue(proc);
    return proc;
  }

  /** A process that only receives output: the group leader the host gives a cell. */
  createIoDevice(sink: OutputSink, label = 'io_device'): Pid {
    const proc = this.newProc(null, undefined, label);
    proc.ioSink = sink;
    proc.groupLeader = proc.pid;
    proc.status = 'waiting';
    proc.wait = new Wait(
      'native',
      { clauses: [], timeout: null, scanFrom: 0 },
      null,
      null,
      null,
      null,
    );
    this.traceSpawn(proc, null, false);
    return proc.pid;
  }

  private newProc(parent: Proc | null, groupLeader: Pid | undefined, label: string): Proc {
    if (this.procs.size >= this.maxProcesses) {
      throw new SystemLimitError(
        `system_limit: cannot spawn more than ${this.maxProcesses} processes at once`,
      );
    }
    const pid = new Pid(this.nextPid++, this.id);
    const gl = groupLeader ?? parent?.groupLeader ?? (this.user as Pid | undefined) ?? pid;
    const proc = new Proc(pid, this, parent ? parent.pid : null, gl, label);
    pid.proc = proc;
    this.procs.set(pid.id, proc);
    this.spawned++;
    return proc;
  }

  private traceSpawn(proc: Proc, parent: Proc | null, linked: boolean): void {
    if (this.trace.active) {
      this.trace.emit({
        type: 'spawn',
        pid: proc.pid,
        parent: parent ? parent.pid : null,
        linked,
        label: proc.label,
        ioDevice: proc.ioSink !== null,
      });
      if (linked && parent) this.trace.emit({ type: 'link', from: parent.pid, to: proc.pid });
    }
  }

  private startFunction(proc: Proc, fn: () => unknown): void {
    const context = getAsyncContext();
    let result: unknown;
    try {
      result = context ? context.run(proc, fn) : fn();
    } catch (e) {
      this.processThrew(proc, e);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.processReturned(proc, value),
        (e: unknown) => this.processThrew(proc, e),
      );
    } else {
      this.processReturned(proc, result);
    }
  }

  private processReturned(proc: Proc, value: unknown): void {
    if (proc.status === 'dead') return;
    this.terminate(proc, 'normal', value);
  }

  private processThrew(proc: Proc, e: unknown): void {
    if (proc.status === 'dead') return;
    const reason = exitReasonOf(e);
    if (!isExitSignal(e)) this.crashReport(proc, e);
    this.terminate(proc, reason);
  }

  /** Logs an error that killed a process to its group leader, like the BEAM's error logger. */
  crashReport(proc: Proc, e: unknown): void {
    const what = e instanceof Error ? `** (${e.name}) ${e.message}` : `** (throw) ${inspect(e)}`;
    this.output(
      proc,
      `[error] Process ${proc.pid.toString()} raised an exception\n${what}\n`,
      'stderr',
    );
  }

  /** Refuses any operation by a process that has exited (a killed process may still be running JS). */
  checkAlive(proc: Proc): void {
    if (proc.status === 'dead') throw new ExitSignal(proc.exitReason);
    if (proc.untracked) this.returnedFromUntracked(proc);
  }

  /** Resolves a pid of this runtime to its live process, or null. */
  procOf(pid: Pid): Proc | null {
    if (!(pid instanceof Pid)) throw new ArgumentError(`expected a pid, got ${inspect(pid)}`);
    if (pid.runtimeId !== this.id)
      throw new ArgumentError(`${pid.toString()} belongs to another runtime`);
    return pid.proc as Proc | null;
  }

  /** The pid of the live process numbered `id` (`#PID<0.id.0>`) in this runtime, or null. */
  pidOf(id: number): Pid | null {
    return this.procs.get(id)?.pid ?? null;
  }

  /** All live processes, oldest first. */
  processes(): Proc[] {
    return [...this.procs.values()];
  }

  get processCount(): number {
    return this.procs.size;
  }

  /** Makes a fresh reference; refs made by a process let its receives skip older messages. */
  makeRef(owner: Proc | null): Ref {
    return new Ref(++this.nextRef, this.msgSeq + 1, owner ? owner.pid.id : -1);
  }

  // ---------------------------------------------------------------- messages

  /** `send` as the contract defines it: copies, resolves names, drops silently on dead pids. */
  send(from: Proc | null, dest: Dest, message: unknown, kind: MessageKind = 'send'): void {
    if (from) {
      this.checkAlive(from);
      from.reductions++;
    }
    const copy = copyMessage(message);
    if (dest instanceof Pid) {
      const target = this.procOf(dest);
      if (target) this.sendTo(from, target, copy, kind, null);
      else if (this.trace.active) this.traceDropped(from, copy, kind, null);
      return;
    }
    if (typeof dest === 'string') {
      const target = this.names.get(dest);
      if (!target)
        throw new ArgumentError(
          `cannot send to '${dest}': no process is registered under that name`,
        );
      this.sendTo(from, target, copy, kind, dest);
      return;
    }
    if (Array.isArray(dest) && dest[0] === 'via') {
      const [, module, name] = dest;
      if (module.sendName) {
        module.sendName(name, copy);
        return;
      }
      const pid = module.whereisName(name);
      if (!(pid instanceof Pid)) {
        throw new ArgumentError(
          `cannot send to ${inspect(dest)}: no process is registered under that name`,
        );
      }
      const target = this.procOf(pid);
      if (target) this.sendTo(from, target, copy, kind, null);
      return;
    }
    throw new ArgumentError(
      `cannot send to ${inspect(dest)}: expected a pid, a name or a via tuple`,
    );
  }

  /**
   * `deliver` for a process's send, with the mailbox limit: a receiver whose mailbox passes
   * `maxMailbox` is killed, so a flood ends with a clear line instead of an exhausted tab. Only
   * sends count: the runtime's own DOWN and EXIT messages are bounded by links and monitors.
   */
  private sendTo(
    from: Proc | null,
    to: Proc,
    message: unknown,
    kind: MessageKind,
    name: string | null,
  ): void {
    this.deliver(to, message, from ? from.pid : null, kind, name);
    if (to.mailbox.length <= this.maxMailbox || to.status === 'dead') return;
    this.output(
      to,
      `[error] Process ${to.pid.toString()} was killed: its mailbox passed the limit of ${this.maxMailbox.toLocaleString('en-US')} messages\n`,
      'stderr',
    );
    this.terminate(to, 'killed');
    if (from === to) throw new ExitSignal('killed');
  }

  private traceDropped(
    from: Proc | null,
    msg: unknown,
    kind: MessageKind,
    name: string | null,
  ): void {
    this.trace.emit({
      type: 'send',
      from: from ? from.pid : null,
      to: null,
      name,
      msg,
      msgId: ++this.msgSeq,
      kind,
    });
  }

  /**
   * How a plain `send` shows in traces, read from its content (as Kino's traces label calls and
   * casts): a message shaped like a call (`['$gen_call', [pid, ref], request]`), a cast
   * (`['$gen_cast', request]`) or a reply to a call still waiting (`[tag, value]`) is labelled
   * as one, so a server written by hand with send and receive draws like a GenServer; any other
   * message to a behaviour process is what OTP calls an info message.
   */
  private plainSendKind(message: unknown, to: Proc): MessageKind {
    if (Array.isArray(message)) {
      const [head, from] = message as unknown[];
      if (
        message.length === 3 &&
        head === '$gen_call' &&
        Array.isArray(from) &&
        from.length === 2 &&
        from[0] instanceof Pid &&
        from[1] instanceof Ref
      ) {
        this.tracedCallTags.add(from[1]);
        return 'call';
      }
      if (message.length === 2 && head === '$gen_cast') return 'cast';
      if (
        message.length === 2 &&
        head instanceof Ref &&
        (this.activeCallTags.has(head) || this.tracedCallTags.has(head))
      )
        return 'reply';
    }
    return to.behaviour !== null ? 'info' : 'send';
  }

  /** Tags of calls sent by hand while tracing, so their replies are labelled as replies. */
  private readonly tracedCallTags = new WeakSet<Ref>();

  /** Puts an (already copied) message in `to`'s mailbox and wakes it if its receive matches. */
  deliver(
    to: Proc,
    message: unknown,
    from: Pid | null,
    kind: MessageKind,
    name: string | null,
  ): void {
    const seq = ++this.msgSeq;
    if (this.trace.active) {
      const shown = kind === 'send' ? this.plainSendKind(message, to) : kind;
      this.trace.emit({
        type: 'send',
        from,
        to: to.pid,
        name,
        msg: message,
        msgId: seq,
        kind: shown,
      });
    }
    to.mailbox.push(message, seq);
    const wait = to.wait;
    if (wait === null) return;
    if (wait.kind === 'hibernate') {
      // Any message wakes a hibernating process, and stays in the mailbox.
      this.complete(to, wait, message, 0);
      return;
    }
    const clause = matchingClause(wait.spec!, message);
    if (clause < 0) return;
    to.mailbox.removeAt(to.mailbox.length - 1);
    if (this.trace.active)
      this.trace.emit({ type: 'receive', pid: to.pid, msg: message, msgId: seq });
    this.complete(to, wait, message, clause);
  }

  /** A wait is over: record its outcome and queue the process to act on it. */
  private complete(proc: Proc, wait: Wait, message: unknown, clause: number): void {
    proc.wait = null;
    proc.hibernating = false;
    if (wait.timer) this.timers.cancel(wait.timer);
    wait.message = message;
    wait.clause = clause;
    proc.resume = wait;
    proc.status = 'runnable';
    this.runQueue.push(proc);
    this.kick();
  }

  /** Runs what a completed wait leads to, as the process's continuation. */
  private finishWait(wait: Wait): void {
    const { message, clause } = wait;
    if (wait.kind === 'native') {
      if (clause === TIMED_OUT) wait.onTimeout!();
      else wait.onMessage!(message, clause);
      return;
    }
    if (wait.kind === 'hibernate') {
      wait.resolve!('ok');
      return;
    }
    const handler =
      wait.handler ??
      (clause === TIMED_OUT ? wait.spec!.timeout!.handler : wait.spec!.clauses[clause]!.handler);
    if (handler === takeMessage) {
      wait.resolve!(message);
      return;
    }
    try {
      wait.resolve!(handler(message as never));
    } catch (e) {
      wait.reject!(e);
    }
  }

  /** The message `takeMatching` found (kept in a field to avoid allocating a pair). */
  private taken: unknown = undefined;

  /** Takes the first mailbox message any clause matches into `taken`; returns the clause or -1. */
  private takeMatching(proc: Proc, spec: ReceiveSpec): number {
    const mailbox = proc.mailbox;
    const n = mailbox.length;
    if (n === 0) return -1;
    const first = mailbox.indexFromSeq(spec.scanFrom);
    for (let i = first; i < n; i++) {
      const message = mailbox.at(i);
      const clause = matchingClause(spec, message);
      if (clause >= 0) {
        this.scanned += i - first + 1;
        if (this.trace.active) {
          this.trace.emit({
            type: 'receive',
            pid: proc.pid,
            msg: message,
            msgId: mailbox.seqAt(i),
          });
        }
        mailbox.removeAt(i);
        this.taken = message;
        return clause;
      }
    }
    this.scanned += n - first;
    return -1;
  }

  /**
   * A receive by a process written as an async function. Resolves with the matching clause's
   * result (or the timeout handler's); never resolves if the process is killed meanwhile.
   */
  receive(proc: Proc, spec: ReceiveSpec): Promise<unknown> {
    this.checkAlive(proc);
    proc.reductions++;
    if (proc.wait || proc.resume)
      throw new ArgumentError(
        'this process is already waiting in another receive (was a receive or GenServer.call not awaited?)',
      );
    const clause = this.takeMatching(proc, spec);
    if (clause >= 0) {
      const message = this.taken;
      this.taken = undefined;
      return this.continueWith(proc, spec.clauses[clause]!.handler, message);
    }
    const timeout = spec.timeout;
    if (timeout && timeout.ms === 0) {
      // `sleep(0)` (or `after(0)`) with no message offers to yield: once the process has used up
      // its slice it really does, which also restarts the loop guard's count.
      const sliceUsed = hostNow() - this.resumedAt > this.sliceMs;
      return this.continueWith(proc, timeout.handler, undefined, !sliceUsed);
    }
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.block(proc, new Wait('promise', spec, resolve, reject, null, null));
    return tag(promise);
  }

  /**
   * The callback form of receive, for native processes: `onMessage` runs as the process's next
   * continuation with the matched message. A message already in the mailbox is still handled
   * through the run queue, so a busy native process cannot starve the others.
   */
  waitFor(
    proc: Proc,
    spec: ReceiveSpec,
    onMessage: (message: unknown, clause: number) => void,
    onTimeout: () => void = () => {},
  ): void {
    this.checkAlive(proc);
    proc.reductions++;
    const wait = new Wait('native', spec, null, null, onMessage, onTimeout);
    const clause = this.takeMatching(proc, spec);
    if (clause >= 0) {
      const message = this.taken;
      this.taken = undefined;
      this.complete(proc, wait, message, clause);
      this.yielded(proc);
      return;
    }
    if (spec.timeout && spec.timeout.ms === 0) {
      this.complete(proc, wait, undefined, TIMED_OUT);
      this.yielded(proc);
      return;
    }
    this.block(proc, wait);
  }

  private block(proc: Proc, wait: Wait): void {
    const timeout = wait.spec?.timeout;
    if (timeout && timeout.ms !== 'infinity') {
      wait.timer = this.addTimer(this.clock.now() + timeout.ms, () => {
        if (proc.wait === wait) this.complete(proc, wait, undefined, TIMED_OUT);
      });
    }
    proc.wait = wait;
    this.uncountOwnWaits(proc);
    proc.status = 'waiting';
    this.yielded(proc);
  }

  /**
   * A process suspended on a promise that now blocks in the runtime was awaiting its own nested
   * code (`await helper()`, where the helper's first await did not suspend): that promise settles
   * when this wait does, so it no longer holds back virtual time.
   */
  private uncountOwnWaits(proc: Proc): void {
    if (proc.externalWaits === 0) return;
    this.externalWaits -= proc.externalWaits;
    proc.externalWaits = 0;
    // Nobody may be driving the loop (this code ran from a promise continuation): let it see
    // whether the runtime is now idle, so virtual time can move on.
    this.kick();
  }

  /**
   * Continues a process that did not need to wait. Usually it keeps running (a resolved promise);
   * after a long run of such resumptions it goes to the back of the run queue, which is how a
   * process that always finds a message still lets others run.
   */
  private continueWith(
    proc: Proc,
    handler: (message: never) => unknown,
    message: unknown,
    mayStay = true,
  ): Promise<unknown> {
    if (
      mayStay &&
      this.lastResumed === proc &&
      ++this.fastPathRun < FAST_PATH_BUDGET &&
      !this.pausedFlag &&
      this.stepsLeft === 0
    ) {
      if (handler === takeMessage) return tag(Promise.resolve(message));
      try {
        return tag(Promise.resolve(handler(message as never)));
      } catch (e) {
        return tag(Promise.reject(e));
      }
    }
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const wait = new Wait('promise', null, resolve, reject, null, null);
    wait.handler = handler;
    this.complete(proc, wait, message, 0);
    this.yielded(proc);
    return tag(promise);
  }

  /** Puts the caller at the back of the run queue (Process.yield). */
  yieldNow(proc: Proc): Promise<'ok'> {
    this.checkAlive(proc);
    return this.continueWithQueued(proc) as Promise<'ok'>;
  }

  private continueWithQueued(proc: Proc): Promise<unknown> {
    let resolve!: (value: unknown) => void;
    const promise = new Promise<unknown>((res) => {
      resolve = res;
    });
    this.complete(proc, new Wait('hibernate', null, resolve, null, null, null), undefined, 0);
    this.yielded(proc);
    return tag(promise);
  }

  /** Waits until any message is in the mailbox, without taking it (Process.hibernate). */
  hibernate(proc: Proc): Promise<unknown> {
    this.checkAlive(proc);
    if (proc.mailbox.length > 0) return this.continueWithQueued(proc);
    let resolve!: (value: unknown) => void;
    const promise = new Promise<unknown>((res) => {
      resolve = res;
    });
    proc.mailbox.compact();
    proc.hibernating = true;
    proc.wait = new Wait('hibernate', null, resolve, null, null, null);
    this.uncountOwnWaits(proc);
    proc.status = 'waiting';
    this.yielded(proc);
    return tag(promise);
  }

  /** Empties the mailbox, returning its messages oldest first. */
  flush(proc: Proc): unknown[] {
    this.checkAlive(proc);
    const messages = proc.mailbox.drain();
    if (this.trace.active) {
      for (const msg of messages)
        this.trace.emit({ type: 'receive', pid: proc.pid, msg, msgId: -1 });
    }
    return messages;
  }

  // ---------------------------------------------------------------- external promises

  /**
   * Suspends `proc` until `thenable` settles, then resumes it through the run queue with
   * `onFulfilled`/`onRejected`. Compiled cell code calls this for every await of a promise the
   * runtime does not own, and behaviours for async callbacks, so the scheduler knows the process
   * is not running and resumes it in turn.
   *
   * If the process is already suspended (its own nested code is waiting), the promise depends on
   * that nested wait and is not counted as external; if it settles while the process is running,
   * it was settled by the process's own code, and the continuation runs right away.
   */
  suspendOn(
    proc: Proc,
    thenable: PromiseLike<unknown>,
    onFulfilled: (v: unknown) => void,
    onRejected: (e: unknown) => void,
  ): void {
    this.checkAlive(proc);
    const external = proc.status === 'running';
    if (external) {
      proc.status = 'suspended';
      this.externalWaits++;
      proc.externalWaits++;
    }
    const settle = (continuation: () => void) => {
      if (external && proc.externalWaits > 0) {
        this.externalWaits--;
        proc.externalWaits--;
      }
      if (proc.status === 'dead') return;
      if (proc.status === 'running') {
        setRunning(proc);
        continuation();
      } else {
        this.makeRunnable(proc, continuation);
      }
    };
    thenable.then(
      (v) => settle(() => onFulfilled(v)),
      (e: unknown) => settle(() => onRejected(e)),
    );
    if (external) this.yielded(proc);
  }

  /**
   * Resolves with `promise`'s outcome as the next continuation of process `pid`, whatever state
   * it is in when it settles. For a host awaiting code it ran inside the process (the notebook's
   * evaluator awaiting a cell): if that code left a receive pending without awaiting it (an
   * un-awaited `GenServer.call`), the receive is dropped, `onAbandoned` is told, and the process
   * carries on instead of finding itself blocked in someone else's receive. A process that has
   * exited has no next continuation, so then the result never settles.
   */
  settleInProcess<T>(pid: Pid, promise: Promise<T>, onAbandoned: () => void): Promise<T> {
    const proc = this.procOf(pid);
    const { promise: settled, resolve, reject } = deferred<T>();
    const settle = (continuation: () => void) => {
      if (proc === null || proc.status === 'dead') return;
      const wait = proc.wait;
      if (wait !== null) {
        proc.wait = null;
        proc.hibernating = false;
        if (wait.timer) this.timers.cancel(wait.timer);
        onAbandoned();
        this.makeRunnable(proc, continuation);
      } else if (proc.status === 'running') {
        setRunning(proc);
        continuation();
      } else if (proc.status === 'runnable') {
        // Already queued: a receive of that code completed but has not continued yet.
        if (proc.resume instanceof Wait) onAbandoned();
        proc.resume = continuation;
      } else {
        this.makeRunnable(proc, continuation);
      }
    };
    promise.then(
      (v) => settle(() => resolve(v)),
      (e: unknown) => settle(() => reject(e)),
    );
    return tag(settled) as Promise<T>;
  }

  /** `await x` in compiled code: plain promises suspend the process (see suspendOn). */
  awaitValue(proc: Proc | null, value: unknown): unknown {
    if (
      proc === null ||
      proc.status !== 'running' ||
      !isThenable(value) ||
      isRuntimePromise(value)
    ) {
      return value;
    }
    const { promise, resolve, reject } = deferred<unknown>();
    this.suspendOn(proc, value, resolve, reject);
    return tag(promise);
  }

  // ---------------------------------------------------------------- the scheduler

  private makeRunnable(proc: Proc, continuation: () => void): void {
    proc.resume = continuation;
    proc.status = 'runnable';
    this.runQueue.push(proc);
    this.kick();
  }

  private enqueue(proc: Proc): void {
    proc.status = 'runnable';
    this.runQueue.push(proc);
    this.kick();
  }

  /** Starts the loop if nothing is driving it (called when work arrives from outside). */
  private kick(): void {
    if (
      this.looping ||
      this.holder !== null ||
      this.loopQueued ||
      this.sliceQueued ||
      this.pausedFlag
    )
      return;
    this.loopQueued = true;
    void Promise.resolve().then(() => {
      this.loopQueued = false;
      if (!this.looping && this.holder === null) this.sliceStart = hostNow();
      this.runLoop();
    });
  }

  /**
   * A process suspended or exited; if it held the scheduler, the next process runs, from inside
   * its call. The rest of its synchronous code (the next `GenServer.call` in a `Promise.all`)
   * still runs as that process, so it is the running one again afterwards, and the loop does
   * not resume it meanwhile: whether its wait was already answered must not depend on how much
   * of the slice was left.
   */
  yielded(proc: Proc): void {
    if (this.holder !== proc) return;
    this.holder = null;
    this.inTurnOf = proc;
    try {
      this.runLoop();
    } finally {
      this.inTurnOf = null;
    }
    if (this.turnDeferred) {
      this.turnDeferred = false;
      this.kick();
    }
    // A process the loop resumed meanwhile runs next, and keeps the running slot for it.
    if (proc.status === 'dead' || this.holder !== null) return;
    setRunning(proc);
    if (this.runQueue.size === 0) {
      // Idle once its turn ends: code outside any process must not pass for it then.
      void Promise.resolve().then(() => {
        if (this.holder === null && !this.looping && runningProcRaw() === proc) setRunning(null);
      });
    }
  }

  private runLoop(): void {
    if (this.looping || this.holder !== null || this.pausedFlag || this.stopped) return;
    this.looping = true;
    try {
      for (;;) {
        const proc = this.runQueue.peek();
        if (proc === undefined) {
          this.becameIdle();
          return;
        }
        const now = hostNow();
        if (now - this.sliceStart > this.sliceMs) {
          this.endSlice(now);
          return;
        }
        if (proc === this.inTurnOf && proc.status === 'runnable') {
          // Its own call stack is still below us: resume it once that has unwound.
          this.turnDeferred = true;
          return;
        }
        this.runQueue.shift();
        if (proc.status !== 'runnable') continue;
        const next = proc.resume!;
        proc.resume = null;
        proc.status = 'running';
        proc.reductions++;
        // A resumption from the run queue starts a new budget of fast-path receives.
        this.lastResumed = proc;
        this.fastPathRun = 0;
        setRunning(proc);
        this.resumedAt = now;
        setInContinuation(true);
        try {
          if (typeof next === 'function') next();
          else this.finishWait(next);
        } catch (e) {
          this.processThrew(proc, e);
        } finally {
          setInContinuation(false);
        }
        if (this.stepsLeft > 0 && --this.stepsLeft === 0) this.pausedFlag = true;
        if (proc.status === 'running') {
          this.holder = proc;
          this.watchForStall();
          return;
        }
        if (this.pausedFlag) return;
      }
    } finally {
      this.looping = false;
    }
  }

  private endSlice(now: number): void {
    this.recordSlice(now);
    if (this.sliceQueued) return;
    this.sliceQueued = true;
    scheduleMacrotask(() => {
      this.sliceQueued = false;
      this.sliceStart = hostNow();
      this.fireDueTimers();
      this.runLoop();
    });
  }

  private recordSlice(now: number): void {
    this.slices++;
    const length = now - this.sliceStart;
    if (length > this.longestSlice) this.longestSlice = length;
  }

  private becameIdle(): void {
    this.recordSlice(hostNow());
    this.sliceStart = hostNow();
    setRunning(null);
    this.lastResumed = null;
    if (this.fireDueTimers() > 0) {
      // Timers due now made processes runnable: keep going in a fresh turn. Called from runLoop,
      // the loop is unwinding, and kick() would do nothing while `looping` is still set.
      this.looping = false;
      this.kick();
      return;
    }
    const next = this.timers.peek();
    if (this.idleWaiters.length > 0 && (next === undefined || this.clock.kind === 'real')) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    if (next === undefined) return;
    if (this.clock instanceof VirtualClock) {
      if (this.externalWaits === 0) this.queueAdvance();
    } else {
      this.wakeForTimers();
    }
  }

  /**
   * Real time: wakes up when the next timer is due. Time goes on while the scheduler is paused,
   * so timers still deliver their messages then (nobody runs until resume or step), and the
   * next wake-up is set right away.
   */
  private wakeForTimers(): void {
    const next = this.timers.peek();
    if (next === undefined || this.clock instanceof VirtualClock) return;
    this.clock.wakeAt(next.at, () => {
      this.sliceStart = hostNow();
      this.fireDueTimers();
      if (this.pausedFlag) this.wakeForTimers();
      else this.runLoop();
    });
  }

  /** Virtual time: once nothing else can happen, jump to the next timer. */
  private queueAdvance(): void {
    if (this.advanceQueued) return;
    this.advanceQueued = true;
    scheduleMacrotask(() => {
      this.advanceQueued = false;
      if (
        this.looping ||
        this.holder !== null ||
        this.runQueue.size > 0 ||
        this.externalWaits > 0 ||
        this.stopped ||
        this.virtualTimeHeld
      )
        return;
      const next = this.timers.peek();
      if (!next) return;
      (this.clock as VirtualClock).advanceTo(next.at);
      this.sliceStart = hostNow();
      this.fireDueTimers();
      this.runLoop();
    });
  }

  private fireDueTimers(): number {
    const now = this.clock.now();
    let fired = 0;
    for (let timer = this.timers.popDue(now); timer; timer = this.timers.popDue(now)) {
      fired++;
      timer.fire();
    }
    return fired;
  }

  /**
   * If the holder has not handed back control by the time the host's macrotask runs, every
   * microtask is done: it must be awaiting a promise the runtime was not told about (code that
   * was not compiled). It is then treated as suspended on it, and the others run.
   */
  private watchForStall(): void {
    if (this.stallCheckQueued) return;
    this.stallCheckQueued = true;
    scheduleMacrotask(() => {
      this.stallCheckQueued = false;
      const proc = this.holder;
      if (proc === null) return;
      proc.status = 'suspended';
      proc.untracked = true;
      this.externalWaits++;
      this.holder = null;
      this.sliceStart = hostNow();
      this.runLoop();
    });
  }

  private returnedFromUntracked(proc: Proc): void {
    proc.untracked = false;
    this.externalWaits--;
    if (proc.status === 'suspended') proc.status = 'running';
    setRunning(proc);
  }

  /**
   * The loop guard: compiled loops call this now and then. A process that has been running for
   * longer than `runawayMs` without waiting is killed, alone: JavaScript cannot preempt it, but it
   * can be stopped at its next loop iteration, and everything else keeps running.
   */
  checkRunaway(proc: Proc): void {
    this.checkAlive(proc);
    const ran = hostNow() - this.resumedAt;
    if (ran <= this.runawayMs || (this.holder !== proc && !this.looping)) return;
    this.output(
      proc,
      `[error] Process ${proc.pid.toString()} was stopped by the loop guard: it ran for ${Math.round(ran)} ms without waiting\n`,
      'stderr',
    );
    this.terminate(proc, 'killed');
    throw new ExitSignal('killed');
  }

  // ---------------------------------------------------------------- control (panels, tests)

  /** Stops running processes (messages still arrive) until `resume` or `step`. */
  pause(): void {
    this.pausedFlag = true;
    this.wakeForTimers();
  }

  /** Runs processes again after `pause`. */
  resume(): void {
    if (!this.pausedFlag && this.stepsLeft === 0) return;
    this.pausedFlag = false;
    this.stepsLeft = 0;
    this.kick();
  }

  /** While paused, runs `count` process resumptions (usually one message each), then pauses again. */
  step(count = 1): void {
    this.stepsLeft = count;
    this.pausedFlag = false;
    this.kick();
  }

  /** True while paused, including while a step waits for a process to become runnable. */
  get paused(): boolean {
    return this.pausedFlag || this.stepsLeft > 0;
  }

  /** Runs time at `rate` times real speed (real clock only): slow motion for the panels. */
  setSpeed(rate: number): void {
    if (!(this.clock instanceof RealClock))
      throw new ArgumentError('only a real clock has a speed');
    this.clock.setRate(rate);
  }

  /**
   * In virtual time, keeps the clock from jumping to the next timer while `held`, even when
   * every process waits. A headless notebook holds it between cells, so a timer an earlier cell
   * started fires no sooner than it would while a person runs the next cell. No effect on a
   * real clock.
   */
  holdVirtualTime(held: boolean): void {
    this.virtualTimeHeld = held;
    if (!held && this.clock instanceof VirtualClock && this.timers.peek()) this.queueAdvance();
  }

  /** Resolves once no process is runnable (and, in virtual time, no timer is pending). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.kick();
      if (!this.looping && this.holder === null && this.runQueue.size === 0 && !this.loopQueued) {
        this.becameIdle();
      }
    });
  }

  stats(): RuntimeStats {
    return {
      processes: this.procs.size,
      runQueue: this.runQueue.size,
      timers: this.timers.size,
      messagesSent: this.msgSeq,
      spawned: this.spawned,
      slices: this.slices,
      longestSliceMs: this.longestSlice,
      messagesScanned: this.scanned,
    };
  }

  /** Forgets the longest slice seen so far (benchmarks measure phase by phase). */
  resetSliceStats(): void {
    this.slices = 0;
    this.longestSlice = 0;
  }

  /** Kills every process and stops the scheduler; the runtime cannot be used afterwards. */
  shutdown(): void {
    for (const proc of [...this.procs.values()]) this.terminate(proc, 'shutdown');
    this.stopped = true;
    this.timers.clear();
    this.timerRefs.clear();
    this.runQueue.clear();
    this.clock.cancelWake();
    this.holder = null;
    setRunning(null);
  }

  get isShutdown(): boolean {
    return this.stopped;
  }

  // ---------------------------------------------------------------- exits and signals

  /** Ends a process with `reason`: OTP's exit, with links, monitors, names and timers cleaned up. */
  terminate(proc: Proc, reason: unknown, returned?: unknown): void {
    if (proc.status === 'dead') return;
    proc.status = 'dead';
    proc.exitReason = reason;
    proc.pid.proc = null;
    this.procs.delete(proc.pid.id);
    if (proc.untracked) {
      proc.untracked = false;
      this.externalWaits--;
    }
    // A dead process waits for nothing: a promise it awaited may never settle.
    this.uncountOwnWaits(proc);
    if (proc.wait?.timer) this.timers.cancel(proc.wait.timer);
    proc.wait = null;
    proc.resume = null;
    if (proc.timers) {
      for (const ref of proc.timers) this.cancelTimer(ref);
      proc.timers = null;
    }
    if (proc.name !== null) this.unregisterProc(proc);
    if (this.trace.active) this.trace.emit({ type: 'exit', pid: proc.pid, reason });
    if (proc.links) {
      for (const other of proc.links) {
        other.links!.delete(proc);
        this.pendingSignals.push([proc.pid, other, reason]);
      }
      proc.links = null;
    }
    if (proc.monitors) {
      for (const [ref, target] of proc.monitors) target.monitoredBy?.delete(ref);
      proc.monitors = null;
    }
    if (proc.monitoredBy) {
      for (const [ref, watcher] of proc.monitoredBy) {
        watcher.monitors?.delete(ref);
        if (this.trace.active)
          this.trace.emit({ type: 'down', ref, watcher: watcher.pid, target: proc.pid, reason });
        this.deliver(watcher, ['DOWN', ref, 'process', proc.pid, reason], proc.pid, 'send', null);
      }
      proc.monitoredBy = null;
    }
    proc.mailbox.clear();
    proc.dictionary = null;
    const hooks = proc.exitHooks;
    proc.exitHooks = null;
    if (hooks) for (const hook of hooks) hook(reason, returned);
    this.drainSignals();
    this.yielded(proc);
  }

  private drainSignals(): void {
    if (this.drainingSignals) return;
    this.drainingSignals = true;
    try {
      for (let next = this.pendingSignals.shift(); next; next = this.pendingSignals.shift()) {
        this.deliverSignal(next[0], next[1], next[2], true);
      }
    } finally {
      this.drainingSignals = false;
    }
  }

  /**
   * OTP's rules for an exit signal arriving at `to`:
   * - `'normal'` is ignored unless the target traps exits (then an EXIT message) or the target
   *   sent it to itself with Process.exit (then it exits normally);
   * - any other reason becomes an `['EXIT', from, reason]` message for a trapping target and
   *   makes any other target exit with that reason. (An untrappable kill is handled by exitPid.)
   */
  private deliverSignal(from: Pid, to: Proc, reason: unknown, viaLink: boolean): void {
    if (to.status === 'dead') return;
    let outcome: 'ignored' | 'trapped' | 'exited';
    if (to.trapExit) outcome = 'trapped';
    else if (reason === 'normal') outcome = !viaLink && from === to.pid ? 'exited' : 'ignored';
    else outcome = 'exited';
    if (this.trace.active)
      this.trace.emit({ type: 'exit_signal', from, to: to.pid, reason, outcome });
    if (outcome === 'trapped') this.deliver(to, ['EXIT', from, reason], from, 'send', null);
    else if (outcome === 'exited') this.terminate(to, reason);
  }

  /** `Process.exit(pid, reason)`: sends an exit signal; `'kill'` cannot be trapped. */
  exitPid(from: Proc | null, pid: Pid, reason: unknown): true {
    if (from) this.checkAlive(from);
    const target = this.procOf(pid);
    if (target) {
      const fromPid = from ? from.pid : target.pid;
      if (reason === 'kill') {
        if (this.trace.active)
          this.trace.emit({
            type: 'exit_signal',
            from: fromPid,
            to: target.pid,
            reason,
            outcome: 'exited',
          });
        this.terminate(target, 'killed');
      } else {
        this.deliverSignal(from ? from.pid : this.user, target, reason, false);
        this.drainSignals();
      }
    }
    if (from && from.status === 'dead') throw new ExitSignal(from.exitReason);
    return true;
  }

  /**
   * Registers a callback for when a process exits (by handle inside the runtime, by pid from a
   * host): its reason and, after a normal return, the value. For a pid that is no longer alive
   * the callback runs at once with 'noproc', as a monitor's DOWN would say.
   */
  onExit(process: Proc | Pid, hook: (reason: unknown, returned: unknown) => void): void {
    const proc = process instanceof Pid ? this.procOf(process) : process;
    if (proc === null) {
      hook('noproc', undefined);
      return;
    }
    if (proc.status === 'dead') {
      hook(proc.exitReason, undefined);
      return;
    }
    (proc.exitHooks ??= []).push(hook);
  }

  // ---------------------------------------------------------------- links and monitors

  private addLink(a: Proc, b: Proc): void {
    (a.links ??= new Set()).add(b);
    (b.links ??= new Set()).add(a);
  }

  /** `Process.link`: links both ways; linking to a dead process exits a non-trapping caller with noproc. */
  link(proc: Proc, pid: Pid): true {
    this.checkAlive(proc);
    const target = this.procOf(pid);
    if (target === proc) return true;
    if (!target) {
      if (proc.trapExit) this.deliver(proc, ['EXIT', pid, 'noproc'], pid, 'send', null);
      // Like OTP's link/1, a catchable noproc: uncaught, it ends the caller with 'noproc'.
      else throw new ExitSignal('noproc');
      return true;
    }
    if (proc.links?.has(target)) return true;
    this.addLink(proc, target);
    if (this.trace.active) this.trace.emit({ type: 'link', from: proc.pid, to: target.pid });
    return true;
  }

  /** `Process.unlink`: removes the link both ways; afterwards it has no effect on either side. */
  unlink(proc: Proc, pid: Pid): true {
    this.checkAlive(proc);
    const target = this.procOf(pid);
    if (target && proc.links?.delete(target)) {
      target.links!.delete(proc);
      if (this.trace.active) this.trace.emit({ type: 'unlink', from: proc.pid, to: target.pid });
    }
    return true;
  }

  /** `Process.monitor`: DOWN arrives when the target exits, at once with noproc if it is gone. */
  monitor(proc: Proc, target: Pid | string): Ref {
    this.checkAlive(proc);
    const ref = this.makeRef(proc);
    const watched =
      typeof target === 'string' ? (this.names.get(target) ?? null) : this.procOf(target);
    if (this.trace.active) {
      this.trace.emit({
        type: 'monitor',
        ref,
        watcher: proc.pid,
        target: watched ? watched.pid : target,
      });
    }
    if (!watched) {
      const who = typeof target === 'string' ? target : target;
      this.deliver(proc, ['DOWN', ref, 'process', who, 'noproc'], null, 'send', null);
      return ref;
    }
    (proc.monitors ??= new Map()).set(ref, watched);
    (watched.monitoredBy ??= new Map()).set(ref, proc);
    return ref;
  }

  /** `Process.demonitor`: stops the monitor; with flush, also removes its DOWN from the mailbox. */
  demonitor(proc: Proc, ref: Ref, flush: boolean): boolean {
    this.checkAlive(proc);
    const target = proc.monitors?.get(ref);
    if (target) {
      proc.monitors!.delete(ref);
      target.monitoredBy?.delete(ref);
      if (this.trace.active)
        this.trace.emit({ type: 'demonitor', ref, watcher: proc.pid, target: target.pid });
    }
    if (flush) {
      const mailbox = proc.mailbox;
      for (
        let i = mailbox.indexFromSeq(ref.owner === proc.pid.id ? ref.mark : 0);
        i < mailbox.length;
        i++
      ) {
        const m = mailbox.at(i);
        if (Array.isArray(m) && m.length === 5 && m[0] === 'DOWN' && m[1] === ref) {
          this.consumeAt(proc, i);
          break;
        }
      }
    }
    return true;
  }

  /**
   * Takes the message at position `i` out of `proc`'s mailbox outside a receive (a flush, a
   * Task.ignore), traced as received so the panels' queue lengths and arrows stay right.
   */
  consumeAt(proc: Proc, i: number): unknown {
    const mailbox = proc.mailbox;
    if (this.trace.active) {
      this.trace.emit({
        type: 'receive',
        pid: proc.pid,
        msg: mailbox.at(i),
        msgId: mailbox.seqAt(i),
      });
    }
    return mailbox.removeAt(i);
  }

  /** `Process.flag('trap_exit', value)`: returns the previous value. */
  setTrapExit(proc: Proc, value: boolean): boolean {
    this.checkAlive(proc);
    const previous = proc.trapExit;
    proc.trapExit = value;
    if (this.trace.active && previous !== value)
      this.trace.emit({ type: 'trap_exit', pid: proc.pid, value });
    return previous;
  }

  // ---------------------------------------------------------------- names

  /** `Process.register`: fails with ArgumentError if the name is taken or the pid already named. */
  register(pid: Pid, name: string): true {
    if (typeof name !== 'string' || name === '' || name === 'undefined') {
      throw new ArgumentError(
        `cannot register under ${inspect(name)}: a name is a non-empty string`,
      );
    }
    const proc = this.procOf(pid);
    if (!proc)
      throw new ArgumentError(
        `cannot register ${pid.toString()} as '${name}': the process is not alive`,
      );
    const holder = this.names.get(name);
    if (holder)
      throw new ArgumentError(
        `cannot register '${name}': it is already taken by ${holder.pid.toString()}`,
      );
    if (proc.name !== null) {
      throw new ArgumentError(
        `cannot register ${pid.toString()} as '${name}': it is already registered as '${proc.name}'`,
      );
    }
    proc.name = name;
    this.names.set(name, proc);
    if (this.trace.active) this.trace.emit({ type: 'register', pid, name });
    return true;
  }

  /** `Process.unregister`: fails with ArgumentError if nothing is registered under `name`. */
  unregister(name: string): true {
    const proc = this.names.get(name);
    if (!proc)
      throw new ArgumentError(
        `cannot unregister '${name}': no process is registered under that name`,
      );
    this.unregisterProc(proc);
    return true;
  }

  private unregisterProc(proc: Proc): void {
    const name = proc.name!;
    this.names.delete(name);
    proc.name = null;
    if (this.trace.active) this.trace.emit({ type: 'unregister', pid: proc.pid, name });
  }

  whereis(name: string): Pid | null {
    return this.names.get(name)?.pid ?? null;
  }

  registered(): string[] {
    return [...this.names.keys()];
  }

  // ---------------------------------------------------------------- timers

  private addTimer(at: number, fire: () => void): Timer {
    const timer = this.timers.add(at, fire);
    if (
      this.clock.kind === 'real' &&
      this.timers.peek() === timer &&
      !this.looping &&
      this.holder === null
    ) {
      this.clock.wakeAt(at, () => {
        this.sliceStart = hostNow();
        this.fireDueTimers();
        this.runLoop();
      });
    }
    return timer;
  }

  /**
   * Runs `fire` in `ms` milliseconds on this runtime's timer heap, so a simulation on the host
   * side (the `Net` module) follows the real or the virtual clock like every timer. It emits no
   * trace event of its own. Returns a function that cancels it.
   */
  schedule(ms: number, fire: () => void): () => void {
    const timer = this.addTimer(this.clock.now() + Math.max(0, ms), fire);
    return () => {
      this.timers.cancel(timer);
    };
  }

  /** `Process.sendAfter`: the message is copied now and sent after `ms`; returns the timer's ref. */
  sendAfter(owner: Proc | null, dest: Pid | string, message: unknown, ms: number): Ref {
    if (owner) this.checkAlive(owner);
    if (!(typeof ms === 'number' && ms >= 0))
      throw new ArgumentError(`sendAfter needs a non-negative delay, got ${inspect(ms)}`);
    const copy = copyMessage(message);
    const ref = this.makeRef(owner);
    const destProc = dest instanceof Pid ? this.procOf(dest) : null;
    if (dest instanceof Pid && !destProc) return ref; // BEAM: a timer to a dead pid is cancelled at once
    const at = this.clock.now() + ms;
    const timer = this.addTimer(at, () => {
      this.timerRefs.delete(ref.id);
      destProc?.timers?.delete(ref);
      if (this.trace.active) this.trace.emit({ type: 'timer_fire', ref });
      const target = destProc ?? (typeof dest === 'string' ? this.names.get(dest) : undefined);
      if (target && target.status !== 'dead')
        this.deliver(
          target,
          copy,
          owner ? owner.pid : null,
          'timer',
          typeof dest === 'string' ? dest : null,
        );
    });
    this.timerRefs.set(ref.id, { timer, dest: destProc });
    if (destProc) (destProc.timers ??= new Set()).add(ref);
    if (this.trace.active)
      this.trace.emit({ type: 'timer_start', ref, owner: owner ? owner.pid : null, at });
    return ref;
  }

  /** `Process.cancelTimer`: the ms that were left, or false if it already fired or was cancelled. */
  cancelTimer(ref: Ref): number | false {
    const entry = this.timerRefs.get(ref.id);
    if (!entry) return false;
    this.timerRefs.delete(ref.id);
    entry.dest?.timers?.delete(ref);
    const left = Math.max(0, Math.round(entry.timer.at - this.clock.now()));
    this.timers.cancel(entry.timer);
    if (this.trace.active) this.trace.emit({ type: 'timer_cancel', ref });
    return left;
  }

  /** `Process.readTimer`: the ms left, or false. */
  readTimer(ref: Ref): number | false {
    const entry = this.timerRefs.get(ref.id);
    return entry ? Math.max(0, Math.round(entry.timer.at - this.clock.now())) : false;
  }

  // ---------------------------------------------------------------- output

  /** Writes text to `proc`'s group leader: an I/O device's sink, or an io_request message. */
  output(proc: Proc, text: string, stream: 'stdout' | 'stderr'): void {
    const device = proc.groupLeader.proc as Proc | null;
    if (!device) return;
    if (device.ioSink) {
      device.ioSink({ from: proc.pid, device: device.pid, stream, text });
      return;
    }
    // A process acting as a group leader gets Erlang's I/O protocol request, as a message.
    this.deliver(
      device,
      ['io_request', proc.pid, this.makeRef(proc), ['put_chars', 'unicode', text]],
      proc.pid,
      'io',
      null,
    );
  }

  /** `Process.info` status of a live process. */
  statusOf(proc: Proc): ProcessStatus {
    return proc.status === 'dead' ? 'exiting' : proc.status;
  }
}
