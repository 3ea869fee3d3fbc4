/**
 * The process control block: everything the runtime knows about one process.
 *
 * Collections that most processes never use (links, monitors, dictionary, timers) start as null
 * and are created on first use, which keeps an idle process small: the course spawns thousands.
 */
import { Mailbox } from './mailbox';
import type { ReceiveSpec } from './pattern';
import type { Runtime } from './runtime';
import type { Timer } from './timers';
import type { Pid, Ref } from './terms';

/** What a process is doing, as `Process.info(pid, 'status')` reports it. */
export type ProcessStatus = 'runnable' | 'running' | 'waiting' | 'suspended' | 'exiting';

/** Internal status: the public ones plus 'dead'. */
export type ProcStatus = ProcessStatus | 'dead';

/** Where a process's output goes when it is an I/O device (a group leader the host provides). */
export type OutputSink = (output: Output) => void;

/** One piece of text written by a process. */
export interface Output {
  /** The process that wrote it. */
  readonly from: Pid;
  /** The group leader (device) it was written to. */
  readonly device: Pid;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/**
 * What a Wait does when it completes: settle an async process's promise with the clause
 * handler's result ('promise'), call a native process's onMessage/onTimeout ('native'), or wake
 * a hibernating process with 'ok', leaving the message in the mailbox ('hibernate').
 */
export type WaitKind = 'promise' | 'native' | 'hibernate';

/** `Wait.clause` when the after() timeout fired rather than a message. */
export const TIMED_OUT = -1;

/**
 * A pending receive: what the process waits for and what to do when it comes. One small object
 * per receive, with the outcome stored in it, instead of a closure per step: receive is the
 * hottest path of the runtime and closures are what fills the garbage collector.
 */
export class Wait {
  timer: Timer | null = null;
  /** Filled in when the wait completes: the message and the clause that matched (or TIMED_OUT). */
  message: unknown = undefined;
  clause = 0;
  /** For a receive that found its message at once but must queue: the handler to run. */
  handler: ((message: never) => unknown) | null = null;
  constructor(
    readonly kind: WaitKind,
    readonly spec: ReceiveSpec | null,
    readonly resolve: ((value: unknown) => void) | null,
    readonly reject: ((error: unknown) => void) | null,
    readonly onMessage: ((message: unknown, clause: number) => void) | null,
    readonly onTimeout: (() => void) | null,
  ) {}
}

export class Proc {
  status: ProcStatus = 'runnable';
  readonly mailbox = new Mailbox();
  links: Set<Proc> | null = null;
  /** Monitors this process holds: ref -> monitored process. */
  monitors: Map<Ref, Proc> | null = null;
  /** Monitors on this process: ref -> watching process. */
  monitoredBy: Map<Ref, Proc> | null = null;
  trapExit = false;
  name: string | null = null;
  dictionary: Map<unknown, unknown> | null = null;
  /** Timers whose message goes to this pid; cancelled when it exits, as on the BEAM. */
  timers: Set<Ref> | null = null;
  reductions = 0;
  wait: Wait | null = null;
  /** What runs when the scheduler next picks this process: a completed Wait, or a function. */
  resume: Wait | (() => void) | null = null;
  exitReason: unknown = undefined;
  /** Called once at exit with the reason and, after a normal return, the function's value. */
  exitHooks: Array<(reason: unknown, returned: unknown) => void> | null = null;
  /** Set for I/O device processes: output sent to this group leader goes here. */
  ioSink: OutputSink | null = null;
  hibernating = false;
  /** True while suspended on a promise the runtime was not told about (see Runtime.stalled). */
  untracked = false;
  /**
   * External waits counted for this process (see Runtime.suspendOn): dropped once it blocks in
   * the runtime, which shows the promise it awaits is its own nested code, not the outside world.
   */
  externalWaits = 0;
  /** The OTP behaviour the process runs ('gen_server', 'supervisor', ...), for panels and traces. */
  behaviour: string | null = null;
  /**
   * The behaviour's own live object (a GenServer's server loop). Runtime code only: it is mutable
   * and never handed out.
   */
  behaviourServer: object | null = null;
  /**
   * A plain, immutable view the behaviour publishes for introspection (a supervisor's
   * `SupervisorState`): replaced on every change, never mutated, so readers compare by identity.
   */
  publishedState: object | null = null;
  /**
   * A table the process owns and other processes read synchronously, like an ETS table (a
   * Registry's `RegistryTable`). Read only through its owner module.
   */
  ownedTable: object | null = null;

  constructor(
    readonly pid: Pid,
    readonly runtime: Runtime,
    readonly parent: Pid | null,
    public groupLeader: Pid,
    /** What the process was started with, for panels (`initial_call`). */
    readonly label: string,
  ) {}
}
