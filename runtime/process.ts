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

/** A pending receive: what the process waits for and what to do when it comes. */
export interface Wait {
  readonly spec: ReceiveSpec | null;
  /** Called (as the process's continuation) with the matched message and clause index. */
  readonly onMessage: (message: unknown, clause: number) => void;
  /** Called (as the continuation) when the after() timeout fires. */
  readonly onTimeout: () => void;
  timer: Timer | null;
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
  /** What runs when the scheduler next picks this process. */
  resume: (() => void) | null = null;
  exitReason: unknown = undefined;
  /** Called once at exit with the reason and, after a normal return, the function's value. */
  exitHooks: Array<(reason: unknown, returned: unknown) => void> | null = null;
  /** Set for I/O device processes: output sent to this group leader goes here. */
  ioSink: OutputSink | null = null;
  hibernating = false;
  /** True while suspended on a promise the runtime was not told about (see Runtime.stalled). */
  untracked = false;
  /** The OTP behaviour the process runs ('gen_server', 'supervisor', ...), for panels and traces. */
  behaviour: string | null = null;
  /** Behaviour-specific data the panels may show (a supervisor's children, ...). */
  behaviourState: unknown = null;

  constructor(
    readonly pid: Pid,
    readonly runtime: Runtime,
    readonly parent: Pid | null,
    public groupLeader: Pid,
    /** What the process was started with, for panels (`initial_call`). */
    readonly label: string,
  ) {}
}
